"""The stairwell duty roster during lift construction (加装电梯施工期间的楼道值守排班表): pure rules.

While a lift is being built the stairwell is a site: someone from the entrance keeps watch at set hours
(stage 7 of rules/lift.md). This module turns a construction period into shifts, and volunteers' free
times into a roster that covers every shift, books nobody twice and spreads the work fairly. When no
roster exists it says, in Chinese, which shifts cannot be covered and why, because "无解" alone leaves
the organiser with nothing to act on.

- `construction_shifts` — the shifts of a period, on China's working days (statutory holidays off,
  make-up workdays 调休 on, per chinese_calendar). Years the calendar does not know fall back to
  Monday–Friday (weekends off, no holidays), with a warning, rather than failing: a roster for next January must still be possible.
- `solve_roster` — the roster, by CP-SAT, in three lexicographic steps (see its docstring).
- `greedy_roster` — the obvious hand method, kept as a baseline the benchmark compares against.
- `check_roster` — every broken constraint of a roster, in Chinese (for rosters edited by hand).
- `swap` / `replace` — manual changes that are refused when they would break a constraint.

No database and no models: the services layer turns volunteers and their availability into these
dataclasses and stores the result.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.core.errors import DomainError

#: A period longer than this is refused: construction takes weeks or months, and a longer period is more
#: likely a typo in the end date than a plan (and would make a model too big to solve in seconds).
MAX_PERIOD_DAYS = 400

OPTIMAL = "OPTIMAL"  # covered, and max load and spread proven best
FEASIBLE = "FEASIBLE"  # covered, but the time limit ran out before fairness was proven best
INFEASIBLE = "INFEASIBLE"  # proven: no roster covers every shift
UNKNOWN = "UNKNOWN"  # the time limit ran out before a full roster was found or ruled out
INCOMPLETE = "INCOMPLETE"  # the greedy baseline left seats empty (which proves nothing)


def status_text(status: str) -> str:
    """The status in words, for the organiser."""
    return {
        OPTIMAL: _("最优：每班都有人，且班次分配已证明最均衡"),
        FEASIBLE: _("可行：每班都有人，但在时限内未能证明班次分配最均衡"),
        INFEASIBLE: _("无解：现有志愿者排不满所有班次"),
        UNKNOWN: _("未定：时限内既未排满，也未能证明排不满"),
        INCOMPLETE: _("未排满：简单排法留下了空缺"),
    }[status]


# Translated when a result is built (the language is chosen per request, not at import).
TIE_BREAK = gettext_noop(
    "先使班次最多者的班次尽量少；再使班次最少者的班次尽量多（只计至少能值一班的志愿者）；"
    "最后使各人班次尽量接近（班次平方和最小）。仍有多种排法时，取求解器先找到的一种："
    "单线程（workers=1）、随机种子相同且未到时限时，结果可以重复。"
)
GREEDY_POLICY = gettext_noop(
    "按日期和时段顺序逐班排，每个空位给当时班次最少、且能值这一班的志愿者；班次相同按编号先后。"
)


# --- shifts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A daily watch period, e.g. key "am", label "上午 8:00–12:00". Slots do not cross midnight: night
    watches are split at 24:00, so that "the same day" is never ambiguous for the per-day limit."""

    key: str
    label: str
    start: dt.time
    end: dt.time

    def __post_init__(self):
        if not str(self.key).strip():
            raise DomainError(_("时段需要一个编号。"), field="slots")
        if self.end <= self.start:
            raise DomainError(
                _("时段“%(label)s”的结束时间应晚于开始时间（不跨零点）。") % {"label": self.label},
                field="slots",
            )


@dataclass(frozen=True)
class Shift:
    """One slot on one day, needing `need` people. The key is "<date>/<slot key>", so the same shift in
    another entrance's roster has the same key, which is what `RosterVolunteer.busy` relies on."""

    key: str
    date: dt.date
    slot: Slot
    need: int = 1

    def __post_init__(self):
        if isinstance(self.need, bool) or not isinstance(self.need, int) or self.need < 1:
            raise DomainError(_("每班至少需要1人值守。"), field="need")

    @property
    def label(self) -> str:
        return f"{day_label(self.date)} {self.slot.label}"

    def overlaps(self, other: Shift) -> bool:
        return (
            self.date == other.date and self.slot.start < other.slot.end and other.slot.start < self.slot.end
        )


def shift_key(day: dt.date, slot: Slot) -> str:
    return f"{day.isoformat()}/{slot.key}"


def day_label(day: dt.date) -> str:
    weekdays = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
    return _("%(year)s年%(month)s月%(day)s日（%(weekday)s）") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
        "weekday": weekdays[day.weekday()],
    }


