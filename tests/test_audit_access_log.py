"""The access log: sign-ins, sign-outs and failed sign-ins are recorded (who, the username typed, the
address), and the community's access log page shows its staff the reveals and exports of the community
and the sign-in events of its own people — paginated at a constant number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linli.core.access import access_record
from linli.core.models import AccessAction, AccessLog
from tests.conftest import PASSWORD


def sign_in(client, username, password=PASSWORD, ip="192.0.2.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_sign_in_and_sign_out_are_recorded(client, world):
    assert sign_in(client, "staff").status_code == 302
    log = AccessLog.objects.get()
    assert (log.action, log.user, log.username, log.ip) == (
        AccessAction.SIGN_IN,
        world.staff,
        "staff",
        "192.0.2.7",
    )
    assert log.community is None
    client.post(reverse("logout"), REMOTE_ADDR="192.0.2.8")
    log = AccessLog.objects.latest("id")
    assert (log.action, log.user, log.ip) == (AccessAction.SIGN_OUT, world.staff, "192.0.2.8")


def test_a_failed_sign_in_records_the_username_typed_and_never_the_password(client, world):
    response = sign_in(client, "leader", password="wrong-Secret-77")
    assert response.status_code == 200
    sign_in(client, "nobody-here", password="wrong-Secret-77")
    logs = list(AccessLog.objects.order_by("id"))
    assert [(log.action, log.username, log.user) for log in logs] == [
        (AccessAction.SIGN_IN_FAILED, "leader", None),
        (AccessAction.SIGN_IN_FAILED, "nobody-here", None),
    ]
    assert all(log.ip == "192.0.2.7" for log in logs)
    assert "wrong-Secret-77" not in str(AccessLog.objects.values().order_by())


def test_signing_out_when_not_signed_in_records_nothing(client, world):
    client.post(reverse("logout"))
    assert not AccessLog.objects.exists()


def log_page(client, actor, community, **params):
    client.force_login(actor)
    return client.get(reverse("access_log", args=[community.pk]), params)


def test_staff_see_the_reveals_and_their_peoples_sign_ins(client, world):
    access_record(
        user=world.building_leader,
        action=AccessAction.REVEAL,
        obj=world.zhao,
        field="phone",
        reason="送药上门",
    )
    access_record(user=world.outsider, action=AccessAction.REVEAL, obj=world.wu, field="phone", reason="邻村")
    sign_in(client, "leader", password="typo")  # a member of this community
    sign_in(client, "outsider", password="typo")  # staff of the neighbouring community
    sign_in(client, "nobody-here", password="typo")  # nobody's username: superusers, in the admin
    client.logout()
    sign_in(client, "volunteer")
    response = log_page(client, world.staff, world.community)
    rows = list(response.context["page_obj"].object_list)
    body = response.content.decode()
    assert response.status_code == 200
    shown = {(row.action, row.who) for row in rows}
    assert (AccessAction.REVEAL, "leader") in shown
    assert (AccessAction.SIGN_IN_FAILED, "leader") in shown
    assert (AccessAction.SIGN_IN, "volunteer") in shown
    assert (AccessAction.SIGN_IN, "staff") in shown  # the page's own reader signed in (force_login)
    assert all(row.who not in {"outsider", "nobody-here"} for row in rows)
    assert "送药上门" in body and "赵阿姨" in body and "吴外区" not in body and "邻村" not in body
    assert "13812345678" not in body

    outsider_rows = log_page(client, world.outsider, world.neighbour).context["page_obj"].object_list
    assert {(row.action, row.who) for row in outsider_rows} >= {
        (AccessAction.REVEAL, "outsider"),
        (AccessAction.SIGN_IN_FAILED, "outsider"),
    }
    assert all(row.who not in {"leader", "nobody-here", "volunteer"} for row in outsider_rows)


def test_the_access_log_filters(client, world):
    access_record(
        user=world.staff, action=AccessAction.REVEAL, obj=world.zhao, field="id_number", reason="核对身份"
    )
    access_record(
        user=world.building_leader, action=AccessAction.REVEAL, obj=world.zhao, field="phone", reason="x"
    )
    sign_in(client, "leader", password="typo")
    old = access_record(
        user=world.staff, action=AccessAction.EXPORT, community=world.community, detail={"rows": 12}
    )
    AccessLog.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))

    def shown(**params):
        rows = log_page(client, world.staff, world.community, **params).context["page_obj"].object_list
        return [(row.action, row.who) for row in rows]

    assert set(shown(action="reveal")) == {("reveal", "staff"), ("reveal", "leader")}
    assert set(shown(user=world.building_leader.pk)) == {("reveal", "leader"), ("sign_in_failed", "leader")}
    week_ago = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert ("export", "staff") not in shown(date_from=week_ago)
    assert shown(date_to=week_ago) == [("export", "staff")]
    assert "12行" in log_page(client, world.staff, world.community, action="export").content.decode()
    assert log_page(client, world.staff, world.community, action="nonsense", date_from="x").status_code == 200


def test_only_staff_read_the_access_log(client, world):
    assert log_page(client, world.building_leader, world.community).status_code == 403
    assert log_page(client, world.group_leader, world.community).status_code == 403
    assert log_page(client, world.outsider, world.community).status_code == 404
    assert log_page(client, world.street_officer, world.community).status_code == 404


def test_the_staff_menu_links_to_both_logs(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("community_home", args=[world.community.pk])).content.decode()
    assert reverse("access_log", args=[world.community.pk]) in body
    assert reverse("community_audit", args=[world.community.pk]) in body
    client.force_login(world.building_leader)
    body = client.get(reverse("community_home", args=[world.community.pk])).content.decode()
    assert reverse("access_log", args=[world.community.pk]) not in body


def test_the_access_log_costs_the_same_queries_however_long(client, world):
    def cost() -> tuple[int, int]:
        client.force_login(world.staff)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("access_log", args=[world.community.pk]))
        return len(queries), len(response.context["page_obj"].object_list)

    def reveal_all(times):
        for _ in range(times):
            for resident in (world.zhao, world.sun, world.li):
                access_record(
                    user=world.staff, action=AccessAction.REVEAL, obj=resident, field="phone", reason="x"
                )

    reveal_all(2)
    few_queries, few = cost()
    reveal_all(30)
    many_queries, many = cost()
    assert few < many == 50 and many_queries == few_queries
