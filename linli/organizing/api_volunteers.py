"""JSON API of the organizing app: volunteers, service hours, duties and talents (mounted under /api/v1 by
linli.api.api).

Every endpoint reads through organizing.selectors_volunteers (the scope, plus one's own volunteer record:
out of scope is a 404), asks the rules of organizing/rules_volunteers.py (a 403), and writes through
organizing.services_volunteers (bad input is a 422 with Chinese messages per field). Phones of volunteers
from outside the community leave masked; a child's name is masked for most roles.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from linli.api.schemas import Id, PageParams, error_responses, json_body, paginate, parse_body, text
from linli.core.errors import DomainError
from linli.core.identity import mask_phone
from linli.core.scope import scope_for
from linli.organizing import selectors_volunteers as selectors
from linli.organizing import services_volunteers as services
from linli.organizing.models import Duty, ServiceRecord, SkillCategory, Talent, Volunteer, Willingness
from linli.organizing.models.volunteers import SLOTS, availability_slots
from linli.registry import minors
from linli.registry import selectors as registry_selectors

router = Router(tags=["volunteers"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)

SlotCode = Literal[SLOTS]
SkillCode = Literal[tuple(SkillCategory.values)]
WillingnessCode = Literal[tuple(Willingness.values)]


def _year_field():
    return Field(None, ge=2000, le=2100, description="年份，默认今年。")


class YearParams(Schema):
    year: int | None = _year_field()


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


def _h(value: Decimal | None) -> Decimal | None:
    """Hours with two decimals whatever the database summed them to (SQLite drops the scale)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


# Services name some inputs after the model; the API's callers know them by their body field.
API_FIELDS = {"resident": "resident_id", "group": "group_id", "duty": "duty_id", "user": "user_id"}


def _api_error(exc: DomainError) -> DomainError:
    return DomainError(exc.message, errors={API_FIELDS.get(k, k): v for k, v in exc.errors.items()})


# ── Shapes ───────────────────────────────────────────────────────────────────────────────────────


class VolunteerOut(Schema):
    id: int
    community_id: int
    name: str = Field(description="未满14周岁的孩子，除居委干部和本户外只显示姓氏。")
    resident_id: int | None = Field(description="本社区居民时为其居民 id；社区外志愿者为 null。")
    phone: str = Field(description="社区外志愿者的手机号码，已打码；居民的号码见居民信息。")
    registered_on: dt.date
    left_on: dt.date | None
    is_minor: bool
    availability: list[str] = Field(description="可服务时段代码，如 mon_morning、sat_evening。")
    note: str


class VolunteerListItem(Schema):
    id: int
    name: str
    resident_id: int | None
    registered_on: dt.date
    left_on: dt.date | None
    is_minor: bool
    hours: Decimal | None = Field(description="当年已确认时长（小时）；您无权查看时为 null。")
    pending_hours: Decimal | None


class VolunteerPage(Schema):
    count: int
    page: int
    page_size: int
    year: int
    items: list[VolunteerListItem]


class VolunteerFilterParams(PageParams):
    q: text(50) = Field("", description="姓名（汉字），或居民姓名拼音/首字母的开头。")
    status: Literal["current", "left", "all"] = "current"
    kind: Literal["resident", "outsider"] | None = None
    group: Id | None = Field(None, description="团队 id：该团队的现有成员。")
    minor: bool | None = None
    year: int | None = _year_field()


class VolunteerIn(Schema):
    """A resident (`resident_id`), or — staff only — someone from outside with `name` and `phone`. A
    resident under 18 needs a guardian's consent on record (registry: /residents/{id}/consents, purpose
    care or other, with a guardian); `guardian_consent_id` picks one, else the latest is used."""

    registered_on: dt.date
    resident_id: Id | None = None
    name: text(50) = ""
    phone: text(30) = ""
    is_minor: bool = False
    guardian_consent_id: Id | None = None
    user_id: Id | None = Field(None, description="要关联的登录账号（须有本居民区的志愿者角色；仅居委干部）。")
    availability: list[SlotCode] = Field(default_factory=list, max_length=21)
    note: text(2000) = ""


