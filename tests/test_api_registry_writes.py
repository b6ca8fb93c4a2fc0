"""Changing the registry over the API: registration, partial correction and move-out, with every
mistake answered as a 422 in Chinese on the field at fault and nothing saved."""

import datetime as dt

import pytest

from linli.registry.models import Household, Resident, Tag
from tests.factories import make_id_number

API = "/api/v1"
BIRTH = dt.date(1956, 3, 2)


def body(world, **overrides) -> dict:
    values = {
        "flat_id": world.flat_102.pk,
        "name": "冯新来",
        "gender": "M",
        "birth_date": BIRTH.isoformat(),
        "id_number": make_id_number(BIRTH, "M", seq=77),
        "phone": "139 0000 1234",
    }
    values.update(overrides)
    return values


def send(client, user, method: str, url: str, data):
    client.force_login(user)
    return getattr(client, method)(API + url, data, content_type="application/json")


def create(client, user, world, **overrides):
    return send(
        client, user, "post", f"/communities/{world.community.pk}/residents", body(world, **overrides)
    )


# ── create ───────────────────────────────────────────────────────────────────────────────────────


def test_staff_registers_a_resident(world, client):
    solo = Tag.objects.get(name="独居")
    response = create(client, world.staff, world, tag_ids=[solo.pk], relation="spouse")
    assert response.status_code == 201, response.content
    data = response.json()
    resident = Resident.objects.get(pk=data["id"])
    assert resident.household == world.sun.household  # joined the flat's household
    assert resident.phone == "13900001234" and resident.relation == "spouse"
    assert [t["name"] for t in data["tags"]] == ["独居"]
    assert data["phone"] == "139****1234" and "13900001234" not in response.content.decode()


def test_building_leader_registers_in_their_building(world, client):
    assert create(client, world.building_leader, world).status_code == 201


def test_registering_in_an_empty_flat_opens_a_household(world, client):
    empty = world.flat_102.__class__.objects.create(
        community=world.community,
        building=world.building_1,
        entrance=world.entrance_1,
        floor=2,
        number="201",
        area="60.00",
    )
    response = create(client, world.staff, world, flat_id=empty.pk, tenure="tenant")
    assert response.status_code == 201, response.content
    household = Household.objects.get(flat=empty)
    assert household.tenure == "tenant"


def test_bad_check_digit_is_a_422_on_id_number_and_saves_nothing(world, client):
    good = make_id_number(BIRTH, "M", seq=77)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = create(client, world.staff, world, id_number=bad)
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "请更正标出的内容。"
    assert data["errors"] == {"id_number": ["身份证号校验位不正确，请核对最后一位。"]}
    assert not Resident.objects.filter(name="冯新来").exists()


def test_missing_name_and_bad_date_are_422_in_chinese(world, client):
    values = body(world, birth_date="1956-13-02")
    del values["name"]
    response = send(client, world.staff, "post", f"/communities/{world.community.pk}/residents", values)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == ["必填。"]
    assert errors["birth_date"] == ["日期格式应为 YYYY-MM-DD。"]
    assert Resident.objects.count() == 7


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"flat_id": "abc"}, "flat_id", "应为整数。"),
        ({"name": "长" * 51}, "name", "太长了（最多50个字）。"),
        ({"name": "   "}, "name", "请填写姓名。"),
        ({"gender": "X"}, "gender", "应为以下之一：'M'、'F'。"),
        ({"tag_ids": [999999]}, "tag_ids", "有未知的标签。"),
        ({"tag_ids": ["x"]}, "tag_ids", "应为整数。"),
        ({"party_branch_id": 999999}, "party_branch_id", "所选党支部不属于本居民区。"),
        ({"birth_date": "2999-01-01", "id_number": ""}, "birth_date", "出生日期不能晚于今天。"),
        ({"phone": "12345"}, "phone", "手机号码无效：应为以13–19开头的11位号码。"),
        ({"name": "冯\x00新来"}, "name", "含有不允许的控制字符。"),
    ],
)
def test_each_bad_field_gets_its_chinese_message(world, client, overrides, field, message):
    response = create(client, world.staff, world, **overrides)
    assert response.status_code == 422, response.content
    assert message in response.json()["errors"][field]
    assert not Resident.objects.filter(name__startswith="冯").exists()


