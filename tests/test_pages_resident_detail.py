"""The resident page: every field, masked ID and phone, household members within the scope, and the
change history at a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.core.identity import mask_id_number, mask_phone
from linli.registry.models import PartyBranch
from tests.factories import ResidentFactory


def detail(client, user, resident):
    client.force_login(user)
    return client.get(reverse("resident_detail", args=[resident.pk]))


def test_detail_shows_fields_masked_and_never_in_clear(client, world):
    branch = PartyBranch.objects.create(community=world.community, name="第一党支部")
    world.zhao.party_joined = world.zhao.birth_date.replace(year=1975)
    world.zhao.party_branch = branch
    world.zhao.save()
    for user in (world.staff, world.building_leader, world.resident):
        body = detail(client, user, world.zhao).content.decode()
        assert world.zhao.id_number not in body and "13812345678" not in body
        assert mask_id_number(world.zhao.id_number) in body and mask_phone("13812345678") in body
        assert f"{world.zhao.age()}岁" in body
        assert "1948年3月2日" in body and "第一党支部" in body and "1975年3月2日" in body
        assert reverse("resident_detail", args=[world.qian.pk]) in body  # household member


def test_edit_buttons_only_for_who_may_change(client, world):
    edit = reverse("resident_update", args=[world.zhao.pk])
    assert edit in detail(client, world.staff, world.zhao).content.decode()
    assert edit in detail(client, world.building_leader, world.zhao).content.decode()
    body = detail(client, world.resident, world.zhao).content.decode()
    assert edit not in body and reverse("resident_move_out", args=[world.zhao.pk]) not in body


def test_detail_is_scoped(client, world):
    assert detail(client, world.building_leader, world.li).status_code == 404
    assert detail(client, world.resident, world.sun).status_code == 404
    assert detail(client, world.outsider, world.zhao).status_code == 404
    assert detail(client, world.street_officer, world.zhao).status_code == 404
    assert detail(client, world.group_leader, world.li).status_code == 200


def test_household_members_outside_the_scope_are_not_listed(client, world):
    ResidentFactory(household=world.li.household, name="李家儿子")
    body = detail(client, world.group_leader, world.li).content.decode()
    assert "李家儿子" not in body
    assert "李家儿子" in detail(client, world.staff, world.li).content.decode()


def test_history_lists_who_changed_which_fields(client, world):
    client.force_login(world.staff)
    data = {
        "flat": world.flat_202.pk,
        "name": "周阿婆",
        "gender": "F",
        "birth_date": world.zhou.birth_date.isoformat(),
        "id_type": "ric",
        "registration_type": "migrant",
        "relation": "head",
        "phone": "13700001111",
    }
    assert client.post(reverse("resident_update", args=[world.zhou.pk]), data).status_code == 302
    response = client.get(reverse("resident_detail", args=[world.zhou.pk]))
    entries = response.context["history"]
    assert entries[0].who == "staff"
    assert set(entries[0].fields) == {"户籍类型", "手机号码"}
    assert entries[-1].kind == "+"
    body = response.content.decode()
    assert "修改了户籍类型、手机号码" in body or "修改了手机号码、户籍类型" in body
    assert "13700001111" not in body


def test_history_is_capped_and_costs_the_same_queries(client, world):
    def count() -> tuple[int, int]:
        client.force_login(world.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("resident_detail", args=[world.zhou.pk]))
        assert response.status_code == 200
        return len(queries), len(response.context["history"])

    world.zhou.notes = "a"
    world.zhou.save()
    few, shown = count()
    assert shown == 2
    for i in range(30):
        world.zhou.notes = f"note {i}"
        world.zhou.save()
    many, shown = count()
    assert shown == 20
    assert few == many
