"""Public notices: objections only during the period (refused after with a Chinese message, logged), the
period-end job closes notices and is idempotent, read receipts are one per user."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation.models import Notice, NoticeRead, Objection
from linli.deliberation.selectors_notices import notice_get, notices_for, notices_for_user
from linli.deliberation.services_notices import (
    notice_create,
    notice_mark_read,
    objection_answer,
    objection_file,
)
from linli.deliberation.tasks_notices import notices_close
from linli.jobs.registry import JOBS, SCHEDULES


def _notice(world, *, days_left=3, buildings=()):
    now = timezone.now()
    return notice_create(
        actor=world.staff,
        community=world.community,
        title="加装电梯方案公示",
        text="1号楼加装电梯方案，公示期内如有异议请提出。",
        starts_at=now - dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=days_left),
        buildings=buildings,
    )


def test_objection_during_the_period_is_answered(world):
    notice = _notice(world)
    objection = objection_file(actor=world.resident, notice=notice, text="电梯井离我家窗户太近。")
    assert objection.household_id == world.own_household.pk
    objection_answer(actor=world.staff, objection=objection, answer="已与设计单位沟通，调整位置。")
    objection.refresh_from_db()
    assert objection.answered_by == world.staff and objection.answered_at is not None


def test_objection_after_the_period_is_refused_and_logged(world, caplog):
    notice = _notice(world)
    later = notice.ends_at + dt.timedelta(minutes=1)
    with (
        caplog.at_level(logging.INFO, logger="linli.deliberation.services_notices"),
        pytest.raises(DomainError, match="公示期已于 .* 结束"),
    ):
        objection_file(actor=world.resident, notice=notice, text="迟到的异议", now=later)
    assert Objection.objects.count() == 0
    assert f"notice={notice.pk}" in caplog.text


def test_only_covered_residents_object(world):
    notice = _notice(world, buildings=[world.building_2])
    with pytest.raises(DomainError, match="角色"):
        objection_file(actor=world.resident, notice=notice, text="异议")
    with pytest.raises(DomainError, match="角色"):
        objection_file(actor=world.outsider, notice=notice, text="异议")


def test_end_job_is_registered_and_idempotent(world):
    assert "deliberation.notices_close" in JOBS and "deliberation.notices_close" in SCHEDULES
    ended = _notice(world, days_left=-1)
    running = _notice(world, days_left=3)
    slot = timezone.now().isoformat()
    assert notices_close(None, slot=slot) == {"closed": 1}
    ended.refresh_from_db()
    closed_at = ended.closed_at
    assert closed_at is not None
    assert Notice.objects.get(pk=running.pk).closed_at is None
    assert notices_close(None, slot=slot) == {"closed": 0}
    ended.refresh_from_db()
    assert ended.closed_at == closed_at
    with pytest.raises(DomainError, match="不能再提出异议"):
        objection_file(actor=world.resident, notice=ended, text="异议")


def test_read_receipt_once_per_user(world):
    notice = _notice(world)
    first = notice_mark_read(actor=world.resident, notice=notice)
    second = notice_mark_read(actor=world.resident, notice=notice)
    assert first.pk == second.pk and NoticeRead.objects.count() == 1
    [row] = notices_for_user(world.resident)
    assert row.is_read and row.is_open
    [counted] = notices_for(world.staff, world.community.pk)
    assert counted.read_count == 1


def test_period_must_end_after_start(world):
    now = timezone.now()
    with pytest.raises(DomainError, match="晚于开始"):
        notice_create(
            actor=world.staff, community=world.community, title="t", text="x", starts_at=now, ends_at=now
        )


def test_visibility(world):
    notice = _notice(world, buildings=[world.building_1])
    assert notice_get(world.resident, notice.pk) == notice
    assert notice_get(world.building_leader, notice.pk) == notice
    from django.http import Http404

    for user in (world.outsider, world.group_leader, world.volunteer, world.street_officer):
        with pytest.raises(Http404):
            notice_get(user, notice.pk)
    with pytest.raises(DomainError, match="角色"):
        notice_mark_read(actor=world.outsider, notice=notice)
