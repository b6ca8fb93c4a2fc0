"""Sensitive fields of a resident: who may see them in clear, and the reveal that shows them.

ID numbers and phones are masked everywhere by default (linli.core.identity.mask_*). A person whose role
allows it (registry/rules.py `can_reveal`) may reveal one field of one resident at a time, stating a
reason; every reveal writes one AccessLog row (who, when, which field, why) before the value is returned.
The value itself is never logged, cached or written anywhere.

`may_reveal` is also what exports ask, column by column, before writing a value unmasked.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.access import access_record
from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.core.identity import mask_id_number, mask_phone, normalize_id_number
from linli.core.models import AccessAction
from linli.core.scope import scope_for
from linli.registry.models import Resident
from linli.registry.rules import REVEALABLE_FIELDS, can_reveal

__all__ = [
    "FIELD_LABELS",
    "REASON_CHOICES",
    "REVEALABLE_FIELDS",
    "SENSITIVE_FIELDS",
    "may_reveal",
    "masked_value",
    "resident_reveal",
    "revealable_fields",
]

FIELD_LABELS = {"id_number": gettext_lazy("证件号码"), "phone": gettext_lazy("手机号码")}

# Every encrypted column of the registry, with its mask: pages, audit entries and exports show these.
SENSITIVE_FIELDS = {"id_number": mask_id_number, "phone": mask_phone}

# Quick choices offered with the reveal form; a free text can add to them or replace them.
REASON_CHOICES = (
    gettext_lazy("电话联系本人"),
    gettext_lazy("电话联系家属"),
    gettext_lazy("核对身份"),
    gettext_lazy("办理补贴或证明"),
    gettext_lazy("紧急情况"),
)
REASON_MAX_LENGTH = 200


def may_reveal(user, resident: Resident, field: str) -> bool:
    """Whether `user` may see `field` of `resident` in clear (see registry/rules.py `can_reveal`).

    Unlike `user.has_perm`, a superuser gets no exemption: the admin is not a way around the log."""
    return can_reveal(user, resident, field)


def revealable_fields(user, resident: Resident) -> list[str]:
    """The fields of `resident` that `user` may reveal and that hold a value."""
    return [f for f in REVEALABLE_FIELDS if getattr(resident, f, "") and can_reveal(user, resident, f)]


def masked_value(field: str, value: str) -> str:
    mask = SENSITIVE_FIELDS.get(field)
    return mask(value or "") if mask else value


def check_reveal_request(field: str, reason: str) -> tuple[str, str]:
    """The field and the cleaned reason, or one DomainError listing what is wrong (both at once)."""
    errors: dict[str, list[str]] = {}
    if field not in REVEALABLE_FIELDS:
        errors["field"] = [_("只能查看证件号码或手机号码。")]
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = [_("请写明查看理由，例如“电话联系家属”。")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("理由太长了（最多%(max)s个字）。") % {"max": REASON_MAX_LENGTH}]
    if errors:
        raise DomainError(_("请更正标出的内容。"), errors=errors)
    return field, reason


def resident_reveal(*, actor, resident: Resident, field: str, reason: str, request=None) -> str:
    """Record that `actor` looked at `field` of `resident` for `reason`, and return the clear value.

    The caller has fetched `resident` through the scope (out of scope is a 404 before this). A role that
    may not reveal the field gets PermissionDenied (403); a missing reason or an unknown field, a
    DomainError (nothing is recorded); a field with nothing registered, a DomainError too.
    """
    field, reason = check_reveal_request(field, reason)
    if not can_reveal(actor, resident, field):
        raise PermissionDenied(_("您的角色不能查看此项完整信息。"))
    value = getattr(resident, field) or ""
    if not value:
        raise DomainError(_("此居民没有登记%(field)s。") % {"field": FIELD_LABELS[field]}, field="field")
    access_record(
        user=actor,
        action=AccessAction.REVEAL,
        community=resident.community,
        obj=resident,
        field=field,
        reason=reason,
        request=request,
    )
    return value


# ── Search by number ────────────────────────────────────────────────────────────────────────────────

_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_DOCUMENT = re.compile(r"[0-9A-Z]{6,30}")


def looks_like_number(query: str) -> bool:
    """Whether a search looks like an identity document or phone number rather than a name: digits in
    it, and nothing but digits, Latin letters, spaces, hyphens and a leading +."""
    text = unicodedata.normalize("NFKC", query or "").strip()
    return any(c.isdigit() for c in text) and bool(re.fullmatch(r"\+?[0-9A-Za-z \-]+", text))


def number_search_hashes(user, community_id: int, query: str) -> dict[str, str]:
    """{hash column: keyed hash} to find residents of one community by a full ID or phone number.

    Only a whole number matches (the hash of a part is unrelated to the hash of the whole), so a search
    cannot be used to guess a number digit by digit. And only by the numbers the user may reveal there:
    staff by both, a building leader by phone. Otherwise a leader who knows a person's birth date could
    try the few hundred possible ID numbers one search at a time and learn the number without a reveal.
    """
    scope = scope_for(user)
    staff = scope.is_staff_of(community_id)
    leader = scope.leads_building_in(community_id)
    text = unicodedata.normalize("NFKC", query or "").replace(" ", "").replace("-", "")
    hashes: dict[str, str] = {}
    mobile = _MOBILE.fullmatch(text)
    if mobile and (staff or leader):
        hashes["phone_hash"] = keyed_hash(mobile.group(1))
    document = normalize_id_number(text)
    if staff and _DOCUMENT.fullmatch(document):
        hashes["id_number_hash"] = keyed_hash(document)
    return hashes
