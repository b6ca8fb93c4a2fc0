"""Service hours over the API: recorded through the scope and the rules, 422 with Chinese messages per
field for bad input (nothing saved), totals per person, group and month, the volunteer list with hours
only where the caller may see them."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.organizing.models import ServiceRecord
from tests.test_volunteer_world import build_vworld


@pytest.fixture
def vworld(world):
    return build_vworld(world)


def post(client, volunteer, **body):
    body.setdefault("date", timezone.localdate().isoformat())
    body.setdefault("activity", "量血压")
    return client.post(
        f"/api/v1/volunteers/{volunteer.pk}/service-records", body, content_type="application/json"
    )


def test_the_group_leader_records_a_members_hours(vworld, client):
    client.force_login(vworld.world.group_leader)
    response = post(client, vworld.v_feng, hours="1.5")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["hours"] == "1.50" and data["confirmed"] and data["group_name"] == "暖心组"
    listed = client.get(f"/api/v1/volunteers/{vworld.v_feng.pk}/service-records").json()
    assert listed["confirmed_hours"] == "1.50" and len(listed["records"]) == 1


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (-1, "时长应大于0小时。"),
        (0, "时长应大于0小时。"),
        (30, "一天最多24小时，请核对时长。"),
        ("abc", "应为数字。"),
    ],
)
def test_bad_hours_get_422_in_chinese(vworld, client, hours, message):
    client.force_login(vworld.world.staff)
    response = post(client, vworld.v_feng, hours=hours)
    assert response.status_code == 422
    assert response.json()["errors"]["hours"] == [message]
    assert not ServiceRecord.objects.exists()


def test_the_day_limit_over_the_api(vworld, client):
    client.force_login(vworld.world.staff)
    assert post(client, vworld.v_feng, hours=20).status_code == 201
    response = post(client, vworld.v_feng, hours=5)
    assert response.status_code == 422 and "超过一天24小时" in response.json()["errors"]["hours"][0]


def test_a_group_leader_cannot_file_under_another_group(vworld, client):
    client.force_login(vworld.world.group_leader)
    response = post(client, vworld.v_feng, hours=1, group_id=vworld.other_group.pk)
    assert response.status_code == 422 and "group_id" in response.json()["errors"]


def test_totals_and_list_over_the_api(vworld, client):
    vworld.record(vworld.v_feng, dt.date(2025, 1, 5), "2", group=vworld.world.group)
    vworld.record(vworld.v_zhou, dt.date(2025, 2, 5), "3", group=vworld.other_group)
    client.force_login(vworld.world.staff)
    url = f"/api/v1/communities/{vworld.world.community.pk}/service-hours"
    totals = client.get(url, {"year": 2025}).json()
    assert totals["total_hours"] == "5.00" and totals["whole_community"]
    assert [m["month"] for m in totals["by_month"]] == ["2025-01", "2025-02"]
    assert {g["name"] for g in totals["by_group"]} == {"暖心组", "乐心组"}
    january = client.get(url, {"year": 2025, "month": 1}).json()
    assert january["total_hours"] == "2.00"
    client.force_login(vworld.world.group_leader)
    mine = client.get(url, {"year": 2025}).json()
    assert [p["name"] for p in mine["by_person"]] == ["冯小红"] and not mine["whole_community"]
    listed = client.get(f"/api/v1/communities/{vworld.world.community.pk}/volunteers", {"year": 2025}).json()
    assert {(v["name"], v["hours"]) for v in listed["items"]} == {("冯小红", "2.00"), ("李大爷", "0.00")}
    assert client.get(url, {"year": 1999}).status_code == 422
