"""The reveal on the resident page: a button per masked field the role may reveal, a form asking why,
and only after the POST the clear value — recorded once in the access log, never cached."""

from django.urls import reverse

from linli.core.models import AccessAction, AccessLog

ZHAO_PHONE = "13812345678"


def reveals():
    """Reveal rows only (signing in, which every test does, is logged too)."""
    return AccessLog.objects.filter(action=AccessAction.REVEAL)


def reveal_url(resident) -> str:
    return reverse("resident_reveal", args=[resident.pk])


def post(client, user, resident, **data):
    client.force_login(user)
    return client.post(reveal_url(resident), data, REMOTE_ADDR="10.1.2.3")


def test_the_resident_page_has_buttons_but_never_the_clear_values(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("resident_detail", args=[world.zhao.pk])).content.decode()
    assert f"{reveal_url(world.zhao)}?field=id_number" in body
    assert f"{reveal_url(world.zhao)}?field=phone" in body
    assert world.zhao.id_number not in body and ZHAO_PHONE not in body


def test_the_building_leader_gets_the_phone_button_only(client, world):
    client.force_login(world.building_leader)
    body = client.get(reverse("resident_detail", args=[world.zhao.pk])).content.decode()
    assert f"{reveal_url(world.zhao)}?field=phone" in body
    assert f"{reveal_url(world.zhao)}?field=id_number" not in body


def test_roles_that_may_not_reveal_get_no_button(client, world):
    for user, resident in ((world.resident, world.zhao), (world.group_leader, world.li)):
        client.force_login(user)
        body = client.get(reverse("resident_detail", args=[resident.pk])).content.decode()
        assert reveal_url(resident) not in body


def test_the_form_asks_for_a_reason_and_shows_nothing_in_clear(client, world):
    client.force_login(world.staff)
    response = client.get(reveal_url(world.zhao), {"field": "phone"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "电话联系家属" in body and "核对身份" in body and 'name="reason"' in body
    assert ZHAO_PHONE not in body and "138****5678" in body
    assert "<html" not in body  # a fragment for htmx
    assert not reveals().exists()


def test_reveal_shows_the_value_and_records_it_once(client, world):
    response = post(client, world.staff, world.zhao, field="phone", quick="电话联系家属", reason="")
    body = response.content.decode()
    assert response.status_code == 200
    assert ZHAO_PHONE in body and "已记录查看" in body
    assert "no-store" in response["Cache-Control"]
    log = reveals().get()
    assert (log.user, log.action, log.field, log.reason) == (
        world.staff,
        AccessAction.REVEAL,
        "phone",
        "电话联系家属",
    )
    assert log.community == world.community and log.object_type == "registry.resident"
    assert log.object_id == world.zhao.pk and log.ip == "10.1.2.3"
    assert ZHAO_PHONE not in str(log.detail)


def test_quick_choice_and_own_words_are_kept_together(client, world):
    post(client, world.staff, world.zhao, field="id_number", quick="核对身份", reason="办理高龄津贴")
    log = reveals().get()
    assert log.reason == "核对身份：办理高龄津贴" and log.field == "id_number"


def test_a_reveal_without_a_reason_shows_no_value_and_records_nothing(client, world):
    response = post(client, world.staff, world.zhao, field="id_number", reason="   ")
    body = response.content.decode()
    assert response.status_code == 200
    assert "请写明查看理由" in body and world.zhao.id_number not in body
    assert not reveals().exists()


def test_the_building_leader_may_not_reveal_the_id_number(client, world):
    response = post(client, world.building_leader, world.zhao, field="id_number", reason="核对身份")
    assert response.status_code == 403
    assert world.zhao.id_number not in response.content.decode()
    assert not reveals().exists()
    assert post(client, world.building_leader, world.zhao, field="phone", reason="送药").status_code == 200
    assert reveals().get().user == world.building_leader


def test_other_roles_are_refused_and_out_of_scope_is_not_found(client, world):
    assert post(client, world.group_leader, world.li, field="phone", reason="x").status_code == 403
    assert post(client, world.resident, world.zhao, field="phone", reason="x").status_code == 403
    assert post(client, world.outsider, world.zhao, field="phone", reason="x").status_code == 404
    assert post(client, world.street_officer, world.zhao, field="phone", reason="x").status_code == 404
    assert post(client, world.building_leader, world.li, field="phone", reason="x").status_code == 404
    assert not reveals().exists()


def test_an_unknown_field_reveals_nothing(client, world):
    response = post(client, world.staff, world.zhao, field="notes", reason="x")
    assert response.status_code == 404
    client.force_login(world.staff)
    assert client.get(reveal_url(world.zhao), {"field": "password"}).status_code == 404
    assert not reveals().exists()


def test_without_htmx_the_reveal_is_a_whole_page(client, world):
    client.force_login(world.staff)
    response = client.get(reveal_url(world.zhao), {"field": "phone"})
    assert "<html" in response.content.decode() and "no-store" in response["Cache-Control"]
    response = post(client, world.staff, world.zhao, field="phone", reason="电话联系本人")
    assert "<html" in response.content.decode() and ZHAO_PHONE in response.content.decode()
