"""Who may see and do what with groups, building groups (楼组) and the party branches' configuration.

- The community's staff (居委 / 书记) see and configure everything: branches, groups, members, leaders,
  building groups.
- A group leader (组长 or 副组长) sees their own group: its page and its current members. Membership
  and leadership are the committee's to change (a change of leader changes who sees what).
- A building leader (楼组长 or 副楼组长) sees the building groups of the buildings they lead, and may
  name their own building group and choose its lift trio; its leader and deputy are the committee's.
- Nobody else sees any of it; a street officer's figures come from the registry's aggregate pages.

Which rows are visible comes from the scope (linli.core.scope); these rules decide the pages and actions.
"""

import rules

from linli.core.scope import scope_for


@rules.predicate
def is_staff_of(user, community) -> bool:
    return community is not None and scope_for(user).is_staff_of(community.pk)


@rules.predicate
def leads_a_group_in(user, community) -> bool:
    return community is not None and scope_for(user).leads_group_in(community.pk)


@rules.predicate
def leads_a_building_in(user, community) -> bool:
    return community is not None and scope_for(user).leads_building_in(community.pk)


@rules.predicate
def is_staff_of_row(user, row) -> bool:
    """A group, building group, branch or membership row: its community's staff."""
    return row is not None and scope_for(user).is_staff_of(row.community_id)


@rules.predicate
def leads_this_building_group(user, building_group) -> bool:
    """The user is this building group's leader or deputy, through a current resident record."""
    if building_group is None:
        return False
    return any(
        person is not None and person.user_id == user.pk and person.moved_out is None
        for person in (building_group.leader, building_group.deputy)
    )


# Lists of a community's groups / building groups (each role sees the rows its scope holds).
rules.add_perm("organizing.view_groups", is_staff_of | leads_a_group_in)
rules.add_perm("organizing.view_building_groups", is_staff_of | leads_a_building_in)
# Configuration of the community's organisation: new groups, new building groups, party branches.
rules.add_perm("organizing.add_group", is_staff_of)
rules.add_perm("organizing.add_building_group", is_staff_of)
rules.add_perm("organizing.view_branches", is_staff_of)
rules.add_perm("organizing.add_branch", is_staff_of)
rules.add_perm("organizing.change_branch", is_staff_of_row)
# One group: its settings, leader and deputy, and its members.
rules.add_perm("organizing.change_group", is_staff_of_row)
rules.add_perm("organizing.change_group_members", is_staff_of_row)
# One building group: leader and deputy (staff); its name and lift trio (staff and its own leaders).
rules.add_perm("organizing.change_building_group", is_staff_of_row)
rules.add_perm("organizing.change_building_group_trio", is_staff_of_row | leads_this_building_group)
