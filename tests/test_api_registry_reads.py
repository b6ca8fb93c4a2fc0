"""Reading the registry over the API: each role sees its part, nothing else, and never a full number."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.registry.models import Tag
from tests.conftest import ALL_NAMES, VISIBLE
from tests.factories import HouseholdFactory, ResidentFactory

API = "/api/v1"


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(API + url, params)


def names_in(response) -> set[str]:
    body = json.dumps(response.json(), ensure_ascii=False)
    return {name for name in ALL_NAMES if name in body}


def item_names(response) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


# ── communities ──────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff", ["测试一村"]),
        ("building_leader", ["测试一村"]),
        ("group_leader", ["测试一村"]),
        ("outsider", ["测试二村"]),
        ("volunteer", []),
        ("resident", []),
        ("street_officer", []),
    ],
)
def test_community_list_has_the_communities_the_role_works_in(world, client, role, expected):
    response = get(client, getattr(world, role), "/communities")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == expected


def test_staff_sees_the_whole_community_profile(world, client):
    response = get(client, world.staff, f"/communities/{world.community.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["community"]["name"] == "测试一村"
    assert body["whole_community"] is True
    assert (body["residents"], body["households"], body["migrants"], body["buildings"]) == (5, 4, 1, 2)


def test_building_leader_profile_counts_only_their_buildings(world, client):
    body = get(client, world.building_leader, f"/communities/{world.community.pk}").json()
    assert body["whole_community"] is False
    assert (body["residents"], body["households"], body["buildings"]) == (3, 2, 1)


@pytest.mark.parametrize(("role", "status"), [("volunteer", 403), ("resident", 403), ("outsider", 404)])
def test_community_profile_refused_to_other_roles(world, client, role, status):
    response = get(client, getattr(world, role), f"/communities/{world.community.pk}")
    assert response.status_code == status
    assert response.json()["detail"]  # a Chinese sentence, not Django's HTML page


def test_community_of_another_street_is_not_found(world, client):
    assert get(client, world.staff, f"/communities/{world.far.pk}").status_code == 404


def test_street_officer_gets_figures_for_each_community_of_the_street(world, client):
    response = get(client, world.street_officer, f"/streets/{world.street.pk}/communities")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert set(rows) == {"测试一村", "测试二村"}
    assert rows["测试一村"]["residents"] == 5 and rows["测试二村"]["residents"] == 1
    assert names_in(response) == set()


def test_street_overview_is_refused_to_community_staff_and_to_other_streets(world, client):
    assert get(client, world.staff, f"/streets/{world.street.pk}/communities").status_code == 403
    other = get(client, world.street_officer, f"/streets/{world.other_street.pk}/communities")
    assert other.status_code == 403


# ── buildings and households ─────────────────────────────────────────────────────────────────────


def test_building_list_is_paginated_and_scoped(world, client):
    url = f"/communities/{world.community.pk}/buildings"
    staff = get(client, world.staff, url, page_size=1, page=2).json()
    assert (staff["count"], staff["page"], staff["page_size"]) == (2, 2, 1)
    assert [b["label"] for b in staff["items"]] == ["2号"]
    leader = get(client, world.building_leader, url).json()
    assert [b["label"] for b in leader["items"]] == ["1号"]


def test_building_detail_lists_flats_and_current_residents(world, client):
    response = get(client, world.building_leader, f"/buildings/{world.building_1.pk}")
    assert response.status_code == 200
    flats = {f["number"]: f for e in response.json()["entrances"] for f in e["flats"]}
    assert set(flats) == {"101", "102"}
    assert {r["name"] for r in flats["101"]["residents"]} == {"赵阿姨", "钱先生"}
    assert flats["101"]["area"] == "56.30" and flats["101"]["floor"] == 1
    assert names_in(response) == VISIBLE["building_leader"]


def test_building_detail_leaves_out_residents_who_moved_out(world, client):
    world.qian.moved_out = world.qian.birth_date.replace(year=2025)
    world.qian.move_out_reason = "moved"
    world.qian.save()
    response = get(client, world.staff, f"/buildings/{world.building_1.pk}")
    assert "钱先生" not in names_in(response)


@pytest.mark.parametrize("role", ["building_leader", "group_leader", "volunteer", "outsider"])
def test_building_outside_the_scope_is_not_found(world, client, role):
    assert get(client, getattr(world, role), f"/buildings/{world.building_2.pk}").status_code == 404


def test_resident_sees_their_own_household(world, client):
    response = get(client, world.resident, f"/households/{world.own_household.pk}")
    assert response.status_code == 200
    assert response.json()["flat_label"] == "1单元101室"
    assert names_in(response) == {"赵阿姨", "钱先生"}


def test_resident_cannot_see_the_neighbours_household(world, client):
    assert get(client, world.resident, f"/households/{world.sun.household.pk}").status_code == 404


# ── residents ────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("role", ["staff", "building_leader", "group_leader"])
def test_resident_list_shows_exactly_the_roles_residents(world, client, role):
    response = get(client, getattr(world, role), f"/communities/{world.community.pk}/residents")
    assert response.status_code == 200
    assert item_names(response) == VISIBLE[role]
    assert response.json()["count"] == len(VISIBLE[role])
    assert names_in(response) == VISIBLE[role]


@pytest.mark.parametrize(("role", "status"), [("volunteer", 403), ("resident", 403), ("outsider", 404)])
def test_resident_list_refused_to_other_roles(world, client, role, status):
    response = get(client, getattr(world, role), f"/communities/{world.community.pk}/residents")
    assert response.status_code == status
    assert names_in(response) == set()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "zhao"}, {"赵阿姨"}),
        ({"q": "zay"}, {"赵阿姨"}),
        ({"q": "阿"}, {"赵阿姨", "周阿婆"}),
        ({"age_band": "80+"}, {"孙奶奶"}),
        ({"registration_type": "migrant"}, {"李大爷"}),
        ({"party_member": "false", "age_band": "18-59"}, {"钱先生"}),
    ],
)
def test_resident_list_filters(world, client, params, expected):
    response = get(client, world.staff, f"/communities/{world.community.pk}/residents", **params)
    assert response.status_code == 200, response.content
    assert item_names(response) == expected


def test_resident_list_filters_by_building_and_tag(world, client):
    url = f"/communities/{world.community.pk}/residents"
    assert item_names(get(client, world.staff, url, building=world.building_2.pk)) == {"李大爷", "周阿婆"}
    solo = Tag.objects.get(name="独居")
    assert item_names(get(client, world.staff, url, tag=solo.pk)) == {"孙奶奶"}


def test_resident_list_hides_moved_out_unless_asked(world, client):
    world.zhou.moved_out = world.zhou.birth_date.replace(year=2025)
    world.zhou.move_out_reason = "moved"
    world.zhou.save()
    url = f"/communities/{world.community.pk}/residents"
    assert "周阿婆" not in item_names(get(client, world.staff, url))
    assert "周阿婆" in item_names(get(client, world.staff, url, include_moved_out="true"))


def test_resident_list_pages(world, client):
    url = f"/communities/{world.community.pk}/residents"
    first = get(client, world.staff, url, page_size=2).json()
    third = get(client, world.staff, url, page_size=2, page=3).json()
    assert (first["count"], len(first["items"]), len(third["items"])) == (5, 2, 1)


def test_resident_list_page_size_is_capped_with_a_chinese_message(world, client):
    response = get(client, world.staff, f"/communities/{world.community.pk}/residents", page_size=101)
    assert response.status_code == 422
    assert response.json()["errors"]["page_size"] == ["不能大于100。"]


def test_resident_list_runs_a_constant_number_of_queries(world, client):
    url = f"{API}/communities/{world.community.pk}/residents"
    client.force_login(world.staff)
    client.get(url)  # warm up session and content types

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    solo = Tag.objects.get(name="独居")
    for n in range(12):
        extra = ResidentFactory(household=HouseholdFactory(flat=world.flat_202), name=f"新居民{n}")
        extra.tags.add(solo)
    assert count() == before


def test_building_detail_runs_a_constant_number_of_queries(world, client):
    url = f"{API}/buildings/{world.building_1.pk}"
    client.force_login(world.staff)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(8):
        ResidentFactory(household=HouseholdFactory(flat=world.flat_102), name=f"新居民{n}")
    assert count() == before


def test_resident_detail_masks_id_number_and_phone(world, client):
    response = get(client, world.staff, f"/residents/{world.zhao.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    data = response.json()
    assert "13812345678" not in body and world.zhao.id_number not in body
    assert data["phone"] == "138****5678"
    assert data["id_number"] == world.zhao.id_number[:3] + "*" * 11 + world.zhao.id_number[-4:]
    assert data["age"] == world.zhao.age()
    assert (data["household_id"], data["flat_label"], data["building_label"]) == (
        world.own_household.pk,
        "1单元101室",
        "1号",
    )


def test_resident_role_sees_own_household_member_masked(world, client):
    response = get(client, world.resident, f"/residents/{world.zhao.pk}")
    assert response.status_code == 200
    assert response.json()["phone"] == "138****5678"
    assert "13812345678" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "resident"),
    [
        ("building_leader", "li"),
        ("group_leader", "zhao"),
        ("resident", "sun"),
        ("staff", "wu"),
        ("outsider", "zhao"),
    ],
)
def test_resident_outside_the_scope_is_not_found(world, client, role, resident):
    response = get(client, getattr(world, role), f"/residents/{getattr(world, resident).pk}")
    assert response.status_code == 404
    assert names_in(response) == set()


# ── me ───────────────────────────────────────────────────────────────────────────────────────────


def test_me_lists_roles_and_places_without_other_people(world, client):
    response = get(client, world.building_leader, "/me")
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "leader"
    [role] = body["roles"]
    assert role["role"] == "building_leader" and role["role_label"] == "楼组长"
    assert role["community"]["name"] == "测试一村"
    assert [b["name"] for b in role["buildings"]] == ["1号"]
    assert names_in(response) == set()


def test_me_of_a_resident_names_only_the_household(world, client):
    [role] = get(client, world.resident, "/me").json()["roles"]
    assert role["household_id"] == world.own_household.pk
