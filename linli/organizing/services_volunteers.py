"""Writes for volunteers, their service hours and duty shifts, and the talent registry.

Each function checks the actor's right first (PermissionDenied: the views and the API have asked the same
rules already, this is the last line), then every input, collecting all problems into one DomainError so
a form shows them at once, and writes in one transaction. Messages are Chinese first.

The arithmetic rules — what counts as an hour value, at most 24 hours per volunteer per day — are pure
functions (`check_hours`, `check_day_total`) so they are tested without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.identity import check_mobile, long_date
from linli.core.models import Community, Membership, Role
from linli.core.scope import scope_for
from linli.organizing import rules_volunteers as rules
from linli.organizing.models import (
    Duty,
    Group,
    ServiceRecord,
    SkillCategory,
    Talent,
    TalentSkill,
    Volunteer,
    VolunteerSettings,
    Willingness,
)
from linli.organizing.models.volunteers import MAX_HOURS_PER_DAY, availability_mask, hours_label
from linli.registry.models import Consent, ConsentPurpose, Resident, age_on

ADULT_AGE = 18
MIN_VOLUNTEER_AGE = 6  # 小先生 start at primary school
MAX_DUTY = dt.timedelta(hours=24)
HOURS_QUANTUM = Decimal("0.01")
# A guardian's consent that covers volunteering: the care visits 小先生 do, or "other" with its purpose
# written out (e.g. 参加志愿服务). A consent to being registered is not a consent to serve.
GUARDIAN_CONSENT_PURPOSES = (ConsentPurpose.CARE, ConsentPurpose.OTHER)


class _Problems:
    """Collects field errors; `raise_if_any` raises them as one DomainError."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(_("请更正标出的内容。"), errors=self.errors)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您的角色不能进行此操作。"))


# ── Pure rules ───────────────────────────────────────────────────────────────────────────────────


def check_hours(value) -> Decimal:
    """An hour value as entered (text, number or Decimal) → a Decimal with at most two decimals, more than
    0 and at most 24; otherwise a DomainError on `hours` that says what is wrong."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DomainError(_("请填写服务时长（小时），例如 1.5。"), field="hours")
    try:
        hours = Decimal(str(value).strip().replace("，", ".").replace("。", "."))
    except (InvalidOperation, ValueError):
        raise DomainError(_("时长应为数字（小时），例如 1.5。"), field="hours") from None
    if not hours.is_finite():
        raise DomainError(_("时长应为数字（小时），例如 1.5。"), field="hours")
    if hours <= 0:
        raise DomainError(_("时长应大于0小时。"), field="hours")
    if hours > MAX_HOURS_PER_DAY:
        raise DomainError(_("一天最多%(max)s小时，请核对时长。") % {"max": MAX_HOURS_PER_DAY}, field="hours")
    if hours != hours.quantize(HOURS_QUANTUM):
        raise DomainError(_("时长最多保留两位小数，例如 1.25。"), field="hours")
    return hours.quantize(HOURS_QUANTUM)


def check_day_total(already: Decimal, adding: Decimal, *, day: dt.date) -> None:
    """A volunteer's hours on one day, summed over their records, stay within 24."""
    if already + adding > MAX_HOURS_PER_DAY:
        left = max(Decimal(MAX_HOURS_PER_DAY) - already, Decimal(0))
        raise DomainError(
            _(
                "%(day)s已记录%(already)s小时，再加%(adding)s小时将超过一天24小时；"
                "这一天最多还能记录%(left)s小时。"
            )
            % {
                "day": long_date(day),
                "already": _hours(already),
                "adding": _hours(adding),
                "left": _hours(left),
            },
            field="hours",
        )


_hours = hours_text = hours_label


# ── Volunteers ───────────────────────────────────────────────────────────────────────────────────


@dataclass
class VolunteerData:
    """What a clerk enters to register a volunteer; the same shape for the page and the API.

    A resident (`resident_id`) brings their name and phone from the registry; someone from outside the
    community gives `name` and `phone`. `is_minor` is asked of outsiders only (a resident's age is known)."""

    registered_on: dt.date | None
    resident_id: int | None = None
    name: str = ""
    phone: str = ""
    is_minor: bool = False
    guardian_consent_id: int | None = None
    user_id: int | None = None
    availability: list[str] = field(default_factory=list)
    note: str = ""


