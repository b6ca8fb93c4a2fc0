"""The scope matrix (tests/test_scope_matrix.py) over the party pages and API, with party members in the
world: the shared world has none, so only here would a party page that leaks a member outside a role's
scope (a building leader seeing building 2's 李大爷, an outsider seeing 测试一村) be caught."""

import itertools

import pytest
from django.urls import reverse

from tests import test_scope_matrix as matrix
from tests.test_party_world import party_setup


def party_pages():
    return [(n, p) for n, p in matrix.page_routes() if n.startswith("party_") or n == "branch_detail"]


def party_api_paths(client, world) -> dict[str, list[str]]:
    client.force_login(world.superuser)
    schema = client.get("/api/v1/openapi.json").json()
    client.logout()
    return {
        path: [m for m in operations if m in {"get", "post", "put", "patch", "delete"}]
        for path, operations in schema["paths"].items()
        if "/party/" in path
    }


def check(response, role, allowed, params, what):
    assert response.status_code < 500, f"{role} {what}: {response.status_code}"
    if role not in allowed and params:
        assert response.status_code in (403, 404, 405), f"{role} {what} answered {response.status_code}"
    leaks = matrix.leaked_names(matrix.readable(response), role)
    assert not leaks, f"{role} {what} shows {leaks}"


def test_the_walk_finds_the_party_pages_and_endpoints(world, client):
    names = {n for n, _ in party_pages()}
    assert {"party_member_list", "party_medal_candidates", "branch_detail", "party_in_service_list"} <= names
    assert len(party_api_paths(client, world)) >= 5


@pytest.mark.parametrize("role", matrix.ROLES)
def test_party_pages_never_leave_the_scope(world, client, role):
    party_setup(world)
    client.force_login(getattr(world, role))
    for name, params in party_pages():
        for kwargs, allowed in matrix.combinations(world, params):
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                check(getattr(client, method)(url), role, allowed, params, f"{method.upper()} {url}")


@pytest.mark.parametrize("role", matrix.ROLES)
def test_party_api_never_leaves_the_scope(world, client, role):
    party_setup(world)
    paths = party_api_paths(client, world)
    client.force_login(getattr(world, role))
    for path, methods in paths.items():
        params = sorted(part[1:-1] for part in path.split("/") if part.startswith("{"))
        for kwargs, allowed in matrix.combinations(world, params):
            url = path.format(**kwargs)
            for method in methods:
                response = (
                    client.get(url)
                    if method == "get"
                    else getattr(client, method)(url, data={}, content_type="application/json")
                )
                check(response, role, allowed, params, f"{method.upper()} {url}")


def test_anonymous_is_sent_to_sign_in(world, client):
    for name, params in party_pages():
        for kwargs, _ in itertools.islice(matrix.combinations(world, params), 1):
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
    assert client.get(f"/api/v1/communities/{world.community.pk}/party/members").status_code == 401
