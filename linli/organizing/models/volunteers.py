"""Volunteers (志愿者) — residents or not, children (小先生) with a guardian's consent — their duty
shifts (值班) and service hours (服务时长); the registry of capable residents (能人达人, 六星能人) and
when each of them can help.

Availability is a small bit set (one bit per day of the week and part of the day) so that a roster
generator (issue 6, lift construction duty) can read it without parsing text: `availability_slots`,
`availability_mask` and `is_available` are the only code that needs to know the layout.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.crypto import EncryptedCharField
from linli.core.models import Community
from linli.registry.models import Resident

# ── Availability ─────────────────────────────────────────────────────────────────────────────────

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
PARTS = ("morning", "afternoon", "evening")
DAY_LABELS = {
    "mon": _("周一"),
    "tue": _("周二"),
    "wed": _("周三"),
    "thu": _("周四"),
    "fri": _("周五"),
    "sat": _("周六"),
    "sun": _("周日"),
}
PART_LABELS = {"morning": _("上午"), "afternoon": _("下午"), "evening": _("晚上")}
# Where each part of the day begins and ends (local time): a shift belongs to the part it starts in.
PART_HOURS = {"morning": (6, 12), "afternoon": (12, 18), "evening": (18, 22)}
# Slot codes in bit order: bit 3*day + part, e.g. "mon_morning" is bit 0, "sun_evening" bit 20.
SLOTS = tuple(f"{day}_{part}" for day in DAYS for part in PARTS)
SLOT_BITS = {slot: 1 << i for i, slot in enumerate(SLOTS)}
ALL_SLOTS = (1 << len(SLOTS)) - 1
WEEKDAY_SLOTS = tuple(s for s in SLOTS if s[:3] in DAYS[:5])
WEEKEND_SLOTS = tuple(s for s in SLOTS if s[:3] in DAYS[5:])


def availability_mask(slots: Iterable[str]) -> int:
    """The bit set for slot codes ("mon_morning" …); ValueError names the first unknown code."""
    mask = 0
    for slot in slots:
        if slot not in SLOT_BITS:
            raise ValueError(slot)
        mask |= SLOT_BITS[slot]
    return mask


def availability_slots(mask: int) -> list[str]:
    """The slot codes of a bit set, in week order."""
    return [slot for slot in SLOTS if mask & SLOT_BITS[slot]]


def part_of_day(moment: dt.time) -> str | None:
    """ "morning", "afternoon" or "evening" for a local time; None at night (22:00–06:00)."""
    for part, (start, end) in PART_HOURS.items():
        if start <= moment.hour < end:
            return part
    return None


def is_available(mask: int, when: dt.datetime) -> bool:
    """Whether a person with this availability can start something at `when` (aware → local time)."""
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    part = part_of_day(when.time())
    return part is not None and bool(mask & SLOT_BITS[f"{DAYS[when.weekday()]}_{part}"])


def availability_label(mask: int) -> str:
    """A short reading of a bit set for pages: 周一上午、周六全天 …; "" when nothing is set."""
    parts = []
    for day in DAYS:
        chosen = [p for p in PARTS if mask & SLOT_BITS[f"{day}_{p}"]]
        if len(chosen) == len(PARTS):
            parts.append(gettext("%(day)s全天") % {"day": DAY_LABELS[day]})
        else:
            parts.extend(f"{DAY_LABELS[day]}{PART_LABELS[p]}" for p in chosen)
    # Translators: the separator between items of a list; ", " in English.
    return gettext("、").join(str(p) for p in parts)


def _availability_field():
    return models.PositiveIntegerField(
        _("可服务时段"),
        default=0,
        help_text=_("按星期和上午/下午/晚上记录，排班时使用。"),
    )


class Volunteer(models.Model):
    """A registered volunteer. `resident` when they live in the community (name and phone then come
    from the registry); otherwise `name` and `phone` here. `user` is their sign-in, which receives
    reminders and sees their own tasks."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_records",
        verbose_name=_("居民"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_records",
        verbose_name=_("登录账号"),
    )
    registered_on = models.DateField(_("登记日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    is_minor = models.BooleanField(_("未成年（小先生）"), default=False)
    guardian_consent = models.ForeignKey(
        "registry.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("监护人同意记录"),
    )
    note = models.TextField(_("备注"), blank=True)
    availability = _availability_field()
    history = HistoricalRecords()

    # No "household" path: a volunteer's record is not the household's business (a volunteer sees their
    # own through `user`, see organizing.selectors_volunteers). Building leaders see the volunteers who
    # live in their buildings (they organise patrols there), not their hours (ServiceRecord has no path).
    scope_paths = {
        "community": "community_id",
        "building": "resident__household__flat__building_id",
        "group_member": "resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("志愿者")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "resident"],
                condition=Q(left_on__isnull=True, resident__isnull=False),
                name="volunteer_one_current_per_resident",
            ),
            models.CheckConstraint(
                name="volunteer_minor_has_consent",
                condition=Q(is_minor=False) | Q(guardian_consent__isnull=False),
            ),
            models.CheckConstraint(
                name="volunteer_leaves_after_registering",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("registered_on")),
            ),
            models.CheckConstraint(
                name="volunteer_availability_in_range", condition=Q(availability__lte=ALL_SLOTS)
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in full: a resident's from the registry (organizing.services_volunteers stores no copy,
        so an anonymisation there reaches here too), else the volunteer's own. Pages show
        organizing.selectors_volunteers.shown_name instead, which masks a child's name."""
        return self.resident.name if self.resident_id else self.name

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class Duty(models.Model):
    """One duty shift (值班) of one volunteer: a patrol, a construction watch, a desk hour. Reminders are
    sent before `starts_at` (see linli.notifications)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="duties", verbose_name=_("志愿者")
    )
    group = models.ForeignKey(
        "organizing.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duties",
        verbose_name=_("团队"),
    )
    task = models.CharField(_("任务"), max_length=100)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("安排人"),
    )
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "volunteer__resident__household__flat__building_id",
        "group_member": "volunteer__resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("值班")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(name="duty_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.starts_at:%Y-%m-%d %H:%M}"


# ── Service hours ────────────────────────────────────────────────────────────────────────────────

MAX_HOURS_PER_DAY = 24


def hours_label(value) -> str:
    """Hours as people write them: 1.50 → "1.5", 2.00 → "2", None → "0"."""
    text = f"{Decimal(value or 0).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ServiceRecord(models.Model):
    """Hours one volunteer served on one day (服务时长). Recorded by staff or the leader of the volunteer's
    group, confirmed by one of them (at once, or later); totals count confirmed hours only. A day's hours
    of one volunteer, summed over records, stay within 24: checked under a lock on the volunteer by
    organizing.services_volunteers (a database constraint can only hold one record to 24)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="service_records", verbose_name=_("志愿者")
    )
    date = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("时长（小时）"), max_digits=4, decimal_places=2)
    activity = models.CharField(_("服务内容"), max_length=100)
    group = models.ForeignKey(
        "organizing.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_records",
        verbose_name=_("团队"),
    )
    duty = models.ForeignKey(
        Duty,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_records",
        verbose_name=_("对应值班"),
    )
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    history = HistoricalRecords()

    # Hours are seen by staff, the leaders of the volunteer's group and the volunteer (through `user`,
    # see selectors_volunteers); not by building leaders or residents.
    scope_paths = {"community": "community_id", "group_member": "volunteer__resident_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("服务记录")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["volunteer", "date"], name="servicerecord_volunteer_date"),
            models.Index(fields=["community", "date"], name="servicerecord_community_date"),
        ]
        constraints = [
            models.CheckConstraint(name="servicerecord_hours_positive", condition=Q(hours__gt=0)),
            models.CheckConstraint(
                name="servicerecord_hours_at_most_a_day", condition=Q(hours__lte=MAX_HOURS_PER_DAY)
            ),
            models.CheckConstraint(
                name="servicerecord_confirmed_has_time",
                condition=Q(confirmed_at__isnull=False) | Q(confirmed_by__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.date} · {self.hours}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def hours_label(self) -> str:
        return hours_label(self.hours)


class VolunteerSettings(models.Model):
    """A community's choices for its volunteer pages: whether the hours leaderboard (光荣榜) is shown.
    Some committees motivate with it, others find ranking neighbours unkind; hidden, only staff see it."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="volunteer_settings", verbose_name=_("居民区")
    )
    show_leaderboard = models.BooleanField(_("公开服务时长排行榜"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("修改人"),
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("志愿服务设置")

    def __str__(self) -> str:
        return str(self.community)


# ── Talents (能人达人) ────────────────────────────────────────────────────────────────────────────


class SkillCategory(models.TextChoices):
    REPAIR = "repair", _("维修水电")
    MEDICAL = "medical", _("医疗护理")
    LEGAL = "legal", _("法律咨询")
    ARTS = "arts", _("文艺")
    CALLIGRAPHY = "calligraphy", _("书画")
    TUTORING = "tutoring", _("教育辅导")
    COUNSELLING = "counselling", _("心理疏导")
    DIGITAL = "digital", _("电脑手机")
    HAIRCUT = "haircut", _("理发")
    COOKING = "cooking", _("烹饪")
    LANGUAGES = "languages", _("外语")
    MEDIATION = "mediation", _("调解")
    PHOTOGRAPHY = "photography", _("摄影")
    SEWING = "sewing", _("缝纫")
    ACCOUNTING = "accounting", _("财会")
    OTHER = "other", _("其他")


class Willingness(models.TextChoices):
    REGULAR = "regular", _("愿意定期服务")
    ON_CALL = "on_call", _("需要时可以联系")
    NOT_NOW = "not_now", _("暂不方便")


class Talent(models.Model):
    """A capable resident (能人达人): skills from `SkillCategory` (TalentSkill rows, so a search by skill
    is an indexed join), a free description, when they can help, and whether they want to."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    resident = models.OneToOneField(
        Resident, on_delete=models.CASCADE, related_name="talent", verbose_name=_("居民")
    )
    description = models.TextField(_("特长说明"), blank=True)
    availability = _availability_field()
    willingness = models.CharField(
        _("服务意愿"), max_length=10, choices=Willingness.choices, default=Willingness.ON_CALL
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "resident__household__flat__building_id",
        "household": "resident__household_id",
        "group_member": "resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("能人达人")
        constraints = [
            models.CheckConstraint(
                name="talent_availability_in_range", condition=Q(availability__lte=ALL_SLOTS)
            ),
        ]

    def __str__(self) -> str:
        return str(self.resident)


class TalentSkill(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    talent = models.ForeignKey(
        Talent, on_delete=models.CASCADE, related_name="skills", verbose_name=_("能人")
    )
    category = models.CharField(_("特长类别"), max_length=20, choices=SkillCategory.choices)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "talent__resident__household__flat__building_id",
        "household": "talent__resident__household_id",
        "group_member": "talent__resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("特长")
        ordering = ["talent", "category"]
        indexes = [models.Index(fields=["community", "category"], name="talentskill_by_category")]
        constraints = [
            models.UniqueConstraint(fields=["talent", "category"], name="talentskill_unique"),
            models.CheckConstraint(
                name="talentskill_known_category", condition=Q(category__in=SkillCategory.values)
            ),
        ]

    def __str__(self) -> str:
        return self.get_category_display()
