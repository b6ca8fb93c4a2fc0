"""Sign-in: one per meeting and resident (the database's constraint), ticked on the sheet with htmx or by
the resident scanning the QR code — allowed for an invitee or a resident of the meeting's buildings,
refused with a clear message to anyone else."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from linli.deliberation import services_meetings as services
from linli.deliberation.models import Attendance
from linli.registry.models import Resident
from tests.factories import UserFactory

STARTS = timezone.make_aware(dt.datetime(2026, 4, 1, 19, 0))


@pytest.fixture
def meeting(world):
    m = services.meeting_create(
        actor=world.staff,
        community=world.community,
        data=services.MeetingData(title="一号楼议事会", starts_at=STARTS, building_ids=[world.building_1.pk]),
    )
    services.invitees_set(actor=world.staff, meeting=m, resident_ids=[world.zhao.pk, world.sun.pk])
    return m


def own_sign_in(resident, username):
    user = UserFactory(username=username)
    Resident.objects.filter(pk=resident.pk).update(user=user)
    resident.user = user
    return user


def test_signing_in_twice_keeps_one_sign_in(world, meeting):
    first = services.meeting_check_in(actor=world.staff, meeting=meeting, resident=world.zhao, method="staff")
    again = services.meeting_check_in(actor=world.staff, meeting=meeting, resident=world.zhao, method="staff")
    assert first.pk == again.pk and Attendance.objects.filter(meeting=meeting).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            community=world.community, meeting=meeting, resident=world.zhao, method="qr", at=timezone.now()
        )


def test_the_sheet_ticks_and_unticks_one_row_with_htmx(world, meeting, client):
    client.force_login(world.building_leader)
    url = reverse("meeting_sign_in", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "<svg" in page and reverse("meeting_check_in", args=[meeting.pk]) in page
    row = client.post(url, {"resident": world.zhao.pk, "present": "1"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and f'id="sign-in-{world.zhao.pk}"' in row.content.decode()
    assert "取消签到" in row.content.decode()
    attendance = Attendance.objects.get(meeting=meeting, resident=world.zhao)
    assert attendance.method == "staff" and attendance.recorded_by == world.building_leader
    client.post(url, {"resident": world.zhao.pk, "present": "0"}, HTTP_HX_REQUEST="true")
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_the_sheet_refuses_someone_from_another_building(world, meeting, client):
    client.force_login(world.staff)
    row = client.post(
        reverse("meeting_sign_in", args=[meeting.pk]), {"resident": world.li.pk, "present": "1"}, follow=True
    )
    assert "不在本次会议的参会范围内" in row.content.decode()
    assert not Attendance.objects.exists()


def test_the_qr_code_is_an_svg_of_the_check_in_address(world, meeting, client):
    client.force_login(world.staff)
    response = client.get(reverse("meeting_qr", args=[meeting.pk]))
    assert response["Content-Type"] == "image/svg+xml" and response.content.startswith(b"<svg")


def test_an_invited_resident_signs_in_by_qr(world, meeting, client):
    user = own_sign_in(world.zhao, "zhao-phone")
    client.force_login(user)
    url = reverse("meeting_check_in", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert not Attendance.objects.exists(), "opening the page signs nobody in"
    done = client.post(url, follow=True)
    assert "签到成功" in done.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.resident, attendance.method, attendance.recorded_by) == (world.zhao, "qr", user)
    again = client.post(url, follow=True)
    assert "您已于" in again.content.decode() and Attendance.objects.count() == 1


def test_an_uninvited_resident_of_the_building_may_sign_in(world, meeting, client):
    client.force_login(own_sign_in(world.qian, "qian-phone"))
    client.post(reverse("meeting_check_in", args=[meeting.pk]))
    assert Attendance.objects.get().resident == world.qian


def test_a_resident_of_another_building_is_refused_with_a_message(world, meeting, client):
    client.force_login(world.group_leader)  # 李大爷 lives in building 2 and is not invited
    response = client.post(reverse("meeting_check_in", args=[meeting.pk]))
    body = response.content.decode()
    assert response.status_code == 403 and "您不在本次会议的参会范围内" in body
    assert "一号楼议事会" not in body, "the refusal tells nothing about the meeting"
    assert not Attendance.objects.exists()


def test_at_a_community_meeting_only_invitees_sign_in(world, client):
    whole = services.meeting_create(
        actor=world.staff,
        community=world.community,
        data=services.MeetingData(title="居民区议事会", starts_at=STARTS, level="community"),
    )
    services.invitees_set(actor=world.staff, meeting=whole, resident_ids=[world.li.pk])
    client.force_login(world.group_leader)  # 李大爷, invited
    assert client.post(reverse("meeting_check_in", args=[whole.pk])).status_code == 302
    assert Attendance.objects.get().resident == world.li
    client.force_login(own_sign_in(world.zhou, "zhou-phone"))  # 周阿婆, not invited
    assert client.post(reverse("meeting_check_in", args=[whole.pk])).status_code == 403
    assert Attendance.objects.count() == 1


def test_a_user_without_a_resident_record_or_a_cancelled_meeting_is_refused(world, meeting, client):
    client.force_login(world.resident)  # a household membership, but no resident record linked
    response = client.get(reverse("meeting_check_in", args=[meeting.pk]))
    assert response.status_code == 403 and "没有关联居民信息" in response.content.decode()
    client.force_login(own_sign_in(world.zhao, "zhao-phone"))
    meeting.status = "cancelled"
    meeting.save(update_fields=["status"])
    response = client.post(reverse("meeting_check_in", args=[meeting.pk]))
    assert response.status_code == 403 and "本次会议已取消" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_service_refuses_a_qr_sign_in_for_someone_else(world, meeting):
    from linli.core.errors import DomainError

    own_sign_in(world.zhao, "zhao-phone")
    with pytest.raises(DomainError):
        services.meeting_check_in(
            actor=world.building_leader, meeting=meeting, resident=world.zhao, method="qr"
        )


def test_scanning_without_signing_in_leads_to_the_portal_sign_in_and_back(world, meeting, client):
    url = reverse("meeting_check_in", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal_sign_in")) and "check-in" in response["Location"]


@pytest.mark.parametrize("bad", ["", "abc", "99999999999999999999999", "-3", "0"])
def test_the_sheet_answers_odd_ids_without_a_server_error(world, meeting, client, bad):
    client.force_login(world.staff)
    url = reverse("meeting_sign_in", args=[meeting.pk])
    assert client.post(url, {"resident": bad, "present": "1"}).status_code == 302
    assert client.post(url, {"resident": bad, "present": "1"}, HTTP_HX_REQUEST="true").status_code == 422
    assert not Attendance.objects.exists()
