"""The inbox: each person sees, reads and counts only their own notifications — staff included."""

import pytest
from django.urls import reverse

from linli.notifications.models import Notification


@pytest.fixture
def inboxes(world):
    def note(user, title, community=None):
        return Notification.objects.create(
            recipient=user,
            community=community or world.community,
            kind="duty_reminder",
            title=title,
            dedupe_key=title,
        )

    return {
        "volunteer": [note(world.volunteer, "志愿者的提醒一"), note(world.volunteer, "志愿者的提醒二")],
        "leader": [note(world.group_leader, "组长的摘要条目")],
        "outsider": [note(world.outsider, "二村干部的消息", world.neighbour)],
    }


def test_each_person_sees_only_their_own(world, inboxes, client):
    client.force_login(world.volunteer)
    body = client.get(reverse("notification_inbox")).content.decode()
    assert "志愿者的提醒一" in body and "志愿者的提醒二" in body
    assert "组长的摘要条目" not in body and "二村干部的消息" not in body
    client.force_login(world.staff)  # a community's staff do not read its people's inboxes
    body = client.get(reverse("notification_inbox")).content.decode()
    assert "志愿者的提醒一" not in body and "还没有消息" in body


def test_the_header_counts_ones_own_unread(world, inboxes, client):
    client.force_login(world.volunteer)
    body = client.get(reverse("help")).content.decode()
    assert 'aria-label="2 条未读">2</span>' in body
    client.force_login(world.staff)
    body = client.get(reverse("help")).content.decode()
    assert reverse("notification_inbox") in body and "条未读" not in body


def test_marking_read_works_on_ones_own_only(world, inboxes, client):
    theirs = inboxes["leader"][0]
    mine = inboxes["volunteer"][0]
    client.force_login(world.volunteer)
    assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    assert client.post(f"/api/v1/me/notifications/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    response = client.post(reverse("notification_read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "标为已读" not in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'aria-label="1 条未读">1</span>' in client.get(reverse("help")).content.decode()

    client.post(reverse("notification_read_all"))
    assert not Notification.objects.filter(recipient=world.volunteer, read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=True).count() == 2  # the others' untouched


def test_unread_filter(world, inboxes, client):
    Notification.objects.filter(pk=inboxes["volunteer"][0].pk).update(read_at="2026-03-01T08:00:00+08:00")
    client.force_login(world.volunteer)
    body = client.get(reverse("notification_inbox") + "?unread=1").content.decode()
    assert "志愿者的提醒二" in body and "志愿者的提醒一" not in body


def test_the_api_lists_ones_own(world, inboxes, client):
    client.force_login(world.volunteer)
    data = client.get("/api/v1/me/notifications").json()
    assert data["count"] == 2 and data["unread"] == 2
    assert {item["title"] for item in data["items"]} == {"志愿者的提醒一", "志愿者的提醒二"}
    mine = inboxes["volunteer"][1]
    read = client.post(f"/api/v1/me/notifications/{mine.pk}/read").json()
    assert read["id"] == mine.pk and read["read_at"] is not None
    assert client.get("/api/v1/me/notifications?unread=true").json()["count"] == 1
    assert client.post("/api/v1/me/notifications/read-all").json() == {"marked": 1}

    client.force_login(world.outsider)
    assert [item["title"] for item in client.get("/api/v1/me/notifications").json()["items"]] == [
        "二村干部的消息"
    ]


def test_signed_out_visitors_are_sent_to_sign_in(world, inboxes, client):
    assert "/accounts/login/" in client.get(reverse("notification_inbox"))["Location"]
    assert client.get("/api/v1/me/notifications").status_code == 401
