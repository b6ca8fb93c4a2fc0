"""The registry over JSON: communities, buildings, households and residents.

Each endpoint fetches through the scope (`selectors.access_*`, `selectors.*_list`: out of scope is a 404)
and then asks the rules whether the role may do this (a 403). Identity and phone numbers leave only
masked, whatever the role; the masking lives in the output schemas so no endpoint can forget it.

A search by a whole ID or phone number travels in a request body (POST .../residents/search), never in a
URL, where browser history, proxies and server logs would keep it: the GET list refuses a `q` with a digit,
by the same rule as the list page (`ResidentFilters.q_is_private`).
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from linli.api.schemas import Id, PageParams, error_responses, json_body, paginate, parse_body, text
from linli.core.errors import DomainError
from linli.core.identity import mask_id_number, mask_phone
from linli.core.models import Street
from linli.core.scope import scope_for
from linli.registry import minors, pipl, selectors, selectors_pipl, services
from linli.registry.models import (
    ConsentPurpose,
    Gender,
    IdType,
    MoveOutReason,
    RegistrationType,
    Relation,
    Resident,
    Tenure,
)

router = Router(tags=["registry"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)
BODY_READ_ERRORS = WRITE_ERRORS  # a read whose input is a JSON body can be unparseable (400) too

GenderCode = Literal[tuple(Gender.values)]
IdTypeCode = Literal[tuple(IdType.values)]
RegistrationTypeCode = Literal[tuple(RegistrationType.values)]
RelationCode = Literal[tuple(Relation.values)]
TenureCode = Literal[tuple(Tenure.values)]
MoveOutReasonCode = Literal[tuple(MoveOutReason.values)]
AgeBand = Literal[tuple(selectors.AGE_BANDS)]


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


def _shown_name(obj, context) -> str:
    """A person's name as the caller may see it: a child's is masked for most roles (registry/minors.py)."""
    return minors.display_name(obj, scope_for(context["request"].auth))


# ── Output shapes ────────────────────────────────────────────────────────────────────────────────


class CommunityOut(Schema):
    id: int
    name: str
    address: str
    street_id: int
    street_name: str

    @staticmethod
    def resolve_street_name(obj) -> str:
        return obj.street.name


class ProfileOut(Schema):
    community: CommunityOut
    whole_community: bool = Field(description="false 表示只统计了您负责的那部分（如楼组长的楼栋）。")
    households: int
    residents: int
    aged_60_plus: int
    aged_60_plus_share: float
    migrants: int
    overseas: int
    party_members: int
    buildings: int


class StreetCommunityOut(Schema):
    community_id: int
    name: str
    residents: int
    households: int
    aged_60_plus: int
    migrants: int
    party_members: int


class BuildingOut(Schema):
    id: int
    number: str
    label: str
    estate_id: int
    estate_name: str
    floors: int
    built_year: int | None
    entrance_count: int

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj)

    @staticmethod
    def resolve_estate_name(obj) -> str:
        return obj.estate.name


class BuildingPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[BuildingOut]


class PersonOut(Schema):
    id: int
    name: str


class FlatOut(Schema):
    id: int
    floor: int
    number: str
    area: Decimal = Field(description="建筑面积（㎡），以字符串给出以保留两位小数。")
    household_id: int | None
    residents: list[PersonOut]


class EntranceOut(Schema):
    id: int
    number: int
    has_lift: bool
    flats: list[FlatOut] = Field(description="自顶层往下，同层按室号排列。")


class BuildingDetailOut(Schema):
    id: int
    number: str
    label: str
    community_id: int
    estate_name: str
    floors: int
    built_year: int | None
    entrances: list[EntranceOut]


class TagOut(Schema):
    id: int
    name: str


class BranchOut(Schema):
    id: int
    name: str


class HouseholdMemberOut(Schema):
    id: int
    name: str
    relation: str
    relation_label: str
    age: int

    @staticmethod
    def resolve_name(obj, context) -> str:
        return _shown_name(obj, context)

    @staticmethod
    def resolve_relation_label(obj) -> str:
        return obj.get_relation_display()

    @staticmethod
    def resolve_age(obj) -> int:
        return obj.age()


class HouseholdOut(Schema):
    id: int
    community_id: int
    flat_id: int
    flat_label: str
    building_id: int
    building_label: str
    tenure: str
    tenure_label: str
    is_active: bool
    residents: list[HouseholdMemberOut] = Field(description="现住成员。")


class ResidentListItem(Schema):
    id: int
    name: str
    gender: str
    age: int
    relation: str
    registration_type: str
    household_id: int
    flat_id: int
    flat_label: str
    building_id: int
    building_label: str
    is_party_member: bool
    moved_out: dt.date | None
    tags: list[TagOut]

    @staticmethod
    def resolve_name(obj, context) -> str:
        return _shown_name(obj, context)

    @staticmethod
    def resolve_age(obj) -> int:
        return obj.age()

    @staticmethod
    def resolve_flat_id(obj) -> int:
        return obj.household.flat_id

    @staticmethod
    def resolve_flat_label(obj) -> str:
        return obj.household.flat.label

    @staticmethod
    def resolve_building_id(obj) -> int:
        return obj.household.flat.building_id

    @staticmethod
    def resolve_building_label(obj) -> str:
        return str(obj.household.flat.building)

    @staticmethod
    def resolve_tags(obj) -> list:
        return list(obj.tags.all())


class ResidentPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ResidentListItem]


class ResidentOut(ResidentListItem):
    community_id: int
    gender_label: str
    birth_date: dt.date
    id_type: str
    id_number: str = Field(description="已打码：前3位和后4位可见。")
    phone: str = Field(description="已打码，例如 138****5678。")
    registration_type_label: str
    relation_label: str
    moved_in: dt.date | None
    move_out_reason: str
    party_joined: dt.date | None
    party_full_member: dt.date | None
    party_branch: BranchOut | None
    notes: str

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_gender_label(obj) -> str:
        return obj.get_gender_display()

    @staticmethod
    def resolve_registration_type_label(obj) -> str:
        return obj.get_registration_type_display()

    @staticmethod
    def resolve_relation_label(obj) -> str:
        return obj.get_relation_display()


# ── Input shapes ─────────────────────────────────────────────────────────────────────────────────


class _ResidentFilterFields(PageParams):
    """The filters the resident list and the resident search share; each describes its own `q`."""

    q: text(50) = ""
    building: Id | None = Field(None, description="楼栋 id。")
    age_band: AgeBand | None = Field(None, description="年龄段。")
    tag: Id | None = Field(None, description="标签 id。")
    registration_type: RegistrationTypeCode | None = None
    party_member: bool | None = None
    include_moved_out: bool = False

    def filters(self) -> selectors.ResidentFilters:
        return selectors.ResidentFilters(
            q=self.q,
            building=self.building,
            age_band=self.age_band or "",
            tag=self.tag,
            registration_type=self.registration_type or "",
            party_member=self.party_member,
            include_moved_out=self.include_moved_out,
        )


class ResidentFilterParams(_ResidentFilterFields):
    q: text(50) = Field(
        "",
        description="姓名中的汉字，或拼音/首字母的开头（zhao、zay）。含数字的查找（证件号码、手机号码）"
        "不能放在网址里，会得到 422：请改用 POST /communities/{community_id}/residents/search。",
    )
    age_band: AgeBand | None = Field(None, description="年龄段；URL 中的 + 请写作 %2B。")


class ResidentSearchIn(_ResidentFilterFields):
    """The resident list's filters in a request body, so that a searched number stays out of every URL."""

    q: text(50) = Field(
        "",
        description="姓名中的汉字，或拼音/首字母的开头（zhao、zay）；或完整的手机号码、证件号码"
        "（只匹配整个号码，且只限您的角色可查看完整信息的号码：居委干部可按证件号码和手机号码查找，"
        "楼组长只可按所负责楼栋居民的手机号码查找）。",
    )


