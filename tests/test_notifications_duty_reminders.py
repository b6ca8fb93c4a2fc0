"""Reminders before a volunteer's duty: sent once however often the job runs; never to someone who left
or moved out, and never lost in silence (the skip is in the run record, the leaders are told)."""

import datetime as dt
import logging

import pytest
from django.urls import reverse

from linli.jobs.models import JobRunNote, RunStatus
from linli.jobs.services import job_enqueue
from linli.notifications.models import Delivery, DeliveryStatus, DutyReminder, Kind, Notification, Preference
from linli.notifications.reminders import skip_reason
from tests.notifications_fixtures import NOW, duty_for, volunteer_for

JOB = "notifications.duty_reminders"


@pytest.fixture
def run_reminders(django_capture_on_commit_callbacks):
    def run(at=NOW, key=None):
        with django_capture_on_commit_callbacks(execute=True):
            run, _ = job_enqueue(JOB, key=key or f"{JOB}@{at.isoformat()}", slot=at.isoformat())
        run.refresh_from_db()
        return run

    return run


def test_a_duty_tomorrow_is_reminded_once_however_often_the_job_runs(world, run_reminders, caplog):
    volunteer = volunteer_for(world, resident=world.zhou, user=world.volunteer)
    duty = duty_for(volunteer, starts_at=NOW + dt.timedelta(hours=20), group=world.group)
    with caplog.at_level(logging.INFO, logger="linli.notifications.console"):
        first = run_reminders(NOW)
        second = run_reminders(NOW + dt.timedelta(minutes=5))  # the next slot sees the same duty
        third = run_reminders(NOW, key="a second scheduler's run of the same slot")

    assert first.status == second.status == third.status == RunStatus.SUCCEEDED
    reminders = Notification.objects.filter(recipient=world.volunteer, kind=Kind.DUTY_REMINDER)
    assert reminders.count() == 1
    reminder = reminders.get()
    assert "楼道巡查" in reminder.title and "3月3日 04:00" in reminder.title
    assert reminder.link == reverse("my_tasks")
    deliveries = Delivery.objects.filter(notification=reminder)
    assert [(d.channel, d.status) for d in deliveries] == [("console", DeliveryStatus.SENT)]
    sent = [r for r in caplog.records if "值班提醒" in r.getMessage()]
    assert len(sent) == 1, "one reminder went out on the console channel"
    assert DutyReminder.objects.get(duty=duty).outcome == "sent"
    assert first.result.get("reminded") == 1 and not second.result.get("reminded")
    # The group's leader hears who is on duty (in their digest, by default).
    upcoming = Notification.objects.get(recipient=world.group_leader, kind=Kind.DUTY_UPCOMING)
    assert upcoming.mode == "digest" and "周阿婆" in upcoming.title


def test_duties_outside_the_window_wait_or_are_past(world, run_reminders):
    volunteer = volunteer_for(world, resident=world.zhou, user=world.volunteer)
    duty_for(volunteer, starts_at=NOW + dt.timedelta(hours=30))  # beyond 24 hours: later
    duty_for(volunteer, starts_at=NOW - dt.timedelta(hours=1))  # started already: never
    run_reminders(NOW)
    assert not Notification.objects.exists()
    run_reminders(NOW + dt.timedelta(hours=7))
    assert Notification.objects.filter(kind=Kind.DUTY_REMINDER).count() == 1


def test_a_moved_duty_is_reminded_again(world, run_reminders):
    volunteer = volunteer_for(world, resident=world.zhou, user=world.volunteer)
    duty = duty_for(volunteer, starts_at=NOW + dt.timedelta(hours=3))
    run_reminders(NOW)
    duty.starts_at += dt.timedelta(hours=2)
    duty.ends_at += dt.timedelta(hours=2)
    duty.save()
    run_reminders(NOW + dt.timedelta(minutes=5))
    assert Notification.objects.filter(recipient=world.volunteer, kind=Kind.DUTY_REMINDER).count() == 2


