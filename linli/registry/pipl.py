"""PIPL rights in the registry (个人信息保护法 arts. 14, 29, 31, 44–47): consent records, a copy of one
person's data, and the anonymisation of people who moved out — on request, or by the retention job.

Writes in the style of `registry.services`: keyword-only functions named `<thing>_<action>` that check
everything, raise one DomainError in Chinese and write in one transaction. What Linli stores and why is
written up in docs/privacy.md.

Anonymisation keeps what the community's figures are made of (gender, birth year, registration type, the
move dates, the household, party-membership dates) and removes what names the person (name, ID number,
phone, their keyed hashes, notes, tags, the free text of consents) — in the live row *and* in its
simple-history rows, so the old values do not survive in the audit trail, which keeps only that a change
happened, when and by whom.

Other apps' data about a person. Apps built on the registry (organizing, notifications …) hold more about
a person: memberships, posts, volunteer hours, an inbox. The registry may not import them
(CONTRIBUTING.md: dependencies flow one way), so they contribute to it: each such app has a `pipl.py`
with a section function and an anonymisation step and registers both in its AppConfig.ready():

    register_person_data_section(pipl.person_sections)
    register_anonymise_step(pipl.anonymise_person)

Two plain lists rather than signals or autodiscovery: the contract is readable in one place, the callables
run in a known order (INSTALLED_APPS, the order of ready()) inside the caller's transaction, and an error
in a step rolls the whole anonymisation back instead of being swallowed by a signal dispatcher.

- A section function takes the Resident and returns {section name: JSON-ready value}. Every section is
  present for every person (an empty list, or None), so the file has one shape for everybody; a name the
  export already has is refused. It reads only rows of the person's own community, and, like the rest of
  the export, gives the person's own ID number and phone in clear.
- An anonymisation step takes an `Anonymisation` and scrubs that app's copies of the person's data in the
  live rows and in their history rows, ends what a moved-out person can no longer hold, and keeps what the
  community's figures are made of. It runs once per person, after the resident row has been scrubbed and
  before the anonymisation is logged, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from linli.core.access import access_record
from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.core.identity import long_date
from linli.core.models import AccessAction, AccessLog
from linli.core.scope import scope_for
from linli.registry.history import history_paused
from linli.registry.minors import CHILD_AGE, is_child
from linli.registry.models import Consent, ConsentPurpose, Owner, Resident, age_on
from linli.registry.pinyin import name_keys
from linli.registry.rules import can_change_flat

ADULT_AGE = 18
# Stored data, not a label: an anonymised name reads the same in every language, like any other name.
ANONYMISED_PREFIX = "已匿名"
RETENTION_BATCH = 200


# ── Other apps' data about a person (see the module docstring) ─────────────────────────────────


@dataclass(frozen=True)
class Anonymisation:
    """What an anonymisation step gets: the resident row (locked, already anonymised: `name` is the new
    name), the name it had (to find it in free text) and who did it (None for the retention job)."""

    resident: Resident
    old_name: str
    new_name: str
    actor: object | None
    via: str  # "request" or "retention"


person_data_sections: list[Callable[[Resident], dict]] = []
anonymise_steps: list[Callable[[Anonymisation], None]] = []


def register_person_data_section(section: Callable[[Resident], dict]) -> None:
    """Add an app's sections to `person_data` (idempotent: ready() may run twice in tests)."""
    if section not in person_data_sections:
        person_data_sections.append(section)


def register_anonymise_step(step: Callable[[Anonymisation], None]) -> None:
    """Add an app's step to the anonymisation of a moved-out person (idempotent)."""
    if step not in anonymise_steps:
        anonymise_steps.append(step)


# ── Consent ──────────────────────────────────────────────────────────────────────────────────────


@dataclass
class ConsentData:
    """What a clerk enters for a consent; the same shape for the page and the API."""

    purpose: str
    given_on: dt.date | None
    purpose_detail: str = ""
    guardian_id: int | None = None
    guardian_name: str = ""
    guardian_relation: str = ""
    note: str = ""


def _require_consent_rights(actor, resident: Resident) -> None:
    if not can_change_flat(actor, resident.household.flat):
        raise DomainError(_("您无权为这位居民登记或撤回同意。"))


