"""Reads of the registry, always through the user's scope.

`access_*` fetch one row the user may see or raise Http404 (not 403: a row outside the scope must not
even be confirmed to exist). `*_list` return scoped querysets with what their pages need joined in, so a
page's query count does not grow with its rows.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from linli.core.models import Community
from linli.core.scope import Scope, scope_for
from linli.registry import minors
from linli.registry.models import (
    Building,
    Flat,
    Gender,
    Household,
    PartyBranch,
    RegistrationType,
    Resident,
    Tag,
    age_on,
    building_label,
    flat_label,
)
from linli.registry.privacy import looks_like_number, number_search_hashes

AGE_BANDS = {
    "0-17": (0, 17),
    "18-59": (18, 59),
    "60-69": (60, 69),
    "70-79": (70, 79),
    "80+": (80, 200),
    "60+": (60, 200),
}
AGE_BAND_LABELS = {
    "0-17": _("0–17岁"),
    "18-59": _("18–59岁"),
    "60-69": _("60–69岁"),
    "70-79": _("70–79岁"),
    "80+": _("80岁及以上"),
    "60+": _("60岁及以上"),
}


def birth_range_for_age(lo: int, hi: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """Birth dates of people aged lo..hi (inclusive) on `today`."""
    latest = _years_before(today, lo)
    earliest = _years_before(today, hi + 1) + dt.timedelta(days=1)
    return earliest, latest


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def access_community(user, community_id: int) -> Community:
    """A community the user holds a personal-data role in (not street officers: they see figures)."""
    community = scope_for(user).community(community_id)
    if community is None:
        raise Http404
    return community


def access_building(user, building_id: int) -> Building:
    qs = scope_for(user).filter(Building.objects.select_related("estate", "community"))
    return get_object_or_404(qs, pk=building_id)


def access_household(user, household_id: int) -> Household:
    qs = scope_for(user).filter(
        Household.objects.select_related("flat__entrance", "flat__building", "community")
    )
    return get_object_or_404(qs, pk=household_id)


def access_resident(user, resident_id: int) -> Resident:
    qs = scope_for(user).filter(
        Resident.objects.select_related(
            "household__flat__entrance", "household__flat__building", "community", "party_branch"
        ).prefetch_related("tags")
    )
    resident = get_object_or_404(qs, pk=resident_id)
    # A child's record opens only for staff, the household and the building's leaders (registry/minors.py).
    if minors.is_child(resident.birth_date) and not minors.sees_child_record(
        scope_for(user),
        community_id=resident.community_id,
        household_id=resident.household_id,
        building_id=resident.household.flat.building_id,
    ):
        raise Http404
    return resident


def access_flat(user, flat_id: int, *, community_id: int | None = None) -> Flat:
    qs = scope_for(user).filter(Flat.objects.select_related("entrance", "building"))
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return get_object_or_404(qs, pk=flat_id)


@dataclass(frozen=True)
class ResidentFilters:
    q: str = ""
    building: int | None = None
    age_band: str = ""
    tag: int | None = None
    registration_type: str = ""
    party_member: bool | None = None
    include_moved_out: bool = False

    @property
    def q_is_private(self) -> bool:
        """Whether the search must travel in a request body and never in a URL, where browser history,
        server access logs and the Referer header would keep it: any digit, so a whole or partial ID or
        phone number. Names and their pinyin have none, so those searches stay bookmarkable."""
        return any(c.isdigit() for c in self.q)


LIST_DEFERRED = ("id_number", "id_number_hash", "phone", "phone_hash", "notes")


def resident_list(
    user, community: Community, filters: ResidentFilters, *, today: dt.date | None = None
) -> QuerySet:
    """Residents of `community` the user may see, filtered and searched (see `resident_matches`), with
    their flat joined in and their tags prefetched."""
    # A list never shows the encrypted columns: not fetching them saves two decryptions per row.
    return (
        resident_matches(user, community, filters, today=today)
        .select_related("household__flat__entrance", "household__flat__building")
        .defer(*LIST_DEFERRED)
        .prefetch_related("tags")
    )


def resident_matches(
    user, community: Community, filters: ResidentFilters, *, today: dt.date | None = None
) -> QuerySet:
    """Residents of `community` the user may see, filtered and searched; nothing joined in.

    Search: Chinese text matches anywhere in the name; Latin letters match the start of the full pinyin
    or of the initials (赵阿姨 is found by "zhao", "zhaoa", "z" and "zay"); a whole ID or mobile number
    matches by its keyed hash, for the roles that may reveal it.
    """
    scope = scope_for(user)
    qs = scope.within(Resident.objects.all(), community.pk)
    if not filters.include_moved_out:
        qs = qs.filter(moved_out__isnull=True)
    q = filters.q.strip()
    if q:
        if looks_like_number(q):
            # A full ID or phone number is matched by its keyed hash (privacy.number_search_hashes); a
            # part of one, or a number the user may not search by, matches nobody.
            hashes = number_search_hashes(user, community.pk, q)
            condition = Q(pk__in=[])
            for column, value in hashes.items():
                condition |= Q(**{column: value})
            qs = qs.filter(condition)
        elif q.isascii() and q.replace(" ", "").isalpha():
            key = q.replace(" ", "").lower()
            # Both keys are lower-case letters and start with the same one, so every match lies in that
            # letter's range of the name-ordered index, a range PostgreSQL reads whatever the collation
            # (a LIKE prefix needs a C one). One letter, the first keystroke of a search, is just that.
            letter = Q(name_pinyin__gte=key[0])
            if key[0] != "z":
                letter &= Q(name_pinyin__lt=chr(ord(key[0]) + 1))
            qs = qs.filter(letter)
            if len(key) > 1:
                qs = qs.filter(Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key))
        else:
            qs = qs.filter(name__contains=q)
    if filters.building:
        qs = qs.filter(household__flat__building_id=filters.building)
    if filters.age_band in AGE_BANDS:
        lo, hi = AGE_BANDS[filters.age_band]
        earliest, latest = birth_range_for_age(lo, hi, today or dt.date.today())
        qs = qs.filter(birth_date__range=(earliest, latest))
    if filters.tag:
        qs = qs.filter(tags__id=filters.tag)
    if filters.registration_type in RegistrationType.values:
        qs = qs.filter(registration_type=filters.registration_type)
    if filters.party_member is True:
        qs = qs.filter(party_joined__isnull=False)
    elif filters.party_member is False:
        qs = qs.filter(party_joined__isnull=True)
    return qs


@dataclass(frozen=True, slots=True)
class ResidentRow:
    """One line of the resident list page, as the table shows it (labels already translated)."""

    pk: int
    name: str
    gender: str
    age: str  # "82岁"
    building: str
    flat: str  # within the building: "2单元301室"
    registration_type: str
    tags: tuple[str, ...]
    is_party_member: bool
    is_current: bool
    # Who the person is to the viewer, for children's names and records (registry/minors.py).
    birth_date: dt.date | None = None
    community_id: int = 0
    household_id: int | None = None
    building_id: int | None = None


class ResidentRows:
    """The matches of a resident list as a lazy sequence of `ResidentRow`, for a Paginator: `count()`
    runs a COUNT and a slice reads one page in two queries (the residents with their flats, then their
    tags). Plain values rather than model instances: a page of 50 would otherwise build five instances a
    line (resident, household, flat, entrance, building) and look each choice label up again."""

    FIELDS = (
        "id",
        "name",
        "gender",
        "birth_date",
        "registration_type",
        "party_joined",
        "moved_out",
        "household__flat__building__number",
        "household__flat__entrance__number",
        "household__flat__number",
        "community_id",
        "household_id",
        "household__flat__building_id",
    )

    def __init__(self, queryset: QuerySet, *, today: dt.date | None = None):
        self.queryset = queryset
        self.today = today or dt.date.today()

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[ResidentRow]:
        if not isinstance(key, slice):
            raise TypeError("ResidentRows reads pages: index it with a slice")
        values = list(self.queryset.values_list(*self.FIELDS)[key])
        if not values:
            return []
        tags: dict[int, list[str]] = {}
        through = Resident.tags.through.objects.filter(resident_id__in=[v[0] for v in values])
        for resident_id, tag in through.order_by("tag__sort_key", "tag__name").values_list(
            "resident_id", "tag__name"
        ):
            tags.setdefault(resident_id, []).append(tag)
        genders = {value: str(label) for value, label in Gender.choices}
        registration_types = {value: str(label) for value, label in RegistrationType.choices}
        buildings: dict[str, str] = {}
        ages: dict[int, str] = {}
        rows = []
        for (
            pk,
            name,
            gender,
            born,
            registration,
            joined,
            moved_out,
            building,
            entrance,
            flat,
            community_id,
            household_id,
            building_id,
        ) in values:
            age = age_on(born, self.today)
            if age not in ages:
                ages[age] = ngettext("%(age)s岁", "%(age)s岁", age) % {"age": age}
            if building not in buildings:
                buildings[building] = building_label(building)
            rows.append(
                ResidentRow(
                    pk=pk,
                    name=name,
                    gender=genders.get(gender, gender),
                    age=ages[age],
                    building=buildings[building],
                    flat=flat_label(entrance, flat),
                    registration_type=registration_types.get(registration, registration),
                    tags=tuple(tags.get(pk, ())),
                    is_party_member=joined is not None,
                    is_current=moved_out is None,
                    birth_date=born,
                    community_id=community_id,
                    household_id=household_id,
                    building_id=building_id,
                )
            )
        return rows


def resident_rows(
    user, community: Community, filters: ResidentFilters, *, today: dt.date | None = None
) -> ResidentRows:
    """The resident list page's lines, for a Paginator (see `ResidentRows`)."""
    return ResidentRows(resident_matches(user, community, filters, today=today), today=today)


