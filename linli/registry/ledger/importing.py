"""The commit of a checked residents' ledger: all or nothing, in one transaction.

What is written is the plan the preview showed (`Check.plan()`: every row already through the registry's
rules), not a new reading of the file, so the clerk gets exactly the changes they confirmed. What may
have moved since the preview is checked again inside the transaction, with the registered residents
locked until it ends: a new person now registered here or elsewhere, a resident changed by someone else
meanwhile (their fingerprint), a flat, branch or tag removed. A single such problem and nothing is
written; the clerk uploads the file again for a fresh preview.

Then, in bulk: the households of flats nobody lived in, the new residents, the changed ones, their tags,
and a history entry for each created or changed row with the importer as its author and the row's tags
(copied by the database from the rows just written, `registry.history.history_copy`, so 10,000 rows
take seconds, not minutes); and one access-log entry for the import. A
clash with a registration made in the last instant (the database's one-current-record-per-ID
constraint) undoes everything.
"""

from __future__ import annotations

import functools

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.access import access_record
from linli.core.errors import DomainError
from linli.core.models import AccessAction, Community
from linli.registry.history import history_copy
from linli.registry.ledger.checking import Check, Planned, Problem
from linli.registry.ledger.matching import (
    Registered,
    active_households,
    registered_elsewhere,
    resident_fingerprint,
)
from linli.registry.models import Flat, Household, ImportJob, PartyBranch, Resident, Tag
from linli.registry.pinyin import name_keys
from linli.registry.services import id_clash_message

BATCH = 1000
UPDATED_FIELDS = [
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_type",
    "id_number",
    "id_number_hash",
    "phone",
    "phone_hash",
    "registration_type",
    "relation",
    "moved_in",
    "party_joined",
    "party_full_member",
    "party_branch",
    "notes",
]


class ImportRefused(DomainError):
    """The check inside the transaction found problems: nothing was written. `check` holds them."""

    def __init__(self, check: Check):
        super().__init__(_("检查时发现问题，没有导入任何内容。"))
        self.check = check


def residents_import(*, actor, community: Community, plan: dict, job: ImportJob | None = None) -> Check:
    """Write a checked plan (see the module's docstring). Returns the Check it wrote; raises
    ImportRefused (with the problems) or DomainError, having written nothing."""
    new = [Planned.from_plan(item) for item in plan["new"]]
    changed = [Planned.from_plan(item) for item in plan["changed"]]
    check = Check(
        new=new, changed=changed, unchanged=plan["unchanged"], rows=plan["rows"], skipped=plan["skipped"]
    )
    keys = functools.lru_cache(maxsize=None)(name_keys)
    try:
        with transaction.atomic():
            check.problems = _still_valid(community, check, plan.get("labels", {}))
            if check.problems:
                raise ImportRefused(check)
            _write(actor, community, check, keys)
            access_record(
                user=actor,
                action=AccessAction.IMPORT,
                community=community,
                obj=job,
                detail={
                    "file_name": job.file_name if job else "",
                    "kind": "residents",
                    "created": len(check.new),
                    "updated": len(check.changed),
                    "unchanged": check.unchanged,
                },
            )
    except IntegrityError:
        # Someone registered one of these ID numbers between the check and the write.
        raise DomainError(
            _("导入时发现有证件号码刚刚被登记到别处，没有导入任何内容。请重新上传，系统会再检查一遍。")
        ) from None
    return check


