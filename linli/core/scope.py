"""The scoping layer: the one place that decides which rows a user may see.

`scope_for(user)` reads, in one query, what the user has been granted — active memberships (staff,
volunteer, resident, street officer) and the building groups and groups they lead or deputise through
their resident record (`Resident.user`) — and returns a `Scope`: the sets of communities, buildings,
groups and households granted. Building leaders and group leaders hold no Membership: the organizing
app's `BuildingGroup.leader/deputy` and `Group.leader/deputy` are the single source of truth, so a change
of leader changes who sees what on the next request, and a resident who has moved out leads nothing.

`Scope.filter(queryset)` narrows any queryset of a scoped model using the model's `scope_paths`, so
views, the API and exports all filter the same way. A model without `scope_paths` cannot be filtered
and raises, so a new model cannot be served unscoped by accident.

Street officers are given aggregate access only: they appear in `aggregate_communities`, never in
`full_communities`, so `filter` returns none of their communities' personal rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import BigIntegerField, CharField, F, Q, QuerySet, Value

from linli.core.models import Community, Membership, Role


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    roles: frozenset[str] = frozenset()
    full_communities: frozenset[int] = frozenset()  # staff: everything in the community
    buildings: frozenset[int] = frozenset()  # building leaders
    groups: frozenset[int] = frozenset()  # group leaders: current members of the group
    households: frozenset[int] = frozenset()  # residents: their own household
    member_communities: frozenset[int] = frozenset()  # any role in the community (navigation, own tasks)
    aggregate_communities: frozenset[int] = frozenset()  # street officers: figures only
    streets: frozenset[int] = frozenset()
    building_communities: dict[int, int] = field(default_factory=dict)  # building id → community id
    group_communities: dict[int, int] = field(default_factory=dict)  # group id → community id
    # The communities of the user's memberships, read with them: menus and community pages need no query.
    communities: dict[int, Community] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.full_communities or self.buildings or self.groups or self.households)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def is_staff_of(self, community_id: int) -> bool:
        return community_id in self.full_communities

    def leads_building_in(self, community_id: int) -> bool:
        return community_id in self.building_communities.values()

    def leads_group_in(self, community_id: int) -> bool:
        return community_id in self.group_communities.values()

    def q(self, model) -> Q:
        """The condition a row of `model` must meet to be visible; Q(pk__in=[]) when nothing is."""
        paths = getattr(model, "scope_paths", None)
        if paths is None:
            raise ImproperlyConfigured(
                f"{model.__name__} has no scope_paths; it cannot be served through the scope."
            )
        condition = Q(pk__in=[])
        if self.full_communities and paths.get("community"):
            condition |= Q(**{f"{paths['community']}__in": self.full_communities})
        if self.buildings and paths.get("building"):
            condition |= Q(**{f"{paths['building']}__in": self.buildings})
        if self.groups and paths.get("group"):  # the group's own rows (the group, its records)
            condition |= Q(**{f"{paths['group']}__in": self.groups})
        if self.households and paths.get("household"):
            condition |= Q(**{f"{paths['household']}__in": self.households})
        if self.groups and paths.get("group_member"):
            member = apps.get_model("organizing", "GroupMember")
            current = member.objects.filter(group_id__in=self.groups, left_on__isnull=True)
            condition |= Q(**{f"{paths['group_member']}__in": current.values("resident_id")})
        return condition

    def filter(self, queryset: QuerySet) -> QuerySet:
        if self.is_empty:
            return queryset.none()
        return queryset.filter(self.q(queryset.model))

    def within(self, queryset: QuerySet, community_id: int) -> QuerySet:
        """The visible rows of one community. For its staff that is simply every row of the community,
        written as one condition: repeating `community_id IN (…)` next to `community_id = …` makes
        PostgreSQL's planner multiply the two selectivities and choose plans for a handful of rows."""
        paths = getattr(queryset.model, "scope_paths", None)
        if paths is None:
            raise ImproperlyConfigured(f"{queryset.model.__name__} has no scope_paths; it cannot be scoped.")
        in_community = queryset.filter(**{paths["community"]: community_id})
        if community_id in self.full_communities:
            return in_community
        return self.filter(in_community)

    def visible_community_ids(self) -> set[int]:
        """Communities the user has any personal-data role in (not street officers' aggregates)."""
        return (
            set(self.full_communities)
            | set(self.building_communities.values())
            | set(self.member_communities)
        )

    def visible_communities(self) -> QuerySet:
        return Community.objects.filter(pk__in=self.visible_community_ids())

    def community(self, community_id: int) -> Community | None:
        """A visible community, without a query (it was read with the memberships)."""
        if community_id not in self.visible_community_ids():
            return None
        return self.communities.get(community_id)


