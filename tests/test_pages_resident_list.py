"""The resident list: search by name and pinyin, filters, htmx fragments, pagination and a query count
that does not grow with the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.registry.models import Resident, Tag
from tests.conftest import ALL_NAMES
from tests.factories import HouseholdFactory, ResidentFactory


def listing(client, user, community, **params):
    client.force_login(user)
    return client.get(reverse("resident_list", args=[community.pk]), params)


def names(response) -> set[str]:
    body = response.content.decode()
    return {name for name in ALL_NAMES if name in body}


@pytest.mark.parametrize("query", ["zhao", "z", "zay", "赵", "ZHAO", "zha o"])
def test_search_finds_zhao(client, world, query):
    assert "赵阿姨" in names(listing(client, world.staff, world.community, q=query))


def test_search_by_pinyin_does_not_match_another_surname(client, world):
    found = names(listing(client, world.staff, world.community, q="zhao"))
    assert found == {"赵阿姨"}
    assert "周阿婆" not in found


def test_search_by_initial_finds_every_z_surname(client, world):
    assert names(listing(client, world.staff, world.community, q="z")) == {"赵阿姨", "周阿婆"}


def test_list_shows_the_columns_and_total(client, world):
    response = listing(client, world.staff, world.community)
    body = response.content.decode()
    assert "共找到 5 位居民" in body
    assert reverse("resident_detail", args=[world.sun.pk]) in body
    assert f"{world.sun.age()}岁" in body
    assert "1号 1单元102室" in body
    assert "来沪人员" in body and "独居" in body


def test_age_band_80_plus(client, world):
    found = names(listing(client, world.staff, world.community, age_band="80+"))
    expected = {r.name for r in (world.zhao, world.qian, world.sun, world.li, world.zhou) if r.age() >= 80}
    assert "孙奶奶" in found
    assert found == expected


def test_tag_filter(client, world):
    solo = Tag.objects.get(name="独居")
    assert names(listing(client, world.staff, world.community, tag=solo.pk)) == {"孙奶奶"}


def test_registration_type_filter(client, world):
    assert names(listing(client, world.staff, world.community, registration_type="migrant")) == {"李大爷"}


def test_building_filter(client, world):
    found = names(listing(client, world.staff, world.community, building=world.building_2.pk))
    assert found == {"李大爷", "周阿婆"}


def test_party_member_filter(client, world):
    world.zhou.party_joined = dt.date(1985, 7, 1)
    world.zhou.save()
    assert names(listing(client, world.staff, world.community, party="yes")) == {"周阿婆"}
    assert "周阿婆" not in names(listing(client, world.staff, world.community, party="no"))


def test_building_filter_offers_only_buildings_in_scope(client, world):
    response = listing(client, world.building_leader, world.community, building=world.building_2.pk)
    body = response.content.decode()
    choices = dict(response.context["form"].fields["building"].choices)
    assert world.building_1.pk in choices and world.building_2.pk not in choices
    # An out-of-scope building in the address is dropped, and never widens what the leader sees.
    assert names(response) == {"赵阿姨", "钱先生", "孙奶奶"}
    assert "周阿婆" not in body


def test_invalid_filter_values_are_ignored_not_an_error(client, world):
    response = listing(
        client, world.staff, world.community, building="x", tag="abc", age_band="999", page="z"
    )
    assert response.status_code == 200
    assert len(names(response)) == 5


def test_group_leader_sees_only_group_members(client, world):
    assert names(listing(client, world.group_leader, world.community)) == {"李大爷"}


def test_list_permission(client, world):
    assert listing(client, world.volunteer, world.community).status_code == 403
    assert listing(client, world.resident, world.community).status_code == 403
    assert listing(client, world.outsider, world.community).status_code == 404


def test_htmx_request_gets_only_the_results_fragment(client, world):
    client.force_login(world.staff)
    url = reverse("resident_list", args=[world.community.pk])
    response = client.get(url, {"q": "zay"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'role="search"' not in body  # not the filters' form
    assert "赵阿姨" in body and "共找到 1 位居民" in body
    assert "HX-Request" in response["Vary"]
    # A history restore asks for the whole page again.
    response = client.get(url, {"q": "zay"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_page_works_without_javascript_and_wires_htmx(client, world):
    body = listing(client, world.staff, world.community, q="zay").content.decode()
    # POSTed (a searched number stays out of URLs, see test_privacy_search_stays_out_of_urls.py)
    assert 'method="post"' in body and 'hx-post="' in body
    assert 'hx-trigger="input changed delay:300ms, search' in body
    assert 'hx-target="#resident-results"' in body
    assert 'id="resident-results"' in body
    assert 'value="zay"' in body  # the search is kept in the box after a plain submit
    for field in ("q", "building", "age_band", "tag", "registration_type", "party", "include_moved_out"):
        assert f'<label for="id_{field}"' in body or f'for="id_{field}"' in body, field


def add_residents(world, count: int) -> None:
    solo = Tag.objects.get(name="独居")
    household = HouseholdFactory(flat=world.flat_102)
    for resident in ResidentFactory.create_batch(count, household=household):
        resident.tags.add(solo)


def test_pagination(client, world, settings):
    add_residents(world, 120)
    response = listing(client, world.staff, world.community, page=2)
    assert response.status_code == 200
    assert "共找到 125 位居民" in response.content.decode()
    page = response.context["page_obj"]
    assert page.number == 2 and len(page.object_list) == settings.PAGE_SIZE
    ordered = list(
        Resident.objects.filter(community=world.community, moved_out__isnull=True).order_by(
            "name_pinyin", "id"
        )
    )
    assert [r.pk for r in page.object_list] == [r.pk for r in ordered[50:100]]
    assert "第 2 页，共 3 页" in response.content.decode()


def test_query_count_is_the_same_for_10_and_120_residents(client, world):
    def count() -> tuple[int, int]:
        client.force_login(world.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("resident_list", args=[world.community.pk]))
        return len(queries), len(response.context["page_obj"].object_list)

    add_residents(world, 5)
    few, rows = count()
    assert rows == 10
    add_residents(world, 110)
    many, rows = count()
    assert rows == 50
    assert few == many


def test_moved_out_are_hidden_unless_asked_for(client, world):
    world.zhou.moved_out = dt.date(2025, 6, 1)
    world.zhou.move_out_reason = "moved"
    world.zhou.save()
    assert "周阿婆" not in names(listing(client, world.staff, world.community))
    body = listing(client, world.staff, world.community, include_moved_out="on").content.decode()
    assert "周阿婆" in body and "已迁出" in body
