"""Queue, run, retry and schedule jobs, writing a JobRun around each.

- `job_enqueue` makes the run record (its key unique: a second call with the same key queues nothing)
  and hands it to the task backend once the transaction commits.
- `run_execute` is what the worker calls: it claims the run (queued → running, one UPDATE, so two
  workers given the same run cannot both run it), calls the job, and records the outcome. A failed
  attempt is queued again after a backoff until `max_attempts`; then the run is failed, for a person to
  look at and retry (`run_retry`). A job that raises PermanentJobError (or DomainError) is failed at once:
  trying again would not help.
- `scheduler_tick` queues the current slot of every schedule, and takes back runs whose worker vanished.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.jobs.models import JobRun, JobRunNote, NoteLevel, RunStatus
from linli.jobs.registry import JOBS, SCHEDULES, JobSpec

logger = logging.getLogger(__name__)

ERROR_LENGTH = 2000
# A queued run that no worker has started this long after it was due was lost on the way (a broker
# restarted, a transaction rolled back after the enqueue): the scheduler hands it over again.
REQUEUE_AFTER = dt.timedelta(minutes=10)


class PermanentJobError(Exception):
    """A failure that another attempt would not cure (a channel that is not configured, a row that is
    gone). The run is failed at once, with this message, for a person to look at."""


@dataclass
class RunContext:
    """What a job gets besides its arguments: who it is, and a pen for the run record."""

    run_id: int
    name: str
    key: str
    attempt: int
    community_id: int | None
    counts: dict[str, int] = field(default_factory=dict)

    def note(self, message: str, *, community_id: int | None = None, level: str = NoteLevel.INFO) -> None:
        """Write a line to the run record. Give the community when the line is about its people: only
        that community's staff (and superusers) will see it."""
        JobRunNote.objects.create(
            run_id=self.run_id,
            community_id=community_id if community_id is not None else self.community_id,
            attempt=self.attempt,
            level=level,
            message=message,
        )

    def skip(self, message: str, *, community_id: int | None = None) -> None:
        self.count("skipped")
        self.note(message, community_id=community_id, level=NoteLevel.SKIP)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def _spec(name: str) -> JobSpec:
    try:
        return JOBS[name]
    except KeyError:
        raise ValueError(f"no job is named {name!r}") from None


def job_enqueue(
    name: str, *, key: str | None = None, community_id: int | None = None, **kwargs
) -> tuple[JobRun, bool]:
    """Queue the job `name` with `kwargs` (JSON: ids and strings). Returns (run, created): with a `key`
    that already has a run, that run is returned and nothing is queued, so callers may ask twice."""
    spec = _spec(name)
    key = key or f"{name}:{timezone.now().isoformat()}:{_unique_suffix()}"
    existing = JobRun.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                name=name,
                key=key,
                community_id=community_id,
                kwargs=kwargs,
                max_attempts=spec.max_attempts,
                enqueued_at=timezone.now(),
            )
    except IntegrityError:  # another process made the same run in between: theirs stands
        return JobRun.objects.get(key=key), False
    _hand_over(run.pk)
    return run, True


def _unique_suffix() -> str:
    import secrets

    return secrets.token_hex(4)


def _hand_over(run_id: int, *, run_after: dt.datetime | None = None) -> None:
    """Give the run to the task backend once the current transaction commits (at once outside one).
    A backend that cannot defer (the inline one of the tests) runs it straight away."""
    from linli.jobs.tasks import run_job

    def send() -> None:
        task = run_job
        if run_after is not None and task.get_backend().supports_defer:
            task = task.using(run_after=run_after)
        task.enqueue(run_id)

    transaction.on_commit(send)


def run_execute(run_id: int) -> str:
    """Run one attempt of the run, if it is queued and due; returns its status afterwards ("skipped" when
    there was nothing to do: already running, finished, or not due yet)."""
    now = timezone.now()
    claimed = (
        JobRun.objects.filter(pk=run_id, status=RunStatus.QUEUED)
        .filter(Q(run_after__isnull=True) | Q(run_after__lte=now))
        .update(status=RunStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, finished_at=None)
    )
    if not claimed:
        return "skipped"
    run = JobRun.objects.get(pk=run_id)
    context = RunContext(run.pk, run.name, run.key, run.attempts, run.community_id)
    spec = JOBS.get(run.name)
    try:
        if spec is None:
            raise PermanentJobError(_("没有名为 %(name)s 的任务（代码已更新？）。") % {"name": run.name})
        result = spec.func(context, **run.kwargs)
    except Exception as exc:  # every failure is recorded; none may stop the worker
        logger.exception("job %s (run %s) attempt %s failed", run.name, run.pk, run.attempts)
        return _attempt_failed(run, context, exc, permanent=isinstance(exc, PermanentJobError | DomainError))
    run.status = RunStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.run_after = None
    run.result = {**context.counts, **(result if isinstance(result, dict) else {})}
    run.save(update_fields=["status", "finished_at", "run_after", "result"])
    return run.status