def guardian_consents(resident: Resident):
    """The consents that let a minor volunteer: given for the child, not withdrawn, for care visits or
    another written purpose, and with a guardian named (a registered one or by name). Newest first."""
    return (
        Consent.objects.filter(
            resident_id=resident.pk, withdrawn_on__isnull=True, purpose__in=GUARDIAN_CONSENT_PURPOSES
        )
        .filter(Q(guardian__isnull=False) | ~Q(guardian_name=""))
        .order_by("-given_on", "-pk")
    )


def _minor_message() -> str:
    return _(
        "未满18周岁的志愿者（小先生）须有监护人的同意记录。请先在这位居民的页面“登记同意”"
        "（用途选“关爱走访与健康记录”，或选“其他”并写明“参加志愿服务”，填写监护人），再登记为志愿者。"
    )


def _check_availability(codes, problems: _Problems) -> int:
    try:
        return availability_mask(codes or [])
    except ValueError as exc:
        problems.add("availability", _("不认识的时段：%(slot)s。") % {"slot": exc.args[0]})
        return 0


def _volunteer_user(community: Community, user_id: int | None, problems: _Problems, *, exclude=None):
    """A sign-in to link: one holding the volunteer role in this community and not linked to another
    current volunteer here."""
    if not user_id:
        return None
    holds_role = Membership.objects.filter(
        user_id=user_id, role=Role.VOLUNTEER, community=community, is_active=True
    ).exists()
    if not holds_role:
        problems.add("user", _("请选择在本居民区有志愿者角色的登录账号。"))
        return None
    taken = Volunteer.objects.filter(community=community, user_id=user_id, left_on__isnull=True)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        problems.add("user", _("这个登录账号已关联了另一位志愿者。"))
        return None
    return user_id


@transaction.atomic
def volunteer_register(
    *, actor, community: Community, data: VolunteerData, today: dt.date | None = None
) -> Volunteer:
    """Register a volunteer: a resident of the community the actor can see (a group leader: a member of
    their group), or — staff only — someone from outside with their name and phone. A minor needs a
    guardian's consent on record (registry.Consent); a minor from outside cannot have one, so is refused."""
    today = today or timezone.localdate()
    _require(actor.has_perm("organizing.add_volunteer", community))
    problems = _Problems()
    registered_on = data.registered_on
    if registered_on is None:
        problems.add("registered_on", _("请填写登记日期。"))
    elif registered_on > today:
        problems.add("registered_on", _("登记日期不能晚于今天。"))
    on = registered_on or today
    resident = None
    consent = None
    is_minor = False
    name, phone = "", ""
    if data.resident_id:
        resident = (
            scope_for(actor)
            .within(Resident.objects.select_related("household__flat"), community.pk)
            .filter(pk=data.resident_id)
            .first()
        )
        if resident is None:
            problems.add("resident", _("请从本居民区您可以查看的居民中选择。"))
        elif resident.moved_out is not None or resident.anonymised_at is not None:
            problems.add("resident", _("这位居民已迁出，不能登记为志愿者。"))
        elif Volunteer.objects.filter(community=community, resident=resident, left_on__isnull=True).exists():
            problems.add("resident", _("这位居民已经登记为志愿者。"))
        else:
            age = age_on(resident.birth_date, on)
            if age < MIN_VOLUNTEER_AGE:
                problems.add(
                    "resident", _("未满%(age)s周岁的孩子不能登记为志愿者。") % {"age": MIN_VOLUNTEER_AGE}
                )
            elif age < ADULT_AGE:
                is_minor = True
                consents = guardian_consents(resident)
                if data.guardian_consent_id:
                    consents = consents.filter(pk=data.guardian_consent_id)
                consent = consents.first()
                if consent is None:
                    problems.add("guardian_consent", _minor_message())
    else:
        if not actor.has_perm("organizing.add_nonresident_volunteer", community):
            problems.add("resident", _("请从您团队的成员中选择；本社区以外的志愿者由居委干部登记。"))
        name = " ".join((data.name or "").split())
        if not name:
            problems.add("name", _("请选择一位居民，或填写社区外志愿者的姓名。"))
        elif len(name) > 50:
            problems.add("name", _("姓名不能超过50个字。"))
        try:
            phone = check_mobile(data.phone or "")
        except DomainError as exc:
            problems.add("phone", exc.message)
        else:
            if not phone:
                problems.add("phone", _("社区外的志愿者请留一个手机号码，便于联系。"))
        if data.is_minor:
            problems.add(
                "is_minor",
                _(
                    "社区外的未成年人暂不能登记：监护人同意须记录在本社区的居民信息中。"
                    "请让孩子随家人在居住地的居委会登记。"
                ),
            )
    user_id = data.user_id
    if user_id and not scope_for(actor).is_staff_of(community.pk):
        problems.add("user", _("只有居委干部可以关联登录账号。"))
        user_id = None
    user_id = _volunteer_user(community, user_id, problems)
    if user_id is None and resident is not None and resident.user_id:
        user_id = resident.user_id  # the resident's own sign-in, when they have one
    availability = _check_availability(data.availability, problems)
    note = (data.note or "").strip()
    if len(note) > 2000:
        problems.add("note", _("备注不能超过2000个字。"))
    problems.raise_if_any()
    try:
        with transaction.atomic():
            return Volunteer.objects.create(
                community=community,
                resident=resident,
                name=name,
                phone=phone,
                user_id=user_id,
                registered_on=registered_on,
                is_minor=is_minor,
                guardian_consent=consent,
                availability=availability,
                note=note,
            )
    except IntegrityError:
        # Two clerks registering the same resident at once: the unique constraint decides.
        raise DomainError(_("这位居民已经登记为志愿者。"), field="resident") from None