class ShiftPlan(NamedTuple):
    shifts: list[Shift]
    warnings: list[str]


def construction_shifts(
    *, start: dt.date, end: dt.date, slots: Sequence[Slot], working_days_only: bool = True, need: int = 1
) -> ShiftPlan:
    """The shifts from `start` to `end` inclusive, `need` people each, in date and slot order.

    Construction crews follow the national working calendar, so by default the stairwell is watched on
    working days only: statutory holidays are off and make-up workdays (调休, e.g. Saturday 2026-10-10)
    are on. chinese_calendar only knows the years it was released for (2004–2026 in the installed
    version); for a later year it raises NotImplementedError, and we fall back to Monday–Friday for that
    year and warn, once per year, so the organiser checks the holidays by hand when they are announced.
    """
    if end < start:
        raise DomainError(_("结束日期不能早于开始日期。"), field="end")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise DomainError(
            _("排班期最长%(days)s天，请核对结束日期。") % {"days": MAX_PERIOD_DAYS}, field="end"
        )
    if not slots:
        raise DomainError(_("请至少设置一个值守时段。"), field="slots")
    keys = [slot.key for slot in slots]
    if len(set(keys)) != len(keys):
        raise DomainError(_("时段编号不能重复。"), field="slots")
    if isinstance(need, bool) or not isinstance(need, int) or need < 1:
        raise DomainError(_("每班至少需要1人值守。"), field="need")
    ordered = sorted(slots, key=lambda s: (s.start, s.end, s.key))
    unknown_years: list[int] = []
    shifts: list[Shift] = []
    day = start
    while day <= end:
        working = True
        if working_days_only:
            working, known = _is_workday(day)
            if not known and day.year not in unknown_years:
                unknown_years.append(day.year)
        if working:
            shifts.extend(Shift(key=shift_key(day, slot), date=day, slot=slot, need=need) for slot in ordered)
        day += dt.timedelta(days=1)
    warnings = [
        _(
            "%(year)s年的法定节假日和调休安排尚未收录，该年暂按周一至周五值守排班，请在国家公布放假安排后人工核对。"
        )
        % {"year": year}
        for year in unknown_years
    ]
    if not shifts:
        warnings.append(_("这段时间内没有工作日，没有需要值守的班次。"))
    return ShiftPlan(shifts, warnings)


def _is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, whether the holiday calendar knows the year)."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


# --- volunteers ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RosterVolunteer:
    """A volunteer as the roster sees them.

    `available`: the shift keys they can take, or a function of the shift (e.g. "weekday mornings"), or
    None for every shift. `max_shifts`: at most this many shifts in this roster. `busy`: shift keys they
    already hold elsewhere (another entrance's roster of the same period, same slot keys); such a shift
    and any shift overlapping it are closed to them, and it uses up one of that day's `max_per_day`.
    `max_per_day`: None takes the roster's limit.
    """

    key: str
    name: str
    max_shifts: int
    available: Callable[[Shift], bool] | frozenset[str] | None = None
    busy: frozenset[str] = field(default_factory=frozenset)
    max_per_day: int | None = None

    def __post_init__(self):
        if isinstance(self.max_shifts, bool) or not isinstance(self.max_shifts, int) or self.max_shifts < 0:
            raise DomainError(
                _("%(name)s的最多班次应为0或正整数。") % {"name": self.name}, field="max_shifts"
            )
        if self.max_per_day is not None and (not isinstance(self.max_per_day, int) or self.max_per_day < 1):
            raise DomainError(_("%(name)s每天最多班次应至少为1。") % {"name": self.name}, field="max_per_day")
        if self.available is not None and not callable(self.available):
            object.__setattr__(self, "available", frozenset(self.available))
        object.__setattr__(self, "busy", frozenset(self.busy))

    def is_available(self, shift: Shift) -> bool:
        if self.available is None:
            return True
        if callable(self.available):
            return bool(self.available(shift))
        return shift.key in self.available


# --- result ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UncoveredShift:
    """A shift the roster leaves short of people, with the reason in Chinese."""

    shift_key: str
    label: str
    missing: int
    candidates: tuple[str, ...]  # volunteer keys who could in principle take it
    reason: str


@dataclass(frozen=True)
class RosterResult:
    """What a solver (or the greedy baseline) produced.

    `assignments` maps every shift key to the sorted volunteer keys on it; for INFEASIBLE/UNKNOWN/
    INCOMPLETE it is the best partial roster found (fewest empty seats), with the gaps in `uncovered`.
    `max_load`, `min_load` and `spread` are over the fairness pool: the volunteers who can take at least
    one shift (someone with no free time, or max_shifts 0, is not under-used, and would make any spread
    look unfair). `solve_seconds` is wall time, a measurement, not a result of the rules.
    """

    status: str
    status_text: str
    method: str
    assignments: dict[str, tuple[str, ...]]
    loads: dict[str, int]
    max_load: int | None
    min_load: int | None
    spread: int | None
    uncovered: tuple[UncoveredShift, ...]
    explanation: tuple[str, ...]
    solve_seconds: float
    tie_break: str
    fairness_pool: tuple[str, ...]

    @property
    def covered(self) -> bool:
        return not self.uncovered and self.status in (OPTIMAL, FEASIBLE)


