"""Background jobs of the registry (django-tasks; queued with linli.core.jobs.enqueue_after_commit).

Thin: each takes an ImportJob's id and the language of the person who started it (messages in the
preview are written in it), and calls the ledger's job functions, which are idempotent.
"""

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from linli.jobs.registry import job, schedule
from linli.registry import pipl
from linli.registry.ledger import jobs


@task()
def ledger_check(job_id: int, language: str = "zh-hans") -> None:
    """Check an uploaded ledger and write its preview."""
    with translation.override(language):
        jobs.job_check_run(job_id)


@task()
def ledger_import(job_id: int, language: str = "zh-hans") -> None:
    """Import a checked ledger, all or nothing."""
    with translation.override(language):
        jobs.job_import_run(job_id)


# Scheduled jobs (linli.jobs: run records, retries; `linli worker` queues them once per slot).


@schedule(every=dt.timedelta(days=1), at="03:00")
@job(
    "registry.retention",
    label=_("迁出居民到期匿名化"),
    max_attempts=3,
    backoff_seconds=300,
    timeout_minutes=120,
)
def retention(run, *, slot: str) -> dict:
    """The retention job (PIPL art. 47; docs/operations.md): anonymise people who moved out more than
    LINLI_RETENTION_DAYS days before the slot's day. Idempotent: a second run finds nobody."""
    day = timezone.localtime(dt.datetime.fromisoformat(slot)).date()
    return {"anonymised": pipl.residents_anonymise_expired(today=day)}


@schedule(every=dt.timedelta(hours=1))
@job("registry.import_cleanup", label=_("清理未确认的台账导入"))
def import_cleanup(run, *, slot: str) -> dict:
    """Cancel ledger previews left unconfirmed for a day, dropping the numbers they kept."""
    return {"cancelled": jobs.import_jobs_expire()}