@dataclass
class VolunteerChange:
    availability: list[str] = field(default_factory=list)
    note: str = ""
    phone: str | None = None  # outsiders only; None leaves it


@transaction.atomic
def volunteer_update(*, actor, volunteer: Volunteer, data: VolunteerChange) -> Volunteer:
    """Change when a volunteer can serve and the note (and an outsider's phone)."""
    _require(actor.has_perm("organizing.change_volunteer", volunteer))
    problems = _Problems()
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    availability = _check_availability(data.availability, problems)
    note = (data.note or "").strip()
    if len(note) > 2000:
        problems.add("note", _("备注不能超过2000个字。"))
    fields = ["availability", "note"]
    if data.phone is not None and volunteer.resident_id is None:
        try:
            phone = check_mobile(data.phone)
        except DomainError as exc:
            problems.add("phone", exc.message)
        else:
            if not phone:
                problems.add("phone", _("社区外的志愿者请留一个手机号码，便于联系。"))
            volunteer.phone = phone
            fields.append("phone")
    problems.raise_if_any()
    volunteer.availability = availability
    volunteer.note = note
    volunteer.save(update_fields=fields)
    return volunteer


@transaction.atomic
def volunteer_leave(
    *, actor, volunteer: Volunteer, on: dt.date | None, now: dt.datetime | None = None
) -> int:
    """Record that a volunteer stopped on `on`. Their duties after that day are cancelled (deleted, so no
    reminder goes out); their records stay. Returns how many duties were cancelled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    _require(actor.has_perm("organizing.change_volunteer", volunteer))
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.left_on is not None:
        raise DomainError(
            _("这位志愿者已于%(day)s退出。") % {"day": long_date(volunteer.left_on)}, field="left_on"
        )
    if on is None:
        raise DomainError(_("请填写退出日期。"), field="left_on")
    if on > today:
        raise DomainError(_("退出日期不能晚于今天。"), field="left_on")
    if on < volunteer.registered_on:
        raise DomainError(
            _("退出日期不能早于登记日期（%(day)s）。") % {"day": long_date(volunteer.registered_on)},
            field="left_on",
        )
    volunteer.left_on = on
    volunteer.save(update_fields=["left_on"])
    day_after = timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time()))
    cancelled, _detail = Duty.objects.filter(volunteer=volunteer, starts_at__gte=max(day_after, now)).delete()
    return cancelled


# ── Service hours ────────────────────────────────────────────────────────────────────────────────


@dataclass
class ServiceRecordData:
    date: dt.date | None
    hours: object  # text from a form, a Decimal from the API: check_hours reads both
    activity: str
    group_id: int | None = None
    duty_id: int | None = None
    note: str = ""
    confirm: bool = True


def _consent_still_given(volunteer: Volunteer, on: dt.date) -> bool:
    """A minor's guardian consent must still stand on `on` (a resident under 18 that day)."""
    resident = volunteer.resident
    if resident is None or age_on(resident.birth_date, on) >= ADULT_AGE:
        return True
    consent = volunteer.guardian_consent
    return consent is not None and (consent.withdrawn_on is None or consent.withdrawn_on > on)


