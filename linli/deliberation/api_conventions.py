"""Conventions (公约) and public notices (公示) over JSON (mounted under /api/v1 by linli.api.api).

Every endpoint reads through the scope (selectors_*: out of scope is a 404), asks the rules whether the
role may act (403), and turns a refused input into a 422 with a Chinese message. Residents use the same
endpoints for what they may do: read, suggest, sign for their own household, object, mark as read.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from linli.api.schemas import Id, error_responses, json_body, parse_body, text
from linli.core.errors import DomainError
from linli.deliberation import selectors_conventions as conventions
from linli.deliberation import selectors_notices as notices
from linli.deliberation import services_conventions, services_notices
from linli.deliberation.models import SignatureMethod, SuggestionKind
from linli.registry.models import Household
from linli.registry.selectors import access_community

router = Router(tags=["conventions"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


# ── Shapes ───────────────────────────────────────────────────────────────────────────────────────


class ConventionOut(Schema):
    id: int
    community_id: int
    title: str
    building_ids: list[int] = Field(description="适用楼栋；空表示全体居民的居民公约。")
    status: str = Field(description="drafting 起草中 | adopted 已通过。")
    adopted_version_id: int | None
    adopted_on: dt.date | None
    resolution: str = Field(description="决议依据。")


class VersionOut(Schema):
    id: int
    number: int
    text: str
    note: str
    created_at: dt.datetime


class DiffOut(Schema):
    old_id: int
    new_id: int
    html: str = Field(description="HTML：删除的文字在 <del>，新增的在 <ins>，按句比较。")


class SuggestionIn(Schema):
    text: text(2000)
    kind: str = Field(SuggestionKind.SUGGESTION, description="suggestion 建议 | comment 评论。")


class SuggestionOut(Schema):
    id: int
    kind: str
    text: str
    answer: str
    version_id: int | None
    created_at: dt.datetime


class SignIn(Schema):
    household_id: Id
    method: str = Field(SignatureMethod.ONLINE, description="online 居民线上签署 | staff 工作人员登记。")


class SignatureOut(Schema):
    id: int
    convention_id: int
    household_id: int
    version_id: int
    method: str
    signed_at: dt.datetime


class NoticeOut(Schema):
    id: int
    community_id: int
    title: str
    text: str
    building_ids: list[int] = Field(description="公示范围；空表示全体居民。")
    starts_at: dt.datetime
    ends_at: dt.datetime
    closed_at: dt.datetime | None
    attachments: list[dict] = Field(description="附件：id、文件名、类型、大小。")


class NoticeCountsOut(NoticeOut):
    read_count: int
    objection_count: int


class ObjectionIn(Schema):
    text: text(2000)


class ObjectionOut(Schema):
    id: int
    notice_id: int
    text: str
    filed_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class ReadOut(Schema):
    notice_id: int
    read_at: dt.datetime


def _convention_out(c) -> dict:
    return {
        "id": c.pk,
        "community_id": c.community_id,
        "title": c.title,
        "building_ids": sorted(b.pk for b in c.buildings.all()),
        "status": c.status,
        "adopted_version_id": c.adopted_version_id,
        "adopted_on": c.adopted_on,
        "resolution": c.resolution,
    }


def _notice_out(n, *, counts: bool = False) -> dict:
    out = {
        "id": n.pk,
        "community_id": n.community_id,
        "title": n.title,
        "text": n.text,
        "building_ids": sorted(b.pk for b in n.buildings.all()),
        "starts_at": n.starts_at,
        "ends_at": n.ends_at,
        "closed_at": n.closed_at,
        "attachments": [
            {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}
            for a in n.attachments.all()
        ],
    }
    if counts:
        out["read_count"] = n.read_count
        out["objection_count"] = n.objection_count
    return out


# ── Conventions ──────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/communities/{community_id}/conventions",
    response={200: list[ConventionOut], **READ_ERRORS},
    summary="公约列表",
    description="居委干部看到本居民区的全部公约；楼组长看到涉及自己楼栋的公约。",
)
def convention_list(request, community_id: Id):
    community = access_community(request.auth, community_id)
    _require(request.auth, "deliberation.view_conventions", community)
    return [_convention_out(c) for c in conventions.conventions_for(request.auth, community.pk)]


@router.get("/conventions/{convention_id}", response={200: ConventionOut, **READ_ERRORS}, summary="一份公约")
def convention_detail(request, convention_id: Id):
    return _convention_out(conventions.convention_get(request.auth, convention_id))


@router.get(
    "/conventions/{convention_id}/versions",
    response={200: list[VersionOut], **READ_ERRORS},
    summary="公约各稿",
)
def convention_versions(request, convention_id: Id):
    convention = conventions.convention_get(request.auth, convention_id)
    return [
        {"id": v.pk, "number": v.number, "text": v.text, "note": v.note, "created_at": v.created_at}
        for v in conventions.versions_of(convention)
    ]


@router.get(
    "/conventions/{convention_id}/diff",
    response={200: DiffOut, **READ_ERRORS},
    summary="两稿对比",
    description="old、new 为版本 id；不填时比较最后两稿。",
)
def convention_diff(request, convention_id: Id, old: Id | None = None, new: Id | None = None):
    convention = conventions.convention_get(request.auth, convention_id)
    versions = conventions.versions_of(convention)
    if not versions:
        raise DomainError(_("这份公约还没有正文。"))
    b = conventions.version_get(convention, new) if new else versions[-1]
    a = conventions.version_get(convention, old) if old else versions[max(len(versions) - 2, 0)]
    return {"old_id": a.pk, "new_id": b.pk, "html": str(conventions.diff_html(a.text, b.text))}


@router.get(
    "/conventions/{convention_id}/suggestions",
    response={200: list[SuggestionOut], **READ_ERRORS},
    summary="献言献策",
    description="居委干部和楼组长看到全部建议；居民看到自己家提出的。",
)
def convention_suggestions(request, convention_id: Id):
    convention = conventions.convention_get(request.auth, convention_id)
    rows = conventions.suggestions_of(request.auth, convention)
    return [
        {
            "id": s.pk,
            "kind": s.kind,
            "text": s.text,
            "answer": s.answer,
            "version_id": s.version_id,
            "created_at": s.created_at,
        }
        for s in rows
    ]


@router.post(
    "/conventions/{convention_id}/suggestions",
    response={201: SuggestionOut, **WRITE_ERRORS},
    summary="提出建议",
    openapi_extra=json_body(SuggestionIn),
)
def convention_suggest(request, convention_id: Id):
    convention = conventions.convention_get(request.auth, convention_id)
    _require(request.auth, "deliberation.suggest_convention", convention)
    payload = parse_body(request, SuggestionIn)
    s = services_conventions.suggestion_file(
        actor=request.auth, convention=convention, text=payload.text, kind=payload.kind
    )
    return Status(
        201,
        {
            "id": s.pk,
            "kind": s.kind,
            "text": s.text,
            "answer": s.answer,
            "version_id": s.version_id,
            "created_at": s.created_at,
        },
    )


@router.post(
    "/conventions/{convention_id}/signatures",
    response={201: SignatureOut, **WRITE_ERRORS},
    summary="签署公约",
    description="居民为自己家线上签署（method=online）；居委干部、楼组长登记纸质签名（method=staff）。每户一次。",
    openapi_extra=json_body(SignIn),
)
def convention_sign(request, convention_id: Id):
    convention = conventions.convention_get(request.auth, convention_id)
    payload = parse_body(request, SignIn)
    household = Household.objects.select_related("flat").filter(pk=payload.household_id).first()
    if household is None or household.community_id != convention.community_id:
        raise DomainError(_("找不到该户。"), field="household_id")
    s = services_conventions.convention_sign(
        actor=request.auth, convention=convention, household=household, method=payload.method
    )
    return Status(
        201,
        {
            "id": s.pk,
            "convention_id": s.convention_id,
            "household_id": s.household_id,
            "version_id": s.version_id,
            "method": s.method,
            "signed_at": s.signed_at,
        },
    )


# ── Notices ──────────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/communities/{community_id}/notices",
    response={200: list[NoticeCountsOut], **READ_ERRORS},
    summary="公示列表",
    description="居委干部看到本居民区的全部公示及阅读、异议数；楼组长看到涉及自己楼栋的公示。",
)
def notice_list(request, community_id: Id):
    community = access_community(request.auth, community_id)
    _require(request.auth, "deliberation.view_notices", community)
    rows = notices.notices_for(request.auth, community.pk).prefetch_related("attachments")
    return [_notice_out(n, counts=True) for n in rows]


@router.get("/me/notices", response={200: list[NoticeOut], **READ_ERRORS}, summary="我的公示")
def my_notices(request):
    return [_notice_out(n) for n in notices.notices_for_user(request.auth)]


@router.get("/notices/{notice_id}", response={200: NoticeOut, **READ_ERRORS}, summary="一则公示")
def notice_detail(request, notice_id: Id):
    return _notice_out(notices.notice_get(request.auth, notice_id))


@router.post("/notices/{notice_id}/read", response={200: ReadOut, **WRITE_ERRORS}, summary="标记已读")
def notice_read(request, notice_id: Id):
    notice = notices.notice_get(request.auth, notice_id)
    receipt = services_notices.notice_mark_read(actor=request.auth, notice=notice)
    return {"notice_id": notice.pk, "read_at": receipt.read_at}


@router.get(
    "/notices/{notice_id}/objections",
    response={200: list[ObjectionOut], **READ_ERRORS},
    summary="异议及答复",
    description="居委干部和楼组长看到全部异议；居民看到自己家提出的。",
)
def notice_objections(request, notice_id: Id):
    notice = notices.notice_get(request.auth, notice_id)
    return [_objection_out(o) for o in notices.objections_for(request.auth, notice)]


def _objection_out(o) -> dict:
    return {
        "id": o.pk,
        "notice_id": o.notice_id,
        "text": o.text,
        "filed_at": o.filed_at,
        "answer": o.answer,
        "answered_at": o.answered_at,
    }


@router.post(
    "/notices/{notice_id}/objections",
    response={201: ObjectionOut, **WRITE_ERRORS},
    summary="提出异议",
    description="公示期内可提出；公示期结束后返回 422。",
    openapi_extra=json_body(ObjectionIn),
)
def notice_object(request, notice_id: Id):
    notice = notices.notice_get(request.auth, notice_id)
    _require(request.auth, "deliberation.file_objection", notice)
    payload = parse_body(request, ObjectionIn)
    objection = services_notices.objection_file(actor=request.auth, notice=notice, text=payload.text)
    return Status(201, _objection_out(objection))
