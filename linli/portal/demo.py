"""Demo data for the residents' portal: the `jumin` login's own resident record, with a synthetic mobile
number so the SMS sign-in works with the console sender (the code is printed in the server's log), and
a known invitation code for that household, so both ways into /portal/ can be tried.

Called once, for the demo community, after the demo accounts exist (linli/registry/demo.py). Nothing here
is a real person's: the number is one no demo resident has, chosen from a fixed list.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from linli.core.crypto import keyed_hash
from linli.core.models import Community, Membership, Role
from linli.deliberation.models.votes import Answer, Ballot, ConsultationStatus
from linli.organizing.models import BuildingGroup, Group
from linli.portal.models import HouseholdInvitation
from linli.portal.services import _invite_hash
from linli.registry.models import Relation, Resident

# Valid mainland numbers (the sign-in form checks them) that the demo's generator is unlikely to make;
# the first one no resident of the database has is used.
DEMO_PHONES = ("13900000001", "13900000002", "13900000003", "13900000004")
DEMO_PHONE = DEMO_PHONES[0]
DEMO_INVITE = "JUMN-6868"


def _leads_something(resident_id: int) -> bool:
    posts = Q(leader_id=resident_id) | Q(deputy_id=resident_id)
    return BuildingGroup.objects.filter(posts).exists() or Group.objects.filter(posts).exists()


def build(community: Community, *, today: dt.date, seed: int) -> str | None:
    """Link `jumin` to a resident record of their household and give it a demo mobile; make the household's
    invitation code. Returns the number given, or None when there is no `jumin` in this community."""
    membership = (
        Membership.objects.filter(user__username="jumin", role=Role.RESIDENT, community=community)
        .select_related("user", "household")
        .first()
    )
    if membership is None:
        return None
    user, household = membership.user, membership.household
    resident = Resident.objects.filter(user=user, moved_out__isnull=True).first()
    if resident is None:
        candidates = Resident.objects.filter(
            household=household, moved_out__isnull=True, user__isnull=True, anonymised_at__isnull=True
        ).order_by("id")
        adults = [r for r in candidates if r.age(today) >= 18 and not _leads_something(r.pk)]
        heads = [r for r in adults if r.relation == Relation.HEAD]
        resident = (heads or adults or [None])[0]
        if resident is None:
            return None
        # Seed data, not a change: no history row (as the other demo links are written).
        Resident.objects.filter(pk=resident.pk).update(user=user)
    phone = next(
        (
            p
            for p in DEMO_PHONES
            if not Resident.objects.filter(phone_hash=keyed_hash(p)).exclude(pk=resident.pk).exists()
        ),
        None,
    )
    if phone is None:
        return None
    Resident.objects.filter(pk=resident.pk).update(phone=phone, phone_hash=keyed_hash(phone))  # encrypted
    HouseholdInvitation.objects.update_or_create(
        household=household,
        defaults={
            "community": community,
            "code_hash": _invite_hash(DEMO_INVITE),
            "created_at": timezone.now(),
        },
    )
    # The demo resident votes from the portal in the walk-through: the open consultations' paper ballots the
    # vote demo entered at random for their household are taken back (seed data, not a change).
    ballots = Ballot.objects.filter(voter__household=household, consultation__status=ConsultationStatus.OPEN)
    Answer.objects.filter(ballot__in=ballots).delete()  # answers protect their ballot
    ballots.delete()
    return phone
