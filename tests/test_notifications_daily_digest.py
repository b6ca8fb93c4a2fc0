"""The daily digest: one message per person gathering their digest notifications, grouped by kind; nothing
when there is nothing; one digest however often the job runs."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from linli.jobs.models import RunStatus
from linli.jobs.services import job_enqueue
from linli.notifications.models import Delivery, DeliveryStatus, Digest, Kind, Notification, Preference
from linli.notifications.services import notification_send

JOB = "notifications.daily_digest"


@pytest.fixture
def slot():
    return timezone.now() + dt.timedelta(hours=1)


@pytest.fixture
def run_digest(django_capture_on_commit_callbacks):
    def run(slot, key=None):
        with django_capture_on_commit_callbacks(execute=True):
            run, _ = job_enqueue(JOB, key=key or f"{JOB}@{slot.isoformat()}", slot=slot.isoformat())
        run.refresh_from_db()
        return run

    return run


def send(world, user, kind, title, key):
    return notification_send(
        recipient_id=user.pk, community_id=world.community.pk, kind=kind, title=title, dedupe_key=key
    )


def test_a_leaders_notifications_of_the_day_come_as_one_digest_grouped_by_kind(
    world, slot, run_digest, caplog
):
    send(world, world.group_leader, Kind.DUTY_UPCOMING, "李大爷 值班：巡楼，3月3日", "a")
    send(world, world.group_leader, Kind.DUTY_UNREMINDED, "王师傅 的值班未能提醒", "b")
    send(world, world.group_leader, Kind.DUTY_UPCOMING, "李大爷 值班：读报，3月4日", "c")
    items = Notification.objects.filter(recipient=world.group_leader)
    assert set(items.values_list("mode", flat=True)) == {"digest"}, "leaders get digests by default"
    assert not Delivery.objects.exists(), "nothing goes out per event"

    with caplog.at_level(logging.INFO, logger="linli.notifications.console"):
        run = run_digest(slot)

    assert run.status == RunStatus.SUCCEEDED and run.result["digests"] == 1
    digest = Digest.objects.get(recipient=world.group_leader)
    assert digest.item_count == 3 and "共 3 条" in digest.title
    assert digest.day == timezone.localtime(slot).date()
    lines = digest.body.splitlines()
    # Grouped by kind, in the order of Kind: the upcoming duties (2), then the unreminded one (1).
    assert lines[0] == "团队成员值班（2 条）"
    assert lines[1:3] == ["· 李大爷 值班：巡楼，3月3日", "· 李大爷 值班：读报，3月4日"]
    assert lines[4] == "未能提醒的值班（1 条）"
    assert set(items.values_list("digest", flat=True)) == {digest.pk}
    delivery = Delivery.objects.get(digest=digest)
    assert (delivery.channel, delivery.status) == ("console", DeliveryStatus.SENT)
    assert sum("邻里每日摘要" in r.getMessage() for r in caplog.records) == 1


def test_run_twice_the_digest_goes_out_once(world, slot, run_digest):
    send(world, world.group_leader, Kind.DUTY_UPCOMING, "李大爷 值班", "a")
    run_digest(slot)
    run_digest(slot, key="another scheduler's run of the same slot")
    run_digest(slot + dt.timedelta(minutes=1), key="a late catch-up run the same day")
    assert Digest.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_nothing_to_gather_sends_nothing(world, slot, run_digest):
    send(world, world.volunteer, Kind.DUTY_REMINDER, "值班提醒", "instant")  # instant: not a digest item
    deliveries = Delivery.objects.count()
    run = run_digest(slot)
    assert run.status == RunStatus.SUCCEEDED and run.result["digests"] == 0
    assert not Digest.objects.exists()
    assert Delivery.objects.count() == deliveries


def test_what_comes_after_the_digest_hour_waits_for_tomorrow(world, slot, run_digest):
    late = send(world, world.group_leader, Kind.DUTY_UPCOMING, "晚到的消息", "late")
    Notification.objects.filter(pk=late.pk).update(created_at=slot + dt.timedelta(minutes=1))
    run_digest(slot)
    assert not Digest.objects.exists()
    tomorrow = slot + dt.timedelta(days=1)
    run_digest(tomorrow)
    assert Digest.objects.get().items.get().title == "晚到的消息"


def test_each_person_gets_their_own_digest_on_their_channels(world, slot, run_digest):
    Preference.objects.create(user=world.staff, kind=Kind.DUTY_UNREMINDED, mode="digest", channels=[])
    send(world, world.staff, Kind.DUTY_UNREMINDED, "周阿婆 的值班未能提醒", "s")
    send(world, world.group_leader, Kind.DUTY_UPCOMING, "李大爷 值班", "g")
    run_digest(slot)
    staff_digest = Digest.objects.get(recipient=world.staff)
    leader_digest = Digest.objects.get(recipient=world.group_leader)
    assert "周阿婆" in staff_digest.body and "周阿婆" not in leader_digest.body
    assert "李大爷" in leader_digest.body and "李大爷" not in staff_digest.body
    assert not staff_digest.deliveries.exists(), "no channels chosen: the inbox only"
    assert leader_digest.deliveries.count() == 1
