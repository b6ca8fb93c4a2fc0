"""Page benchmark: how much slower than the bare layout each registry page is, at community and district scale.

    python -m bench.pages [--scale community|district] [--requests 200]

Builds (once, then reuses) a benchmark database per scale — a SQLite file under bench/data/, or, when
DATABASE_URL points at PostgreSQL, a database named linli_bench_<scale> on the same server — and measures
each page through Django's test client as a staff user of the first community: p50 and p95 over the
requests, the same for the floor (/help/: the same base layout for the same user, no domain queries),
the ratio page/floor, and the number of SQL queries with about 10 and with 1,000+ matching rows (a tiny
community next to the real one), which must be equal. The last line is `worst ratio to floor: X.XX (page)`.
Target: every page at most 3× the floor at district scale on PostgreSQL.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = {"community": {"preset": "wannan"}, "district": {"communities": 300}}
TINY = "基准测试小社区"


def scale_env(scale: str) -> dict:
    env = dict(os.environ, LINLI_TESTING="1", DEBUG="0", PYTHONPATH=str(ROOT))
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        import dj_database_url

        config = dj_database_url.parse(url)
        name = f"linli_bench_{scale}"
        _ensure_pg_database(config, name)
        base = url.rsplit("/", 1)[0]
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env["LINLI_DATA_DIR"] = str(ROOT / "bench" / "data" / scale)
    return env


def _ensure_pg_database(config: dict, name: str) -> None:
    import psycopg

    conninfo = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--run", choices=sorted(SCALES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_scale(args.run, args.requests)
        return
    scales = [args.scale] if args.scale else ["community", "district"]
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"Linli page benchmark on {engine}; {args.requests} requests per page")
    worst = (0.0, "")
    for scale in scales:
        child = subprocess.run(
            [sys.executable, "-m", "bench.pages", "--run", scale, "--requests", str(args.requests)],
            env=scale_env(scale),
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
            raise SystemExit(f"benchmark for {scale} failed (exit {child.returncode})")
        for page, ratio in result["ratios"].items():
            if ratio > worst[0]:
                worst = (ratio, f"{scale}: {page}")
    print(f"worst ratio to floor: {worst[0]:.2f} ({worst[1]})")


def run_scale(scale: str, requests: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from linli.core.models import Community

    call_command("migrate", verbosity=0)
    if not Community.objects.exclude(name=TINY).exists():
        started = time.perf_counter()
        print(f"[{scale}] building the benchmark database (kept for later runs)…", flush=True)
        from linli.registry import demo

        demo.build(**SCALES[scale], seed=2026, verbose=True)
        print(f"[{scale}] built in {time.perf_counter() - started:.0f} s", flush=True)
    big, tiny, user = _fixtures()
    from linli.registry.models import Resident

    print(
        f"[{scale}] {Community.objects.count()} communities, {Resident.objects.count():,} residents; "
        f"measured community: {big['community_name']} ({big['residents']:,} residents)",
        flush=True,
    )

    client = Client()
    client.force_login(user)
    pages = {
        "community home": lambda f: f"/c/{f['community']}/",
        "building page": lambda f: f"/buildings/{f['building']}/",
        "resident list (filtered)": lambda f: f"/c/{f['community']}/residents/?age_band=60%2B",
        "resident list (searched)": lambda f: f"/c/{f['community']}/residents/?q=z",
        "resident page": lambda f: f"/residents/{f['resident']}/",
    }

    def timed_rounds(urls: dict[str, str]) -> dict[str, list[float]]:
        """Every URL once per round, the floor among them: a page and its floor are timed under the same
        conditions (a shared machine's speed drifts over a minute), so their ratio is steadier."""
        for url in urls.values():
            for _ in range(10):
                assert client.get(url).status_code == 200, url
        samples: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(requests):
            for name, url in urls.items():
                t0 = time.perf_counter()
                response = client.get(url)
                samples[name].append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, url
        return samples

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        return len(ctx.captured_queries)

    samples = timed_rounds({"floor": "/help/", **{name: url_for(big) for name, url_for in pages.items()}})
    floor = samples["floor"]
    floor_p50 = statistics.median(floor)
    header = (
        f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>7}{'rows small/big':>16}{'queries small/big':>19}"
    )
    print(f"[{scale}]\n{header}")
    print(
        f"{'floor (/help/)':<28}{floor_p50:>9.2f}{_p95(floor):>9.2f}{1:>7.2f}{'':>16}{queries('/help/'):>19}"
    )
    ratios = {}
    for name, url_for in pages.items():
        p50 = statistics.median(samples[name])
        ratios[name] = p50 / floor_p50
        rows = f"{_rows(url_for(tiny), tiny)}/{_rows(url_for(big), big)}"
        q_small, q_big = queries(url_for(tiny)), queries(url_for(big))
        flag = "" if q_small == q_big else "  ← grows with rows"
        print(
            f"{name:<28}{p50:>9.2f}{_p95(samples[name]):>9.2f}{ratios[name]:>7.2f}{rows:>16}{f'{q_small}/{q_big}':>19}{flag}",
            flush=True,
        )
    print("RESULT " + json.dumps({"ratios": ratios}))


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def _rows(url: str, fixture: dict) -> str:
    """How many rows the page's main query matches, for the table (not timed)."""
    import datetime as dt

    from linli.registry.models import Resident
    from linli.registry.selectors import birth_range_for_age

    current = Resident.objects.filter(community_id=fixture["community"], moved_out__isnull=True)
    if "age_band" in url:
        earliest, latest = birth_range_for_age(60, 200, dt.date.today())
        return str(current.filter(birth_date__range=(earliest, latest)).count())
    if "q=z" in url:
        return str(current.filter(name_initials__startswith="z").count())
    if "/buildings/" in url:
        return str(current.filter(household__flat__building_id=fixture["building"]).count())
    if "/residents/" in url and "/c/" not in url:
        return "1"
    return str(current.count())


