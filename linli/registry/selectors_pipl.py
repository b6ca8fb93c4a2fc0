"""Reads for the PIPL pages and endpoints, through the scope (see registry/pipl.py for the writes).

A consent is visible where its person is: staff of the community, the leaders of the person's building,
and the person's own household (read-only). Group leaders and volunteers see none: a consent is about
what may be done with someone's data, not part of a group's work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils import timezone

from linli.core.scope import Scope, scope_for
from linli.registry import minors
from linli.registry.models import Consent, Resident, age_on
from linli.registry.pipl import ADULT_AGE


def access_consent(user, consent_id: int) -> Consent:
    """A consent the user may see, with its person's flat (for the rules), or Http404."""
    qs = scope_for(user).filter(
        Consent.objects.select_related("resident__household__flat", "resident__community", "guardian")
    )
    return get_object_or_404(qs, pk=consent_id)


@dataclass(frozen=True)
class ConsentRow:
    consent: Consent
    guardian: str  # who consented for the person, as this viewer may see it; "" when nobody did

    @property
    def is_active(self) -> bool:
        return self.consent.withdrawn_on is None


def consent_rows(user, resident: Resident) -> list[ConsentRow]:
    """The consents of `resident` the user may see, newest first, each with its guardian's name as the
    user may see it: a registered guardian outside the user's scope is not named. Two queries at most."""
    scope = scope_for(user)
    consents = list(
        scope.filter(Consent.objects.filter(resident_id=resident.pk))
        .select_related("guardian", "recorded_by")
        .order_by("-given_on", "-pk")
    )
    return _rows(scope, consents)


def consent_row(user, consent: Consent) -> ConsentRow:
    """One consent as `consent_rows` shows it (after a write, for the API's answer)."""
    return _rows(scope_for(user), [consent])[0]


def _rows(scope: Scope, consents: list[Consent]) -> list[ConsentRow]:
    linked = {c.guardian_id for c in consents if c.guardian_id}
    visible = (
        set(scope.filter(Resident.objects.filter(pk__in=linked)).values_list("pk", flat=True))
        if linked
        else set()
    )
    rows = []
    for consent in consents:
        if consent.guardian_id:
            guardian = minors.display_name(consent.guardian, scope) if consent.guardian_id in visible else "—"
        else:
            guardian = consent.guardian_name
        rows.append(ConsentRow(consent=consent, guardian=guardian))
    return rows


def guardian_options(user, resident: Resident, *, today: dt.date | None = None) -> list[Resident]:
    """Adults living in the person's household whom the user may see: the usual guardians of a child."""
    today = today or timezone.localdate()
    members = (
        scope_for(user)
        .filter(Resident.objects.filter(household_id=resident.household_id, moved_out__isnull=True))
        .exclude(pk=resident.pk)
        .order_by("name_pinyin", "pk")
    )
    return [m for m in members if age_on(m.birth_date, today) >= ADULT_AGE]
