"""Who may do what in the registry. Visibility itself comes from the scope (linli.core.scope);
these rules decide the actions on rows the user can already see.

Registered with django-rules so templates and the admin can ask `user.has_perm("registry.change_resident", obj)`.
"""

import rules

from linli.core.models import Role
from linli.core.scope import scope_for


def can_change_flat(user, flat) -> bool:
    """Staff change anything in their community; building leaders the flats of their buildings."""
    scope = scope_for(user)
    return scope.is_staff_of(flat.community_id) or flat.building_id in scope.buildings


@rules.predicate
def is_community_staff(user, community) -> bool:
    return community is not None and scope_for(user).is_staff_of(community.pk)


@rules.predicate
def leads_a_building_in(user, community) -> bool:
    return community is not None and scope_for(user).leads_building_in(community.pk)


@rules.predicate
def leads_a_group_in(user, community) -> bool:
    scope = scope_for(user)
    return (
        community is not None
        and Role.GROUP_LEADER in scope.roles
        and community.pk in scope.member_communities
    )


@rules.predicate
def may_change_resident(user, resident) -> bool:
    return resident is not None and can_change_flat(user, resident.household.flat)


@rules.predicate
def is_street_officer_of(user, street) -> bool:
    return street is not None and street.pk in scope_for(user).streets


# The community home, resident list and building list: roles with a registry view of (part of) it.
rules.add_perm("registry.view_community", is_community_staff | leads_a_building_in | leads_a_group_in)
rules.add_perm("registry.list_residents", is_community_staff | leads_a_building_in | leads_a_group_in)
rules.add_perm("registry.add_resident", is_community_staff | leads_a_building_in)
rules.add_perm("registry.change_resident", may_change_resident)
rules.add_perm("core.view_street", is_street_officer_of)
