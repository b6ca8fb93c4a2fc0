"""The community home, building pages, household page and the street's figures, for each role."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import ALL_NAMES
from tests.factories import FlatFactory, HouseholdFactory, ResidentFactory


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff", 200),
        ("building_leader", 200),
        ("group_leader", 200),
        ("volunteer", 403),
        ("resident", 403),
        ("outsider", 404),
        ("street_officer", 404),
    ],
)
def test_community_home_by_role(client, world, role, status):
    response = get(client, getattr(world, role), "community_home", world.community.pk)
    assert response.status_code == status


def test_community_home_shows_the_profile_for_staff(client, world):
    body = get(client, world.staff, "community_home", world.community.pk).content.decode()
    # 5 current residents, 4 of them 60 or over: 赵阿姨, 孙奶奶, 李大爷, 周阿婆.
    assert "<dt>居民</dt><dd>5</dd>" in body
    assert "80.0%" in body
    assert "<dt>来沪人员</dt><dd>1</dd>" in body
    assert reverse("building_detail", args=[world.building_1.pk]) in body
    assert reverse("building_detail", args=[world.building_2.pk]) in body
    assert 'name="q"' in body  # the quick search box
    assert reverse("resident_create", args=[world.community.pk]) in body


def test_community_home_for_a_building_leader_covers_only_their_buildings(client, world):
    body = get(client, world.building_leader, "community_home", world.community.pk).content.decode()
    assert "<dt>居民</dt><dd>3</dd>" in body
    assert "只统计您负责的范围" in body
    assert reverse("building_detail", args=[world.building_1.pk]) in body
    assert reverse("building_detail", args=[world.building_2.pk]) not in body


def test_group_leader_cannot_register_residents(client, world):
    body = get(client, world.group_leader, "community_home", world.community.pk).content.decode()
    assert reverse("resident_create", args=[world.community.pk]) not in body


def test_building_list_is_paginated_and_scoped(client, world):
    response = get(client, world.building_leader, "building_list", world.community.pk)
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [world.building_1]
    response = get(client, world.staff, "building_list", world.community.pk)
    assert list(response.context["page_obj"]) == [world.building_1, world.building_2]
    assert get(client, world.volunteer, "building_list", world.community.pk).status_code == 403


def test_building_detail_shows_floors_top_first_with_residents_and_empty_flats(client, world):
    FlatFactory(entrance=world.entrance_1, floor=3, number="301", area=Decimal("72.50"))
    body = get(client, world.staff, "building_detail", world.building_1.pk).content.decode()
    assert body.index('<th scope="row">3层</th>') < body.index('<th scope="row">1层</th>')
    assert "301室" in body and "72.50" in body
    assert "空置/未登记" in body
    for person in (world.zhao, world.qian, world.sun):
        assert reverse("resident_detail", args=[person.pk]) in body
        assert f"{person.age()}岁" in body
    assert 'class="table-scroll"' in body  # the grid scrolls in its own box on a phone


def test_building_detail_is_scoped(client, world):
    assert get(client, world.building_leader, "building_detail", world.building_1.pk).status_code == 200
    assert get(client, world.building_leader, "building_detail", world.building_2.pk).status_code == 404
    assert get(client, world.resident, "building_detail", world.building_1.pk).status_code == 404
    assert get(client, world.outsider, "building_detail", world.building_1.pk).status_code == 404


def test_building_detail_queries_do_not_grow_with_the_building(client, world):
    def count() -> int:
        client.force_login(world.staff)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("building_detail", args=[world.building_1.pk])).status_code == 200
        return len(queries)

    before = count()
    for floor in range(2, 7):
        for n in range(1, 4):
            flat = FlatFactory(entrance=world.entrance_1, floor=floor, number=f"{floor}0{n}")
            ResidentFactory.create_batch(2, household=HouseholdFactory(flat=flat))
    assert count() == before


def test_household_page_for_the_resident_shows_current_and_former_members(client, world):
    world.qian.moved_out = world.qian.birth_date.replace(year=2024)
    world.qian.move_out_reason = "moved"
    world.qian.save()
    body = get(client, world.resident, "household_detail", world.own_household.pk).content.decode()
    assert "赵阿姨" in body
    assert "曾住成员" in body and "钱先生" in body
    assert body.index("赵阿姨") < body.index("曾住成员") < body.index("钱先生")
    assert get(client, world.resident, "household_detail", world.sun.household.pk).status_code == 404


def test_street_overview_shows_counts_of_its_communities_and_no_names(client, world):
    response = get(client, world.street_officer, "street_overview", world.street.pk)
    body = response.content.decode()
    assert response.status_code == 200
    assert "测试一村" in body and "测试二村" in body and "远方家园" not in body
    assert not [name for name in ALL_NAMES if name in body]
    row = next(r for r in response.context["rows"] if r["community_id"] == world.community.pk)
    assert (row["residents"], row["aged_60_plus"], row["migrants"]) == (5, 4, 1)
    assert "80.0%" in body


def test_street_overview_lists_a_community_with_nobody_registered(client, world):
    from tests.factories import CommunityFactory

    CommunityFactory(street=world.street, name="新建三村")
    body = get(client, world.street_officer, "street_overview", world.street.pk).content.decode()
    assert "新建三村" in body


def test_street_overview_is_for_that_streets_officers_only(client, world):
    assert get(client, world.street_officer, "street_overview", world.other_street.pk).status_code == 403
    assert get(client, world.staff, "street_overview", world.street.pk).status_code == 403
