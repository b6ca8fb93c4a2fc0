"""Ledger import benchmark: Linli's import of a 10,000-resident ledger next to the raw limit.

    python -m bench.imports [--rows 10000] [--repeat 3]

Builds a community with `linli.registry.demo` (its estate, buildings, entrances and flats, and 10,000
generated residents), writes those residents to an .xlsx ledger with the template's headers, then empties
the flats and measures, from the file's bytes to committed rows:

- raw: openpyxl read-only iteration and a bulk insert of households and residents (keyed hashes and
  pinyin keys computed, since the rows are useless without them), no validation, no history;
- Linli: what a clerk's upload and confirmation run, the check job and the import job: the check of every
  row by the registry's rules with the preview and the plan (`ledger.checking.residents_check`), then
  the import of that plan (`ledger.importing.residents_import`: what may have changed meanwhile checked
  again under lock, then the bulk writes with a history entry per resident and the access-log entry).

Each measurement runs in a transaction that is rolled back, so every repeat starts from the same empty
flats; the best of the repeats is kept. The database is a temporary SQLite file, or, when DATABASE_URL
points at PostgreSQL, a database named linli_bench_imports on that server (created if missing, emptied
of an earlier run's data); never the development database. Last line: `import/raw: X.XX`, the rows per
second of Linli's check and import together over those of the raw limit. Target: at least 0.50.
"""

import argparse
import dataclasses
import functools
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNITY = "导入基准社区"
DATABASE = "linli_bench_imports"


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
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.rows, args.repeat)
        return
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(
        f"Linli ledger import benchmark on {engine}: {args.rows:,} residents, best of {args.repeat}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="linli-bench-imports-") as data_dir:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.imports",
                "--run",
                "--rows",
                str(args.rows),
                "--repeat",
                str(args.repeat),
            ],
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
    print(f"import/raw: {result['ratio']:.2f}")


class Rollback(Exception):
    pass


