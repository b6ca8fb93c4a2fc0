"""JSON API of the organizing app: party (mounted under /api/v1 by linli.api.api).

Party members with their party age, the year's 50-year medal candidates, in-service members (双报到) and a
branch's figures. Every endpoint reads through the scope (out of scope: 404) and asks the rules of
rules_party.py (a role without the permission: 403); a body is read only after those checks, so a caller
who may not act never learns what a valid body would be. In-service members' phones leave masked.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from linli.api.schemas import Id, PageParams, error_responses, json_body, parse_body, text
from linli.core.errors import DomainError
from linli.core.identity import mask_phone
from linli.organizing import party, selectors_party, services_party
from linli.registry import selectors as registry_selectors

router = Router(tags=["party"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


def _community(user, community_id: int, perm: str):
    community = registry_selectors.access_community(user, community_id)
    _require(user, perm, community)
    return community


def _year(year: int | None) -> int:
    """The medal year asked for (default: this year), or a 422 in Chinese."""
    if year is None:
        return max(dt.date.today().year, party.MEDAL_FIRST_YEAR)
    try:
        return party.check_medal_year(year)
    except ValueError:
        raise DomainError(
            _("“光荣在党50年”纪念章从%(first)s年开始颁发，请填写%(first)s至%(last)s之间的年份。")
            % {"first": party.MEDAL_FIRST_YEAR, "last": party.MEDAL_LAST_YEAR},
            field="year",
        ) from None


# ── Output shapes ────────────────────────────────────────────────────────────────────────────────


class PartyMemberOut(Schema):
    id: int = Field(description="居民 id。")
    name: str
    building_id: int
    building_label: str
    flat_label: str
    branch_id: int | None
    branch_name: str
    joined: dt.date = Field(description="入党日期。")
    full_member: dt.date | None = Field(description="转正日期；预备党员为 null。")
    standing_years: int | None = Field(description="党龄（整年，从转正之日起算）；预备党员为 null。")
    medal_year: int | None = Field(description="“光荣在党50年”纪念章的建议年份；预备党员为 null。")
    identity_post: str = Field(description="亮身份的党员责任岗；未亮身份为空字符串。")


def _member_out(row: selectors_party.PartyMemberRow) -> dict:
    return {
        "id": row.pk,
        "name": row.name,
        "building_id": row.building_id,
        "building_label": row.building,
        "flat_label": row.flat,
        "branch_id": row.branch_id,
        "branch_name": row.branch,
        "joined": row.joined,
        "full_member": row.full_member,
        "standing_years": row.standing,
        "medal_year": row.medal_year,
        "identity_post": row.post,
    }


class PartyMemberPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[PartyMemberOut]


class MedalCandidatesOut(Schema):
    year: int
    full_member_after: dt.date | None = Field(description="转正日期晚于此日（不含）；2021年无下限。")
    full_member_until: dt.date = Field(description="转正日期不晚于此日（含）。")
    count: int
    items: list[PartyMemberOut]


class InServiceOut(Schema):
    id: int
    community_id: int
    name: str
    phone: str = Field(description="已打码，例如 138****5678。")
    work_unit: str
    resident_id: int | None = Field(description="住在本居民区时，对应的居民 id。")
    branch_id: int | None
    branch_name: str
    registered_on: dt.date
    left_on: dt.date | None
    services: str
    group_id: int | None
    group_name: str
    identity_post: str = Field(description="亮身份的党员责任岗；未亮身份为空字符串。")


def _in_service_out(row: selectors_party.InServiceRow, community_id: int) -> dict:
    return {
        "id": row.pk,
        "community_id": community_id,
        "name": row.name,
        "phone": mask_phone(row.phone),
        "work_unit": row.work_unit,
        "resident_id": row.resident_id,
        "branch_id": row.branch_id,
        "branch_name": row.branch,
        "registered_on": row.registered_on,
        "left_on": row.left_on,
        "services": row.services,
        "group_id": row.group_id,
        "group_name": row.group,
        "identity_post": row.post,
    }


class InServicePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[InServiceOut]


class PersonRef(Schema):
    id: int
    name: str


class BranchFiguresOut(Schema):
    members: int
    full_members: int
    probationary: int
    average_standing: float | None = Field(description="正式党员的平均党龄（年，一位小数）。")
    medal_candidates: int = Field(description="year 年“光荣在党50年”纪念章的建议人选人数。")
    in_service: int = Field(description="向本支部报到、目前在服务的在职党员人数。")
    showing_identity: int = Field(description="目前亮身份的党员（含在职党员）人数。")


class BranchOut(Schema):
    id: int
    community_id: int
    name: str
    secretary: PersonRef | None
    groups: list[PersonRef] = Field(description="本支部指导的团队。")
    year: int
    figures: BranchFiguresOut


# ── Input shapes ─────────────────────────────────────────────────────────────────────────────────


class PartyMemberParams(PageParams):
    q: text(50) = Field("", description="姓名中的汉字，或拼音/首字母的开头。")
    branch: Id | None = Field(None, description="党支部 id。")
    building: Id | None = Field(None, description="楼栋 id。")
    medal_year: int | None = Field(None, description="只列出该年“光荣在党50年”纪念章的建议人选（2021年起）。")
    shows_identity: bool | None = Field(
        None, description="true：只列出亮身份的党员；false：只列出未亮身份的。"
    )


class MedalParams(Schema):
    year: int | None = Field(None, description="颁发年份（2021年起），默认今年。")
    branch: Id | None = Field(None, description="只列出这个党支部的党员。")


class InServiceParams(PageParams):
    q: text(50) = Field("", description="姓名或工作单位中的文字。")
    branch: Id | None = Field(None, description="报到党支部 id。")
    include_left: bool = Field(False, description="包括已离开的在职党员。")


class InServiceIn(Schema):
    name: text(50)
    work_unit: text(100) = Field(description="组织关系所在的工作单位。")
    registered_on: dt.date = Field(description="到社区报到的日期。")
    phone: text(30) = ""
    resident_id: Id | None = Field(None, description="住在本居民区时，对应的居民 id。")
    branch_id: Id | None = Field(None, description="报到的党支部 id；不填表示向居民区党组织报到。")
    services: text(2000) = Field("", description="在社区的服务，例如“每周六参加楼道巡查”。")
    group_id: Id | None = Field(None, description="参加的团队 id。")
    identity_post: text(100) = Field("", description="亮身份的党员责任岗；空字符串表示不亮身份。")


class InServicePatch(Schema):
    """Only the fields sent are changed. `phone`: "" (or null) clears it. `resident_id`, `branch_id`,
    `group_id`, `left_on`: null clears them. `identity_post`: "" ends the post."""

    name: text(50) | None = None
    work_unit: text(100) | None = None
    registered_on: dt.date | None = None
    left_on: dt.date | None = Field(None, description="离开日期：不再在本社区服务时填写，记录保留。")
    phone: text(30) | None = None
    resident_id: Id | None = None
    branch_id: Id | None = None
    services: text(2000) | None = None
    group_id: Id | None = None
    identity_post: text(100) | None = None


# The services name some inputs after the model; the API's callers know them by their body field.
SERVICE_TO_API_FIELDS = {"resident": "resident_id", "branch": "branch_id", "group": "group_id"}


def _api_error(exc: DomainError) -> DomainError:
    return DomainError(
        exc.message, errors={SERVICE_TO_API_FIELDS.get(k, k): v for k, v in exc.errors.items()}
    )


def _in_service_row(user, member_id: int) -> tuple[selectors_party.InServiceRow, int]:
    member = selectors_party.access_in_service(user, member_id)
    _require(user, "organizing.view_in_service", member.community)
    qs = selectors_party.in_service_matches(
        user, member.community, selectors_party.InServiceFilters(include_left=True)
    ).filter(pk=member.pk)
    return selectors_party.in_service_rows(qs)[0], member.community_id


# ── Endpoints ────────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/communities/{community_id}/party/members",
    response={200: PartyMemberPage, **READ_ERRORS},
    summary="党员名单（含党龄）",
    description=(
        "本居民区在住的党员：党支部、入党和转正日期、党龄（从转正之日起算，预备党员无党龄）、亮身份岗位。"
        "党员信息属于敏感个人信息：居委干部可查看全部，楼组长只可查看所负责楼栋的党员，其他角色不可查看。"
    ),
)
def party_member_list(request, community_id: Id, filters: Query[PartyMemberParams]):
    community = _community(request.auth, community_id, "organizing.view_party_members")
    medal_year = _year(filters.medal_year) if filters.medal_year is not None else None
    rows = selectors_party.party_member_rows(
        request.auth,
        community,
        selectors_party.PartyMemberFilters(
            q=filters.q,
            branch=filters.branch,
            building=filters.building,
            medal_year=medal_year,
            shows_identity=filters.shows_identity,
        ),
    )
    offset = (filters.page - 1) * filters.page_size
    items = rows[offset : offset + filters.page_size]
    return {
        "count": rows.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_member_out(r) for r in items],
    }


@router.get(
    "/communities/{community_id}/party/medal-candidates",
    response={200: MedalCandidatesOut, **READ_ERRORS},
    summary="“光荣在党50年”纪念章建议人选",
    description=(
        "截至当年7月1日党龄满50年的在住党员，每人只在一个年份列出：2021年（首次颁发）列出当时已满50年的全部党员，"
        "以后每年列出上一年7月1日之后满50年的党员。表现是否一贯良好由党支部认定，这里只是建议。"
    ),
)
def party_medal_candidates(request, community_id: Id, params: Query[MedalParams]):
    community = _community(request.auth, community_id, "organizing.view_party_members")
    year = _year(params.year)
    window = party.medal_window(year)
    rows = selectors_party.medal_candidates(request.auth, community, year, branch=params.branch)
    return {
        "year": year,
        "full_member_after": window.after,
        "full_member_until": window.until,
        "count": len(rows),
        "items": [_member_out(r) for r in rows],
    }


@router.get(
    "/communities/{community_id}/party/branches/{branch_id}",
    response={200: BranchOut, **READ_ERRORS},
    summary="党支部概况",
    description="支部书记、指导的团队，以及党员人数、平均党龄、当年纪念章建议人选、在职党员和亮身份人数。只限居委干部。",
)
def branch_figures(request, community_id: Id, branch_id: Id):
    branch = selectors_party.access_branch(request.auth, community_id, branch_id)
    page = selectors_party.branch_page(request.auth, branch)
    secretary = branch.secretary
    return {
        "id": branch.pk,
        "community_id": branch.community_id,
        "name": branch.name,
        "secretary": {"id": secretary.pk, "name": secretary.name} if secretary else None,
        "groups": [{"id": g.pk, "name": g.name} for g in page.groups],
        "year": page.year,
        "figures": vars(page.figures),
    }


@router.get(
    "/communities/{community_id}/party/in-service",
    response={200: InServicePage, **READ_ERRORS},
    summary="在职党员（双报到）名单",
    description="组织关系在工作单位、到本居民区报到服务的党员。只限居委干部；手机号码一律打码。",
)
def in_service_list(request, community_id: Id, filters: Query[InServiceParams]):
    community = _community(request.auth, community_id, "organizing.view_in_service")
    qs = selectors_party.in_service_matches(
        request.auth,
        community,
        selectors_party.InServiceFilters(
            q=filters.q, branch=filters.branch, include_left=filters.include_left
        ),
    )
    offset = (filters.page - 1) * filters.page_size
    rows = selectors_party.in_service_rows(qs[offset : offset + filters.page_size])
    return {
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_in_service_out(r, community.pk) for r in rows],
    }


@router.post(
    "/communities/{community_id}/party/in-service",
    response={201: InServiceOut, **WRITE_ERRORS},
    summary="登记在职党员",
    openapi_extra=json_body(InServiceIn),
)
def in_service_create(request, community_id: Id):
    community = _community(request.auth, community_id, "organizing.change_in_service")
    payload = parse_body(request, InServiceIn)
    try:
        member = services_party.in_service_create(
            actor=request.auth, community=community, data=services_party.InServiceData(**payload.model_dump())
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    row, community_id = _in_service_row(request.auth, member.pk)
    return Status(201, _in_service_out(row, community_id))


@router.get(
    "/party/in-service/{in_service_id}",
    response={200: InServiceOut, **READ_ERRORS},
    summary="一位在职党员",
    description="手机号码打码；查看完整号码请在页面上写明理由（记入访问记录）。",
)
def in_service_detail(request, in_service_id: Id):
    row, community_id = _in_service_row(request.auth, in_service_id)
    return _in_service_out(row, community_id)


@router.patch(
    "/party/in-service/{in_service_id}",
    response={200: InServiceOut, **WRITE_ERRORS},
    summary="修改在职党员的登记",
    description=(
        "只修改请求中出现的字段。phone 传空字符串（或 null）表示清除；resident_id、branch_id、group_id、"
        "left_on 传 null 表示清除；identity_post 传空字符串表示结束亮身份岗位；填写 left_on 表示已离开（记录保留）。"
    ),
    openapi_extra=json_body(InServicePatch),
)
def in_service_update(request, in_service_id: Id):
    member = selectors_party.access_in_service(request.auth, in_service_id)
    _require(request.auth, "organizing.change_in_service", member.community)
    payload = parse_body(request, InServicePatch)
    fields = payload.model_dump(exclude_unset=True)
    current = selectors_party.current_identity_post(in_service=member)
    base = {
        "name": member.name,
        "work_unit": member.work_unit,
        "registered_on": member.registered_on,
        "left_on": member.left_on,
        "phone": member.phone,
        "resident_id": member.resident_id,
        "branch_id": member.branch_id,
        "services": member.services,
        "group_id": member.group_id,
        "identity_post": current.post if current else "",
    }
    for name in ("phone", "services", "identity_post", "name", "work_unit"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    try:
        services_party.in_service_update(
            actor=request.auth, member=member, data=services_party.InServiceData(**{**base, **fields})
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    row, community_id = _in_service_row(request.auth, member.pk)
    return _in_service_out(row, community_id)


@router.delete(
    "/party/in-service/{in_service_id}",
    response={204: None, **WRITE_ERRORS},
    summary="删除登记错误的在职党员",
    description="只用于删除登记错误的记录（修改历史保留）；不再在本社区服务的，请用 PATCH 填写 left_on。",
)
def in_service_delete(request, in_service_id: Id):
    member = selectors_party.access_in_service(request.auth, in_service_id)
    _require(request.auth, "organizing.change_in_service", member.community)
    services_party.in_service_delete(actor=request.auth, member=member)
    return Status(204, None)