class VolunteerPatch(Schema):
    availability: list[SlotCode] | None = Field(None, max_length=21)
    note: text(2000) | None = None
    phone: text(30) | None = Field(None, description="只用于社区外志愿者。")


class LeaveIn(Schema):
    date: dt.date = Field(description="退出日期。")


class ServiceRecordOut(Schema):
    id: int
    volunteer_id: int
    date: dt.date
    hours: Decimal = Field(description="小时，以字符串给出，最多两位小数。")
    activity: str
    group_id: int | None
    group_name: str
    duty_id: int | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    confirmed: bool
    confirmed_by: str
    confirmed_at: dt.datetime | None


class ServiceYearOut(Schema):
    year: int
    confirmed_hours: Decimal
    pending_hours: Decimal
    all_time_hours: Decimal = Field(description="历年累计的已确认时长。")
    records: list[ServiceRecordOut]


class ServiceRecordIn(Schema):
    """Hours served on one day. A volunteer's records of one day add up to at most 24 hours."""

    date: dt.date
    hours: Decimal = Field(description="大于0、最多24，最多两位小数，例如 1.5。")
    activity: text(100)
    group_id: Id | None = Field(
        None, description="团队负责人只能选自己负责、该志愿者所在的团队；只有一个时可省略。"
    )
    duty_id: Id | None = None
    note: text(2000) = ""
    confirm: bool = Field(True, description="同时确认（志愿者本人的记录不会被确认）。")


class TotalLine(Schema):
    id: int | None
    name: str
    hours: Decimal
    records: int


class MonthLine(Schema):
    month: str = Field(description="YYYY-MM")
    hours: Decimal
    records: int


class TotalsOut(Schema):
    start: dt.date
    end: dt.date
    whole_community: bool = Field(description="false 表示只统计了您负责的团队成员。")
    total_hours: Decimal
    records: int
    by_person: list[TotalLine]
    by_group: list[TotalLine] = Field(description="id 为 null 的一行是不属于团队的活动。")
    by_month: list[MonthLine]


class TotalsParams(Schema):
    year: int | None = _year_field()
    month: int | None = Field(None, ge=1, le=12, description="只统计这一个月。")


class DutyOut(Schema):
    id: int
    volunteer_id: int
    volunteer_name: str
    task: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    group_id: int | None
    group_name: str


class DutyIn(Schema):
    """One shift: ends after it starts, at most 24 hours, in the future, not overlapping the volunteer's
    other duties. A time without a zone is read as Asia/Shanghai."""

    task: text(100)
    place: text(100) = ""
    starts_at: dt.datetime
    ends_at: dt.datetime
    group_id: Id | None = None


class TalentOut(Schema):
    resident_id: int
    name: str
    building_id: int
    address: str
    skills: list[str]
    skill_labels: list[str]
    description: str
    willingness: str
    willingness_label: str
    availability: list[str]


class TalentPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[TalentOut]


class TalentParams(PageParams):
    skill: SkillCode | None = None
    building: Id | None = None
    q: text(50) = ""
    willing_only: bool = False


class TalentIn(Schema):
    skills: list[SkillCode] = Field(default_factory=list, max_length=len(SkillCategory.values))
    description: text(1000) = ""
    willingness: WillingnessCode = Willingness.ON_CALL.value
    availability: list[SlotCode] = Field(default_factory=list, max_length=21)


class SettingsIn(Schema):
    show_leaderboard: bool


class SettingsOut(Schema):
    show_leaderboard: bool


class CodeLabel(Schema):
    code: str
    label: str


# ── Converters ───────────────────────────────────────────────────────────────────────────────────


def _volunteer_out(user, v: Volunteer) -> dict:
    return {
        "id": v.pk,
        "community_id": v.community_id,
        "name": selectors.shown_name(v, scope_for(user)),
        "resident_id": v.resident_id,
        "phone": mask_phone(v.phone) if not v.resident_id else "",
        "registered_on": v.registered_on,
        "left_on": v.left_on,
        "is_minor": v.is_minor,
        "availability": availability_slots(v.availability),
        "note": v.note,
    }


