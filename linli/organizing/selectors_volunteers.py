"""Reads for volunteers, service hours, duties and talents — always through the scope.

What a user sees of these rows is the scope (staff: the community; group leaders: their current members;
building leaders: the volunteers and talents living in their buildings) plus their own: a volunteer
sees their own record, hours and duties through `Volunteer.user` (or their resident record's sign-in).
`access_*` fetch one row or raise Http404; lists and totals run a fixed number of queries whatever the
number of rows (totals are one GROUP BY each).

Names go through `shown_name`: a child's name is masked (张*) for everyone but staff and the child's
household, as everywhere in Linli (registry/minors.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from linli.core.models import Community, Membership, Role, User
from linli.core.scope import Scope, scope_for
from linli.organizing import rules_volunteers as rules
from linli.organizing.models import (
    Duty,
    Group,
    GroupMember,
    ServiceRecord,
    SkillCategory,
    Talent,
    TalentSkill,
    Volunteer,
    VolunteerSettings,
)
from linli.organizing.models.volunteers import hours_label
from linli.registry import minors
from linli.registry.models import Resident
from linli.registry.selectors import ResidentFilters, resident_matches

# ── Visibility ───────────────────────────────────────────────────────────────────────────────────


def _own(user, prefix: str = "") -> Q:
    """Rows of the user's own volunteer record(s): linked to their sign-in, directly or through their
    current resident record."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}user_id": user.pk}) | Q(
        **{f"{prefix}resident__user_id": user.pk, f"{prefix}resident__moved_out__isnull": True}
    )


OWN_PREFIX = {Volunteer: "", ServiceRecord: "volunteer__", Duty: "volunteer__"}


def visible(user, queryset: QuerySet, *, community_id: int | None = None) -> QuerySet:
    """The rows of a volunteer model the user may see: their scope, plus their own."""
    model = queryset.model
    scope = scope_for(user)
    if community_id is not None:
        queryset = queryset.filter(community_id=community_id)
        if scope.is_staff_of(community_id):
            return queryset  # one condition, as Scope.within does, for the planner's sake
    condition = _own(user, OWN_PREFIX[model])
    if not scope.is_empty:
        condition |= scope.q(model)
    return queryset.filter(condition)


def shown_name(volunteer: Volunteer, scope: Scope) -> str:
    """A volunteer's name as this viewer may see it (a child's masked for most roles)."""
    if volunteer.resident_id:
        return minors.display_name(volunteer.resident, scope)
    return volunteer.name


def _shown(scope: Scope, *, name, resident_name, birth_date, household_id, community_id) -> str:
    """`shown_name` from plain values (the totals read values, not rows)."""
    if resident_name is None:
        return name
    person = SimpleNamespace(
        name=resident_name, birth_date=birth_date, household_id=household_id, community_id=community_id
    )
    return minors.display_name(person, scope)


VOLUNTEER_RELATED = (
    "resident__household__flat__building",
    "resident__household__flat__entrance",
    "guardian_consent",
    "user",
    "community",
)


def access_volunteer(user, volunteer_id: int) -> Volunteer:
    qs = visible(user, Volunteer.objects.select_related(*VOLUNTEER_RELATED))
    return get_object_or_404(qs, pk=volunteer_id)


def access_service_record(user, record_id: int) -> ServiceRecord:
    qs = visible(
        user,
        ServiceRecord.objects.select_related("volunteer__resident", "volunteer__community", "group"),
    )
    return get_object_or_404(qs, pk=record_id)


def access_duty(user, duty_id: int) -> Duty:
    qs = visible(user, Duty.objects.select_related("volunteer__resident", "group"))
    return get_object_or_404(qs, pk=duty_id)


def own_volunteers(user) -> list[Volunteer]:
    """The user's own volunteer records (usually one), current first."""
    qs = Volunteer.objects.filter(_own(user)).select_related(*VOLUNTEER_RELATED)
    return sorted(qs, key=lambda v: (v.left_on is not None, v.pk))