@transaction.atomic
def consent_record(*, actor, resident: Resident, data: ConsentData, today: dt.date | None = None) -> Consent:
    """Record a resident's consent to one use of their data. A child under 14 (on the day consent was
    given) consents through a guardian: an adult resident of this community, or a guardian's name and
    relation (PIPL art. 31)."""
    today = today or timezone.localdate()
    resident = Resident.objects.select_related("household__flat").get(pk=resident.pk)
    _require_consent_rights(actor, resident)
    if resident.anonymised_at is not None:
        raise DomainError(_("此居民的信息已匿名化，不能再登记同意。"))
    if resident.moved_out is not None:
        raise DomainError(_("此居民已迁出，不能再登记同意。"))
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    purpose = data.purpose or ""
    detail = (data.purpose_detail or "").strip()
    if purpose not in ConsentPurpose.values:
        fail("purpose", _("请选择用途。"))
    elif purpose == ConsentPurpose.OTHER and not detail:
        fail("purpose_detail", _("用途为“其他”时，请写明用途。"))
    if len(detail) > 200:
        fail("purpose_detail", _("用途说明不能超过200个字。"))
    given_on = data.given_on
    if given_on is None:
        fail("given_on", _("请填写同意日期。"))
    elif given_on > today:
        fail("given_on", _("同意日期不能晚于今天。"))
    elif given_on < resident.birth_date:
        fail("given_on", _("同意日期不能早于出生日期。"))
    guardian_name = (data.guardian_name or "").strip()
    guardian_relation = (data.guardian_relation or "").strip()
    if len(guardian_name) > 50:
        fail("guardian_name", _("监护人姓名不能超过50个字。"))
    if len(guardian_relation) > 20:
        fail("guardian_relation", _("与本人关系不能超过20个字。"))
    guardian = None
    if data.guardian_id:
        guardian = (
            scope_for(actor)
            .within(Resident.objects.all(), resident.community_id)
            .filter(pk=data.guardian_id)
            .first()
        )
        on = given_on or today
        if guardian is None or guardian.pk == resident.pk:
            fail("guardian", _("请从本居民区的居民中选择监护人。"))
        elif guardian.moved_out is not None or guardian.anonymised_at is not None:
            fail("guardian", _("所选监护人已迁出，请另选，或填写监护人姓名。"))
        elif age_on(guardian.birth_date, on) < ADULT_AGE:
            fail("guardian", _("监护人应年满18周岁。"))
        if guardian_name:
            fail("guardian_name", _("已选择本社区的监护人，不用再填写监护人姓名。"))
    elif bool(guardian_name) != bool(guardian_relation):
        fail(
            "guardian_name" if not guardian_name else "guardian_relation",
            _("请同时填写监护人姓名和与本人关系。"),
        )
    if (
        given_on is not None
        and is_child(resident.birth_date, on=given_on)
        and not data.guardian_id
        and not (guardian_name and guardian_relation)
    ):
        fail(
            "guardian",
            _("未满14周岁的居民须由监护人同意：请选择本社区的监护人，或填写监护人姓名和与本人关系。"),
        )
    note = (data.note or "").strip()
    if len(note) > 2000:
        fail("note", _("备注不能超过2000个字。"))
    if errors:
        raise DomainError(_("请更正标出的内容。"), errors=errors)
    consent = Consent(
        community_id=resident.community_id,
        resident=resident,
        purpose=purpose,
        purpose_detail=detail,
        given_on=given_on,
        guardian=guardian,
        guardian_name=guardian_name,
        guardian_relation=guardian_relation,
        recorded_by=actor,
        note=note,
    )
    consent._history_user = actor
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, on: dt.date | None, today: dt.date | None = None) -> Consent:
    """Record that a consent was withdrawn on `on`. The record stays: consents are never deleted, so
    what was allowed when remains provable."""
    today = today or timezone.localdate()
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    resident = Resident.objects.select_related("household__flat").get(pk=consent.resident_id)
    _require_consent_rights(actor, resident)
    if resident.anonymised_at is not None:
        raise DomainError(_("此居民的信息已匿名化，同意记录不能再修改。"))
    if consent.withdrawn_on is not None:
        raise DomainError(_("此项同意已于%(day)s撤回。") % {"day": long_date(consent.withdrawn_on)})
    if on is None:
        raise DomainError(_("请填写撤回日期。"), field="withdrawn_on")
    if on > today:
        raise DomainError(_("撤回日期不能晚于今天。"), field="withdrawn_on")
    if on < consent.given_on:
        raise DomainError(
            _("撤回日期不能早于同意日期（%(day)s）。") % {"day": long_date(consent.given_on)},
            field="withdrawn_on",
        )
    consent.withdrawn_on = on
    consent._history_user = actor
    consent.save(update_fields=["withdrawn_on"])
    return consent


