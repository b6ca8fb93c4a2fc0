"""Searching residents over the API by a whole ID or phone number: POSTed in a JSON body, never put in a URL.

POST /communities/{id}/residents/search takes the resident list's filters and pagination in its body and
answers the list's page, through the same scope and the same rule as the list page: a number finds only
residents whose number the role may reveal. GET /communities/{id}/residents refuses a `q` with a digit in
it (422) without repeating it, and keeps answering name and pinyin searches.
"""

import json

import pytest

from linli.core.crypto import keyed_hash
from linli.registry.models import Resident, Tag
from tests.conftest import ALL_NAMES

API = "/api/v1"
ZHAO_PHONE = "13812345678"
LI_PHONE = "13900001111"
ZHOU_PHONE = "13700002222"


def search_url(community) -> str:
    return f"{API}/communities/{community.pk}/residents/search"


def list_url(community) -> str:
    return f"{API}/communities/{community.pk}/residents"


def post(client, user, community, body):
    client.force_login(user)
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(search_url(community), data, content_type="application/json")


def get(client, user, community, **params):
    client.force_login(user)
    return client.get(list_url(community), params)


def item_names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def names_in(response) -> set[str]:
    body = response.content.decode()
    return {name for name in ALL_NAMES if name in body or json.dumps(name) in body}


@pytest.fixture
def phones(world):
    """李大爷 (building 2, 暖心组) and 周阿婆 (building 2) get phones of their own; 赵阿姨 has hers."""
    for person, phone in ((world.li, LI_PHONE), (world.zhou, ZHOU_PHONE)):
        person = Resident.objects.get(pk=person.pk)
        person.phone, person.phone_hash = phone, keyed_hash(phone)  # as services.resident_update stores it
        person.save(update_fields=["phone", "phone_hash"])


# ── POST: the search ──────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("q", [ZHAO_PHONE, "138 1234 5678", "+86 138-1234-5678", "１３８１２３４５６７８"])
def test_staff_find_zhao_by_her_phone(world, client, q):
    response = post(client, world.staff, world.community, {"q": q})
    assert item_names(response) == {"赵阿姨"}
    assert response.json()["count"] == 1
    assert ZHAO_PHONE not in response.content.decode()


def test_staff_find_zhao_by_her_id_number_and_the_answer_holds_no_number(world, client):
    number = world.zhao.id_number
    response = post(client, world.staff, world.community, {"q": number})
    assert item_names(response) == {"赵阿姨"}
    body = response.content.decode()
    assert number not in body and ZHAO_PHONE not in body


def test_staff_find_a_resident_of_any_building_by_phone(world, client, phones):
    assert item_names(post(client, world.staff, world.community, {"q": ZHOU_PHONE})) == {"周阿婆"}
    assert item_names(post(client, world.staff, world.community, {"q": LI_PHONE})) == {"李大爷"}


def test_a_part_of_a_number_finds_nobody(world, client):
    for part in (ZHAO_PHONE[:7], ZHAO_PHONE[-4:], world.zhao.id_number[:17], world.zhao.id_number[-6:]):
        response = post(client, world.staff, world.community, {"q": part})
        assert response.json()["count"] == 0, part


def test_a_building_leader_finds_only_phones_of_their_buildings(world, client, phones):
    leader = world.building_leader
    assert item_names(post(client, leader, world.community, {"q": ZHAO_PHONE})) == {"赵阿姨"}
    # Not by ID number: they may not reveal it, so they may not test guesses against it either.
    assert item_names(post(client, leader, world.community, {"q": world.zhao.id_number})) == set()
    # 周阿婆 lives in building 2, which they do not lead.
    response = post(client, leader, world.community, {"q": ZHOU_PHONE})
    assert item_names(response) == set()
    assert "周阿婆" not in response.content.decode()


def test_a_group_leader_lists_members_but_finds_nobody_by_number(world, client, phones):
    # The group leader sees 李大爷 in the list but may reveal no number, so cannot search by one.
    assert item_names(post(client, world.group_leader, world.community, {})) == {"李大爷"}
    assert item_names(post(client, world.group_leader, world.community, {"q": LI_PHONE})) == set()


def test_the_search_stays_in_the_community_asked_about(world, client):
    # Staff of the neighbouring community search their own community: Zhao is not in it.
    assert item_names(post(client, world.outsider, world.neighbour, {"q": ZHAO_PHONE})) == set()


@pytest.mark.parametrize(("role", "status"), [("volunteer", 403), ("resident", 403), ("outsider", 404)])
@pytest.mark.parametrize("body", [{"q": ZHAO_PHONE}, {}, {"page_size": 101}, "not json"])
def test_roles_that_may_not_list_are_refused_before_the_body_is_read(world, client, role, status, body):
    response = post(client, getattr(world, role), world.community, body)
    assert response.status_code == status
    assert names_in(response) == set()
    assert ZHAO_PHONE not in response.content.decode()


def test_other_communities_are_not_found(world, client):
    assert post(client, world.staff, world.neighbour, {"q": ZHAO_PHONE}).status_code == 404
    assert post(client, world.staff, world.far, {}).status_code == 404


def test_anonymous_gets_401(world, client):
    response = client.post(search_url(world.community), {"q": ZHAO_PHONE}, content_type="application/json")
    assert response.status_code == 401