class ResidentIn(Schema):
    """A new resident. `tenure` is used only when the flat has nobody registered yet (a new household)."""

    flat_id: Id
    name: text(50)
    gender: GenderCode
    birth_date: dt.date
    id_type: IdTypeCode = IdType.RESIDENT_ID.value
    id_number: text(30) = ""
    phone: text(30) = ""
    registration_type: RegistrationTypeCode = RegistrationType.LOCAL.value
    relation: RelationCode = Relation.HEAD.value
    moved_in: dt.date | None = None
    party_joined: dt.date | None = None
    party_full_member: dt.date | None = None
    party_branch_id: Id | None = None
    tag_ids: list[Id] = Field(default_factory=list, max_length=50)
    notes: text(2000) = ""
    tenure: TenureCode = Tenure.OWNER.value


class ResidentPatch(Schema):
    """Only the fields sent are changed; a field left out keeps its value.

    `id_number`, `phone` and `notes`: "" (or null) clears them. `moved_in`, the party dates and
    `party_branch_id`: null clears them. `tag_ids` replaces the whole set of tags. `flat_id` moves the
    resident to another flat of the same community.
    """

    flat_id: Id | None = None
    name: text(50) | None = None
    gender: GenderCode | None = None
    birth_date: dt.date | None = None
    id_type: IdTypeCode | None = None
    id_number: text(30) | None = None
    phone: text(30) | None = None
    registration_type: RegistrationTypeCode | None = None
    relation: RelationCode | None = None
    moved_in: dt.date | None = None
    party_joined: dt.date | None = None
    party_full_member: dt.date | None = None
    party_branch_id: Id | None = None
    tag_ids: list[Id] | None = Field(None, max_length=50)
    notes: text(2000) | None = None