# ── Volunteer list ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class VolunteerFilters:
    q: str = ""
    status: str = "current"  # current, left, all
    kind: str = ""  # resident, outsider, "" for both
    group: int | None = None
    building: int | None = None
    minor: bool | None = None


def volunteer_list(user, community: Community, filters: VolunteerFilters) -> QuerySet:
    """Volunteers of the community the user may see, filtered, residents in pinyin order then outsiders."""
    qs = visible(user, Volunteer.objects.all(), community_id=community.pk)
    if filters.status == "current":
        qs = qs.filter(left_on__isnull=True)
    elif filters.status == "left":
        qs = qs.filter(left_on__isnull=False)
    if filters.kind == "resident":
        qs = qs.filter(resident__isnull=False)
    elif filters.kind == "outsider":
        qs = qs.filter(resident__isnull=True)
    if filters.group:
        members = GroupMember.objects.filter(group_id=filters.group, left_on__isnull=True)
        qs = qs.filter(resident_id__in=members.values("resident_id"))
    if filters.building:
        qs = qs.filter(resident__household__flat__building_id=filters.building)
    if filters.minor is not None:
        qs = qs.filter(is_minor=filters.minor)
    q = " ".join(filters.q.split())
    if q:
        key = q.replace(" ", "").lower()
        condition = Q(name__contains=q) | Q(resident__name__contains=q)
        if key.isascii() and key.isalpha():
            condition |= Q(resident__name_pinyin__startswith=key) | Q(resident__name_initials__startswith=key)
        qs = qs.filter(condition)
    return qs.select_related(
        "resident__household__flat__building", "resident__household__flat__entrance"
    ).order_by(F("resident__name_pinyin").asc(nulls_last=True), "name", "pk")


@dataclass(frozen=True)
class VolunteerRow:
    pk: int
    name: str
    is_resident: bool
    address: str
    registered_on: dt.date
    left_on: dt.date | None
    is_minor: bool
    hours: Decimal | None  # confirmed hours in the period; None when the viewer may not see them
    pending: Decimal | None

    @property
    def hours_label(self) -> str:
        return hours_label(self.hours)

    @property
    def pending_label(self) -> str:
        return hours_label(self.pending)


def volunteer_rows(user, volunteers: list[Volunteer], *, start: dt.date, end: dt.date) -> list[VolunteerRow]:
    """Rows of one page of `volunteer_list`, with the hours the viewer may see (one query)."""
    scope = scope_for(user)
    totals = _hours_by_volunteer(user, [v.pk for v in volunteers], start=start, end=end)
    seen = set(totals) | _hour_visible_ids(user, volunteers)
    rows = []
    for v in volunteers:
        address = ""
        if v.resident_id:
            flat = v.resident.household.flat
            address = str(flat)
        confirmed, pending = totals.get(v.pk, (Decimal(0), Decimal(0)))
        may = v.pk in seen
        rows.append(
            VolunteerRow(
                pk=v.pk,
                name=shown_name(v, scope),
                is_resident=bool(v.resident_id),
                address=address,
                registered_on=v.registered_on,
                left_on=v.left_on,
                is_minor=v.is_minor,
                hours=confirmed if may else None,
                pending=pending if may else None,
            )
        )
    return rows


def _hour_visible_ids(user, volunteers: list[Volunteer]) -> set[int]:
    """Which of these volunteers' hours the viewer may see, without a query per row: all of them for
    staff; for a group leader those whose records the scope lets through (members of their groups)."""
    if not volunteers:
        return set()
    scope = scope_for(user)
    community_id = volunteers[0].community_id
    if scope.is_staff_of(community_id):
        return {v.pk for v in volunteers}
    ids = [v.pk for v in volunteers]
    return set(
        Volunteer.objects.filter(pk__in=ids)
        .filter(_own(user) | _member_q(scope))
        .values_list("pk", flat=True)
    )


def _member_q(scope: Scope) -> Q:
    if not scope.groups:
        return Q(pk__in=[])
    members = GroupMember.objects.filter(group_id__in=scope.groups, left_on__isnull=True)
    return Q(resident_id__in=members.values("resident_id"))


