"""Duty shifts: staff and group leaders plan them for current volunteers; a shift ends after it starts,
lasts at most 24 hours, starts in the future and does not overlap another; a volunteer who left or moved
out, or a child whose guardian withdrew consent, gets none; volunteers see their upcoming duties."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.core.errors import DomainError
from linli.organizing.models import Duty, Volunteer
from linli.organizing.services_volunteers import DutyData, duty_cancel, duty_create
from linli.registry.models import Resident
from tests.test_volunteer_world import build_vworld


@pytest.fixture
def vworld(world):
    return build_vworld(world)


def at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def plan(vworld, volunteer=None, *, starts_at=None, ends_at=None, actor=None, task="楼道巡查", group_id=None):
    return duty_create(
        actor=actor or vworld.world.staff,
        volunteer=volunteer or vworld.v_feng,
        data=DutyData(
            task=task,
            starts_at=starts_at or at(2, 9),
            ends_at=ends_at or at(2, 11),
            place="2号楼",
            group_id=group_id,
        ),
    )


def test_staff_plan_a_duty(vworld):
    duty = plan(vworld)
    assert (duty.volunteer_id, duty.created_by_id, duty.task) == (
        vworld.v_feng.pk,
        vworld.world.staff.pk,
        "楼道巡查",
    )


@pytest.mark.parametrize(
    ("starts", "ends", "field", "text"),
    [
        ((2, 11), (2, 9), "ends_at", "结束时间应晚于开始时间"),
        ((2, 9), (2, 9), "ends_at", "结束时间应晚于开始时间"),
        ((2, 9), (3, 10), "ends_at", "不能超过24小时"),
        ((-1, 9), (-1, 11), "starts_at", "开始时间已经过去了"),
    ],
)
def test_bad_times_are_refused(vworld, starts, ends, field, text):
    with pytest.raises(DomainError) as caught:
        plan(vworld, starts_at=at(*starts), ends_at=at(*ends))
    assert text in caught.value.errors[field][0]
    assert not Duty.objects.exists()


def test_the_database_refuses_a_duty_that_ends_before_it_starts(vworld):
    with pytest.raises(IntegrityError), transaction.atomic():
        Duty.objects.create(
            community=vworld.world.community,
            volunteer=vworld.v_feng,
            task="x",
            starts_at=at(2, 9),
            ends_at=at(2, 8),
        )


def test_overlapping_duties_are_refused(vworld):
    plan(vworld)
    with pytest.raises(DomainError) as caught:
        plan(vworld, starts_at=at(2, 10), ends_at=at(2, 12), task="门岗")
    assert "时间重叠" in caught.value.errors["starts_at"][0]
    plan(vworld, starts_at=at(2, 11), ends_at=at(2, 12), task="门岗")  # back to back is fine
    plan(vworld, vworld.v_li, starts_at=at(2, 10), ends_at=at(2, 12))  # another volunteer is fine


def test_a_volunteer_who_left_or_moved_out_gets_no_duty(vworld):
    Volunteer.objects.filter(pk=vworld.v_feng.pk).update(left_on=dt.date(2025, 1, 1))
    vworld.v_feng.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        plan(vworld)
    assert "退出" in caught.value.errors["__all__"][0]
    Resident.objects.filter(pk=vworld.world.li.pk).update(moved_out=dt.date(2025, 1, 1))
    with pytest.raises(DomainError) as caught:
        plan(vworld, vworld.v_li)
    assert "迁出" in caught.value.errors["__all__"][0]


def test_a_child_whose_guardian_withdrew_gets_no_duty(vworld):
    consent = vworld.guardian_consent(vworld.child)
    child = Volunteer.objects.create(
        community=vworld.world.community,
        resident=vworld.child,
        registered_on=dt.date(2025, 2, 1),
        is_minor=True,
        guardian_consent=consent,
    )
    plan(vworld, child)
    consent.withdrawn_on = timezone.localdate()
    consent.save()
    with pytest.raises(DomainError) as caught:
        plan(vworld, child, starts_at=at(4, 9), ends_at=at(4, 10))
    assert "监护人已撤回同意" in caught.value.errors["__all__"][0]


def test_a_group_leader_plans_for_members_under_their_group(vworld, client):
    leader = vworld.world.group_leader
    duty = plan(vworld, actor=leader)
    assert duty.group_id == vworld.world.group.pk  # their one group, chosen for them
    with pytest.raises(DomainError) as caught:
        plan(vworld, actor=leader, group_id=vworld.other_group.pk, starts_at=at(3, 9), ends_at=at(3, 10))
    assert "团队" in caught.value.errors["group"][0]
    client.force_login(leader)
    assert client.get(f"/volunteers/{vworld.v_zhou.pk}/duties/new/").status_code == 404
    client.force_login(vworld.world.volunteer)
    assert client.get(f"/volunteers/{vworld.v_outsider.pk}/duties/new/").status_code == 403


def test_the_duty_form_reports_errors_in_chinese(vworld, client):
    client.force_login(vworld.world.staff)
    url = f"/volunteers/{vworld.v_feng.pk}/duties/new/"
    response = client.post(
        url,
        {
            "task": "夜间巡查",
            "starts_at": at(2, 22).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(2, 21).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200 and "结束时间应晚于开始时间" in response.content.decode()
    response = client.post(
        url,
        {
            "task": "夜间巡查",
            "starts_at": at(2, 20).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(2, 22).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    duty = Duty.objects.get()
    assert timezone.localtime(duty.starts_at).hour == 20  # the form's time is Shanghai time


def test_volunteers_see_upcoming_duties_and_cancelled_ones_go(vworld, client):
    past = Duty.objects.create(
        community=vworld.world.community,
        volunteer=vworld.v_outsider,
        task="上周的值班",
        starts_at=at(-7, 9),
        ends_at=at(-7, 10),
    )
    upcoming = plan(vworld, vworld.v_outsider, task="周末门岗")
    client.force_login(vworld.world.volunteer)
    body = client.get("/me/volunteering/").content.decode()
    assert "周末门岗" in body and "上周的值班" not in body
    duty_cancel(actor=vworld.world.staff, duty=upcoming)
    assert "周末门岗" not in client.get("/me/volunteering/").content.decode()
    with pytest.raises(DomainError):
        duty_cancel(actor=vworld.world.staff, duty=past)


def test_the_api_plans_and_lists_duties(vworld, client):
    client.force_login(vworld.world.group_leader)
    url = f"/api/v1/volunteers/{vworld.v_feng.pk}/duties"
    response = client.post(
        url,
        {"task": "楼道巡查", "starts_at": at(2, 9).isoformat(), "ends_at": at(2, 8).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"]["ends_at"] == [
        "结束时间应晚于开始时间。"
    ]
    response = client.post(
        url,
        {"task": "楼道巡查", "starts_at": at(2, 9).isoformat(), "ends_at": at(2, 11).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["group_name"] == "暖心组"
    assert [d["task"] for d in client.get(url).json()] == ["楼道巡查"]
    duty_id = response.json()["id"]
    assert client.delete(f"/api/v1/duties/{duty_id}").status_code == 204
