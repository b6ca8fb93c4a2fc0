"""The staff page of job runs: superusers see everything; committee staff their community's runs in full
and, of the runs over all communities, only the notes about their own people; nobody else sees it."""

import pytest
from django.urls import reverse

from linli.jobs.models import JobRun, JobRunNote, RunStatus


@pytest.fixture
def runs(world):
    system = JobRun.objects.create(
        name="notifications.duty_reminders",
        key="notifications.duty_reminders@2026-03-02T08:00:00+08:00",
        status=RunStatus.FAILED,
        attempts=3,
        max_attempts=3,
        error="OperationalError: 系统内部细节",
    )
    JobRunNote.objects.create(
        run=system, community=world.community, level="skip", message="未提醒 李大爷 的值班：已迁出"
    )
    JobRunNote.objects.create(
        run=system, community=world.neighbour, level="skip", message="未提醒 吴外区 的值班：已迁出"
    )
    JobRunNote.objects.create(
        run=system, community=None, level="error", message="第1次尝试失败：连接 10.0.0.7 超时"
    )
    ours = JobRun.objects.create(
        name="notifications.deliver",
        key="notifications.deliver:1",
        community=world.community,
        status=RunStatus.FAILED,
        attempts=5,
        max_attempts=5,
        error="ChannelNotConfigured: 短信通道尚未配置服务商。",
    )
    theirs = JobRun.objects.create(
        name="notifications.deliver",
        key="notifications.deliver:2",
        community=world.neighbour,
        status=RunStatus.FAILED,
        attempts=5,
        max_attempts=5,
        error="ChannelNotConfigured: 二村的错误",
    )
    return {"system": system, "ours": ours, "theirs": theirs}


def test_staff_see_their_runs_and_the_shared_ones_but_not_the_neighbours(world, runs, client):
    client.force_login(world.staff)
    body = client.get(reverse("job_runs")).content.decode()
    assert "值班提醒" in body and "发送消息" in body
    assert "短信通道尚未配置服务商" in body  # their own run's error
    assert "测试二村" not in body and "二村的错误" not in body
    assert "系统内部细节" not in body  # a shared run's error is for superusers
    assert client.get(reverse("job_run_detail", args=[runs["theirs"].pk])).status_code == 404


def test_staff_see_only_their_own_peoples_notes_in_a_shared_run(world, runs, client):
    client.force_login(world.staff)
    body = client.get(reverse("job_run_detail", args=[runs["system"].pk])).content.decode()
    assert "李大爷" in body
    assert "吴外区" not in body and "10.0.0.7" not in body and "系统内部细节" not in body
    assert "错误详情只有系统管理员可以查看" in body

    client.force_login(world.outsider)
    body = client.get(reverse("job_run_detail", args=[runs["system"].pk])).content.decode()
    assert "吴外区" in body and "李大爷" not in body


def test_superusers_see_everything(world, runs, client):
    client.force_login(world.superuser)
    body = client.get(reverse("job_runs")).content.decode()
    assert "测试二村" in body and "二村的错误" in body
    body = client.get(reverse("job_run_detail", args=[runs["system"].pk])).content.decode()
    assert all(text in body for text in ("李大爷", "吴外区", "10.0.0.7", "系统内部细节"))


@pytest.mark.parametrize(
    "role", ["building_leader", "group_leader", "volunteer", "resident", "street_officer"]
)
def test_other_roles_may_not_see_the_jobs_page(world, runs, client, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("job_runs")).status_code == 403
    assert client.get(reverse("job_run_detail", args=[runs["ours"].pk])).status_code in (403, 404)
    assert client.post(reverse("job_run_retry", args=[runs["ours"].pk])).status_code in (403, 404)
    assert "后台任务" not in client.get(reverse("help")).content.decode()  # no menu link either


def test_staff_retry_a_failed_run_of_their_community(world, runs, client):
    client.force_login(world.staff)
    assert "后台任务" in client.get(reverse("help")).content.decode()
    body = client.get(reverse("job_runs") + "?status=failed").content.decode()
    assert reverse("job_run_retry", args=[runs["ours"].pk]) in body
    assert reverse("job_run_retry", args=[runs["system"].pk]) not in body

    response = client.post(reverse("job_run_retry", args=[runs["ours"].pk]))
    assert response.status_code == 302
    runs["ours"].refresh_from_db()
    assert runs["ours"].status == RunStatus.QUEUED and runs["ours"].max_attempts == 10
    # A shared run is retried by superusers only; the neighbour's run is not even there.
    assert client.post(reverse("job_run_retry", args=[runs["system"].pk])).status_code == 403
    assert client.post(reverse("job_run_retry", args=[runs["theirs"].pk])).status_code == 404
    runs["theirs"].refresh_from_db()
    assert runs["theirs"].status == RunStatus.FAILED


def test_retrying_a_run_that_is_not_failed_says_so(world, runs, client):
    JobRun.objects.filter(pk=runs["ours"].pk).update(status=RunStatus.SUCCEEDED)
    client.force_login(world.staff)
    response = client.post(reverse("job_run_retry", args=[runs["ours"].pk]), follow=True)
    assert "只有失败的任务可以重试" in response.content.decode()


def test_the_api_follows_the_same_scope(world, runs, client):
    client.force_login(world.staff)
    items = client.get("/api/v1/job-runs").json()["items"]
    assert {item["id"] for item in items} == {runs["system"].pk, runs["ours"].pk}
    errors = {item["id"]: item["error"] for item in items}
    assert errors[runs["system"].pk] == "" and "短信通道" in errors[runs["ours"].pk]
    detail = client.get(f"/api/v1/job-runs/{runs['system'].pk}").json()
    assert [note["message"] for note in detail["notes"]] == ["未提醒 李大爷 的值班：已迁出"]
    assert client.get(f"/api/v1/job-runs/{runs['theirs'].pk}").status_code == 404
    assert client.post(f"/api/v1/job-runs/{runs['ours'].pk}/retry").json()["status"] == "queued"

    client.force_login(world.volunteer)
    assert client.get("/api/v1/job-runs").status_code == 403
