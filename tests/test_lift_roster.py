"""The stairwell duty roster for lift construction: working days from China's holiday calendar; a roster
that covers every shift without double-booking anyone, with the fairest spread (checked against brute
force); a plain-Chinese reason for every shift that cannot be covered; manual swaps that keep the rules."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.elevators.roster import (
    FEASIBLE,
    INCOMPLETE,
    INFEASIBLE,
    OPTIMAL,
    RosterVolunteer,
    Shift,
    Slot,
    check_roster,
    construction_shifts,
    greedy_roster,
    replace,
    solve_roster,
    swap,
)

AM = Slot("am", "上午 8:00–12:00", dt.time(8), dt.time(12))
PM = Slot("pm", "下午 13:00–17:00", dt.time(13), dt.time(17))
NOON = Slot("noon", "中午 11:00–14:00", dt.time(11), dt.time(14))  # overlaps both
MONDAY = dt.date(2026, 3, 2)
LIMIT = 2.0  # seconds per solve: these instances take milliseconds


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def shift(n: int, slot: Slot = AM, need: int = 1) -> Shift:
    d = day(n)
    return Shift(key=f"{d.isoformat()}/{slot.key}", date=d, slot=slot, need=need)


def vol(key: str, name: str, max_shifts: int = 10, available=None, **kw) -> RosterVolunteer:
    return RosterVolunteer(key=key, name=name, max_shifts=max_shifts, available=available, **kw)


def solve(shifts, volunteers, **kw):
    return solve_roster(shifts=shifts, volunteers=volunteers, time_limit_s=LIMIT, workers=1, **kw)


def covered_soundly(result, shifts, volunteers, max_per_day=1):
    assert result.status in (OPTIMAL, FEASIBLE), result.status_text
    assert not result.uncovered
    assert {s.key: len(result.assignments[s.key]) for s in shifts} == {s.key: s.need for s in shifts}
    assert (
        check_roster(
            shifts=shifts, volunteers=volunteers, assignments=result.assignments, max_per_day=max_per_day
        )
        == []
    )


# --- working days -----------------------------------------------------------------------------------


def test_national_day_2026_is_off_and_the_make_up_saturday_is_on():
    plan = construction_shifts(start=dt.date(2026, 9, 28), end=dt.date(2026, 10, 12), slots=[PM, AM])
    dates = sorted({s.date for s in plan.shifts})
    assert dates == [
        dt.date(2026, 9, 28),
        dt.date(2026, 9, 29),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 9),
        dt.date(2026, 10, 10),  # Saturday, a make-up workday (调休) for National Day
        dt.date(2026, 10, 12),
    ]
    assert plan.warnings == []
    # slots in time order each day, keys shared with any other roster of the same slots
    assert [s.key for s in plan.shifts[:2]] == ["2026-09-28/am", "2026-09-28/pm"]
    assert all(s.need == 1 for s in plan.shifts)


def test_make_up_sunday_before_national_day_is_on_and_mid_autumn_is_off():
    plan = construction_shifts(start=dt.date(2026, 9, 19), end=dt.date(2026, 9, 27), slots=[AM], need=2)
    assert [s.date.day for s in plan.shifts] == [20, 21, 22, 23, 24]  # 20th is a Sunday 调休; 25–27 中秋
    assert {s.need for s in plan.shifts} == {2}


def test_every_day_when_the_site_works_through_holidays():
    plan = construction_shifts(
        start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 7), slots=[AM], working_days_only=False
    )
    assert len(plan.shifts) == 7
    assert plan.warnings == []


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays_with_a_warning():
    plan = construction_shifts(start=dt.date(2026, 12, 30), end=dt.date(2027, 1, 5), slots=[AM])
    assert [s.date for s in plan.shifts] == [
        dt.date(2026, 12, 30),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),  # unknown: Friday, so on (the warning asks for a check by hand)
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 5),
    ]
    assert len(plan.warnings) == 1
    assert "2027年" in plan.warnings[0] and "尚未收录" in plan.warnings[0]


def test_a_holiday_only_period_has_no_shifts_and_says_so():
    plan = construction_shifts(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 7), slots=[AM])
    assert plan.shifts == []
    assert "没有工作日" in plan.warnings[0]


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"start": day(3), "end": day(1), "slots": [AM]}, "结束日期不能早于开始日期"),
        ({"start": day(0), "end": day(1), "slots": []}, "至少设置一个值守时段"),
        ({"start": day(0), "end": day(1), "slots": [AM, AM]}, "时段编号不能重复"),
        ({"start": day(0), "end": day(1), "slots": [AM], "need": 0}, "至少需要1人"),
        ({"start": day(0), "end": day(500), "slots": [AM]}, "排班期最长"),
    ],
)
def test_bad_periods_are_refused(kwargs, text):
    with pytest.raises(DomainError, match=text):
        construction_shifts(**kwargs)


def test_a_slot_ending_before_it_starts_is_refused():
    with pytest.raises(DomainError, match="结束时间应晚于开始时间"):
        Slot("night", "夜间 20:00–8:00", dt.time(20), dt.time(8))


# --- feasible rosters --------------------------------------------------------------------------------


def test_a_small_roster_covers_every_shift_and_breaks_no_rule():
    shifts = [shift(n, slot) for n in range(5) for slot in (AM, PM)] + [shift(5, AM, need=2)]
    volunteers = [
        vol("a", "张桂英", 4, frozenset(s.key for s in shifts if s.slot is AM)),
        vol("b", "李建国", 4, frozenset(s.key for s in shifts if s.slot is PM or s.date == day(5))),
        vol("c", "王秀兰", 4),
    ]
    result = solve(shifts, volunteers)
    covered_soundly(result, shifts, volunteers)
    assert result.status == OPTIMAL
    assert sum(result.loads.values()) == 12
    assert (result.max_load, result.min_load, result.spread) == (4, 4, 0)


def test_six_shifts_three_equally_free_volunteers_get_two_each():
    shifts = [shift(n, slot) for n in range(3) for slot in (AM, PM)]
    volunteers = [vol(k, n) for k, n in (("a", "赵一"), ("b", "钱二"), ("c", "孙三"))]
    result = solve(shifts, volunteers)
    covered_soundly(result, shifts, volunteers)
    assert result.loads == {"a": 2, "b": 2, "c": 2}
    assert (result.max_load, result.spread) == (2, 0)


def test_spread_counts_only_volunteers_who_can_take_a_shift():
    shifts = [shift(n) for n in range(4)]
    volunteers = [
        vol("a", "赵一"),
        vol("b", "钱二"),
        vol("c", "孙三", available=frozenset()),
        vol("d", "李四", 0),
    ]
    result = solve(shifts, volunteers)
    assert result.fairness_pool == ("a", "b")
    assert (result.max_load, result.min_load, result.spread) == (2, 2, 0)
    assert result.loads == {"a": 2, "b": 2, "c": 0, "d": 0}


def test_tie_break_evens_out_the_middle_when_someone_can_give_only_one_shift():
    shifts = [shift(n) for n in range(13)]
    volunteers = [vol("a", "赵一"), vol("b", "钱二"), vol("c", "孙三"), vol("d", "李四", 1)]
    result = solve(shifts, volunteers)
    covered_soundly(result, shifts, volunteers)
    assert sorted(result.loads.values()) == [1, 4, 4, 4]


def test_a_shift_held_elsewhere_and_the_day_limit_are_respected():
    shifts = [shift(0, AM), shift(0, PM)]
    volunteers = [vol("a", "赵一", busy=frozenset({shift(0, AM).key}), max_per_day=2), vol("b", "钱二")]
    result = solve(shifts, volunteers)
    covered_soundly(result, shifts, volunteers)
    assert result.assignments == {shifts[0].key: ("b",), shifts[1].key: ("a",)}


def test_a_volunteer_allowed_two_shifts_a_day_takes_both_but_never_overlapping_ones():
    both = [shift(0, AM), shift(0, PM)]
    only = [vol("a", "赵一", max_per_day=2)]
    result = solve(both, only)
    covered_soundly(result, both, only)
    assert result.loads == {"a": 2}

    clash = [shift(0, AM), shift(0, NOON)]
    result = solve(clash, only)
    assert result.status == INFEASIBLE
    assert "同一时段已在另一班" in result.uncovered[0].reason


def test_busy_elsewhere_uses_up_the_day():
    shifts = [shift(0, PM)]
    volunteers = [vol("a", "赵一", busy=frozenset({shift(0, AM).key}))]
    # the busy morning is not a shift of this roster: only its key is known, so only that key is closed
    covered_soundly(solve(shifts, volunteers), shifts, volunteers)
    shifts = [shift(0, AM), shift(0, PM)]
    volunteers = [vol("a", "赵一", busy=frozenset({shift(0, AM).key})), vol("b", "钱二", 0)]
    result = solve(shifts, volunteers)
    assert result.status == INFEASIBLE
    am = next(u for u in result.uncovered if u.shift_key == shift(0, AM).key)
    assert "赵一这个时段已在别处值班" in am.reason and "钱二最多值0班" in am.reason


def _brute_force(shifts, volunteers):
    """(max load, min load over those who can take a shift) of the best roster, by enumeration."""
    options = []
    for s in shifts:
        free = [v for v in volunteers if v.is_available(s) and v.max_shifts > 0]
        options.append(list(itertools.combinations(free, s.need)))
    pool = [v.key for v in volunteers if v.max_shifts > 0 and any(v.is_available(s) for s in shifts)]
    best = None
    for choice in itertools.product(*options):
        load = dict.fromkeys((v.key for v in volunteers), 0)
        per_day = {}
        for s, people in zip(shifts, choice, strict=True):
            for v in people:
                load[v.key] += 1
                per_day[(v.key, s.date)] = per_day.get((v.key, s.date), 0) + 1
        if any(load[v.key] > v.max_shifts for v in volunteers) or any(n > 1 for n in per_day.values()):
            continue
        value = (max(load[k] for k in pool), -min(load[k] for k in pool))
        best = value if best is None or value < best else best
    return None if best is None else (best[0], -best[1])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    layout=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from([AM, PM]), st.sampled_from([1, 1, 2])),
        min_size=1,
        max_size=6,
    ),
    people=st.lists(
        st.tuples(
            st.sampled_from([0, 1, 2, 2, 3, 4]),
            st.lists(st.sampled_from([True, True, False]), min_size=6, max_size=6),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_max_load_and_spread_are_the_brute_force_optimum(layout, people):
    shifts = list({(d, slot.key): shift(d, slot, need) for d, slot, need in layout}.values())
    volunteers = [
        vol(f"v{n}", f"志愿者{n}", cap, frozenset(s.key for s, ok in zip(shifts, free, strict=False) if ok))
        for n, (cap, free) in enumerate(people)
    ]
    expected = _brute_force(shifts, volunteers)
    result = solve(shifts, volunteers)
    if expected is None:
        assert result.status == INFEASIBLE
        assert result.uncovered, "an infeasible roster names the shifts it cannot cover"
        assert all(u.reason for u in result.uncovered)
    else:
        covered_soundly(result, shifts, volunteers)
        assert result.status == OPTIMAL
        assert (result.max_load, result.min_load) == expected


# --- no roster possible: which shift, and why ---------------------------------------------------------


def test_nobody_free_names_the_shift():
    shifts = [shift(0, AM), shift(0, PM)]
    volunteers = [vol("a", "赵一", available=frozenset({shift(0, AM).key}))]
    result = solve(shifts, volunteers)
    assert result.status == INFEASIBLE
    assert "无解" in result.status_text
    [gap] = result.uncovered
    assert (gap.shift_key, gap.missing, gap.candidates) == (shift(0, PM).key, 1, ())
    assert gap.reason == "没有志愿者在这个时段有空。"
    assert "3月2日" in gap.label and "下午" in gap.label
    assert result.assignments[shift(0, AM).key] == ("a",)  # the best partial roster is kept


def test_one_free_but_two_needed():
    shifts = [shift(0, AM, need=2)]
    volunteers = [vol("a", "赵一"), vol("b", "钱二", available=frozenset())]
    result = solve(shifts, volunteers)
    [gap] = result.uncovered
    assert gap.missing == 1
    assert gap.reason == "只有1人（赵一）能值这一班，但需要2人。"


def test_everyone_free_is_at_their_limit():
    shifts = [shift(n) for n in range(3)]
    volunteers = [vol("a", "赵一", 2)]
    result = solve(shifts, volunteers)
    assert result.status == INFEASIBLE
    [gap] = result.uncovered
    assert "赵一已排满上限2班" in gap.reason
    assert "全体志愿者最多能值2人次，而排班需要3人次，至少还差1人次。" in result.explanation


def test_a_long_list_of_full_volunteers_is_shortened_to_three_names_and_a_count():
    shifts = [shift(n) for n in range(6)]
    volunteers = [vol(f"v{n}", f"志愿者{n}", 1) for n in range(5)]
    result = solve(shifts, volunteers)
    [gap] = result.uncovered
    assert (
        gap.reason == "能值这一班的5人在本排班中都已排不开：志愿者0、志愿者1、志愿者2等5人已排满各自的上限。"
    )


def test_everyone_free_is_already_on_duty_that_day():
    shifts = [shift(0, AM), shift(0, PM)]
    volunteers = [vol("a", "赵一")]
    result = solve(shifts, volunteers)
    [gap] = result.uncovered
    assert "赵一当天已值班" in gap.reason
    assert any("当天最多只能排1人次" in line for line in result.explanation)


@pytest.mark.parametrize(
    ("shifts", "volunteers", "kwargs", "text"),
    [
        ([], [vol("a", "赵一")], {}, "没有需要值守的班次"),
        ([shift(0)], [], {}, "还没有值守志愿者"),
        ([shift(0), shift(0)], [vol("a", "赵一")], {}, "班次编号不能重复"),
        ([shift(0)], [vol("a", "赵一"), vol("a", "钱二")], {}, "志愿者编号不能重复"),
        ([shift(0)], [vol("a", "赵一")], {"max_per_day": 0}, "每人每天最多班次"),
        ([shift(0)], [vol("a", "赵一")], {"time_limit_s": 0}, "求解时限"),
    ],
)
def test_bad_rosters_are_refused(shifts, volunteers, kwargs, text):
    with pytest.raises(DomainError, match=text):
        solve_roster(shifts=shifts, volunteers=volunteers, **kwargs)


def test_negative_limits_are_refused():
    with pytest.raises(DomainError, match="最多班次应为0或正整数"):
        vol("a", "赵一", -1)
    with pytest.raises(DomainError, match="每天最多班次应至少为1"):
        vol("a", "赵一", max_per_day=0)
    with pytest.raises(DomainError, match="至少需要1人"):
        shift(0, need=0)


# --- the greedy baseline ----------------------------------------------------------------------------


def test_greedy_takes_the_least_loaded_and_can_miss_what_the_solver_finds():
    shifts = [shift(0, AM), shift(0, PM)]
    volunteers = [vol("a", "赵一"), vol("b", "钱二", available=frozenset({shift(0, AM).key}))]
    greedy = greedy_roster(shifts=shifts, volunteers=volunteers)
    assert greedy.status == INCOMPLETE
    assert greedy.assignments == {shift(0, AM).key: ("a",), shift(0, PM).key: ()}
    assert [u.shift_key for u in greedy.uncovered] == [shift(0, PM).key]
    best = solve(shifts, volunteers)
    covered_soundly(best, shifts, volunteers)
    assert best.assignments == {shift(0, AM).key: ("b",), shift(0, PM).key: ("a",)}


def test_greedy_spreads_evenly_when_it_can():
    shifts = [shift(n, slot) for n in range(3) for slot in (AM, PM)]
    volunteers = [vol("a", "赵一"), vol("b", "钱二"), vol("c", "孙三")]
    greedy = greedy_roster(shifts=shifts, volunteers=volunteers)
    covered_soundly(greedy, shifts, volunteers)
    assert greedy.loads == {"a": 2, "b": 2, "c": 2}


# --- checks and manual changes ------------------------------------------------------------------------


def test_check_roster_names_each_broken_rule():
    shifts = [shift(0, AM), shift(0, PM), shift(1, AM)]
    volunteers = [vol("a", "赵一", 1, frozenset({shift(0, AM).key, shift(0, PM).key})), vol("b", "钱二")]
    problems = check_roster(
        shifts=shifts,
        volunteers=volunteers,
        assignments={
            shift(0, AM).key: ["a"],
            shift(0, PM).key: ["a"],
            shift(1, AM).key: ["a", "x"],
            "zz": ["b"],
        },
    )
    text = "\n".join(problems)
    assert "不存在的班次：zz" in text
    assert "只需要1人，却排了2人" in text
    assert "不存在的志愿者：x" in text
    assert "赵一在2026年3月3日（周二） 上午 8:00–12:00没有空" in text
    assert "赵一排了3班，超过其上限1班" in text
    assert "超过每天最多1班" in text


def _two_day_roster():
    shifts = [shift(0, AM), shift(1, AM), shift(2, AM)]
    volunteers = [
        vol("a", "赵一", 2),
        vol("b", "钱二", 2, frozenset({shift(0, AM).key, shift(1, AM).key})),
        vol("c", "孙三", 1),
    ]
    assignments = {shift(0, AM).key: ("a",), shift(1, AM).key: ("b",), shift(2, AM).key: ("c",)}
    assert check_roster(shifts=shifts, volunteers=volunteers, assignments=assignments) == []
    return shifts, volunteers, assignments


def test_a_valid_swap_is_accepted():
    shifts, volunteers, assignments = _two_day_roster()
    new = swap(
        shifts=shifts,
        volunteers=volunteers,
        assignments=assignments,
        shift_a=shift(0, AM).key,
        volunteer_a="a",
        shift_b=shift(1, AM).key,
        volunteer_b="b",
    )
    assert new[shift(0, AM).key] == ("b",) and new[shift(1, AM).key] == ("a",)
    assert check_roster(shifts=shifts, volunteers=volunteers, assignments=new) == []
    assert assignments[shift(0, AM).key] == ("a",)  # the old roster is untouched


def test_a_swap_onto_a_shift_the_volunteer_is_not_free_for_is_refused():
    shifts, volunteers, assignments = _two_day_roster()
    with pytest.raises(DomainError, match="钱二在.*没有空"):
        swap(
            shifts=shifts,
            volunteers=volunteers,
            assignments=assignments,
            shift_a=shift(2, AM).key,
            volunteer_a="c",
            shift_b=shift(1, AM).key,
            volunteer_b="b",
        )


def test_a_swap_needs_both_people_on_their_shifts():
    shifts, volunteers, assignments = _two_day_roster()
    with pytest.raises(DomainError, match="不在班次"):
        swap(
            shifts=shifts,
            volunteers=volunteers,
            assignments=assignments,
            shift_a=shift(0, AM).key,
            volunteer_a="b",
            shift_b=shift(1, AM).key,
            volunteer_b="a",
        )


def test_a_replacement_over_their_limit_is_refused_and_a_free_one_accepted():
    shifts, volunteers, assignments = _two_day_roster()
    with pytest.raises(DomainError, match="孙三排了2班，超过其上限1班"):
        replace(
            shifts=shifts,
            volunteers=volunteers,
            assignments=assignments,
            shift_key=shift(0, AM).key,
            old_volunteer="a",
            new_volunteer="c",
        )
    new = replace(
        shifts=shifts,
        volunteers=volunteers,
        assignments=assignments,
        shift_key=shift(2, AM).key,
        old_volunteer="c",
        new_volunteer="a",
    )
    assert new[shift(2, AM).key] == ("a",)


def test_a_replacement_already_on_the_shift_is_refused():
    shifts = [shift(0, AM, need=2)]
    volunteers = [vol("a", "赵一"), vol("b", "钱二")]
    with pytest.raises(DomainError, match="重复排班"):
        replace(
            shifts=shifts,
            volunteers=volunteers,
            assignments={shift(0, AM).key: ("a", "b")},
            shift_key=shift(0, AM).key,
            old_volunteer="a",
            new_volunteer="b",
        )


def test_a_swap_is_not_blocked_by_a_gap_the_roster_already_had():
    shifts = [shift(0, AM), shift(1, AM), shift(2, AM)]
    volunteers = [vol("a", "赵一"), vol("b", "钱二")]
    partial = {shift(0, AM).key: ("a",), shift(1, AM).key: ("b",), shift(2, AM).key: ()}
    new = swap(
        shifts=shifts,
        volunteers=volunteers,
        assignments=partial,
        shift_a=shift(0, AM).key,
        volunteer_a="a",
        shift_b=shift(1, AM).key,
        volunteer_b="b",
    )
    assert new[shift(0, AM).key] == ("b",)