def test_an_id_number_already_living_here_is_refused(world, client):
    response = create(
        client, world.staff, world, id_number=world.zhao.id_number, birth_date="1948-03-02", gender="F"
    )
    assert response.status_code == 422
    assert "同一人不能同时住在两处" in response.json()["errors"]["id_number"][0]


@pytest.mark.parametrize(
    ("role", "flat"),
    [("building_leader", "flat_201"), ("staff", None)],
)
def test_flat_outside_the_scope_is_a_422_that_does_not_say_whether_it_exists(world, client, role, flat):
    flat_id = getattr(world, flat).pk if flat else world.wu.household.flat_id
    response = create(client, getattr(world, role), world, flat_id=flat_id)
    assert response.status_code == 422
    assert response.json()["errors"] == {"flat_id": ["找不到这套房屋，或您无权在此登记。"]}
    missing = create(client, getattr(world, role), world, flat_id=10**9)
    assert missing.json() == response.json()


@pytest.mark.parametrize(("role", "status"), [("volunteer", 403), ("group_leader", 403), ("outsider", 404)])
def test_roles_that_may_not_register_are_refused_before_the_body_is_read(world, client, role, status):
    url = f"/communities/{world.community.pk}/residents"
    assert send(client, getattr(world, role), "post", url, {}).status_code == status
    assert create(client, getattr(world, role), world).status_code == status
    assert not Resident.objects.filter(name="冯新来").exists()


def test_empty_and_unparsable_bodies_are_client_errors(world, client):
    url = f"/communities/{world.community.pk}/residents"
    client.force_login(world.staff)
    empty = client.post(API + url, "", content_type="application/json")
    assert empty.status_code == 422 and "请求体不能为空" in empty.json()["errors"]["__all__"][0]
    broken = client.post(API + url, "{not json", content_type="application/json")
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]
    for not_an_object in ("[1, 2]", '"text"', "null"):
        response = client.post(API + url, not_an_object, content_type="application/json")
        assert response.status_code == 422, not_an_object
        assert "JSON 对象" in response.json()["errors"]["__all__"][0]
    patch = client.patch(f"{API}/residents/{world.zhao.pk}", "[]", content_type="application/json")
    assert patch.status_code == 422


# ── partial update ───────────────────────────────────────────────────────────────────────────────


def test_patch_changes_only_the_fields_sent(world, client):
    solo = Tag.objects.get(name="独居")
    world.zhao.tags.add(solo)
    response = send(client, world.staff, "patch", f"/residents/{world.zhao.pk}", {"notes": "腿脚不便"})
    assert response.status_code == 200, response.content
    zhao = Resident.objects.get(pk=world.zhao.pk)
    assert zhao.notes == "腿脚不便"
    assert zhao.phone == "13812345678" and zhao.id_number == world.zhao.id_number
    assert list(zhao.tags.all()) == [solo]
    assert response.json()["phone"] == "138****5678"


def test_patch_with_empty_string_clears_the_phone(world, client):
    response = send(client, world.staff, "patch", f"/residents/{world.zhao.pk}", {"phone": ""})
    assert response.status_code == 200
    assert Resident.objects.get(pk=world.zhao.pk).phone == ""


