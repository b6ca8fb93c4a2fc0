"""Who may see and run meetings (议事会).

- The community's staff see and run every meeting of the community, building-level and community-level.
- A building leader (楼组长 or 副楼组长) sees the building-level meetings touching a building they lead,
  and may create and run them when every building of the meeting is theirs.
- Residents do not use these pages: they sign in to a meeting on the portal (views_meetings.
  meeting_check_in), allowed by services_meetings.check_in_refusal.

Which rows are visible comes from the scope (linli.core.scope); these rules decide pages and actions.
"""

import rules

from linli.core.scope import scope_for
from linli.deliberation.models import MeetingLevel


@rules.predicate
def is_staff_of(user, community) -> bool:
    return community is not None and scope_for(user).is_staff_of(community.pk)


@rules.predicate
def leads_a_building_in(user, community) -> bool:
    return community is not None and scope_for(user).leads_building_in(community.pk)


@rules.predicate
def is_staff_of_meeting(user, meeting) -> bool:
    return meeting is not None and scope_for(user).is_staff_of(meeting.community_id)


@rules.predicate
def leads_every_building_of(user, meeting) -> bool:
    """A building-level meeting whose buildings are all led by the user."""
    if meeting is None or meeting.level != MeetingLevel.BUILDING:
        return False
    ids = {b.pk for b in meeting.buildings.all()}
    return bool(ids) and ids <= set(scope_for(user).buildings)


rules.add_perm("deliberation.view_meetings", is_staff_of | leads_a_building_in)
rules.add_perm("deliberation.add_meeting", is_staff_of | leads_a_building_in)
rules.add_perm("deliberation.add_community_meeting", is_staff_of)
rules.add_perm("deliberation.change_meeting", is_staff_of_meeting | leads_every_building_of)