class MoveOutIn(Schema):
    date: dt.date = Field(description="迁出日期。")
    reason: MoveOutReasonCode = Field(description="迁出原因。")


# The services name some inputs after the model (flat, tags); the API's callers know them by their body
# field, so errors are re-keyed to the names they sent.
SERVICE_TO_API_FIELDS = {
    "flat": "flat_id",
    "tags": "tag_ids",
    "party_branch": "party_branch_id",
    "moved_out": "date",
    "move_out_reason": "reason",
}


def _api_error(exc: DomainError) -> DomainError:
    errors = {SERVICE_TO_API_FIELDS.get(k, k): v for k, v in exc.errors.items()}
    return DomainError(exc.message, errors=errors)


def _flat_for_registration(user, flat_id: int, community_id: int):
    """A flat in scope, or a field error that does not say whether the flat exists at all."""
    try:
        return selectors.access_flat(user, flat_id, community_id=community_id)
    except Http404:
        raise DomainError(_("找不到这套房屋，或您无权在此登记。"), field="flat_id") from None


def _resident_data(current: Resident | None, fields: dict) -> services.ResidentData:
    """ResidentData from the sent fields, the rest taken from `current` (a partial update)."""
    base = {}
    if current is not None:
        base = {
            "name": current.name,
            "gender": current.gender,
            "birth_date": current.birth_date,
            "id_type": current.id_type,
            "id_number": current.id_number,
            "phone": current.phone,
            "registration_type": current.registration_type,
            "relation": current.relation,
            "moved_in": current.moved_in,
            "party_joined": current.party_joined,
            "party_full_member": current.party_full_member,
            "party_branch_id": current.party_branch_id,
            "tag_ids": [tag.pk for tag in current.tags.all()],
            "notes": current.notes,
        }
    for name in ("id_number", "phone", "notes"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "tag_ids" in fields and fields["tag_ids"] is None:
        fields["tag_ids"] = []
    return services.ResidentData(**{**base, **fields})


def _resident(resident_id: int, user) -> Resident:
    return selectors.access_resident(user, resident_id)


# ── Endpoints ────────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/communities",
    response=list[CommunityOut],
    summary="我可查看的居民区",
    description="您在其中有登记册角色（居委干部、楼组长、团队负责人）的居民区。街道工作人员请用 /streets/{street_id}/communities。",
)
def community_list(request):
    communities = scope_for(request.auth).visible_communities().select_related("street")
    return [c for c in communities if request.auth.has_perm("registry.view_community", c)]


