"""Background jobs of the registry (django-tasks; queued with linli.core.jobs.enqueue_after_commit).

Thin: each takes an ImportJob's id and the language of the person who started it (messages in the
preview are written in it), and calls the ledger's job functions, which are idempotent.
"""

from django.utils import translation
from django_tasks import task

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