def test_no_cache_keeps_the_answer(world, client):
    response = post(client, world.staff, world.community, {"q": ZHAO_PHONE})
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"q": "zhao"},
        {"q": "zay"},
        {"q": "阿"},
        {"age_band": "80+"},
        {"registration_type": "migrant"},
        {"party_member": False, "age_band": "18-59"},
        {"include_moved_out": True},
    ],
)
def test_the_search_takes_the_lists_filters_and_answers_the_same(world, client, filters):
    by_get = get(client, world.staff, world.community, **filters)
    by_post = post(client, world.staff, world.community, filters)
    assert by_post.status_code == by_get.status_code == 200
    assert by_post.json() == by_get.json()


def test_building_tag_and_moved_out_filters_in_the_body(world, client):
    solo = Tag.objects.get(name="独居")
    assert item_names(post(client, world.staff, world.community, {"building": world.building_2.pk})) == {
        "李大爷",
        "周阿婆",
    }
    assert item_names(post(client, world.staff, world.community, {"tag": solo.pk})) == {"孙奶奶"}
    zhao = Resident.objects.get(pk=world.zhao.pk)
    zhao.moved_out = zhao.birth_date.replace(year=2025)
    zhao.move_out_reason = "moved"
    zhao.save()
    assert item_names(post(client, world.staff, world.community, {"q": ZHAO_PHONE})) == set()
    body = {"q": ZHAO_PHONE, "include_moved_out": True}
    assert item_names(post(client, world.staff, world.community, body)) == {"赵阿姨"}


def test_the_search_pages_like_the_list(world, client):
    for page in (1, 2, 3):
        by_get = get(client, world.staff, world.community, page_size=2, page=page).json()
        by_post = post(client, world.staff, world.community, {"page_size": 2, "page": page}).json()
        assert by_post == by_get
        assert (by_post["count"], by_post["page"], by_post["page_size"]) == (5, page, 2)
    assert [len(post(client, world.staff, world.community, {"page_size": 2, "page": p}).json()["items"])
            for p in (1, 2, 3)] == [2, 2, 1]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"page_size": 101}, "page_size", "不能大于100。"),
        ({"page": 0}, "page", "不能小于1。"),
        ({"q": "1" * 51}, "q", "太长了（最多50个字）。"),
        ({"age_band": "90+"}, "age_band", None),
        ({"building": "一号楼"}, "building", "应为整数。"),
        ({"party_member": "也许"}, "party_member", "应为 true 或 false。"),
    ],
)
def test_bad_filters_get_a_chinese_422_that_repeats_nothing(world, client, body, field, message):
    response = post(client, world.staff, world.community, body)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {field}
    if message:
        assert errors[field] == [message]
    assert "1" * 51 not in response.content.decode()


@pytest.mark.parametrize(("body", "status"), [("", 422), ("not json", 400), ("[1, 2]", 422), ('"q"', 422)])
def test_a_body_that_is_not_an_object_is_refused(world, client, body, status):
    response = post(client, world.staff, world.community, body)
    assert response.status_code == status
    assert response.json()["detail"]


# ── GET: numbers refused, names kept ──────────────────────────────────────────────────────────────


def number_queries(world) -> list[str]:
    number = world.zhao.id_number
    return [
        ZHAO_PHONE,
        "+86 138 1234 5678",
        "１３８１２３４５６７８",
        number,
        number.lower(),
        ZHAO_PHONE[:7],
        "赵1",
    ]


def test_get_refuses_a_number_with_a_422_pointing_to_the_search(world, client):
    for q in number_queries(world):
        response = get(client, world.staff, world.community, q=q)
        assert response.status_code == 422, q
        errors = response.json()["errors"]
        assert list(errors) == ["q"]
        (message,) = errors["q"]
        assert "号码不能放在网址里" in message
        assert f"POST /api/v1/communities/{world.community.pk}/residents/search" in message
        body = response.content.decode()
        assert q not in body and json.dumps(q) not in body
        digits = "".join(c for c in q if c.isdigit())
        if len(digits) >= 7:
            assert digits not in body
        assert names_in(response) == set()


def test_get_refuses_a_number_even_with_other_filters(world, client):
    response = get(client, world.staff, world.community, q=ZHAO_PHONE, building=world.building_1.pk, page=2)
    assert response.status_code == 422
    assert ZHAO_PHONE not in response.content.decode()


def test_get_out_of_scope_is_still_a_404_or_403_first(world, client):
    assert get(client, world.outsider, world.community, q=ZHAO_PHONE).status_code == 404
    assert get(client, world.resident, world.community, q=ZHAO_PHONE).status_code == 403


@pytest.mark.parametrize(
    ("q", "expected"),
    [("zhao", {"赵阿姨"}), ("zay", {"赵阿姨"}), ("赵", {"赵阿姨"}), ("阿", {"赵阿姨", "周阿婆"}), ("", None)],
)
def test_get_keeps_answering_name_and_pinyin_searches(world, client, q, expected):
    response = get(client, world.staff, world.community, q=q)
    assert response.status_code == 200
    if expected is not None:
        assert item_names(response) == expected


# ── The documentation ─────────────────────────────────────────────────────────────────────────────


def test_both_are_documented_in_chinese(world, client):
    client.force_login(world.superuser)
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    search = paths["/api/v1/communities/{community_id}/residents/search"]
    assert set(search) == {"post"}
    operation = search["post"]
    assert "证件号码" in operation["description"] and "楼组长" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert {
        "q",
        "building",
        "age_band",
        "tag",
        "registration_type",
        "party_member",
        "include_moved_out",
    } <= set(body)
    assert {"page", "page_size"} <= set(body)
    assert "证件号码" in body["q"]["description"]
    listing = paths["/api/v1/communities/{community_id}/residents"]["get"]
    assert "/residents/search" in listing["description"] and "422" in listing["description"]
    q = next(p for p in listing["parameters"] if p["name"] == "q")
    assert "/residents/search" in q["description"]