def _record_out(r: ServiceRecord) -> dict:
    return {
        "id": r.pk,
        "volunteer_id": r.volunteer_id,
        "date": r.date,
        "hours": r.hours,
        "activity": r.activity,
        "group_id": r.group_id,
        "group_name": r.group.name if r.group_id else "",
        "duty_id": r.duty_id,
        "note": r.note,
        "recorded_by": str(r.recorded_by) if r.recorded_by_id else "",
        "recorded_at": r.recorded_at,
        "confirmed": r.confirmed_at is not None,
        "confirmed_by": str(r.confirmed_by) if r.confirmed_by_id else "",
        "confirmed_at": r.confirmed_at,
    }


def _duty_out(user, d: Duty) -> dict:
    return {
        "id": d.pk,
        "volunteer_id": d.volunteer_id,
        "volunteer_name": selectors.shown_name(d.volunteer, scope_for(user)),
        "task": d.task,
        "place": d.place,
        "starts_at": d.starts_at,
        "ends_at": d.ends_at,
        "group_id": d.group_id,
        "group_name": d.group.name if d.group_id else "",
    }


def _talent_out(user, t: Talent) -> dict:
    flat = t.resident.household.flat
    skills = sorted(t.skills.all(), key=lambda s: SkillCategory.values.index(s.category))
    return {
        "resident_id": t.resident_id,
        "name": minors.display_name(t.resident, scope_for(user)),
        "building_id": flat.building_id,
        "address": str(flat),
        "skills": [s.category for s in skills],
        "skill_labels": [s.get_category_display() for s in skills],
        "description": t.description,
        "willingness": t.willingness,
        "willingness_label": t.get_willingness_display(),
        "availability": availability_slots(t.availability),
    }


def _year_out(user, volunteer: Volunteer, year: int) -> dict:
    data = selectors.volunteer_year(user, volunteer, year)
    return {
        "year": year,
        "confirmed_hours": _h(data.confirmed),
        "pending_hours": _h(data.pending),
        "all_time_hours": _h(data.all_time),
        "records": [_record_out(r) for r in data.records],
    }


# ── Volunteers ───────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/communities/{community_id}/volunteers",
    response={200: VolunteerPage, **READ_ERRORS},
    summary="志愿者名单",
    description="居委干部：全部；团队负责人：本团队成员；楼组长：住在所负责楼栋的志愿者（看不到时长）。",
)
def volunteer_list(request, community_id: Id, filters: Query[VolunteerFilterParams]):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "organizing.list_volunteers", community)
    qs = selectors.volunteer_list(
        request.auth,
        community,
        selectors.VolunteerFilters(
            q=filters.q,
            status=filters.status,
            kind=filters.kind or "",
            group=filters.group,
            minor=filters.minor,
        ),
    )
    page = paginate(qs, filters)
    year = _year(filters.year)
    start, end = selectors.year_range(year)
    rows = selectors.volunteer_rows(request.auth, page["items"], start=start, end=end)
    page["items"] = [
        {
            "id": row.pk,
            "name": row.name,
            "resident_id": v.resident_id,
            "registered_on": row.registered_on,
            "left_on": row.left_on,
            "is_minor": row.is_minor,
            "hours": _h(row.hours),
            "pending_hours": _h(row.pending),
        }
        for row, v in zip(rows, page["items"], strict=True)
    ]
    return {**page, "year": year}


