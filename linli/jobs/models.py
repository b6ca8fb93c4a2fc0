"""The record of every background job: one JobRun per run, with its notes.

A run is identified by its `key`, unique in the database: a scheduled job's key names its slot
("notifications.duty_reminders@2026-03-01T07:05:00+08:00"), a job about one thing names the thing
("notifications.deliver:42"). So the same slot or the same delivery can never be queued twice, and a run
that succeeded is never run again, whichever worker or scheduler asks.

Runs are records written by the machine, like the access log: no change history of their own.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import Community


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class JobRun(models.Model):
    """One run of a job, through all its attempts.

    `community` is the community whose data the run is about, or empty for a run over all communities
    (the schedules): staff see their community's runs in full, and of the others only what the notes
    about their own community say.
    """

    name = models.CharField(_("任务"), max_length=100)
    key = models.CharField(_("唯一键"), max_length=200, unique=True)
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("居民区"),
    )
    kwargs = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("最多尝试次数"), default=3)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("最近入队时间"), null=True, blank=True)
    run_after = models.DateTimeField(_("下次尝试不早于"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("任务运行记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="jobrun_recent"),
            models.Index(fields=["name", "-created_at"], name="jobrun_name_recent"),
            # The scheduler's sweep for runs that are stuck or due again.
            models.Index(fields=["status", "run_after"], name="jobrun_status_after"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="jobrun_attempts_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.get_status_display()}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class NoteLevel(models.TextChoices):
    INFO = "info", _("信息")
    SKIP = "skip", _("跳过")
    ERROR = "error", _("错误")


class JobRunNote(models.Model):
    """A line a run writes about what it did: a reminder skipped and why, a failed attempt. Notes about
    one community's people carry that community, so its staff see them and nobody else's staff do."""

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="notes", verbose_name=_("运行"))
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("居民区"),
    )
    attempt = models.PositiveSmallIntegerField(_("第几次尝试"), default=1)
    level = models.CharField(_("类型"), max_length=10, choices=NoteLevel.choices, default=NoteLevel.INFO)
    message = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("任务运行说明")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.message[:50]
