"""Bad input of any kind ends as a Chinese 4xx on the field at fault, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.api.errors import validation_errors
from linli.registry.models import Resident

API = "/api/v1"


def test_pydantic_errors_become_chinese_messages_keyed_by_field():
    errors = [
        {"type": "missing", "loc": ("body", "name")},
        {"type": "date_from_datetime_parsing", "loc": ("body", "birth_date")},
        {"type": "int_parsing", "loc": ("body", "tag_ids", 0)},
        {"type": "string_too_long", "loc": ("body", "name"), "ctx": {"max_length": 50}},
        {"type": "literal_error", "loc": ("body", "gender"), "ctx": {"expected": "'M' or 'F'"}},
        {"type": "something_new", "loc": ("query", "page")},
        {"type": "model_type", "loc": ("body", "payload")},
    ]
    assert validation_errors(errors) == {
        "name": ["必填。", "太长了（最多50个字）。"],
        "birth_date": ["日期格式应为 YYYY-MM-DD。"],
        "tag_ids": ["应为整数。"],
        "gender": ["应为以下之一：'M'、'F'。"],
        "page": ["格式不正确。"],
        "__all__": ["格式不正确。"],
    }


def test_a_message_whose_context_is_missing_falls_back_to_the_generic_one():
    assert validation_errors([{"type": "string_too_long", "loc": ("body", "name")}]) == {
        "name": ["格式不正确。"]
    }


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"party_member": "maybe"}, "party_member", "应为 true 或 false。"),
        ({"age_band": "90+"}, "age_band", "应为以下之一：'0-17'、'18-59'、'60-69'、'70-79'、'80+'、'60+'。"),
        ({"page": "0"}, "page", "不能小于1。"),
        ({"building": "二号楼"}, "building", "应为整数。"),
        ({"q": "x" * 51}, "q", "太长了（最多50个字）。"),
    ],
)
def test_bad_query_parameters_are_422_in_chinese(world, client, params, field, message):
    client.force_login(world.staff)
    response = client.get(f"{API}/communities/{world.community.pk}/residents", params)
    assert response.status_code == 422
    assert response.json() == {"detail": "请更正标出的内容。", "errors": {field: [message]}}


@pytest.mark.parametrize("value", ["abc", "0", "-3", "99999999999999999999999", "1.5"])
def test_bad_path_identifiers_are_client_errors(world, client, value):
    client.force_login(world.staff)
    response = client.get(f"{API}/residents/{value}")
    assert response.status_code in (404, 422)
    if response.status_code == 422:
        assert list(response.json()["errors"]) == ["resident_id"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
FIELDS = [
    "flat_id",
    "name",
    "gender",
    "birth_date",
    "id_type",
    "id_number",
    "phone",
    "registration_type",
    "relation",
    "moved_in",
    "party_joined",
    "party_full_member",
    "party_branch_id",
    "tag_ids",
    "notes",
    "tenure",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))
def test_no_body_makes_a_server_error(world, client, values):
    client.force_login(world.staff)
    before = Resident.objects.count()
    for method, url in (
        ("post", f"{API}/communities/{world.community.pk}/residents"),
        ("patch", f"{API}/residents/{world.zhou.pk}"),
    ):
        response = getattr(client, method)(url, values, content_type="application/json")
        assert response.status_code < 500, (method, values, response.content)
        if response.status_code >= 400:
            assert response.json()["detail"]
    assert Resident.objects.count() in (before, before + 1)