# --- the instance, shared by the solver, the baseline and the checks -----------------------------------


@dataclass
class _Instance:
    shifts: list[Shift]
    volunteers: list[RosterVolunteer]
    max_per_day: int
    by_key: dict[str, Shift]
    vol_by_key: dict[str, RosterVolunteer]
    # allowance[v][date]: shifts v may still take that day (max per day minus busy shifts that day)
    allowance: list[dict[dt.date, int]]
    # candidates[v]: indices of shifts v can take (available, not busy, no overlap with busy, allowance > 0)
    candidates: list[list[int]]
    # why[v][s]: for a shift v cannot take, the reason code ("unavailable", "busy", "day", "zero")
    blocked: list[dict[int, str]]

    def cap(self, v: int) -> int:
        return min(self.volunteers[v].max_shifts, len(self.candidates[v]))

    def day_limit(self, v: int) -> int:
        return self.volunteers[v].max_per_day or self.max_per_day


def _instance(
    shifts: Sequence[Shift], volunteers: Sequence[RosterVolunteer], max_per_day: int, *, strict: bool = True
) -> _Instance:
    if strict and not shifts:
        raise DomainError(_("排班期内没有需要值守的班次。"), field="shifts")
    if strict and not volunteers:
        raise DomainError(_("还没有值守志愿者，无法排班。"), field="volunteers")
    if isinstance(max_per_day, bool) or not isinstance(max_per_day, int) or max_per_day < 1:
        raise DomainError(_("每人每天最多班次应至少为1。"), field="max_per_day")
    by_key = {s.key: s for s in shifts}
    if len(by_key) != len(shifts):
        raise DomainError(_("班次编号不能重复。"), field="shifts")
    vol_by_key = {v.key: v for v in volunteers}
    if len(vol_by_key) != len(volunteers):
        raise DomainError(_("志愿者编号不能重复。"), field="volunteers")
    shifts = sorted(shifts, key=lambda s: (s.date, s.slot.start, s.slot.end, s.key))
    volunteers = sorted(volunteers, key=lambda v: v.key)
    allowance, candidates, blocked = [], [], []
    for v in volunteers:
        busy = [s for s in shifts if s.key in v.busy]
        limit = v.max_per_day or max_per_day
        left = {s.date: limit for s in shifts}
        for s in busy:
            left[s.date] -= 1
        allowance.append(left)
        mine, why = [], {}
        for i, s in enumerate(shifts):
            if not v.is_available(s):
                why[i] = "unavailable"
            elif s.key in v.busy or any(s.overlaps(b) for b in busy):
                why[i] = "busy"
            elif left[s.date] <= 0:
                why[i] = "day"
            elif v.max_shifts == 0:
                why[i] = "zero"
            else:
                mine.append(i)
        candidates.append(mine)
        blocked.append(why)
    return _Instance(
        list(shifts), list(volunteers), max_per_day, by_key, vol_by_key, allowance, candidates, blocked
    )


def _fair_pool(inst: _Instance) -> list[int]:
    return [v for v in range(len(inst.volunteers)) if inst.candidates[v]]


def _result(
    inst: _Instance,
    *,
    status: str,
    method: str,
    chosen: Mapping[int, Iterable[int]],
    seconds: float,
    tie_break: str,
    explanation: Sequence[str] = (),
) -> RosterResult:
    """Build the result from `chosen`: shift index -> volunteer indices."""
    assignments = {
        s.key: tuple(sorted(inst.volunteers[v].key for v in chosen.get(i, ())))
        for i, s in enumerate(inst.shifts)
    }
    load = [0] * len(inst.volunteers)
    for vs in chosen.values():
        for v in vs:
            load[v] += 1
    pool = _fair_pool(inst)
    max_load = max((load[v] for v in pool), default=None)
    min_load = min((load[v] for v in pool), default=None)
    gaps = _explain_gaps(inst, chosen, load)
    return RosterResult(
        status=status,
        status_text=status_text(status),
        method=method,
        assignments=assignments,
        loads={v.key: load[i] for i, v in enumerate(inst.volunteers)},
        max_load=max_load,
        min_load=min_load,
        spread=None if max_load is None else max_load - min_load,
        uncovered=tuple(gaps),
        explanation=tuple(explanation),
        solve_seconds=seconds,
        tie_break=tie_break,
        fairness_pool=tuple(inst.volunteers[v].key for v in pool),
    )


