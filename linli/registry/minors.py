"""Children under 14: who sees their name and their record (PIPL art. 28, 31; shared/rules/ids.md).

All personal information of a child under 14 is sensitive. Staff of the community and the child's own
household see it in full; a building leader sees the child's record (they register the family and record
the guardian's consent) but only the surname in lists and pages (张*); anyone else who can reach the
child through the scope — a group leader of a children's group, later a volunteer — sees the masked name
and never the record.

Pure functions over the viewer's `Scope` and plain values, so a page, a list of value rows, a floor plan
and an API response all decide the same way without a query. A "person" here is anything with `name`,
`birth_date`, `community_id` and `household_id` (a Resident, a ResidentRow, a PlanResident), plus
`building_id` where the record itself is concerned.
"""

from __future__ import annotations

import datetime as dt

from linli.core.identity import mask_minor_name
from linli.core.scope import Scope
from linli.registry.models import age_on

CHILD_AGE = 14  # PIPL art. 28 and 31: under 14 needs a guardian's consent and counts as sensitive


def is_child(birth_date: dt.date | None, *, on: dt.date | None = None) -> bool:
    """Under 14 on `on` (today by default). An unknown birth date is not a child's."""
    if birth_date is None:
        return False
    return age_on(birth_date, on or dt.date.today()) < CHILD_AGE


def sees_child_in_full(scope: Scope, *, community_id: int, household_id: int | None) -> bool:
    """Staff of the community and the child's own household see the name and everything else."""
    return scope.is_staff_of(community_id) or (household_id is not None and household_id in scope.households)


def sees_child_record(
    scope: Scope, *, community_id: int, household_id: int | None, building_id: int | None
) -> bool:
    """Who may open a child's record: those who see it in full, and the leaders of the child's building
    (with the name masked). Group leaders and volunteers never do."""
    return sees_child_in_full(scope, community_id=community_id, household_id=household_id) or (
        building_id is not None and building_id in scope.buildings
    )


def display_name(person, scope: Scope, *, today: dt.date | None = None) -> str:
    """The name as this viewer may see it: a child's is surname + * unless the viewer sees it in full."""
    name = person.name
    if not is_child(person.birth_date, on=today):
        return name
    if sees_child_in_full(scope, community_id=person.community_id, household_id=person.household_id):
        return name
    return mask_minor_name(name)


def may_open_record(person, scope: Scope, *, today: dt.date | None = None) -> bool:
    """Whether a link to this person's page would open for the viewer (see `sees_child_record`)."""
    if not is_child(person.birth_date, on=today):
        return True
    return sees_child_record(
        scope,
        community_id=person.community_id,
        household_id=person.household_id,
        building_id=getattr(person, "building_id", None),
    )
