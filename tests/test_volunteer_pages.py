"""The volunteer pages: the list shows each role its own volunteers with the year's hours where the role
may see them, in the same number of queries for 4 volunteers or 40; a child's name is masked for the
group leader; the yearly summary prints the year's records and total; the menu links the pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.organizing.models import Volunteer
from tests.factories import ResidentFactory
from tests.test_volunteer_world import build_vworld


@pytest.fixture
def vworld(world):
    return build_vworld(world)


def list_page(client, vworld, **params):
    return client.get(f"/c/{vworld.world.community.pk}/volunteers/", params)


def test_each_role_lists_its_own_volunteers(vworld, client):
    vworld.record(vworld.v_zhou, timezone.localdate(), "4")
    client.force_login(vworld.world.staff)
    body = list_page(client, vworld).content.decode()
    assert all(name in body for name in ("冯小红", "李大爷", "周阿婆", "王外来"))
    assert ">4<" in body  # 周阿婆's hours
    client.force_login(vworld.world.group_leader)
    body = list_page(client, vworld).content.decode()
    assert "冯小红" in body and "李大爷" in body
    assert "周阿婆" not in body and "王外来" not in body
    client.force_login(vworld.world.outsider)
    assert list_page(client, vworld).status_code == 404


def test_filters(vworld, client):
    Volunteer.objects.filter(pk=vworld.v_zhou.pk).update(left_on=dt.date(2025, 1, 1))
    client.force_login(vworld.world.staff)
    assert "周阿婆" not in list_page(client, vworld).content.decode()
    assert "周阿婆" in list_page(client, vworld, status="left").content.decode()
    body = list_page(client, vworld, kind="outsider").content.decode()
    assert "王外来" in body and "冯小红" not in body
    body = list_page(client, vworld, group=vworld.world.group.pk).content.decode()
    assert "冯小红" in body and "王外来" not in body
    body = list_page(client, vworld, q="feng").content.decode()
    assert "冯小红" in body and "李大爷" not in body
    assert list_page(client, vworld, group="x", status="nonsense").status_code == 200


def test_a_childs_name_is_masked_for_the_group_leader(vworld, client):
    consent = vworld.guardian_consent(vworld.child)
    child = Volunteer.objects.create(
        community=vworld.world.community,
        resident=vworld.child,
        registered_on=dt.date(2025, 2, 1),
        is_minor=True,
        guardian_consent=consent,
    )
    client.force_login(vworld.world.group_leader)
    body = list_page(client, vworld).content.decode()
    assert "陈小弟" not in body and "陈*" in body
    assert "陈小弟" not in client.get(f"/volunteers/{child.pk}/").content.decode()
    client.force_login(vworld.world.staff)
    assert "陈小弟" in list_page(client, vworld).content.decode()


def test_the_list_costs_the_same_queries_for_more_volunteers(vworld, client):
    def count(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert list_page(client, vworld).status_code == 200
        return len(queries)

    few = {role: count(getattr(vworld.world, role)) for role in ("staff", "group_leader")}
    for i in range(36):
        person = ResidentFactory(
            household=vworld.feng.household, name=f"新志愿者{i}", birth_date=dt.date(1990, 1, 1)
        )
        vworld.world.group.members.create(
            community=vworld.world.community, resident=person, joined_on=dt.date(2024, 1, 1)
        )
        volunteer = Volunteer.objects.create(
            community=vworld.world.community, resident=person, registered_on=dt.date(2024, 1, 1)
        )
        vworld.record(volunteer, timezone.localdate(), "1")
    many = {role: count(getattr(vworld.world, role)) for role in ("staff", "group_leader")}
    assert few == many


def test_the_yearly_summary_prints_records_and_total(vworld, client):
    vworld.record(vworld.v_feng, dt.date(2025, 3, 2), "2.5", activity="上门理发")
    vworld.record(vworld.v_feng, dt.date(2025, 7, 9), "1", activity="助餐点送餐", confirmed=False)
    vworld.record(vworld.v_feng, dt.date(2024, 7, 9), "9", activity="去年的活动")
    client.force_login(vworld.world.staff)
    body = client.get(f"/volunteers/{vworld.v_feng.pk}/summary/", {"year": 2025}).content.decode()
    assert "冯小红" in body and "2025年" in body
    assert "上门理发" in body and "助餐点送餐" in body and "去年的活动" not in body
    assert "2.5 小时" in body and "待确认" in body
    assert "organizing/volunteers.css" in body  # the print layout
    client.force_login(vworld.world.volunteer)
    assert client.get(f"/volunteers/{vworld.v_feng.pk}/summary/").status_code == 404
    assert client.get(f"/volunteers/{vworld.v_outsider.pk}/summary/").status_code == 200


def test_the_menu_links_the_volunteer_pages(vworld, client):
    client.force_login(vworld.world.group_leader)
    body = client.get("/help/").content.decode()
    assert f"/c/{vworld.world.community.pk}/volunteers/" in body and "能人达人" in body
    client.force_login(vworld.world.volunteer)
    body = client.get("/help/").content.decode()
    assert "/me/volunteering/" in body and f"/c/{vworld.world.community.pk}/volunteers/" not in body
    client.force_login(vworld.world.resident)
    assert "/volunteers/" not in client.get("/help/").content.decode()
