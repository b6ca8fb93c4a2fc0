"""Reminders of the lift app through the job system: the volunteer on tomorrow's stairwell watch is reminded
once (and the new person after a swap); a lift in use is registered within the policy's 30 days — its
carers are reminded a week before the deadline and alerted once it has passed, each once."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from linli.elevators import services_roster as services
from linli.elevators.models import DutyAssignment
from linli.elevators.selectors_roster import DUE_SOON, OVERDUE, registration_due
from linli.jobs.services import job_enqueue
from linli.notifications.models import Kind, Notification
from tests.factories import UserFactory
from tests.test_lift_roster_service import AM, MONDAY, PM, project_for, volunteer

DUTY_JOB = "notifications.lift_duty_reminders"
REGISTRATION_JOB = "notifications.lift_registration"


def run_job(capture, name, day: dt.date, at: str, key: str | None = None):
    slot = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(at)))
    with capture(execute=True):
        run, _ = job_enqueue(name, key=key or f"{name}@{slot.isoformat()}", slot=slot.isoformat())
    run.refresh_from_db()
    return run


@pytest.fixture
def run_duty(django_capture_on_commit_callbacks):
    return lambda day, key=None: run_job(django_capture_on_commit_callbacks, DUTY_JOB, day, "18:00", key)


@pytest.fixture
def run_registration(django_capture_on_commit_callbacks):
    return lambda day, key=None: run_job(
        django_capture_on_commit_callbacks, REGISTRATION_JOB, day, "08:30", key
    )


# --- the rule ----------------------------------------------------------------------------------------


IN_USE = dt.date(2026, 4, 1)  # deadline with 30 days: 2026-05-01


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (dt.date(2026, 4, 23), None),  # 22 days in: too early
        (dt.date(2026, 4, 24), DUE_SOON),  # 23 = 30 − 7 days in
        (dt.date(2026, 5, 1), DUE_SOON),  # the deadline itself is still in time
        (dt.date(2026, 5, 2), OVERDUE),
    ],
)
def test_registration_due_by_the_day(today, state):
    due = registration_due(in_use_on=IN_USE, registered_on=None, today=today, days=30)
    assert (due.state if due else None) == state
    if due:
        assert due.deadline == dt.date(2026, 5, 1)


@given(
    in_use=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    offset=st.integers(-10, 100),
    days=st.integers(0, 90),
)
def test_overdue_exactly_after_the_deadline_and_never_once_registered(in_use, offset, days):
    today = in_use + dt.timedelta(days=offset)
    due = registration_due(in_use_on=in_use, registered_on=None, today=today, days=days)
    assert (due is not None and due.state == OVERDUE) == (offset > days)
    if due is not None:
        assert due.days_left == days - offset
    assert registration_due(in_use_on=in_use, registered_on=in_use, today=today, days=days) is None


# --- the job -----------------------------------------------------------------------------------------


@pytest.fixture
def lift_in_use(world):
    project = project_for(world.entrance_1, started_on=dt.date(2025, 3, 1))
    project.in_use_on = IN_USE
    project.save(update_fields=["in_use_on"])
    return project


def registration_notes(user, state=None):
    qs = Notification.objects.filter(recipient=user, dedupe_key__startswith="lift_registration:")
    return qs.filter(dedupe_key__endswith=state) if state else qs


def test_carers_are_reminded_a_week_before_the_deadline_once(world, lift_in_use, run_registration):
    run_registration(dt.date(2026, 4, 23))
    assert not Notification.objects.filter(dedupe_key__startswith="lift_registration:").exists()
    first = run_registration(dt.date(2026, 4, 24))
    run_registration(dt.date(2026, 4, 24), key="a second scheduler, same day")
    run_registration(dt.date(2026, 4, 25))
    for user in (world.staff, world.building_leader):
        notes = registration_notes(user)
        assert notes.count() == 1, user
        assert "2026-05-01" in notes.get().title and "民法典第278条（现行）" in notes.get().body
        assert notes.get().kind == Kind.LIFT_REGISTRATION_DUE
    assert first.result.get("reminded") == 2
    assert (
        not registration_notes(world.outsider).exists() and not registration_notes(world.volunteer).exists()
    )


def test_carers_are_alerted_once_the_deadline_has_passed(world, lift_in_use, run_registration):
    run_registration(dt.date(2026, 5, 1))
    assert not registration_notes(world.staff, OVERDUE).exists()
    run = run_registration(dt.date(2026, 5, 2))
    run_registration(dt.date(2026, 5, 2), key="retry")
    run_registration(dt.date(2026, 5, 9))
    alert = registration_notes(world.staff, OVERDUE)
    assert alert.count() == 1 and "逾期" in alert.get().title and "逾期1天" in alert.get().body
    assert alert.get().kind == Kind.LIFT_REGISTRATION_OVERDUE  # instant by default, not left to the digest
    assert registration_notes(world.building_leader, OVERDUE).count() == 1
    assert run.result.get("alerted") == 2
    assert run.notes.filter(message__contains="逾期").exists()  # written in the run record too


def test_a_registered_lift_is_left_alone(world, lift_in_use, run_registration):
    lift_in_use.registered_on = dt.date(2026, 4, 20)
    lift_in_use.save(update_fields=["registered_on"])
    run_registration(dt.date(2026, 5, 9))
    assert not Notification.objects.filter(dedupe_key__startswith="lift_registration:").exists()


# --- the stairwell watch -----------------------------------------------------------------------------


@pytest.fixture
def roster(world):
    project = project_for(world.entrance_1)
    people = [
        volunteer(world.community, name, user=UserFactory(username=f"v{n}"))
        for n, name in enumerate(("王师傅", "陈阿姨", "刘老师"))
    ]
    outcome = services.roster_generate(
        actor=world.staff,
        project=project,
        starts_on=MONDAY,
        ends_on=MONDAY + dt.timedelta(days=1),
        slots=[AM, PM],
        members=[(v, 5, ()) for v in people],
        time_limit_s=3.0,
    )
    return outcome.roster


def test_tomorrows_watch_is_reminded_once(world, roster, run_duty):
    sunday = MONDAY - dt.timedelta(days=1)
    first = run_duty(sunday)
    run_duty(sunday, key="again")
    monday = DutyAssignment.objects.filter(roster=roster, day=MONDAY)
    assert monday.count() == 2 and all(a.reminded_at for a in monday)
    assert not DutyAssignment.objects.filter(
        roster=roster, day=MONDAY + dt.timedelta(days=1), reminded_at__isnull=False
    ).exists()
    reminders = Notification.objects.filter(kind=Kind.DUTY_REMINDER, dedupe_key__startswith="lift_duty:")
    assert reminders.count() == 2 and first.result.get("reminded") == 2
    assert {n.recipient_id for n in reminders} == {a.volunteer.user_id for a in monday}
    assert all("加梯值守" in n.title for n in reminders)


def test_after_a_replacement_the_new_person_is_reminded(world, roster, run_duty):
    sunday = MONDAY - dt.timedelta(days=1)
    run_duty(sunday)
    duty = DutyAssignment.objects.filter(roster=roster, day=MONDAY).order_by("slot").first()
    on_monday = set(
        DutyAssignment.objects.filter(roster=roster, day=MONDAY).values_list("volunteer_id", flat=True)
    )
    idle = roster.members.exclude(volunteer_id__in=on_monday).first().volunteer
    services.duty_replace(actor=world.staff, roster=roster, assignment_id=duty.pk, volunteer_id=idle.pk)
    run_duty(sunday, key="after the change")
    assert Notification.objects.filter(recipient=idle.user, dedupe_key__startswith="lift_duty:").count() == 1


def test_a_volunteer_who_cannot_be_reminded_is_reported_to_the_carers(world, run_duty):
    project = project_for(world.entrance_1)
    nobody = volunteer(world.community, "没有账号")
    services.roster_generate(
        actor=world.staff,
        project=project,
        starts_on=MONDAY,
        ends_on=MONDAY,
        slots=[AM],
        members=[(nobody, 1, ())],
        time_limit_s=3.0,
    )
    run = run_duty(MONDAY - dt.timedelta(days=1))
    run_duty(MONDAY - dt.timedelta(days=1), key="again")
    assert run.result.get("skipped") == 1
    for carer in (world.staff, world.building_leader):
        told = Notification.objects.filter(recipient=carer, kind=Kind.DUTY_UNREMINDED)
        assert told.count() == 1 and "没有账号" in told.get().title