def _acting_group(actor, volunteer: Volunteer, group_id: int | None, problems: _Problems):
    """The group an activity is recorded or planned under. Staff: any group of the community, or none.
    A group leader: one of their groups the volunteer belongs to (the only one, when not chosen)."""
    if scope_for(actor).is_staff_of(volunteer.community_id):
        if not group_id:
            return None
        group = Group.objects.filter(pk=group_id, community_id=volunteer.community_id).first()
        if group is None:
            problems.add("group", _("请选择本居民区的团队。"))
        return group
    allowed = rules.member_group_ids(actor, volunteer.resident_id, volunteer.community_id)
    if not group_id and len(allowed) == 1:
        group_id = next(iter(allowed))
    if group_id not in allowed:
        problems.add("group", _("请选择您负责的、这位志愿者所在的团队。"))
        return None
    return Group.objects.get(pk=group_id)


@transaction.atomic
def service_record_create(
    *, actor, volunteer: Volunteer, data: ServiceRecordData, today: dt.date | None = None
) -> ServiceRecord:
    """Record hours a volunteer served on one day. The volunteer row is locked while the day's hours are
    summed, so two leaders recording at once cannot together pass 24 hours."""
    today = today or timezone.localdate()
    _require(actor.has_perm("organizing.record_hours", volunteer))
    volunteer = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("resident", "guardian_consent")
        .get(pk=volunteer.pk)
    )
    problems = _Problems()
    hours = None
    try:
        hours = check_hours(data.hours)
    except DomainError as exc:
        problems.add("hours", exc.message)
    day = data.date
    if day is None:
        problems.add("date", _("请填写服务日期。"))
    elif day > today:
        problems.add("date", _("服务日期不能晚于今天。"))
    elif day < volunteer.registered_on:
        problems.add(
            "date",
            _("服务日期早于这位志愿者的登记日期（%(day)s）。") % {"day": long_date(volunteer.registered_on)},
        )
    elif volunteer.left_on is not None and day > volunteer.left_on:
        problems.add(
            "date",
            _("这位志愿者已于%(day)s退出，之后的服务不能记录。") % {"day": long_date(volunteer.left_on)},
        )
    elif (
        volunteer.resident is not None and volunteer.resident.moved_out and day > volunteer.resident.moved_out
    ):
        problems.add(
            "date",
            _("这位志愿者已于%(day)s迁出，之后的服务不能记录。")
            % {"day": long_date(volunteer.resident.moved_out)},
        )
    elif not _consent_still_given(volunteer, day):
        problems.add("date", _("监护人已撤回同意，这位未成年志愿者的服务不能再记录。"))
    activity = " ".join((data.activity or "").split())
    if not activity:
        problems.add("activity", _("请填写服务内容，例如“陪独居老人聊天”。"))
    elif len(activity) > 100:
        problems.add("activity", _("服务内容不能超过100个字。"))
    note = (data.note or "").strip()
    if len(note) > 2000:
        problems.add("note", _("备注不能超过2000个字。"))
    group = _acting_group(actor, volunteer, data.group_id, problems)
    duty = None
    if data.duty_id:
        duty = Duty.objects.filter(pk=data.duty_id, volunteer=volunteer).first()
        if duty is None:
            problems.add("duty", _("请选择这位志愿者自己的值班。"))
    if hours is not None and day is not None and "date" not in problems.errors:
        already = ServiceRecord.objects.filter(volunteer=volunteer, date=day).aggregate(total=Sum("hours"))[
            "total"
        ] or Decimal(0)
        try:
            check_day_total(already, hours, day=day)
        except DomainError as exc:
            problems.add("hours", exc.message)
    problems.raise_if_any()
    now = timezone.now()
    confirm = data.confirm and not rules.is_own_volunteer(actor, volunteer)
    return ServiceRecord.objects.create(
        community_id=volunteer.community_id,
        volunteer=volunteer,
        date=day,
        hours=hours,
        activity=activity,
        group=group,
        duty=duty,
        note=note,
        recorded_by=actor,
        recorded_at=now,
        confirmed_by=actor if confirm else None,
        confirmed_at=now if confirm else None,
    )