# ── A copy of one person's data (art. 45) ────────────────────────────────────────────────────────

HISTORY_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_type",
    "id_number",
    "phone",
    "registration_type",
    "relation",
    "household_id",
    "moved_in",
    "moved_out",
    "move_out_reason",
    "party_joined",
    "party_full_member",
    "party_branch_id",
    "notes",
    "anonymised_at",
)
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _user_label(user) -> str:
    return str(user) if user is not None else ""


def person_data(resident: Resident) -> dict:
    """Everything Linli holds about one person, as plain JSON-ready values (ID number and phone in clear:
    this is the person's own copy). Reads only; `person_data_export` checks and logs."""
    resident = (
        Resident.objects.select_related(
            "community", "household__flat__building", "household__flat__entrance", "party_branch"
        )
        .prefetch_related("tags")
        .get(pk=resident.pk)
    )
    household = resident.household
    flat = household.flat
    consents = (
        Consent.objects.filter(resident=resident)
        .select_related("guardian", "recorded_by")
        .order_by("given_on", "pk")
    )
    as_guardian = (
        Consent.objects.filter(guardian=resident).select_related("resident").order_by("given_on", "pk")
    )
    owners = Owner.objects.filter(resident=resident).prefetch_related(
        "ownerships__flat__building", "ownerships__flat__entrance"
    )
    history = list(resident.history.select_related("history_user").order_by("history_date", "history_id"))
    changes = []
    previous = None
    for row in history:
        values = {name: getattr(row, name) for name in HISTORY_FIELDS}
        diff = {
            name: {"old": previous.get(name) if previous else None, "new": value}
            for name, value in values.items()
            if previous is None or previous.get(name) != value
        }
        if row.history_type == "+":
            diff = {name: d for name, d in diff.items() if d["new"] not in (None, "")}
        changes.append(
            {
                "at": row.history_date,
                "by": _user_label(row.history_user),
                "type": HISTORY_TYPES.get(row.history_type, row.history_type),
                "changes": diff,
            }
        )
        previous = values
    accesses = (
        AccessLog.objects.filter(object_type="registry.resident", object_id=resident.pk)
        .select_related("user")
        .order_by("at", "pk")
    )
    data = {
        "format": "linli-person-export",
        "version": 1,
        "exported_at": timezone.now(),
        "community": {"id": resident.community_id, "name": resident.community.name},
        "resident": {
            "id": resident.pk,
            "name": resident.name,
            "gender": resident.gender,
            "gender_label": resident.get_gender_display(),
            "birth_date": resident.birth_date,
            "id_type": resident.id_type,
            "id_type_label": resident.get_id_type_display(),
            "id_number": resident.id_number,
            "phone": resident.phone,
            "registration_type": resident.registration_type,
            "registration_type_label": resident.get_registration_type_display(),
            "relation": resident.relation,
            "relation_label": resident.get_relation_display(),
            "moved_in": resident.moved_in,
            "moved_out": resident.moved_out,
            "move_out_reason": resident.move_out_reason,
            "notes": resident.notes,
            "anonymised_at": resident.anonymised_at,
        },
        "household": {
            "id": household.pk,
            "address": str(flat),
            "building": str(flat.building),
            "entrance": flat.entrance.number,
            "flat": flat.number,
            "floor": flat.floor,
            "area_m2": flat.area,
            "tenure": household.tenure,
            "tenure_label": household.get_tenure_display(),
            "is_active": household.is_active,
        },
        "party_membership": {
            "joined": resident.party_joined,
            "full_member": resident.party_full_member,
            "branch": resident.party_branch.name if resident.party_branch else None,
        },
        "tags": [tag.name for tag in resident.tags.all()],
        "consents": [
            {
                "id": c.pk,
                "purpose": c.purpose,
                "purpose_label": c.get_purpose_display(),
                "purpose_detail": c.purpose_detail,
                "given_on": c.given_on,
                "withdrawn_on": c.withdrawn_on,
                "guardian": c.guardian.name if c.guardian else c.guardian_name,
                "guardian_relation": c.guardian_relation,
                "recorded_by": _user_label(c.recorded_by),
                "recorded_at": c.recorded_at,
                "note": c.note,
            }
            for c in consents
        ],
        "consents_given_as_guardian": [
            {
                "for": c.resident.name,
                "purpose": c.purpose,
                "purpose_label": c.get_purpose_display(),
                "given_on": c.given_on,
                "withdrawn_on": c.withdrawn_on,
            }
            for c in as_guardian
        ],
        "ownerships": [
            {
                "owner_name": owner.name,
                "id_number": owner.id_number,
                "phone": owner.phone,
                "flats": [
                    {"address": str(o.flat), "share": f"{o.share_numerator}/{o.share_denominator}"}
                    for o in owner.ownerships.all()
                ],
            }
            for owner in owners
        ],
    }
    # The sections other apps hold (see the module docstring).
    for section in person_data_sections:
        for name, value in section(resident).items():
            if name in data or name in ("history", "access_log"):
                raise ImproperlyConfigured(f"person_data already has a section named {name!r}")
            data[name] = value
    data["history"] = changes
    data["access_log"] = [
        {
            "at": a.at,
            "action": a.action,
            "action_label": a.get_action_display(),
            "field": a.field,
            "reason": a.reason,
            "by": a.username or _user_label(a.user),
        }
        for a in accesses
    ]
    return data


