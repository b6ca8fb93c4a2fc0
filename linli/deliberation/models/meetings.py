"""Meetings (议事会): a building council (楼组议事会) or a community meeting, with its agenda, the residents
invited, who signed in, the minutes, the resolutions voted on and the follow-up tasks.

Every row carries its community; child rows reach the meeting's buildings for a building leader's scope
(`meeting__buildings__id`). A building-level meeting names one or more buildings; a community-level one
names none (services_meetings keeps that true). One sign-in per meeting and resident is a database
constraint, as are the vote counts of a resolution (for + against + abstain ≤ present ≤ entitled).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community
from linli.registry.models import Building, Resident

MEETING_BUILDING_PATH = "meeting__buildings__id"


class MeetingLevel(models.TextChoices):
    BUILDING = "building", _("楼组")
    COMMUNITY = "community", _("居民区")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class CheckInMethod(models.TextChoices):
    STAFF = "staff", _("工作人员登记")
    QR = "qr", _("扫码签到")


class Meeting(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("居民区")
    )
    level = models.CharField(_("层级"), max_length=10, choices=MeetingLevel.choices)
    buildings = models.ManyToManyField(Building, blank=True, related_name="meetings", verbose_name=_("楼栋"))
    title = models.CharField(_("会议名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=["buildings"])

    scope_paths = {"community": "community_id", "building": "buildings__id"}

    class Meta:
        verbose_name = verbose_name_plural = _("议事会议")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["community", "-starts_at"], name="meeting_community_starts")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("会议")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议题"), max_length=200)
    notes = models.TextField(_("说明"), blank=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": MEETING_BUILDING_PATH}

    class Meta:
        verbose_name = verbose_name_plural = _("议程")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_one_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Invitee(models.Model):
    """A resident invited to the meeting: those entitled to attend (e.g. each household's representative
    in a building council)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitees", verbose_name=_("会议")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="meeting_invitations", verbose_name=_("居民")
    )
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": MEETING_BUILDING_PATH}

    class Meta:
        verbose_name = verbose_name_plural = _("参会人")
        ordering = ["meeting", "resident__name_pinyin", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "resident"], name="invitee_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.resident}"


class Attendance(models.Model):
    """One resident signed in at one meeting: ticked by staff on the sheet, or by scanning the QR code."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("会议")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="meeting_attendances", verbose_name=_("居民")
    )
    method = models.CharField(_("签到方式"), max_length=10, choices=CheckInMethod.choices)
    at = models.DateTimeField(_("签到时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": MEETING_BUILDING_PATH}

    class Meta:
        verbose_name = verbose_name_plural = _("签到")
        ordering = ["meeting", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "resident"], name="attendance_once_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.resident}"


class Minutes(models.Model):
    """会议记录: one per meeting; once approved it is the record and no longer changes."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("会议")
    )
    text = models.TextField(_("记录内容"), blank=True)
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    approved = models.BooleanField(_("已审定"), default=False)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": MEETING_BUILDING_PATH}

    class Meta:
        verbose_name = verbose_name_plural = _("会议记录")

    def __str__(self) -> str:
        return str(self.meeting)


class Resolution(models.Model):
    """A motion put to the vote, with the counts recorded and the outcome the rule gave
    (linli.deliberation.meetings_rules). `entitled` and `present` are those of the vote, kept with it."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("会议")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("决议内容"))
    entitled = models.PositiveIntegerField(_("应到人数"))
    present = models.PositiveIntegerField(_("实到人数"))
    votes_for = models.PositiveIntegerField(_("赞成"))
    votes_against = models.PositiveIntegerField(_("反对"))
    votes_abstain = models.PositiveIntegerField(_("弃权"))
    passed = models.BooleanField(_("通过"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": MEETING_BUILDING_PATH}

    class Meta:
        verbose_name = verbose_name_plural = _("决议")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="resolution_one_per_position"),
            models.CheckConstraint(
                name="resolution_votes_within_present",
                condition=Q(votes_for__lte=F("present") - F("votes_against") - F("votes_abstain")),
            ),
            models.CheckConstraint(
                name="resolution_present_within_entitled", condition=Q(present__lte=F("entitled"))
            ),
        ]

    def __str__(self) -> str:
        return self.text[:30]


class FollowUpTask(models.Model):
    """A task the meeting gave someone, with a due date; reminded once per due date
    (linli.notifications.reminders: meeting_task_reminders_send)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("会议")
    )
    text = models.CharField(_("事项"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_tasks",
        verbose_name=_("负责人"),
    )
    due_on = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": MEETING_BUILDING_PATH}

    class Meta:
        verbose_name = verbose_name_plural = _("会后事项")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_at", "due_on"], name="followup_open_due")]

    def __str__(self) -> str:
        return self.text
