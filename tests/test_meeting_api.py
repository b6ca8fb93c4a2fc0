"""Meetings over JSON: through the scope (404 outside it), 403 for roles that may not act, Chinese 422s."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.deliberation import services_meetings as services
from linli.deliberation.models import Attendance, FollowUpTask, Resolution

STARTS = timezone.make_aware(dt.datetime(2026, 4, 1, 19, 0))


@pytest.fixture
def meeting(world):
    m = services.meeting_create(
        actor=world.staff,
        community=world.community,
        data=services.MeetingData(title="一号楼议事会", starts_at=STARTS, building_ids=[world.building_1.pk]),
    )
    services.agenda_set(actor=world.staff, meeting=m, items=[("楼道堆物", "")])
    services.invitees_set(actor=world.staff, meeting=m, resident_ids=[world.zhao.pk, world.sun.pk])
    return m


def test_building_leader_reads_and_records(world, meeting, client):
    client.force_login(world.building_leader)
    listing = client.get(f"/api/v1/communities/{world.community.pk}/meetings").json()
    assert [m["title"] for m in listing] == ["一号楼议事会"] and listing[0]["invitee_count"] == 2
    added = client.post(
        f"/api/v1/meetings/{meeting.pk}/attendance",
        {"resident_id": world.zhao.pk},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["method"] == "staff"
    sheet = client.get(f"/api/v1/meetings/{meeting.pk}/attendance").json()
    assert {(r["name"], r["signed_in_at"] is not None) for r in sheet} == {
        ("赵阿姨", True),
        ("孙奶奶", False),
    }
    voted = client.post(
        f"/api/v1/meetings/{meeting.pk}/resolutions",
        {"text": "同意清理", "entitled": 2, "present": 2, "votes_for": 2},
        content_type="application/json",
    )
    assert voted.status_code == 201 and voted.json()["passed"] is True
    task = client.post(
        f"/api/v1/meetings/{meeting.pk}/tasks",
        {"text": "联系物业", "owner_id": world.staff.pk, "due_on": "2026-04-08"},
        content_type="application/json",
    )
    assert task.status_code == 201
    detail = client.get(f"/api/v1/meetings/{meeting.pk}").json()
    assert detail["agenda"] == [{"position": 1, "title": "楼道堆物"}] and len(detail["tasks"]) == 1
    done = client.post(
        f"/api/v1/meeting-tasks/{task.json()['id']}/done", {"done": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["done_at"]


def test_bad_input_gets_chinese_422_and_saves_nothing(world, meeting, client):
    client.force_login(world.staff)
    r = client.post(
        f"/api/v1/meetings/{meeting.pk}/resolutions",
        {"text": "x", "entitled": 3, "present": 5, "votes_for": 1},
        content_type="application/json",
    )
    assert r.status_code == 422 and "实到人数不能多于应到人数" in r.json()["errors"]["present"][0]
    r = client.post(
        f"/api/v1/meetings/{meeting.pk}/tasks",
        {"text": "x", "owner_id": world.outsider.pk, "due_on": "2026-04-08"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "owner_id" in r.json()["errors"]
    r = client.post(
        f"/api/v1/meetings/{meeting.pk}/attendance",
        {"resident_id": world.li.pk},
        content_type="application/json",
    )
    assert r.status_code == 422 and "不在本次会议的参会范围内" in r.json()["detail"] + str(r.json()["errors"])
    assert not (Resolution.objects.exists() or FollowUpTask.objects.exists() or Attendance.objects.exists())


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("group_leader", 404), ("resident", 404)])
def test_outside_the_scope_is_404(world, meeting, client, role, status):
    client.force_login(getattr(world, role))
    assert client.get(f"/api/v1/meetings/{meeting.pk}").status_code == status
    r = client.post(
        f"/api/v1/meetings/{meeting.pk}/attendance",
        {"resident_id": world.zhao.pk},
        content_type="application/json",
    )
    assert r.status_code == status
