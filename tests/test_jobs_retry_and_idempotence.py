"""The job system's promises: every attempt recorded, failures retried with backoff up to the limit,
then failed for a person to retry; a run key is never run twice successfully."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linli.core.errors import DomainError
from linli.jobs.models import JobRun, JobRunNote, RunStatus
from linli.jobs.registry import job
from linli.jobs.services import PermanentJobError, job_enqueue, run_execute, run_retry, runs_recover

# Test jobs: each keeps what it did in a list, so a test can count the effects.
EFFECTS: list[str] = []
FAILURES_LEFT: dict[str, int] = {}


@job("tests.flaky", max_attempts=3, backoff_seconds=60)
def flaky(run, *, marker: str) -> dict:
    """Fails while FAILURES_LEFT[marker] > 0, then does its one effect."""
    if FAILURES_LEFT.get(marker, 0) > 0:
        FAILURES_LEFT[marker] -= 1
        raise ConnectionError("短信网关暂时不可用")
    EFFECTS.append(marker)
    run.note(f"做了 {marker}")
    return {"done": 1}


@job("tests.hopeless", max_attempts=2, backoff_seconds=1)
def hopeless(run, *, kind: str) -> None:
    if kind == "permanent":
        raise PermanentJobError("渠道未配置")
    if kind == "domain":
        raise DomainError("输入有误")
    raise TimeoutError("总是超时")


@pytest.fixture(autouse=True)
def _clean():
    EFFECTS.clear()
    FAILURES_LEFT.clear()
    yield
    EFFECTS.clear()
    FAILURES_LEFT.clear()


def test_a_job_failing_twice_then_succeeding_records_three_attempts_and_one_effect(
    db, django_capture_on_commit_callbacks
):
    FAILURES_LEFT["a"] = 2
    with django_capture_on_commit_callbacks(execute=True):
        run, created = job_enqueue("tests.flaky", key="flaky-a", marker="a")
    run.refresh_from_db()
    assert created
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 3
    assert EFFECTS == ["a"]
    assert run.result == {"done": 1}
    errors = JobRunNote.objects.filter(run=run, level="error").order_by("attempt")
    assert [n.attempt for n in errors] == [1, 2]
    assert all("短信网关暂时不可用" in n.message for n in errors)
    assert run.error.startswith("ConnectionError")  # the last failure stays on the record


def test_a_job_that_keeps_failing_is_failed_after_its_attempts_and_can_be_retried(
    world, django_capture_on_commit_callbacks
):
    FAILURES_LEFT["b"] = 4  # three attempts fail; of the retry's three, the second succeeds
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = job_enqueue("tests.flaky", key="flaky-b", marker="b")
    run.refresh_from_db()
    assert (run.status, run.attempts, run.max_attempts) == (RunStatus.FAILED, 3, 3)
    assert run.finished_at is not None and EFFECTS == []

    with django_capture_on_commit_callbacks(execute=True):
        run_retry(actor=world.superuser, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 5 and EFFECTS == ["b"]
    assert JobRunNote.objects.filter(run=run, message__contains="要求重试").exists()

    with pytest.raises(DomainError, match="只有失败的任务可以重试"):
        run_retry(actor=world.superuser, run=run)


@pytest.mark.parametrize("kind", ["permanent", "domain"])
def test_a_permanent_failure_is_not_retried(db, django_capture_on_commit_callbacks, kind):
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = job_enqueue("tests.hopeless", kind=kind)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.attempts == 1


def test_the_same_key_is_queued_once_and_a_finished_run_is_never_run_again(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, created = job_enqueue("tests.flaky", key="once", marker="c")
        again, created_again = job_enqueue("tests.flaky", key="once", marker="c")
    assert created and not created_again and first.pk == again.pk
    assert JobRun.objects.filter(key="once").count() == 1
    assert EFFECTS == ["c"]
    # A worker handed the same run again (a duplicate in the queue) finds nothing to do.
    assert run_execute(first.pk) == "skipped"
    assert EFFECTS == ["c"]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_with_the_database_backend_a_retry_waits_for_its_backoff(db, django_capture_on_commit_callbacks):
    FAILURES_LEFT["d"] = 1
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = job_enqueue("tests.flaky", key="flaky-d", marker="d")
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [run.pk]

    # The worker's first attempt fails: the run waits 60 s (backoff × 2^0) for its second.
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_execute(run.pk) == "retrying"
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.attempts == 1
    assert before + dt.timedelta(seconds=59) <= run.run_after <= timezone.now() + dt.timedelta(seconds=61)
    deferred = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert deferred.run_after == run.run_after
    # A copy that comes too early does nothing; once due, the attempt runs.
    assert run_execute(run.pk) == "skipped"
    JobRun.objects.filter(pk=run.pk).update(run_after=timezone.now())
    assert run_execute(run.pk) == RunStatus.SUCCEEDED
    assert EFFECTS == ["d"]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_run_whose_worker_vanished_counts_as_a_failed_attempt_and_is_queued_again(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run, _ = job_enqueue("tests.flaky", key="vanished", marker="e")
    long_ago = timezone.now() - dt.timedelta(hours=2)
    JobRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=1, started_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_recover() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and run.run_after is not None
    assert "分钟没有结束" in run.error

    # A queued run nobody started long after it was due is handed over again.
    JobRun.objects.filter(pk=run.pk).update(run_after=long_ago, enqueued_at=long_ago)
    tasks_before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_recover() == 1
    assert DBTaskResult.objects.count() == tasks_before + 1
