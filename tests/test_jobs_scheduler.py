"""Schedules declared in code are queued once per slot, whoever ticks and however often."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from linli.jobs.models import JobRun
from linli.jobs.registry import SCHEDULES, slot_start
from linli.jobs.services import scheduler_tick

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 8, 1, 30, tzinfo=SHANGHAI)


def test_the_first_uses_are_declared():
    assert {
        "notifications.duty_reminders",
        "notifications.daily_digest",
        "registry.retention",
        "registry.import_cleanup",
        "jobs.prune",
    } <= set(SCHEDULES)
    assert SCHEDULES["notifications.duty_reminders"].every == dt.timedelta(minutes=5)
    assert SCHEDULES["notifications.daily_digest"].at == dt.time(7, 30)
    assert SCHEDULES["registry.retention"].at == dt.time(3, 0)


def test_daily_slots_fall_on_the_hour_in_shanghai():
    at = dt.time(7, 30)
    day = dt.timedelta(days=1)
    assert slot_start(NOW, every=day, at=at) == dt.datetime(2026, 3, 2, 7, 30, tzinfo=SHANGHAI)
    before = dt.datetime(2026, 3, 2, 7, 29, 59, tzinfo=SHANGHAI)
    assert slot_start(before, every=day, at=at) == dt.datetime(2026, 3, 1, 7, 30, tzinfo=SHANGHAI)
    # The same instant written in UTC lands in the same slot.
    assert slot_start(NOW.astimezone(dt.UTC), every=day, at=at) == slot_start(NOW, every=day, at=at)


@given(
    moment=st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    minutes=st.sampled_from([1, 5, 10, 15, 60, 24 * 60]),
)
def test_interval_slots_contain_the_moment_and_are_aligned(moment, minutes):
    now = moment.replace(tzinfo=SHANGHAI)
    every = dt.timedelta(minutes=minutes)
    start = slot_start(now, every=every)
    assert start <= now < start + every
    assert (start - dt.datetime(2000, 1, 1, tzinfo=SHANGHAI)) % every == dt.timedelta(0)


def test_each_schedule_is_queued_once_per_slot(db):
    first = scheduler_tick(now=NOW)
    assert {run.name for run in first} == set(SCHEDULES)
    assert scheduler_tick(now=NOW) == []  # the same slot again: nothing
    assert scheduler_tick(now=NOW + dt.timedelta(minutes=2)) == []  # still the 08:00 slot
    later = scheduler_tick(now=NOW + dt.timedelta(minutes=4))  # 08:05: the next five-minute slot
    assert [run.name for run in later] == ["notifications.duty_reminders"]
    assert later[0].kwargs == {"slot": "2026-03-02T08:05:00+08:00"}
    runs = JobRun.objects.filter(name="notifications.daily_digest")
    assert [run.key for run in runs] == ["notifications.daily_digest@2026-03-02T07:30:00+08:00"]
    next_day = scheduler_tick(now=NOW + dt.timedelta(days=1))
    assert "notifications.daily_digest" in {run.name for run in next_day}


def test_the_queued_slots_run(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scheduler_tick(now=NOW)
    statuses = dict(JobRun.objects.filter(name__in=SCHEDULES).values_list("name", "status"))
    assert statuses == dict.fromkeys(SCHEDULES, "succeeded")


def test_worker_once_ticks_the_scheduler(db, capsys):
    call_command("worker", "--once")
    assert "已排队" in capsys.readouterr().out
    assert set(JobRun.objects.values_list("name", flat=True)) == set(SCHEDULES)