def _still_valid(community: Community, check: Check, labels: dict) -> list[Problem]:
    """What changed in the registry since the preview that the plan no longer fits (rows locked)."""
    problems: list[Problem] = []

    def problem(planned: Planned, key: str, message: str) -> None:
        problems.append(Problem(planned.row, labels.get(key, ""), message))

    again = _("请重新上传这个文件，再检查一遍。")
    registered = Registered(community, lock=True)
    flats = set(
        Flat.objects.filter(community=community, pk__in={p.flat_id for p in check.new}).values_list(
            "pk", flat=True
        )
    )
    branches = set(PartyBranch.objects.filter(community=community).values_list("pk", flat=True))
    tags = set(Tag.objects.values_list("pk", flat=True))
    elsewhere = registered_elsewhere(
        [p.values["id_number_hash"] for p in check.new if p.values["id_number_hash"]], community
    )
    for planned in check.new:
        id_hash = planned.values["id_number_hash"]
        if planned.flat_id not in flats:
            problem(planned, "flat", _("检查之后，这套房屋已从系统中删除。") + again)
        elif id_hash and id_hash in registered.by_hash:
            problem(planned, "id_number", _("检查之后，这个证件号码已有人登记在本居民区。") + again)
        elif id_hash in elsewhere:
            problem(planned, "id_number", id_clash_message(None))
        elif not id_hash and registered.by_name.get((planned.flat_id, planned.name)):
            problem(planned, "name", _("检查之后，这套房屋登记了同名居民。") + again)
    by_pk = {r.pk: r for r in registered.residents}
    for planned in check.changed:
        resident = by_pk.get(planned.current_id)
        tag_ids = registered.tags.get(planned.current_id, set())
        if resident is None or resident_fingerprint(resident, tag_ids) != planned.fingerprint:
            problem(planned, "name", _("检查之后，这位居民的信息有人改过或已迁出。") + again)
        else:
            planned.current = resident
    for planned in (*check.new, *check.changed):
        branch = planned.values["party_branch_id"]
        if branch and branch not in branches:
            problem(planned, "party_branch", _("检查之后，所填的党支部已被删除。") + again)
        if not set(planned.tag_ids) <= tags:
            problem(planned, "tags", _("检查之后，所填的标签已被删除。") + again)
    problems.sort(key=lambda p: p.row or 0)
    return problems


def _write(actor, community: Community, check: Check, keys) -> None:
    # The history rows are copied by the database from the rows just written (`history_copy`): the
    # same values and ciphertext, one stamp for the whole import, the tags as they now are.
    when = timezone.now()
    households = active_households(community)
    opened: dict[int, Household] = {}
    for planned in check.new:
        if planned.flat_id not in households and planned.flat_id not in opened:
            opened[planned.flat_id] = Household(
                community=community, flat_id=planned.flat_id, tenure=planned.tenure
            )
    if opened:
        created = Household.objects.bulk_create(list(opened.values()), batch_size=BATCH)
        history_copy(Household, pks=[h.pk for h in created], history_type="+", user=actor, when=when)
        households.update({h.flat_id: h.pk for h in created})

    residents = []
    for planned in check.new:
        pinyin, initials = keys(planned.values["name"])
        residents.append(
            Resident(
                community=community,
                household_id=households[planned.flat_id],
                name_pinyin=pinyin,
                name_initials=initials,
                **planned.values,
            )
        )
    if residents:
        residents = Resident.objects.bulk_create(residents, batch_size=BATCH)
    through = Resident.tags.through
    links = [
        through(resident_id=resident.pk, tag_id=tag_id)
        for resident, planned in zip(residents, check.new, strict=True)
        for tag_id in planned.tag_ids
    ]

    changed = []
    for planned in check.changed:
        resident = planned.current
        for name, value in planned.values.items():
            setattr(resident, name, value)
        resident.name_pinyin, resident.name_initials = keys(resident.name)
        changed.append(resident)
        links += [through(resident_id=resident.pk, tag_id=tag_id) for tag_id in planned.tag_ids]
    if changed:
        Resident.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=BATCH)
        through.objects.filter(resident_id__in=[r.pk for r in changed]).delete()
    if links:
        through.objects.bulk_create(links, batch_size=BATCH)
    # After the tags, so each history row carries the tags it has now.
    history_copy(Resident, pks=[r.pk for r in residents], history_type="+", user=actor, when=when)
    history_copy(Resident, pks=[r.pk for r in changed], history_type="~", user=actor, when=when)
