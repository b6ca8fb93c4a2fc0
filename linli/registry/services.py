"""Writes to the registry. Each function validates everything first, collects every problem into one
DomainError (so a form shows all its mistakes at once) and writes inside one transaction.

Callers pass the acting user; the target flat or resident must be inside the actor's scope, and the
actor must hold a role that may change the registry there (see registry/rules.py).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.core.identity import (
    check_hmt_permit,
    check_id_number,
    check_mobile,
    long_date,
    normalize_id_number,
)
from linli.registry.history import history_paused, history_tags_snapshot
from linli.registry.models import (
    Flat,
    Gender,
    Household,
    IdType,
    MoveOutReason,
    PartyBranch,
    RegistrationType,
    Relation,
    Resident,
    Tag,
    Tenure,
)
from linli.registry.pinyin import name_keys
from linli.registry.rules import can_change_flat


@dataclass
class ResidentData:
    """What a clerk enters for a resident; the same shape for the form, the API and (later) import."""

    name: str
    gender: str
    birth_date: dt.date
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    registration_type: str = RegistrationType.LOCAL
    relation: str = Relation.HEAD
    moved_in: dt.date | None = None
    party_joined: dt.date | None = None
    party_full_member: dt.date | None = None
    party_branch_id: int | None = None
    tag_ids: list[int] = field(default_factory=list)
    notes: str = ""


# The allowed values of each option, once: `TextChoices.values` builds a new list on every access, and a
# ledger import asks four times per row.
GENDERS = frozenset(Gender.values)
ID_TYPES = frozenset(IdType.values)
REGISTRATION_TYPES = frozenset(RegistrationType.values)
RELATIONS = frozenset(Relation.values)


def resident_data_check(
    data: ResidentData,
    *,
    today: dt.date,
    branches: Mapping[int, PartyBranch],
    tags: Mapping[int, Tag],
) -> tuple[dict, list[Tag], dict[str, list[str]]]:
    """The rules of one resident's record that need no database: (values to store, tags, problems).

    Pure, so the form and a ledger import of 10,000 rows apply the very same rules: `branches` are the
    party branches that may be chosen (the community's, by id) and `tags` the known tags by id, read by
    the caller once (per record for a form, per file for an import). Whether the ID number is already
    registered elsewhere needs the database: see `_check_resident_data` and `id_clash_message`.
    """
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    values: dict = {}
    name = (data.name or "").strip()
    if not name:
        fail("name", _("请填写姓名。"))
    elif len(name) > 50:
        fail("name", _("姓名不能超过50个字。"))
    values["name"] = name
    if data.gender not in GENDERS:
        fail("gender", _("请选择性别。"))
    values["gender"] = data.gender
    if data.birth_date is None:
        fail("birth_date", _("请填写出生日期。"))
    elif data.birth_date > today:
        fail("birth_date", _("出生日期不能晚于今天。"))
    elif data.birth_date.year < 1890:
        fail("birth_date", _("出生日期太早，请核对。"))
    values["birth_date"] = data.birth_date
    if data.id_type not in ID_TYPES:
        fail("id_type", _("请选择证件类型。"))
    values["id_type"] = data.id_type
    id_number = (data.id_number or "").strip()
    if id_number:
        try:
            id_number = check_id_document(
                data.id_type, id_number, birth_date=data.birth_date, gender=data.gender, today=today
            )
        except DomainError as exc:
            fail("id_number", exc.message)
    values["id_number"] = id_number
    values["id_number_hash"] = keyed_hash(id_number)
    try:
        values["phone"] = check_mobile(data.phone or "")
    except DomainError as exc:
        fail("phone", exc.message)
        values["phone"] = ""
    values["phone_hash"] = keyed_hash(values["phone"])
    if data.registration_type not in REGISTRATION_TYPES:
        fail("registration_type", _("请选择户籍类型。"))
    values["registration_type"] = data.registration_type
    if data.relation not in RELATIONS:
        fail("relation", _("请选择与户主关系。"))
    values["relation"] = data.relation
    if data.moved_in and data.moved_in > today:
        fail("moved_in", _("迁入日期不能晚于今天。"))
    if data.moved_in and data.birth_date and data.moved_in < data.birth_date:
        fail("moved_in", _("迁入日期不能早于出生日期。"))
    values["moved_in"] = data.moved_in
    if data.party_full_member and not data.party_joined:
        fail("party_joined", _("填写了转正日期，也请填写入党日期。"))
    if data.party_joined:
        if data.party_joined > today:
            fail("party_joined", _("入党日期不能晚于今天。"))
        elif data.birth_date and data.party_joined < _add_years(data.birth_date, 18):
            fail("party_joined", _("入党时应年满18周岁，请核对入党日期。"))
    if data.party_full_member and data.party_joined and data.party_full_member < data.party_joined:
        fail("party_full_member", _("转正日期不能早于入党日期。"))
    values["party_joined"] = data.party_joined
    values["party_full_member"] = data.party_full_member
    branch = None
    if data.party_branch_id:
        branch = branches.get(data.party_branch_id)
        if branch is None:
            fail("party_branch", _("所选党支部不属于本居民区。"))
    values["party_branch"] = branch
    wanted = list(dict.fromkeys(data.tag_ids))
    chosen = [tags[pk] for pk in wanted if pk in tags]
    if len(chosen) != len(wanted):
        fail("tags", _("有未知的标签。"))
    values["notes"] = (data.notes or "").strip()
    return values, chosen, errors


def id_clash_message(flat_address: str | None) -> str:
    """The problem when an ID number is already registered to someone living elsewhere: `flat_address`
    says where (e.g. 1号1单元101室), None when it is in another community (whose flats are not ours to
    show)."""
    where = flat_address or _("其他居民区")
    return _("此证件号码已登记在住（%(where)s），同一人不能同时住在两处；请先办理迁出。") % {"where": where}


def _check_resident_data(
    data: ResidentData, *, community_id: int, today: dt.date, current: Resident | None = None
) -> dict:
    branches: dict[int, PartyBranch] = {}
    if data.party_branch_id:
        branch = PartyBranch.objects.filter(pk=data.party_branch_id, community_id=community_id).first()
        if branch is not None:
            branches[branch.pk] = branch
    tags = {tag.pk: tag for tag in Tag.objects.filter(pk__in=data.tag_ids)} if data.tag_ids else {}
    values, chosen, errors = resident_data_check(data, today=today, branches=branches, tags=tags)
    if values["id_number_hash"] and "id_number" not in errors:
        clash = Resident.objects.filter(id_number_hash=values["id_number_hash"], moved_out__isnull=True)
        if current is not None:
            clash = clash.exclude(pk=current.pk)
        other = clash.select_related(
            "household__flat__building", "household__flat__entrance", "community"
        ).first()
        if other is not None:
            where = str(other.household.flat) if other.community_id == community_id else None
            errors.setdefault("id_number", []).append(id_clash_message(where))
    if errors:
        raise DomainError(_("请更正标出的内容。"), errors=errors)
    return {"values": values, "tags": chosen}


def check_id_document(id_type: str, number: str, *, birth_date=None, gender=None, today=None) -> str:
    """The normalised document number, checked by the rules of its type (shared/rules/ids.md)."""
    if id_type == IdType.RESIDENT_ID:
        return check_id_number(number, birth_date=birth_date, gender=gender, today=today)
    if id_type == IdType.HMT_PERMIT:
        return check_hmt_permit(number, birth_date=birth_date, gender=gender, today=today)
    number = normalize_id_number(number)
    if len(number) > 30:
        raise DomainError(_("证件号码不能超过30个字符。"), field="id_number")
    return number


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _require_changeable(actor, flat: Flat) -> None:
    if not can_change_flat(actor, flat):
        raise DomainError(_("您无权在这套房屋登记居民。"), field="flat")


@transaction.atomic
def resident_create(
    *, actor, flat: Flat, data: ResidentData, tenure: str = Tenure.OWNER, today: dt.date | None = None
) -> Resident:
    """Register a resident in a flat, joining its current household or opening one."""
    _require_changeable(actor, flat)
    checked = _check_resident_data(data, community_id=flat.community_id, today=today or dt.date.today())
    household = Household.objects.filter(flat=flat, is_active=True).order_by("pk").first()
    if household is None:
        if tenure not in Tenure.values:
            raise DomainError(_("请选择居住性质。"), field="tenure")
        household = Household(community_id=flat.community_id, flat=flat, tenure=tenure)
        household._history_user = actor
        household.save()
    pinyin, initials = name_keys(checked["values"]["name"])
    resident = Resident(
        community_id=flat.community_id,
        household=household,
        name_pinyin=pinyin,
        name_initials=initials,
        **checked["values"],
    )
    resident._history_user = actor  # simple-history records who, also outside a request (API tokens, jobs)
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        # Two clerks registering the same ID at once: the database constraint decides.
        raise DomainError(_("此证件号码已登记在住，同一人不能同时住在两处。"), field="id_number") from None
    if checked["tags"]:  # into the entry the creation made: one entry per write (registry/history.py)
        with history_paused(resident):
            resident.tags.set(checked["tags"])
        history_tags_snapshot(resident)
    return resident


@transaction.atomic
def resident_update(
    *, actor, resident: Resident, data: ResidentData, flat: Flat | None = None, today: dt.date | None = None
) -> Resident:
    """Correct a resident's record, or move them to another flat of the community (`flat`)."""
    resident = Resident.objects.select_for_update().select_related("household__flat").get(pk=resident.pk)
    if resident.moved_out is not None:
        raise DomainError(_("此居民已迁出，不能再修改；如已迁回，请重新登记。"))
    _require_changeable(actor, resident.household.flat)
    checked = _check_resident_data(
        data, community_id=resident.community_id, today=today or dt.date.today(), current=resident
    )
    if flat is not None and flat.pk != resident.household.flat_id:
        _require_changeable(actor, flat)
        if flat.community_id != resident.community_id:
            raise DomainError(_("只能搬到本居民区的房屋。"), field="flat")
        household = Household.objects.filter(flat=flat, is_active=True).order_by("pk").first()
        if household is None:
            household = Household(community_id=flat.community_id, flat=flat, tenure=resident.household.tenure)
            household._history_user = actor
            household.save()
        resident.household = household
    for name, value in checked["values"].items():
        setattr(resident, name, value)
    resident._history_user = actor
    resident.name_pinyin, resident.name_initials = name_keys(resident.name)
    with history_paused(resident):  # the save below records the tags with the rest: one entry
        resident.tags.set(checked["tags"])
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError:
        raise DomainError(_("此证件号码已登记在住，同一人不能同时住在两处。"), field="id_number") from None
    return resident


@transaction.atomic
def resident_move_out(
    *, actor, resident: Resident, on: dt.date, reason: str, today: dt.date | None = None
) -> Resident:
    """Record that a resident left. The record stays (history, turnover figures); a household with
    nobody left in it is closed."""
    resident = Resident.objects.select_for_update().select_related("household__flat").get(pk=resident.pk)
    _require_changeable(actor, resident.household.flat)
    errors: dict[str, list[str]] = {}
    if resident.moved_out is not None:
        raise DomainError(_("此居民已于%(day)s迁出。") % {"day": long_date(resident.moved_out)})
    if on is None:
        errors["moved_out"] = [_("请填写迁出日期。")]
    elif on > (today or dt.date.today()):
        errors["moved_out"] = [_("迁出日期不能晚于今天。")]
    elif resident.moved_in and on < resident.moved_in:
        errors["moved_out"] = [_("迁出日期不能早于迁入日期。")]
    if reason not in MoveOutReason.values:
        errors["move_out_reason"] = [_("请选择迁出原因。")]
    if errors:
        raise DomainError(_("请更正标出的内容。"), errors=errors)
    resident.moved_out = on
    resident.move_out_reason = reason
    resident._history_user = actor
    resident.save(update_fields=["moved_out", "move_out_reason"])
    household = resident.household
    if not household.residents.filter(moved_out__isnull=True).exists():
        household.is_active = False
        household._history_user = actor
        household.save(update_fields=["is_active"])
    return resident
