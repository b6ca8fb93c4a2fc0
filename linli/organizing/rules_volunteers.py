"""Who may do what with volunteers, service hours, duties and talents.

Visibility comes from the scope (linli.core.scope) plus the volunteer's own sign-in (see
organizing.selectors_volunteers); these rules decide the actions on rows the user can already see:

- staff of the community: everything;
- the leader (or deputy) of a group: registers members of the group as volunteers, records and confirms
  their hours, plans their duties, and sees their hours — "members" meaning current GroupMember rows of a
  group in `scope.groups`;
- building leaders: see the volunteers and talents living in their buildings, and keep talents up to date
  (like the rest of those residents' records), but not their hours;
- a volunteer: their own records and duties, read-only; nobody confirms their own hours;
- residents and street officers: none of it.

Predicates take plain rows and ask the database at most once (is this resident a current member of a
group the user leads?); lists never call them per row.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from linli.core.scope import scope_for
from linli.organizing.models import GroupMember, Volunteer, VolunteerSettings
from linli.registry.rules import can_change_flat


def led_group_ids(user, community_id: int) -> set[int]:
    """The groups of one community the user leads or deputises (no query: read with the scope)."""
    scope = scope_for(user)
    return {g for g in scope.groups if scope.group_communities.get(g) == community_id}


def member_group_ids(user, resident_id: int | None, community_id: int) -> set[int]:
    """Groups the user leads in which `resident_id` is a current member: the groups through which the
    user may act for that volunteer. One query, none when the user leads no group there."""
    if resident_id is None:
        return set()
    led = led_group_ids(user, community_id)
    if not led:
        return set()
    return set(
        GroupMember.objects.filter(
            group_id__in=led, resident_id=resident_id, left_on__isnull=True
        ).values_list("group_id", flat=True)
    )


def is_own_volunteer(user, volunteer) -> bool:
    """Whether `volunteer` is the user's own record (their sign-in, or their resident record's)."""
    if user is None or not user.is_authenticated or volunteer is None:
        return False
    if volunteer.user_id == user.pk:
        return True
    resident = volunteer.resident if volunteer.resident_id else None
    return resident is not None and resident.user_id == user.pk and resident.moved_out is None


def leads_volunteer(user, volunteer) -> bool:
    """Staff of the volunteer's community, or the leader of a group the volunteer is a member of."""
    if volunteer is None:
        return False
    if scope_for(user).is_staff_of(volunteer.community_id):
        return True
    return bool(member_group_ids(user, volunteer.resident_id, volunteer.community_id))


@rules.predicate
def is_community_staff(user, community) -> bool:
    return community is not None and scope_for(user).is_staff_of(community.pk)


@rules.predicate
def leads_a_group_here(user, community) -> bool:
    return community is not None and bool(led_group_ids(user, community.pk))


@rules.predicate
def leads_a_building_here(user, community) -> bool:
    return community is not None and scope_for(user).leads_building_in(community.pk)


@rules.predicate
def may_lead_volunteer(user, volunteer) -> bool:
    return leads_volunteer(user, volunteer)


@rules.predicate
def may_see_hours(user, volunteer) -> bool:
    return volunteer is not None and (is_own_volunteer(user, volunteer) or leads_volunteer(user, volunteer))


@rules.predicate
def may_record_hours(user, volunteer) -> bool:
    # Also after the volunteer left: hours served before leaving are often written up later (the
    # service refuses dates after `left_on`).
    return volunteer is not None and leads_volunteer(user, volunteer)


@rules.predicate
def may_confirm_record(user, record) -> bool:
    """A leader of the volunteer confirms, never the volunteer themselves (four eyes on one's own hours)."""
    if record is None or record.confirmed_at is not None:
        return False
    volunteer = record.volunteer
    return leads_volunteer(user, volunteer) and not is_own_volunteer(user, volunteer)


@rules.predicate
def may_delete_record(user, record) -> bool:
    """A mistaken record goes while unconfirmed (its leaders); once confirmed, only staff remove it."""
    if record is None:
        return False
    if scope_for(user).is_staff_of(record.community_id):
        return True
    return record.confirmed_at is None and leads_volunteer(user, record.volunteer)


@rules.predicate
def may_plan_duty(user, volunteer) -> bool:
    # Whether the volunteer can take a duty (still serving, still living here) is the service's to say,
    # with a message; this is only about the role.
    return volunteer is not None and leads_volunteer(user, volunteer)


@rules.predicate
def may_cancel_duty(user, duty) -> bool:
    return duty is not None and leads_volunteer(user, duty.volunteer)


@rules.predicate
def may_change_talent(user, resident) -> bool:
    """Whoever keeps the resident's record (staff, the building's leaders) keeps their talents too."""
    return resident is not None and resident.is_current and can_change_flat(user, resident.household.flat)


@rules.predicate
def may_see_leaderboard(user, community) -> bool:
    """Staff always; when the committee shows it, the people of the community's volunteering — group
    leaders, building leaders and its volunteers (the page says who sees it). Not residents at large, not
    street officers (they see figures, not names)."""
    if community is None:
        return False
    scope = scope_for(user)
    if scope.is_staff_of(community.pk):
        return True
    if not VolunteerSettings.objects.filter(community_id=community.pk, show_leaderboard=True).exists():
        return False
    if scope.leads_group_in(community.pk) or scope.leads_building_in(community.pk):
        return True
    own = Q(user_id=user.pk) | Q(resident__user_id=user.pk, resident__moved_out__isnull=True)
    return Volunteer.objects.filter(own, community_id=community.pk, left_on__isnull=True).exists()


# Community pages (obj: Community)
rules.add_perm("organizing.list_volunteers", is_community_staff | leads_a_group_here | leads_a_building_here)
rules.add_perm("organizing.add_volunteer", is_community_staff | leads_a_group_here)
rules.add_perm("organizing.add_nonresident_volunteer", is_community_staff)
rules.add_perm("organizing.view_hour_totals", is_community_staff | leads_a_group_here)
rules.add_perm("organizing.list_duties", is_community_staff | leads_a_group_here)
rules.add_perm("organizing.list_talents", is_community_staff | leads_a_group_here | leads_a_building_here)
rules.add_perm("organizing.change_volunteer_settings", is_community_staff)
rules.add_perm("organizing.view_leaderboard", may_see_leaderboard)
# One volunteer (obj: Volunteer)
rules.add_perm("organizing.change_volunteer", may_lead_volunteer)
rules.add_perm("organizing.view_volunteer_hours", may_see_hours)
rules.add_perm("organizing.record_hours", may_record_hours)
rules.add_perm("organizing.plan_duty", may_plan_duty)
# One record or duty
rules.add_perm("organizing.confirm_service_record", may_confirm_record)
rules.add_perm("organizing.delete_service_record", may_delete_record)
rules.add_perm("organizing.cancel_duty", may_cancel_duty)
# One resident's talents (obj: Resident)
rules.add_perm("organizing.change_talent", may_change_talent)