def test_patch_reports_a_bad_field_and_keeps_the_record(world, client):
    response = send(client, world.building_leader, "patch", f"/residents/{world.zhao.pk}", {"phone": "999"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["phone"]
    assert Resident.objects.get(pk=world.zhao.pk).phone == "13812345678"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "长" * 51}, "name", "太长了（最多50个字）。"),
        ({"name": None}, "name", "请填写姓名。"),
        ({"birth_date": "1948/03/02"}, "birth_date", "日期格式应为 YYYY-MM-DD。"),
        (
            {"birth_date": "1949-03-02"},
            "id_number",
            "身份证号中的出生日期（1948年03月02日）与填写的出生日期（1949年03月02日）不一致。",
        ),
    ],
)
def test_patch_errors_are_chinese_and_change_nothing(world, client, values, field, message):
    response = send(client, world.staff, "patch", f"/residents/{world.zhao.pk}", values)
    assert response.status_code == 422
    assert response.json()["errors"][field] == [message]
    zhao = Resident.objects.get(pk=world.zhao.pk)
    assert (zhao.name, zhao.birth_date) == ("赵阿姨", dt.date(1948, 3, 2))


def test_patch_moves_a_resident_to_another_flat(world, client):
    url = f"/residents/{world.qian.pk}"
    response = send(client, world.staff, "patch", url, {"flat_id": world.flat_201.pk})
    assert response.status_code == 200, response.content
    assert response.json()["flat_label"] == "1单元201室"
    assert Resident.objects.get(pk=world.qian.pk).household.flat == world.flat_201


def test_building_leader_cannot_move_a_resident_out_of_their_buildings(world, client):
    url = f"/residents/{world.qian.pk}"
    response = send(client, world.building_leader, "patch", url, {"flat_id": world.flat_201.pk})
    assert response.status_code == 422
    assert response.json()["errors"] == {"flat_id": ["找不到这套房屋，或您无权在此登记。"]}


@pytest.mark.parametrize(
    ("role", "resident", "status"),
    [
        ("resident", "zhao", 403),
        ("group_leader", "li", 403),
        ("building_leader", "li", 404),
        ("outsider", "zhao", 404),
    ],
)
def test_patch_refused_outside_the_roles_rights(world, client, role, resident, status):
    target = getattr(world, resident)
    response = send(client, getattr(world, role), "patch", f"/residents/{target.pk}", {"name": "改名"})
    assert response.status_code == status
    assert Resident.objects.get(pk=target.pk).name == target.name


# ── move out ─────────────────────────────────────────────────────────────────────────────────────


def test_move_out_records_the_date_and_closes_an_empty_household(world, client):
    url = f"/residents/{world.sun.pk}/move-out"
    response = send(client, world.building_leader, "post", url, {"date": "2025-06-01", "reason": "deceased"})
    assert response.status_code == 200, response.content
    assert response.json()["moved_out"] == "2025-06-01"
    sun = Resident.objects.get(pk=world.sun.pk)
    assert (sun.moved_out, sun.move_out_reason) == (dt.date(2025, 6, 1), "deceased")
    assert not Household.objects.get(pk=world.sun.household_id).is_active


def test_move_out_errors_are_keyed_by_the_body_fields(world, client):
    url = f"/residents/{world.sun.pk}/move-out"
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = send(client, world.staff, "post", url, {"date": future, "reason": "moved"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"date": ["迁出日期不能晚于今天。"]}
    missing = send(client, world.staff, "post", url, {})
    assert missing.json()["errors"] == {"date": ["必填。"], "reason": ["必填。"]}
    assert Resident.objects.get(pk=world.sun.pk).moved_out is None


def test_moving_out_twice_is_a_422_without_a_field(world, client):
    url = f"/residents/{world.sun.pk}/move-out"
    send(client, world.staff, "post", url, {"date": "2025-06-01", "reason": "moved"})
    again = send(client, world.staff, "post", url, {"date": "2025-06-02", "reason": "moved"})
    assert again.status_code == 422
    assert again.json()["detail"] == "此居民已于2025年06月01日迁出。"
    assert list(again.json()["errors"]) == ["__all__"]


@pytest.mark.parametrize(("role", "status"), [("volunteer", 404), ("resident", 403), ("outsider", 404)])
def test_move_out_refused_to_other_roles(world, client, role, status):
    url = f"/residents/{world.zhao.pk}/move-out"
    response = send(client, getattr(world, role), "post", url, {"date": "2025-06-01", "reason": "moved"})
    assert response.status_code == status
    assert Resident.objects.get(pk=world.zhao.pk).moved_out is None
