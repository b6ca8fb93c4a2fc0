"""POST /api/v1/residents/{id}/reveal: the clear value for a permitted role with a reason, recorded once;
403 for a role that may not, 422 in Chinese for a missing reason or an unknown field, 404 out of scope."""

from linli.core.models import AccessAction, AccessLog

ZHAO_PHONE = "13812345678"


def reveals():
    """Reveal rows only (signing in, which every test does, is logged too)."""
    return AccessLog.objects.filter(action=AccessAction.REVEAL)


def reveal(client, user, resident, body):
    client.force_login(user)
    return client.post(
        f"/api/v1/residents/{resident.pk}/reveal",
        body,
        content_type="application/json",
        REMOTE_ADDR="10.9.8.7",
    )


def test_staff_reveals_the_id_number(client, world):
    response = reveal(client, world.staff, world.zhao, {"field": "id_number", "reason": "核对身份"})
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": world.zhao.id_number}
    assert "no-store" in response["Cache-Control"]
    log = reveals().get()
    assert (log.user, log.action, log.field, log.reason, log.object_id, log.ip) == (
        world.staff,
        AccessAction.REVEAL,
        "id_number",
        "核对身份",
        world.zhao.pk,
        "10.9.8.7",
    )


def test_a_bearer_token_reveal_is_recorded_for_its_user(client, world):
    from linli.core.tokens import token_create

    secret = token_create(world.staff, "测试")
    response = client.post(
        f"/api/v1/residents/{world.zhao.pk}/reveal",
        {"field": "phone", "reason": "电话联系家属"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200 and response.json()["value"] == ZHAO_PHONE
    assert reveals().get().user == world.staff


def test_the_building_leader_reveals_the_phone_but_not_the_id(client, world):
    response = reveal(client, world.building_leader, world.zhao, {"field": "phone", "reason": "送药上门"})
    assert response.status_code == 200 and response.json()["value"] == ZHAO_PHONE
    response = reveal(client, world.building_leader, world.zhao, {"field": "id_number", "reason": "核对"})
    assert response.status_code == 403
    assert world.zhao.id_number not in response.content.decode()
    assert reveals().count() == 1


def test_roles_that_may_not_get_403(client, world):
    for user, resident in ((world.group_leader, world.li), (world.resident, world.zhao)):
        response = reveal(client, user, resident, {"field": "phone", "reason": "x"})
        assert response.status_code == 403, user
        assert "detail" in response.json()
    assert not reveals().exists()


def test_out_of_scope_is_404(client, world):
    for user, resident in ((world.outsider, world.zhao), (world.building_leader, world.li)):
        assert reveal(client, user, resident, {"field": "phone", "reason": "x"}).status_code == 404
    assert not reveals().exists()


def test_a_missing_or_blank_reason_is_422_in_chinese(client, world):
    response = reveal(client, world.staff, world.zhao, {"field": "phone"})
    assert response.status_code == 422 and response.json()["errors"]["reason"] == ["必填。"]
    response = reveal(client, world.staff, world.zhao, {"field": "phone", "reason": "  "})
    assert response.status_code == 422
    assert "请写明查看理由" in response.json()["errors"]["reason"][0]
    assert ZHAO_PHONE not in response.content.decode()
    assert not reveals().exists()


def test_an_unknown_field_is_422(client, world):
    response = reveal(client, world.staff, world.zhao, {"field": "notes", "reason": "看看"})
    assert response.status_code == 422
    assert response.json()["errors"]["field"] == ["只能查看证件号码或手机号码。"]
    assert reveal(client, world.staff, world.zhao, {}).status_code == 422
    assert not reveals().exists()


def test_nothing_registered_is_422_and_not_recorded(client, world):
    response = reveal(client, world.staff, world.qian, {"field": "phone", "reason": "电话联系本人"})
    assert response.status_code == 422 and "没有登记" in response.json()["errors"]["field"][0]
    assert not reveals().exists()
