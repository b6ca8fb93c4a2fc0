"""Vote load benchmark: 200 residents voting at once against Linli served by gunicorn on PostgreSQL.

    python -m bench.vote_load [--users 200] [--voters 2000] [--workers 4] [--floor-seconds 15]

What it does, each part in its own process:

1. setup (Django): a database named linli_bench_vote_load on the PostgreSQL server of DATABASE_URL (default
   postgresql://postgres@127.0.0.1:5432/test), flushed and filled with a generated community, `--voters`
   synthetic adult residents, each with a portal account and a signed-in session, and one open consultation
   of the community's residents (an approve question and a multiple-choice one);
2. gunicorn serves Linli on loopback with production settings (DEBUG off, its own keys);
3. locust (library mode, FastHttpUser) runs `--users` concurrent users: first against the floor endpoint
   (/healthz/: the middleware and one `SELECT 1`) for `--floor-seconds`, then as residents voting — each
   user takes the next unvoted resident's session, opens the ballot page, posts the ballot (must be
   accepted: 302) and posts it again, as an impatient second tap (must be refused: 400 with the
   "只能投一票" message), until every resident has voted;
4. check (Django): ballots in the database against votes accepted, duplicate ballots (voters with more than
   one ballot; the unique constraint makes it 0 whatever the code does), refused attempts logged.

errors = requests with an unexpected answer (5xx, a first ballot not accepted, a second not refused) plus
any difference between ballots stored and ballots accepted. throughput/floor = requests per second while
voting over requests per second on the floor endpoint, with the same users and server.
Last line: `vote load errors=N duplicates=N throughput/floor=X.XX`.
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "linli_bench_vote_load"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
TITLE = "压力测试：小区公共事务意见征询"
REFUSED_AGAIN = "只能投一票"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="concurrent users")
    parser.add_argument("--voters", type=int, default=2000, help="residents who vote (each once)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--floor-seconds", type=float, default=15.0)
    parser.add_argument("--mode", choices=["setup", "check", "drive"], help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode == "setup":
        setup(args.voters)
        return
    if args.mode == "check":
        check()
        return
    if args.mode == "drive":
        drive(args)
        return
    run(args)


def child_env(data_dir: str) -> dict:
    """Production-like settings for both the server and the Django children (same keys in both)."""
    import dj_database_url

    from bench.pages import _ensure_pg_database

    url = os.environ.get("DATABASE_URL", "").strip() or DEFAULT_URL
    if dj_database_url.parse(url)["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("bench.vote_load runs on PostgreSQL: set DATABASE_URL to a postgresql:// address")
    _ensure_pg_database(dj_database_url.parse(url), DATABASE)
    env = {k: v for k, v in os.environ.items() if k not in ("LINLI_TESTING", "DEBUG")}
    env.update(
        DATABASE_URL=f"{url.rsplit('/', 1)[0]}/{DATABASE}",
        DEBUG="0",
        SECRET_KEY="bench-vote-load-not-secret-" + "x" * 40,
        LINLI_FIELD_KEYS="Jm9yLWJlbmNoLW9ubHktbm90LWEtcmVhbC1rZXktISE=",  # a Fernet key for this bench only
        LINLI_HASH_KEY="bench-vote-load-hash-key",
        LINLI_TASKS="immediate",
        LINLI_NOTIFY_CHANNELS="",
        LINLI_DATA_DIR=data_dir,
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="linli.settings",
    )
    return env


def _child(mode: str, env: dict, *extra: str) -> dict:
    child = subprocess.run(
        [sys.executable, "-m", "bench.vote_load", "--mode", mode, *extra],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    result = None
    for line in child.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, flush=True)
    if child.returncode != 0 or result is None:
        raise SystemExit(f"bench.vote_load {mode} failed (exit {child.returncode})")
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def run(args) -> None:
    print(
        f"Linli vote load on PostgreSQL: {args.users} concurrent users, {args.voters:,} residents voting, "
        f"gunicorn with {args.workers} workers",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="linli-bench-vote-load-") as data_dir:
        env = child_env(data_dir)
        plan = _child("setup", env, "--voters", str(args.voters))
        plan_file = Path(data_dir) / "plan.json"
        plan_file.write_text(json.dumps(plan))
        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "linli.wsgi:application",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            _wait_for(f"{host}/healthz/")
            common = ["--users", str(args.users), "--plan", str(plan_file), "--host", host]
            floor = _child("drive", env, *common, "--floor-seconds", str(args.floor_seconds))
            if floor["errors"]:
                print(f"the floor endpoint answered {floor['errors']} requests wrongly")
        finally:
            server.terminate()
            server.wait(timeout=30)
        checked = _child("check", env)
    votes = floor["votes"]
    print(
        f"floor  /healthz/: {floor['floor_requests']:,} requests in {floor['floor_seconds']:.1f} s = "
        f"{floor['floor_rps']:,.0f} req/s"
    )
    print(
        f"voting: {votes['requests']:,} requests ({votes['accepted']:,} ballots accepted, "
        f"{votes['refused_again']:,} second taps refused) in {votes['seconds']:.1f} s = "
        f"{votes['rps']:,.0f} req/s, {votes['accepted'] / votes['seconds']:,.0f} ballots/s; "
        f"median {votes['median_ms']:.0f} ms, 95th percentile {votes['p95_ms']:.0f} ms"
    )
    print(
        f"database: {checked['ballots']:,} ballots from {checked['voters_with_ballot']:,} voters, "
        f"{checked['duplicates']} duplicates, {checked['refusals_logged']:,} refused attempts logged"
    )
    errors = votes["errors"] + floor["errors"] + abs(checked["ballots"] - votes["accepted"])
    if votes["error_samples"]:
        print("first errors: " + "; ".join(votes["error_samples"]))
    ratio = votes["rps"] / floor["floor_rps"]
    print(f"vote load errors={errors} duplicates={checked['duplicates']} throughput/floor={ratio:.2f}")


# ── Django children ──────────────────────────────────────────────────────────────────────────────────


def setup(voters: int) -> None:
    import datetime as dt

    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from linli.core.models import Membership, Role, User
    from linli.deliberation.models import Choice, Consultation, Question, Voter
    from linli.deliberation.services_votes import electorate_rows
    from linli.portal.services import PORTAL_BACKEND
    from linli.registry import demo
    from linli.registry.models import Household, Resident

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command(
        "collectstatic", interactive=False, verbosity=0
    )  # DEBUG is off: gunicorn serves the manifest
    call_command("flush", interactive=False, verbosity=0)
    import dataclasses

    demo.PRESETS["bench_vote_load"] = dataclasses.replace(
        demo.BAOHONG,
        name="压力测试社区",
        estate="压力测试社区",
        residents=200,
        households=None,
        migrants=None,
    )
    community = demo.build(preset="bench_vote_load", users=False).communities[0].community
    households = list(Household.objects.filter(community=community))
    now = timezone.now()
    with transaction.atomic():
        Resident.objects.filter(community=community).update(
            birth_date=dt.date(2015, 1, 1)
        )  # children: no vote
        users = User.objects.bulk_create(
            [User(username=f"bench-jm{i}", display_name=f"压测居民{i}", password="!") for i in range(voters)],
            batch_size=2000,
        )
        residents = Resident.objects.bulk_create(
            [
                Resident(
                    community=community,
                    household=households[i % len(households)],
                    user=users[i],
                    name=f"压测居民{i}",
                    name_pinyin=f"yacejumin{i}",
                    name_initials="ycjm",
                    gender="M" if i % 2 else "F",
                    birth_date=dt.date(1940 + i % 45, 1 + i % 12, 1 + i % 28),
                )
                for i in range(voters)
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, role=Role.RESIDENT, community=community, household_id=r.household_id)
                for u, r in zip(users, residents, strict=True)
            ],
            batch_size=2000,
        )
        consultation = Consultation.objects.create(
            community=community,
            title=TITLE,
            electorate="residents",
            weighting="headcount",
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=7),
        )
        fields = {}
        for position, (text, kind, options) in enumerate(
            [
                ("是否同意在小区东门增设非机动车充电棚？", "approve", ["同意", "不同意", "弃权"]),
                ("您希望充电棚建在哪里？（可多选）", "multiple", ["东门", "3号楼旁", "健身点旁"]),
            ],
            start=1,
        ):
            q = Question.objects.create(
                community=community,
                consultation=consultation,
                position=position,
                text=text,
                kind=kind,
            )
            choices = [
                Choice.objects.create(
                    community=community,
                    question=q,
                    position=p,
                    text=t,
                    in_favour=(kind == "approve" and p == 1),
                )
                for p, t in enumerate(options, start=1)
            ]
            fields[f"q_{q.pk}"] = [c.pk for c in choices]
        Voter.objects.bulk_create(electorate_rows(consultation, today=timezone.localdate()))
        consultation.status = "open"
        consultation.opened_at = now
        consultation.save(update_fields=["status", "opened_at"])
        sessions, plan_sessions = [], []
        for u, r in zip(users, residents, strict=True):
            store = SessionStore()
            key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
            data = {
                "_auth_user_id": str(u.pk),
                "_auth_user_backend": PORTAL_BACKEND,
                "_auth_user_hash": u.get_session_auth_hash(),
                "portal_resident_id": r.pk,
                "portal_method": "sms",
            }
            sessions.append(
                Session(
                    session_key=key, session_data=store.encode(data), expire_date=now + dt.timedelta(hours=8)
                )
            )
            plan_sessions.append([key, get_random_string(32)])
        Session.objects.bulk_create(sessions, batch_size=2000)
    electorate = consultation.voters.count()
    print(
        f"set up {voters:,} voting residents ({electorate:,} voters) in {time.perf_counter() - started:.0f} s"
    )
    print(
        "RESULT " + json.dumps({"consultation": consultation.pk, "fields": fields, "sessions": plan_sessions})
    )


def check() -> None:
    import django

    django.setup()
    from django.db.models import Count

    from linli.deliberation.models import Ballot, Consultation, VoteAttemptLog

    consultation = Consultation.objects.get(title=TITLE)
    ballots = Ballot.objects.filter(consultation=consultation)
    per_voter = ballots.values("voter_id").annotate(n=Count("id"))
    result = {
        "ballots": ballots.count(),
        "voters_with_ballot": per_voter.count(),
        "duplicates": sum(row["n"] - 1 for row in per_voter if row["n"] > 1),
        "refusals_logged": VoteAttemptLog.objects.filter(consultation=consultation).count(),
    }
    print("RESULT " + json.dumps(result))


# ── The load driver (gevent: its own process) ───────────────────────────────────────────────────────


def drive(args) -> None:
    import gevent
    from locust import FastHttpUser, constant, task
    from locust.env import Environment
    from locust.exception import StopUser

    plan = json.loads(Path(args.plan).read_text())
    token_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    vote_path = f"/portal/votes/{plan['consultation']}/"
    queue = list(reversed(plan["sessions"]))
    tally = {"accepted": 0, "refused_again": 0, "errors": 0, "samples": [], "done": 0}

    def error(what: str) -> None:
        tally["errors"] += 1
        if len(tally["samples"]) < 5:
            tally["samples"].append(what)

    class Floor(FastHttpUser):
        wait_time = constant(0)

        @task
        def healthz(self):
            with self.client.get("/healthz/", catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
                    error(f"healthz {response.status_code}")

    class Resident(FastHttpUser):
        wait_time = constant(0)

        @task
        def vote(self):
            if not queue:
                tally["done"] += 1
                raise StopUser
            session_key, csrf = queue.pop()
            self.client.cookiejar.clear()
            headers = {
                "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                "Referer": args.host + vote_path,
            }
            with self.client.get(vote_path, headers=headers, catch_response=True, name="ballot page") as page:
                found = token_re.search(page.text or "") if page.status_code == 200 else None
                if found is None:
                    page.failure(f"status {page.status_code}")
                    error(f"ballot page {page.status_code}")
                    return
            body = {"csrfmiddlewaretoken": found.group(1)}
            for i, (field, choices) in enumerate(plan["fields"].items()):
                body[field] = choices[(ord(session_key[0]) + i) % len(choices)]
            for attempt in ("ballot", "second tap"):
                with self.client.post(
                    vote_path,
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                    catch_response=True,
                    name=attempt,
                ) as response:
                    if attempt == "ballot" and response.status_code == 302:
                        tally["accepted"] += 1
                    elif (
                        attempt == "second tap"
                        and response.status_code == 400
                        and REFUSED_AGAIN in (response.text or "")
                    ):
                        tally["refused_again"] += 1
                    else:
                        response.failure(f"status {response.status_code}")
                        error(f"{attempt} {response.status_code}")

    def load(user_class, until):
        environment = Environment(user_classes=[user_class], host=args.host)
        runner = environment.create_local_runner()
        started = time.perf_counter()
        runner.start(args.users, spawn_rate=args.users)
        while not until(started):
            gevent.sleep(0.1)
        runner.quit()
        seconds = time.perf_counter() - started
        return environment.stats.total, seconds

    total, seconds = load(Floor, lambda started: time.perf_counter() - started >= args.floor_seconds)
    floor = {
        "floor_requests": total.num_requests,
        "floor_seconds": seconds,
        "floor_rps": total.num_requests / seconds,
    }
    floor_errors = tally["errors"]
    tally["errors"] = 0
    total, seconds = load(
        Resident, lambda started: tally["done"] >= args.users or time.perf_counter() - started > 900
    )
    votes = {
        "requests": total.num_requests,
        "seconds": seconds,
        "rps": total.num_requests / seconds,
        "accepted": tally["accepted"],
        "refused_again": tally["refused_again"],
        "errors": tally["errors"],
        "error_samples": tally["samples"],
        "median_ms": total.get_response_time_percentile(0.5) or 0,
        "p95_ms": total.get_response_time_percentile(0.95) or 0,
    }
    print("RESULT " + json.dumps({**floor, "errors": floor_errors, "votes": votes}))


if __name__ == "__main__":
    main()
