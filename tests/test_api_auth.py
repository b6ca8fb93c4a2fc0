"""Who may call the API: a bearer token or a signed-in session (with CSRF on writes); nobody else."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from linli.core.models import ApiToken
from linli.core.tokens import token_create, token_user
from linli.registry.models import Resident

ME = "/api/v1/me"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def new_resident(world) -> dict:
    return {"flat_id": world.flat_102.pk, "name": "冯新来", "gender": "M", "birth_date": "1956-03-02"}


def test_anonymous_gets_401_in_chinese(world, client):
    response = client.get(ME)
    assert response.status_code == 401
    assert "请先登录" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_anonymous_post_gets_401_not_a_csrf_error(world):
    client = Client(enforce_csrf_checks=True)
    url = f"/api/v1/communities/{world.community.pk}/residents"
    response = client.post(url, new_resident(world), content_type="application/json")
    assert response.status_code == 401


def test_bearer_token_authenticates(world, client):
    token = token_create(world.staff, "报表同步")
    response = client.get(ME, **bearer(token))
    assert response.status_code == 200
    assert response.json()["username"] == "staff"


def test_wrong_token_gets_401(world, client):
    token = token_create(world.staff, "报表同步")
    for wrong in (token[:-1] + ("A" if token[-1] != "A" else "B"), "linli_nonsense", "", "x" * 500):
        response = client.get(ME, **bearer(wrong))
        assert response.status_code == 401, wrong


def test_token_of_an_inactive_user_gets_401(world, client):
    token = token_create(world.staff, "报表同步")
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    assert client.get(ME, **bearer(token)).status_code == 401


def test_only_the_hash_of_a_token_is_stored(world):
    token = token_create(world.staff, "报表同步")
    row = ApiToken.objects.get(user=world.staff)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {row.token_hash, row.name}


def test_last_used_is_written_at_most_once_a_minute(world):
    token = token_create(world.staff, "报表同步")
    start = timezone.now()
    assert token_user(token, now=start) == world.staff
    assert ApiToken.objects.get().last_used_at == start
    token_user(token, now=start + dt.timedelta(seconds=30))
    assert ApiToken.objects.get().last_used_at == start
    later = start + dt.timedelta(seconds=61)
    token_user(token, now=later)
    assert ApiToken.objects.get().last_used_at == later


def test_token_scope_is_the_users_scope(world, client):
    token = token_create(world.building_leader, "楼组长手机")
    response = client.get(f"/api/v1/residents/{world.li.pk}", **bearer(token))
    assert response.status_code == 404


def test_token_write_needs_no_csrf_and_records_the_user_in_history(world):
    client = Client(enforce_csrf_checks=True)
    token = token_create(world.staff, "导入脚本")
    url = f"/api/v1/communities/{world.community.pk}/residents"
    response = client.post(url, new_resident(world), content_type="application/json", **bearer(token))
    assert response.status_code == 201, response.content
    record = Resident.history.get(id=response.json()["id"], history_type="+")
    assert record.history_user == world.staff


def test_session_write_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    url = f"/api/v1/communities/{world.community.pk}/residents"
    response = client.post(url, new_resident(world), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Resident.objects.filter(name="冯新来").exists()


def test_session_write_with_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    client.get("/api/v1/docs")  # sets the CSRF cookie, as the browser's first page would
    csrf = client.cookies["csrftoken"].value
    url = f"/api/v1/communities/{world.community.pk}/residents"
    response = client.post(url, new_resident(world), content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content


def test_session_reads_need_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.staff)
    assert client.get(ME).status_code == 200


def test_api_token_command_prints_a_working_token(world, client):
    out, err = StringIO(), StringIO()
    call_command("api_token", "staff", "区级报表", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert token.startswith("linli_")
    assert "只显示这一次" in err.getvalue()
    assert ApiToken.objects.get(user=world.staff).name == "区级报表"
    assert client.get(ME, **bearer(token)).json()["username"] == "staff"


def test_api_token_command_refuses_an_unknown_user(world):
    with pytest.raises(CommandError, match="找不到用户"):
        call_command("api_token", "nobody", "报表", stdout=StringIO(), stderr=StringIO())
