"""Reads of groups, building groups (楼组) and party branches for a user, always through the scope.

`access_*` fetch one row the user may see or raise Http404. Lists join in what their pages show, so a
page's query count does not grow with its rows. Who sees what:

- staff: every group, building group and branch of their community, and every membership period;
- a group leader: their own group (the scope's `group` path) and its current members' periods;
- a building leader: the building groups of their buildings (the `building` path), with the party
  members living there.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from linli.core.models import Community
from linli.core.scope import scope_for
from linli.organizing.models import BuildingGroup, Group, GroupMember, LiftTrioMember
from linli.registry.models import Building, Entrance, PartyBranch, Resident
from linli.registry.selectors import LIST_DEFERRED, birth_range_for_age

# A person shown by name and address only: their encrypted columns are never read.
PERSON_DEFERRED = tuple(LIST_DEFERRED)


def _adults(qs: QuerySet, today: dt.date | None = None) -> QuerySet:
    """Only people aged 18 or more: leaders, deputies and the lift trio are adults (services_groups)."""
    return qs.filter(birth_date__lte=birth_range_for_age(18, 200, today or dt.date.today())[1])


def _people(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}__{name}" for name in PERSON_DEFERRED)


# ── Groups ───────────────────────────────────────────────────────────────────────────────────────


def group_rows(user, community: Community) -> QuerySet:
    """The community's groups the user may see, with branch, leader, deputy and current member count."""
    return (
        scope_for(user)
        .within(Group.objects.all(), community.pk)
        .select_related("branch", "leader", "deputy")
        .defer(*_people("leader"), *_people("deputy"))
        .annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("pk")  # the committee's own order (初心, 暖心 … as set up), not the names' code points
    )


def access_group(user, group_id: int) -> Group:
    qs = scope_for(user).filter(
        Group.objects.select_related("community", "branch", "leader", "deputy").defer(
            *_people("leader"), *_people("deputy")
        )
    )
    return get_object_or_404(qs, pk=group_id)


def group_members(user, group: Group, *, include_past: bool = True) -> QuerySet:
    """Membership periods of the group the user may see: every period for staff; for a group leader the
    periods of the group's current members (the scope's `group_member` path), never former members."""
    qs = scope_for(user).filter(GroupMember.objects.filter(group=group))
    if not include_past:
        qs = qs.filter(left_on__isnull=True)
    return (
        qs.select_related("resident__household__flat__building", "resident__household__flat__entrance")
        .defer(*_people("resident"))
        .order_by("left_on", "resident__name_pinyin", "joined_on", "pk")
    )


def access_group_member(user, member_id: int) -> GroupMember:
    """One membership period, seen through its group (a building leader sees members of their buildings
    in the registry, but no group's records) and through the scope."""
    visible_groups = scope_for(user).filter(Group.objects.all()).values("pk")
    qs = scope_for(user).filter(
        GroupMember.objects.filter(group__in=visible_groups).select_related("group__community", "resident")
    )
    return get_object_or_404(qs, pk=member_id)


def group_leader_users(group: Group) -> QuerySet:
    """The sign-ins of the group's leader and deputy, when they still live here: whom reminders and the
    daily digest for the group go to (the same rule as their scope, linli.core.scope)."""
    return (
        get_user_model()
        .objects.filter(
            Q(resident_records__led_groups=group) | Q(resident_records__deputy_of_groups=group),
            resident_records__moved_out__isnull=True,
            resident_records__community_id=group.community_id,
            is_active=True,
        )
        .distinct()
    )


def group_leader_choices(group: Group) -> list[Resident]:
    """Who may lead the group: its current members who still live here."""
    return list(
        _adults(
            Resident.objects.filter(
                group_memberships__group=group,
                group_memberships__left_on__isnull=True,
                moved_out__isnull=True,
            )
        )
        .select_related("household__flat__building", "household__flat__entrance")
        .defer(*PERSON_DEFERRED)
        .order_by("name_pinyin", "pk")
    )


def resident_search(user, community: Community, q: str, *, limit: int = 20) -> list[Resident]:
    """Current residents of the community matching `q` (name, pinyin or initials), for choosing a new
    member; through the scope like the resident list (registry.selectors.resident_matches)."""
    from linli.registry.selectors import ResidentFilters, resident_matches

    q = (q or "").strip()
    if not q:
        return []
    return list(
        resident_matches(user, community, ResidentFilters(q=q))
        .select_related("household__flat__building", "household__flat__entrance")
        .defer(*PERSON_DEFERRED)[:limit]
    )


# ── Party branches ───────────────────────────────────────────────────────────────────────────────


def branch_rows(user, community: Community) -> QuerySet:
    """The community's party branches with their secretary, current member count and guided groups."""
    return (
        scope_for(user)
        .within(PartyBranch.objects.all(), community.pk)
        .select_related("secretary")
        .defer(*_people("secretary"))
        .annotate(member_count=Count("members", filter=Q(members__moved_out__isnull=True)))
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("pk")))
        .order_by("pk")
    )


def access_branch(user, branch_id: int) -> PartyBranch:
    qs = scope_for(user).filter(PartyBranch.objects.select_related("community", "secretary"))
    return get_object_or_404(qs, pk=branch_id)


def branch_secretary_choices(community: Community, branch: PartyBranch | None) -> list[Resident]:
    """Current party members who may be the branch's secretary: its members, and party members of the
    community whose branch is not recorded."""
    qs = Resident.objects.filter(community=community, moved_out__isnull=True, party_joined__isnull=False)
    mine = Q(party_branch__isnull=True)
    if branch is not None:
        mine |= Q(party_branch=branch)
    return list(
        qs.filter(mine)
        .select_related("household__flat__building", "household__flat__entrance")
        .defer(*PERSON_DEFERRED)
        .order_by("name_pinyin", "pk")
    )


