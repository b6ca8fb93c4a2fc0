"""Groups, their members and building groups (楼组) over JSON (mounted under /api/v1 by linli.api.api).

Each endpoint reads through the scope (selectors_groups.access_*: out of scope is a 404), then asks the
rules whether the role may act (403); bad input is a 422 with Chinese messages per field, the body of
a write is read after those checks (linli.api.schemas.parse_body). Names of children are masked for
the roles that see them masked on the pages (registry/minors.py).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from linli.api.schemas import Id, error_responses, json_body, parse_body
from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.organizing import selectors_groups as selectors
from linli.organizing import services_groups as services
from linli.registry import minors
from linli.registry.selectors import access_community

router = Router(tags=["groups"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


def _person(person, scope) -> dict | None:
    if person is None:
        return None
    return {"id": person.pk, "name": minors.display_name(person, scope)}


# ── Output shapes ────────────────────────────────────────────────────────────────────────────────


class PersonOut(Schema):
    id: int
    name: str


class BranchRef(Schema):
    id: int
    name: str


class GroupOut(Schema):
    id: int
    community_id: int
    name: str
    purpose: str
    is_active: bool
    branch: BranchRef | None = Field(description="指导党支部。")
    leader: PersonOut | None
    deputy: PersonOut | None
    member_count: int = Field(description="现有成员人数。")


class MemberOut(Schema):
    id: int
    group_id: int
    resident: PersonOut
    joined_on: dt.date
    left_on: dt.date | None = Field(description="离开日期；null 表示仍是成员。")
    is_current: bool


class TrioOut(Schema):
    seat: int
    resident: PersonOut


class BuildingGroupOut(Schema):
    id: int
    community_id: int
    building_id: int
    entrance_id: int | None = Field(description="按单元组建时的单元 id；整栋楼一个楼组时为 null。")
    place: str = Field(description="楼栋或单元，例如 12号 或 12号2单元。")
    name: str = Field(description="楼组名称，例如 和美楼；可以为空。")
    leader: PersonOut | None
    deputy: PersonOut | None
    trio: list[TrioOut] = Field(description="楼道加梯三人组，按序号。")


class BuildingGroupDetailOut(BuildingGroupOut):
    party_members: list[PersonOut] = Field(description="住在本楼（单元）的党员，来自居民名册。")


# ── Input shapes ─────────────────────────────────────────────────────────────────────────────────


class MemberIn(Schema):
    """A membership period: a current member (no `left_on`), or a past one put on record."""

    resident_id: Id
    joined_on: dt.date
    left_on: dt.date | None = None


class MemberEndIn(Schema):
    date: dt.date = Field(description="离开日期，不能早于加入日期，不能晚于今天。")


SERVICE_TO_API_FIELDS = {"resident": "resident_id", "left_on": "date"}


def _group_out(group, scope, member_count: int) -> dict:
    return {
        "id": group.pk,
        "community_id": group.community_id,
        "name": group.name,
        "purpose": group.purpose,
        "is_active": group.is_active,
        "branch": {"id": group.branch_id, "name": group.branch.name} if group.branch_id else None,
        "leader": _person(group.leader, scope),
        "deputy": _person(group.deputy, scope),
        "member_count": member_count,
    }


def _member_out(member, scope) -> dict:
    return {
        "id": member.pk,
        "group_id": member.group_id,
        "resident": _person(member.resident, scope),
        "joined_on": member.joined_on,
        "left_on": member.left_on,
        "is_current": member.is_current,
    }


def _building_group_out(bg, scope, trio) -> dict:
    return {
        "id": bg.pk,
        "community_id": bg.community_id,
        "building_id": bg.building_id,
        "entrance_id": bg.entrance_id,
        "place": bg.place_label,
        "name": bg.name,
        "leader": _person(bg.leader, scope),
        "deputy": _person(bg.deputy, scope),
        "trio": [{"seat": t.seat, "resident": _person(t.resident, scope)} for t in trio],
    }


# ── Groups ───────────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/communities/{community_id}/groups",
    response={200: list[GroupOut], **READ_ERRORS},
    summary="团队列表",
    description="居委干部看到本居民区的全部团队；组长、副组长看到自己的团队。",
)
def group_list(request, community_id: Id):
    community = access_community(request.auth, community_id)
    _require(request.auth, "organizing.view_groups", community)
    scope = scope_for(request.auth)
    return [_group_out(g, scope, g.member_count) for g in selectors.group_rows(request.auth, community)]


@router.get("/groups/{group_id}", response={200: GroupOut, **READ_ERRORS}, summary="一个团队")
def group_detail(request, group_id: Id):
    group = selectors.access_group(request.auth, group_id)
    count = group.members.filter(left_on__isnull=True).count()
    return _group_out(group, scope_for(request.auth), count)


@router.get(
    "/groups/{group_id}/members",
    response={200: list[MemberOut], **READ_ERRORS},
    summary="团队成员",
    description="现有成员在前，然后是以前的成员时间（居委干部可见；组长只看到现有成员）。include_past=false 只列现有成员。",
)
def group_members(request, group_id: Id, include_past: bool = True):
    group = selectors.access_group(request.auth, group_id)
    scope = scope_for(request.auth)
    members = selectors.group_members(request.auth, group, include_past=include_past)
    return [_member_out(m, scope) for m in members]


@router.post(
    "/groups/{group_id}/members",
    response={201: MemberOut, **WRITE_ERRORS},
    summary="登记成员",
    description="同一居民在同一团队的成员时间不能重叠；登记以前的成员时写 left_on。",
    openapi_extra=json_body(MemberIn),
)
def group_member_add(request, group_id: Id):
    group = selectors.access_group(request.auth, group_id)
    _require(request.auth, "organizing.change_group_members", group)
    payload = parse_body(request, MemberIn)
    try:
        member = services.group_member_add(
            actor=request.auth,
            group=group,
            resident_id=payload.resident_id,
            joined_on=payload.joined_on,
            left_on=payload.left_on,
        )
    except DomainError as exc:
        errors = {("resident_id" if k == "resident" else k): v for k, v in exc.errors.items()}
        raise DomainError(exc.message, errors=errors) from None
    member = selectors.access_group_member(request.auth, member.pk)
    return Status(201, _member_out(member, scope_for(request.auth)))


@router.post(
    "/group-members/{member_id}/end",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="结束成员身份",
    description="记录离开日期；成员记录保留。组长、副组长须先更换，才能结束其成员身份。",
    openapi_extra=json_body(MemberEndIn),
)
def group_member_end(request, member_id: Id):
    member = selectors.access_group_member(request.auth, member_id)
    _require(request.auth, "organizing.change_group_members", member.group)
    payload = parse_body(request, MemberEndIn)
    try:
        services.group_member_end(actor=request.auth, member=member, left_on=payload.date)
    except DomainError as exc:
        errors = {SERVICE_TO_API_FIELDS.get(k, k): v for k, v in exc.errors.items()}
        raise DomainError(exc.message, errors=errors) from None
    member = selectors.access_group_member(request.auth, member.pk)
    return _member_out(member, scope_for(request.auth))


# ── Building groups ──────────────────────────────────────────────────────────────────────────────


@router.get(
    "/communities/{community_id}/building-groups",
    response={200: list[BuildingGroupOut], **READ_ERRORS},
    summary="楼组列表",
    description="居委干部看到本居民区的全部楼组；楼组长看到自己负责的楼栋的楼组。",
)
def building_group_list(request, community_id: Id):
    community = access_community(request.auth, community_id)
    _require(request.auth, "organizing.view_building_groups", community)
    scope = scope_for(request.auth)
    rows = list(selectors.building_group_rows(request.auth, community))
    trios = selectors.building_group_trios(rows)
    return [_building_group_out(bg, scope, trios.get(bg.pk, [])) for bg in rows]


@router.get(
    "/building-groups/{building_group_id}",
    response={200: BuildingGroupDetailOut, **READ_ERRORS},
    summary="一个楼组",
    description="楼组长、副楼组长、加梯三人组，以及住在本楼的党员（来自居民名册）。",
)
def building_group_detail(request, building_group_id: Id):
    bg = selectors.access_building_group(request.auth, building_group_id)
    scope = scope_for(request.auth)
    out = _building_group_out(bg, scope, selectors.building_group_trio(bg))
    out["party_members"] = [
        _person(p, scope) for p in selectors.building_group_party_members(request.auth, bg)
    ]
    return out
