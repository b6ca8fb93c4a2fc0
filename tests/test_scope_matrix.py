"""Every role × every page and API path: nothing outside the role's scope is ever returned.

The matrix is built by walking the URL conf and the OpenAPI schema, so a page or endpoint added later
joins it without anyone remembering to. A new URL parameter name fails the walk until the table of
sample objects below learns it.

For each role and each URL, with every sample object substituted for the URL's parameters:
- an object outside the role's scope gives 403 or 404 (GET and POST), never a page;
- no response ever contains the name of a resident the role may not see (tests/conftest.py VISIBLE);
- no response is a server error;
- anonymous users are sent to sign in (pages) or get 401 (API).
The positive side — each role does see what it should — is checked at the end for the main pages.
"""

import datetime as dt
import itertools
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from linli.registry.models import Consent, ImportJob
from tests.conftest import ALL_NAMES, VISIBLE

ROLES = sorted(VISIBLE)
SKIPPED_NAMESPACES = {"admin", "api"}  # the admin is for superusers; the API is walked through its schema
# set_language is Django's language switch: anyone may use it (the sign-in page has it), and it only
# sets a cookie and redirects back, never to the sign-in page.
PUBLIC_PAGES = {"login", "help", "set_language"}


def page_routes() -> list[tuple[str, list[str]]]:
    """(url name, parameter names) for every named page outside the skipped namespaces."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                assert p.name, f"every page needs a URL name to join the scope matrix: {p.pattern}"
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append((name, sorted(p.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


def samples(world) -> dict[str, list[tuple[object, set[str]]]]:
    """For each URL parameter name: sample objects and the roles that may see each one."""
    staff_leader_group = {"staff", "building_leader", "group_leader"}
    return {
        "community_id": [
            (world.community, staff_leader_group),
            (world.neighbour, {"outsider"}),
            (world.far, set()),
        ],
        "street_id": [(world.street, {"street_officer"}), (world.other_street, set())],
        "building_id": [
            (world.building_1, {"staff", "building_leader"}),
            (world.building_2, {"staff"}),
            (world.wu.household.flat.building, {"outsider"}),
            (world.zheng.household.flat.building, set()),
        ],
        "household_id": [
            (world.own_household, {"staff", "building_leader", "resident"}),
            (world.sun.household, {"staff", "building_leader"}),
            (world.li.household, {"staff"}),
            (world.wu.household, {"outsider"}),
            (world.zheng.household, set()),
        ],
        "resident_id": [
            (r, {role for role, names in VISIBLE.items() if r.name in names}) for r in world.residents
        ],
        # A consent is seen where its person's record is kept: staff, the building's leaders, the
        # household; never a group leader (li is in the group, his consent is not the group's business).
        "consent_id": [
            (_consent(world, world.zhao), {"staff", "building_leader", "resident"}),
            (_consent(world, world.li), {"staff"}),
            (_consent(world, world.wu), {"outsider"}),
            (_consent(world, world.zheng), set()),
        ],
        # A ledger import belongs to its community's staff, who alone may import (registry/ledger/).
        "job_id": [
            (_import_job(world, world.community), {"staff"}),
            (_import_job(world, world.neighbour), {"outsider"}),
            (_import_job(world, world.far), set()),
        ],
    }


def _consent(world, resident) -> Consent:
    """One consent per sample resident, made once per test world (samples() runs for every URL)."""
    made = world.__dict__.setdefault("_matrix_consents", {})
    if resident.pk not in made:
        made[resident.pk] = Consent.objects.create(
            community=resident.community, resident=resident, purpose="registry", given_on=dt.date(2024, 1, 1)
        )
    return made[resident.pk]


def _import_job(world, community) -> ImportJob:
    """One checked ledger import per community, made once per test world."""
    made = world.__dict__.setdefault("_matrix_import_jobs", {})
    if community.pk not in made:
        made[community.pk] = ImportJob.objects.create(
            community=community, file_name="台账.xlsx", status="checked", report={"counts": {"rows": 0}}
        )
    return made[community.pk]


def combinations(world, params: list[str]):
    """Every assignment of sample objects to the parameters, with the roles that may see all of them."""
    table = samples(world)
    for name in params:
        assert name in table, f"URL parameter {name!r} is unknown to the scope matrix: add samples for it"
    choices = [table[name] for name in params]
    for combo in itertools.product(*choices):
        kwargs = {name: obj.pk for name, (obj, _) in zip(params, combo, strict=True)}
        allowed = set(ROLES)
        for _, roles in combo:
            allowed &= roles
        yield kwargs, allowed


def leaked_names(body: str, role: str) -> set[str]:
    return {name for name in ALL_NAMES - VISIBLE[role] if name in body}


def readable(response) -> str:
    """Response text with JSON unescaped, so a name cannot hide as \\uXXXX."""
    content = response.content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            return content
    return content


def test_matrix_walks_the_main_pages():
    names = {name for name, _ in page_routes()}
    # A guard against the walk silently finding nothing (e.g. after a URL conf refactor).
    assert {"home", "community_home", "resident_list", "resident_detail", "building_detail"} <= names


@pytest.mark.parametrize("role", ROLES)
def test_pages_never_leave_the_scope(world, client, role):
    user = getattr(world, role)
    client.force_login(user)
    checked = 0
    for name, params in page_routes():
        for kwargs, allowed in combinations(world, params):
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                checked += 1
                assert response.status_code < 500, f"{role} {method.upper()} {url}: {response.status_code}"
                if role not in allowed and params:
                    assert response.status_code in (403, 404, 405), (
                        f"{role} {method.upper()} {url} is outside the scope but answered {response.status_code}"
                    )
                leaks = leaked_names(readable(response), role)
                assert not leaks, f"{role} {method.upper()} {url} shows {leaks}"
                client.force_login(user)  # a POST to sign-out must not turn the rest of the walk anonymous
    assert checked > 20


@pytest.mark.parametrize("role", ROLES)
def test_api_never_leaves_the_scope(world, client, role):
    client.force_login(world.superuser)
    schema = client.get("/api/v1/openapi.json").json()
    client.logout()
    client.force_login(getattr(world, role))
    checked = 0
    for path, operations in schema["paths"].items():
        params = sorted(part[1:-1] for part in path.split("/") if part.startswith("{"))
        for kwargs, allowed in combinations(world, params):
            url = path.format(**kwargs)
            for method in operations:
                if method not in {"get", "post", "put", "patch", "delete"}:
                    continue
                response = (
                    getattr(client, method)(url, data={}, content_type="application/json")
                    if method != "get"
                    else client.get(url)
                )
                checked += 1
                assert response.status_code < 500, f"{role} {method.upper()} {url}: {response.status_code}"
                if role not in allowed and params:
                    assert response.status_code in (403, 404, 405), (
                        f"{role} {method.upper()} {url} is outside the scope but answered {response.status_code}"
                    )
                leaks = leaked_names(readable(response), role)
                assert not leaks, f"{role} {method.upper()} {url} shows {leaks}"
    assert checked > 10


def test_anonymous_is_sent_to_sign_in(world, client):
    for name, params in page_routes():
        if name in PUBLIC_PAGES:
            continue
        for kwargs, _ in itertools.islice(combinations(world, params), 1):
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_anonymous_api_gets_401(world, client):
    client.force_login(world.superuser)
    schema = client.get("/api/v1/openapi.json").json()
    client.logout()
    for path, operations in schema["paths"].items():
        params = sorted(part[1:-1] for part in path.split("/") if part.startswith("{"))
        for kwargs, _ in itertools.islice(combinations(world, params), 1):
            for method in operations:
                url = path.format(**kwargs)
                response = getattr(client, method)(url)
                assert response.status_code == 401, (
                    f"anonymous {method.upper()} {url}: {response.status_code}"
                )


# The positive side: each role sees what it should.
EXPECTED_PAGES = {
    "staff": [
        ("community_home", "community"),
        ("resident_list", "community"),
        ("building_detail", "building_1"),
        ("building_detail", "building_2"),
        ("household_detail", "own_household"),
        ("resident_detail", "li"),
    ],
    "building_leader": [
        ("community_home", "community"),
        ("resident_list", "community"),
        ("building_detail", "building_1"),
        ("resident_detail", "sun"),
    ],
    "group_leader": [("resident_list", "community"), ("resident_detail", "li")],
    "resident": [("household_detail", "own_household"), ("resident_detail", "qian")],
    "street_officer": [("street_overview", "street")],
    "outsider": [("resident_detail", "wu")],
}
PARAM_OF = {
    "community": "community_id",
    "street": "street_id",
    "building": "building_id",
    "household": "household_id",
    "resident": "resident_id",
}


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_each_role_sees_its_own_pages(world, client, role):
    client.force_login(getattr(world, role))
    bodies = []
    for name, attr in EXPECTED_PAGES[role]:
        obj = getattr(world, attr)
        response = client.get(reverse(name, kwargs={PARAM_OF[type(obj).__name__.lower()]: obj.pk}))
        assert response.status_code == 200, f"{role} {name} {attr}: {response.status_code}"
        bodies.append(readable(response))
    seen = {name for name in ALL_NAMES if any(name in body for body in bodies)}
    assert seen == VISIBLE[role]


def test_staff_resident_list_shows_every_current_resident_of_the_community(world, client):
    client.force_login(world.staff)
    body = client.get(reverse("resident_list", kwargs={"community_id": world.community.pk})).content.decode()
    assert all(name in body for name in VISIBLE["staff"])


def test_building_leader_resident_list_shows_exactly_their_buildings(world, client):
    client.force_login(world.building_leader)
    body = client.get(reverse("resident_list", kwargs={"community_id": world.community.pk})).content.decode()
    assert {n for n in ALL_NAMES if n in body} == VISIBLE["building_leader"]


def test_street_officer_sees_figures_of_its_communities(world, client):
    client.force_login(world.street_officer)
    body = client.get(reverse("street_overview", kwargs={"street_id": world.street.pk})).content.decode()
    assert "测试一村" in body and "测试二村" in body and "远方家园" not in body
