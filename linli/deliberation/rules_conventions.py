"""Who may see and do what with conventions (公约) and public notices (公示).

- The community's staff draft, adopt, record signatures, publish notices and answer objections.
- A building leader does the same for conventions and notices that cover only buildings they lead
  (a community-wide text is the committee's); they see every text that covers one of their buildings.
- A resident sees the texts that cover their household (its building, or the whole community), makes
  suggestions on drafts, signs for their household, files objections and is counted as a reader.

Which rows are listed comes from the scope (linli.core.scope); these rules decide the pages and actions.
"""

import rules

from linli.core.scope import scope_for


def _building_ids(row) -> set[int]:
    cached = getattr(row, "_building_ids", None)
    if cached is None:
        cached = {b.pk for b in row.buildings.all()}
        row._building_ids = cached
    return cached


def covers_household(row, household) -> bool:
    """The convention or notice applies to this household: same community, and either the whole
    community or the household's building."""
    if household is None or row.community_id != household.community_id:
        return False
    buildings = _building_ids(row)
    return not buildings or household.flat.building_id in buildings


@rules.predicate
def is_staff_of(user, community) -> bool:
    return community is not None and scope_for(user).is_staff_of(community.pk)


@rules.predicate
def leads_a_building_in(user, community) -> bool:
    return community is not None and scope_for(user).leads_building_in(community.pk)


@rules.predicate
def is_staff_of_row(user, row) -> bool:
    return row is not None and scope_for(user).is_staff_of(row.community_id)


@rules.predicate
def leads_all_its_buildings(user, row) -> bool:
    """A building-level text whose every building the user leads."""
    if row is None:
        return False
    buildings = _building_ids(row)
    return bool(buildings) and buildings <= scope_for(user).buildings


@rules.predicate
def leads_one_of_its_buildings(user, row) -> bool:
    if row is None:
        return False
    buildings = _building_ids(row)
    scope = scope_for(user)
    if not buildings:  # community-wide: its building leaders read it too
        return scope.leads_building_in(row.community_id)
    return bool(buildings & scope.buildings)


@rules.predicate
def is_resident_it_covers(user, row) -> bool:
    if row is None:
        return False
    from linli.registry.models import Household

    ids = scope_for(user).households
    if not ids:
        return False
    households = Household.objects.filter(pk__in=ids, is_active=True).select_related("flat")
    return any(covers_household(row, h) for h in households)


# Lists and new texts in a community.
rules.add_perm("deliberation.view_conventions", is_staff_of | leads_a_building_in)
rules.add_perm("deliberation.add_convention", is_staff_of | leads_a_building_in)
# One convention.
rules.add_perm(
    "deliberation.view_convention", is_staff_of_row | leads_one_of_its_buildings | is_resident_it_covers
)
rules.add_perm("deliberation.change_convention", is_staff_of_row | leads_all_its_buildings)
rules.add_perm("deliberation.adopt_convention", is_staff_of_row)
rules.add_perm("deliberation.record_signature", is_staff_of_row | leads_all_its_buildings)
rules.add_perm(
    "deliberation.suggest_convention", is_resident_it_covers | is_staff_of_row | leads_one_of_its_buildings
)

# Notices.
rules.add_perm("deliberation.view_notices", is_staff_of | leads_a_building_in)
rules.add_perm("deliberation.add_notice", is_staff_of | leads_a_building_in)
rules.add_perm(
    "deliberation.view_notice", is_staff_of_row | leads_one_of_its_buildings | is_resident_it_covers
)
rules.add_perm("deliberation.change_notice", is_staff_of_row | leads_all_its_buildings)
rules.add_perm("deliberation.file_objection", is_resident_it_covers)
