"""Who may see and do what in the party-building overlay.

Party membership is treated as sensitive personal data (shared/rules/party-and-meetings.md, privacy.md),
so it is shown to as few roles as the work needs:

- the community's staff (居委 / 书记): every party member, branch, in-service member and identity post,
  and they alone record in-service members and identity posts;
- a building leader (楼组长): the party members who live in the buildings they lead, with party age,
  branch, identity post and medal candidacy — the building group is built around them (issue 4, 楼组's
  "party members who live there"), and the registry already shows a leader these residents' party
  dates. Not the branch pages (a branch spans the whole community: its figures would tell a leader
  about members elsewhere) and not in-service members (the party organisation's own register);
- group leaders, volunteers, residents and street officers: nothing here. A street officer's figures
  come from the registry's aggregate pages.

Visibility of rows still comes from the scope (linli.core.scope); these rules decide which pages and
actions a role has at all.
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
def is_staff_of_branch(user, branch) -> bool:
    return branch is not None and scope_for(user).is_staff_of(branch.community_id)


@rules.predicate
def is_staff_of_resident(user, resident) -> bool:
    return resident is not None and scope_for(user).is_staff_of(resident.community_id)


# The party members of a community, their party age and the medal candidates (a leader: their buildings).
rules.add_perm("organizing.view_party_members", is_staff_of | leads_a_building_in)
# A branch page and its figures.
rules.add_perm("organizing.view_branch", is_staff_of_branch)
# In-service members (双报到): the register, its phones (masked; reveal with a reason), and changes to it.
rules.add_perm("organizing.view_in_service", is_staff_of)
rules.add_perm("organizing.change_in_service", is_staff_of)
# Identity posts (亮身份) of resident party members.
rules.add_perm("organizing.change_identity_post", is_staff_of_resident)
