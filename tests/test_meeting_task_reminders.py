"""Follow-up tasks of meetings are reminded to their owner once per due date, however often the daily
job runs; a new due date earns a new reminder; done tasks and tasks without an owner send nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.deliberation import services_meetings as services
from linli.jobs.services import job_enqueue
from linli.notifications.models import Kind, Notification

JOB = "notifications.meeting_task_reminders"
NOW = timezone.make_aware(dt.datetime(2026, 4, 7, 8, 0))


@pytest.fixture
def run_reminders(django_capture_on_commit_callbacks):
    def run(at=NOW, key=None):
        with django_capture_on_commit_callbacks(execute=True):
            run, _ = job_enqueue(JOB, key=key or f"{JOB}@{at.isoformat()}", slot=at.isoformat())
        run.refresh_from_db()
        return run

    return run


@pytest.fixture
def meeting(world):
    return services.meeting_create(
        actor=world.staff,
        community=world.community,
        data=services.MeetingData(
            title="一号楼议事会", starts_at=NOW - dt.timedelta(days=6), building_ids=[world.building_1.pk]
        ),
    )


def task(world, meeting, due_on, owner=None, text="联系物业清运"):
    return services.task_add(
        actor=world.staff,
        meeting=meeting,
        text=text,
        owner_id=(owner or world.building_leader).pk,
        due_on=due_on,
    )


def test_a_task_due_tomorrow_is_reminded_once(world, meeting, run_reminders):
    t = task(world, meeting, dt.date(2026, 4, 8))
    first = run_reminders(NOW)
    run_reminders(NOW, key="another scheduler, same slot")
    run_reminders(NOW + dt.timedelta(days=1))  # due today now: still the same due date
    reminders = Notification.objects.filter(recipient=world.building_leader, kind=Kind.MEETING_TASK_DUE)
    assert reminders.count() == 1
    assert "联系物业清运" in reminders.get().title and first.result.get("reminded") == 1
    assert reminders.get().dedupe_key == f"meeting_task:{t.pk}:2026-04-08"


def test_a_new_due_date_earns_a_new_reminder(world, meeting, run_reminders):
    t = task(world, meeting, dt.date(2026, 4, 8))
    run_reminders(NOW)
    t.due_on = dt.date(2026, 4, 10)
    t.save(update_fields=["due_on"])
    run_reminders(NOW + dt.timedelta(days=2))
    assert Notification.objects.filter(kind=Kind.MEETING_TASK_DUE).count() == 2


def test_done_far_off_and_past_tasks_are_not_reminded(world, meeting, run_reminders):
    done = task(world, meeting, dt.date(2026, 4, 8), text="已办")
    services.task_set_done(actor=world.staff, task=done, done=True)
    task(world, meeting, dt.date(2026, 4, 20), text="下月再办")
    task(world, meeting, dt.date(2026, 4, 1), text="早已过期")
    run_reminders(NOW)
    assert not Notification.objects.exists()
