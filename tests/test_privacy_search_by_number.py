"""Finding a resident by a whole ID or mobile number: matched by the keyed hash (the number is never
stored in clear), exactly, through the scope, and only by the numbers the role may reveal."""

import pytest
from django.urls import reverse

from linli.registry.models import Resident
from linli.registry.selectors import ResidentFilters, resident_matches

ZHAO_PHONE = "13812345678"


def found(user, community, q) -> set[str]:
    return set(resident_matches(user, community, ResidentFilters(q=q)).values_list("name", flat=True))


def test_the_world_stores_no_clear_number_to_search(world):
    row = Resident.objects.filter(pk=world.zhao.pk).values("phone_hash", "id_number_hash").get()
    assert row["phone_hash"] and row["id_number_hash"]
    assert ZHAO_PHONE not in str(row) and world.zhao.id_number not in str(row)


@pytest.mark.parametrize(
    "q", [ZHAO_PHONE, "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "１３８１２３４５６７８"]
)
def test_staff_find_zhao_by_her_phone_however_it_is_written(world, q):
    assert found(world.staff, world.community, q) == {"赵阿姨"}


def test_staff_find_zhao_by_her_id_number(world):
    number = world.zhao.id_number
    assert found(world.staff, world.community, number) == {"赵阿姨"}
    assert found(world.staff, world.community, f" {number[:6]} {number[6:14]} {number[14:]} ") == {"赵阿姨"}


@pytest.mark.parametrize("part", [ZHAO_PHONE[:7], ZHAO_PHONE[-4:], ZHAO_PHONE[1:], "1381234567"])
def test_a_partial_phone_finds_nobody(world, part):
    assert found(world.staff, world.community, part) == set()


def test_a_partial_id_number_finds_nobody(world):
    number = world.zhao.id_number
    for part in (number[:17], number[-4:], number[:6], number[6:14], number[1:]):
        assert found(world.staff, world.community, part) == set(), part


def test_the_search_stays_in_the_scope(world):
    assert found(world.outsider, world.community, ZHAO_PHONE) == set()  # not even its community
    assert found(world.staff, world.neighbour, ZHAO_PHONE) == set()
    assert found(world.group_leader, world.community, ZHAO_PHONE) == set()


def test_a_building_leader_finds_by_phone_but_not_by_id_number(world):
    # They may reveal phones of their buildings, not ID numbers: a search by ID would let them test
    # guesses (birth date and district are known) and learn the number without a logged reveal.
    assert found(world.building_leader, world.community, ZHAO_PHONE) == {"赵阿姨"}
    assert found(world.building_leader, world.community, world.zhao.id_number) == set()


def test_the_list_page_and_the_api_find_by_number_and_never_echo_the_other_one(client, world):
    client.force_login(world.staff)
    url = reverse("resident_list", args=[world.community.pk])
    body = client.get(url, {"q": ZHAO_PHONE}).content.decode()
    assert "赵阿姨" in body and "孙奶奶" not in body
    assert world.zhao.id_number not in body
    search = f"/api/v1/communities/{world.community.pk}/residents/search"  # a number never goes in a URL
    response = client.post(search, {"q": world.zhao.id_number}, content_type="application/json")
    assert [item["name"] for item in response.json()["items"]] == ["赵阿姨"]
    assert ZHAO_PHONE not in response.content.decode()
    response = client.post(search, {"q": ZHAO_PHONE[:7]}, content_type="application/json")
    assert response.json()["count"] == 0
