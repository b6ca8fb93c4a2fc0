"""JSON API of the deliberation app: meetings (mounted under /api/v1 by linli.api.api).

Each endpoint reads through the scope (selectors_meetings.access_*: out of scope is a 404), then asks
the rules whether the role may act (403); bad input is a 422 with Chinese messages per field (the body
is read after those checks, linli.api.schemas.parse_body). Names of children are masked as on the pages.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from linli.api.schemas import Id, error_responses, json_body, parse_body, text
from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.deliberation import selectors_meetings as selectors
from linli.deliberation import services_meetings as services
from linli.deliberation.models import CheckInMethod, Minutes
from linli.registry import minors
from linli.registry.selectors import access_community

router = Router(tags=["meetings"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


class MeetingOut(Schema):
    id: int
    community_id: int
    level: str = Field(description="building（楼组）或 community（居民区）。")
    building_ids: list[int]
    title: str
    starts_at: dt.datetime
    place: str
    status: str = Field(description="planned 计划中、held 已召开、cancelled 已取消。")
    invitee_count: int
    attendance_count: int


class AgendaItemOut(Schema):
    position: int
    title: str


class MinutesOut(Schema):
    text: str
    approved: bool


class ResolutionOut(Schema):
    id: int
    position: int
    text: str
    entitled: int
    present: int
    votes_for: int
    votes_against: int
    votes_abstain: int
    passed: bool = Field(description="按居民会议规则：过半数应到人员到会，且赞成超过到会人数的一半。")


class TaskOut(Schema):
    id: int
    meeting_id: int
    text: str
    owner_id: int | None
    owner_name: str
    due_on: dt.date
    done_at: dt.datetime | None


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]
    minutes: MinutesOut | None
    resolutions: list[ResolutionOut]
    tasks: list[TaskOut]


class AttendanceOut(Schema):
    resident_id: int
    name: str
    invited: bool
    signed_in_at: dt.datetime | None
    method: str | None = Field(description="staff 工作人员登记，qr 扫码签到；未签到为 null。")


class AttendanceIn(Schema):
    resident_id: Id


class ResolutionIn(Schema):
    text: text(2000)
    entitled: int = Field(ge=0, le=100_000)
    present: int = Field(ge=0, le=100_000)
    votes_for: int = Field(ge=0, le=100_000)
    votes_against: int = Field(0, ge=0, le=100_000)
    votes_abstain: int = Field(0, ge=0, le=100_000)


class TaskIn(Schema):
    text: text(200)
    owner_id: Id
    due_on: dt.date


class TaskDoneIn(Schema):
    done: bool = True


def _meeting_out(m, *, invitee_count: int, attendance_count: int) -> dict:
    return {
        "id": m.pk,
        "community_id": m.community_id,
        "level": m.level,
        "building_ids": [b.pk for b in m.buildings.all()],
        "title": m.title,
        "starts_at": m.starts_at,
        "place": m.place,
        "status": m.status,
        "invitee_count": invitee_count,
        "attendance_count": attendance_count,
    }


def _resolution_out(r) -> dict:
    return {
        f: getattr(r, f)
        for f in (
            "position",
            "text",
            "entitled",
            "present",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "passed",
        )
    } | {"id": r.pk}


def _task_out(t) -> dict:
    return {
        "id": t.pk,
        "meeting_id": t.meeting_id,
        "text": t.text,
        "owner_id": t.owner_id,
        "owner_name": str(t.owner) if t.owner_id else "",
        "due_on": t.due_on,
        "done_at": t.done_at,
    }


@router.get(
    "/communities/{community_id}/meetings",
    response={200: list[MeetingOut], **READ_ERRORS},
    summary="议事会议列表",
    description="居委干部看到本居民区的全部会议；楼组长看到涉及自己负责楼栋的楼组会议。",
)
def meeting_list(request, community_id: Id):
    community = access_community(request.auth, community_id)
    _require(request.auth, "deliberation.view_meetings", community)
    return [
        _meeting_out(m, invitee_count=m.invitee_count, attendance_count=m.attendance_count)
        for m in selectors.meeting_rows(request.auth, community)
    ]


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS}, summary="一次会议")
def meeting_detail(request, meeting_id: Id):
    m = selectors.access_meeting(request.auth, meeting_id)
    minutes = Minutes.objects.filter(meeting=m).first()
    out = _meeting_out(m, invitee_count=m.invitees.count(), attendance_count=m.attendances.count())
    out["agenda"] = [{"position": a.position, "title": a.title} for a in m.agenda_items.all()]
    out["minutes"] = {"text": minutes.text, "approved": minutes.approved} if minutes else None
    out["resolutions"] = [_resolution_out(r) for r in m.resolutions.all()]
    out["tasks"] = [_task_out(t) for t in selectors.meeting_tasks(m)]
    return out


@router.get(
    "/meetings/{meeting_id}/attendance",
    response={200: list[AttendanceOut], **READ_ERRORS},
    summary="签到表",
    description="参会人在前，然后是未在邀请名单上但已签到的居民。",
)
def meeting_attendance(request, meeting_id: Id):
    m = selectors.access_meeting(request.auth, meeting_id)
    scope = scope_for(request.auth)
    return [
        {
            "resident_id": row["resident"].pk,
            "name": minors.display_name(row["resident"], scope),
            "invited": not row.get("uninvited"),
            "signed_in_at": row["attendance"].at if row["attendance"] else None,
            "method": row["attendance"].method if row["attendance"] else None,
        }
        for row in selectors.sign_in_sheet(m)
    ]


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={201: AttendanceOut, **WRITE_ERRORS},
    summary="登记签到",
    description="工作人员为一位居民登记签到；重复登记返回原签到记录。",
    openapi_extra=json_body(AttendanceIn),
)
def meeting_attendance_add(request, meeting_id: Id):
    m = selectors.access_meeting(request.auth, meeting_id)
    _require(request.auth, "deliberation.change_meeting", m)
    payload = parse_body(request, AttendanceIn)
    resident = services.meeting_resident(m, payload.resident_id)
    if resident is None:
        raise DomainError(_("这位居民不在本次会议的参会范围内。"), field="resident_id")
    a = services.meeting_check_in(
        actor=request.auth, meeting=m, resident=resident, method=CheckInMethod.STAFF
    )
    return Status(
        201,
        {
            "resident_id": resident.pk,
            "name": minors.display_name(resident, scope_for(request.auth)),
            "invited": m.invitees.filter(resident=resident).exists(),
            "signed_in_at": a.at,
            "method": a.method,
        },
    )


@router.post(
    "/meetings/{meeting_id}/resolutions",
    response={201: ResolutionOut, **WRITE_ERRORS},
    summary="记录决议",
    description="结果按居民会议规则计算：过半数应到人员到会，且赞成人数超过实到人数的一半（均须严格过半）。",
    openapi_extra=json_body(ResolutionIn),
)
def meeting_resolution_add(request, meeting_id: Id):
    m = selectors.access_meeting(request.auth, meeting_id)
    _require(request.auth, "deliberation.change_meeting", m)
    p = parse_body(request, ResolutionIn)
    r = services.resolution_record(
        actor=request.auth,
        meeting=m,
        text=p.text,
        counts=services.VoteCounts(p.entitled, p.present, p.votes_for, p.votes_against, p.votes_abstain),
    )
    return Status(201, _resolution_out(r))


@router.get("/meetings/{meeting_id}/tasks", response={200: list[TaskOut], **READ_ERRORS}, summary="会后事项")
def meeting_tasks(request, meeting_id: Id):
    m = selectors.access_meeting(request.auth, meeting_id)
    return [_task_out(t) for t in selectors.meeting_tasks(m)]


@router.post(
    "/meetings/{meeting_id}/tasks",
    response={201: TaskOut, **WRITE_ERRORS},
    summary="添加会后事项",
    description="负责人须是本居民区的工作人员，或本次会议范围内有登录账号的居民。到期前一天提醒负责人。",
    openapi_extra=json_body(TaskIn),
)
def meeting_task_add(request, meeting_id: Id):
    m = selectors.access_meeting(request.auth, meeting_id)
    _require(request.auth, "deliberation.change_meeting", m)
    p = parse_body(request, TaskIn)
    try:
        t = services.task_add(
            actor=request.auth, meeting=m, text=p.text, owner_id=p.owner_id, due_on=p.due_on
        )
    except DomainError as exc:
        errors = {("owner_id" if k == "owner" else k): v for k, v in exc.errors.items()}
        raise DomainError(exc.message, errors=errors) from None
    return Status(201, _task_out(t))


@router.post(
    "/meeting-tasks/{task_id}/done",
    response={200: TaskOut, **WRITE_ERRORS},
    summary="标记会后事项完成",
    description="done=false 改回未完成。会议的组织者和事项负责人可以标记。",
    openapi_extra=json_body(TaskDoneIn),
)
def meeting_task_done(request, task_id: Id):
    t = selectors.access_task(request.auth, task_id)
    if not (request.auth.has_perm("deliberation.change_meeting", t.meeting) or t.owner_id == request.auth.pk):
        raise PermissionDenied(_("您的角色不能进行此操作。"))
    p = parse_body(request, TaskDoneIn)
    t = services.task_set_done(actor=request.auth, task=t, done=p.done)
    return _task_out(t)