def _fixtures():
    """The measured community (the first one), a tiny one beside it, and a staff user of both."""
    import datetime as dt
    from decimal import Decimal

    from django.db.models import Count

    from linli.core.models import Community, Membership, Role, User
    from linli.registry.models import Building, Entrance, Estate, Flat, Household, Resident
    from linli.registry.pinyin import name_keys

    community = Community.objects.exclude(name=TINY).order_by("pk").first()
    tiny = Community.objects.filter(name=TINY).first()
    if tiny is None:
        tiny = Community.objects.create(street=community.street, name=TINY)
        estate = Estate.objects.create(community=tiny, name="小小区")
        building = Building.objects.create(community=tiny, estate=estate, number="1", floors=5)
        entrance = Entrance.objects.create(community=tiny, building=building, number=1)
        for i in range(10):
            flat = Flat.objects.create(
                community=tiny,
                building=building,
                entrance=entrance,
                floor=i // 2 + 1,
                number=f"{i // 2 + 1}0{i % 2 + 1}",
                area=Decimal("50.00"),
            )
            household = Household.objects.create(community=tiny, flat=flat)
            name = ["张", "赵", "周", "郑", "朱"][i % 5] + "基准" + "一二三四五六七八九十"[i]
            pinyin, initials = name_keys(name)
            Resident.objects.create(
                community=tiny,
                household=household,
                name=name,
                name_pinyin=pinyin,
                name_initials=initials,
                gender="F",
                birth_date=dt.date(1940 + i * 6, 1, 1),
            )
    user, _ = User.objects.get_or_create(username="bench-staff", defaults={"display_name": "基准测试"})
    for c in (community, tiny):
        Membership.objects.get_or_create(user=user, role=Role.STAFF, community=c)

    def describe(c) -> dict:
        building = (
            Building.objects.filter(community=c)
            .annotate(n=Count("flats__households__residents"))
            .order_by("-n", "pk")
            .first()
        )
        resident = (
            Resident.objects.filter(community=c, moved_out__isnull=True, household__flat__building=building)
            .order_by("pk")
            .first()
        )
        return {
            "community": c.pk,
            "community_name": c.name,
            "building": building.pk,
            "resident": resident.pk,
            "residents": Resident.objects.filter(community=c, moved_out__isnull=True).count(),
        }

    return describe(community), describe(tiny), user


if __name__ == "__main__":
    main()
