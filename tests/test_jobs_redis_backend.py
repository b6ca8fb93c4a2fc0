"""LINLI_TASKS=rq: a job goes through a real Redis (127.0.0.1:6379) and an RQ worker, with its run record.

Skipped only where Redis is not running and this is not CI (.ci/run starts redis-server).
"""

import os
import uuid

import pytest
from django.test import override_settings

from linli.jobs.models import JobRun, RunStatus
from linli.jobs.registry import job
from linli.jobs.services import job_enqueue

REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DONE: list[str] = []


@job("tests.redis_echo", max_attempts=2)
def redis_echo(run, *, word: str) -> dict:
    DONE.append(word)
    run.note(f"收到 {word}")
    return {"length": len(word)}


def _redis():
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {REDIS_URL}; .ci/run starts it")
        pytest.skip(f"Redis is not running at {REDIS_URL}")
    return connection


def test_a_job_round_trips_through_redis(db, django_capture_on_commit_callbacks):
    connection = _redis()
    rq_settings = {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "RQ_QUEUES": {"default": {"URL": REDIS_URL}},
    }
    with override_settings(**rq_settings):
        import django_rq
        from django_tasks_rq import Job
        from rq import SimpleWorker

        queue = django_rq.get_queue("default", job_class=Job)
        queue.empty()
        word = f"邻里-{uuid.uuid4().hex[:6]}"
        try:
            with django_capture_on_commit_callbacks(execute=True):
                run, _ = job_enqueue("tests.redis_echo", key=f"redis:{word}", word=word)
            assert queue.count == 1, "the job waits in Redis, not run inline"
            assert JobRun.objects.get(pk=run.pk).status == RunStatus.QUEUED and DONE == []

            # An RQ worker (in this process, so it shares the test's database connection) runs it.
            worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
            assert worker.work(burst=True)
        finally:
            queue.empty()
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 1
    assert run.result == {"length": len(word)}
    assert [word] == DONE
    assert run.notes.get().message == f"收到 {word}"
    connection.close()