@transaction.atomic
def service_record_confirm(*, actor, record: ServiceRecord) -> ServiceRecord:
    record = (
        ServiceRecord.objects.select_for_update(of=("self",))
        .select_related("volunteer__resident")
        .get(pk=record.pk)
    )
    if record.confirmed_at is not None:
        raise DomainError(_("这条记录已经确认过了。"))
    _require(actor.has_perm("organizing.confirm_service_record", record))
    record.confirmed_by = actor
    record.confirmed_at = timezone.now()
    record.save(update_fields=["confirmed_by", "confirmed_at"])
    return record


@transaction.atomic
def service_record_delete(*, actor, record: ServiceRecord) -> None:
    """Remove a mistaken record (kept in the change history)."""
    _require(actor.has_perm("organizing.delete_service_record", record))
    record.delete()


# ── Duties ───────────────────────────────────────────────────────────────────────────────────────


@dataclass
class DutyData:
    task: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    place: str = ""
    group_id: int | None = None


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


@transaction.atomic
def duty_create(*, actor, volunteer: Volunteer, data: DutyData, now: dt.datetime | None = None) -> Duty:
    """Plan one duty shift for a current volunteer: it ends after it starts, lasts at most 24 hours, starts
    in the future and does not overlap the volunteer's other duties."""
    now = now or timezone.now()
    _require(actor.has_perm("organizing.plan_duty", volunteer))
    volunteer = (
        Volunteer.objects.select_for_update(of=("self",))
        .select_related("resident", "guardian_consent")
        .get(pk=volunteer.pk)
    )
    problems = _Problems()
    if volunteer.left_on is not None:
        problems.add("__all__", _("这位志愿者已于%(day)s退出。") % {"day": long_date(volunteer.left_on)})
    if volunteer.resident is not None and volunteer.resident.moved_out is not None:
        problems.add(
            "__all__",
            _("这位志愿者已于%(day)s迁出，不能再安排值班。")
            % {"day": long_date(volunteer.resident.moved_out)},
        )
    task = " ".join((data.task or "").split())
    if not task:
        problems.add("task", _("请填写值班任务，例如“楼道巡查”。"))
    elif len(task) > 100:
        problems.add("task", _("任务不能超过100个字。"))
    place = " ".join((data.place or "").split())
    if len(place) > 100:
        problems.add("place", _("地点不能超过100个字。"))
    starts_at, ends_at = _aware(data.starts_at), _aware(data.ends_at)
    if starts_at is None:
        problems.add("starts_at", _("请填写开始时间。"))
    elif starts_at < now:
        problems.add("starts_at", _("开始时间已经过去了，请安排以后的值班。"))
    if ends_at is None:
        problems.add("ends_at", _("请填写结束时间。"))
    if starts_at and ends_at:
        if ends_at <= starts_at:
            problems.add("ends_at", _("结束时间应晚于开始时间。"))
        elif ends_at - starts_at > MAX_DUTY:
            problems.add("ends_at", _("一次值班不能超过24小时，请分成几次安排。"))
        elif not _consent_still_given(volunteer, timezone.localdate(starts_at)):
            problems.add("__all__", _("监护人已撤回同意，不能给这位未成年志愿者安排值班。"))
        else:
            clash = (
                Duty.objects.filter(volunteer=volunteer, starts_at__lt=ends_at, ends_at__gt=starts_at)
                .order_by("starts_at")
                .first()
            )
            if clash is not None:
                problems.add(
                    "starts_at",
                    _("与这位志愿者%(when)s的值班“%(task)s”时间重叠。")
                    % {
                        "when": timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M"),
                        "task": clash.task,
                    },
                )
    group = _acting_group(actor, volunteer, data.group_id, problems)
    problems.raise_if_any()
    return Duty.objects.create(
        community_id=volunteer.community_id,
        volunteer=volunteer,
        group=group,
        task=task,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )


