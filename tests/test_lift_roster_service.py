"""The stored duty roster of a lift's construction: a generated roster passes every check and is kept in
one piece; an impossible one stores nothing and says why; volunteers' weekly free time and days off are
read; nobody is booked twice across two entrances' rosters; swaps and replacements keep the rules."""

import datetime as dt

import pytest

from linli.core.errors import DomainError
from linli.elevators import roster as rules
from linli.elevators import services_roster as services
from linli.elevators.models import DutyAssignment, DutyRoster, LiftProject, RosterMember
from linli.elevators.services_projects import stages_ensure
from linli.organizing.models import Volunteer
from linli.organizing.models.volunteers import ALL_SLOTS, availability_mask

MONDAY = dt.date(2026, 3, 2)  # a plain working week: 2–6 March 2026
FRIDAY = dt.date(2026, 3, 6)
AM = services.slot_make(label="上午", start=dt.time(8), end=dt.time(12))
PM = services.slot_make(label="下午", start=dt.time(12), end=dt.time(17))


def project_for(entrance, started_on=dt.date(2026, 1, 5)):
    stages_ensure(entrance.community_id)
    return LiftProject.objects.create(
        community_id=entrance.community_id,
        building_id=entrance.building_id,
        entrance=entrance,
        started_on=started_on,
    )


def volunteer(community, name, availability=ALL_SLOTS, **extra):
    return Volunteer.objects.create(
        community=community, name=name, registered_on=dt.date(2025, 1, 1), availability=availability, **extra
    )


def generate(world, project, members, *, start=MONDAY, end=FRIDAY, slots=(AM, PM), **extra):
    return services.roster_generate(
        actor=world.staff,
        project=project,
        starts_on=start,
        ends_on=end,
        slots=list(slots),
        need=extra.pop("need", 1),
        max_per_day=extra.pop("max_per_day", 1),
        working_days_only=extra.pop("working_days_only", True),
        members=members,
        time_limit_s=extra.pop("time_limit_s", 3.0),
    )


def assigned(roster) -> dict[tuple[dt.date, str], list[int]]:
    out: dict = {}
    for a in DutyAssignment.objects.filter(roster=roster):
        out.setdefault((a.day, a.slot), []).append(a.volunteer_id)
    return out


@pytest.fixture
def project(world):
    return project_for(world.entrance_1)


@pytest.fixture
def trio(world):
    return [volunteer(world.community, name) for name in ("王师傅", "陈阿姨", "刘老师")]


def test_a_generated_roster_is_stored_and_passes_every_check(world, project, trio):
    outcome = generate(world, project, [(v, 5, ()) for v in trio])
    assert outcome.stored and outcome.result.status == rules.OPTIMAL
    roster = DutyRoster.objects.get(project=project)
    assert roster.solver_status == rules.OPTIMAL and roster.result["max_load"] == 4
    assert roster.result["min_load"] == 3  # 10 shifts over 3 people: 4, 3, 3
    assert DutyAssignment.objects.filter(roster=roster).count() == 10  # 5 days × 2 slots
    assert RosterMember.objects.filter(roster=roster).count() == 3
    state = services.roster_state(roster)
    assert (
        rules.check_roster(
            shifts=state.shifts, volunteers=state.volunteers, assignments=state.assignments, max_per_day=1
        )
        == []
    )
    # nobody twice on one day (max_per_day 1)
    days = [(a.volunteer_id, a.day) for a in DutyAssignment.objects.filter(roster=roster)]
    assert len(days) == len(set(days))


def test_an_impossible_roster_stores_nothing_and_says_why(world, project, trio):
    outcome = generate(world, project, [(trio[0], 3, ())])
    assert not outcome.stored and outcome.result.status == rules.INFEASIBLE
    assert not DutyRoster.objects.exists() and not DutyAssignment.objects.exists()
    assert any("还差7人次" in line for line in outcome.result.explanation)  # capacity 3, demand 10
    assert outcome.result.uncovered and all(gap.reason for gap in outcome.result.uncovered)


def test_an_impossible_regeneration_keeps_the_roster_before(world, project, trio):
    generate(world, project, [(v, 5, ()) for v in trio])
    before = sorted(DutyAssignment.objects.values_list("day", "slot", "volunteer_id"))
    outcome = generate(world, project, [(trio[0], 1, ())])
    assert not outcome.stored
    assert sorted(DutyAssignment.objects.values_list("day", "slot", "volunteer_id")) == before


def test_weekly_availability_and_days_off_are_respected(world, project):
    mornings = volunteer(
        world.community,
        "早班",
        availability_mask(["mon_morning", "tue_morning", "wed_morning", "thu_morning", "fri_morning"]),
    )
    afternoons = volunteer(
        world.community,
        "午班",
        availability_mask(
            ["mon_afternoon", "tue_afternoon", "wed_afternoon", "thu_afternoon", "fri_afternoon"]
        ),
    )
    spare = volunteer(world.community, "替补")
    outcome = generate(
        world,
        project,
        [(mornings, 5, {dt.date(2026, 3, 4)}), (afternoons, 5, ()), (spare, 5, ())],
    )
    assert outcome.stored
    table = assigned(outcome.roster)
    for (day, slot), people in table.items():
        if mornings.pk in people:
            assert slot == AM.key and day != dt.date(2026, 3, 4)
        if afternoons.pk in people:
            assert slot == PM.key
    assert table[(dt.date(2026, 3, 4), AM.key)] == [spare.pk]  # the morning volunteer's day off


