"""A known ID number (赵阿姨's) and phone never appear in clear where they should not:

(a) in the database, after a day's work on the registry (a dump on SQLite; every text, json and binary
    column of every table on PostgreSQL), nor in the sessions;
(b) in the logs, at DEBUG with SQL logging on, through page views, API calls, a refused registration with
    that ID, a search by it and a reveal (whose own logs must not carry the value either);
(c) in any page or API response for any role — walking every named page and every API path like the scope
    matrix does. A clear value may appear only in a response that recorded itself in the access log as a
    reveal or export, for a role that may reveal that field (staff's reveal, a building leader's phone).
"""

import datetime as dt
import logging

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from linli.core.models import AccessAction, AccessLog
from linli.registry.privacy import may_reveal
from tests.factories import make_id_number
from tests.test_scope_matrix import ROLES, combinations, page_routes, readable

ZHAO_PHONE = "13812345678"
LOGGED_KINDS = {AccessAction.REVEAL, AccessAction.EXPORT, AccessAction.PERSON_EXPORT}
TEXT_TYPES = {"text", "character varying", "character", "json", "jsonb", "bytea"}


def database_text() -> str:
    """Everything the test database holds, as text to search, on SQLite and on PostgreSQL alike.

    Binary values are added both as Latin-1 text and in hex (a dump writes blobs in hex), and sessions
    are decoded (their data is signed base64, not encrypted)."""
    parts: list[str] = []
    if connection.vendor == "sqlite":
        parts.extend(connection.connection.iterdump())
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
            )
            columns = [row for row in cursor.fetchall() if row[2] in TEXT_TYPES]
            quote = connection.ops.quote_name
            for table, column, data_type in columns:
                cast = "" if data_type == "bytea" else "::text"
                cursor.execute(f"SELECT {quote(column)}{cast} FROM {quote(table)}")  # noqa: S608
                for (value,) in cursor.fetchall():
                    if value is None:
                        continue
                    if data_type == "bytea":
                        raw = bytes(value)
                        parts.extend((raw.decode("latin-1"), raw.hex()))
                    else:
                        parts.append(value)
    for session in Session.objects.all():
        parts.append(str(SessionStore().decode(session.session_data)))
    return "\n".join(parts)


def assert_absent(text: str, *values: str) -> None:
    for value in values:
        for form in (value, value.encode().hex(), value.encode().hex().upper()):
            assert form not in text, f"{value} found in clear"


def a_days_work(client, world) -> None:
    """Pages, API calls, a search by number, a refused registration with 赵阿姨's ID, and two reveals."""
    client.force_login(world.staff)
    client.get(reverse("resident_list", args=[world.community.pk]), {"q": world.zhao.id_number})
    client.get(reverse("resident_list", args=[world.community.pk]), {"q": ZHAO_PHONE})
    client.get(reverse("resident_detail", args=[world.zhao.pk]))
    client.get(reverse("resident_history", args=[world.zhao.pk]))
    client.get(reverse("community_audit", args=[world.community.pk]))
    client.get(f"/api/v1/residents/{world.zhao.pk}")
    client.post(
        f"/api/v1/communities/{world.community.pk}/residents/search",
        {"q": world.zhao.id_number},
        content_type="application/json",
    )
    refused = client.post(
        reverse("resident_create", args=[world.community.pk]),
        {
            "flat": world.flat_102.pk,
            "tenure": "owner",
            "name": "冒名者",
            "gender": "F",
            "birth_date": "1948-03-02",
            "id_type": "ric",
            "id_number": world.zhao.id_number,  # she already lives in 101
            "phone": ZHAO_PHONE,
            "registration_type": "local",
            "relation": "head",
        },
    )
    assert refused.status_code == 200 and "已登记在住" in refused.content.decode()
    wrong_birth = client.post(
        f"/api/v1/communities/{world.community.pk}/residents",
        {
            "flat_id": world.flat_102.pk,
            "name": "冒名者",
            "gender": "F",
            "birth_date": "1950-01-01",
            "id_number": world.zhao.id_number,
        },
        content_type="application/json",
    )
    assert wrong_birth.status_code == 422
    assert_absent(readable(wrong_birth), world.zhao.id_number)
    client.patch(
        f"/api/v1/residents/{world.zhao.pk}", {"notes": "女儿每周来"}, content_type="application/json"
    )
    born = dt.date(1990, 5, 5)
    client.post(
        f"/api/v1/communities/{world.community.pk}/residents",
        {
            "flat_id": world.flat_102.pk,
            "name": "新住户",
            "gender": "M",
            "birth_date": born.isoformat(),
            "id_number": make_id_number(born, "M", seq=5),
        },
        content_type="application/json",
    )
    page = client.post(
        reverse("resident_reveal", args=[world.zhao.pk]), {"field": "id_number", "reason": "核对身份"}
    )
    assert world.zhao.id_number in page.content.decode()
    api = client.post(
        f"/api/v1/residents/{world.zhao.pk}/reveal",
        {"field": "phone", "reason": "电话联系家属"},
        content_type="application/json",
    )
    assert api.json()["value"] == ZHAO_PHONE
    client.logout()
    failed = client.post(reverse("login"), {"username": "staff", "password": "not-the-password"})
    assert failed.status_code == 200 and AccessLog.objects.filter(action=AccessAction.SIGN_IN_FAILED).exists()


