"""Notifications: what Linli tells a person, how it reached them, and how they want to be told.

- A Notification is one message in one person's inbox. Its `dedupe_key` is unique per recipient, so a
  job that runs twice (a retry, a second scheduler) creates nothing new.
- A Delivery is the message on one outside channel (SMS, WeChat, email, the console in development),
  with its attempts and last error: a failure stays visible until it is sent or someone gives up on it.
- A Digest gathers one person's "daily digest" notifications into one message a day.
- A Preference says, per kind of notification, instant / digest / off and on which channels.
- A DutyReminder records that a duty's reminder was dealt with (sent, skipped and why, or muted), once
  per duty and start time.

Notifications, deliveries and digests are records the machine writes (no change history, like the
access log); preferences are people's choices and keep their history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community


class Kind(models.TextChoices):
    DUTY_REMINDER = "duty_reminder", _("值班提醒")
    DUTY_UPCOMING = "duty_upcoming", _("团队成员值班")
    DUTY_UNREMINDED = "duty_unreminded", _("未能提醒的值班")
    MEETING_TASK_DUE = "meeting_task_due", _("会后事项到期提醒")
    LIFT_REGISTRATION_DUE = "lift_registration_due", _("电梯使用登记到期提醒")
    LIFT_REGISTRATION_OVERDUE = "lift_registration_overdue", _("电梯使用登记逾期警示")


class Mode(models.TextChoices):
    INSTANT = "instant", _("立即提醒")
    DIGEST = "digest", _("每日摘要")
    OFF = "off", _("不提醒")


class ChannelName(models.TextChoices):
    CONSOLE = "console", _("控制台（开发用）")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")


class Digest(models.Model):
    """One person's daily digest: the notifications they asked to get once a day, in one message."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("收件人")
    )
    day = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    item_count = models.PositiveIntegerField(_("条数"))
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    # A person's own: read by its recipient only, never through a community's scope.
    scope_paths: dict[str, str] = {}

    class Meta:
        verbose_name = verbose_name_plural = _("每日摘要")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_one_per_day"),
        ]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    mode = models.CharField(
        _("提醒方式"), max_length=10, choices=Mode.choices, default=Mode.INSTANT, editable=False
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    digest = models.ForeignKey(
        Digest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("所在摘要"),
    )

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_key"),
            models.CheckConstraint(condition=~Q(dedupe_key=""), name="notification_has_dedupe_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # The unread count in every page's header reads this small index only.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The daily digest's work list.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(mode="digest", digest__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    """One message on one outside channel. Sent by the job `notifications.deliver` (retried with
    backoff); its status and last error show in the recipient's inbox and on the staff jobs page."""

    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("消息"),
    )
    digest = models.ForeignKey(
        Digest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("每日摘要"),
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=ChannelName.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    error = models.TextField(_("最近的错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    scope_paths = {"community": "notification__community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("发送记录")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notification__isnull=False, digest__isnull=True)
                | Q(notification__isnull=True, digest__isnull=False),
                name="delivery_of_one_message",
            ),
            models.UniqueConstraint(
                fields=["notification", "channel"],
                condition=Q(notification__isnull=False),
                name="delivery_once_per_notification_channel",
            ),
            models.UniqueConstraint(
                fields=["digest", "channel"],
                condition=Q(digest__isnull=False),
                name="delivery_once_per_digest_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class Preference(models.Model):
    """How one person wants one kind of notification. No row: the defaults of notifications.preferences."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    mode = models.CharField(_("提醒方式"), max_length=10, choices=Mode.choices)
    channels = models.JSONField(_("渠道"), default=list, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    scope_paths: dict[str, str] = {}  # a person's own settings: read by that person only

    class Meta:
        verbose_name = verbose_name_plural = _("提醒设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind"),
            models.CheckConstraint(
                condition=Q(mode__in=["instant", "digest", "off"]), name="preference_mode_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.get_mode_display()}"


class ReminderOutcome(models.TextChoices):
    SENT = "sent", _("已提醒")
    SKIPPED = "skipped", _("未提醒")
    MUTED = "muted", _("本人关闭了提醒")


class DutyReminder(models.Model):
    """A duty's reminder, dealt with once per duty and start time (a moved duty is reminded again)."""

    duty = models.ForeignKey(
        "organizing.Duty", on_delete=models.CASCADE, related_name="+", verbose_name=_("值班")
    )
    starts_at = models.DateTimeField(_("值班开始时间"))
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    outcome = models.CharField(_("结果"), max_length=10, choices=ReminderOutcome.choices)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("消息"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("值班提醒记录")
        constraints = [
            models.UniqueConstraint(fields=["duty", "starts_at"], name="duty_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.duty_id} · {self.get_outcome_display()}"