def _hours_by_volunteer(user, ids: list[int], *, start, end) -> dict[int, tuple[Decimal, Decimal]]:
    if not ids:
        return {}
    rows = (
        visible(user, ServiceRecord.objects.filter(volunteer_id__in=ids, date__range=(start, end)))
        .values("volunteer_id")
        .annotate(
            confirmed=Sum("hours", filter=Q(confirmed_at__isnull=False)),
            pending=Sum("hours", filter=Q(confirmed_at__isnull=True)),
        )
        .order_by()
    )
    return {r["volunteer_id"]: (r["confirmed"] or Decimal(0), r["pending"] or Decimal(0)) for r in rows}


def member_year_hours(user, group, resident_ids: list[int], *, year: int) -> dict[int, str] | None:
    """Confirmed hours in `year` of each of these residents (all their service, not only this group's),
    as labels for the group page, in one query; None when the viewer may not see hours (only the
    community's staff and the group's own leaders may)."""
    scope = scope_for(user)
    if not (scope.is_staff_of(group.community_id) or group.pk in scope.groups):
        return None
    start, end = year_range(year)
    records = ServiceRecord.objects.filter(
        volunteer__resident_id__in=resident_ids, date__range=(start, end), confirmed_at__isnull=False
    )
    rows = (
        visible(user, records, community_id=group.community_id)
        .values("volunteer__resident_id")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    totals = {r["volunteer__resident_id"]: r["total"] for r in rows}
    return {pk: hours_label(totals.get(pk, Decimal(0))) for pk in resident_ids}


# ── One volunteer's hours ────────────────────────────────────────────────────────────────────────


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@dataclass
class VolunteerYear:
    year: int
    records: list[ServiceRecord]
    confirmed: Decimal
    pending: Decimal
    months: list[tuple[dt.date, Decimal]]  # confirmed hours per month with any
    all_time: Decimal

    @property
    def count(self) -> int:
        return len(self.records)

    @property
    def confirmed_label(self) -> str:
        return hours_label(self.confirmed)

    @property
    def pending_label(self) -> str:
        return hours_label(self.pending)

    @property
    def all_time_label(self) -> str:
        return hours_label(self.all_time)

    @property
    def month_lines(self) -> list[tuple[dt.date, str]]:
        return [(month, hours_label(hours)) for month, hours in self.months]


def volunteer_year(user, volunteer: Volunteer, year: int) -> VolunteerYear:
    """A volunteer's records of one year, newest first, with the year's confirmed and pending totals, the
    confirmed hours per month and of all time. Three queries."""
    start, end = year_range(year)
    base = visible(user, ServiceRecord.objects.filter(volunteer=volunteer))
    records = list(
        base.filter(date__range=(start, end))
        .select_related("group", "recorded_by", "confirmed_by")
        .order_by("-date", "-pk")
    )
    confirmed = sum((r.hours for r in records if r.confirmed_at), Decimal(0))
    pending = sum((r.hours for r in records if not r.confirmed_at), Decimal(0))
    months: dict[dt.date, Decimal] = {}
    for r in records:
        if r.confirmed_at:
            month = r.date.replace(day=1)
            months[month] = months.get(month, Decimal(0)) + r.hours
    all_time = base.filter(confirmed_at__isnull=False).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return VolunteerYear(
        year=year,
        records=records,
        confirmed=confirmed,
        pending=pending,
        months=sorted(months.items()),
        all_time=all_time,
    )


def years_with_records(user, volunteer: Volunteer) -> list[int]:
    dates = visible(user, ServiceRecord.objects.filter(volunteer=volunteer)).dates("date", "year")
    return sorted({d.year for d in dates} | {timezone.localdate().year}, reverse=True)


# ── Totals per person, group and month ───────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Line:
    key: object
    label: str
    hours: Decimal
    records: int

    @property
    def hours_label(self) -> str:
        return hours_label(self.hours)


@dataclass
class HourTotals:
    start: dt.date
    end: dt.date
    total: Decimal = Decimal(0)
    records: int = 0
    by_person: list[Line] = field(default_factory=list)
    by_group: list[Line] = field(default_factory=list)
    by_month: list[Line] = field(default_factory=list)

    @property
    def total_label(self) -> str:
        return hours_label(self.total)


def hour_totals(user, community: Community, *, start: dt.date, end: dt.date) -> HourTotals:
    """Confirmed hours of the records the user may see in one community and period, in total, per person
    (most first), per group (most first; "no group" last) and per month. Three GROUP BY queries."""
    scope = scope_for(user)
    records = visible(
        user,
        ServiceRecord.objects.filter(date__range=(start, end), confirmed_at__isnull=False),
        community_id=community.pk,
    )
    people = (
        records.values(
            "volunteer_id",
            "volunteer__name",
            "volunteer__resident__name",
            "volunteer__resident__birth_date",
            "volunteer__resident__household_id",
        )
        .annotate(hours=Sum("hours"), n=Count("pk"))
        .order_by("-hours", "volunteer_id")
    )
    by_person = [
        Line(
            key=row["volunteer_id"],
            label=_shown(
                scope,
                name=row["volunteer__name"],
                resident_name=row["volunteer__resident__name"],
                birth_date=row["volunteer__resident__birth_date"],
                household_id=row["volunteer__resident__household_id"],
                community_id=community.pk,
            ),
            hours=row["hours"],
            records=row["n"],
        )
        for row in people
    ]
    groups = records.values("group_id", "group__name").annotate(hours=Sum("hours"), n=Count("pk")).order_by()
    by_group = sorted(
        (
            Line(key=r["group_id"], label=r["group__name"] or "", hours=r["hours"], records=r["n"])
            for r in groups
        ),
        key=lambda line: (line.key is None, -line.hours, line.label),
    )
    months = (
        records.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(hours=Sum("hours"), n=Count("pk"))
        .order_by("month")
    )
    by_month = [Line(key=r["month"], label="", hours=r["hours"], records=r["n"]) for r in months]
    return HourTotals(
        start=start,
        end=end,
        total=sum((line.hours for line in by_person), Decimal(0)),
        records=sum(line.records for line in by_person),
        by_person=by_person,
        by_group=by_group,
        by_month=by_month,
    )


# ── Leaderboard ──────────────────────────────────────────────────────────────────────────────────


def settings_for(community: Community) -> VolunteerSettings:
    """The community's volunteer settings (defaults, unsaved, when never changed)."""
    found = VolunteerSettings.objects.filter(community=community).first()
    return found or VolunteerSettings(community=community)


def leaderboard(user, community: Community, *, year: int, limit: int = 20) -> list[Line]:
    """The volunteers with the most confirmed hours in the year, across the community (the viewer was
    allowed to see the board: organizing.view_leaderboard). One query."""
    scope = scope_for(user)
    start, end = year_range(year)
    rows = (
        ServiceRecord.objects.filter(
            community=community, date__range=(start, end), confirmed_at__isnull=False
        )
        .values(
            "volunteer_id",
            "volunteer__name",
            "volunteer__resident__name",
            "volunteer__resident__birth_date",
            "volunteer__resident__household_id",
        )
        .annotate(hours=Sum("hours"), n=Count("pk"))
        .order_by("-hours", "volunteer_id")[:limit]
    )
    return [
        Line(
            key=row["volunteer_id"],
            label=_shown(
                scope,
                name=row["volunteer__name"],
                resident_name=row["volunteer__resident__name"],
                birth_date=row["volunteer__resident__birth_date"],
                household_id=row["volunteer__resident__household_id"],
                community_id=community.pk,
            ),
            hours=row["hours"],
            records=row["n"],
        )
        for row in rows
    ]


# ── Duties ───────────────────────────────────────────────────────────────────────────────────────


def _duties(qs: QuerySet) -> QuerySet:
    return qs.select_related("volunteer__resident", "group").order_by("starts_at", "pk")


def upcoming_duties(user, community: Community, *, now: dt.datetime | None = None) -> QuerySet:
    """Duties in the community the user may see that have not ended, soonest first."""
    now = now or timezone.now()
    return _duties(visible(user, Duty.objects.filter(ends_at__gt=now), community_id=community.pk))


def volunteer_duties(user, volunteer: Volunteer, *, now: dt.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    return _duties(visible(user, Duty.objects.filter(volunteer=volunteer, ends_at__gt=now)))


def my_duties(user, *, now: dt.datetime | None = None) -> QuerySet:
    """The user's own duties that have not ended (any community), soonest first."""
    now = now or timezone.now()
    return _duties(Duty.objects.filter(_own(user, "volunteer__"), ends_at__gt=now))


# ── Talents ──────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class TalentFilters:
    skill: str = ""
    building: int | None = None
    q: str = ""
    willing_only: bool = False


def talent_search(user, community: Community, filters: TalentFilters) -> QuerySet:
    """Talents of current residents of the community the user may see, by skill, building and name."""
    qs = scope_for(user).within(Talent.objects.all(), community.pk).filter(resident__moved_out__isnull=True)
    if filters.skill in SkillCategory.values:
        qs = qs.filter(
            pk__in=TalentSkill.objects.filter(community=community, category=filters.skill).values("talent_id")
        )
    if filters.building:
        qs = qs.filter(resident__household__flat__building_id=filters.building)
    if filters.willing_only:
        qs = qs.exclude(willingness="not_now")
    q = " ".join(filters.q.split())
    if q:
        key = q.replace(" ", "").lower()
        condition = Q(resident__name__contains=q) | Q(description__contains=q)
        if key.isascii() and key.isalpha():
            condition |= Q(resident__name_pinyin__startswith=key) | Q(resident__name_initials__startswith=key)
        qs = qs.filter(condition)
    return (
        qs.select_related("resident__household__flat__building", "resident__household__flat__entrance")
        .prefetch_related("skills")
        .order_by("resident__name_pinyin", "pk")
    )


def talent_of(resident: Resident) -> Talent | None:
    return Talent.objects.filter(resident=resident).prefetch_related("skills").first()


def volunteer_of(resident: Resident) -> Volunteer | None:
    """The resident's current volunteer record, else their latest."""
    return (
        Volunteer.objects.filter(resident=resident)
        .select_related("guardian_consent")
        .order_by(F("left_on").desc(nulls_first=True), "-pk")
        .first()
    )


# ── Form options ─────────────────────────────────────────────────────────────────────────────────


def group_options(user, community: Community) -> QuerySet:
    """The groups a user may record or plan under: all of the community's for staff, else their own."""
    qs = Group.objects.filter(community=community)
    if not scope_for(user).is_staff_of(community.pk):
        qs = qs.filter(pk__in=rules.led_group_ids(user, community.pk))
    return qs.order_by("name")


def group_filter_options(user, community: Community) -> QuerySet:
    return group_options(user, community)


def resident_choices(user, community: Community, q: str, *, limit: int = 20) -> list[Resident]:
    """Residents to pick from when registering a volunteer: a name search through the registry's scope
    (a group leader finds only their members). Nothing until something is typed."""
    if not q.strip():
        return []
    return list(
        resident_matches(user, community, ResidentFilters(q=q))
        .select_related("household__flat__building", "household__flat__entrance")
        .defer("id_number", "phone", "notes")[:limit]
    )


def volunteer_user_options(community: Community) -> QuerySet:
    """Sign-ins with the volunteer role here that no current volunteer is linked to yet."""
    linked = Volunteer.objects.filter(community=community, left_on__isnull=True, user__isnull=False)
    holders = Membership.objects.filter(community=community, role=Role.VOLUNTEER, is_active=True)
    return (
        User.objects.filter(pk__in=holders.values("user_id"))
        .exclude(pk__in=linked.values("user_id"))
        .order_by("username")
    )


def pending_count(user, community: Community) -> int:
    """Unconfirmed records the user may see in the community (a reminder on the totals page)."""
    return visible(
        user, ServiceRecord.objects.filter(confirmed_at__isnull=True), community_id=community.pk
    ).count()