@router.post(
    "/communities/{community_id}/volunteers",
    response={201: VolunteerOut, **WRITE_ERRORS},
    summary="登记志愿者",
    description="本社区居民（resident_id，团队负责人只能选本团队成员），或社区外志愿者（name、phone，仅居委干部）。"
    "未满18周岁须有监护人同意记录。",
    openapi_extra=json_body(VolunteerIn),
)
def volunteer_create(request, community_id: Id):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "organizing.add_volunteer", community)
    payload = parse_body(request, VolunteerIn)
    try:
        volunteer = services.volunteer_register(
            actor=request.auth, community=community, data=services.VolunteerData(**payload.model_dump())
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    volunteer = selectors.access_volunteer(request.auth, volunteer.pk)
    return Status(201, _volunteer_out(request.auth, volunteer))


@router.get(
    "/volunteers/{volunteer_id}",
    response={200: VolunteerOut, **READ_ERRORS},
    summary="一位志愿者",
)
def volunteer_detail(request, volunteer_id: Id):
    return _volunteer_out(request.auth, selectors.access_volunteer(request.auth, volunteer_id))


@router.patch(
    "/volunteers/{volunteer_id}",
    response={200: VolunteerOut, **WRITE_ERRORS},
    summary="修改志愿者的可服务时段、备注（社区外志愿者的电话）",
    openapi_extra=json_body(VolunteerPatch),
)
def volunteer_update(request, volunteer_id: Id):
    volunteer = selectors.access_volunteer(request.auth, volunteer_id)
    _require(request.auth, "organizing.change_volunteer", volunteer)
    payload = parse_body(request, VolunteerPatch)
    fields = payload.model_dump(exclude_unset=True)
    availability = fields.get("availability") if "availability" in fields else None
    change = services.VolunteerChange(
        availability=availability_slots(volunteer.availability) if availability is None else availability,
        note=(fields.get("note") or "") if "note" in fields else volunteer.note,
        phone=fields.get("phone") if "phone" in fields else None,
    )
    try:
        services.volunteer_update(actor=request.auth, volunteer=volunteer, data=change)
    except DomainError as exc:
        raise _api_error(exc) from None
    return _volunteer_out(request.auth, selectors.access_volunteer(request.auth, volunteer.pk))


@router.post(
    "/volunteers/{volunteer_id}/leave",
    response={200: VolunteerOut, **WRITE_ERRORS},
    summary="志愿者退出",
    description="服务记录保留；退出日期之后的值班取消。",
    openapi_extra=json_body(LeaveIn),
)
def volunteer_leave(request, volunteer_id: Id):
    volunteer = selectors.access_volunteer(request.auth, volunteer_id)
    _require(request.auth, "organizing.change_volunteer", volunteer)
    payload = parse_body(request, LeaveIn)
    try:
        services.volunteer_leave(actor=request.auth, volunteer=volunteer, on=payload.date)
    except DomainError as exc:
        raise DomainError(exc.message, errors={"date": exc.errors.get("left_on", [exc.message])}) from None
    return _volunteer_out(request.auth, selectors.access_volunteer(request.auth, volunteer.pk))


# ── Service records ──────────────────────────────────────────────────────────────────────────────


@router.get(
    "/volunteers/{volunteer_id}/service-records",
    response={200: ServiceYearOut, **READ_ERRORS},
    summary="一位志愿者一年的服务记录和时长",
    description="居委干部、志愿者所在团队的负责人和志愿者本人可以查看。",
)
def service_record_list(request, volunteer_id: Id, params: Query[YearParams]):
    volunteer = selectors.access_volunteer(request.auth, volunteer_id)
    _require(request.auth, "organizing.view_volunteer_hours", volunteer)
    return _year_out(request.auth, volunteer, _year(params.year))


@router.post(
    "/volunteers/{volunteer_id}/service-records",
    response={201: ServiceRecordOut, **WRITE_ERRORS},
    summary="记录服务时长",
    description="居委干部，或志愿者所在团队的负责人。同一志愿者一天的记录合计不超过24小时。",
    openapi_extra=json_body(ServiceRecordIn),
)
def service_record_create(request, volunteer_id: Id):
    volunteer = selectors.access_volunteer(request.auth, volunteer_id)
    _require(request.auth, "organizing.record_hours", volunteer)
    payload = parse_body(request, ServiceRecordIn)
    try:
        record = services.service_record_create(
            actor=request.auth,
            volunteer=volunteer,
            data=services.ServiceRecordData(**payload.model_dump()),
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    return Status(201, _record_out(selectors.access_service_record(request.auth, record.pk)))


@router.post(
    "/service-records/{record_id}/confirm",
    response={200: ServiceRecordOut, **WRITE_ERRORS},
    summary="确认服务记录",
    description="居委干部或志愿者所在团队的负责人；不能确认自己的服务时长。",
)
def service_record_confirm(request, record_id: Id):
    record = selectors.access_service_record(request.auth, record_id)
    if record.confirmed_at is not None:
        raise DomainError(_("这条记录已经确认过了。"))
    _require(request.auth, "organizing.confirm_service_record", record)
    services.service_record_confirm(actor=request.auth, record=record)
    return _record_out(selectors.access_service_record(request.auth, record.pk))


@router.delete(
    "/service-records/{record_id}",
    response={204: None, **WRITE_ERRORS},
    summary="删除服务记录",
    description="未确认的记录：居委干部或团队负责人；已确认的记录：仅居委干部。删除留有修改记录。",
)
def service_record_delete(request, record_id: Id):
    record = selectors.access_service_record(request.auth, record_id)
    _require(request.auth, "organizing.delete_service_record", record)
    services.service_record_delete(actor=request.auth, record=record)
    return HttpResponse(status=204)


@router.get(
    "/communities/{community_id}/service-hours",
    response={200: TotalsOut, **READ_ERRORS},
    summary="服务时长统计：按人、按团队、按月",
    description="只计已确认的记录。团队负责人只统计本团队成员。",
)
def service_hour_totals(request, community_id: Id, params: Query[TotalsParams]):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "organizing.view_hour_totals", community)
    year = _year(params.year)
    start, end = selectors.year_range(year)
    if params.month:
        start = dt.date(year, params.month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    totals = selectors.hour_totals(request.auth, community, start=start, end=end)
    return {
        "start": start,
        "end": end,
        "whole_community": scope_for(request.auth).is_staff_of(community.pk),
        "total_hours": _h(totals.total),
        "records": totals.records,
        "by_person": [
            {"id": x.key, "name": x.label, "hours": _h(x.hours), "records": x.records}
            for x in totals.by_person
        ],
        "by_group": [
            {"id": x.key, "name": x.label, "hours": _h(x.hours), "records": x.records}
            for x in totals.by_group
        ],
        "by_month": [
            {"month": x.key.strftime("%Y-%m"), "hours": _h(x.hours), "records": x.records}
            for x in totals.by_month
        ],
    }


@router.get(
    "/communities/{community_id}/volunteer-leaderboard",
    response={200: list[TotalLine], **READ_ERRORS},
    summary="志愿服务排行榜",
    description="居委干部随时可看；居委会设为公开时，本居民区的团队负责人、楼组长和志愿者也可以看。",
)
def leaderboard(request, community_id: Id, params: Query[YearParams]):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "organizing.view_leaderboard", community)
    lines = selectors.leaderboard(request.auth, community, year=_year(params.year))
    return [{"id": x.key, "name": x.label, "hours": _h(x.hours), "records": x.records} for x in lines]


@router.put(
    "/communities/{community_id}/volunteer-settings",
    response={200: SettingsOut, **WRITE_ERRORS},
    summary="是否公开排行榜",
    openapi_extra=json_body(SettingsIn),
)
def volunteer_settings(request, community_id: Id):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "organizing.change_volunteer_settings", community)
    payload = parse_body(request, SettingsIn)
    settings = services.volunteer_settings_set(
        actor=request.auth, community=community, show_leaderboard=payload.show_leaderboard
    )
    return {"show_leaderboard": settings.show_leaderboard}


