"""Tally benchmark: Linli's tally of a 100,000-ballot consultation next to a bare SQL aggregate.

    python -m bench.votes [--ballots 100000] [--repeat 3]

Builds (once per database) a small generated community and, with bulk_create, as many extra synthetic
residents as ballots, one consultation over all of them (two approve questions), a Voter per resident, a
Ballot per voter and an Answer per ballot and question. Then times, best of the repeats:

- Linli: `selectors_votes.compute_tally`, what the tally page and the API run for staff (all its queries
  and the exact-fraction counting in `deliberation.tally`);
- SQL: one `SELECT question_id, choice_id, count(*), sum(weight) … GROUP BY` through the cursor.

Both must give the same votes and weights per choice (asserted). The database is a temporary SQLite file,
or, when DATABASE_URL points at PostgreSQL, a database named linli_bench_votes on that server (created if
missing, reused when it already holds the consultation). Last line: `tally/sql: X.XX`. Target: at most 5.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY = "表决基准社区"
TITLE = "表决基准：全区意见征询"
DATABASE = "linli_bench_votes"


def bench_env(data_dir: str) -> dict:
    env = dict(os.environ, LINLI_TESTING="1", DEBUG="0", PYTHONPATH=str(ROOT), LINLI_TASKS="immediate")
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        import dj_database_url

        from bench.pages import _ensure_pg_database

        _ensure_pg_database(dj_database_url.parse(url), DATABASE)
        env["DATABASE_URL"] = f"{url.rsplit('/', 1)[0]}/{DATABASE}"
    else:
        env["LINLI_DATA_DIR"] = data_dir
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.ballots, args.repeat)
        return
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"Linli tally benchmark on {engine}: {args.ballots:,} ballots, best of {args.repeat}", flush=True)
    with tempfile.TemporaryDirectory(prefix="linli-bench-votes-") as data_dir:
        command = [sys.executable, "-m", "bench.votes", "--run", "--ballots", str(args.ballots)]
        child = subprocess.run(
            [*command, "--repeat", str(args.repeat)],
            env=bench_env(data_dir),
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
        raise SystemExit(f"the benchmark failed (exit {child.returncode})")
    print(f"tally/sql: {result['ratio']:.2f}")


def run(ballots: int, repeat: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from linli.deliberation.models import Answer, Ballot, Voter
    from linli.deliberation.selectors_votes import compute_tally

    call_command("migrate", verbosity=0)
    consultation = _consultation(ballots)
    print(f"consultation: {consultation.title}, {consultation.ballots.count():,} ballots", flush=True)

    sql = (
        f"SELECT a.question_id, a.choice_id, COUNT(*), SUM(v.weight_numerator) "  # noqa: S608 (table names)
        f"FROM {Answer._meta.db_table} a JOIN {Ballot._meta.db_table} b ON b.id = a.ballot_id "
        f"JOIN {Voter._meta.db_table} v ON v.id = b.voter_id "
        f"WHERE b.consultation_id = %s GROUP BY a.question_id, a.choice_id"
    )

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, [consultation.pk])
            return {choice: (int(n), int(w)) for _q, choice, n, w in cursor.fetchall()}

    def timed(work):
        started = time.perf_counter()
        value = work()
        return time.perf_counter() - started, value

    linli_times, sql_times = [], []
    for _ in range(repeat):
        seconds, result = timed(lambda: compute_tally(consultation))
        linli_times.append(seconds)
        seconds, counts = timed(bare)
        sql_times.append(seconds)
    mine = {c.id: (c.votes, c.weight) for q in result.questions for c in q.choices}
    assert result.cast == ballots, result.cast
    assert {k: v for k, v in mine.items() if v[0]} == counts, (mine, counts)
    best_linli, best_sql = min(linli_times), min(sql_times)
    print(f"Linli tally (selectors_votes.compute_tally): {best_linli * 1000:,.0f} ms")
    print(f"bare SQL aggregate (GROUP BY, cursor):       {best_sql * 1000:,.0f} ms")
    print("RESULT " + json.dumps({"ratio": best_linli / best_sql, "vendor": connection.vendor}))


def _consultation(ballots: int):
    """The benchmark's consultation, built once per database with bulk_create."""
    import dataclasses
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from linli.core.models import Community, User
    from linli.deliberation.models import Answer, Ballot, Choice, Consultation, Question, Voter
    from linli.registry import demo
    from linli.registry.models import Household, Resident

    existing = Consultation.objects.filter(title=TITLE).first()
    if existing is not None and existing.ballots.count() == ballots:
        return existing
    if Community.objects.exists():
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    shape = dataclasses.replace(
        demo.BAOHONG, name=COMMUNITY, estate=COMMUNITY, residents=200, households=None, migrants=None
    )
    demo.PRESETS["bench_votes"] = shape  # this process only: the generator builds presets by name
    community = demo.build(preset="bench_votes", users=False).communities[0].community
    clerk, _ = User.objects.get_or_create(username="bench-votes-clerk")
    households = list(Household.objects.filter(community=community).select_related("flat"))
    now = timezone.now()
    with transaction.atomic():
        residents = Resident.objects.bulk_create(
            [
                Resident(
                    community=community,
                    household=households[i % len(households)],
                    name=f"基准居民{i}",
                    name_pinyin=f"jizhunjumin{i}",
                    name_initials="jzjm",
                    gender="M" if i % 2 else "F",
                    birth_date=dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                )
                for i in range(ballots)
            ],
            batch_size=2000,
        )
        consultation = Consultation.objects.create(
            community=community,
            title=TITLE,
            electorate="residents",
            weighting="headcount",
            opens_at=now - dt.timedelta(days=14),
            closes_at=now - dt.timedelta(days=1),
            status="closed",
            closed_at=now - dt.timedelta(days=1),
            created_by=clerk,
        )
        questions = []
        for position, text in enumerate(["是否同意加装电梯？", "是否同意改造停车位？"], start=1):
            q = Question.objects.create(
                community=community, consultation=consultation, position=position, text=text
            )
            choices = [
                Choice.objects.create(community=community, question=q, position=p, text=t, in_favour=(p == 1))
                for p, t in enumerate(["同意", "不同意", "弃权"], start=1)
            ]
            questions.append((q, choices))
        voters = Voter.objects.bulk_create(
            [
                Voter(
                    community=community,
                    consultation=consultation,
                    resident=r,
                    household_id=r.household_id,
                    flat_id=r.household.flat_id,
                    building_id=r.household.flat.building_id,
                    weight_numerator=1 + i % 3,  # uneven weights, so the weight sums are checked too
                )
                for i, r in enumerate(residents)
            ],
            batch_size=2000,
        )
        cast = Ballot.objects.bulk_create(
            [
                Ballot(
                    community=community,
                    consultation=consultation,
                    voter=v,
                    method="online",
                    recorded_by=clerk,
                )
                for v in voters
            ],
            batch_size=2000,
        )
        Answer.objects.bulk_create(
            [
                Answer(community=community, ballot=b, question=q, choice=choices[(i * (n + 2)) % 7 % 3])
                for i, b in enumerate(cast)
                for n, (q, choices) in enumerate(questions)
            ],
            batch_size=2000,
        )
    print(f"built {ballots:,} voters, ballots and their answers in {time.perf_counter() - started:.0f} s")
    return consultation


if __name__ == "__main__":
    main()
