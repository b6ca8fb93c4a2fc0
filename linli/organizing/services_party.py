"""Writes of the party-building overlay: in-service members (双报到) and identity posts (亮身份).

Each function checks the actor's permission (PermissionDenied: a 403), validates everything and collects
every problem into one DomainError (so a form shows all its mistakes at once), then writes in one
transaction. simple-history records who changed what (`_history_user`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core.access import AccessAction, access_record
from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.core.identity import check_mobile, long_date
from linli.core.models import Community
from linli.core.scope import scope_for
from linli.organizing.models import Group, IdentityPost, InServiceMember
from linli.registry.models import PartyBranch, Resident
from linli.registry.privacy import check_reveal_request

NAME_MAX = 50
WORK_UNIT_MAX = 100
SERVICES_MAX = 2000
POST_MAX = 100
EARLIEST = dt.date(1990, 1, 1)  # a registration or post before this is a typing mistake


@dataclass
class InServiceData:
    """What a clerk enters for an in-service member; the same shape for the form and the API.
    `identity_post`: the post on which they show their party identity (亮身份); "" for none."""

    name: str
    work_unit: str
    registered_on: dt.date | None
    phone: str = ""
    resident_id: int | None = None
    branch_id: int | None = None
    left_on: dt.date | None = None
    services: str = ""
    group_id: int | None = None
    identity_post: str = ""


def _require(actor, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


def _check_in_service(
    data: InServiceData, *, community: Community, actor, today: dt.date, current: InServiceMember | None
) -> dict:
    """The values to store, or one DomainError listing every problem."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    values: dict = {}
    name = " ".join((data.name or "").split())
    if not name:
        fail("name", _("请填写姓名。"))
    elif len(name) > NAME_MAX:
        fail("name", _("姓名不能超过%(max)s个字。") % {"max": NAME_MAX})
    values["name"] = name
    work_unit = " ".join((data.work_unit or "").split())
    if not work_unit:
        fail("work_unit", _("请填写工作单位。"))
    elif len(work_unit) > WORK_UNIT_MAX:
        fail("work_unit", _("工作单位不能超过%(max)s个字。") % {"max": WORK_UNIT_MAX})
    values["work_unit"] = work_unit
    try:
        values["phone"] = check_mobile(data.phone or "")
    except DomainError as exc:
        fail("phone", exc.message)
        values["phone"] = ""
    values["phone_hash"] = keyed_hash(values["phone"])

    registered_on, left_on = data.registered_on, data.left_on
    if registered_on is None:
        fail("registered_on", _("请填写报到日期。"))
    elif registered_on > today:
        fail("registered_on", _("报到日期不能晚于今天。"))
    elif registered_on < EARLIEST:
        fail("registered_on", _("报到日期太早，请核对。"))
    if left_on is not None:
        if left_on > today:
            fail("left_on", _("离开日期不能晚于今天。"))
        elif registered_on is not None and left_on < registered_on:
            fail("left_on", _("离开日期不能早于报到日期。"))
    values["registered_on"], values["left_on"] = registered_on, left_on

    services = (data.services or "").strip()
    if len(services) > SERVICES_MAX:
        fail("services", _("服务内容不能超过%(max)s个字。") % {"max": SERVICES_MAX})
    values["services"] = services

    values["resident"] = None
    if data.resident_id:
        # Only a current resident of this community the clerk can see: never confirm anyone else exists.
        resident = (
            scope_for(actor)
            .within(Resident.objects.filter(moved_out__isnull=True), community.pk)
            .filter(pk=data.resident_id)
            .first()
        )
        if resident is None:
            fail("resident", _("找不到这位本社区在住居民。"))
        values["resident"] = resident
    values["branch"] = None
    if data.branch_id:
        branch = PartyBranch.objects.filter(pk=data.branch_id, community=community).first()
        if branch is None:
            fail("branch", _("所选党支部不属于本居民区。"))
        values["branch"] = branch
    values["group"] = None
    if data.group_id:
        group = Group.objects.filter(pk=data.group_id, community=community).first()
        if group is None:
            fail("group", _("所选团队不属于本居民区。"))
        values["group"] = group

    post = " ".join((data.identity_post or "").split())
    if len(post) > POST_MAX:
        fail("identity_post", _("党员责任岗不能超过%(max)s个字。") % {"max": POST_MAX})
    values["identity_post"] = post

    if left_on is None and not errors:
        others = InServiceMember.objects.filter(community=community, left_on__isnull=True)
        if current is not None:
            others = others.exclude(pk=current.pk)
        if values["resident"] is not None and others.filter(resident=values["resident"]).exists():
            fail("resident", _("这位居民已登记为在职党员，请修改原来的登记。"))
        if values["phone_hash"] and others.filter(phone_hash=values["phone_hash"]).exists():
            fail("phone", _("这个手机号码已有在职党员登记，请修改原来的登记。"))
    if errors:
        raise DomainError(_("请更正标出的内容。"), errors=errors)
    return values


def _save(member: InServiceMember, actor) -> None:
    member._history_user = actor
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        # Two clerks registering the same person at once: the database constraints decide.
        raise DomainError(_("此人已有在职党员登记，请修改原来的登记。")) from None


def _sync_identity(member: InServiceMember, post: str, *, actor, today: dt.date, start: dt.date) -> None:
    """Keep the member's current identity post in line with the form: start it (on `start`), rename or
    end it. A member who has left ends their post on the day they left."""
    current = (
        IdentityPost.objects.select_for_update().filter(in_service=member, ended_on__isnull=True).first()
    )
    wanted = post if member.left_on is None else ""
    if current is not None and current.post != wanted:
        if wanted:
            current.post = wanted
            current._history_user = actor
            current.save(update_fields=["post"])
            return
        current.ended_on = max(current.started_on, member.left_on or today)
        current._history_user = actor
        current.save(update_fields=["ended_on"])
    elif current is None and wanted:
        row = IdentityPost(
            community_id=member.community_id,
            in_service=member,
            post=wanted,
            started_on=start,
        )
        row._history_user = actor
        row.save()