# --- why a shift stays empty ----------------------------------------------------------------------------


def _names(inst: _Instance, vs: Iterable[int]) -> str:
    return "、".join(inst.volunteers[v].name for v in vs)


def _explain_gaps(
    inst: _Instance, chosen: Mapping[int, Iterable[int]], load: list[int]
) -> list[UncoveredShift]:
    """For each shift short of people, why: from its candidate list, in the order an organiser would
    check — nobody free at all; too few free; the free ones all used up (and by what) in this roster."""
    by_day: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for i, vs in chosen.items():
        for v in vs:
            by_day[(v, inst.shifts[i].date)].append(i)
    gaps = []
    for i, s in enumerate(inst.shifts):
        on = set(chosen.get(i, ()))
        missing = s.need - len(on)
        if missing <= 0:
            continue
        cands = [v for v in range(len(inst.volunteers)) if i in inst.candidates[v]]
        free = [v for v in range(len(inst.volunteers)) if inst.blocked[v].get(i) != "unavailable"]
        blocked = [_blocked_reason(inst, v, i) for v in free if v not in cands]
        if not free:
            reason = _("没有志愿者在这个时段有空。")
        elif not cands:
            reason = _("这个时段有空的%(n)s人都不能排：%(why)s。") % {
                "n": len(free),
                "why": "；".join(blocked),
            }
        elif len(cands) < s.need:
            reason = _("只有%(n)s人（%(names)s）能值这一班，但需要%(need)s人。") % {
                "n": len(cands),
                "names": _names(inst, cands),
                "need": s.need,
            }
            if blocked:
                reason += _("另有%(why)s。") % {"why": "；".join(blocked)}
        else:
            limit, day, overlap, idle = [], [], [], []
            for v in cands:
                if v in on:
                    continue
                same_day = by_day.get((v, s.date), [])
                if load[v] >= inst.volunteers[v].max_shifts:
                    limit.append(v)
                elif len(same_day) >= inst.allowance[v][s.date]:
                    day.append(v)
                elif any(inst.shifts[j].overlaps(s) for j in same_day):
                    overlap.append(v)
                else:
                    idle.append(v)
            why = []
            if len(limit) <= 3:
                why += [
                    _("%(name)s已排满上限%(max)s班")
                    % {"name": inst.volunteers[v].name, "max": inst.volunteers[v].max_shifts}
                    for v in limit
                ]
            else:
                why.append(
                    _("%(names)s等%(n)s人已排满各自的上限")
                    % {"names": _names(inst, limit[:3]), "n": len(limit)}
                )
            why += _grouped(inst, day, _("%(names)s当天已值班"), _("%(names)s等%(n)s人当天已值班"))
            why += _grouped(
                inst, overlap, _("%(names)s同一时段已在另一班"), _("%(names)s等%(n)s人同一时段已在另一班")
            )
            why += _grouped(
                inst,
                idle,
                _("%(names)s本可补上（求解未在时限内完成）"),
                _("%(names)s等%(n)s人本可补上（求解未在时限内完成）"),
            )
            if on:
                reason = _("能值这一班的%(n)s人中已排%(on)s人，其余都已排不开：%(why)s。") % {
                    "n": len(cands),
                    "on": len(on),
                    "why": "；".join(why),
                }
            else:
                reason = _("能值这一班的%(n)s人在本排班中都已排不开：%(why)s。") % {
                    "n": len(cands),
                    "why": "；".join(why),
                }
        gaps.append(
            UncoveredShift(
                shift_key=s.key,
                label=s.label,
                missing=missing,
                candidates=tuple(inst.volunteers[v].key for v in cands),
                reason=reason,
            )
        )
    return gaps


def _grouped(inst: _Instance, vs: list[int], few: str, many: str) -> list[str]:
    """One clause for a group of people: all names when they are three or fewer, else three and a count,
    so a reason stays readable on a phone when forty volunteers are full."""
    if not vs:
        return []
    if len(vs) <= 3:
        return [few % {"names": _names(inst, vs)}]
    return [many % {"names": _names(inst, vs[:3]), "n": len(vs)}]


def _blocked_reason(inst: _Instance, v: int, i: int) -> str:
    """Why a volunteer who is free at shift i can still never take it."""
    vol = inst.volunteers[v]
    code = inst.blocked[v][i]
    if code == "busy":
        return _("%(name)s这个时段已在别处值班") % {"name": vol.name}
    if code == "day":
        return _("%(name)s当天已在别处值满%(max)s班") % {"name": vol.name, "max": inst.day_limit(v)}
    return _("%(name)s最多值0班") % {"name": vol.name}


