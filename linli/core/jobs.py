"""Background jobs, the one way Linli starts them (django-tasks; see settings.TASKS).

Jobs take ids, never model instances, and are queued only once the transaction that created their work
has committed, so a worker never picks up a row it cannot see yet (or one that was rolled back). A job
must be idempotent: running it twice changes nothing the first run did not.
"""

from django.db import transaction


def enqueue_after_commit(task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