@transaction.atomic
def in_service_create(
    *, actor, community: Community, data: InServiceData, today: dt.date | None = None
) -> InServiceMember:
    """Register an in-service party member with the community (双报到)."""
    _require(actor, "organizing.change_in_service", community)
    today = today or dt.date.today()
    values = _check_in_service(data, community=community, actor=actor, today=today, current=None)
    post = values.pop("identity_post")
    member = InServiceMember(community=community, **values)
    _save(member, actor)
    # Registered with a post: they have shown their identity since registering.
    _sync_identity(member, post, actor=actor, today=today, start=member.registered_on)
    return member


@transaction.atomic
def in_service_update(
    *, actor, member: InServiceMember, data: InServiceData, today: dt.date | None = None
) -> InServiceMember:
    """Correct an in-service member's registration, or record that they left (`left_on`)."""
    member = InServiceMember.objects.select_for_update().select_related("community").get(pk=member.pk)
    _require(actor, "organizing.change_in_service", member.community)
    today = today or dt.date.today()
    values = _check_in_service(data, community=member.community, actor=actor, today=today, current=member)
    post = values.pop("identity_post")
    for name, value in values.items():
        setattr(member, name, value)
    _save(member, actor)
    _sync_identity(member, post, actor=actor, today=today, start=max(today, member.registered_on))
    return member


@transaction.atomic
def in_service_delete(*, actor, member: InServiceMember) -> None:
    """Remove a registration entered by mistake (its change history stays). Someone who stopped serving
    here is recorded with a leaving date instead, so the figures of past years stay true."""
    member = InServiceMember.objects.select_for_update().select_related("community").get(pk=member.pk)
    _require(actor, "organizing.change_in_service", member.community)
    member._history_user = actor
    for post in IdentityPost.objects.filter(in_service=member):
        post._history_user = actor
        post.delete()
    member.delete()


# ── Identity posts of resident party members (亮身份) ────────────────────────────────────────────────


def _check_post(post: str, started_on: dt.date | None, *, resident: Resident, today: dt.date) -> str:
    errors: dict[str, list[str]] = {}
    post = " ".join((post or "").split())
    if not post:
        errors["post"] = [_("请填写党员责任岗，例如“楼道堆物巡查岗”。")]
    elif len(post) > POST_MAX:
        errors["post"] = [_("党员责任岗不能超过%(max)s个字。") % {"max": POST_MAX}]
    if started_on is None:
        errors["started_on"] = [_("请填写亮身份起始日期。")]
    elif started_on > today:
        errors["started_on"] = [_("起始日期不能晚于今天。")]
    elif resident.party_joined and started_on < resident.party_joined:
        errors["started_on"] = [
            _("起始日期不能早于入党日期（%(day)s）。") % {"day": long_date(resident.party_joined)}
        ]
    if errors:
        raise DomainError(_("请更正标出的内容。"), errors=errors)
    return post


@transaction.atomic
def identity_post_set(
    *, actor, resident: Resident, post: str, started_on: dt.date | None, today: dt.date | None = None
) -> IdentityPost:
    """Record (or correct) the post on which a resident party member shows their identity."""
    _require(actor, "organizing.change_identity_post", resident)
    if not resident.is_party_member or not resident.is_current:
        raise DomainError(_("只有本社区在住的党员才能亮身份。"))
    today = today or dt.date.today()
    post = _check_post(post, started_on, resident=resident, today=today)
    row = IdentityPost.objects.select_for_update().filter(resident=resident, ended_on__isnull=True).first()
    if row is None:
        row = IdentityPost(community_id=resident.community_id, resident=resident)
    row.post, row.started_on = post, started_on
    row._history_user = actor
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise DomainError(_("这位党员已有亮身份岗位，请刷新页面后再改。")) from None
    return row


@transaction.atomic
def identity_post_end(
    *, actor, resident: Resident, on: dt.date | None, today: dt.date | None = None
) -> IdentityPost:
    """End a resident's current identity post on `on` (the post stays in their history)."""
    _require(actor, "organizing.change_identity_post", resident)
    today = today or dt.date.today()
    row = IdentityPost.objects.select_for_update().filter(resident=resident, ended_on__isnull=True).first()
    if row is None:
        raise DomainError(_("这位党员目前没有亮身份岗位。"))
    if on is None:
        raise DomainError(_("请填写结束日期。"), field="ended_on")
    if on > today:
        raise DomainError(_("结束日期不能晚于今天。"), field="ended_on")
    if on < row.started_on:
        raise DomainError(
            _("结束日期不能早于起始日期（%(day)s）。") % {"day": long_date(row.started_on)}, field="ended_on"
        )
    row.ended_on = on
    row._history_user = actor
    row.save(update_fields=["ended_on"])
    return row


def in_service_phone_reveal(*, actor, member: InServiceMember, reason: str, request=None) -> str:
    """Record that `actor` looked at an in-service member's phone for `reason`, and return it in clear.

    The same rule as a resident's reveal (registry/privacy.py): a reason is required, the access log gets
    one row (never the value) before the value is returned. Staff of the community only."""
    _require(actor, "organizing.view_in_service", member.community)
    _field, reason = check_reveal_request("phone", reason)
    if not member.phone:
        raise DomainError(_("此人没有登记联系电话。"), field="field")
    access_record(
        user=actor,
        action=AccessAction.REVEAL,
        community=member.community,
        obj=member,
        field="phone",
        reason=reason,
        request=request,
    )
    return member.phone
