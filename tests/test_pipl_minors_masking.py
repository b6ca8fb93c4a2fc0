"""Children under 14 (PIPL art. 28): their names show as surname + * to every role except staff of the
community and the child's own household; a group leader never opens a child's record. Checked on the
pages a building leader uses (resident list, floor plan, household, resident page) and over the API."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.core.scope import scope_for
from linli.organizing.models import GroupMember
from linli.registry import minors
from linli.registry.models import Consent
from tests.factories import ResidentFactory
from tests.test_scope_matrix import page_routes

API = "/api/v1"
CHILD_BORN = dt.date.today().replace(year=dt.date.today().year - 8, month=1, day=1)


@pytest.fixture
def children(world):
    """孙小宝 lives with 孙奶奶 (building 1), 赵小宝 in the resident actor's household (building 1),
    李小宝 with 李大爷 (building 2) and in the 暖心组 that the group leader leads."""
    sun_child = ResidentFactory(household=world.sun.household, name="孙小宝", birth_date=CHILD_BORN)
    own_child = ResidentFactory(household=world.own_household, name="赵小宝", birth_date=CHILD_BORN)
    li_child = ResidentFactory(household=world.li.household, name="李小宝", birth_date=CHILD_BORN)
    GroupMember.objects.create(
        community=world.community, group=world.group, resident=li_child, joined_on=dt.date(2024, 1, 1)
    )
    return sun_child, own_child, li_child


def body(client, user, name, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_the_rule_itself(world):
    born = dt.date(2011, 4, 1)
    assert minors.is_child(born, on=dt.date(2025, 3, 31))
    assert not minors.is_child(born, on=dt.date(2025, 4, 1))  # 14 today
    assert not minors.is_child(None)


def test_building_leader_sees_children_masked_on_every_page(world, client, children):
    sun_child, own_child, _ = children
    leader = world.building_leader
    pages = [
        body(client, leader, "resident_list", world.community.pk),
        body(client, leader, "building_detail", world.building_1.pk),
        body(client, leader, "household_detail", world.sun.household.pk),
        body(client, leader, "household_detail", world.own_household.pk),
        body(client, leader, "resident_detail", sun_child.pk),
        body(client, leader, "resident_detail", world.sun.pk),  # the household members' list
    ]
    for page in pages:
        assert "孙小宝" not in page and "赵小宝" not in page
    assert all(mask in pages[0] for mask in ("孙*", "赵*"))
    assert "孙*" in pages[1] and "孙*" in pages[2] and "赵*" in pages[3] and "孙*" in pages[4]
    assert "孙奶奶" in pages[0] and "赵阿姨" in pages[1]  # adults as before


def test_staff_and_the_childs_household_see_the_name(world, client, children):
    sun_child, own_child, li_child = children
    staff_list = body(client, world.staff, "resident_list", world.community.pk)
    assert all(c.name in staff_list for c in children)
    assert "孙小宝" in body(client, world.staff, "building_detail", world.building_1.pk)
    assert "孙小宝" in body(client, world.staff, "resident_detail", sun_child.pk)
    assert "赵小宝" in body(client, world.resident, "household_detail", world.own_household.pk)
    assert "赵小宝" in body(client, world.resident, "resident_detail", own_child.pk)


def test_group_leader_sees_a_masked_name_and_never_the_record(world, client, children):
    *_, li_child = children
    page = body(client, world.group_leader, "resident_list", world.community.pk)
    assert "李小宝" not in page and "李*" in page
    assert reverse("resident_detail", args=[li_child.pk]) not in page
    assert "李大爷" in page and reverse("resident_detail", args=[world.li.pk]) in page
    client.force_login(world.group_leader)
    assert client.get(reverse("resident_detail", args=[li_child.pk])).status_code == 404
    assert client.get(f"{API}/residents/{li_child.pk}").status_code == 404
    assert "李小宝" not in body(client, world.group_leader, "resident_detail", world.li.pk)


def test_a_child_turning_14_is_shown_in_full(world, client):
    today = dt.date.today()
    try:
        born = today.replace(year=today.year - 14)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - 14, day=28)
    ResidentFactory(household=world.sun.household, name="孙少年", birth_date=born)
    assert "孙少年" in body(client, world.building_leader, "resident_list", world.community.pk)


def api_text(client, user, url) -> str:
    client.force_login(user)
    response = client.get(API + url)
    assert response.status_code == 200, (url, response.status_code)
    return json.dumps(response.json(), ensure_ascii=False)


def test_api_masks_children_for_the_building_leader(world, client, children):
    sun_child, *_ = children
    urls = [
        f"/communities/{world.community.pk}/residents",
        f"/buildings/{world.building_1.pk}",
        f"/households/{world.sun.household.pk}",
        f"/residents/{sun_child.pk}",
    ]
    for url in urls:
        leader = api_text(client, world.building_leader, url)
        assert "孙小宝" not in leader and "孙*" in leader, url
        assert "孙小宝" in api_text(client, world.staff, url), url


def test_masking_costs_no_query(world, client, children):
    """The list page costs a building leader the same queries with children on it as without."""

    def count() -> int:
        client.force_login(world.building_leader)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("resident_list", args=[world.community.pk]))
        return len(queries)

    before = count()
    for i in range(5):
        ResidentFactory(household=world.sun.household, name=f"孙{i}宝", birth_date=CHILD_BORN)
    assert count() == before


def test_display_name_of_a_child_depends_only_on_the_viewer(world, children):
    sun_child, *_ = children
    assert minors.display_name(sun_child, scope_for(world.staff)) == "孙小宝"
    assert minors.display_name(sun_child, scope_for(world.building_leader)) == "孙*"
    assert minors.display_name(sun_child, scope_for(world.volunteer)) == "孙*"
    assert minors.display_name(world.sun, scope_for(world.volunteer)) == "孙奶奶"


# Pages that show a child's record to the people who keep it, in a form they edit: the name is in the
# input they correct. Everything else a building leader opens must mask it.
EDIT_FORMS = {"resident_update"}


def test_no_page_shows_a_childs_name_to_a_building_leader(world, client, children):
    """Every named page, with the child (and the child's household, building, community, consent) as its
    parameters, opened by the leader of the child's building."""
    sun_child, *_ = children
    consent = Consent.objects.create(
        community=world.community, resident=sun_child, purpose="photo", given_on=dt.date(2024, 1, 1)
    )
    samples = {
        "community_id": world.community.pk,
        "building_id": world.building_1.pk,
        "household_id": world.sun.household.pk,
        "resident_id": sun_child.pk,
        "consent_id": consent.pk,
        "street_id": world.street.pk,
    }
    client.force_login(world.building_leader)
    leaks = []
    walked = 0
    for name, params in page_routes():
        if name in EDIT_FORMS or not set(params) <= set(samples):
            continue
        response = client.get(reverse(name, kwargs={p: samples[p] for p in params}))
        walked += 1
        if "孙小宝" in response.content.decode("utf-8", errors="replace"):
            leaks.append(name)
    assert walked > 10
    assert leaks == []
