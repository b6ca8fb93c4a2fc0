"""Roster benchmark: the CP-SAT stairwell duty roster next to the greedy hand method.

    python -m bench.roster [--days 90] [--volunteers 40] [--seed 0] [--time-limit 10] [--workers 2]
                           [--max-shifts N]

A construction period of `days` consecutive days (the site works through weekends and holidays here, so
there are exactly days × 3 shifts: 上午, 下午, 傍晚; one person each), and `volunteers` volunteers, each
free for a random 40–80 % of the shifts (seeded) and taking at most `ceil(1.5 × shifts / volunteers)`
shifts (or --max-shifts), which leaves room for a full roster. Prints the CP-SAT roster's solve time, status and objective
(largest load, spread = largest − smallest among those who can take a shift), the greedy baseline's
(largest load, spread, empty seats), and checks both rosters with `check_roster`. Last line:
`roster max-load cpsat/greedy: X.XX` (at most 1: the solver's largest load is proven minimal).

No database: Django is set up only because the messages go through gettext.
"""

import argparse
import datetime as dt
import math
import os
import random
import time

START = dt.date(2026, 3, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--volunteers", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--max-shifts", type=int, default=None, help="per volunteer (default: 1.5 × fair share)"
    )
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    os.environ.setdefault("LINLI_TESTING", "1")
    django.setup()
    from linli.elevators.roster import (
        RosterVolunteer,
        Slot,
        check_roster,
        construction_shifts,
        greedy_roster,
        solve_roster,
    )

    slots = [
        Slot("am", "上午 8:00–12:00", dt.time(8), dt.time(12)),
        Slot("pm", "下午 13:00–17:00", dt.time(13), dt.time(17)),
        Slot("ev", "傍晚 17:00–20:00", dt.time(17), dt.time(20)),
    ]
    plan = construction_shifts(
        start=START, end=START + dt.timedelta(days=args.days - 1), slots=slots, working_days_only=False
    )
    shifts = plan.shifts
    rng = random.Random(args.seed)
    cap = args.max_shifts if args.max_shifts is not None else math.ceil(1.5 * len(shifts) / args.volunteers)
    volunteers = []
    for n in range(args.volunteers):
        share = rng.uniform(0.4, 0.8)
        free = frozenset(s.key for s in shifts if rng.random() < share)
        volunteers.append(
            RosterVolunteer(key=f"v{n:03d}", name=f"志愿者{n + 1}", max_shifts=cap, available=free)
        )
    free_share = sum(len(v.available) for v in volunteers) / (len(volunteers) * len(shifts))
    print(
        f"Linli roster benchmark: {args.days} days × {len(slots)} shifts = {len(shifts)} shifts, "
        f"{len(volunteers)} volunteers free for {free_share:.0%} of shifts on average, "
        f"at most {cap} shifts each (seed {args.seed})",
        flush=True,
    )

    from ortools.sat.python import cp_model  # noqa: F401 (imported before timing: about a second)

    started = time.perf_counter()
    best = solve_roster(
        shifts=shifts,
        volunteers=volunteers,
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
    )
    cpsat_seconds = time.perf_counter() - started
    started = time.perf_counter()
    greedy = greedy_roster(shifts=shifts, volunteers=volunteers)
    greedy_seconds = time.perf_counter() - started

    def report(name, result, seconds):
        empty = sum(u.missing for u in result.uncovered)
        problems = check_roster(shifts=shifts, volunteers=volunteers, assignments=result.assignments)
        broken = len(problems) - len(result.uncovered)  # a short shift is one line; anything else is a bug
        print(
            f"{name:<7} {seconds * 1000:8,.0f} ms  {result.status:<10} max load {result.max_load}, "
            f"min load {result.min_load}, spread {result.spread}, empty seats {empty}, rule breaks {broken}",
            flush=True,
        )
        assert broken == 0, problems

    report("CP-SAT", best, cpsat_seconds)
    report("greedy", greedy, greedy_seconds)
    for line in best.explanation:
        print(f"  {line}")
    if best.uncovered:
        for gap in best.uncovered[:3]:
            print(f"  {gap.label}: {gap.reason}")
    if greedy.uncovered:
        print("note: the greedy roster leaves seats empty, so its load figures are not comparable")
    print(f"roster max-load cpsat/greedy: {best.max_load / greedy.max_load:.2f}")


if __name__ == "__main__":
    main()
