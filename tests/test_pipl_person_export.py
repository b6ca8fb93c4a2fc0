"""A copy of one person's data (PIPL art. 45): a UTF-8 JSON file with everything Linli holds about them,
ID number and phone in clear, produced only by staff of the community with a reason, and logged."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from linli.core.errors import DomainError
from linli.core.models import AccessAction, AccessLog
from linli.registry.models import Owner, Ownership, PartyBranch, Tag
from linli.registry.pipl import ConsentData, consent_record, person_data_export

API = "/api/v1"


@pytest.fixture
def rich_zhao(world):
    """赵阿姨 with a branch, a tag, a consent, a change in her history and a share of her flat."""
    zhao = world.zhao
    zhao.party_joined = dt.date(1975, 3, 2)
    zhao.party_branch = PartyBranch.objects.create(community=world.community, name="第一党支部")
    zhao.phone = "13812345678"
    zhao._history_user = world.staff
    zhao.save()
    zhao.tags.add(Tag.objects.get_or_create(name="高龄")[0])
    consent_record(
        actor=world.staff,
        resident=zhao,
        data=ConsentData(purpose="care", given_on=dt.date(2025, 5, 1), purpose_detail="上门测血压"),
        today=dt.date(2025, 6, 1),
    )
    owner = Owner.objects.create(community=world.community, name="赵阿姨", resident=zhao, phone="13812345678")
    Ownership.objects.create(
        community=world.community, owner=owner, flat=world.flat_101, share_numerator=1, share_denominator=2
    )
    return zhao


def download(client, user, resident, reason="本人申请查阅"):
    client.force_login(user)
    return client.post(reverse("person_export", args=[resident.pk]), {"reason": reason})


def test_staff_downloads_everything_about_the_person(world, client, rich_zhao):
    response = download(client, world.staff, rich_zhao)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="linli-person-{rich_zhao.pk}.json"'
    assert "no-store" in response["Cache-Control"]
    raw = response.content
    assert "赵阿姨".encode() in raw  # UTF-8 as written, not \u-escaped
    data = json.loads(raw.decode("utf-8"))
    person = data["resident"]
    assert person["name"] == "赵阿姨" and person["id_number"] == rich_zhao.id_number
    assert person["phone"] == "13812345678" and person["birth_date"] == "1948-03-02"
    assert (
        data["household"]["address"] == str(world.flat_101)
        and data["household"]["id"] == world.own_household.pk
    )
    assert data["party_membership"] == {"joined": "1975-03-02", "full_member": None, "branch": "第一党支部"}
    assert data["tags"] == ["高龄"]
    assert [c["purpose_detail"] for c in data["consents"]] == ["上门测血压"]
    assert data["ownerships"][0]["flats"] == [{"address": str(world.flat_101), "share": "1/2"}]
    kinds = [entry["type"] for entry in data["history"]]
    assert kinds[0] == "created" and "changed" in kinds
    change = next(e for e in data["history"] if e["type"] == "changed" and "party_joined" in e["changes"])
    assert change["changes"]["party_joined"] == {"old": None, "new": "1975-03-02"} and change["by"] == "staff"
    assert data["access_log"][-1]["action"] == "person_export"  # the export itself is on record


def test_export_is_logged_with_who_and_why(world, client, rich_zhao):
    download(client, world.staff, rich_zhao, reason="本人申请查阅")
    entry = AccessLog.objects.get(action=AccessAction.PERSON_EXPORT)
    assert (entry.user, entry.reason, entry.object_id, entry.community) == (
        world.staff,
        "本人申请查阅",
        rich_zhao.pk,
        world.community,
    )
    assert entry.object_type == "registry.resident"
    assert rich_zhao.id_number not in json.dumps(entry.detail) and "13812345678" not in entry.reason


def test_no_reason_no_export(world, client, rich_zhao):
    response = download(client, world.staff, rich_zhao, reason="  ")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert rich_zhao.id_number not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.PERSON_EXPORT).exists()
    with pytest.raises(DomainError):
        person_data_export(actor=world.staff, resident=rich_zhao, reason="")


@pytest.mark.parametrize(
    ("role", "status"),
    [("building_leader", 403), ("resident", 403), ("outsider", 404), ("group_leader", 404)],
)
def test_only_staff_may_export(world, client, rich_zhao, role, status):
    assert download(client, getattr(world, role), rich_zhao).status_code == status
    client.force_login(getattr(world, role))
    assert client.get(f"{API}/residents/{rich_zhao.pk}/export", {"reason": "查阅"}).status_code == status
    assert not AccessLog.objects.filter(action=AccessAction.PERSON_EXPORT).exists()
    with pytest.raises(DomainError):
        person_data_export(actor=getattr(world, role), resident=rich_zhao, reason="查阅")


def test_the_button_is_on_the_resident_page_for_staff_only(world, client, rich_zhao):
    url = reverse("person_export", args=[rich_zhao.pk])
    client.force_login(world.staff)
    assert url in client.get(reverse("resident_detail", args=[rich_zhao.pk])).content.decode()
    client.force_login(world.building_leader)
    assert url not in client.get(reverse("resident_detail", args=[rich_zhao.pk])).content.decode()


def test_api_export(world, client, rich_zhao):
    client.force_login(world.staff)
    response = client.get(f"{API}/residents/{rich_zhao.pk}/export", {"reason": "本人申请复制"})
    assert response.status_code == 200
    assert json.loads(response.content)["resident"]["id_number"] == rich_zhao.id_number
    assert AccessLog.objects.get(action=AccessAction.PERSON_EXPORT).reason == "本人申请复制"
    response = client.get(f"{API}/residents/{rich_zhao.pk}/export")
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    assert rich_zhao.id_number not in response.content.decode()