def test_the_database_never_holds_the_id_or_phone_in_clear(client, world):
    a_days_work(client, world)
    dump = database_text()
    assert "赵阿姨" in dump and "核对身份" in dump  # the dump does hold the data around them
    assert_absent(dump, world.zhao.id_number, ZHAO_PHONE)


def test_the_dump_helper_would_find_a_clear_value(world):
    # The helper must be able to fail: a value stored in clear anywhere (a text column, json) is found.
    AccessLog.objects.create(
        action=AccessAction.REVEAL, reason=world.zhao.id_number, detail={"x": ZHAO_PHONE}
    )
    dump = database_text()
    assert world.zhao.id_number in dump and ZHAO_PHONE in dump


def test_the_logs_never_carry_the_id_or_phone(client, world, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own default config holds it at INFO
    connection.force_debug_cursor = True  # SQL with its parameters goes to the log too
    try:
        a_days_work(client, world)
    finally:
        connection.force_debug_cursor = False
    assert any(r.name == "django.db.backends" for r in caplog.records)  # the SQL was logged
    assert_absent(caplog.text, world.zhao.id_number, ZHAO_PHONE)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_api_response_shows_them_unless_it_was_a_logged_reveal(world, client, role):
    user = getattr(world, role)
    client.force_login(world.superuser)
    schema = client.get("/api/v1/openapi.json").json()
    client.force_login(user)
    secrets = {"id_number": world.zhao.id_number, "phone": ZHAO_PHONE}
    checked = 0

    def check(response, where: str) -> None:
        text = readable(response)
        shown = {field for field, value in secrets.items() if value in text}
        if shown:
            logged = AccessLog.objects.filter(user=user, action__in=LOGGED_KINDS).exists()
            assert logged, f"{role} {where} shows {shown} in clear without an access log entry"
            allowed = {f for f in shown if may_reveal(user, world.zhao, f)}
            assert allowed == shown, f"{role} {where} shows {shown - allowed}, which the role may not reveal"
        AccessLog.objects.filter(action__in=LOGGED_KINDS).delete()

    for name, params in page_routes():
        for kwargs, _allowed in combinations(world, params):
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                check(getattr(client, method)(url), f"{method.upper()} {url}")
                checked += 1
                client.force_login(user)
    for path, operations in schema["paths"].items():
        params = sorted(part[1:-1] for part in path.split("/") if part.startswith("{"))
        for kwargs, _allowed in combinations(world, params):
            url = path.format(**kwargs)
            for method in operations:
                if method == "get":
                    response = client.get(url)
                elif method in {"post", "put", "patch", "delete"}:
                    response = getattr(client, method)(url, data={}, content_type="application/json")
                else:
                    continue
                check(response, f"{method.upper()} {url}")
                checked += 1
    assert checked > 50
    # And the reveals themselves, by every role: the value comes back only where the role may see it.
    for field in secrets:
        page = client.post(
            reverse("resident_reveal", args=[world.zhao.pk]), {"field": field, "reason": "核对"}
        )
        check(page, f"reveal page {field}")
        api = client.post(
            f"/api/v1/residents/{world.zhao.pk}/reveal",
            {"field": field, "reason": "核对"},
            content_type="application/json",
        )
        check(api, f"reveal API {field}")
        assert (secrets[field] in readable(api)) is may_reveal(user, world.zhao, field)