# ── Duties ───────────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/volunteers/{volunteer_id}/duties",
    response={200: list[DutyOut], **READ_ERRORS},
    summary="一位志愿者还没结束的值班",
)
def volunteer_duty_list(request, volunteer_id: Id):
    volunteer = selectors.access_volunteer(request.auth, volunteer_id)
    return [_duty_out(request.auth, d) for d in selectors.volunteer_duties(request.auth, volunteer)]


@router.post(
    "/volunteers/{volunteer_id}/duties",
    response={201: DutyOut, **WRITE_ERRORS},
    summary="安排值班",
    description="居委干部，或志愿者所在团队的负责人；已退出或已迁出的志愿者不能安排。",
    openapi_extra=json_body(DutyIn),
)
def duty_create(request, volunteer_id: Id):
    volunteer = selectors.access_volunteer(request.auth, volunteer_id)
    _require(request.auth, "organizing.plan_duty", volunteer)
    payload = parse_body(request, DutyIn)
    try:
        duty = services.duty_create(
            actor=request.auth, volunteer=volunteer, data=services.DutyData(**payload.model_dump())
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    return Status(201, _duty_out(request.auth, selectors.access_duty(request.auth, duty.pk)))


@router.delete(
    "/duties/{duty_id}",
    response={204: None, **WRITE_ERRORS},
    summary="取消值班",
    description="只能取消还没开始的值班。",
)
def duty_cancel(request, duty_id: Id):
    duty = selectors.access_duty(request.auth, duty_id)
    _require(request.auth, "organizing.cancel_duty", duty)
    services.duty_cancel(actor=request.auth, duty=duty)
    return HttpResponse(status=204)


@router.get(
    "/communities/{community_id}/duties",
    response={200: list[DutyOut], **READ_ERRORS},
    summary="居民区还没结束的值班",
)
def community_duty_list(request, community_id: Id):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "organizing.list_duties", community)
    return [_duty_out(request.auth, d) for d in selectors.upcoming_duties(request.auth, community)[:500]]