def building_list(user, community: Community) -> QuerySet:
    return (
        scope_for(user)
        .within(Building.objects.all(), community.pk)
        .select_related("estate")
        .annotate(
            entrance_count=Count("entrances", distinct=True),
        )
    )


def building_tiles(user, community: Community) -> QuerySet:
    """Buildings of `community` in the user's scope as the community home lists them: number, floors and
    estate only, in page order, without `building_list`'s counts (and so without its GROUP BY)."""
    return (
        scope_for(user)
        .within(Building.objects.all(), community.pk)
        .select_related("estate")
        .only("id", "number", "floors", "estate__name")
        .order_by("sort_key", "number", "pk")
    )


def building_floor_grid(building: Building) -> list[dict]:
    """Entrances of a building, each with its floors top-down and the current residents of each flat.

    Three queries whatever the size of the building.
    """
    current = Resident.objects.filter(moved_out__isnull=True).only(
        "id", "name", "birth_date", "household_id", "relation", "community_id"
    )
    households = Household.objects.filter(is_active=True).prefetch_related(
        Prefetch("residents", queryset=current)
    )
    flats = (
        Flat.objects.filter(building=building)
        .select_related("entrance")
        .prefetch_related(Prefetch("households", queryset=households, to_attr="current_households"))
        .order_by("entrance__number", "-floor", "number")
    )
    entrances: dict[int, dict] = {}
    for flat in flats:
        entrance = entrances.setdefault(flat.entrance_id, {"entrance": flat.entrance, "floors": {}})
        entrance["floors"].setdefault(flat.floor, []).append(flat)
    return [
        {"entrance": e["entrance"], "floors": sorted(e["floors"].items(), key=lambda item: -item[0])}
        for e in entrances.values()
    ]