@router.get(
    "/streets/{street_id}/communities",
    response={200: list[StreetCommunityOut], **READ_ERRORS},
    summary="街道下各居民区的统计",
    description="只有数字，没有任何个人信息。",
)
def street_communities(request, street_id: Id):
    street = get_object_or_404(Street, pk=street_id)
    _require(request.auth, "core.view_street", street)
    return [{**row, "name": row["community__name"]} for row in selectors.street_community_figures(street)]


@router.get(
    "/communities/{community_id}",
    response={200: ProfileOut, **READ_ERRORS},
    summary="居民区概况",
)
def community_detail(request, community_id: Id):
    community = selectors.access_community(request.auth, community_id)
    _require(request.auth, "registry.view_community", community)
    scope = scope_for(request.auth)
    whole = scope.is_staff_of(community.pk)
    profile = selectors.community_profile(community, scope=None if whole else scope)
    return {
        "community": community,
        "whole_community": whole,
        "aged_60_plus_share": profile.aged_60_plus_share,
        **vars(profile),
    }


@router.get(
    "/communities/{community_id}/buildings",
    response={200: BuildingPage, **READ_ERRORS},
    summary="楼栋列表",
)
def building_list(request, community_id: Id, page: Query[PageParams]):
    community = selectors.access_community(request.auth, community_id)
    _require(request.auth, "registry.view_community", community)
    return paginate(selectors.building_list(request.auth, community), page)


@router.get(
    "/buildings/{building_id}",
    response={200: BuildingDetailOut, **READ_ERRORS},
    summary="楼栋：单元、房屋和现住居民",
)
def building_detail(request, building_id: Id):
    building = selectors.access_building(request.auth, building_id)
    _require(request.auth, "registry.view_community", building.community)
    grid = selectors.building_floor_grid(building)
    # Seeing a building means seeing everyone in it today; the check keeps that true if scopes change.
    visible = set(
        scope_for(request.auth)
        .filter(Resident.objects.filter(household__flat__building=building, moved_out__isnull=True))
        .values_list("pk", flat=True)
    )
    return {
        "id": building.pk,
        "number": building.number,
        "label": str(building),
        "community_id": building.community_id,
        "estate_name": building.estate.name,
        "floors": building.floors,
        "built_year": building.built_year,
        "entrances": [_entrance(item, visible, scope_for(request.auth)) for item in grid],
    }


def _entrance(item: dict, visible: set[int], scope) -> dict:
    flats = []
    for _floor, floor_flats in item["floors"]:
        for flat in floor_flats:
            households = flat.current_households
            flats.append(
                {
                    "id": flat.pk,
                    "floor": flat.floor,
                    "number": flat.number,
                    "area": flat.area,
                    "household_id": households[0].pk if households else None,
                    "residents": [
                        {"id": r.pk, "name": minors.display_name(r, scope)}
                        for h in households
                        for r in h.residents.all()
                        if r.pk in visible
                    ],
                }
            )
    entrance = item["entrance"]
    return {"id": entrance.pk, "number": entrance.number, "has_lift": entrance.has_lift, "flats": flats}


