"""The reveal over JSON: POST /api/v1/residents/{resident_id}/reveal.

Out of scope is a 404 (as everywhere); a role that may not reveal the field, a 403; a missing reason or an
unknown field, a 422 in Chinese. The answer holds the clear value once, recorded in the access log first,
and tells every cache not to keep it (Cache-Control: no-store).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from linli.api.schemas import Id, error_responses, json_body, parse_body, text
from linli.registry import privacy, selectors

router = Router(tags=["registry"])


class RevealIn(Schema):
    field: text(30) = Field(description="要查看的字段：id_number（证件号码）或 phone（手机号码）。")
    reason: text(privacy.REASON_MAX_LENGTH) = Field(description="查看理由，例如“电话联系家属”“核对身份”。")


class RevealOut(Schema):
    field: str
    value: str = Field(description="完整的值。此次查看已记入访问记录。")


@router.post(
    "/residents/{resident_id}/reveal",
    response={200: RevealOut, **error_responses(400, 401, 403, 404, 422)},
    summary="查看完整的证件号码或手机号码",
    description=(
        "须写明理由；每次查看都记入访问记录（谁、何时、哪一项、理由）。居委干部可查看证件号码和手机号码，"
        "楼组长只可查看所负责楼栋居民的手机号码，其他角色一律不可。"
    ),
    openapi_extra=json_body(RevealIn),
)
def resident_reveal(request, resident_id: Id, response: HttpResponse):
    add_never_cache_headers(response)
    resident = selectors.access_resident(request.auth, resident_id)
    if not any(privacy.may_reveal(request.auth, resident, f) for f in privacy.REVEALABLE_FIELDS):
        raise PermissionDenied(_("您的角色不能查看完整信息。"))
    payload = parse_body(request, RevealIn)
    value = privacy.resident_reveal(
        actor=request.auth, resident=resident, field=payload.field, reason=payload.reason, request=request
    )
    return {"field": payload.field, "value": value}
