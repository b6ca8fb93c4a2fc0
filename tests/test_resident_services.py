"""The registry's write rules, without a browser: validation, one flat at a time, move-out, history."""

import datetime as dt

import pytest
from django.db import connection

from linli.core.errors import DomainError
from linli.registry.models import Household, Resident
from linli.registry.services import ResidentData, resident_create, resident_move_out, resident_update
from tests.factories import make_id_number

BIRTH = dt.date(1956, 3, 2)


def data(**overrides) -> ResidentData:
    values = {
        "name": "冯新来",
        "gender": "M",
        "birth_date": BIRTH,
        "id_number": make_id_number(BIRTH, "M", seq=77),
        "phone": "139 0000 1234",
    }
    values.update(overrides)
    return ResidentData(**values)


def test_create_encrypts_id_and_phone_and_indexes_pinyin(world):
    resident = resident_create(actor=world.staff, flat=world.flat_102, data=data())
    resident.refresh_from_db()
    assert resident.phone == "13900001234"
    assert (resident.name_pinyin, resident.name_initials) == ("fengxinlai", "fxl")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_resident WHERE id = %s", [resident.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert resident.id_number not in raw_id and "13900001234" not in raw_phone


def test_create_joins_the_flats_household(world):
    resident = resident_create(actor=world.staff, flat=world.flat_102, data=data())
    assert resident.household == world.sun.household


def test_create_opens_a_household_in_an_empty_flat(world):
    from tests.factories import FlatFactory

    empty = FlatFactory(entrance=world.entrance_1, floor=3, number="301")
    resident = resident_create(actor=world.staff, flat=empty, data=data(), tenure="tenant")
    assert resident.household.flat == empty and resident.household.tenure == "tenant"


def test_all_problems_are_reported_at_once_and_nothing_is_saved(world):
    before = Resident.objects.count()
    with pytest.raises(DomainError) as caught:
        resident_create(
            actor=world.staff,
            flat=world.flat_102,
            data=data(name="", phone="12345", id_number="110105194912310021"),
        )
    assert set(caught.value.errors) == {"name", "phone", "id_number"}
    assert Resident.objects.count() == before


def test_id_must_agree_with_birth_date(world):
    with pytest.raises(DomainError) as caught:
        resident_create(actor=world.staff, flat=world.flat_102, data=data(birth_date=dt.date(1956, 3, 3)))
    assert "出生日期" in caught.value.errors["id_number"][0]


def test_no_person_in_two_flats_at_once_even_across_communities(world):
    resident_create(actor=world.staff, flat=world.flat_102, data=data())
    with pytest.raises(DomainError) as caught:
        resident_create(actor=world.outsider, flat=world.wu.household.flat, data=data(name="冯新来"))
    assert "同时住在两处" in caught.value.errors["id_number"][0]
    assert "其他居民区" in caught.value.errors["id_number"][0]  # the other community's flat is not named


def test_moved_out_person_may_be_registered_again(world):
    first = resident_create(actor=world.staff, flat=world.flat_102, data=data())
    resident_move_out(actor=world.staff, resident=first, on=dt.date(2026, 1, 5), reason="moved")
    again = resident_create(actor=world.outsider, flat=world.wu.household.flat, data=data())
    assert again.pk != first.pk


def test_building_leader_cannot_register_outside_their_buildings(world):
    with pytest.raises(DomainError):
        resident_create(actor=world.building_leader, flat=world.flat_201, data=data())
    assert not Resident.objects.filter(name="冯新来").exists()


def test_resident_and_volunteer_cannot_register_anyone(world):
    for actor in (world.resident, world.volunteer, world.group_leader, world.street_officer):
        with pytest.raises(DomainError):
            resident_create(actor=actor, flat=world.flat_101, data=data())


def test_move_out_closes_an_empty_household_and_keeps_the_record(world):
    resident_move_out(actor=world.staff, resident=world.sun, on=dt.date(2026, 6, 1), reason="deceased")
    world.sun.refresh_from_db()
    assert world.sun.moved_out == dt.date(2026, 6, 1)
    assert not Household.objects.get(pk=world.sun.household_id).is_active


def test_move_out_twice_or_in_the_future_is_refused(world):
    with pytest.raises(DomainError) as caught:
        resident_move_out(
            actor=world.staff, resident=world.sun, on=dt.date.today() + dt.timedelta(days=2), reason="moved"
        )
    assert "迁出日期" in caught.value.errors["moved_out"][0]
    resident_move_out(actor=world.staff, resident=world.sun, on=dt.date(2026, 6, 1), reason="moved")
    with pytest.raises(DomainError, match="已于"):
        resident_move_out(actor=world.staff, resident=world.sun, on=dt.date(2026, 6, 2), reason="moved")


def test_update_moves_within_the_community_and_records_history(world):
    resident = resident_create(actor=world.staff, flat=world.flat_102, data=data())
    resident_update(actor=world.staff, resident=resident, data=data(phone="13900005678"), flat=world.flat_201)
    resident.refresh_from_db()
    assert resident.household.flat == world.flat_201
    history = list(resident.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert all(h.history_user == world.staff for h in history)
    delta = history[-1].diff_against(history[0])
    assert {"household", "phone"} <= set(delta.changed_fields)


def test_update_cannot_move_to_another_community(world):
    resident = resident_create(actor=world.staff, flat=world.flat_102, data=data())
    with pytest.raises(DomainError):
        resident_update(actor=world.staff, resident=resident, data=data(), flat=world.wu.household.flat)


def test_party_dates_must_make_sense(world):
    with pytest.raises(DomainError) as caught:
        resident_create(
            actor=world.staff,
            flat=world.flat_102,
            data=data(party_joined=dt.date(1970, 1, 1), party_full_member=dt.date(1969, 1, 1)),
        )
    assert set(caught.value.errors) == {"party_joined", "party_full_member"}