def _capacity_explanation(inst: _Instance) -> list[str]:
    """Certain, solver-free reasons: total capacity below demand, a day's capacity below its demand."""
    notes = []
    demand = sum(s.need for s in inst.shifts)
    per_day_cands: list[dict[dt.date, int]] = []
    for v in range(len(inst.volunteers)):
        counts: dict[dt.date, int] = defaultdict(int)
        for i in inst.candidates[v]:
            counts[inst.shifts[i].date] += 1
        per_day_cands.append({d: min(n, inst.allowance[v][d]) for d, n in counts.items()})
    capacity = sum(
        min(inst.volunteers[v].max_shifts, sum(per_day_cands[v].values()))
        for v in range(len(inst.volunteers))
    )
    if capacity < demand:
        notes.append(
            _("全体志愿者最多能值%(capacity)s人次，而排班需要%(demand)s人次，至少还差%(short)s人次。")
            % {"capacity": capacity, "demand": demand, "short": demand - capacity}
        )
    day_demand: dict[dt.date, int] = defaultdict(int)
    for s in inst.shifts:
        day_demand[s.date] += s.need
    for day, need in sorted(day_demand.items()):
        most = sum(min(pc.get(day, 0), inst.volunteers[v].max_shifts) for v, pc in enumerate(per_day_cands))
        if most < need:
            notes.append(
                _("%(day)s需要%(need)s人次，当天最多只能排%(most)s人次。")
                % {"day": day_label(day), "need": need, "most": most}
            )
    return notes


# --- CP-SAT --------------------------------------------------------------------------------------------


