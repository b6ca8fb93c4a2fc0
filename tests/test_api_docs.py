"""The schema and the interactive docs, which must work on a closed network (no CDN)."""

import re
from urllib.parse import urlparse

PATHS = {
    "/api/v1/me",
    "/api/v1/communities",
    "/api/v1/streets/{street_id}/communities",
    "/api/v1/communities/{community_id}",
    "/api/v1/communities/{community_id}/buildings",
    "/api/v1/buildings/{building_id}",
    "/api/v1/households/{household_id}",
    "/api/v1/communities/{community_id}/residents",
    "/api/v1/residents/{resident_id}",
    "/api/v1/residents/{resident_id}/move-out",
}


def test_openapi_lists_the_paths(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Linli 邻里 API"
    assert set(schema["paths"]) >= PATHS
    residents = schema["paths"]["/api/v1/communities/{community_id}/residents"]
    assert {"get", "post"} <= set(residents)
    assert set(schema["paths"]["/api/v1/residents/{resident_id}"]) == {"get", "patch"}


def test_bodies_read_after_the_scope_check_are_still_documented(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/communities/{community_id}/residents"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"flat_id", "name", "gender", "birth_date"} <= set(body["required"])
    patch = schema["paths"]["/api/v1/residents/{resident_id}"]["patch"]
    assert "required" not in patch["requestBody"]["content"]["application/json"]["schema"]


def test_both_ways_of_signing_in_are_documented(db, client):
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme") or s.get("in")) for s in schemes.values()}
    assert kinds == {("http", "bearer"), ("apiKey", "cookie")}


def test_docs_page_loads_nothing_from_another_host(db, client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert any(ref.endswith("swagger-ui-bundle.js") for ref in refs)
    for ref in refs:
        parsed = urlparse(ref)
        assert not parsed.scheme and not parsed.netloc, f"external asset: {ref}"
        assert ref.startswith("/static/"), ref
    assert "cdn.jsdelivr.net" not in html
    assert '"validatorUrl": null' in html  # no schema sent to validator.swagger.io


def test_docs_assets_are_served_locally(db, client):
    html = client.get("/api/v1/docs").content.decode()
    for ref in re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="(/static/[^"]+)"', html):
        response = client.get(ref)
        assert response.status_code == 200, ref