@router.get(
    "/households/{household_id}",
    response={200: HouseholdOut, **READ_ERRORS},
    summary="一户",
)
def household_detail(request, household_id: Id):
    household = selectors.access_household(request.auth, household_id)
    members = selectors.household_members(request.auth, household).filter(moved_out__isnull=True)
    flat = household.flat
    return {
        "id": household.pk,
        "community_id": household.community_id,
        "flat_id": flat.pk,
        "flat_label": flat.label,
        "building_id": flat.building_id,
        "building_label": str(flat.building),
        "tenure": household.tenure,
        "tenure_label": household.get_tenure_display(),
        "is_active": household.is_active,
        "residents": list(members),
    }


@router.get(
    "/communities/{community_id}/residents",
    response={200: ResidentPage, **READ_ERRORS},
    summary="居民列表",
    description=(
        "按姓名、拼音或首字母查找，可按楼栋、年龄段、标签、户籍类型、是否党员筛选。默认不含已迁出居民。"
        "q 中含数字（证件号码、手机号码）时返回 422：号码不能出现在网址里（浏览器历史、代理和服务器日志"
        "都会留下网址），请改用 POST /communities/{community_id}/residents/search，把条件放在请求体中。"
    ),
)
def resident_list(request, community_id: Id, filters: Query[ResidentFilterParams]):
    community = _community_for_list(request.auth, community_id)
    search = filters.filters()
    if search.q_is_private:
        # The number is already in this request's URL; the answer must not repeat it (a 422 body may be
        # logged or shown), and it must say where such a search goes instead.
        path = f"/api/v1/communities/{community.pk}/residents/search"
        message = _("号码不能放在网址里。按证件号码或手机号码查找，请用 POST %(path)s，把条件放在请求体中。")
        raise DomainError(message % {"path": path}, field="q")
    return paginate(selectors.resident_list(request.auth, community, search), filters)


@router.post(
    "/communities/{community_id}/residents/search",
    response={200: ResidentPage, **BODY_READ_ERRORS},
    summary="查找居民（可按号码）",
    description=(
        "与居民列表（GET /communities/{community_id}/residents）相同的筛选条件和分页，但放在 JSON 请求体中，"
        "因此可以按完整的证件号码或手机号码查找而号码不出现在网址里。号码只匹配整个号码，"
        "且只限您的角色可查看完整信息的号码：居委干部可按证件号码和手机号码查找，"
        "楼组长只可按所负责楼栋居民的手机号码查找，其他号码查不到任何人。结果中的号码仍然打码。"
        "只读取、不修改数据；用浏览器会话调用时同样须带 CSRF 令牌。"
    ),
    openapi_extra=json_body(ResidentSearchIn),
)
def resident_search(request, community_id: Id, response: HttpResponse):
    # The answer ties a number to a person: no cache may keep it.
    add_never_cache_headers(response)
    community = _community_for_list(request.auth, community_id)
    payload = parse_body(request, ResidentSearchIn)
    return paginate(selectors.resident_list(request.auth, community, payload.filters()), payload)


def _community_for_list(user, community_id: int):
    """The community whose residents `user` may list: out of scope is a 404, a role that may not list, 403.
    Checked before any filter is looked at, so neither answer depends on what was searched."""
    community = selectors.access_community(user, community_id)
    _require(user, "registry.list_residents", community)
    return community


@router.get(
    "/residents/{resident_id}",
    response={200: ResidentOut, **READ_ERRORS},
    summary="一位居民",
    description="证件号码和手机号码一律打码。",
)
def resident_detail(request, resident_id: Id):
    return _resident(resident_id, request.auth)