def _error_text(exc: BaseException) -> str:
    message = exc.message if isinstance(exc, DomainError) else str(exc)
    return f"{type(exc).__name__}: {message}"[:ERROR_LENGTH]


def _attempt_failed(run: JobRun, context: RunContext, exc: BaseException, *, permanent: bool) -> str:
    error = _error_text(exc)
    context.note(
        _("第%(attempt)s次尝试失败：%(error)s") % {"attempt": run.attempts, "error": error},
        level=NoteLevel.ERROR,
    )
    now = timezone.now()
    run.error = error
    run.result = context.counts
    if permanent or run.attempts >= run.max_attempts:
        run.status = RunStatus.FAILED
        run.finished_at = now
        run.run_after = None
        run.save(update_fields=["status", "finished_at", "run_after", "error", "result"])
        return run.status
    from linli.jobs.tasks import run_job

    spec = JOBS.get(run.name)
    backoff = dt.timedelta(seconds=(spec.backoff_seconds if spec else 60) * 2 ** (run.attempts - 1))
    run.status = RunStatus.QUEUED
    # The inline backend cannot wait: there the next attempt runs as soon as this one has unwound.
    run.run_after = now + backoff if run_job.get_backend().supports_defer else None
    run.enqueued_at = now
    run.save(update_fields=["status", "run_after", "enqueued_at", "error", "result"])
    _hand_over(run.pk, run_after=run.run_after)
    return "retrying"


def run_retry(*, actor, run: JobRun) -> JobRun:
    """Queue a failed run again, with a fresh set of attempts (the staff page's retry button)."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.FAILED:
            raise DomainError(
                _("只有失败的任务可以重试；这个任务现在是“%(status)s”。")
                % {"status": run.get_status_display()}
            )
        spec = JOBS.get(run.name)
        run.status = RunStatus.QUEUED
        run.max_attempts = run.attempts + (spec.max_attempts if spec else 1)
        run.run_after = None
        run.finished_at = None
        run.enqueued_at = timezone.now()
        run.save(update_fields=["status", "max_attempts", "run_after", "finished_at", "enqueued_at"])
        JobRunNote.objects.create(
            run=run,
            community_id=run.community_id,
            attempt=run.attempts,
            message=_("%(user)s 要求重试。") % {"user": actor},
        )
        _hand_over(run.pk)
    return run


def scheduler_tick(*, now: dt.datetime | None = None) -> list[JobRun]:
    """Queue the current slot of every schedule that has no run yet, then take back lost runs.
    Safe to call from several processes at once: a slot's key is unique, so one of them wins."""
    now = now or timezone.now()
    queued = []
    for plan in SCHEDULES.values():
        slot = plan.slot(now)
        run, created = job_enqueue(plan.job, key=plan.key(slot), slot=slot.isoformat())
        if created:
            queued.append(run)
    runs_recover(now=now)
    return queued


def runs_recover(*, now: dt.datetime | None = None) -> int:
    """Runs whose worker died (running past their job's timeout) count as a failed attempt; queued runs
    nobody started long after they were due are handed over again. Returns how many were touched."""
    now = now or timezone.now()
    touched = 0
    for run in JobRun.objects.filter(status=RunStatus.RUNNING).only("name", "started_at"):
        spec = JOBS.get(run.name)
        limit = dt.timedelta(minutes=spec.timeout_minutes if spec else 30)
        if run.started_at and run.started_at < now - limit:
            with transaction.atomic():
                stale = JobRun.objects.select_for_update().get(pk=run.pk)
                if stale.status != RunStatus.RUNNING:
                    continue
                context = RunContext(stale.pk, stale.name, stale.key, stale.attempts, stale.community_id)
                _attempt_failed(
                    stale,
                    context,
                    TimeoutError(
                        _("运行超过 %(minutes)s 分钟没有结束（工作进程可能已停止）。")
                        % {"minutes": int(limit.total_seconds() // 60)}
                    ),
                    permanent=False,
                )
            touched += 1
    lost = JobRun.objects.filter(status=RunStatus.QUEUED, enqueued_at__lt=now - REQUEUE_AFTER).filter(
        Q(run_after__isnull=True) | Q(run_after__lt=now - REQUEUE_AFTER)
    )
    for run_id in lost.values_list("pk", flat=True)[:500]:
        JobRun.objects.filter(pk=run_id).update(enqueued_at=now)
        _hand_over(run_id)
        touched += 1
    return touched


def runs_prune(*, keep_days: int, now: dt.datetime | None = None) -> int:
    """Delete the records of runs that succeeded more than `keep_days` ago (failed ones stay until
    someone retried them or they are as old again)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=keep_days)
    old = JobRun.objects.filter(
        Q(status=RunStatus.SUCCEEDED, finished_at__lt=cutoff)
        | Q(status=RunStatus.FAILED, finished_at__lt=cutoff - dt.timedelta(days=keep_days))
    )
    deleted, _counts = old.delete()
    return deleted