def person_export_bytes(data: dict) -> bytes:
    """The export as a UTF-8 JSON file (Chinese left readable, not \\u-escaped)."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def person_export_filename(resident_id: int) -> str:
    """Named by the record's number, not the person's name: file names end up in download folders and
    proxy logs."""
    return f"linli-person-{int(resident_id)}.json"


def may_export_person(user, resident: Resident) -> bool:
    """Only staff of the person's community hand out a copy with the ID number and phone in clear."""
    return scope_for(user).is_staff_of(resident.community_id)


@transaction.atomic
def person_data_export(*, actor, resident: Resident, reason: str, request=None) -> dict:
    """A copy of one person's data for them (PIPL art. 45), logged as person_export with the reason."""
    if not may_export_person(actor, resident):
        raise DomainError(_("只有本居民区的居委干部可以导出个人数据。"))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("请填写导出理由，例如“本人申请查阅”。"), field="reason")
    if "\x00" in reason:
        raise DomainError(_("理由中含有不允许的控制字符。"), field="reason")
    if len(reason) > 200:
        raise DomainError(_("理由不能超过200个字。"), field="reason")
    access_record(
        user=actor,
        action=AccessAction.PERSON_EXPORT,
        obj=resident,
        community=resident.community,
        reason=reason,
        detail={"format": "json"},
        request=request,
    )
    return person_data(resident)


# ── Anonymisation (art. 47) and the retention period ────────────────────────────────────────────


def anonymised_name(resident_id: int) -> str:
    """已匿名 + six characters that tell anonymised records apart. Keyed on the row's id, never on the
    name, and stable: anonymising again gives the same name."""
    return ANONYMISED_PREFIX + keyed_hash(f"linli.anonymised-resident:{resident_id}")[:6].upper()


def anonymised_birth_date(born: dt.date) -> dt.date:
    """1 July of the birth year: ages stay right to within a year, so the age bands and the 60+ share
    barely move, while the exact day (a strong identifier) is gone."""
    return dt.date(born.year, 7, 1)


def may_anonymise(user, resident: Resident) -> bool:
    return scope_for(user).is_staff_of(resident.community_id)