@transaction.atomic
def duty_cancel(*, actor, duty: Duty, now: dt.datetime | None = None) -> None:
    """Cancel a duty that has not started (deleted: its reminder has nothing left to send)."""
    now = now or timezone.now()
    _require(actor.has_perm("organizing.cancel_duty", duty))
    if duty.starts_at <= now:
        raise DomainError(_("已经开始或结束的值班不能取消。"))
    duty.delete()


# ── Talents ──────────────────────────────────────────────────────────────────────────────────────


@dataclass
class TalentData:
    skills: list[str] = field(default_factory=list)
    description: str = ""
    availability: list[str] = field(default_factory=list)
    willingness: str = Willingness.ON_CALL


@transaction.atomic
def talent_save(*, actor, resident: Resident, data: TalentData) -> Talent:
    """Create or update a resident's entry in the talent registry; the skills are replaced as a whole."""
    _require(actor.has_perm("organizing.change_talent", resident))
    problems = _Problems()
    skills = list(dict.fromkeys(data.skills or []))
    unknown = [s for s in skills if s not in SkillCategory.values]
    if unknown:
        problems.add("skills", _("不认识的特长类别：%(code)s。") % {"code": unknown[0]})
    description = (data.description or "").strip()
    if len(description) > 1000:
        problems.add("description", _("特长说明不能超过1000个字。"))
    if not skills and not description:
        problems.add("skills", _("请至少选择一项特长，或写下特长说明。"))
    elif SkillCategory.OTHER in skills and not description:
        problems.add("description", _("选了“其他”，请在特长说明里写明是什么特长。"))
    if data.willingness not in Willingness.values:
        problems.add("willingness", _("请选择服务意愿。"))
    availability = _check_availability(data.availability, problems)
    problems.raise_if_any()
    talent, _created = Talent.objects.select_for_update().get_or_create(
        resident=resident,
        defaults={"community_id": resident.community_id},
    )
    talent.description = description
    talent.availability = availability
    talent.willingness = data.willingness
    talent.updated_by = actor
    talent.save(update_fields=["description", "availability", "willingness", "updated_by", "updated_at"])
    current = set(TalentSkill.objects.filter(talent=talent).values_list("category", flat=True))
    for skill in TalentSkill.objects.filter(talent=talent).exclude(category__in=skills):
        skill.delete()  # one by one, so each removal is in the change history
    for category in skills:
        if category not in current:
            TalentSkill.objects.create(community_id=talent.community_id, talent=talent, category=category)
    return talent


@transaction.atomic
def talent_remove(*, actor, resident: Resident) -> None:
    """Take a resident off the talent registry (at their request, say)."""
    _require(actor.has_perm("organizing.change_talent", resident))
    Talent.objects.filter(resident=resident).delete()


# ── Settings ─────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def volunteer_settings_set(*, actor, community: Community, show_leaderboard: bool) -> VolunteerSettings:
    _require(actor.has_perm("organizing.change_volunteer_settings", community))
    settings, _created = VolunteerSettings.objects.select_for_update().get_or_create(community=community)
    settings.show_leaderboard = bool(show_leaderboard)
    settings.changed_by = actor
    settings.save(update_fields=["show_leaderboard", "changed_by", "changed_at"])
    return settings
