"""Plain django-tasks tasks (the ledger check and import) get a run record too; superusers see them, the
staff of other communities do not."""

from django.urls import reverse
from django_tasks import task

from linli.jobs.models import JobRun, RunStatus


@task()
def plain_ok(word: str) -> str:
    return word


@task()
def plain_broken() -> None:
    raise ValueError("坏了")


def test_plain_tasks_leave_a_run_record(db):
    plain_ok.enqueue("好")
    plain_broken.enqueue()
    records = {run.name.rsplit(".", 1)[-1]: run for run in JobRun.objects.all()}
    assert records["plain_ok"].status == RunStatus.SUCCEEDED and records["plain_ok"].finished_at
    assert records["plain_broken"].status == RunStatus.FAILED
    assert records["plain_broken"].error == "builtins.ValueError"  # the class only, never the data


def test_they_are_for_superusers_only(world, client):
    plain_ok.enqueue("好")
    run = JobRun.objects.get()
    client.force_login(world.staff)
    assert "plain_ok" not in client.get(reverse("job_runs")).content.decode()
    assert client.get(reverse("job_run_detail", args=[run.pk])).status_code == 404
    client.force_login(world.superuser)
    assert "plain_ok" in client.get(reverse("job_runs")).content.decode()
