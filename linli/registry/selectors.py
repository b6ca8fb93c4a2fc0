"""Reads of the registry, always through the user's scope.

`access_*` fetch one row the user may see or raise Http404 (not 403: a row outside the scope must not
even be confirmed to exist). `*_list` return scoped querysets with what their pages need joined in, so a
page's query count does not grow with its rows.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from linli.core.models import Community
from linli.core.scope import Scope, scope_for
from linli.registry.models import Building, Flat, Household, PartyBranch, RegistrationType, Resident, Tag

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
    return get_object_or_404(scope_for(user).visible_communities(), pk=community_id)


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
    return get_object_or_404(qs, pk=resident_id)


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


LIST_DEFERRED = ("id_number", "id_number_hash", "phone", "phone_hash", "notes")


def resident_list(
    user, community: Community, filters: ResidentFilters, *, today: dt.date | None = None
) -> QuerySet:
    """Residents of `community` the user may see, filtered and searched.

    Search: Chinese text matches anywhere in the name; Latin letters match the start of the full pinyin
    or of the initials (赵阿姨 is found by "zhao", "zhaoa", "z" and "zay"); digits match the building.
    """
    scope = scope_for(user)
    qs = scope.within(Resident.objects.all(), community.pk)
    if not filters.include_moved_out:
        qs = qs.filter(moved_out__isnull=True)
    q = filters.q.strip()
    if q:
        if q.isascii() and q.replace(" ", "").isalpha():
            key = q.replace(" ", "").lower()
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
    # A list never shows the encrypted columns: not fetching them saves two decryptions per row.
    return (
        qs.select_related("household__flat__entrance", "household__flat__building")
        .defer(*LIST_DEFERRED)
        .prefetch_related("tags")
    )


def building_list(user, community: Community) -> QuerySet:
    return (
        scope_for(user)
        .within(Building.objects.all(), community.pk)
        .select_related("estate")
        .annotate(
            entrance_count=Count("entrances", distinct=True),
        )
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
        .order_by(F("moved_out").desc(nulls_first=True), "name_pinyin", "id")
    )


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    fields: list[str]  # verbose names of the changed fields


def resident_history(resident: Resident, *, limit: int = 20) -> list[HistoryEntry]:
    """The last `limit` changes to a resident, newest first, with the names of the fields each changed.

    One query: `limit + 1` rows are read so the oldest shown row can be diffed against its predecessor
    in memory (`prev_record` would cost a query per row).
    """
    rows = list(
        resident.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    names = {f.name: str(f.verbose_name) for f in Resident._meta.get_fields() if hasattr(f, "verbose_name")}
    entries = []
    for index, row in enumerate(rows[:limit]):
        previous = rows[index + 1] if index + 1 < len(rows) else None
        changed: list[str] = []
        if row.history_type == "~" and previous is not None:
            changed = [names.get(name, name) for name in row.diff_against(previous).changed_fields]
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
