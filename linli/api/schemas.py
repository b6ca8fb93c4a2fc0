"""Shapes shared by every router: the error body, identifiers and safe text.

Identifiers are bounded to the database's 64-bit range and text refuses NUL characters, so that no input,
however odd, reaches the database as something it cannot store (PostgreSQL rejects NUL in text, SQLite
overflows on larger integers): bad input must end as a 422, never a 500.
"""

import json
from typing import Annotated, TypeVar

import pydantic
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "NUL character")
    return value


def text(max_length: int):
    """Text of at most `max_length` characters. The limit sits on the str itself, so it is reported as
    string_too_long (characters) even inside `| None`, where a Field(max_length) would count items."""
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_nul)]


class ErrorOut(Schema):
    detail: str = Field(description="给人看的说明（中文）。")
    errors: dict[str, list[str]] | None = Field(
        None, description="按字段列出的问题；与具体字段无关的放在 __all__ 下。"
    )


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error statuses an operation documents; the bodies are made by linli.api.errors."""
    return dict.fromkeys(codes, ErrorOut)


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="页码，从1开始。")
    page_size: int = Field(50, ge=1, le=100, description="每页条数，最多100。")


def paginate(queryset, params: PageParams) -> dict:
    """One page of a queryset as {count, page, page_size, items}: two queries (count, rows)."""
    offset = (params.page - 1) * params.page_size
    return {
        "count": queryset.count(),
        "page": params.page,
        "page_size": params.page_size,
        "items": list(queryset[offset : offset + params.page_size]),
    }


S = TypeVar("S", bound=Schema)


def parse_body(request, schema: type[S]) -> S:
    """The JSON body as `schema`, or a ninja ValidationError (422) located at ("body", field …).

    Endpoints that act on one object read their body with this after the scope check instead of
    declaring it as a parameter: ninja validates declared parameters before the endpoint runs, which
    would answer "fix these fields" (422) to someone who may not touch the object at all (404/403).
    """
    if not request.body:
        raise ValidationError([{"type": "body_missing", "loc": ("body",), "msg": "body missing"}])
    try:
        data = json.loads(request.body)
    except ValueError:
        raise HttpError(400, _("请求内容无法解析：请发送有效的 JSON。")) from None
    if not isinstance(data, dict):
        # ninja's Schema reads attributes from any object, so a list or a string would pass as "{}".
        raise ValidationError([{"type": "body_not_object", "loc": ("body",), "msg": "not an object"}])
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = [
            {**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False, include_input=False)
        ]
        raise ValidationError(errors) from None


def json_body(schema: type[Schema]) -> dict:
    """`openapi_extra` documenting a body read with `parse_body`, so the schema still shows it."""
    body = schema.model_json_schema()
    assert "$defs" not in body, f"{schema.__name__}: nested models need components; keep bodies flat"
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": body}}}}
