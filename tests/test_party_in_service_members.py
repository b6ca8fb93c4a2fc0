"""In-service party members (双报到): registered, corrected and removed by staff only; their phones are
encrypted, masked on every page and in the API, and shown in clear only after a stated reason, which the
access log records; bad input gets a Chinese message and saves nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from linli.core.models import AccessLog
from linli.organizing.models import IdentityPost, InServiceMember
from tests.test_party_world import TODAY, party_setup

API = "/api/v1"
PHONE = "13900001234"


@pytest.fixture
def party(world):
    return party_setup(world)


def form_data(party, **overrides) -> dict:
    data = {
        "name": "陈在职",
        "phone": PHONE,
        "work_unit": "某某区卫生健康委员会",
        "branch": party.first.pk,
        "registered_on": (TODAY - dt.timedelta(days=20)).isoformat(),
        "services": "每周六参加楼道巡查",
        "identity_post": "楼道巡查岗",
    }
    data.update(overrides)
    return data


def create(client, world, party, **overrides):
    client.force_login(world.staff)
    return client.post(
        reverse("party_in_service_create", args=[world.community.pk]), form_data(party, **overrides)
    )


# ── pages ───────────────────────────────────────────────────────────────────────────────────────────


def test_staff_register_an_in_service_member(client, world, party):
    response = create(client, world, party, resident=world.qian.pk, group=world.group.pk)
    assert response.status_code == 302, response.content.decode()
    member = InServiceMember.objects.get()
    assert member.phone == PHONE and member.resident == world.qian and member.group == world.group
    assert member.branch == party.first and member.history.first().history_user == world.staff
    post = IdentityPost.objects.get(in_service=member)
    assert post.post == "楼道巡查岗" and post.started_on == member.registered_on


def test_phone_is_encrypted_in_the_database(client, world, party):
    create(client, world, party)
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM organizing_inservicemember")
        stored, hashed = cursor.fetchone()
    assert PHONE not in stored and hashed and PHONE not in hashed


def test_list_and_forms_show_the_phone_masked(client, world, party):
    create(client, world, party)
    member = InServiceMember.objects.get()
    for url in (
        reverse("party_in_service_list", args=[world.community.pk]),
        reverse("party_in_service_update", args=[member.pk]),
        reverse("branch_detail", args=[world.community.pk, party.first.pk]),
    ):
        body = client.get(url).content.decode()
        assert PHONE not in body, url
    listing = client.get(reverse("party_in_service_list", args=[world.community.pk])).content.decode()
    assert "139****1234" in listing and "陈在职" in listing and "亮身份 · 楼道巡查岗" in listing


def test_reveal_needs_a_reason_and_is_logged(client, world, party):
    create(client, world, party)
    member = InServiceMember.objects.get()
    url = reverse("party_in_service_reveal", args=[member.pk])
    response = client.post(url, {"field": "phone", "reason": ""})
    assert PHONE not in response.content.decode() and "请写明查看理由" in response.content.decode()
    assert not AccessLog.objects.filter(action="reveal").exists()
    response = client.post(url, {"field": "phone", "quick": "电话联系本人"})
    assert PHONE in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    log = AccessLog.objects.get(action="reveal")
    assert log.user == world.staff and log.field == "phone" and log.object_id == member.pk
    assert log.object_type == "organizing.inservicemember" and PHONE not in str(log.detail) + log.reason


@pytest.mark.parametrize("role", ["building_leader", "group_leader", "volunteer", "resident"])
def test_other_roles_cannot_see_or_change_the_register(client, world, party, role):
    create(client, world, party)
    member = InServiceMember.objects.get()
    client.force_login(getattr(world, role))
    assert client.get(reverse("party_in_service_list", args=[world.community.pk])).status_code == 403
    assert client.get(reverse("party_in_service_create", args=[world.community.pk])).status_code == 403
    for name in ("party_in_service_update", "party_in_service_reveal"):
        assert client.get(reverse(name, args=[member.pk])).status_code == 404, name  # not in their scope
    assert client.post(reverse("party_in_service_delete", args=[member.pk])).status_code == 404
    assert InServiceMember.objects.exists()


def test_outsider_gets_404(client, world, party):
    create(client, world, party)
    member = InServiceMember.objects.get()
    client.force_login(world.outsider)
    assert client.get(reverse("party_in_service_update", args=[member.pk])).status_code == 404
    assert client.get(reverse("party_in_service_list", args=[world.community.pk])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"name": ""}, "这个字段是必填项"),
        ({"phone": "12345"}, "手机号码"),
        ({"registered_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "报到日期不能晚于今天"),
        ({"registered_on": "1950-01-01"}, "报到日期太早"),
        ({"work_unit": ""}, "这个字段是必填项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_saves_nothing(client, world, party, overrides, field_message):
    response = create(client, world, party, **overrides)
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not InServiceMember.objects.exists() and not IdentityPost.objects.exists()


def test_a_resident_outside_the_community_cannot_be_linked(client, world, party):
    response = create(client, world, party, resident=world.wu.pk)
    assert response.status_code == 200 and not InServiceMember.objects.exists()
    assert "吴外区" not in response.content.decode()


def test_the_same_person_cannot_be_registered_twice(client, world, party):
    create(client, world, party)
    response = create(client, world, party, name="陈在职二")
    assert response.status_code == 200
    assert "这个手机号码已有在职党员登记" in response.content.decode()
    assert InServiceMember.objects.count() == 1


def test_leaving_ends_the_identity_post_and_keeps_the_record(client, world, party):
    create(client, world, party)
    member = InServiceMember.objects.get()
    response = client.post(
        reverse("party_in_service_update", args=[member.pk]),
        form_data(party, phone="", left_on=TODAY.isoformat()),
    )
    assert response.status_code == 302, response.content.decode()
    member.refresh_from_db()
    assert member.left_on == TODAY and member.phone == PHONE  # an empty phone keeps the stored one
    assert IdentityPost.objects.get(in_service=member).ended_on == TODAY


def test_left_before_registering_is_refused(client, world, party):
    create(client, world, party)
    member = InServiceMember.objects.get()
    response = client.post(
        reverse("party_in_service_update", args=[member.pk]),
        form_data(party, left_on=(TODAY - dt.timedelta(days=30)).isoformat()),
    )
    assert "离开日期不能早于报到日期" in response.content.decode()
    member.refresh_from_db()
    assert member.left_on is None


def test_finding_a_resident_to_link(client, world, party):
    client.force_login(world.staff)
    url = reverse("party_in_service_create", args=[world.community.pk])
    response = client.post(url, {**form_data(party), "resident_q": "qian", "find_resident": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{world.qian.pk}"' in body and not InServiceMember.objects.exists()
    fragment = client.post(
        reverse("party_resident_choices", args=[world.community.pk]),
        {"resident_q": "钱"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "钱先生" in fragment and "<html" not in fragment


def test_delete_removes_a_mistaken_registration(client, world, party):
    create(client, world, party)
    member = InServiceMember.objects.get()
    response = client.post(reverse("party_in_service_delete", args=[member.pk]))
    assert response.status_code == 302
    assert not InServiceMember.objects.exists() and not IdentityPost.objects.exists()


# ── API ─────────────────────────────────────────────────────────────────────────────────────────────


def api(client, user, method, url, data=None):
    client.force_login(user)
    if method == "get":
        return client.get(API + url, data)
    return getattr(client, method)(API + url, data or {}, content_type="application/json")


def api_body(party, **overrides):
    data = {
        "name": "陈在职",
        "phone": PHONE,
        "work_unit": "某某设计院",
        "registered_on": (TODAY - dt.timedelta(days=5)).isoformat(),
        "branch_id": party.second.pk,
        "identity_post": "加梯协调岗",
    }
    data.update(overrides)
    return data


def test_api_crud_keeps_the_phone_masked(client, world, party):
    url = f"/communities/{world.community.pk}/party/in-service"
    created = api(client, world.staff, "post", url, api_body(party))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["phone"] == "139****1234" and data["identity_post"] == "加梯协调岗"
    assert data["branch_name"] == "测试二支部"
    member_url = f"/party/in-service/{data['id']}"
    for response in (api(client, world.staff, "get", url), api(client, world.staff, "get", member_url)):
        assert response.status_code == 200 and PHONE not in response.content.decode()
    patched = api(client, world.staff, "patch", member_url, {"services": "为老人理发", "identity_post": ""})
    assert patched.status_code == 200
    assert patched.json()["services"] == "为老人理发" and patched.json()["identity_post"] == ""
    assert InServiceMember.objects.get().phone == PHONE  # a field left out keeps its value
    assert api(client, world.staff, "delete", member_url).status_code == 204
    assert not InServiceMember.objects.exists()


def test_api_bad_input_is_a_422_in_chinese(client, world, party):
    url = f"/communities/{world.community.pk}/party/in-service"
    response = api(
        client, world.staff, "post", url, api_body(party, phone="123", branch_id=party.neighbour.pk)
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "手机号码" in errors["phone"][0] and errors["branch_id"] == ["所选党支部不属于本居民区。"]
    assert not InServiceMember.objects.exists()
    response = api(client, world.staff, "post", url, {"name": "x"})
    assert response.status_code == 422 and response.json()["errors"]["work_unit"] == ["必填。"]


def test_api_refuses_other_roles(client, world, party):
    url = f"/communities/{world.community.pk}/party/in-service"
    assert api(client, world.building_leader, "get", url).status_code == 403
    assert api(client, world.building_leader, "post", url, api_body(party)).status_code == 403
    assert api(client, world.outsider, "get", url).status_code == 404
    assert not InServiceMember.objects.exists()