@dataclass(frozen=True, slots=True)
class PlanResident:
    pk: int
    name: str
    age: str  # "82岁"
    # Who the person is to the viewer, for children's names (registry/minors.py).
    birth_date: dt.date | None = None
    community_id: int = 0
    household_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanHousehold:
    pk: int
    residents: list[PlanResident]


@dataclass(frozen=True, slots=True)
class PlanFlat:
    pk: int
    label: str  # "301室"
    area: Decimal
    households: list[PlanHousehold]  # the active ones; none when the flat is empty


@dataclass(frozen=True, slots=True)
class PlanEntrance:
    pk: int
    number: int
    has_lift: bool
    floors: list[tuple[int, list[PlanFlat]]]  # top floor first


def building_floor_plan(building: Building, *, today: dt.date | None = None) -> list[PlanEntrance]:
    """What the building page shows: `building_floor_grid` read as plain values, with the ages worked out
    (a tall building has a few hundred people: model instances for each cost more than the page).

    Three queries whatever the size of the building (one when it has no flats).
    """
    today = today or dt.date.today()
    flats = list(
        Flat.objects.filter(building=building)
        .order_by("entrance__number", "-floor", "number")
        .values_list("id", "floor", "number", "area", "entrance_id", "entrance__number", "entrance__has_lift")
    )
    households: dict[int, list[PlanHousehold]] = {}
    if flats:
        people: dict[int, list[PlanResident]] = {}
        active = Household.objects.filter(is_active=True, flat_id__in=[f[0] for f in flats])
        for household_id, flat_id in active.order_by("id").values_list("id", "flat_id"):
            people[household_id] = []
            households.setdefault(flat_id, []).append(PlanHousehold(household_id, people[household_id]))
        if people:
            ages: dict[int, str] = {}
            current = Resident.objects.filter(moved_out__isnull=True, household_id__in=list(people))
            for pk, name, born, household_id in current.values_list(
                "id", "name", "birth_date", "household_id"
            ):
                age = age_on(born, today)
                if age not in ages:
                    ages[age] = ngettext("%(age)s岁", "%(age)s岁", age) % {"age": age}
                people[household_id].append(
                    PlanResident(pk, name, ages[age], born, building.community_id, household_id)
                )
    entrances: dict[int, PlanEntrance] = {}
    floors: dict[tuple[int, int], list[PlanFlat]] = {}
    for pk, floor, number, area, entrance_id, entrance_number, has_lift in flats:
        if entrance_id not in entrances:
            entrances[entrance_id] = PlanEntrance(entrance_id, entrance_number, has_lift, [])
        if (entrance_id, floor) not in floors:
            floors[entrance_id, floor] = []
            entrances[entrance_id].floors.append((floor, floors[entrance_id, floor]))
        label = gettext("%(number)s室") % {"number": number}
        floors[entrance_id, floor].append(PlanFlat(pk, label, area, households.get(pk, [])))
    return list(entrances.values())


