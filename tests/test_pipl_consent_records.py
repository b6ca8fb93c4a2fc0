"""Consent records (PIPL arts. 14, 29, 31): recorded and withdrawn by whoever keeps the person's record,
seen read-only by the household, never deleted; a child under 14 consents through a guardian."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from linli.core.errors import DomainError
from linli.registry.models import Consent
from linli.registry.pipl import ConsentData, consent_record, consent_withdraw
from tests.factories import ResidentFactory

API = "/api/v1"
TODAY = dt.date(2025, 6, 1)


def data(**overrides) -> ConsentData:
    values = {"purpose": "contact", "given_on": dt.date(2025, 5, 1)}
    values.update(overrides)
    return ConsentData(**values)


def child_of(world, born=dt.date(2015, 4, 1), household=None, name="赵小宝"):
    return ResidentFactory(
        household=household or world.own_household, name=name, birth_date=born, relation="grandchild"
    )


# ── services ─────────────────────────────────────────────────────────────────────────────────────


def test_staff_records_a_consent_with_who_and_when(world):
    consent = consent_record(actor=world.staff, resident=world.zhao, data=data(), today=TODAY)
    assert (consent.purpose, consent.given_on, consent.recorded_by) == (
        "contact",
        dt.date(2025, 5, 1),
        world.staff,
    )
    assert consent.withdrawn_on is None and consent.community == world.community
    assert consent.history.count() == 1


def test_building_leader_records_only_in_their_buildings(world):
    consent_record(actor=world.building_leader, resident=world.sun, data=data(), today=TODAY)
    with pytest.raises(DomainError):
        consent_record(actor=world.building_leader, resident=world.li, data=data(), today=TODAY)
    for actor in (world.group_leader, world.volunteer, world.resident, world.outsider):
        with pytest.raises(DomainError):
            consent_record(actor=actor, resident=world.zhao, data=data(), today=TODAY)
    assert Consent.objects.count() == 1


def test_consent_needs_a_purpose_and_a_date_not_in_the_future(world):
    with pytest.raises(DomainError) as error:
        consent_record(
            actor=world.staff,
            resident=world.zhao,
            data=data(purpose="", given_on=dt.date(2025, 7, 1)),
            today=TODAY,
        )
    assert set(error.value.errors) == {"purpose", "given_on"}
    with pytest.raises(DomainError) as error:
        consent_record(actor=world.staff, resident=world.zhao, data=data(purpose="other"), today=TODAY)
    assert "purpose_detail" in error.value.errors
    assert not Consent.objects.exists()


def test_child_under_14_needs_a_guardian(world):
    child = child_of(world)
    with pytest.raises(DomainError) as error:
        consent_record(actor=world.staff, resident=child, data=data(), today=TODAY)
    assert "未满14周岁的居民须由监护人同意" in error.value.errors["guardian"][0]
    assert not Consent.objects.exists()
    by_link = consent_record(
        actor=world.staff, resident=child, data=data(guardian_id=world.qian.pk), today=TODAY
    )
    assert by_link.guardian == world.qian
    by_name = consent_record(
        actor=world.staff,
        resident=child,
        data=data(guardian_name="赵妈妈", guardian_relation="母亲"),
        today=TODAY,
    )
    assert (by_name.guardian_name, by_name.guardian_relation) == ("赵妈妈", "母亲")


def test_a_name_without_a_relation_is_not_a_guardian(world):
    child = child_of(world)
    with pytest.raises(DomainError) as error:
        consent_record(actor=world.staff, resident=child, data=data(guardian_name="赵妈妈"), today=TODAY)
    assert "guardian_relation" in error.value.errors


def test_the_age_counts_on_the_day_consent_was_given(world):
    # 14 on 2025-04-01: a consent given the day before needs a guardian, one given that day does not.
    teen = child_of(world, born=dt.date(2011, 4, 1))
    with pytest.raises(DomainError):
        consent_record(
            actor=world.staff, resident=teen, data=data(given_on=dt.date(2025, 3, 31)), today=TODAY
        )
    consent_record(actor=world.staff, resident=teen, data=data(given_on=dt.date(2025, 4, 1)), today=TODAY)


def test_the_guardian_is_an_adult_of_this_community_other_than_the_child(world):
    child = child_of(world)
    sibling = child_of(world, born=dt.date(2009, 1, 1), name="赵小姐")  # 16: not an adult
    for guardian in (sibling, world.wu, child):
        with pytest.raises(DomainError) as error:
            consent_record(actor=world.staff, resident=child, data=data(guardian_id=guardian.pk), today=TODAY)
        assert "guardian" in error.value.errors
    # a building leader cannot name a guardian outside their buildings (they cannot see them)
    with pytest.raises(DomainError):
        consent_record(
            actor=world.building_leader, resident=child, data=data(guardian_id=world.zhou.pk), today=TODAY
        )


def test_withdrawal_keeps_the_record_and_is_never_before_consent(world):
    consent = consent_record(actor=world.staff, resident=world.zhao, data=data(), today=TODAY)
    with pytest.raises(DomainError) as error:
        consent_withdraw(actor=world.staff, consent=consent, on=dt.date(2025, 4, 30), today=TODAY)
    assert "withdrawn_on" in error.value.errors
    with pytest.raises(DomainError):
        consent_withdraw(actor=world.staff, consent=consent, on=dt.date(2025, 6, 2), today=TODAY)
    with pytest.raises(DomainError):
        consent_withdraw(actor=world.resident, consent=consent, on=TODAY, today=TODAY)
    consent_withdraw(actor=world.building_leader, consent=consent, on=dt.date(2025, 5, 20), today=TODAY)
    consent.refresh_from_db()
    assert consent.withdrawn_on == dt.date(2025, 5, 20)
    with pytest.raises(DomainError):  # once withdrawn, stays withdrawn on that day
        consent_withdraw(actor=world.staff, consent=consent, on=TODAY, today=TODAY)
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_the_database_refuses_a_withdrawal_before_consent(world):
    consent = consent_record(actor=world.staff, resident=world.zhao, data=data(), today=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(withdrawn_on=dt.date(2025, 1, 1))


# ── pages ────────────────────────────────────────────────────────────────────────────────────────


def page(client, user, resident):
    client.force_login(user)
    return client.get(reverse("resident_detail", args=[resident.pk])).content.decode()


def test_resident_page_lists_consents_with_buttons_for_who_may_act(world, client):
    consent = consent_record(
        actor=world.staff, resident=world.zhao, data=data(purpose_detail="加梯通知"), today=TODAY
    )
    add, withdraw = (
        reverse("consent_create", args=[world.zhao.pk]),
        reverse("consent_withdraw", args=[consent.pk]),
    )
    for user in (world.staff, world.building_leader):
        body = page(client, user, world.zhao)
        assert "同意记录" in body and "加梯通知" in body and add in body and withdraw in body
    body = page(client, world.resident, world.zhao)  # the household: read-only
    assert "加梯通知" in body and add not in body and withdraw not in body


def test_group_leader_sees_no_consents(world, client):
    consent_record(actor=world.staff, resident=world.li, data=data(purpose_detail="暖心走访"), today=TODAY)
    assert "暖心走访" not in page(client, world.group_leader, world.li)
    assert "暖心走访" in page(client, world.staff, world.li)


def test_consent_form_records_and_shows_errors_in_chinese(world, client):
    client.force_login(world.building_leader)
    url = reverse("consent_create", args=[world.zhao.pk])
    child = child_of(world)
    response = client.post(
        reverse("consent_create", args=[child.pk]), {"purpose": "photo", "given_on": "2025-05-01"}
    )
    assert response.status_code == 200 and "未满14周岁的居民须由监护人同意" in response.content.decode()
    assert not Consent.objects.exists()
    assert world.qian.name in client.get(reverse("consent_create", args=[child.pk])).content.decode()
    response = client.post(url, {"purpose": "care", "given_on": "2025-05-01", "note": "口头同意"})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.resident, consent.purpose, consent.recorded_by) == (
        world.zhao,
        "care",
        world.building_leader,
    )


def test_consent_pages_refuse_who_may_not_act(world, client):
    consent = consent_record(actor=world.staff, resident=world.zhao, data=data(), today=TODAY)
    client.force_login(world.resident)
    assert client.get(reverse("consent_create", args=[world.zhao.pk])).status_code == 403
    assert (
        client.post(
            reverse("consent_withdraw", args=[consent.pk]), {"withdrawn_on": "2025-05-02"}
        ).status_code
        == 403
    )
    client.force_login(world.outsider)
    assert client.get(reverse("consent_withdraw", args=[consent.pk])).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_withdraw_page_records_the_date(world, client):
    consent = consent_record(actor=world.staff, resident=world.zhao, data=data(), today=TODAY)
    client.force_login(world.staff)
    response = client.post(reverse("consent_withdraw", args=[consent.pk]), {"withdrawn_on": "2025-05-02"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == dt.date(2025, 5, 2)
    assert "已于2025年5月2日撤回" in page(client, world.resident, world.zhao)


# ── API ──────────────────────────────────────────────────────────────────────────────────────────


def post(client, user, url, body):
    client.force_login(user)
    return client.post(API + url, body, content_type="application/json")


def test_api_records_lists_and_withdraws(world, client):
    response = post(
        client,
        world.staff,
        f"/residents/{world.zhao.pk}/consents",
        {"purpose": "registry", "given_on": "2025-05-01"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (
        created["is_active"]
        and created["recorded_by"] == "staff"
        and created["purpose_label"] == "居民信息登记"
    )
    client.force_login(world.resident)
    listed = client.get(f"{API}/residents/{world.zhao.pk}/consents").json()
    assert [c["id"] for c in listed] == [created["id"]]
    response = post(client, world.resident, f"/consents/{created['id']}/withdraw", {"date": "2025-05-02"})
    assert response.status_code == 403
    response = post(
        client, world.building_leader, f"/consents/{created['id']}/withdraw", {"date": "2025-05-02"}
    )
    assert response.status_code == 200 and response.json()["withdrawn_on"] == "2025-05-02"
    assert not response.json()["is_active"]


def test_api_child_without_guardian_is_a_422_on_the_guardian(world, client):
    child = child_of(world)
    response = post(
        client, world.staff, f"/residents/{child.pk}/consents", {"purpose": "photo", "given_on": "2025-05-01"}
    )
    assert response.status_code == 422
    assert "未满14周岁的居民须由监护人同意" in response.json()["errors"]["guardian_id"][0]
    response = post(
        client,
        world.staff,
        f"/residents/{child.pk}/consents",
        {
            "purpose": "photo",
            "given_on": "2025-05-01",
            "guardian_id": world.qian.pk,
            "guardian_relation": "父亲",
        },
    )
    assert response.status_code == 201 and response.json()["guardian"] == "钱先生"


def test_api_consents_are_scoped(world, client):
    consent_record(actor=world.staff, resident=world.li, data=data(), today=TODAY)
    client.force_login(world.group_leader)
    assert client.get(f"{API}/residents/{world.li.pk}/consents").json() == []
    client.force_login(world.building_leader)
    assert client.get(f"{API}/residents/{world.li.pk}/consents").status_code == 404
    response = post(
        client,
        world.group_leader,
        f"/residents/{world.li.pk}/consents",
        {"purpose": "care", "given_on": "2025-05-01"},
    )
    assert response.status_code == 403


def test_a_guardian_outside_the_viewers_scope_is_not_named(world, client):
    # 周阿婆 (building 2) is the registered guardian of a child in building 1: the building-1 leader
    # sees the consent, not who she is.
    child = child_of(world, household=world.sun.household, name="孙小宝")
    consent_record(actor=world.staff, resident=child, data=data(guardian_id=world.zhou.pk), today=TODAY)
    client.force_login(world.building_leader)
    listed = client.get(f"{API}/residents/{child.pk}/consents").json()
    assert listed[0]["guardian"] == "—"
    assert "周阿婆" not in page(client, world.building_leader, child)
    assert "周阿婆" in page(client, world.staff, child)
