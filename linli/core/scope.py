"""The scoping layer: the one place that decides which rows a user may see.

`scope_for(user)` reads the user's active memberships once and returns a `Scope`: the sets of
communities, buildings, groups and households granted. `Scope.filter(queryset)` narrows any queryset of
a scoped model using the model's `scope_paths`, so views, the API and exports all filter the same way.
A model without `scope_paths` cannot be filtered and raises, so a new model cannot be served unscoped by
accident.

Street officers are given aggregate access only: they appear in `aggregate_communities`, never in
`full_communities`, so `filter` returns none of their communities' personal rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

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
    """The user's scope, computed once per user object (so once per request)."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_linli_scope", None)
    if cached is not None:
        return cached
    roles: set[str] = set()
    full, buildings, groups, households, members, streets = set(), set(), set(), set(), set(), set()
    building_communities: dict[int, int] = {}
    communities: dict[int, Community] = {}
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("community")
        .prefetch_related("buildings")
    )
    for m in memberships:
        roles.add(m.role)
        if m.community_id:
            members.add(m.community_id)
            communities[m.community_id] = m.community
        if m.role == Role.STREET_OFFICER:
            streets.add(m.street_id)
        elif m.role == Role.STAFF:
            full.add(m.community_id)
        elif m.role == Role.BUILDING_LEADER:
            for b in m.buildings.all():
                if b.community_id == m.community_id:  # a building of another community grants nothing
                    buildings.add(b.pk)
                    building_communities[b.pk] = b.community_id
        elif m.role == Role.GROUP_LEADER:
            groups.add(m.group_id)
        elif m.role == Role.RESIDENT:
            households.add(m.household_id)
    aggregate = (
        set(Community.objects.filter(street_id__in=streets).values_list("pk", flat=True))
        if streets
        else set()
    )
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
        communities=communities,
    )
    user._linli_scope = scope
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships change within the same request."""
    if hasattr(user, "_linli_scope"):
        del user._linli_scope