def solve_roster(
    *,
    shifts: Sequence[Shift],
    volunteers: Sequence[RosterVolunteer],
    max_per_day: int = 1,
    time_limit_s: float = 10.0,
    workers: int = 2,
    seed: int = 0,
) -> RosterResult:
    """The fairest roster covering every shift, or why there is none.

    Hard constraints: every shift has exactly `need` people; each person only on shifts they are free
    for, never on a shift they hold elsewhere (`busy`) or one overlapping it, never on two overlapping
    shifts, at most `max_shifts` in all and at most `max_per_day` (theirs or the roster's) a day, busy
    shifts that day included.

    Fairness, lexicographically (each step fixes the value before it, so a later step cannot undo an
    earlier one): (1) minimise the largest load; (2) with that fixed, maximise the smallest load among
    volunteers who can take at least one shift, i.e. minimise the spread max − min; (3) with both fixed,
    minimise the sum of squared loads, so the people between the extremes are even too. Step 3 matters
    when one person can give only a shift or two: the spread is then stuck, and without step 3 the
    solver could pile the rest onto a few at the maximum.

    `time_limit_s` is the budget for all steps together. OPTIMAL means steps 1 and 2 were proven
    optimal; step 3 is a tie-break and is used as far as the time allows. When no roster exists, a second
    model allows empty seats and minimises them; each empty shift is explained from its candidates
    (see UncoveredShift.reason). Another partial roster with as many gaps might leave a different shift
    empty: the reasons "nobody/too few available" are certain, "all used up" describes this roster.
    """
    if time_limit_s <= 0:
        raise DomainError(_("求解时限应大于0秒。"), field="time_limit_s")
    if workers < 1:
        raise DomainError(_("求解线程数应至少为1。"), field="workers")
    started = time.perf_counter()
    inst = _instance(shifts, volunteers, max_per_day)
    deadline = started + time_limit_s

    def remaining() -> float:
        return deadline - time.perf_counter()

    model, x, loads = _model(inst, slack=False)
    pool = _fair_pool(inst)
    demand = sum(s.need for s in inst.shifts)
    cp = _cp()

    def solve() -> tuple[int, object]:
        solver = cp.CpSolver()
        solver.parameters.max_time_in_seconds = max(remaining(), 0.05)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        return solver.solve(model), solver

    def hint(solver) -> None:
        model.clear_hints()
        for var in x.values():
            model.add_hint(var, solver.value(var))

    # Step 1: the largest load. At least the average over those who can take shifts, which the solver
    # would otherwise have to discover.
    top = model.new_int_var(0, max((inst.cap(v) for v in pool), default=0), "max_load")
    for v in pool:
        model.add(loads[v] <= top)
    if pool:
        model.add(top >= math.ceil(demand / len(pool)))
    model.minimize(top)
    code, solver = solve()
    if code not in (cp.OPTIMAL, cp.FEASIBLE):
        return _no_roster(
            inst,
            proven=code == cp.INFEASIBLE,
            started=started,
            remaining=remaining,
            workers=workers,
            seed=seed,
        )
    optimal = code == cp.OPTIMAL
    best = solver
    max_load = int(solver.value(top))

    # Step 2: the smallest load, with the largest held at step 1's value.
    if remaining() > 0 and pool:
        hint(best)
        model.add(top <= max_load)
        bottom = model.new_int_var(0, demand // len(pool), "min_load")
        for v in pool:
            model.add(loads[v] >= bottom)
        model.clear_objective()
        model.maximize(bottom)
        code, solver = solve()
        if code in (cp.OPTIMAL, cp.FEASIBLE):
            best = solver
            optimal = optimal and code == cp.OPTIMAL
            min_load = int(solver.value(bottom))
            # Step 3: the tie-break, with both extremes held. When they differ by at most one, the
            # total fixes how many sit at each, so every roster is already as even as step 3 could make it.
            if remaining() > 0 and max_load - min_load > 1:
                hint(best)
                model.add(bottom >= min_load)
                # load² as a sum over unit steps: the k-th shift of a person costs 2k − 1. With the steps
                # ordered this is exact, and its linear relaxation is tight, which a product
                # (AddMultiplicationEquality) is not: that version could not prove a 13-shift case in 2 s.
                squares = []
                for v in pool:
                    steps = [model.new_bool_var(f"step{v}_{k}") for k in range(1, max_load + 1)]
                    model.add(loads[v] == sum(steps))
                    for lower, upper in itertools.pairwise(steps):
                        model.add_implication(upper, lower)
                    squares.extend((2 * k - 1) * step for k, step in enumerate(steps, start=1))
                model.clear_objective()
                model.minimize(sum(squares))
                code, solver = solve()
                if code in (cp.OPTIMAL, cp.FEASIBLE):
                    best = solver
        else:
            optimal = False
    else:
        optimal = False
    chosen = _chosen(inst, x, best)
    return _result(
        inst,
        status=OPTIMAL if optimal else FEASIBLE,
        method="cpsat",
        chosen=chosen,
        seconds=time.perf_counter() - started,
        tie_break=_(TIE_BREAK),
    )


def _cp():
    from ortools.sat.python import cp_model

    return cp_model


def _model(inst: _Instance, *, slack: bool):
    """The hard constraints. With `slack`, a shift may be short (u[i] empty seats) instead of failing."""
    cp = _cp()
    model = cp.CpModel()
    x: dict[tuple[int, int], object] = {}
    per_shift: dict[int, list] = defaultdict(list)
    loads = []
    for v, cands in enumerate(inst.candidates):
        mine = []
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for i in cands:
            var = model.new_bool_var(f"x{v}_{i}")
            x[(v, i)] = var
            per_shift[i].append(var)
            mine.append(var)
            by_day[inst.shifts[i].date].append(i)
        load = model.new_int_var(0, inst.cap(v), f"load{v}")
        model.add(load == sum(mine))
        loads.append(load)
        for day, idx in by_day.items():
            if len(idx) > inst.allowance[v][day]:
                model.add(sum(x[(v, i)] for i in idx) <= inst.allowance[v][day])
            if inst.allowance[v][day] >= 2:
                # Overlapping shifts: at each shift's start, at most one shift running. On intervals the
                # start points are enough to catch every overlap.
                for i in idx:
                    running = [
                        j
                        for j in idx
                        if inst.shifts[j].slot.start <= inst.shifts[i].slot.start < inst.shifts[j].slot.end
                    ]
                    if len(running) > 1:
                        model.add_at_most_one(x[(v, j)] for j in running)
    short = {}
    for i, s in enumerate(inst.shifts):
        if slack:
            short[i] = model.new_int_var(0, s.need, f"u{i}")
            model.add(sum(per_shift[i]) + short[i] == s.need)
        else:
            model.add(sum(per_shift[i]) == s.need)
    if slack:
        model.minimize(sum(short.values()))
    return model, x, loads


def _chosen(inst: _Instance, x, solver) -> dict[int, list[int]]:
    chosen: dict[int, list[int]] = defaultdict(list)
    for (v, i), var in x.items():
        if solver.value(var):
            chosen[i].append(v)
    return chosen


def _no_roster(
    inst: _Instance, *, proven: bool, started: float, remaining, workers: int, seed: int
) -> RosterResult:
    """No full roster: the partial roster with the fewest empty seats, and why the rest stay empty."""
    cp = _cp()
    model, x, _loads = _model(inst, slack=True)
    solver = cp.CpSolver()
    # The slack model is always feasible (all seats empty), so it gets a little time even past the limit.
    solver.parameters.max_time_in_seconds = max(remaining(), 1.0)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    chosen = _chosen(inst, x, solver) if code in (cp.OPTIMAL, cp.FEASIBLE) else {}
    status = INFEASIBLE if proven else UNKNOWN
    if not proven and code in (cp.OPTIMAL, cp.FEASIBLE) and solver.objective_value == 0:
        status = FEASIBLE  # the time ran out on fairness, but this roster covers everything
    return _result(
        inst,
        status=status,
        method="cpsat",
        chosen=chosen,
        seconds=time.perf_counter() - started,
        tie_break=_("无完整排班时，取空缺人次最少的部分排班。"),
        explanation=_capacity_explanation(inst),
    )


# --- the greedy baseline --------------------------------------------------------------------------------


def greedy_roster(
    *, shifts: Sequence[Shift], volunteers: Sequence[RosterVolunteer], max_per_day: int = 1
) -> RosterResult:
    """What an organiser does by hand, as a baseline: shifts in date and slot order, each seat to the
    free volunteer with the fewest shifts so far (ties by key). Same constraints as `solve_roster`, but
    no look-ahead, so it may leave seats empty that a solver would fill, and its loads are less even."""
    started = time.perf_counter()
    inst = _instance(shifts, volunteers, max_per_day)
    load = [0] * len(inst.volunteers)
    taken: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    open_to: dict[int, list[int]] = defaultdict(list)
    for v, cands in enumerate(inst.candidates):
        for i in cands:
            open_to[i].append(v)
    chosen: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(inst.shifts):
        for _seat in range(s.need):
            fits = [
                v
                for v in open_to[i]
                if v not in chosen[i]
                and load[v] < inst.volunteers[v].max_shifts
                and len(taken[(v, s.date)]) < inst.allowance[v][s.date]
                and not any(inst.shifts[j].overlaps(s) for j in taken[(v, s.date)])
            ]
            if not fits:
                break
            v = min(fits, key=lambda v: (load[v], inst.volunteers[v].key))
            chosen[i].append(v)
            load[v] += 1
            taken[(v, s.date)].append(i)
    complete = all(len(chosen[i]) == s.need for i, s in enumerate(inst.shifts))
    return _result(
        inst,
        status=FEASIBLE if complete else INCOMPLETE,
        method="greedy",
        chosen=chosen,
        seconds=time.perf_counter() - started,
        tie_break=_(GREEDY_POLICY),
        explanation=() if complete else _capacity_explanation(inst),
    )


# --- checks and manual changes --------------------------------------------------------------------------


def check_roster(
    *,
    shifts: Sequence[Shift],
    volunteers: Sequence[RosterVolunteer],
    assignments: Mapping[str, Sequence[str]],
    max_per_day: int = 1,
) -> list[str]:
    """Every broken constraint of a roster, in Chinese, one line each; empty when the roster is sound.

    For rosters edited by hand or stored long ago (a volunteer's availability may have changed since):
    the same constraints `solve_roster` enforces, plus keys that name no shift or no volunteer.
    """
    inst = _instance(shifts, volunteers, max_per_day, strict=False)
    problems = []
    load: dict[str, int] = defaultdict(int)
    days: dict[tuple[str, dt.date], list[Shift]] = defaultdict(list)
    for key in assignments:
        if key not in inst.by_key:
            problems.append(_("排班表里有不存在的班次：%(key)s。") % {"key": key})
    for s in inst.shifts:
        people = list(assignments.get(s.key, ()))
        if len(people) < s.need:
            problems.append(
                _("%(shift)s需要%(need)s人，只排了%(n)s人。")
                % {"shift": s.label, "need": s.need, "n": len(people)}
            )
        elif len(people) > s.need:
            problems.append(
                _("%(shift)s只需要%(need)s人，却排了%(n)s人。")
                % {"shift": s.label, "need": s.need, "n": len(people)}
            )
        seen = set()
        for key in people:
            vol = inst.vol_by_key.get(key)
            if vol is None:
                problems.append(_("%(shift)s排了不存在的志愿者：%(key)s。") % {"shift": s.label, "key": key})
                continue
            if key in seen:
                problems.append(_("%(name)s在%(shift)s被重复排班。") % {"name": vol.name, "shift": s.label})
                continue
            seen.add(key)
            if not vol.is_available(s):
                problems.append(_("%(name)s在%(shift)s没有空。") % {"name": vol.name, "shift": s.label})
            if s.key in vol.busy:
                problems.append(_("%(name)s在%(shift)s已在别处值班。") % {"name": vol.name, "shift": s.label})
            elif any(s.overlaps(b) for b in inst.shifts if b.key in vol.busy):
                problems.append(
                    _("%(name)s在%(shift)s与其在别处的值班时间重叠。") % {"name": vol.name, "shift": s.label}
                )
            load[key] += 1
            days[(key, s.date)].append(s)
    for vol in inst.volunteers:
        if load[vol.key] > vol.max_shifts:
            problems.append(
                _("%(name)s排了%(n)s班，超过其上限%(max)s班。")
                % {"name": vol.name, "n": load[vol.key], "max": vol.max_shifts}
            )
    for (key, day), on in sorted(days.items(), key=lambda item: (item[0][1], item[0][0])):
        vol = inst.vol_by_key[key]
        busy = sum(1 for b in inst.shifts if b.key in vol.busy and b.date == day)
        limit = vol.max_per_day or max_per_day
        if len(on) + busy > limit:
            problems.append(
                _("%(name)s在%(day)s排了%(n)s班（含别处值班），超过每天最多%(max)s班。")
                % {"name": vol.name, "day": day_label(day), "n": len(on) + busy, "max": limit}
            )
        for a, b in _pairs(on):
            if a.overlaps(b):
                problems.append(
                    _("%(name)s的%(a)s与%(b)s时间重叠。")
                    % {"name": vol.name, "a": a.label, "b": b.slot.label}
                )
    return problems


def _pairs(items: list) -> Iterable[tuple]:
    for n, a in enumerate(items):
        for b in items[n + 1 :]:
            yield a, b


def swap(
    *,
    shifts: Sequence[Shift],
    volunteers: Sequence[RosterVolunteer],
    assignments: Mapping[str, Sequence[str]],
    shift_a: str,
    volunteer_a: str,
    shift_b: str,
    volunteer_b: str,
    max_per_day: int = 1,
) -> dict[str, tuple[str, ...]]:
    """Two people trade shifts (A takes B's shift and B takes A's); the new roster, or DomainError.

    Refused when the trade would add a problem `check_roster` reports — a problem the roster already had
    (e.g. a shift left short by the solver) does not block an unrelated trade.
    """
    current = _copy(assignments)
    _must_be_on(current, shift_a, volunteer_a)
    _must_be_on(current, shift_b, volunteer_b)
    if shift_a == shift_b:
        raise DomainError(_("两人在同一班，无需互换。"), field="shift_b")
    new = _copy(assignments)
    new[shift_a] = _sub(new[shift_a], volunteer_a, volunteer_b)
    new[shift_b] = _sub(new[shift_b], volunteer_b, volunteer_a)
    return _accept(shifts=shifts, volunteers=volunteers, old=current, new=new, max_per_day=max_per_day)


def replace(
    *,
    shifts: Sequence[Shift],
    volunteers: Sequence[RosterVolunteer],
    assignments: Mapping[str, Sequence[str]],
    shift_key: str,
    old_volunteer: str,
    new_volunteer: str,
    max_per_day: int = 1,
) -> dict[str, tuple[str, ...]]:
    """Someone else takes over one shift (illness, travel); the new roster, or DomainError when the
    substitute cannot take it (not free, busy, over a limit, already on it)."""
    current = _copy(assignments)
    _must_be_on(current, shift_key, old_volunteer)
    if new_volunteer not in {v.key for v in volunteers}:
        raise DomainError(_("没有这位志愿者：%(key)s。") % {"key": new_volunteer}, field="new_volunteer")
    new = _copy(assignments)
    new[shift_key] = _sub(new[shift_key], old_volunteer, new_volunteer)
    return _accept(shifts=shifts, volunteers=volunteers, old=current, new=new, max_per_day=max_per_day)


def _copy(assignments: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    return {key: tuple(people) for key, people in assignments.items()}


def _must_be_on(assignments: dict[str, tuple[str, ...]], shift: str, volunteer: str) -> None:
    if volunteer not in assignments.get(shift, ()):
        raise DomainError(
            _("%(volunteer)s不在班次%(shift)s上。") % {"volunteer": volunteer, "shift": shift}, field="shift"
        )


def _sub(people: tuple[str, ...], out: str, into: str) -> tuple[str, ...]:
    return tuple(sorted(into if p == out else p for p in people))


def _accept(*, shifts, volunteers, old, new, max_per_day) -> dict[str, tuple[str, ...]]:
    before = set(check_roster(shifts=shifts, volunteers=volunteers, assignments=old, max_per_day=max_per_day))
    after = check_roster(shifts=shifts, volunteers=volunteers, assignments=new, max_per_day=max_per_day)
    added = [p for p in after if p not in before]
    if added:
        raise DomainError(_("不能这样调班：%(problems)s") % {"problems": "".join(added)}, field="assignments")
    return new


__all__ = [
    "FEASIBLE",
    "INCOMPLETE",
    "INFEASIBLE",
    "OPTIMAL",
    "UNKNOWN",
    "RosterResult",
    "RosterVolunteer",
    "Shift",
    "ShiftPlan",
    "Slot",
    "UncoveredShift",
    "check_roster",
    "construction_shifts",
    "greedy_roster",
    "replace",
    "shift_key",
    "solve_roster",
    "swap",
]
