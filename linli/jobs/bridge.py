"""Run records for plain django-tasks tasks (the registry's ledger check and import), so the staff page of
runs shows every background job, not only those declared with linli.jobs.registry.

django-tasks announces each task's start and end with its own signals; listening to them is the one way
to observe tasks that other apps queue directly. These records are for looking only: such tasks keep
their own state (an ImportJob's status) and are not retried from here.
"""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished, task_started

from linli.jobs.models import JobRun, RunStatus

logger = logging.getLogger(__name__)

OWN_TASK = "linli.jobs.tasks.run_job"  # recorded by services.run_execute itself


def _key(task_result) -> str:
    return f"task:{task_result.id}"


def _started(sender, task_result, **kwargs) -> None:
    if task_result.task.module_path == OWN_TASK:
        return
    try:
        JobRun.objects.update_or_create(
            key=_key(task_result)[:200],
            defaults={
                "name": task_result.task.module_path[:100],
                "status": RunStatus.RUNNING,
                "started_at": timezone.now(),
                "enqueued_at": task_result.enqueued_at,
                "attempts": max(1, task_result.attempts),
                "max_attempts": max(1, task_result.attempts),
            },
        )
    except Exception:  # a record must never break the task it records
        logger.exception("could not record the start of task %s", task_result.id)


def _finished(sender, task_result, **kwargs) -> None:
    if task_result.task.module_path == OWN_TASK:
        return
    try:
        failed = task_result.status == TaskResultStatus.FAILED
        error = ""
        if failed and task_result.errors:
            # The exception's class only: a traceback's lines may quote the data the task worked on.
            error = task_result.errors[-1].exception_class_path
        JobRun.objects.filter(key=_key(task_result)[:200]).update(
            status=RunStatus.FAILED if failed else RunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            error=error,
        )
    except Exception:
        logger.exception("could not record the end of task %s", task_result.id)


def connect() -> None:
    task_started.connect(_started, dispatch_uid="linli.jobs.bridge.started")
    task_finished.connect(_finished, dispatch_uid="linli.jobs.bridge.finished")
