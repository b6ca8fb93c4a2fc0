"""Who may do what in the registry. Visibility itself comes from the scope (linli.core.scope);
these rules decide the actions on rows the user can already see.

Registered with django-rules so templates and the admin can ask `user.has_perm("registry.change_resident", obj)`.
"""

import rules

from linli.core.models import Role
from linli.core.scope import scope_for
from linli.registry import minors


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


# The fields a reveal may show in clear; everything else that is sensitive has no reveal at all.
REVEALABLE_FIELDS = ("id_number", "phone")


def can_reveal(user, resident, field: str) -> bool:
    """Whether `user` may see `field` of `resident` in clear (the reveal, and unmasked export columns).

    Staff of the resident's community: the ID number and the phone. A building leader: only the phone,
    and only of residents of the buildings they lead (they ring the door, they do not check papers).
    Nobody else: group leaders, volunteers, residents, street officers and superusers see masks only.
    """
    if resident is None or field not in REVEALABLE_FIELDS:
        return False
    scope = scope_for(user)
    if scope.is_staff_of(resident.community_id):
        return True
    return field == "phone" and resident.household.flat.building_id in scope.buildings


@rules.predicate
def may_reveal_resident(user, target) -> bool:
    """`target` is (resident, field): the permission is about one field of one person."""
    try:
        resident, field = target
    except (TypeError, ValueError):
        return False
    return can_reveal(user, resident, field)


@rules.predicate
def may_view_history(user, resident) -> bool:
    """The change history of a person: who changed what, with old and new values (masked where
    sensitive). For the people who keep the record: staff and the leaders of the person's building; a
    child's history (old names, old values) only for those who see the child in full (PIPL art. 31)."""
    if resident is None or not can_change_flat(user, resident.household.flat):
        return False
    if minors.is_child(resident.birth_date):
        return minors.sees_child_in_full(
            scope_for(user), community_id=resident.community_id, household_id=resident.household_id
        )
    return True


@rules.predicate
def may_view_household_history(user, household) -> bool:
    """As for a person; a household with a child in it shows the child's changes, so the same limit."""
    if household is None or not can_change_flat(user, household.flat):
        return False
    if any(minors.is_child(born) for born in household.residents.values_list("birth_date", flat=True)):
        return minors.sees_child_in_full(
            scope_for(user), community_id=household.community_id, household_id=household.pk
        )
    return True


@rules.predicate
def is_staff_of_resident(user, resident) -> bool:
    """PIPL rights that hand out or erase a person's data (export, anonymisation): staff only."""
    return resident is not None and scope_for(user).is_staff_of(resident.community_id)


@rules.predicate
def is_street_officer_of(user, street) -> bool:
    return street is not None and street.pk in scope_for(user).streets


# The community home, resident list and building list: roles with a registry view of (part of) it.
rules.add_perm("registry.view_community", is_community_staff | leads_a_building_in | leads_a_group_in)
rules.add_perm("registry.list_residents", is_community_staff | leads_a_building_in | leads_a_group_in)
rules.add_perm("registry.add_resident", is_community_staff | leads_a_building_in)
rules.add_perm("registry.change_resident", may_change_resident)
rules.add_perm("core.view_street", is_street_officer_of)
# obj is (resident, field); see can_reveal.
rules.add_perm("registry.reveal_resident", may_reveal_resident)
rules.add_perm("registry.view_resident_history", may_view_history)
rules.add_perm("registry.view_household_history", may_view_household_history)
# The community's audit log and access log: staff only.
rules.add_perm("registry.view_audit_log", is_community_staff)
# PIPL (registry/pipl.py): consents are recorded by whoever keeps the person's record; a copy of the
# person's data (ID and phone in clear) and anonymisation are for staff of the community.
rules.add_perm("registry.record_consent", may_change_resident)
rules.add_perm("registry.export_person", is_staff_of_resident)
rules.add_perm("registry.anonymise_resident", is_staff_of_resident)
# Ledgers (registry/ledger/): the community's staff import; staff and building leaders export the
# residents they see (a leader's export holds only their buildings: it reads through the scope).
rules.add_perm("registry.import_ledger", is_community_staff)
rules.add_perm("registry.export_residents", is_community_staff | leads_a_building_in)
