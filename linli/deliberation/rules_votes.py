"""Who may do what with consultations and votes.

- staff of the community: create, open, close, enter paper and proxy ballots, see participation and —
  at any time — the tally;
- a voter (their own resident record, or an owner record linked to it): sees the consultation and casts
  their own ballot online; sees the result once it is closed;
- doorstep ballots (上门代填): staff, and the building leaders for voters living in their buildings, and
  group leaders for voters who are current members of their group. A plain volunteer's sign-in grants
  no personal data (linli.core.scope), so it records no ballot: the volunteer who goes to an elder's door
  does so for, and through, the building group (the building leader's sign-in, or staff entering the
  photographed form);
- everyone else: nothing. Results stay sealed from every non-staff role until the close.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from linli.core.scope import scope_for
from linli.registry.models import Owner, Resident


def _is_staff(user, community_id: int) -> bool:
    return scope_for(user).is_staff_of(community_id)


def user_voter_q(user) -> Q:
    """Voter rows that are the user: their current resident record, or an owner record linked to it.

    Written as two small subqueries on the user's own rows rather than an OR across joins: the database
    then finds the voters through the resident and owner indexes instead of reading every voter row
    (every request of a resident's vote page asks this)."""
    mine = Resident.objects.filter(user=user, moved_out__isnull=True).values("pk")
    return Q(resident_id__in=mine) | Q(owner_id__in=Owner.objects.filter(resident_id__in=mine).values("pk"))


def is_voter(user, consultation) -> bool:
    if user is None or not user.is_authenticated or consultation is None:
        return False
    return consultation.voters.filter(user_voter_q(user)).exists()


def leads_here(user, consultation) -> bool:
    scope = scope_for(user)
    return scope.leads_building_in(consultation.community_id) or scope.leads_group_in(
        consultation.community_id
    )


def may_record_doorstep_for(user, voter) -> bool:
    """Staff of the community; a building leader of the voter's building; a group leader of a group the
    voter (a resident) currently belongs to."""
    scope = scope_for(user)
    if scope.is_staff_of(voter.community_id):
        return True
    if voter.building_id and voter.building_id in scope.buildings:
        return True
    if voter.resident_id and scope.groups:
        from linli.organizing.models import GroupMember

        return GroupMember.objects.filter(
            group_id__in=scope.groups, resident_id=voter.resident_id, left_on__isnull=True
        ).exists()
    return False


@rules.predicate
def is_community_staff(user, community) -> bool:
    return community is not None and _is_staff(user, community.pk)


@rules.predicate
def is_consultation_staff(user, consultation) -> bool:
    return consultation is not None and _is_staff(user, consultation.community_id)


@rules.predicate
def is_consultation_voter(user, consultation) -> bool:
    return is_voter(user, consultation)


@rules.predicate
def leads_in_consultation_community(user, consultation) -> bool:
    return consultation is not None and leads_here(user, consultation)


@rules.predicate
def is_closed(user, consultation) -> bool:
    return consultation is not None and consultation.is_closed


@rules.predicate
def is_open(user, consultation) -> bool:
    return consultation is not None and consultation.is_open


rules.add_perm("deliberation.manage_consultations", is_community_staff)
rules.add_perm("deliberation.change_consultation", is_consultation_staff)
rules.add_perm(
    "deliberation.view_consultation",
    is_consultation_staff | is_consultation_voter | leads_in_consultation_community,
)
rules.add_perm("deliberation.enter_ballot", is_consultation_staff)
rules.add_perm(
    "deliberation.record_doorstep", is_open & (is_consultation_staff | leads_in_consultation_community)
)
rules.add_perm("deliberation.cast_own_ballot", is_open & is_consultation_voter)
rules.add_perm("deliberation.view_participation", is_consultation_staff)
# Sealed until the close: staff see the count as it stands, everyone else only the final result.
rules.add_perm(
    "deliberation.view_tally",
    is_consultation_staff | (is_closed & (is_consultation_voter | leads_in_consultation_community)),
)
