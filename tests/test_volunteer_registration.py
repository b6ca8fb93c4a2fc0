"""Registering volunteers: a resident picked from the registry, or (staff only) someone from outside with a
name and a phone that is stored encrypted and shown masked; a child needs a guardian's consent on record
and is refused with a clear message without one; leaving cancels later duties. The page and the API
answer bad input in Chinese and save nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from linli.core.errors import DomainError
from linli.organizing.models import Duty, Volunteer
from linli.organizing.services_volunteers import VolunteerData, volunteer_leave, volunteer_register
from linli.registry.models import Resident
from tests.test_volunteer_world import build_vworld

TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def vworld(world):
    return build_vworld(world)


def register(vworld, actor=None, **fields):
    fields.setdefault("registered_on", TODAY)
    return volunteer_register(
        actor=actor or vworld.world.staff,
        community=vworld.world.community,
        data=VolunteerData(**fields),
        today=TODAY,
    )


def test_staff_register_a_resident_without_copying_their_name(vworld):
    volunteer = register(vworld, resident_id=vworld.world.sun.pk, availability=["sat_morning", "sun_morning"])
    assert volunteer.resident_id == vworld.world.sun.pk
    assert volunteer.name == "" and volunteer.display_name == "孙奶奶"
    assert volunteer.availability == (1 << 15) | (1 << 18)


def test_a_resident_is_registered_once(vworld):
    with pytest.raises(DomainError) as caught:
        register(vworld, resident_id=vworld.feng.pk)
    assert caught.value.errors["resident"] == ["这位居民已经登记为志愿者。"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(community=vworld.world.community, resident=vworld.feng, registered_on=TODAY)


def test_an_outsider_phone_is_encrypted_and_masked(vworld, client):
    volunteer = register(vworld, name="黄来帮", phone="139 1234 5678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM organizing_volunteer WHERE id = %s", [volunteer.pk])
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored
    client.force_login(vworld.world.staff)
    body = client.get(f"/volunteers/{volunteer.pk}/").content.decode()
    assert "139****5678" in body and "13912345678" not in body
    api = client.get(f"/api/v1/volunteers/{volunteer.pk}").json()
    assert api["phone"] == "139****5678"


def test_an_outsider_needs_a_name_and_a_valid_phone(vworld):
    with pytest.raises(DomainError) as caught:
        register(vworld, name="", phone="12345")
    assert "name" in caught.value.errors and "手机号码无效" in caught.value.errors["phone"][0]


def test_a_minor_without_a_guardians_consent_is_refused(vworld):
    with pytest.raises(DomainError) as caught:
        register(vworld, resident_id=vworld.child.pk)
    message = caught.value.errors["guardian_consent"][0]
    assert "未满18周岁" in message and "监护人的同意记录" in message
    assert not Volunteer.objects.filter(resident=vworld.child).exists()


def test_a_registry_consent_or_a_withdrawn_one_is_not_enough(vworld):
    vworld.guardian_consent(vworld.child, purpose="registry")
    vworld.guardian_consent(vworld.child, withdrawn_on=dt.date(2025, 2, 1))
    with pytest.raises(DomainError):
        register(vworld, resident_id=vworld.child.pk)


def test_a_minor_with_a_guardians_consent_is_registered_as_a_little_teacher(vworld):
    consent = vworld.guardian_consent(vworld.child)
    volunteer = register(vworld, resident_id=vworld.child.pk)
    assert volunteer.is_minor and volunteer.guardian_consent_id == consent.pk


def test_the_database_refuses_a_minor_without_consent(vworld):
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(
            community=vworld.world.community, resident=vworld.child, is_minor=True, registered_on=TODAY
        )


def test_an_outside_minor_and_a_small_child_are_refused(vworld):
    with pytest.raises(DomainError) as caught:
        register(vworld, name="小陆", phone="13912345670", is_minor=True)
    assert "未成年人" in caught.value.errors["is_minor"][0]
    toddler = Resident.objects.create(
        community=vworld.world.community,
        household=vworld.feng.household,
        name="陈小妹",
        gender="F",
        birth_date=TODAY.replace(year=TODAY.year - 3),
    )
    with pytest.raises(DomainError) as caught:
        register(vworld, resident_id=toddler.pk)
    assert "未满6周岁" in caught.value.errors["resident"][0]


def test_a_moved_out_resident_is_refused(vworld):
    Resident.objects.filter(pk=vworld.world.sun.pk).update(moved_out=dt.date(2025, 1, 1))
    with pytest.raises(DomainError) as caught:
        register(vworld, resident_id=vworld.world.sun.pk)
    assert "已迁出" in caught.value.errors["resident"][0]


def test_a_group_leader_registers_their_members_only(vworld):
    leader = vworld.world.group_leader
    Volunteer.objects.filter(pk=vworld.v_feng.pk).update(left_on=dt.date(2025, 1, 1))
    again = register(vworld, actor=leader, resident_id=vworld.feng.pk)
    assert again.resident_id == vworld.feng.pk
    with pytest.raises(DomainError) as caught:
        register(vworld, actor=leader, resident_id=vworld.world.sun.pk)  # not a member: not even visible
    assert "resident" in caught.value.errors
    with pytest.raises(DomainError) as caught:
        register(vworld, actor=leader, name="黄来帮", phone="13912345678")
    assert "居委干部" in caught.value.errors["resident"][0]


def test_leaving_keeps_records_and_cancels_later_duties(vworld):
    now = timezone.now()
    vworld.record(vworld.v_feng, dt.date(2025, 1, 5), "2")
    later = vworld.duty(vworld.v_feng, in_days=5)
    cancelled = volunteer_leave(
        actor=vworld.world.staff, volunteer=vworld.v_feng, on=timezone.localdate(now), now=now
    )
    assert cancelled == 1 and not Duty.objects.filter(pk=later.pk).exists()
    vworld.v_feng.refresh_from_db()
    assert vworld.v_feng.left_on == timezone.localdate(now)
    assert vworld.v_feng.service_records.count() == 1
    with pytest.raises(DomainError) as caught:
        volunteer_leave(actor=vworld.world.staff, volunteer=vworld.v_feng, on=timezone.localdate(now))
    assert "已于" in caught.value.message


def test_the_registration_page_finds_residents_and_shows_errors_in_chinese(vworld, client):
    client.force_login(vworld.world.staff)
    url = f"/c/{vworld.world.community.pk}/volunteers/new/"
    page = client.get(url, {"q": "chen"}).content.decode()
    assert "陈小弟" in page
    response = client.post(url, {"q": "chen", "resident": vworld.child.pk, "registered_on": "2025-06-01"})
    body = response.content.decode()
    assert response.status_code == 200 and "监护人的同意记录" in body
    assert not Volunteer.objects.filter(resident=vworld.child).exists()
    vworld.guardian_consent(vworld.child)
    response = client.post(url, {"q": "chen", "resident": vworld.child.pk, "registered_on": "2025-06-01"})
    assert response.status_code == 302
    assert Volunteer.objects.get(resident=vworld.child).is_minor


def test_the_api_registers_and_answers_422_in_chinese(vworld, client):
    client.force_login(vworld.world.staff)
    url = f"/api/v1/communities/{vworld.world.community.pk}/volunteers"
    response = client.post(
        url, {"registered_on": "2025-06-01", "resident_id": vworld.child.pk}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "监护人的同意记录" in response.json()["errors"]["guardian_consent"][0]
    response = client.post(
        url,
        {
            "registered_on": "2025-06-01",
            "name": "黄来帮",
            "phone": "13912345678",
            "availability": ["mon_evening"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (
        data["name"] == "黄来帮"
        and data["phone"] == "139****5678"
        and data["availability"] == ["mon_evening"]
    )
    response = client.post(
        url, {"registered_on": "2025-06-01", "availability": ["someday"]}, content_type="application/json"
    )
    assert response.status_code == 422 and "availability" in response.json()["errors"]