def _anonymise(resident: Resident, *, actor, via: str, request=None) -> None:
    """Anonymise one locked, moved-out, not yet anonymised resident (see the module docstring)."""
    old_name = resident.name
    new_name = anonymised_name(resident.pk)
    born = anonymised_birth_date(resident.birth_date)
    scrubbed = {
        "name": new_name,
        "id_number": "",
        "id_number_hash": "",
        "phone": "",
        "phone_hash": "",
        "notes": "",
        "birth_date": born,
    }
    for name, value in scrubbed.items():
        setattr(resident, name, value)
    resident.name_pinyin, resident.name_initials = name_keys(new_name)
    resident.anonymised_at = timezone.now()
    resident._history_user = actor
    resident._change_reason = "anonymise"
    with history_paused(resident):  # recorded by the save below (one entry)
        resident.tags.clear()
    resident.save(update_fields=[*scrubbed, "name_pinyin", "name_initials", "anonymised_at"])
    # The audit trail keeps that each change happened, when and by whom, not the old values (nor tags).
    Resident.history.filter(id=resident.pk).update(**scrubbed)
    Resident.history.model.tags.model.objects.filter(resident_id=resident.pk).delete()

    free_text = {"purpose_detail": "", "guardian_name": "", "guardian_relation": "", "note": ""}
    Consent.objects.filter(resident_id=resident.pk).update(**free_text)
    Consent.history.filter(resident_id=resident.pk).update(**free_text)
    # Other people's consents that name this person as their guardian by name (not by link).
    named = Q(community_id=resident.community_id, guardian_name=old_name)
    Consent.objects.filter(named).update(guardian_name="")
    Consent.history.filter(named).update(guardian_name="")
    # Title records stay (votes need them) but no longer point at the person.
    Owner.objects.filter(resident_id=resident.pk).update(resident=None)
    Owner.history.filter(resident_id=resident.pk).update(resident=None)
    # What the apps built on the registry hold about the person (see the module docstring).
    done = Anonymisation(resident=resident, old_name=old_name, new_name=new_name, actor=actor, via=via)
    for step in anonymise_steps:
        step(done)
    # The admin's change log names the object by its str(): the old name.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Resident), object_id=str(resident.pk)
    ).update(object_repr=new_name)
    # A reason typed for an earlier reveal or export may name the person; the record of it stays.
    for entry in AccessLog.objects.filter(
        object_type="registry.resident", object_id=resident.pk, reason__contains=old_name
    ):
        entry.reason = entry.reason.replace(old_name, new_name)
        entry.save(update_fields=["reason"])

    access_record(
        user=actor,
        action=AccessAction.ANONYMISE,
        obj=resident,
        community=resident.community,
        detail={"via": via},
        request=request,
    )


@transaction.atomic
def resident_anonymise(*, actor, resident: Resident, request=None) -> Resident:
    """Anonymise a person who has moved out, on request (PIPL art. 47). A second call changes nothing."""
    resident = Resident.objects.select_for_update().select_related("community").get(pk=resident.pk)
    if actor is not None and not may_anonymise(actor, resident):
        raise DomainError(_("只有本居民区的居委干部可以做匿名化处理。"))
    if resident.anonymised_at is not None:
        return resident
    if resident.moved_out is None:
        raise DomainError(_("只能对已迁出的居民做匿名化处理；此居民仍在住，请先办理迁出。"))
    _anonymise(resident, actor=actor, via="request", request=request)
    return resident


def retention_cutoff(today: dt.date, days: int) -> dt.date:
    """People who moved out before this day have been gone more than `days` days."""
    return today - dt.timedelta(days=days)


def residents_due_for_anonymisation(*, today: dt.date, days: int | None = None):
    days = settings.LINLI_RETENTION_DAYS if days is None else days
    if days <= 0:
        return Resident.objects.none()
    return Resident.objects.filter(anonymised_at__isnull=True, moved_out__lt=retention_cutoff(today, days))


def residents_anonymise_expired(
    *, today: dt.date | None = None, days: int | None = None, batch_size: int = RETENTION_BATCH
) -> int:
    """Anonymise everyone who moved out more than LINLI_RETENTION_DAYS days before `today` (0 turns the
    retention off) and returns how many. Batches of `batch_size`, each in its own transaction, so a long
    first run holds no lock for long and an interrupted one resumes where it stopped. With nothing to
    do it costs one query; a second run finds nothing."""
    today = today or timezone.localdate()
    due = residents_due_for_anonymisation(today=today, days=days).order_by("pk")
    done = 0
    last = 0
    while True:
        ids = list(due.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        last = ids[-1]
        with transaction.atomic():
            batch = (
                Resident.objects.select_for_update()
                .select_related("community")
                .filter(pk__in=ids, anonymised_at__isnull=True, moved_out__isnull=False)
            )
            for resident in batch.order_by("pk"):
                _anonymise(resident, actor=None, via="retention")
                done += 1


@task()
def retention_anonymise(today: str | None = None) -> int:
    """The retention job: `residents_anonymise_expired` for today (or an ISO date, for a catch-up run).
    Takes a plain string, as every job does; idempotent, so a scheduler may run it as often as it likes."""
    day = dt.date.fromisoformat(today) if today else None
    return residents_anonymise_expired(today=day)


__all__ = [
    "CHILD_AGE",
    "Anonymisation",
    "ConsentData",
    "anonymised_name",
    "consent_record",
    "consent_withdraw",
    "person_data_export",
    "person_export_bytes",
    "person_export_filename",
    "register_anonymise_step",
    "register_person_data_section",
    "resident_anonymise",
    "residents_anonymise_expired",
    "retention_anonymise",
]