ANONYMOUS = Scope(user_id=None)


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (so once per request), in at most two queries:
    the grants (`_grant_rows`), then the communities they name and a street officer's communities."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_linli_scope", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    full, buildings, groups, households, members, streets = set(), set(), set(), set(), set(), set()
    building_communities: dict[int, int] = {}
    group_communities: dict[int, int] = {}
    for role, community_id, street_id, household_id, place_id in _grant_rows(user):
        roles.add(role)
        if community_id:
            members.add(community_id)
        if role == Role.STREET_OFFICER:
            streets.add(street_id)
        elif role == Role.STAFF:
            full.add(community_id)
        elif role == Role.BUILDING_LEADER:
            buildings.add(place_id)
            building_communities[place_id] = community_id
        elif role == Role.GROUP_LEADER:
            groups.add(place_id)
            group_communities[place_id] = community_id
        elif role == Role.RESIDENT:
            households.add(household_id)
    communities: dict[int, Community] = {}
    aggregate: set[int] = set()
    if members or streets:
        for community in Community.objects.filter(Q(pk__in=members) | Q(street_id__in=streets)):
            if community.pk in members:
                communities[community.pk] = community
            if community.street_id in streets:
                aggregate.add(community.pk)
    scope = Scope(
        user_id=user.pk,
        roles=frozenset(roles),
        full_communities=frozenset(full),
        buildings=frozenset(buildings),
        groups=frozenset(groups),
        households=frozenset(households),
        member_communities=frozenset(members),
        aggregate_communities=frozenset(aggregate),
        streets=frozenset(streets),
        building_communities=building_communities,
        group_communities=group_communities,
        communities=communities,
    )
    user._linli_scope = scope
    return scope


GRANT_COLUMNS = ("grant_role", "grant_community", "grant_street", "grant_household", "grant_place")
# The grant query is the same for every user but for the user's id, and it is made on every request: its
# SQL is compiled once per database (building the five-part UNION through the ORM costs several times
# what running it does) with this id, which no user has, standing where the user's id goes.
_ANY_USER = -7_316_228_104
_GRANTS_SQL: dict[str, tuple[str, tuple]] = {}


def _grant_rows(user) -> list[tuple[str, int | None, int | None, int | None, int | None]]:
    """(role, community id, street id, household id, building or group id) for everything the user holds,
    in one query (`_grants_query`)."""
    alias = router.db_for_read(Membership)
    compiled = _GRANTS_SQL.get(alias)
    if compiled is None:
        compiled = _GRANTS_SQL[alias] = _grants_query(_ANY_USER).query.sql_with_params()
    sql, params = compiled
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _ANY_USER else p for p in params])
        return cursor.fetchall()


def _grants_query(user_id: int) -> QuerySet:
    """Everything a user holds, as one UNION: active memberships, then the building groups and the
    active groups whose leader or deputy is the user's current resident record in the same community.

    Each post is its own branch, so every branch is a plain join the database answers from indexes
    (the user's resident record by `user_id`, then the rows naming it by `leader_id` or `deputy_id`),
    not an OR across two joins that would read every building group of the district.

    A building leader's place is the building, whether the building group covers it whole or one of its
    entrances (the leader rings every door of the staircase, and the floor plan is per building)."""
    building_group = apps.get_model("organizing", "BuildingGroup")
    group = apps.get_model("organizing", "Group")
    nothing = Value(None, output_field=BigIntegerField())

    def held_as(post: str) -> Q:  # the post is the user's own current record, in the row's community
        return Q(
            **{
                f"{post}__user_id": user_id,
                f"{post}__moved_out__isnull": True,
                f"{post}__community_id": F("community_id"),
            }
        )

    def grants(qs: QuerySet, role: Role, place: str) -> QuerySet:
        return qs.annotate(
            grant_role=Value(role.value, output_field=CharField()),
            grant_community=F("community_id"),
            grant_street=nothing,
            grant_household=nothing,
            grant_place=F(place),
        )

    memberships = Membership.objects.filter(user_id=user_id, is_active=True).annotate(
        grant_role=F("role"),
        grant_community=F("community_id"),
        grant_street=F("street_id"),
        grant_household=F("household_id"),
        grant_place=nothing,
    )
    parts = [memberships]
    for post in ("leader", "deputy"):
        # A building of another community grants nothing.
        buildings = building_group.objects.filter(held_as(post), building__community_id=F("community_id"))
        parts.append(grants(buildings, Role.BUILDING_LEADER, "building_id"))
        parts.append(grants(group.objects.filter(held_as(post), is_active=True), Role.GROUP_LEADER, "pk"))
    first, *rest = [qs.order_by().values_list(*GRANT_COLUMNS) for qs in parts]
    return first.union(*rest, all=True)


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships change within the same request."""
    if hasattr(user, "_linli_scope"):
        del user._linli_scope
