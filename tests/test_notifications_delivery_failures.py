"""A message that cannot go out is never lost in silence: the delivery says so (status, attempts, error),
the job run failed or was retried, and the notification stays in the inbox."""

import pytest
from django.test import override_settings
from django.urls import reverse

from linli.jobs.models import JobRun, RunStatus
from linli.notifications.channels import Channel
from linli.notifications.models import Delivery, DeliveryStatus, Kind
from linli.notifications.services import notification_send

SENT: list[str] = []


class FlakySms(Channel):
    """A provider adapter (as a deployment would name in LINLI_CHANNEL_CLASSES) whose gateway refuses
    the first two messages."""

    name = "sms"
    refusals = 0

    def send(self, *, user, message) -> None:
        if FlakySms.refusals < 2:
            FlakySms.refusals += 1
            raise ConnectionError("网关繁忙")
        SENT.append(message.title)


@pytest.fixture(autouse=True)
def _reset():
    SENT.clear()
    FlakySms.refusals = 0


def remind(world, capture):
    with capture(execute=True):
        return notification_send(
            recipient_id=world.volunteer.pk,
            community_id=world.community.pk,
            kind=Kind.DUTY_REMINDER,
            title="值班提醒：3月3日 09:00 巡楼",
            dedupe_key="duty:1:reminder",
        )


@override_settings(LINLI_NOTIFY_CHANNELS=["console", "sms"])
def test_a_channel_without_a_provider_fails_visibly_and_the_others_still_go_out(
    world, client, django_capture_on_commit_callbacks
):
    notification = remind(world, django_capture_on_commit_callbacks)
    sms = Delivery.objects.get(notification=notification, channel="sms")
    assert sms.status == DeliveryStatus.FAILED and "短信通道尚未配置服务商" in sms.error and sms.attempts == 1
    assert Delivery.objects.get(notification=notification, channel="console").status == DeliveryStatus.SENT
    run = JobRun.objects.get(key=f"notifications.deliver:{sms.pk}")
    assert run.status == RunStatus.FAILED and run.attempts == 1, "no point retrying a missing provider"
    assert run.community_id == world.community.pk  # the community's staff see it on the jobs page

    client.force_login(world.volunteer)
    body = client.get(reverse("notification_inbox")).content.decode()
    assert "值班提醒：3月3日 09:00 巡楼" in body
    assert "短信：发送失败" in body and "短信通道尚未配置服务商" in body
    client.force_login(world.staff)
    assert "短信通道尚未配置服务商" in client.get(reverse("job_runs")).content.decode()


@override_settings(
    LINLI_NOTIFY_CHANNELS=["sms"],
    LINLI_CHANNEL_CLASSES={"sms": "tests.test_notifications_delivery_failures.FlakySms"},
)
def test_a_passing_failure_is_retried_until_the_message_is_sent_once(
    world, django_capture_on_commit_callbacks
):
    notification = remind(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(notification=notification)
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3 and delivery.error == ""
    run = JobRun.objects.get(key=f"notifications.deliver:{delivery.pk}")
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 3
    assert SENT == ["值班提醒：3月3日 09:00 巡楼"]

    # Sending again (a duplicate job, the same reminder again) sends nothing more.
    remind(world, django_capture_on_commit_callbacks)
    assert SENT == ["值班提醒：3月3日 09:00 巡楼"] and Delivery.objects.count() == 1


@override_settings(LINLI_NOTIFY_CHANNELS=["email"])
def test_email_to_a_person_without_an_address_fails_with_the_reason(
    world, django_capture_on_commit_callbacks
):
    notification = remind(world, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(notification=notification)
    assert delivery.status == DeliveryStatus.FAILED and "没有填写电子邮件地址" in delivery.error