@dataclass(frozen=True)
class Profile:
    households: int
    residents: int
    aged_60_plus: int
    migrants: int
    overseas: int
    party_members: int
    buildings: int

    @property
    def aged_60_plus_share(self) -> float:
        return self.aged_60_plus / self.residents if self.residents else 0.0


def community_profile(
    community: Community, *, scope: Scope | None = None, today: dt.date | None = None
) -> Profile:
    """Figures for a community (or the part of it `scope` covers). Two aggregate queries."""
    today = today or dt.date.today()
    residents = Resident.objects.filter(moved_out__isnull=True)
    households = Household.objects.filter(is_active=True)
    buildings = Building.objects.all()
    if scope is None:
        residents, households, buildings = (
            qs.filter(community=community) for qs in (residents, households, buildings)
        )
    else:
        residents, households, buildings = (
            scope.within(qs, community.pk) for qs in (residents, households, buildings)
        )
    _, sixty = birth_range_for_age(60, 200, today)
    figures = residents.aggregate(
        residents=Count("id"),
        aged_60_plus=Count("id", filter=Q(birth_date__lte=sixty)),
        migrants=Count("id", filter=Q(registration_type=RegistrationType.MIGRANT)),
        overseas=Count("id", filter=Q(registration_type=RegistrationType.OVERSEAS)),
        party_members=Count("id", filter=Q(party_joined__isnull=False)),
    )
    # Households with nobody registered yet still count as households.
    return Profile(households=households.count(), buildings=buildings.count(), **figures)


