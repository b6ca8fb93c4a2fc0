"""The party API's reads through the scope: party members with party age (a building leader: their
buildings), the year's medal candidates, a branch's figures (staff only); Chinese 422s for bad years."""

import pytest

from linli.organizing.models import IdentityPost
from tests.test_party_world import TODAY, YEAR, party_setup

API = "/api/v1"


@pytest.fixture
def party(world):
    return party_setup(world)


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(API + url, params)


def test_party_members_with_party_age(client, world, party):
    IdentityPost.objects.create(community=world.community, resident=world.li, post="调解岗", started_on=TODAY)
    response = get(client, world.staff, f"/communities/{world.community.pk}/party/members")
    assert response.status_code == 200
    data = response.json()
    by_name = {item["name"]: item for item in data["items"]}
    assert data["count"] == 3 and set(by_name) == {"赵阿姨", "孙奶奶", "李大爷"}
    assert by_name["孙奶奶"]["standing_years"] is None and by_name["孙奶奶"]["medal_year"] is None
    assert by_name["赵阿姨"]["medal_year"] == YEAR
    assert by_name["李大爷"]["identity_post"] == "调解岗" and by_name["李大爷"]["branch_name"] == "测试二支部"
    # No phone or ID number is part of a party member's row.
    assert "phone" not in by_name["李大爷"] and "id_number" not in by_name["李大爷"]


def test_building_leader_gets_their_buildings_only(client, world, party):
    data = get(client, world.building_leader, f"/communities/{world.community.pk}/party/members").json()
    assert {item["name"] for item in data["items"]} == {"赵阿姨", "孙奶奶"}


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident"])
def test_other_roles_are_refused(client, world, party, role):
    for url in ("party/members", "party/medal-candidates", "party/in-service"):
        response = get(client, getattr(world, role), f"/communities/{world.community.pk}/{url}")
        assert response.status_code == 403, url
        assert "不能" in response.json()["detail"]


def test_filters_and_medal_candidates(client, world, party):
    members = f"/communities/{world.community.pk}/party/members"
    assert get(client, world.staff, members, branch=party.second.pk).json()["count"] == 1
    assert get(client, world.staff, members, medal_year=YEAR).json()["items"][0]["name"] == "赵阿姨"
    response = get(client, world.staff, f"/communities/{world.community.pk}/party/medal-candidates")
    data = response.json()
    assert data["year"] == YEAR and [i["name"] for i in data["items"]] == ["赵阿姨"]
    assert data["full_member_until"] == f"{YEAR - 50}-07-01"


@pytest.mark.parametrize("year", [2020, 1900, 3000])
def test_a_year_outside_the_medal_years_is_a_chinese_422(client, world, party, year):
    response = get(
        client, world.staff, f"/communities/{world.community.pk}/party/medal-candidates", year=year
    )
    assert response.status_code == 422
    assert "2021" in response.json()["errors"]["year"][0]


def test_branch_figures_for_staff_only(client, world, party):
    url = f"/communities/{world.community.pk}/party/branches/{party.first.pk}"
    data = get(client, world.staff, url).json()
    assert data["name"] == "测试一支部" and data["year"] == YEAR
    assert data["figures"]["members"] == 2 and data["figures"]["medal_candidates"] == 1
    assert get(client, world.building_leader, url).status_code == 403
    assert get(client, world.outsider, url).status_code == 404
    other = f"/communities/{world.community.pk}/party/branches/{party.neighbour.pk}"
    assert get(client, world.staff, other).status_code == 404