def test_a_volunteer_busy_in_another_entrances_roster_is_not_double_booked(world, project):
    both = volunteer(world.community, "两头跑")
    other = project_for(world.building_2.entrances.first())
    first = generate(world, other, [(both, 1, ())], end=MONDAY, slots=[AM])
    assert first.stored and assigned(first.roster) == {(MONDAY, AM.key): [both.pk]}

    # Only `both` for the same Monday morning here: impossible, and the reason names the other watch.
    alone = generate(world, project, [(both, 1, ())], end=MONDAY, slots=[AM])
    assert not alone.stored
    assert "已在别处值班" in alone.result.uncovered[0].reason

    # With a second volunteer, the second one takes it; an overlapping slot (9:00–11:00) is closed too.
    helper = volunteer(world.community, "帮手")
    nine = services.slot_make(label="", start=dt.time(9), end=dt.time(11))
    outcome = generate(world, project, [(both, 1, ()), (helper, 1, ())], end=MONDAY, slots=[nine])
    assert outcome.stored and assigned(outcome.roster) == {(MONDAY, nine.key): [helper.pk]}


def test_no_volunteers_or_no_shifts_is_refused_and_nothing_saved(world, project, trio):
    with pytest.raises(DomainError, match="请至少选择一位值守志愿者"):
        generate(world, project, [])
    saturday, sunday = dt.date(2026, 3, 7), dt.date(2026, 3, 8)
    with pytest.raises(DomainError, match="没有需要值守的班次"):
        generate(world, project, [(trio[0], 5, ())], start=saturday, end=sunday)
    assert not DutyRoster.objects.exists()


def test_only_current_volunteers_of_the_community(world, project):
    stranger = volunteer(world.neighbour, "外区志愿者")
    with pytest.raises(DomainError, match="不是本居民区的志愿者"):
        generate(world, project, [(stranger, 5, ())])
    gone = volunteer(world.community, "已退出", left_on=dt.date(2026, 1, 1))
    with pytest.raises(DomainError, match="已退出"):
        generate(world, project, [(gone, 5, ())])
    assert not DutyRoster.objects.exists()


def test_people_outside_the_project_may_not_generate(world, project, trio):
    with pytest.raises(DomainError, match="没有权限"):
        services.roster_generate(
            actor=world.outsider,
            project=project,
            starts_on=MONDAY,
            ends_on=FRIDAY,
            slots=[AM],
            members=[(v, 5, ()) for v in trio],
        )


def test_the_building_leader_may_generate(world, project, trio):
    outcome = services.roster_generate(
        actor=world.building_leader,
        project=project,
        starts_on=MONDAY,
        ends_on=FRIDAY,
        slots=[AM],
        members=[(v, 5, ()) for v in trio],
        time_limit_s=3.0,
    )
    assert outcome.stored


def _rows(roster, volunteer_id):
    return list(
        DutyAssignment.objects.filter(roster=roster, volunteer_id=volunteer_id).order_by("day", "slot")
    )


def test_a_swap_within_the_rules_is_made_and_the_roster_stays_sound(world, project, trio):
    roster = generate(world, project, [(v, 5, ()) for v in trio]).roster
    a, b = _rows(roster, trio[0].pk)[0], _rows(roster, trio[1].pk)[0]
    services.duty_swap(actor=world.staff, roster=roster, assignment_a=a.pk, assignment_b=b.pk)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.volunteer_id, b.volunteer_id) == (trio[1].pk, trio[0].pk)
    state = services.roster_state(roster)
    assert (
        rules.check_roster(shifts=state.shifts, volunteers=state.volunteers, assignments=state.assignments)
        == []
    )


def test_a_swap_that_breaks_a_rule_is_refused_and_nothing_changes(world, project):
    mornings = volunteer(
        world.community,
        "早班",
        availability_mask([f"{d}_morning" for d in ("mon", "tue", "wed", "thu", "fri")]),
    )
    afternoons = volunteer(
        world.community,
        "午班",
        availability_mask([f"{d}_afternoon" for d in ("mon", "tue", "wed", "thu", "fri")]),
    )
    roster = generate(world, project, [(mornings, 5, ()), (afternoons, 5, ())]).roster
    a, b = _rows(roster, mornings.pk)[0], _rows(roster, afternoons.pk)[1]
    before = sorted(DutyAssignment.objects.values_list("pk", "volunteer_id"))
    with pytest.raises(DomainError, match="不能这样调班.*没有空"):
        services.duty_swap(actor=world.staff, roster=roster, assignment_a=a.pk, assignment_b=b.pk)
    assert sorted(DutyAssignment.objects.values_list("pk", "volunteer_id")) == before


def test_a_replacement_keeps_the_daily_limit(world, project, trio):
    roster = generate(world, project, [(v, 5, ()) for v in trio]).roster
    monday = list(DutyAssignment.objects.filter(roster=roster, day=MONDAY).order_by("slot"))
    on_monday = {a.volunteer_id for a in monday}
    idle = next(v for v in trio if v.pk not in on_monday)
    # Someone already on Monday cannot take the other Monday shift (one shift a day).
    with pytest.raises(DomainError, match="每天最多1班"):
        services.duty_replace(
            actor=world.staff, roster=roster, assignment_id=monday[0].pk, volunteer_id=monday[1].volunteer_id
        )
    services.duty_replace(actor=world.staff, roster=roster, assignment_id=monday[0].pk, volunteer_id=idle.pk)
    monday[0].refresh_from_db()
    assert monday[0].volunteer_id == idle.pk and monday[0].reminded_at is None
    outsider = volunteer(world.community, "不在排班里")
    with pytest.raises(DomainError, match="须是本排班的值守志愿者"):
        services.duty_replace(
            actor=world.staff, roster=roster, assignment_id=monday[0].pk, volunteer_id=outsider.pk
        )
