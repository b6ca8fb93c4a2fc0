"""Who may do what in the portal: only a community's staff make households' invitation codes (a code signs
a household in, so it is handed out by the office that knows the household)."""

import rules

from linli.core.scope import scope_for


@rules.predicate
def is_staff_of_row(user, row) -> bool:
    return row is not None and scope_for(user).is_staff_of(row.community_id)


rules.add_perm("portal.reset_invitation", is_staff_of_row)
rules.add_perm("portal.reset_building_invitations", is_staff_of_row)
