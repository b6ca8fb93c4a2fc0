"""Reads for the portal: what a signed-in resident's home page shows, and a household's invitation."""

from __future__ import annotations

from dataclasses import dataclass, field

from linli.core.scope import scope_for
from linli.deliberation.models import ConventionStatus
from linli.deliberation.selectors_conventions import conventions_for_resident, conventions_to_sign_for_user
from linli.deliberation.selectors_notices import notices_for_user
from linli.deliberation.selectors_votes import open_consultations_for_user
from linli.portal.models import HouseholdInvitation
from linli.registry.models import Household, Resident


@dataclass
class PortalHome:
    household: Household
    resident: Resident | None  # the user's own record, when it is linked (a code sign-in links it)
    members: list[Resident]
    notices: list = field(default_factory=list)
    consultations: list = field(default_factory=list)
    conventions: list = field(default_factory=list)  # adopted, not yet signed by the household
    drafts: list = field(default_factory=list)  # drafts open for suggestions


def resident_of(user) -> Resident | None:
    if not user.is_authenticated:
        return None
    return (
        Resident.objects.filter(user=user, moved_out__isnull=True)
        .select_related("household__flat__building", "community")
        .first()
    )


def portal_household_for(user) -> Household | None:
    """The household the user holds the resident role for (their own record's, when they have several)."""
    scope = scope_for(user)
    if not scope.households:
        return None
    own = resident_of(user)
    if own is not None and own.household_id in scope.households:
        return own.household
    return (
        Household.objects.filter(pk__in=scope.households, is_active=True)
        .select_related("flat__building", "community")
        .order_by("pk")
        .first()
    )


def portal_home_for(user) -> PortalHome | None:
    household = portal_household_for(user)
    if household is None:
        return None
    members = list(
        Resident.objects.filter(
            household=household, moved_out__isnull=True, anonymised_at__isnull=True
        ).order_by("id")
    )
    return PortalHome(
        household=household,
        resident=resident_of(user),
        members=members,
        notices=notices_for_user(user),
        consultations=open_consultations_for_user(user),
        conventions=conventions_to_sign_for_user(user),
        drafts=[c for c in conventions_for_resident(user) if c.status == ConventionStatus.DRAFTING],
    )


def invitation_of(household: Household) -> HouseholdInvitation | None:
    return HouseholdInvitation.objects.filter(household=household).select_related("created_by").first()