def street_overview(street_id: int, *, today: dt.date | None = None) -> list[dict]:
    """Per-community figures for a street office: counts only, no names. One grouped query."""
    today = today or dt.date.today()
    _, sixty = birth_range_for_age(60, 200, today)
    rows = (
        Resident.objects.filter(community__street_id=street_id, moved_out__isnull=True)
        .values("community_id", "community__name")
        .annotate(
            residents=Count("id"),
            aged_60_plus=Count("id", filter=Q(birth_date__lte=sixty)),
            migrants=Count("id", filter=Q(registration_type=RegistrationType.MIGRANT)),
            party_members=Count("id", filter=Q(party_joined__isnull=False)),
            households=Count("household_id", distinct=True),
        )
        .order_by("community__name")
    )
    return list(rows)


def tags() -> QuerySet:
    return Tag.objects.all()


def building_options(user, community: Community) -> QuerySet:
    """Buildings of `community` in the user's scope, light enough for a filter's select box."""
    return scope_for(user).within(Building.objects.all(), community.pk).only("id", "number", "sort_key")


def flat_options(user, community: Community) -> QuerySet:
    """Flats of `community` the user may register people in, ordered for a select grouped by building."""
    return (
        scope_for(user)
        .within(Flat.objects.all(), community.pk)
        .select_related("building", "entrance")
        .order_by("building__sort_key", "building__number", "entrance__number", "floor", "number")
    )


def party_branch_list(community: Community) -> QuerySet:
    """The party branches of a community the caller has already been granted (via access_community).

    Branch names are the community's own organisation, not personal data, so a building leader who
    registers a party member may pick from them although branches have no building.
    """
    return PartyBranch.objects.filter(community=community)


def household_members(user, household: Household) -> QuerySet:
    """Members of a household, current first, narrowed to those the user may see (a group leader sees
    only the group's members, not their relatives)."""
    return (
        scope_for(user)
        .filter(Resident.objects.filter(household=household))
        .order_by(F("moved_out").desc(nulls_first=True), "name_pinyin", "name_initials", "id")
    )


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    fields: list[str]  # verbose names of the changed fields


def resident_history(resident: Resident, *, limit: int = 20) -> list[HistoryEntry]:
    """The last `limit` changes to a resident, newest first, with the names of the fields each changed.

    Two queries: `limit + 1` rows are read so the oldest shown row can be diffed against its predecessor
    in memory (`prev_record` would cost a query per row), and the tags each row kept (simple-history's
    own m2m diff would cost two queries per row).
    """
    rows = list(
        resident.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    names = {f.name: str(f.verbose_name) for f in Resident._meta.get_fields() if hasattr(f, "verbose_name")}
    tags: dict[int, set[int]] = {row.history_id: set() for row in rows}
    for history_id, tag_id in Resident.history.model.tags.model.objects.filter(
        history_id__in=list(tags)
    ).values_list("history_id", "tag_id"):
        tags[history_id].add(tag_id)
    entries = []
    for index, row in enumerate(rows[:limit]):
        previous = rows[index + 1] if index + 1 < len(rows) else None
        changed: list[str] = []
        if row.history_type == "~" and previous is not None:
            diff = row.diff_against(previous, excluded_fields=["tags"])
            changed = [names.get(name, name) for name in diff.changed_fields]
            if tags[row.history_id] != tags[previous.history_id]:
                changed.append(names["tags"])
        user = row.history_user
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=str(user) if user is not None else "",
                kind=row.history_type,
                fields=changed,
            )
        )
    return entries


def street_community_figures(street) -> list[dict]:
    """`street_overview` with a zero row for every community of the street that has nobody registered
    yet, so a street officer sees the gap rather than a missing line. Two queries."""
    figures = {row["community_id"]: row for row in street_overview(street.pk)}
    empty = {"residents": 0, "aged_60_plus": 0, "migrants": 0, "party_members": 0, "households": 0}
    return [
        figures.get(c.pk, {"community_id": c.pk, "community__name": c.name, **empty})
        for c in Community.objects.filter(street=street).order_by("name")
    ]
