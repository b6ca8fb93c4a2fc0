"""Reads of run records for a user, narrowed by linli.core.scope: a superuser reads every run; committee
staff the runs of their communities and the shared runs of declared jobs (community empty: the schedules),
and of the notes only those about their own communities."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from linli.core.models import Role
from linli.core.scope import scope_for
from linli.jobs.models import JobRun, JobRunNote, RunStatus
from linli.jobs.registry import JOBS, SCHEDULES, Schedule, job_label


def runs_for(user) -> QuerySet[JobRun]:
    runs = JobRun.objects.select_related("community")
    if user.is_superuser:
        return runs
    scope = scope_for(user)
    if not scope.has_role(Role.STAFF):
        return runs.none()
    # Shared runs of declared jobs only: a plain django-tasks task recorded by jobs/bridge.py (a ledger
    # import) has no community on its record, and another community's import is none of their business.
    return runs.filter(scope.q(JobRun) | Q(community__isnull=True, name__in=list(JOBS)))


def run_list(user, *, status: str = "") -> QuerySet[JobRun]:
    runs = runs_for(user)
    if status in RunStatus.values:
        runs = runs.filter(status=status)
    return runs.order_by("-created_at", "-id")


def access_run(user, run_id: int) -> JobRun:
    run = runs_for(user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def run_notes(user, run: JobRun) -> QuerySet[JobRunNote]:
    notes = JobRunNote.objects.filter(run=run).select_related("community")
    if user.is_superuser:
        return notes
    return scope_for(user).filter(notes)


def failed_count(user) -> int:
    return runs_for(user).filter(status=RunStatus.FAILED).count()


def schedule_rows(user) -> list[dict]:
    """Each declared schedule with its latest run (one indexed query per schedule: a handful)."""
    runs = runs_for(user).filter(community__isnull=True).order_by("-created_at", "-id")
    return [
        {
            "name": name,
            "label": job_label(name),
            "when": schedule_label(plan),
            "last": runs.filter(name=name).first(),
        }
        for name, plan in sorted(SCHEDULES.items())
    ]


def schedule_label(plan: Schedule) -> str:
    """每天 07:30 / 每 5 分钟 / 每 2 小时: how often a schedule runs, for people."""
    if plan.at is not None:
        return _("每天 %(at)s") % {"at": plan.at.strftime("%H:%M")}
    seconds = int(plan.every.total_seconds())
    if seconds % 86400 == 0:
        return _("每 %(n)s 天") % {"n": seconds // 86400}
    if seconds % 3600 == 0:
        return _("每 %(n)s 小时") % {"n": seconds // 3600}
    return _("每 %(n)s 分钟") % {"n": seconds // 60}