def run(rows: int, repeat: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from linli.core.models import User
    from linli.registry.ledger.checking import residents_check
    from linli.registry.ledger.importing import residents_import
    from linli.registry.ledger.jobs import plan_open, plan_seal
    from linli.registry.models import Resident

    call_command("migrate", verbosity=0)
    community = _community_fresh(rows)
    ledger = _ledger_from(community)
    _residents_remove(community)
    clerk, _ = User.objects.get_or_create(username="bench-clerk")
    count = Resident.objects.filter(community=community).count()
    assert count == 0, count
    print(
        f"community: {community.name}, {_flats(community):,} flats; ledger: {rows:,} rows, "
        f"{len(ledger) / 1024 / 1024:.1f} MB",
        flush=True,
    )

    def timed(work) -> float:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                work()
                raise Rollback
        except Rollback:
            pass
        return time.perf_counter() - started

    def raw() -> None:
        written = _raw_import(community, ledger)
        assert written == rows, written

    sealed: list[bytes] = []

    def linli_check() -> None:
        # What the check job does: the check, its preview, and the plan kept (encrypted) for the import.
        check = residents_check(community=community, content=ledger)
        assert not check.problems, check.problems[:3]
        assert len(check.new) == rows, len(check.new)
        json.dumps(check.report())
        sealed[:] = [plan_seal(check.plan())]

    def linli_import() -> None:
        # What the import job does: the plan opened, checked again against the registry, written.
        check = residents_import(actor=clerk, community=community, plan=plan_open(sealed[0]))
        assert len(check.new) == rows
        assert Resident.objects.filter(community=community).count() == rows
        assert Resident.history.filter(history_user=clerk).count() == rows

    times = {"raw": [], "check": [], "import": []}
    for _ in range(repeat):
        times["raw"].append(timed(raw))
        times["check"].append(timed(linli_check))
        times["import"].append(timed(linli_import))
    best = {name: min(values) for name, values in times.items()}
    linli = best["check"] + best["import"]
    rate = {name: rows / seconds for name, seconds in best.items()}
    print(
        f"raw limit (openpyxl read-only + bulk insert, no validation): {best['raw']:.2f} s, {rate['raw']:,.0f} rows/s"
    )
    print(f"Linli check (the preview):                   {best['check']:.2f} s, {rate['check']:,.0f} rows/s")
    print(
        f"Linli import (rechecks, writes with history): {best['import']:.2f} s, {rate['import']:,.0f} rows/s"
    )
    print(f"Linli check + import:                         {linli:.2f} s, {rows / linli:,.0f} rows/s")
    print(
        "RESULT " + json.dumps({"ratio": best["raw"] / linli, "seconds": best, "vendor": connection.vendor})
    )


def _community_fresh(rows: int):
    """A generated community with exactly `rows` current residents (built once per database)."""
    from linli.core.models import Community
    from linli.registry import demo

    existing = Community.objects.filter(name=COMMUNITY).first()
    if existing is not None:
        # An earlier run on this PostgreSQL database: start again from an empty registry.
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
    shape = dataclasses.replace(
        demo.BAOHONG, name=COMMUNITY, estate=COMMUNITY, residents=rows, households=None, migrants=None
    )
    demo.PRESETS["bench_imports"] = shape  # this process only: the generator builds presets by name
    started = time.perf_counter()
    result = demo.build(preset="bench_imports", users=False)
    print(f"generated {result.residents:,} residents in {time.perf_counter() - started:.0f} s", flush=True)
    return result.communities[0].community


def _ledger_from(community) -> bytes:
    """The community's current residents as a ledger with the template's headers (values in clear, as
    a committee's own ledger has them)."""
    from openpyxl import Workbook

    from linli.registry.ledger.columns import RESIDENT_COLUMNS
    from linli.registry.ledger.exporting import _chinese_labels
    from linli.registry.models import Gender, IdType, RegistrationType, Relation, Resident, Tenure

    labels = {
        "gender": _chinese_labels(Gender.choices),
        "id_type": _chinese_labels(IdType.choices),
        "registration_type": _chinese_labels(RegistrationType.choices),
        "relation": _chinese_labels(Relation.choices),
        "tenure": _chinese_labels(Tenure.choices),
    }
    columns = [c for c in RESIDENT_COLUMNS if c.in_template]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民台账")
    sheet.append([c.header for c in columns])
    residents = (
        Resident.objects.filter(community=community, moved_out__isnull=True)
        .select_related("household__flat__building", "household__flat__entrance", "party_branch")
        .prefetch_related("tags")
        .order_by("household__flat__building__sort_key", "household__flat__number", "id")
    )
    for r in residents.iterator(chunk_size=2000):
        flat = r.household.flat
        row = {
            "name": r.name,
            "gender": labels["gender"][r.gender],
            "birth_date": r.birth_date,
            "id_type": labels["id_type"][r.id_type],
            "id_number": r.id_number,
            "phone": r.phone,
            "registration_type": labels["registration_type"][r.registration_type],
            "building": flat.building.number,
            "entrance": flat.entrance.number,
            "flat": flat.number,
            "relation": labels["relation"][r.relation],
            "tenure": labels["tenure"][r.household.tenure],
            "party_status": "中共党员" if r.party_joined else "群众",
            "party_joined": r.party_joined,
            "party_full_member": r.party_full_member,
            "party_branch": r.party_branch.name if r.party_branch else "",
            "tags": "、".join(t.name for t in r.tags.all()),
            "moved_in": r.moved_in,
            "notes": r.notes,
        }
        sheet.append([row[c.key] for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _residents_remove(community) -> None:
    """Empty the flats (the buildings stay): the import will fill them again. What the generator hangs on
    residents and households (group members, owners, volunteers, consents …) goes first."""
    from django.db import transaction

    from linli.registry.models import Household, Resident

    with transaction.atomic():
        Resident.tags.through.objects.filter(resident__community=community).delete()
        _delete_with_dependants(Resident.objects.filter(community=community))
        _delete_with_dependants(Household.objects.filter(community=community))


def _delete_with_dependants(queryset) -> None:
    """Delete the rows, and first whatever protects them from deletion (other apps' rows that point at
    them with PROTECT or RESTRICT), however deep: the bench must not know every app's models."""
    from django.db import transaction
    from django.db.models import ProtectedError, RestrictedError

    for _attempt in range(10):
        try:
            with transaction.atomic():
                queryset.delete()
            return
        except (ProtectedError, RestrictedError) as error:
            blockers = getattr(error, "protected_objects", None) or error.restricted_objects
            by_model: dict = {}
            for obj in blockers:
                by_model.setdefault(type(obj), set()).add(obj.pk)
            for model, pks in by_model.items():
                _delete_with_dependants(model._base_manager.filter(pk__in=pks))
    raise RuntimeError("could not empty the benchmark's flats")


def _flats(community) -> int:
    from linli.registry.models import Flat

    return Flat.objects.filter(community=community).count()


def _raw_import(community, ledger: bytes) -> int:
    """The floor: read the cells with openpyxl read-only and bulk insert, trusting every value."""
    import datetime as dt

    from openpyxl import load_workbook

    from linli.core.crypto import keyed_hash
    from linli.registry.models import Flat, Household, Resident
    from linli.registry.pinyin import name_keys

    name_keys_cached = functools.lru_cache(maxsize=None)(name_keys)  # cold, as in Linli's import

    flats = {
        (str(b), e, n): pk
        for pk, b, e, n in Flat.objects.filter(community=community).values_list(
            "id", "building__number", "entrance__number", "number"
        )
    }
    genders = {"男": "M", "女": "F"}
    sheet = load_workbook(io.BytesIO(ledger), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h) for h in next(rows)]
    at = {h: i for i, h in enumerate(header)}
    parsed = []
    for row in rows:
        flat = flats[(str(row[at["楼号"]]), int(row[at["单元"]]), str(row[at["室号"]]))]
        parsed.append((flat, row))
    households = {
        h.flat_id: h.pk
        for h in Household.objects.bulk_create(
            [Household(community=community, flat_id=f) for f in dict.fromkeys(f for f, _ in parsed)],
            batch_size=1000,
        )
    }

    def day(value):
        return value.date() if isinstance(value, dt.datetime) else None

    residents = []
    for flat, row in parsed:
        name = row[at["姓名"]]
        pinyin, initials = name_keys_cached(name)
        id_number, phone = row[at["身份证号"]] or "", str(row[at["手机号码"]] or "")
        residents.append(
            Resident(
                community=community,
                household_id=households[flat],
                name=name,
                name_pinyin=pinyin,
                name_initials=initials,
                gender=genders[row[at["性别"]]],
                birth_date=day(row[at["出生日期"]]),
                id_number=id_number,
                id_number_hash=keyed_hash(id_number),
                phone=phone,
                phone_hash=keyed_hash(phone),
                moved_in=day(row[at["迁入日期"]]),
                party_joined=day(row[at["入党时间"]]),
                party_full_member=day(row[at["转正时间"]]),
                notes=row[at["备注"]] or "",
            )
        )
    Resident.objects.bulk_create(residents, batch_size=1000)
    return len(residents)


if __name__ == "__main__":
    main()
