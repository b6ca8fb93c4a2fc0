"""The "修改记录" pages: each change of a resident or household as old → new values, sensitive fields
masked on both sides (or only "已修改" for a reader who may not reveal them), and the community's audit
log with its filters — paginated at a constant number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linli.registry.models import Resident
from linli.registry.services import ResidentData, resident_move_out, resident_update
from tests.factories import make_id_number

NEW_ID = make_id_number(dt.date(1948, 3, 2), "F", seq=99)


def zhao_data(world, **overrides) -> ResidentData:
    z = world.zhao
    values = {
        "name": z.name,
        "gender": z.gender,
        "birth_date": z.birth_date,
        "id_number": z.id_number,
        "phone": z.phone,
        "relation": z.relation,
        "registration_type": z.registration_type,
    }
    values.update(overrides)
    return ResidentData(**values)


def page(client, actor, name, *args, **params):
    client.force_login(actor)
    return client.get(reverse(name, args=args), params)


def test_resident_history_shows_old_and_new_values_with_sensitive_ones_masked(client, world):
    resident_update(
        actor=world.staff,
        resident=world.zhao,
        data=zhao_data(world, phone="13900001234", notes="女儿每周来", id_number=NEW_ID),
    )
    body = page(client, world.staff, "resident_history", world.zhao.pk).content.decode()
    assert "备注：从“（空）”改为“女儿每周来”" in body
    assert "手机号码：从“138****5678”改为“139****1234”" in body
    assert f"证件号码：从“{world.zhao.id_number[:3]}" in body
    for clear in ("13812345678", "13900001234", world.zhao.id_number, NEW_ID):
        assert clear not in body
    assert "staff" in body


def test_a_building_leader_sees_masked_phones_but_only_that_the_id_changed(client, world):
    resident_update(
        actor=world.staff, resident=world.zhao, data=zhao_data(world, phone="13900001234", id_number=NEW_ID)
    )
    body = page(client, world.building_leader, "resident_history", world.zhao.pk).content.decode()
    assert "手机号码：从“138****5678”改为“139****1234”" in body
    assert "证件号码：已修改" in body
    assert world.zhao.id_number[:3] + "*" not in body and NEW_ID[-4:] not in body


def test_who_may_read_a_history(client, world):
    assert page(client, world.staff, "resident_history", world.li.pk).status_code == 200
    assert page(client, world.building_leader, "resident_history", world.zhao.pk).status_code == 200
    assert page(client, world.group_leader, "resident_history", world.li.pk).status_code == 403
    assert page(client, world.resident, "resident_history", world.zhao.pk).status_code == 403
    assert page(client, world.outsider, "resident_history", world.zhao.pk).status_code == 404
    assert page(client, world.building_leader, "resident_history", world.li.pk).status_code == 404
    assert page(client, world.resident, "household_history", world.own_household.pk).status_code == 403
    assert page(client, world.building_leader, "household_history", world.own_household.pk).status_code == 200


def test_the_resident_page_links_to_its_history_for_those_who_may_read_it(client, world):
    url = reverse("resident_history", args=[world.zhao.pk])
    assert url in page(client, world.staff, "resident_detail", world.zhao.pk).content.decode()
    assert url not in page(client, world.resident, "resident_detail", world.zhao.pk).content.decode()
    url = reverse("household_history", args=[world.own_household.pk])
    assert url in page(client, world.staff, "household_detail", world.own_household.pk).content.decode()
    assert (
        url not in page(client, world.resident, "household_detail", world.own_household.pk).content.decode()
    )


def test_household_history_has_the_household_and_its_members(client, world):
    resident_move_out(actor=world.staff, resident=world.qian, on=dt.date(2025, 6, 1), reason="moved")
    body = page(client, world.staff, "household_history", world.own_household.pk).content.decode()
    assert "钱先生" in body and "赵阿姨" in body
    assert "迁出日期：从“（空）”改为“2025年6月1日”" in body
    assert "迁出原因：从“（空）”改为“迁出”" in body
    assert "孙奶奶" not in body  # another household


def test_community_audit_log_is_for_staff_and_filters(client, world):
    resident_update(actor=world.building_leader, resident=world.zhao, data=zhao_data(world, notes="腿脚不便"))
    response = page(client, world.staff, "community_audit", world.community.pk)
    body = response.content.decode()
    assert response.status_code == 200 and "腿脚不便" in body and "孙奶奶" in body
    assert "吴外区" not in body  # the neighbouring community's rows
    only = page(client, world.staff, "community_audit", world.community.pk, user=world.building_leader.pk)
    assert [e.object_label for e in only.context["page_obj"]] == ["赵阿姨"]
    updates = page(client, world.staff, "community_audit", world.community.pk, action="~")
    assert {e.action for e in updates.context["page_obj"]} == {"~"}
    buildings = page(client, world.staff, "community_audit", world.community.pk, kind="building")
    assert {e.kind for e in buildings.context["page_obj"]} == {"building"}
    assert len(buildings.context["page_obj"].object_list) == 2
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = page(client, world.staff, "community_audit", world.community.pk, date_from=tomorrow.isoformat())
    assert later.context["page_obj"].paginator.count == 0
    today = page(
        client, world.staff, "community_audit", world.community.pk, date_to=timezone.localdate().isoformat()
    )
    assert today.context["page_obj"].paginator.count > 0
    bad = page(
        client, world.staff, "community_audit", world.community.pk, date_from="1956.3.2", user="x", kind="?"
    )
    assert bad.status_code == 200  # an invalid filter is dropped, never an error page

    assert page(client, world.building_leader, "community_audit", world.community.pk).status_code == 403
    assert page(client, world.outsider, "community_audit", world.community.pk).status_code == 404


def test_the_audit_log_never_shows_a_clear_number(client, world):
    resident_update(
        actor=world.staff, resident=world.zhao, data=zhao_data(world, phone="13900001234", id_number=NEW_ID)
    )
    body = page(client, world.staff, "community_audit", world.community.pk).content.decode()
    for clear in ("13812345678", "13900001234", world.zhao.id_number, NEW_ID):
        assert clear not in body


def churn(world, rounds: int) -> None:
    """Rounds of the same mix of changes: a resident edited, the household edited, a flat corrected."""
    zhao = Resident.objects.get(pk=world.zhao.pk)
    household, flat = world.own_household, world.flat_101
    for n in range(rounds):
        zhao.notes = f"第{n}次"
        household.notes = f"第{n}次"
        flat.area = 50 + n
        for row in (zhao, household, flat):
            row._history_user = world.staff
            row.save()


def test_audit_pages_cost_the_same_queries_however_long_the_history(client, world):
    def cost(name, pk, **params) -> tuple[int, int]:
        client.force_login(world.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name, args=[pk]), params)
        assert response.status_code == 200
        return len(queries), len(response.context["page_obj"].object_list)

    pages = [
        ("community_audit", world.community.pk, {"action": "~"}),  # the same kinds of rows on both pages
        ("resident_history", world.zhao.pk, {}),
        ("household_history", world.own_household.pk, {}),
    ]
    churn(world, 4)
    small = [cost(name, pk, **params) for name, pk, params in pages]
    churn(world, 60)
    large = [cost(name, pk, **params) for name, pk, params in pages]
    for (name, _pk, _params), (few_queries, few), (many_queries, many) in zip(
        pages, small, large, strict=True
    ):
        assert few < many == 50, name
        assert many_queries == few_queries, name