@router.get(
    "/me/duties",
    response={200: list[DutyOut], **error_responses(401)},
    summary="我的值班",
    description="您自己（作为志愿者）还没结束的值班。",
    tags=["me"],
)
def my_duties(request):
    return [_duty_out(request.auth, d) for d in selectors.my_duties(request.auth)]


@router.get(
    "/me/service-records",
    response={200: list[ServiceYearOut], **error_responses(401, 422)},
    summary="我的服务时长",
    description="您自己每个志愿者登记（通常只有一个）这一年的记录和时长。",
    tags=["me"],
)
def my_service_records(request, params: Query[YearParams]):
    return [_year_out(request.auth, v, _year(params.year)) for v in selectors.own_volunteers(request.auth)]


# ── Talents ──────────────────────────────────────────────────────────────────────────────────────


@router.get("/skill-categories", response={200: list[CodeLabel], **error_responses(401)}, summary="特长类别")
def skill_categories(request):
    return [{"code": code, "label": str(label)} for code, label in SkillCategory.choices]


@router.get(
    "/communities/{community_id}/talents",
    response={200: TalentPage, **READ_ERRORS},
    summary="能人达人：按特长、楼栋查找",
    description="只列现住居民。",
)
def talent_list(request, community_id: Id, params: Query[TalentParams]):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "organizing.list_talents", community)
    qs = selectors.talent_search(
        request.auth,
        community,
        selectors.TalentFilters(
            skill=params.skill or "", building=params.building, q=params.q, willing_only=params.willing_only
        ),
    )
    page = paginate(qs, params)
    page["items"] = [_talent_out(request.auth, t) for t in page["items"]]
    return page


@router.get(
    "/residents/{resident_id}/talent",
    response={200: TalentOut, **READ_ERRORS},
    summary="一位居民的特长",
    description="没有登记特长时返回 404。",
)
def talent_detail(request, resident_id: Id):
    resident = registry_selectors.access_resident(request.auth, resident_id)
    talent = selectors.talent_of(resident)
    if talent is None:
        raise Http404
    talent.resident = resident
    return _talent_out(request.auth, talent)


@router.put(
    "/residents/{resident_id}/talent",
    response={200: TalentOut, **WRITE_ERRORS},
    summary="登记或修改一位居民的特长",
    description="居委干部，或该居民所在楼栋的楼组长。特长整体替换。",
    openapi_extra=json_body(TalentIn),
)
def talent_save(request, resident_id: Id):
    resident = registry_selectors.access_resident(request.auth, resident_id)
    _require(request.auth, "organizing.change_talent", resident)
    payload = parse_body(request, TalentIn)
    try:
        services.talent_save(
            actor=request.auth, resident=resident, data=services.TalentData(**payload.model_dump())
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    talent = selectors.talent_of(resident)
    talent.resident = resident
    return _talent_out(request.auth, talent)
