"""A resident's tags are part of their change history: each entry keeps the tags as they were, and the
history tab shows a change of tags as old → new — whether it came from the form, the API or a ledger
import — while a write stays one entry. Anonymisation removes the tags from the history too."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from linli.registry.history import history_copy
from linli.registry.models import Resident, Tag
from linli.registry.pipl import resident_anonymise
from linli.registry.services import ResidentData, resident_create, resident_move_out, resident_update
from tests.factories import make_id_number
from tests.ledger_files import HEADERS, person
from tests.test_ledger_import_all_or_nothing import current, ledger  # noqa: F401 (the fixture)

HistoricalResident = Resident.history.model
BORN = dt.date(1956, 3, 2)


@pytest.fixture
def tags(world):
    return {name: Tag.objects.get_or_create(name=name)[0] for name in ("独居", "高龄", "行动不便")}


def entries(resident) -> list:
    return list(HistoricalResident.objects.filter(id=resident.pk).order_by("history_id"))


def tags_of(entry) -> list[str]:
    return sorted(link.tag.name for link in entry.tags.select_related("tag"))


def history_page(client, actor, resident) -> str:
    client.force_login(actor)
    response = client.get(reverse("resident_history", args=[resident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def form_post(resident, world, tag_ids: list[int]) -> dict:
    return {
        "flat": resident.household.flat_id,
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat(),
        "id_type": resident.id_type,
        "id_number": resident.id_number,
        "phone": resident.phone,
        "registration_type": resident.registration_type,
        "relation": resident.relation,
        "tags": tag_ids,
    }


def test_a_created_resident_has_one_entry_with_their_tags(world, tags):
    data = ResidentData(
        name="冯新来",
        gender="M",
        birth_date=BORN,
        id_number=make_id_number(BORN, "M", seq=61),
        tag_ids=[tags["独居"].pk, tags["高龄"].pk],
    )
    resident = resident_create(actor=world.staff, flat=world.flat_102, data=data)
    (entry,) = entries(resident)
    assert (entry.history_type, entry.history_user) == ("+", world.staff)
    assert tags_of(entry) == ["独居", "高龄"]


def test_the_form_records_a_change_of_tags_in_one_entry_shown_old_to_new(client, world, tags):
    zhao = world.zhao
    resident_update(
        actor=world.staff,
        resident=zhao,
        data=ResidentData(
            name=zhao.name, gender=zhao.gender, birth_date=zhao.birth_date, id_number=zhao.id_number,
            phone=zhao.phone, tag_ids=[tags["独居"].pk],
        ),
    )  # fmt: skip
    before = len(entries(zhao))
    client.force_login(world.building_leader)
    response = client.post(
        reverse("resident_update", args=[zhao.pk]),
        form_post(zhao, world, [tags["独居"].pk, tags["高龄"].pk]),
    )
    assert response.status_code == 302
    history = entries(zhao)
    assert len(history) == before + 1
    assert (history[-1].history_type, history[-1].history_user) == ("~", world.building_leader)
    assert tags_of(history[-1]) == ["独居", "高龄"] and tags_of(history[-2]) == ["独居"]
    body = history_page(client, world.staff, zhao)
    assert "标签：从“独居”改为“独居、高龄”" in body
    detail = client.get(reverse("resident_detail", args=[zhao.pk])).content.decode()
    assert "修改了标签" in detail  # the page's short list of changes


def test_removing_every_tag_reads_as_empty(client, world, tags):
    resident_update(
        actor=world.staff,
        resident=world.sun,
        data=ResidentData(name="孙奶奶", gender=world.sun.gender, birth_date=world.sun.birth_date),
    )
    assert not world.sun.tags.exists()
    assert tags_of(entries(world.sun)[-1]) == []
    assert "标签：从“独居”改为“（空）”" in history_page(client, world.staff, world.sun)


def test_an_entry_that_changes_no_tags_says_nothing_of_them(client, world, tags):
    sun = world.sun
    resident_update(
        actor=world.staff,
        resident=sun,
        data=ResidentData(
            name="孙奶奶",
            gender=sun.gender,
            birth_date=sun.birth_date,
            tag_ids=[tags["独居"].pk],
            notes="新备注",
        ),
    )
    body = history_page(client, world.staff, sun)
    assert "备注：从“（空）”改为“新备注”" in body
    assert "标签：从“独居”改为“独居”" not in body


def test_the_api_records_a_change_of_tags_in_one_entry(client, world, tags):
    client.force_login(world.staff)
    before = len(entries(world.sun))
    response = client.patch(
        f"/api/v1/residents/{world.sun.pk}",
        {"tag_ids": [tags["行动不便"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 200
    history = entries(world.sun)
    assert len(history) == before + 1 and history[-1].history_user == world.staff
    assert tags_of(history[-1]) == ["行动不便"]
    assert "标签：从“独居”改为“行动不便”" in history_page(client, world.staff, world.sun)


def test_a_move_out_keeps_the_tags_in_its_entry(world, tags):
    resident_move_out(actor=world.staff, resident=world.sun, on=dt.date(2025, 6, 1), reason="moved")
    assert tags_of(entries(world.sun)[-1]) == ["独居"]


def test_a_ledger_import_records_the_tags_of_new_and_changed_residents(client, world, tags, ledger):  # noqa: F811
    headers = [*HEADERS, "标签"]
    ledger.run([person(标签="独居")], headers=headers)
    feng = current("冯新来")
    (created,) = entries(feng)
    assert (created.history_type, created.history_user) == ("+", world.staff)
    assert tags_of(created) == ["独居"]

    job = ledger.upload([person(标签="独居、高龄")], headers=headers)
    ((_row, _name, _place, changes),) = job.report["changes"]
    assert ["标签", "独居", "独居、高龄"] in changes  # the preview shows it
    ledger.confirm(job)
    history = entries(feng)
    assert len(history) == 2 and (history[-1].history_type, history[-1].history_user) == ("~", world.staff)
    assert tags_of(history[-1]) == ["独居", "高龄"]
    assert "标签：从“独居”改为“独居、高龄”" in history_page(client, world.staff, feng)


def test_the_import_s_history_rows_are_the_resident_s_rows_with_the_same_ciphertext(world, tags):
    zhao = Resident.objects.get(pk=world.zhao.pk)
    zhao.tags.set([tags["高龄"]])  # (an entry of its own: not a service)
    history_copy(Resident, pks=[zhao.pk], history_type="~", user=world.staff)
    entry = entries(zhao)[-1]
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == ("~", world.staff, None)
    for field in HistoricalResident.tracked_fields:
        assert getattr(entry, field.attname) == getattr(zhao, field.attname), field.name
    assert tags_of(entry) == ["高龄"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_resident WHERE id = %s", [zhao.pk])
        stored = cursor.fetchone()
        cursor.execute(
            "SELECT id_number, phone FROM registry_historicalresident WHERE history_id = %s",
            [entry.history_id],
        )
        assert cursor.fetchone() == stored  # the ciphertext itself, not encrypted a second time
    assert zhao.id_number not in stored[0]


def test_anonymisation_removes_the_tags_from_the_history(world, tags):
    sun = world.sun
    resident_move_out(actor=world.staff, resident=sun, on=dt.date(2025, 6, 1), reason="moved")
    before = len(entries(sun))
    resident_anonymise(actor=world.staff, resident=sun)
    history = entries(sun)
    assert len(history) == before + 1  # the anonymisation: one entry, tags and all
    assert not HistoricalResident.tags.model.objects.filter(resident_id=sun.pk).exists()
    assert all(tags_of(entry) == [] for entry in history)
