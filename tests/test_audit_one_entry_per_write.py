"""Every write to a resident leaves exactly one history row naming who made it, whichever way it came
(service, page, API); a write that fails validation leaves none."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.core.errors import DomainError
from linli.registry.models import Resident
from linli.registry.services import ResidentData, resident_create, resident_move_out, resident_update
from tests.factories import make_id_number

BORN = dt.date(1956, 3, 2)
HistoricalResident = Resident.history.model


def data(**overrides) -> ResidentData:
    values = {
        "name": "冯新来",
        "gender": "M",
        "birth_date": BORN,
        "id_number": make_id_number(BORN, "M", seq=77),
    }
    values.update(overrides)
    return ResidentData(**values)


def rows_of(resident) -> list:
    return list(HistoricalResident.objects.filter(id=resident.pk).order_by("history_id"))


def test_services_add_one_row_per_write_with_the_actor(world):
    resident = resident_create(actor=world.building_leader, flat=world.flat_102, data=data())
    assert [(h.history_type, h.history_user) for h in rows_of(resident)] == [("+", world.building_leader)]
    resident_update(actor=world.staff, resident=resident, data=data(phone="13900001234"))
    assert [(h.history_type, h.history_user) for h in rows_of(resident)][1:] == [("~", world.staff)]
    resident_move_out(actor=world.staff, resident=resident, on=dt.date(2025, 6, 1), reason="moved")
    history = rows_of(resident)
    assert len(history) == 3 and (history[-1].history_type, history[-1].history_user) == ("~", world.staff)
    assert history[-1].moved_out == dt.date(2025, 6, 1)


def test_a_failed_validation_adds_no_history(world):
    before = HistoricalResident.objects.count()
    with pytest.raises(DomainError):
        resident_create(actor=world.staff, flat=world.flat_102, data=data(id_number="110105194912310021"))
    with pytest.raises(DomainError):
        resident_update(
            actor=world.staff, resident=world.zhao, data=data(name="", birth_date=world.zhao.birth_date)
        )
    with pytest.raises(DomainError):
        resident_move_out(actor=world.staff, resident=world.zhao, on=dt.date(2100, 1, 1), reason="moved")
    assert HistoricalResident.objects.count() == before


def test_pages_record_the_signed_in_user(client, world):
    client.force_login(world.building_leader)
    before = len(rows_of(world.zhao))
    response = client.post(
        reverse("resident_update", args=[world.zhao.pk]),
        {
            "flat": world.flat_101.pk,
            "name": "赵阿姨",
            "gender": "F",
            "birth_date": "1948-03-02",
            "id_type": "ric",
            "registration_type": "local",
            "relation": "head",
            "notes": "腿脚不便",
        },
    )
    assert response.status_code == 302
    history = rows_of(world.zhao)
    assert len(history) == before + 1 and history[-1].history_user == world.building_leader
    assert history[-1].notes == "腿脚不便"

    response = client.post(reverse("resident_move_out", args=[world.zhao.pk]), {"moved_out": "2100-01-01"})
    assert response.status_code == 200 and len(rows_of(world.zhao)) == before + 1  # refused: nothing new


def test_api_writes_record_the_caller(client, world):
    client.force_login(world.staff)
    response = client.patch(
        f"/api/v1/residents/{world.sun.pk}", {"notes": "独居，女儿每周来"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [(h.history_type, h.history_user) for h in rows_of(world.sun)][-1] == ("~", world.staff)
    before = len(rows_of(world.sun))
    response = client.patch(
        f"/api/v1/residents/{world.sun.pk}", {"phone": "12345"}, content_type="application/json"
    )
    assert response.status_code == 422 and len(rows_of(world.sun)) == before
    response = client.post(
        f"/api/v1/residents/{world.sun.pk}/move-out",
        {"date": "2025-06-01", "reason": "deceased"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert len(rows_of(world.sun)) == before + 1 and rows_of(world.sun)[-1].history_user == world.staff
