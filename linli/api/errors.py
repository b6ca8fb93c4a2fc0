"""Every error the API returns, as JSON in Chinese: {"detail": ..., "errors": {field: [...]}}.

Bad input is a 422 with messages per field, whether pydantic caught it (missing field, wrong type, bad
date) or a service did (DomainError); out of scope is a 404 that does not confirm the row exists; a role
that may see but not act is a 403; no credentials is a 401. Nothing a caller sends should end as a 500.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from linli.core.errors import DomainError

ALL = "__all__"

# Names of the parameters that carry a whole JSON body; an error on the body as a whole belongs to no field.
BODY_PARAMS = {"payload"}


def _messages() -> dict[str, str]:
    # Built per call so each message is translated into the request's language.
    date = _("日期格式应为 YYYY-MM-DD。")
    integer = _("应为整数。")
    number = _("应为数字。")
    boolean = _("应为 true 或 false。")
    shape = _("格式不正确。")
    return {
        "missing": _("必填。"),
        "body_missing": _("请求体不能为空：请发送一个 JSON 对象。"),
        "body_not_object": _('请求体应为一个 JSON 对象，例如 {"name": "…"}。'),
        "date_parsing": date,
        "date_from_datetime_parsing": date,
        "date_from_datetime_inexact": date,
        "date_type": date,
        "datetime_parsing": _("时间格式应为 YYYY-MM-DDTHH:MM:SS。"),
        "int_parsing": integer,
        "int_type": integer,
        "int_from_float": integer,
        "int_parsing_size": _("数字太大了。"),
        "float_parsing": number,
        "float_type": number,
        "decimal_parsing": number,
        "decimal_type": number,
        "bool_parsing": boolean,
        "bool_type": boolean,
        "string_type": _("应为文字。"),
        "string_too_long": _("太长了（最多%(max_length)s个字）。"),
        "string_too_short": _("太短了（至少%(min_length)s个字）。"),
        "string_nul": _("含有不允许的控制字符。"),
        "literal_error": _("应为以下之一：%(expected)s。"),
        "enum": _("应为以下之一：%(expected)s。"),
        "greater_than_equal": _("不能小于%(ge)s。"),
        "greater_than": _("应大于%(gt)s。"),
        "less_than_equal": _("不能大于%(le)s。"),
        "less_than": _("应小于%(lt)s。"),
        "list_type": _("应为列表。"),
        "too_long": _("太多了（最多%(max_length)s项）。"),
        "json_invalid": _("不是有效的 JSON。"),
        "model_type": shape,
        "model_attributes_type": shape,
        "dict_type": shape,
        "extra_forbidden": _("不认识这个字段。"),
    }


def _field_of(loc) -> str:
    """The input at fault: the last named element of pydantic's location (tag_ids, not its index)."""
    names = [part for part in loc[1:] if isinstance(part, str)]
    if not names or names[-1] in BODY_PARAMS:
        return ALL
    return names[-1]


def message_for(error: dict) -> str:
    template = _messages().get(error.get("type", ""))
    if template is None:
        return _("格式不正确。")
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:  # pydantic writes "'M' or 'F'"
        ctx["expected"] = str(ctx["expected"]).replace("' or '", "'、'").replace("', '", "'、'")
    try:
        return template % ctx
    except (KeyError, TypeError, ValueError):
        return _("格式不正确。")


def validation_errors(errors: list[dict]) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for error in errors:
        messages = by_field.setdefault(_field_of(error.get("loc", ())), [])
        message = message_for(error)
        if message not in messages:  # a union type reports once per branch; once is enough
            messages.append(message)
    return by_field


def fix_these() -> str:
    return _("请更正标出的内容。")


def install(api) -> None:
    """Register the handlers on a NinjaAPI instance."""

    def respond(request, status: int, detail: str, errors: dict | None = None):
        body = {"detail": detail}
        if errors is not None:
            body["errors"] = errors
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        return respond(request, 422, fix_these(), validation_errors(exc.errors))

    @api.exception_handler(DomainError)
    def on_domain_error(request, exc: DomainError):
        errors = dict(exc.errors)
        detail = fix_these() if set(errors) - {ALL} else exc.message
        return respond(request, 422, detail, errors)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, _("找不到，或您无权查看。"))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc):
        return respond(request, 403, str(exc) or _("您的角色不能进行此操作。"))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request, exc):
        response = respond(
            request, 401, _("请先登录，或在请求头中提供有效的接口令牌：Authorization: Bearer <令牌>。")
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400:
            # ninja says "Cannot parse request body" when the body is not JSON.
            return respond(request, 400, _("请求内容无法解析：请发送有效的 JSON。"))
        if exc.status_code == 429:
            return respond(request, 429, _("请求太频繁，请稍后再试。"))
        return respond(request, exc.status_code, str(exc))
