"""Registering, correcting and moving out residents through the pages: every mistake is shown in
Chinese next to its field and nothing is saved; ID numbers and phones never reach the HTML in clear."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from linli.core.identity import mask_id_number, mask_phone
from linli.registry.models import Household, Resident, Tag
from tests.factories import FlatFactory, make_id_number

BORN = dt.date(1950, 5, 17)


def form_data(flat, **overrides) -> dict:
    data = {
        "flat": flat.pk,
        "tenure": "owner",
        "name": "王阿姨",
        "gender": "F",
        "birth_date": BORN.isoformat(),
        "id_type": "ric",
        "id_number": make_id_number(BORN, "F", seq=41),
        "phone": "13912345678",
        "registration_type": "local",
        "relation": "head",
        "moved_in": "",
        "party_joined": "",
        "party_full_member": "",
        "party_branch": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def create(client, user, community, data):
    client.force_login(user)
    return client.post(reverse("resident_create", args=[community.pk]), data)


def field_errors(response, field) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": make_id_number(BORN, "F", seq=41)[:-1] + "0"}, "id_number", "校验位不正确"),
        ({"phone": "12345678901"}, "phone", "手机号码"),
        ({"birth_date": "1951-05-17"}, "id_number", "与填写的出生日期"),
        ({"gender": "M"}, "id_number", "性别不一致"),
        ({"id_number": "110105491231002"}, "id_number", "15位"),
        ({"name": ""}, "name", "必填"),
        ({"birth_date": "2100-01-01", "id_number": ""}, "birth_date", "不能晚于今天"),
        ({"party_full_member": "1980-01-01"}, "party_joined", "也请填写入党日期"),
    ],
)
def test_mistakes_are_shown_next_to_their_field_and_nothing_is_saved(
    client, world, overrides, field, message
):
    before = Resident.objects.count(), Household.objects.count()
    flat = FlatFactory(entrance=world.entrance_1, floor=2, number="201")  # empty: would open a household
    response = create(client, world.staff, world.community, form_data(flat, **overrides))
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert any(message in error for error in errors), errors
    body = response.content.decode()
    assert message in body
    assert (Resident.objects.count(), Household.objects.count()) == before


def test_a_person_already_living_elsewhere_is_refused(client, world):
    before = Resident.objects.count()
    response = create(
        client,
        world.staff,
        world.community,
        form_data(world.flat_202, name="赵阿姨", birth_date="1948-03-02", id_number=world.zhao.id_number),
    )
    assert response.status_code == 200
    assert any("同一人不能同时住在两处" in e for e in field_errors(response, "id_number"))
    assert "同一人不能同时住在两处" in response.content.decode()
    assert "赵阿姨" in response.content.decode()  # what was typed stays in the form to be corrected
    assert Resident.objects.count() == before


def test_a_good_registration_stores_the_id_encrypted_and_shows_it_masked(client, world):
    solo = Tag.objects.get(name="独居")
    flat = FlatFactory(entrance=world.entrance_1, floor=2, number="201")
    data = form_data(flat, tags=[solo.pk], tenure="tenant")
    response = create(client, world.staff, world.community, data)
    resident = Resident.objects.get(name="王阿姨")
    assert response.status_code == 302
    assert response["Location"] == reverse("resident_detail", args=[resident.pk])
    assert resident.household.flat == flat and resident.household.tenure == "tenant"
    assert resident.id_number == data["id_number"] and resident.phone == "13912345678"
    assert list(resident.tags.all()) == [solo]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_resident WHERE id = %s", [resident.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert data["id_number"] not in raw_id and "13912345678" not in raw_phone

    page = client.get(response["Location"])
    body = page.content.decode()
    assert "已登记居民 王阿姨" in body  # the success message
    assert mask_id_number(data["id_number"]) in body and mask_phone("13912345678") in body
    assert data["id_number"] not in body and "13912345678" not in body


def test_building_leader_cannot_register_in_a_building_outside_their_scope(client, world):
    before = Resident.objects.count()
    response = create(client, world.building_leader, world.community, form_data(world.flat_201))
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert field_errors(response, "flat")
    assert Resident.objects.count() == before
    # …and is offered only the flats of their own building.
    client.force_login(world.building_leader)
    form = client.get(reverse("resident_create", args=[world.community.pk])).context["form"]
    offered = {flat_id for _, group in form.fields["flat"].choices[1:] for flat_id, _ in group}
    assert offered == {world.flat_101.pk, world.flat_102.pk}


def test_building_leader_registers_in_their_building(client, world):
    response = create(client, world.building_leader, world.community, form_data(world.flat_102))
    assert response.status_code == 302
    assert Resident.objects.get(name="王阿姨").household == world.sun.household  # joins the household


@pytest.mark.parametrize(("role", "status"), [("group_leader", 403), ("volunteer", 403), ("outsider", 404)])
def test_who_may_not_register(client, world, role, status):
    client.force_login(getattr(world, role))
    assert client.get(reverse("resident_create", args=[world.community.pk])).status_code == status
    before = Resident.objects.count()
    response = create(client, getattr(world, role), world.community, form_data(world.flat_101))
    assert response.status_code == status
    assert Resident.objects.count() == before


def edit_data(resident, **overrides) -> dict:
    data = {
        "flat": resident.household.flat_id,
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat(),
        "id_type": resident.id_type,
        "id_number": "",
        "phone": "",
        "registration_type": resident.registration_type,
        "relation": resident.relation,
        "moved_in": "",
        "party_joined": "",
        "party_full_member": "",
        "party_branch": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_edit_form_never_contains_the_clear_id_or_phone(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("resident_update", args=[world.zhao.pk])).content.decode()
    assert world.zhao.id_number not in body and world.zhao.phone not in body
    assert "留空则不修改" in body
    assert mask_id_number(world.zhao.id_number) in body
    assert 'value="赵阿姨"' in body  # the rest is prefilled


def test_edit_keeps_id_and_phone_when_left_empty(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("resident_update", args=[world.zhao.pk]),
        edit_data(world.zhao, name="赵阿姨新", notes="腿脚不便"),
    )
    assert response.status_code == 302
    zhao = Resident.objects.get(pk=world.zhao.pk)
    assert (zhao.name, zhao.notes) == ("赵阿姨新", "腿脚不便")
    assert zhao.id_number == world.zhao.id_number and zhao.phone == "13812345678"
    assert zhao.name_pinyin.startswith("zhaoayixin")

    body = client.get(reverse("resident_detail", args=[zhao.pk])).content.decode()
    assert "已保存" in body
    history = body[body.index("修改记录") :]
    assert "staff" in history and "姓名" in history and "备注" in history


def test_edit_replaces_or_clears_the_phone(client, world):
    client.force_login(world.staff)
    url = reverse("resident_update", args=[world.zhao.pk])
    assert client.post(url, edit_data(world.zhao, phone="139 0000 1111")).status_code == 302
    assert Resident.objects.get(pk=world.zhao.pk).phone == "13900001111"
    assert client.post(url, edit_data(world.zhao, clear_phone="on")).status_code == 302
    zhao = Resident.objects.get(pk=world.zhao.pk)
    assert zhao.phone == "" and zhao.id_number == world.zhao.id_number


def test_edit_checks_the_stored_id_against_a_changed_birth_date(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("resident_update", args=[world.zhao.pk]), edit_data(world.zhao, birth_date="1949-03-02")
    )
    assert response.status_code == 200
    assert any("与填写的出生日期" in e for e in field_errors(response, "id_number"))
    assert world.zhao.id_number not in response.content.decode()
    assert Resident.objects.get(pk=world.zhao.pk).birth_date == world.zhao.birth_date


def test_edit_moves_within_the_community(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("resident_update", args=[world.qian.pk]), edit_data(world.qian, flat=world.flat_202.pk)
    )
    assert response.status_code == 302
    assert Resident.objects.get(pk=world.qian.pk).household == world.zhou.household


def test_edit_permissions(client, world):
    client.force_login(world.group_leader)  # sees 李大爷 but may not change the registry
    assert client.get(reverse("resident_update", args=[world.li.pk])).status_code == 403
    client.force_login(world.building_leader)
    assert client.get(reverse("resident_update", args=[world.sun.pk])).status_code == 200
    assert client.get(reverse("resident_update", args=[world.li.pk])).status_code == 404
    client.force_login(world.resident)
    response = client.post(
        reverse("resident_update", args=[world.qian.pk]), edit_data(world.qian, name="改名")
    )
    assert response.status_code == 403
    assert Resident.objects.get(pk=world.qian.pk).name == "钱先生"


def test_move_out_then_the_list_hides_them_unless_asked(client, world):
    client.force_login(world.staff)
    url = reverse("resident_move_out", args=[world.zhou.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"moved_out": "2025-06-01", "move_out_reason": "moved"}, follow=True)
    assert "已办理 周阿婆 的迁出" in response.content.decode()
    zhou = Resident.objects.get(pk=world.zhou.pk)
    assert zhou.moved_out == dt.date(2025, 6, 1) and zhou.move_out_reason == "moved"

    listing = reverse("resident_list", args=[world.community.pk])
    assert "周阿婆" not in client.get(listing).content.decode()
    assert "周阿婆" in client.get(listing, {"include_moved_out": "on"}).content.decode()
    detail = client.get(reverse("resident_detail", args=[zhou.pk])).content.decode()
    assert "已于2025年6月1日迁出" in detail
    assert reverse("resident_update", args=[zhou.pk]) not in detail  # no edit button once moved out


def test_move_out_mistakes_are_shown_and_nothing_changes(client, world):
    client.force_login(world.staff)
    url = reverse("resident_move_out", args=[world.zhou.pk])
    response = client.post(url, {"moved_out": "2100-01-01", "move_out_reason": "moved"})
    assert response.status_code == 200
    assert "迁出日期不能晚于今天" in response.content.decode()
    response = client.post(url, {"moved_out": "", "move_out_reason": ""})
    assert response.status_code == 200 and response.context["form"].errors.keys() == {
        "moved_out",
        "move_out_reason",
    }
    assert Resident.objects.get(pk=world.zhou.pk).moved_out is None


def test_move_out_permissions(client, world):
    client.force_login(world.building_leader)
    url = reverse("resident_move_out", args=[world.zhou.pk])
    assert client.post(url, {"moved_out": "2025-06-01", "move_out_reason": "moved"}).status_code == 404
    client.force_login(world.resident)
    url = reverse("resident_move_out", args=[world.qian.pk])
    assert client.post(url, {"moved_out": "2025-06-01", "move_out_reason": "moved"}).status_code == 403
    assert Resident.objects.get(pk=world.qian.pk).moved_out is None
