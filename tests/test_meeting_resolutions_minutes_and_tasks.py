"""Resolutions pass by the residents' meeting rule — strictly more than half of those entitled present,
strictly more than half of those present in favour; bad counts get a Chinese message and save nothing.
Minutes are frozen once approved; follow-up tasks are owned by staff or the meeting's residents."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.deliberation import services_meetings as services
from linli.deliberation.models import FollowUpTask, Resolution

STARTS = timezone.make_aware(dt.datetime(2026, 4, 1, 19, 0))


@pytest.fixture
def meeting(world):
    return services.meeting_create(
        actor=world.staff,
        community=world.community,
        data=services.MeetingData(title="一号楼议事会", starts_at=STARTS, building_ids=[world.building_1.pk]),
    )


def counts(entitled, present, yes, no=0, abstain=0):
    return services.VoteCounts(entitled, present, yes, no, abstain)


@pytest.mark.parametrize(
    ("entitled", "present", "yes", "passed"),
    [
        (10, 5, 5, False),  # half of those entitled present: no quorum
        (10, 6, 3, False),  # half of those present in favour: not a majority
        (10, 6, 4, True),
        (3, 2, 2, True),
        (1, 1, 1, True),
        (2, 1, 1, False),
    ],
)
def test_outcome_is_strictly_more_than_half(world, meeting, entitled, present, yes, passed):
    r = services.resolution_record(
        actor=world.staff, meeting=meeting, text="同意清理楼道堆物", counts=counts(entitled, present, yes)
    )
    assert r.passed is passed
    assert Resolution.objects.get(pk=r.pk).passed is passed


@given(entitled=st.integers(1, 200), present=st.integers(0, 200), yes=st.integers(0, 200))
def test_outcome_rule_matches_the_definition(entitled, present, yes):
    if present > entitled or yes > present:
        return
    outcome = services.resolution_outcome(counts(entitled, present, yes))
    assert outcome.passed == (2 * present > entitled and 2 * yes > present)


def test_bad_counts_are_refused_in_chinese_and_save_nothing(world, meeting, client):
    with pytest.raises(DomainError) as refused:
        services.resolution_record(actor=world.staff, meeting=meeting, text="决议", counts=counts(5, 6, 1))
    assert "实到人数不能多于应到人数" in str(refused.value.errors)
    client.force_login(world.staff)
    response = client.post(
        reverse("meeting_resolution_add", args=[meeting.pk]),
        {
            "text": "决议",
            "entitled": 10,
            "present": 6,
            "votes_for": 5,
            "votes_against": 2,
            "votes_abstain": 0,
        },
        follow=True,
    )
    assert "赞成、反对、弃权合计不能多于实到人数" in response.content.decode()
    assert not Resolution.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Resolution.objects.create(
            community=world.community,
            meeting=meeting,
            position=1,
            text="x",
            entitled=10,
            present=6,
            votes_for=5,
            votes_against=2,
            votes_abstain=0,
            passed=True,
        )


def test_recording_through_the_page_shows_the_outcome(world, meeting, client):
    client.force_login(world.building_leader)
    response = client.post(
        reverse("meeting_resolution_add", args=[meeting.pk]),
        {
            "text": "同意加装电梯意向",
            "entitled": 8,
            "present": 6,
            "votes_for": 4,
            "votes_against": 1,
            "votes_abstain": 1,
        },
        follow=True,
    )
    assert "已记录决议：通过" in response.content.decode()


def test_approved_minutes_no_longer_change(world, meeting, client):
    client.force_login(world.staff)
    client.post(
        reverse("meeting_minutes", args=[meeting.pk]), {"text": "会议由楼组长主持。", "approve": "on"}
    )
    minutes = meeting.minutes
    assert minutes.approved and minutes.recorder == world.staff
    response = client.post(reverse("meeting_minutes", args=[meeting.pk]), {"text": "改过的记录"})
    assert response.status_code == 200
    minutes.refresh_from_db()
    assert minutes.text == "会议由楼组长主持。"
    printed = client.get(reverse("meeting_minutes_print", args=[meeting.pk])).content.decode()
    assert "会议纪要" in printed and "会议由楼组长主持。" in printed and "@page" in printed


def test_tasks_are_owned_by_staff_or_the_meetings_residents(world, meeting, client):
    task = services.task_add(
        actor=world.staff,
        meeting=meeting,
        text="联系物业清运",
        owner_id=world.building_leader.pk,
        due_on=dt.date(2026, 4, 8),
    )
    assert task.owner == world.building_leader
    with pytest.raises(DomainError) as refused:
        services.task_add(
            actor=world.staff,
            meeting=meeting,
            text="x",
            owner_id=world.outsider.pk,
            due_on=dt.date(2026, 4, 8),
        )
    assert "负责人须是" in str(refused.value.errors)
    client.force_login(world.building_leader)
    client.post(reverse("meeting_task_done", args=[task.pk]), {"done": "1"})
    task.refresh_from_db()
    assert task.done_at is not None
    client.force_login(world.outsider)
    assert client.post(reverse("meeting_task_done", args=[task.pk])).status_code == 404
    assert FollowUpTask.objects.count() == 1