def branch_options(community: Community) -> list[PartyBranch]:
    # In the order the committee set them up (第一, 第二 … 支部): sorting the names would put 第三 before 第二.
    return list(PartyBranch.objects.filter(community=community).order_by("pk"))


# ── Building groups ──────────────────────────────────────────────────────────────────────────────


def building_group_rows(user, community: Community) -> QuerySet:
    """The community's building groups the user may see, in building order, with leader, deputy and the
    size of the lift trio."""
    return (
        scope_for(user)
        .within(BuildingGroup.objects.all(), community.pk)
        .select_related("building", "entrance__building", "leader", "deputy")
        .defer(*_people("leader"), *_people("deputy"))
        .annotate(trio_count=Count("trio"))
        .order_by("building__sort_key", "building__number", "entrance__number", "pk")
    )


def access_building_group(user, building_group_id: int) -> BuildingGroup:
    qs = scope_for(user).filter(
        BuildingGroup.objects.select_related(
            "community", "building", "entrance__building", "leader", "deputy"
        ).defer(*_people("leader"), *_people("deputy"))
    )
    return get_object_or_404(qs, pk=building_group_id)


def building_group_trio(building_group: BuildingGroup) -> list[LiftTrioMember]:
    return list(
        building_group.trio.select_related("resident__household__flat__entrance")
        .defer(*_people("resident"))
        .order_by("seat")
    )


def building_group_trios(building_groups) -> dict[int, list[LiftTrioMember]]:
    """The lift trios of several building groups in one query, by building group id."""
    trios: dict[int, list[LiftTrioMember]] = {}
    rows = (
        LiftTrioMember.objects.filter(building_group__in=[bg.pk for bg in building_groups])
        .select_related("resident")
        .defer(*_people("resident"))
        .order_by("building_group", "seat")
    )
    for row in rows:
        trios.setdefault(row.building_group_id, []).append(row)
    return trios


def _living_in(building_group: BuildingGroup) -> QuerySet:
    qs = Resident.objects.filter(
        community_id=building_group.community_id,
        moved_out__isnull=True,
        household__flat__building_id=building_group.building_id,
    )
    if building_group.entrance_id:
        qs = qs.filter(household__flat__entrance_id=building_group.entrance_id)
    return qs


def building_group_party_members(user, building_group: BuildingGroup) -> list[Resident]:
    """The party members living in the building group's building (or entrance), from the registry: never
    stored on the building group, so a move or a new party member shows here at once."""
    qs = scope_for(user).filter(_living_in(building_group).filter(party_joined__isnull=False))
    return list(
        qs.select_related("household__flat__entrance", "party_branch")
        .defer(*PERSON_DEFERRED)
        .order_by(
            "household__flat__entrance__number", "household__flat__floor", "household__flat__number", "pk"
        )
    )


def building_group_resident_choices(building_group: BuildingGroup) -> list[Resident]:
    """Adult residents of the building group's building (entrance), for the trio and the leaders."""
    return list(
        _adults(_living_in(building_group))
        .select_related("household__flat__building", "household__flat__entrance")
        .defer(*PERSON_DEFERRED)
        .order_by(
            "household__flat__entrance__number", "household__flat__floor", "household__flat__number", "pk"
        )
    )


def building_group_leader_choices(building_group: BuildingGroup) -> list[Resident]:
    """Who may lead the building group: its residents, and whoever already leads or deputises a building
    group of the community (one 楼组长 often looks after several buildings)."""
    leaders = (
        Resident.objects.filter(community_id=building_group.community_id, moved_out__isnull=True)
        .filter(Q(led_building_groups__isnull=False) | Q(deputy_of_building_groups__isnull=False))
        .distinct()
        .defer(*PERSON_DEFERRED)
        .select_related("household__flat__building", "household__flat__entrance")
        .order_by("name_pinyin", "pk")
    )
    here = building_group_resident_choices(building_group)
    seen = {person.pk for person in here}
    return here + [person for person in leaders if person.pk not in seen]


@dataclass(frozen=True)
class PlaceChoice:
    """A building, or an entrance of it, that has no building group yet."""

    building_id: int
    entrance_id: int | None
    label: str


def building_group_places(community: Community) -> list[PlaceChoice]:
    """Where a new building group can be made: each building with no group (as a whole), and each
    entrance without one in buildings organised by entrance, or with no group at all (two queries)."""
    taken = list(BuildingGroup.objects.filter(community=community).values_list("building_id", "entrance_id"))
    whole = {b for b, e in taken if e is None}
    by_entrance = {b for b, e in taken if e is not None}
    entrances_taken = {e for _, e in taken if e is not None}
    places = []
    buildings = Building.objects.filter(community=community).order_by("sort_key", "number", "pk")
    entrances: dict[int, list[Entrance]] = {}
    for entrance in Entrance.objects.filter(community=community).order_by("number"):
        entrances.setdefault(entrance.building_id, []).append(entrance)
    for building in buildings:
        if building.pk in whole:
            continue
        if building.pk not in by_entrance:
            places.append(PlaceChoice(building.pk, None, str(building)))
        for entrance in entrances.get(building.pk, []):
            if entrance.pk not in entrances_taken:
                label = gettext("%(building)s%(number)s单元") % {
                    "building": building,
                    "number": entrance.number,
                }
                places.append(PlaceChoice(building.pk, entrance.pk, label))
    return places


def leader_has_sign_in(person: Resident | None) -> bool:
    """Whether a leader's scope reaches them: a current resident record linked to a sign-in."""
    if person is None:
        return False
    return person.user_id is not None and person.is_current
