"""Jobs and their schedules, declared in code where they belong (each app's tasks.py):

    @schedule(every=dt.timedelta(days=1), at="03:00")
    @job("registry.retention", max_attempts=3)
    def retention(run, *, slot: str) -> dict: ...

A job is a plain function taking a RunContext (to write notes) and keyword arguments that are JSON:
ids and strings, never model instances. A scheduled job receives `slot`, the ISO time of the slot it was
queued for, so a late or repeated run works on the same slot as the first.

Slots are pure arithmetic (`slot_start`), tested without a clock: with `at`, the latest day at that time
(Asia/Shanghai) not after now; otherwise the start of the latest interval of `every` since 2000-01-01.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

# Interval slots count from here, so they fall on round local times (every 5 minutes: :00, :05 …).
EPOCH = dt.datetime(2000, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable
    max_attempts: int = 3
    backoff_seconds: int = 60  # wait before attempt n+1: backoff × 2^(n-1)
    timeout_minutes: int = 30  # a run "running" longer than this lost its worker: it counts as failed
    label: str = ""  # what the staff page calls it (gettext_lazy)


@dataclass(frozen=True)
class Schedule:
    job: str
    every: dt.timedelta
    at: dt.time | None = None

    def slot(self, now: dt.datetime) -> dt.datetime:
        return slot_start(now, every=self.every, at=self.at)

    def key(self, slot: dt.datetime) -> str:
        return f"{self.job}@{slot.isoformat()}"


JOBS: dict[str, JobSpec] = {}
SCHEDULES: dict[str, Schedule] = {}


def job(
    name: str,
    *,
    label: str = "",
    max_attempts: int = 3,
    backoff_seconds: int = 60,
    timeout_minutes: int = 30,
):
    """Register `func` as the job `name` (a stable name: run records and queued work refer to it)."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def register(func: Callable) -> Callable:
        existing = JOBS.get(name)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"two jobs are named {name!r}")
        JOBS[name] = JobSpec(name, func, max_attempts, backoff_seconds, timeout_minutes, label or name)
        func.job_name = name
        return func

    return register


def schedule(*, every: dt.timedelta, at: str | None = None, name: str | None = None):
    """Queue the job below once per slot: every `every`, or once a day at `at` ("07:30", local time).
    Put it above @job; `name` only when the function is not a registered job itself."""
    clock = dt.time.fromisoformat(at) if at else None
    if clock is not None and every != dt.timedelta(days=1):
        raise ValueError("`at` is for daily schedules (every=1 day)")
    if every < dt.timedelta(minutes=1):
        raise ValueError("schedules run at most once a minute")

    def register(func: Callable) -> Callable:
        job_name = name or getattr(func, "job_name", None)
        if job_name is None:
            raise ValueError("@schedule goes above @job (or give name=)")
        SCHEDULES[job_name] = Schedule(job_name, every, clock)
        return func

    return register


def slot_start(now: dt.datetime, *, every: dt.timedelta, at: dt.time | None = None) -> dt.datetime:
    """The start of the slot `now` falls in, as an aware local datetime (Asia/Shanghai)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    if at is not None:
        start = dt.datetime.combine(local.date(), at, tzinfo=zone)
        return start if start <= local else start - dt.timedelta(days=1)
    intervals = (local - EPOCH) // every
    return (EPOCH + intervals * every).astimezone(zone)


def job_label(name: str) -> str:
    spec = JOBS.get(name)
    return str(spec.label) if spec else name
