"""Each person chooses, per kind, instant / daily digest / off and the channels; the defaults keep leaders'
phones quiet (a digest) and a volunteer's own reminder on time."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from linli.notifications.models import Delivery, Kind, Notification, Preference
from linli.notifications.preferences import preferences_of
from linli.notifications.services import notification_send


def send(world, user, kind=Kind.DUTY_UPCOMING, key="k", capture=None):
    return notification_send(
        recipient_id=user.pk, community_id=world.community.pk, kind=kind, title="测试消息", dedupe_key=key
    )


def test_defaults_follow_the_role(world):
    leader = preferences_of(world.group_leader.pk)
    assert leader[Kind.DUTY_UPCOMING].mode == "digest"
    assert leader[Kind.DUTY_UNREMINDED].mode == "digest"
    assert leader[Kind.DUTY_REMINDER].mode == "instant", "a reminder of one's own duty is useless late"
    assert preferences_of(world.staff.pk)[Kind.DUTY_UNREMINDED].mode == "digest"
    assert preferences_of(world.building_leader.pk)[Kind.DUTY_UPCOMING].mode == "digest"
    volunteer = preferences_of(world.volunteer.pk)
    assert {choice.mode for choice in volunteer.values()} == {"instant"}
    assert volunteer[Kind.DUTY_REMINDER].channels == ("console",)
    assert all(choice.is_default for choice in volunteer.values())


def test_the_settings_page_saves_the_choice_and_sending_honours_it(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.group_leader)
    page = client.get(reverse("notification_preferences"))
    assert page.status_code == 200 and "每日摘要" in page.content.decode()
    data = {
        "mode_duty_reminder": "instant",
        "channels_duty_reminder": ["console"],
        "mode_duty_upcoming": "instant",
        "channels_duty_upcoming": ["console"],
        "mode_duty_unreminded": "off",
        "mode_meeting_task_due": "digest",
        "mode_lift_registration_due": "digest",
        "mode_lift_registration_overdue": "instant",
        "channels_lift_registration_overdue": ["console"],
    }
    response = client.post(reverse("notification_preferences"), data)
    assert response.status_code == 302
    assert Preference.objects.get(user=world.group_leader, kind=Kind.DUTY_UPCOMING).mode == "instant"
    assert Preference.objects.get(user=world.group_leader, kind=Kind.DUTY_UNREMINDED).channels == []

    with django_capture_on_commit_callbacks(execute=True):
        upcoming = send(world, world.group_leader, Kind.DUTY_UPCOMING, "u")
        unreminded = send(world, world.group_leader, Kind.DUTY_UNREMINDED, "n")
    assert upcoming.mode == "instant"
    assert Delivery.objects.get(notification=upcoming).status == "sent"
    assert unreminded is None and not Notification.objects.filter(kind=Kind.DUTY_UNREMINDED).exists()


def test_bad_choices_are_refused_in_chinese_and_nothing_is_saved(world, client):
    client.force_login(world.volunteer)
    response = client.post(
        reverse("notification_preferences"),
        {"mode_duty_reminder": "loud", "channels_duty_reminder": ["sms"], "mode_duty_upcoming": "instant"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "请选择提醒方式" in body and "本站没有启用这个渠道" in body
    assert not Preference.objects.exists()


@override_settings(LINLI_NOTIFY_CHANNELS=["console", "email"])
def test_instant_goes_out_on_each_chosen_channel(world, django_capture_on_commit_callbacks):
    world.volunteer.email = "zhiyuan@example.org"
    world.volunteer.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        notification = send(world, world.volunteer, Kind.DUTY_REMINDER)
    assert sorted(Delivery.objects.filter(notification=notification).values_list("channel", "status")) == [
        ("console", "sent"),
        ("email", "sent"),
    ]
    assert [m.to for m in mail.outbox] == [["zhiyuan@example.org"]]
    assert mail.outbox[0].subject == "测试消息"


def test_the_api_reads_and_sets_the_callers_preferences(world, client):
    client.force_login(world.staff)
    data = client.get("/api/v1/me/notification-preferences").json()
    assert data["enabled_channels"] == ["console"]
    modes = {p["kind"]: (p["mode"], p["is_default"]) for p in data["preferences"]}
    assert modes["duty_unreminded"] == ("digest", True)

    response = client.put(
        "/api/v1/me/notification-preferences",
        {"kind": "duty_unreminded", "mode": "instant", "channels": ["console"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    modes = {p["kind"]: (p["mode"], p["is_default"]) for p in response.json()["preferences"]}
    assert modes["duty_unreminded"] == ("instant", False)
    assert Preference.objects.get(user=world.staff).mode == "instant"
    assert not Preference.objects.exclude(user=world.staff).exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "gossip", "mode": "instant"}, "kind", "应为以下之一"),
        ({"kind": "duty_reminder", "mode": "loud"}, "mode", "应为以下之一"),
        ({"kind": "duty_reminder", "mode": "instant", "channels": ["sms"]}, "channels", "本站没有启用"),
    ],
)
def test_the_api_refuses_bad_preferences_with_a_422(world, client, body, field, message):
    client.force_login(world.volunteer)
    response = client.put("/api/v1/me/notification-preferences", body, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(key == field or key.endswith(field) for key in errors), errors
    assert any(message in text for texts in errors.values() for text in texts)
    assert not Preference.objects.exists()
