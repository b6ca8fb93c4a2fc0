"""/healthz/ for a load balancer or monitor (and the floor endpoint of bench.vote_load): public, answers
200 when the database answers, 503 when it does not, and shows nothing of anyone."""

from django.db import DatabaseError


def test_healthz_answers_ok_without_a_sign_in(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "sessionid" not in response.cookies


def test_healthz_says_when_the_database_is_unreachable(client, db, monkeypatch):
    from linli.core import views

    class Broken:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", Broken())
    response = client.get("/healthz/")
    assert response.status_code == 503
