"""The one django-tasks task behind every Linli job: it runs a JobRun by id (linli.jobs.services).

Jobs themselves are declared with linli.jobs.registry in each app's tasks.py; the jobs app's own are
below: pruning old run records.
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from linli.jobs import services
from linli.jobs.registry import job, schedule


@task()
def run_job(run_id: int) -> str:
    """One attempt of a run. Never raises: the outcome is in the JobRun, retries are queued there."""
    return services.run_execute(run_id)


@schedule(every=dt.timedelta(days=1), at="04:10")
@job("jobs.prune", label=_("清理旧的运行记录"))
def prune(run, *, slot: str) -> dict:
    """Forget the records of runs finished long ago (LINLI_JOB_RUNS_KEEP_DAYS)."""
    return {"deleted": services.runs_prune(keep_days=settings.LINLI_JOB_RUNS_KEEP_DAYS)}