@router.post(
    "/communities/{community_id}/residents",
    response={201: ResidentOut, **WRITE_ERRORS},
    summary="登记居民",
    description="登记到一套房屋：加入该房屋现有的户，若没有则新开一户（居住性质取 tenure）。",
    openapi_extra=json_body(ResidentIn),
)
def resident_create(request, community_id: Id):
    community = selectors.access_community(request.auth, community_id)
    _require(request.auth, "registry.add_resident", community)
    payload = parse_body(request, ResidentIn)
    flat = _flat_for_registration(request.auth, payload.flat_id, community.pk)
    fields = payload.model_dump(exclude={"flat_id", "tenure"})
    try:
        resident = services.resident_create(
            actor=request.auth, flat=flat, data=_resident_data(None, fields), tenure=payload.tenure
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    return Status(201, _resident(resident.pk, request.auth))


@router.patch(
    "/residents/{resident_id}",
    response={200: ResidentOut, **WRITE_ERRORS},
    summary="修改居民信息",
    description=(
        "只修改请求中出现的字段，未出现的保持原值。id_number、phone、notes 传空字符串（或 null）表示清除；"
        "moved_in、入党日期和 party_branch_id 传 null 表示清除；tag_ids 整体替换标签；"
        "flat_id 表示搬到本居民区的另一套房屋。"
    ),
    openapi_extra=json_body(ResidentPatch),
)
def resident_update(request, resident_id: Id):
    resident = _resident(resident_id, request.auth)
    _require(request.auth, "registry.change_resident", resident)
    payload = parse_body(request, ResidentPatch)
    fields = payload.model_dump(exclude_unset=True)
    flat = None
    flat_id = fields.pop("flat_id", None)
    if flat_id is not None:
        flat = _flat_for_registration(request.auth, flat_id, resident.community_id)
    try:
        services.resident_update(
            actor=request.auth, resident=resident, data=_resident_data(resident, fields), flat=flat
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    return _resident(resident.pk, request.auth)


@router.post(
    "/residents/{resident_id}/move-out",
    response={200: ResidentOut, **WRITE_ERRORS},
    summary="办理迁出",
    description="记录保留（用于历史和流动统计）；户中无人在住时该户关闭。",
    openapi_extra=json_body(MoveOutIn),
)
def resident_move_out(request, resident_id: Id):
    resident = _resident(resident_id, request.auth)
    _require(request.auth, "registry.change_resident", resident)
    payload = parse_body(request, MoveOutIn)
    try:
        services.resident_move_out(
            actor=request.auth, resident=resident, on=payload.date, reason=payload.reason
        )
    except DomainError as exc:
        raise _api_error(exc) from None
    return _resident(resident.pk, request.auth)


# ── PIPL: consents and a copy of one person's data (registry/pipl.py) ──────────────────────────────

ConsentPurposeCode = Literal[tuple(ConsentPurpose.values)]


class ConsentOut(Schema):
    id: int
    resident_id: int
    purpose: str
    purpose_label: str
    purpose_detail: str
    given_on: dt.date
    withdrawn_on: dt.date | None = Field(description="撤回日期；null 表示仍然有效。")
    is_active: bool
    guardian_id: int | None = Field(description="监护人是本社区居民时，其居民 id。")
    guardian: str = Field(description="监护人姓名；是您看不到的居民时为“—”；没有监护人时为空。")
    guardian_relation: str
    recorded_by: str
    recorded_at: dt.datetime
    note: str


class ConsentIn(Schema):
    """A consent. For a resident under 14 on `given_on`, a guardian is required: `guardian_id` (an adult
    resident of this community) or both `guardian_name` and `guardian_relation`."""

    purpose: ConsentPurposeCode
    purpose_detail: text(200) = ""
    given_on: dt.date
    guardian_id: Id | None = None
    guardian_name: text(50) = ""
    guardian_relation: text(20) = ""
    note: text(2000) = ""


class ConsentWithdrawIn(Schema):
    date: dt.date = Field(description="撤回日期，不能早于同意日期。")


CONSENT_TO_API_FIELDS = {"guardian": "guardian_id", "withdrawn_on": "date"}


def _consent_out(row) -> dict:
    consent = row.consent
    return {
        "id": consent.pk,
        "resident_id": consent.resident_id,
        "purpose": consent.purpose,
        "purpose_label": consent.get_purpose_display(),
        "purpose_detail": consent.purpose_detail,
        "given_on": consent.given_on,
        "withdrawn_on": consent.withdrawn_on,
        "is_active": row.is_active,
        "guardian_id": consent.guardian_id,
        "guardian": row.guardian,
        "guardian_relation": consent.guardian_relation,
        "recorded_by": str(consent.recorded_by) if consent.recorded_by_id else "",
        "recorded_at": consent.recorded_at,
        "note": consent.note,
    }


def _consent_error(exc: DomainError) -> DomainError:
    return DomainError(
        exc.message, errors={CONSENT_TO_API_FIELDS.get(k, k): v for k, v in exc.errors.items()}
    )


@router.get(
    "/residents/{resident_id}/consents",
    response={200: list[ConsentOut], **READ_ERRORS},
    summary="同意记录",
    description="居委干部、本楼楼组长和本户居民可以查看；撤回的记录也列出（注明撤回日期）。",
)
def consent_list(request, resident_id: Id):
    resident = _resident(resident_id, request.auth)
    return [_consent_out(row) for row in selectors_pipl.consent_rows(request.auth, resident)]


@router.post(
    "/residents/{resident_id}/consents",
    response={201: ConsentOut, **WRITE_ERRORS},
    summary="登记同意",
    description="未满14周岁的居民须由监护人同意：guardian_id（本社区成年居民），或同时填写 guardian_name 和 guardian_relation。",
    openapi_extra=json_body(ConsentIn),
)
def consent_create(request, resident_id: Id):
    resident = _resident(resident_id, request.auth)
    _require(request.auth, "registry.record_consent", resident)
    payload = parse_body(request, ConsentIn)
    try:
        consent = pipl.consent_record(
            actor=request.auth, resident=resident, data=pipl.ConsentData(**payload.model_dump())
        )
    except DomainError as exc:
        raise _consent_error(exc) from None
    consent = selectors_pipl.access_consent(request.auth, consent.pk)
    return Status(201, _consent_out(selectors_pipl.consent_row(request.auth, consent)))


@router.post(
    "/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **WRITE_ERRORS},
    summary="撤回同意",
    description="记录撤回日期；同意记录本身不会删除。",
    openapi_extra=json_body(ConsentWithdrawIn),
)
def consent_withdraw(request, consent_id: Id):
    consent = selectors_pipl.access_consent(request.auth, consent_id)
    _require(request.auth, "registry.record_consent", consent.resident)
    payload = parse_body(request, ConsentWithdrawIn)
    try:
        pipl.consent_withdraw(actor=request.auth, consent=consent, on=payload.date)
    except DomainError as exc:
        raise _consent_error(exc) from None
    consent = selectors_pipl.access_consent(request.auth, consent.pk)
    return _consent_out(selectors_pipl.consent_row(request.auth, consent))


@router.get(
    "/residents/{resident_id}/export",
    response=READ_ERRORS,
    summary="导出个人数据（本人查阅、复制）",
    description=(
        "按《个人信息保护法》第45条，把一位居民的全部信息导出为 JSON 文件（UTF-8），证件号码和手机号码为完整内容。"
        "只有本居民区的居委干部可以导出，须在 reason 中写明理由；每次导出记入访问记录。"
    ),
    openapi_extra={
        "responses": {
            "200": {
                "description": "JSON 文件（附件下载）。",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def person_export(request, resident_id: Id, reason: str = ""):
    # `reason` is read as plain text and checked by the service after the scope and role checks, so a
    # caller who may not export gets 404/403, never a 422 about the reason.
    resident = _resident(resident_id, request.auth)
    _require(request.auth, "registry.export_person", resident)
    try:
        data = pipl.person_data_export(actor=request.auth, resident=resident, reason=reason, request=request)
    except DomainError as exc:
        raise _api_error(exc) from None
    response = HttpResponse(pipl.person_export_bytes(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{pipl.person_export_filename(resident.pk)}"'
    response["Cache-Control"] = "no-store"
    return response
