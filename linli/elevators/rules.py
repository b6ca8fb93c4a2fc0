"""Who may see and carry lift projects.

- The community's staff: every project of the community — create, record stages, visits, the vote, the
  cost plan, the roster, the photo wall.
- A building leader (楼组长 or deputy): the projects of the entrances in the buildings they lead, with the
  same actions there (the building trio works through the leader's sign-in), and may start a project for
  an entrance of their building. Vote results stay sealed from them until the vote closes (deliberation).
- Everyone else: nothing here; residents of an entrance see its photo wall on the portal.

Which rows are visible comes from the scope (linli.core.scope); these rules decide pages and actions.
"""

import rules

from linli.core.scope import scope_for


@rules.predicate
def is_staff_of(user, community) -> bool:
    return community is not None and scope_for(user).is_staff_of(community.pk)


@rules.predicate
def leads_a_building_in(user, community) -> bool:
    return community is not None and scope_for(user).leads_building_in(community.pk)


@rules.predicate
def is_staff_of_project(user, project) -> bool:
    return project is not None and scope_for(user).is_staff_of(project.community_id)


@rules.predicate
def leads_building_of(user, project) -> bool:
    return project is not None and project.building_id in scope_for(user).buildings


rules.add_perm("elevators.view_lifts", is_staff_of | leads_a_building_in)
rules.add_perm("elevators.add_liftproject", is_staff_of | leads_a_building_in)
rules.add_perm("elevators.change_stages", is_staff_of)  # the community's stage list
rules.add_perm("elevators.change_liftproject", is_staff_of_project | leads_building_of)