def test_a_volunteer_who_moved_out_is_skipped_logged_and_the_leader_told(world, run_reminders):
    world.zhou.__class__.objects.filter(pk=world.zhou.pk).update(moved_out=dt.date(2026, 2, 20))
    volunteer = volunteer_for(world, resident=world.zhou, user=world.volunteer)
    duty = duty_for(volunteer, starts_at=NOW + dt.timedelta(hours=5), group=world.group)

    run = run_reminders(NOW)
    run_reminders(NOW + dt.timedelta(minutes=5))

    assert not Notification.objects.filter(recipient=world.volunteer).exists()
    reminder = DutyReminder.objects.get(duty=duty)
    assert reminder.outcome == "skipped" and "迁出" in reminder.reason
    notes = JobRunNote.objects.filter(level="skip")
    assert notes.count() == 1, "logged once, not at every run"
    note = notes.get()
    assert note.run_id == run.pk and note.community_id == world.community.pk
    assert "迁出" in note.message and "楼道巡查" in note.message
    assert run.result == {"skipped": 1}
    told = Notification.objects.get(recipient=world.group_leader, kind=Kind.DUTY_UNREMINDED)
    assert "迁出" in told.body


def test_a_volunteer_who_left_is_skipped_and_the_staff_who_arranged_it_told(world, run_reminders):
    volunteer = volunteer_for(world, name="王师傅", user=world.volunteer, left_on=dt.date(2026, 3, 1))
    duty_for(volunteer, starts_at=NOW + dt.timedelta(hours=5), created_by=world.staff)  # no group
    run_reminders(NOW)
    assert not Notification.objects.filter(recipient=world.volunteer).exists()
    note = JobRunNote.objects.get(level="skip")
    assert "退出" in note.message and "王师傅" in note.message
    assert Notification.objects.filter(recipient=world.staff, kind=Kind.DUTY_UNREMINDED).count() == 1


def test_a_volunteer_without_a_sign_in_is_skipped_and_logged(world, run_reminders):
    volunteer = volunteer_for(world, name="没账号", user=None)
    duty_for(volunteer, starts_at=NOW + dt.timedelta(hours=5))  # no group, nobody entered it: the staff
    run_reminders(NOW)
    note = JobRunNote.objects.get(level="skip")
    assert "没有登录账号" in note.message
    assert Notification.objects.filter(recipient=world.staff, kind=Kind.DUTY_UNREMINDED).exists()
    assert not Notification.objects.filter(recipient=world.outsider).exists()


def test_a_volunteer_who_turned_reminders_off_gets_nothing_and_the_run_says_so(world, run_reminders):
    Preference.objects.create(user=world.volunteer, kind=Kind.DUTY_REMINDER, mode="off", channels=[])
    volunteer = volunteer_for(world, resident=world.zhou, user=world.volunteer)
    duty = duty_for(volunteer, starts_at=NOW + dt.timedelta(hours=5))
    run_reminders(NOW)
    assert not Notification.objects.filter(recipient=world.volunteer).exists()
    assert DutyReminder.objects.get(duty=duty).outcome == "muted"
    assert JobRunNote.objects.filter(message__contains="关闭了值班提醒").count() == 1


def test_skip_reason_rule():
    on = dt.date(2026, 3, 3)
    ok = {"left_on": None, "moved_out": None, "has_user": True, "user_active": True, "on": on}
    assert skip_reason(**ok) is None
    assert "退出" in skip_reason(**{**ok, "left_on": on})
    assert skip_reason(**{**ok, "left_on": on + dt.timedelta(days=1)}) is None  # leaves after the duty
    assert "迁出" in skip_reason(**{**ok, "moved_out": on - dt.timedelta(days=30)})
    assert skip_reason(**{**ok, "moved_out": on + dt.timedelta(days=1)}) is None
    assert "账号" in skip_reason(**{**ok, "has_user": False, "user_active": False})
    assert "停用" in skip_reason(**{**ok, "user_active": False})
