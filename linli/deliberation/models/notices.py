"""Public notices (公示): a text with attachments shown to a building or the whole community for a
period, during which residents may file objections (异议) that staff answer.

The period ends by itself: linli.deliberation.tasks_notices closes notices whose end has passed, so
"closed" is a fact on the row (with its time) and not only a comparison with the clock.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community
from linli.registry.models import Building, Household


class Notice(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("正文"))
    buildings = models.ManyToManyField(
        Building,
        blank=True,
        related_name="notices",
        verbose_name=_("公示范围"),
        help_text=_("选择楼栋；不选则向全体居民公示。"),
    )
    starts_at = models.DateTimeField(_("公示开始"))
    ends_at = models.DateTimeField(_("公示结束"))
    closed_at = models.DateTimeField(_("结束处理时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=["buildings"])

    scope_paths = {"community": "community_id", "building": "buildings__id"}

    class Meta:
        verbose_name = verbose_name_plural = _("公示")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="notice_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def __str__(self) -> str:
        return self.title


def _attachment_path(instance, filename: str) -> str:
    return f"notices/{instance.community_id}/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    """A file shown with the notice (an image or a PDF), served only through the scope, never as public
    media: a notice for one building is not for the street."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("公示")
    )
    file = models.FileField(_("文件"), upload_to=_attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "notice__buildings__id"}

    class Meta:
        verbose_name = verbose_name_plural = _("公示附件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Objection(models.Model):
    """异议: filed by a resident during the notice's period, answered by staff."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="objections", verbose_name=_("公示")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("提出人"),
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("户")
    )
    text = models.TextField(_("异议内容"))
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "notice__buildings__id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("异议")
        ordering = ["filed_at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class NoticeRead(models.Model):
    """A read receipt: one per user and notice (database constraint)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads", verbose_name=_("公示"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    read_at = models.DateTimeField(_("阅读时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "notice__buildings__id"}

    class Meta:
        verbose_name = verbose_name_plural = _("公示阅读记录")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_one_per_user")]

    def __str__(self) -> str:
        return f"{self.notice_id} · {self.user_id}"
