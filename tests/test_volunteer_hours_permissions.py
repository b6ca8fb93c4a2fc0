"""Who may record, confirm and see service hours, role by role: staff everything in the community; the
暖心组 leader their members (not 周阿婆 of the 乐心组, not an outsider) and never confirms their own; a
volunteer sees only their own; building leaders, residents, street officers and the neighbouring staff
see no hours. Pages and API alike; a hidden leaderboard is for staff only."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.organizing.models import ServiceRecord
from tests.test_volunteer_world import build_vworld


@pytest.fixture
def vworld(world):
    return build_vworld(world)


def post_hours(client, volunteer, hours="2", **extra):
    day = timezone.localdate().isoformat()
    data = {"date": day, "hours": hours, "activity": "陪独居老人聊天", "confirm": "on", **extra}
    return client.post(f"/volunteers/{volunteer.pk}/hours/new/", data)


@pytest.mark.parametrize(
    ("role", "target", "expected"),
    [
        ("staff", "v_feng", 302),
        ("staff", "v_outsider", 302),
        ("group_leader", "v_feng", 302),
        ("group_leader", "v_zhou", 404),  # 乐心组: not theirs, not even visible
        ("group_leader", "v_outsider", 404),
        ("building_leader", "v_feng", 404),  # building 2 is not theirs
        ("volunteer", "v_outsider", 403),  # their own record: seen, not written
        ("resident", "v_feng", 404),
        ("street_officer", "v_feng", 404),
        ("outsider", "v_feng", 404),
    ],
)
def test_who_may_record_hours(vworld, client, role, target, expected):
    client.force_login(getattr(vworld.world, role))
    response = post_hours(client, getattr(vworld, target))
    assert response.status_code == expected
    assert ServiceRecord.objects.count() == (1 if expected == 302 else 0)


def test_a_building_leader_sees_volunteers_of_their_building_but_not_their_hours(vworld, client):
    volunteer = vworld.v_outsider.__class__.objects.create(
        community=vworld.world.community, resident=vworld.world.zhao, registered_on=dt.date(2024, 1, 1)
    )
    vworld.record(volunteer, dt.date(2025, 1, 5), "3", activity="秘密活动")
    client.force_login(vworld.world.building_leader)
    page = client.get(f"/volunteers/{volunteer.pk}/")
    assert page.status_code == 200
    assert "秘密活动" not in page.content.decode()
    assert client.get(f"/volunteers/{volunteer.pk}/summary/").status_code == 403
    assert client.get(f"/api/v1/volunteers/{volunteer.pk}/service-records").status_code == 403
    assert post_hours(client, volunteer).status_code == 403


def test_the_group_leader_records_and_confirms_members_but_not_their_own(vworld, client):
    leader = vworld.world.group_leader
    client.force_login(leader)
    assert post_hours(client, vworld.v_li, confirm="on").status_code == 302
    own = ServiceRecord.objects.get(volunteer=vworld.v_li)
    assert own.confirmed_at is None  # nobody confirms their own hours
    response = client.post(f"/service-records/{own.pk}/confirm/")
    assert response.status_code == 403
    client.force_login(vworld.world.staff)
    assert client.post(f"/service-records/{own.pk}/confirm/").status_code == 302
    own.refresh_from_db()
    assert own.confirmed_by_id == vworld.world.staff.pk

    client.force_login(leader)
    post_hours(client, vworld.v_feng, confirm="")
    pending = ServiceRecord.objects.get(volunteer=vworld.v_feng)
    assert pending.confirmed_at is None
    response = client.post(f"/api/v1/service-records/{pending.pk}/confirm", content_type="application/json")
    assert response.status_code == 200 and response.json()["confirmed"] is True
    response = client.post(f"/api/v1/service-records/{pending.pk}/confirm", content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"] == "这条记录已经确认过了。"


def test_a_volunteer_sees_their_own_hours_and_duties_only(vworld, client):
    vworld.record(vworld.v_outsider, timezone.localdate(), "3", activity="社区图书角整理")
    vworld.record(vworld.v_feng, timezone.localdate(), "2", activity="冯小红的活动")
    vworld.duty(vworld.v_outsider, task="门岗值班")
    vworld.duty(vworld.v_feng, task="冯小红的值班")
    client.force_login(vworld.world.volunteer)
    body = client.get("/me/volunteering/").content.decode()
    assert "社区图书角整理" in body and "门岗值班" in body and "3 小时" in body
    assert "冯小红" not in body
    assert client.get(f"/volunteers/{vworld.v_outsider.pk}/").status_code == 200
    assert client.get(f"/volunteers/{vworld.v_feng.pk}/").status_code == 404
    assert client.get(f"/c/{vworld.world.community.pk}/volunteers/").status_code == 403
    duties = client.get("/api/v1/me/duties").json()
    assert [d["task"] for d in duties] == ["门岗值班"]
    mine = client.get("/api/v1/me/service-records").json()
    assert [r["activity"] for r in mine[0]["records"]] == ["社区图书角整理"]


def test_residents_and_street_officers_see_no_volunteer_pages(vworld, client):
    community = vworld.world.community.pk
    for role in ("resident", "street_officer"):
        client.force_login(getattr(vworld.world, role))
        for url in (
            f"/c/{community}/volunteers/",
            f"/c/{community}/volunteer-hours/",
            f"/c/{community}/volunteer-leaderboard/",
            f"/c/{community}/talents/",
            f"/volunteers/{vworld.v_feng.pk}/",
        ):
            assert client.get(url).status_code in (403, 404), (role, url)
        assert client.get(f"/api/v1/communities/{community}/service-hours").status_code in (403, 404)


def test_the_leaderboard_is_for_staff_until_the_committee_shows_it(vworld, client):
    vworld.record(vworld.v_feng, timezone.localdate(), "5")
    url = f"/c/{vworld.world.community.pk}/volunteer-leaderboard/"
    client.force_login(vworld.world.group_leader)
    assert client.get(url).status_code == 403
    client.force_login(vworld.world.volunteer)
    assert "排行榜" not in client.get("/me/volunteering/").content.decode()

    client.force_login(vworld.world.staff)
    page = client.get(url).content.decode()
    assert "冯小红" in page and "现在隐藏" in page
    response = client.post(
        f"/c/{vworld.world.community.pk}/volunteer-leaderboard/settings/", {"show_leaderboard": "on"}
    )
    assert response.status_code == 302

    client.force_login(vworld.world.group_leader)
    assert "冯小红" in client.get(url).content.decode()
    client.force_login(vworld.world.volunteer)
    assert "排行榜" in client.get("/me/volunteering/").content.decode()
    assert client.get(url).status_code == 200
    client.force_login(vworld.world.resident)
    assert client.get(url).status_code == 403  # a resident has no role with volunteers
    client.force_login(vworld.world.group_leader)
    assert (
        client.post(f"/c/{vworld.world.community.pk}/volunteer-leaderboard/settings/", {}).status_code == 403
    )
