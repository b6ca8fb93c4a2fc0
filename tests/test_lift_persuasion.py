"""Persuasion visits and the entrance board's figures (services_persuasion, selectors_persuasion).

The small entrance used throughout (building 1, entrance 2; 孙奶奶 leads building 1), by hand:

    floor 3: 301 60 m² 支持     302 60 m² 支持
    floor 2: 201 60 m² 观望     202 60 m² 反对 (next step overdue)
    floor 1: 101 90 m² 未联系*  102 50 m² 观望          (* knocked, nobody home: a visit, still 未联系)

Total 380 m², 6 owners. Supporters voting yes and nobody else: 120 m², 2 heads. Participation needs
≥ 2/3: 253⅓ m² and 4 heads; the largest further consents first are 101 (90) and then, among the 60s, the
higher floor 201 (before 202 by label): 120 + 90 + 60 = 270 ≥ 253⅓, 4/6 heads, all agree → passes with
2 more. So "who next" is 101, 201 (needed), then the other undecided 102, then the opposed 202.
Funnel: contacted 301 302 201 202 102 = 290 m² = 29/38 (76.3%); willing 301 302 = 120 m² = 6/19 (31.6%).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.elevators import selectors_persuasion as selectors
from linli.elevators import services_persuasion as services
from linli.elevators.models import Attitude, LiftProject, OutreachEvent, PersuasionVisit, StageRecord
from linli.elevators.services_projects import stages_ensure
from linli.registry.models import Owner, Ownership
from tests.factories import EntranceFactory, FlatFactory

STARTED = dt.date(2026, 3, 1)
TODAY = dt.date(2026, 6, 1)


@dataclass
class Entrance:
    project: LiftProject
    flats: dict  # number → Flat
    owners: dict  # number → Owner


def small_entrance(world, *, started_on=STARTED) -> Entrance:
    """Building 1, entrance 2: three floors of two flats, one owner each (业主301 …), no visits yet."""
    entrance = EntranceFactory(building=world.building_1, number=2)
    areas = {"301": "60", "302": "60", "201": "60", "202": "60", "101": "90", "102": "50"}
    flats, owners = {}, {}
    for number, area in areas.items():
        flat = FlatFactory(entrance=entrance, floor=int(number[0]), number=number, area=Decimal(area))
        owner = Owner.objects.create(community=world.community, name=f"业主{number}")
        Ownership.objects.create(community=world.community, owner=owner, flat=flat)
        flats[number], owners[number] = flat, owner
    stages = stages_ensure(world.community.pk)
    project = LiftProject.objects.create(
        community=world.community, building=world.building_1, entrance=entrance, started_on=started_on
    )
    StageRecord.objects.create(
        community=world.community, project=project, stage=stages[0], started_on=started_on
    )
    return Entrance(project, flats, owners)


def visit(world, e: Entrance, number: str, attitude: str, on=dt.date(2026, 4, 1), **extra):
    return services.visit_record(
        actor=world.staff,
        project=e.project,
        flat=e.flats[number],
        owner=extra.pop("owner", e.owners[number]),
        visited_on=on,
        visited_by="王书记",
        attitude=attitude,
        today=TODAY,
        **extra,
    )


def campaign(world, e: Entrance) -> None:
    """The attitudes of the module docstring, with some history behind them."""
    visit(world, e, "301", Attitude.UNDECIDED, on=dt.date(2026, 3, 10))
    visit(world, e, "301", Attitude.SUPPORT, on=dt.date(2026, 4, 2))
    visit(world, e, "302", Attitude.SUPPORT)
    visit(world, e, "201", Attitude.SUPPORT, on=dt.date(2026, 3, 20))
    visit(world, e, "201", Attitude.UNDECIDED, on=dt.date(2026, 4, 20), concerns=["cost"])
    visit(
        world,
        e,
        "202",
        Attitude.OPPOSE,
        concerns=["light_noise", "privacy"],
        best_placed="relative",
        best_placed_note="女儿小李",
        next_step="请女儿一起谈",
        next_on=dt.date(2026, 5, 1),
    )
    visit(world, e, "101", Attitude.UNCONTACTED, next_on=dt.date(2026, 6, 10))
    visit(world, e, "102", Attitude.UNDECIDED)


# --- services --------------------------------------------------------------------------------------------


def test_latest_visit_decides_the_attitude(world):
    e = small_entrance(world)
    assert selectors.board(e.project).cell(e.flats["201"].pk).attitude == Attitude.UNCONTACTED
    visit(world, e, "201", Attitude.SUPPORT, on=dt.date(2026, 4, 1))
    visit(world, e, "201", Attitude.OPPOSE, on=dt.date(2026, 5, 1))
    # Recorded later but visited earlier: history, not the current attitude.
    visit(world, e, "201", Attitude.UNDECIDED, on=dt.date(2026, 3, 15))
    assert selectors.board(e.project).cell(e.flats["201"].pk).attitude == Attitude.OPPOSE
    # Same day: the later entry wins.
    visit(world, e, "201", Attitude.SUPPORT, on=dt.date(2026, 5, 1))
    assert selectors.board(e.project).cell(e.flats["201"].pk).attitude == Attitude.SUPPORT
    assert PersuasionVisit.objects.filter(flat=e.flats["201"]).count() == 4  # a new row each time


def test_visit_keeps_what_was_said(world):
    e = small_entrance(world)
    saved = visit(
        world,
        e,
        "202",
        Attitude.OPPOSE,
        concerns=["privacy", "light_noise", "privacy"],
        concern_note="平台正对卧室窗户",
        best_placed="party_member",
        best_placed_note="3楼党员王老师",
        next_step="请王老师上门",
        next_on=dt.date(2026, 4, 8),
    )
    saved.refresh_from_db()
    assert saved.concerns == ["privacy", "light_noise"]
    assert saved.owner == e.owners["202"] and saved.recorded_by == world.staff
    assert saved.community_id == world.community.pk and saved.best_placed_note == "3楼党员王老师"


def test_a_building_leader_records_visits_in_their_building(world):
    e = small_entrance(world)
    services.visit_record(
        actor=world.building_leader,
        project=e.project,
        flat=e.flats["301"],
        visited_on=dt.date(2026, 4, 1),
        visited_by="孙奶奶",
        attitude=Attitude.SUPPORT,
        today=TODAY,
    )
    assert PersuasionVisit.objects.filter(project=e.project).count() == 1


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"flat": "other entrance"}, "flat", "不在本单元"),
        ({"flat": "other building"}, "flat", "不在本单元"),
        ({"visited_on": dt.date(2026, 6, 2)}, "visited_on", "不能晚于今天"),
        ({"visited_on": dt.date(2026, 2, 28)}, "visited_on", "不能早于项目启动日期"),
        ({"owner": "302's"}, "owner", "不是"),
        ({"concerns": ["cost", "ghosts"]}, "concerns", "无法识别的顾虑：ghosts"),
        ({"attitude": "maybe"}, "attitude", "请选择态度"),
        ({"best_placed": "mayor"}, "best_placed", "无法识别"),
        ({"visited_by": "  "}, "visited_by", "请填写走访人"),
        ({"next_on": dt.date(2026, 3, 31)}, "next_on", "不能早于走访日期"),
    ],
)
def test_bad_visits_are_refused_and_save_nothing(world, change, field, words):
    e = small_entrance(world)
    other_entrance = FlatFactory(entrance=EntranceFactory(building=world.building_1, number=3), floor=2)
    values = {
        "actor": world.staff,
        "project": e.project,
        "flat": e.flats["301"],
        "owner": e.owners["301"],
        "visited_on": dt.date(2026, 4, 1),
        "visited_by": "王书记",
        "attitude": Attitude.SUPPORT,
        "today": TODAY,
    }
    special = {"other entrance": other_entrance, "other building": world.flat_201, "302's": e.owners["302"]}
    values.update({k: special.get(v, v) if isinstance(v, str) else v for k, v in change.items()})
    with pytest.raises(DomainError) as refused:
        services.visit_record(**values)
    assert field in refused.value.errors
    assert words in " ".join(refused.value.errors[field])
    assert not PersuasionVisit.objects.exists()


def test_building_scope_accepts_the_other_entrances_of_the_building(world):
    e = small_entrance(world)
    elsewhere = FlatFactory(entrance=EntranceFactory(building=world.building_1, number=3), floor=2)
    with pytest.raises(DomainError):
        services.visit_record(
            actor=world.staff,
            project=e.project,
            flat=elsewhere,
            visited_on=dt.date(2026, 4, 1),
            visited_by="王书记",
            attitude=Attitude.SUPPORT,
            today=TODAY,
        )
    e.project.vote_scope = "building"
    e.project.save(update_fields=["vote_scope"])
    services.visit_record(
        actor=world.staff,
        project=e.project,
        flat=elsewhere,
        visited_on=dt.date(2026, 4, 1),
        visited_by="王书记",
        attitude=Attitude.SUPPORT,
        today=TODAY,
    )
    with pytest.raises(DomainError, match="不在本幢"):
        services.visit_record(
            actor=world.staff,
            project=e.project,
            flat=world.flat_201,
            visited_on=dt.date(2026, 4, 1),
            visited_by="王书记",
            attitude=Attitude.SUPPORT,
            today=TODAY,
        )
    assert PersuasionVisit.objects.count() == 1


@pytest.mark.parametrize("role", ["volunteer", "group_leader", "resident", "outsider"])
def test_visits_need_the_project_permission(world, role):
    e = small_entrance(world)
    with pytest.raises(DomainError, match="没有权限"):
        services.visit_record(
            actor=getattr(world, role),
            project=e.project,
            flat=e.flats["301"],
            visited_on=dt.date(2026, 4, 1),
            visited_by="某人",
            attitude=Attitude.SUPPORT,
            today=TODAY,
        )
    assert not PersuasionVisit.objects.exists()


def test_outreach_records_who_came_and_what_they_saw(world):
    e = small_entrance(world)
    event = services.outreach_record(
        actor=world.building_leader,
        project=e.project,
        kind="site_visit",
        held_on=dt.date(2026, 4, 12),
        title="参观怒江苑加装电梯",
        place="普陀区怒江苑 5号",
        speaker="智囊团 陈工",
        attendees=[e.flats["101"], e.flats["102"]],
        other_attendees="街道规划办 1人",
        today=TODAY,
    )
    assert set(event.attendees.all()) == {e.flats["101"], e.flats["102"]}
    assert [ev.pk for ev in selectors.outreach_events(e.project)] == [event.pk]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "site_visit", "place": ""}, "place"),
        ({"held_on": dt.date(2026, 7, 1)}, "held_on"),
        ({"held_on": dt.date(2025, 7, 1)}, "held_on"),
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
        ({"attendees": "outside"}, "attendees"),
    ],
)
def test_bad_outreach_is_refused_and_saves_nothing(world, change, field):
    e = small_entrance(world)
    values = {
        "actor": world.staff,
        "project": e.project,
        "kind": "talk",
        "held_on": dt.date(2026, 4, 12),
        "title": "政策宣讲会",
        "attendees": [e.flats["301"]],
        "today": TODAY,
    }
    values.update(change)
    if values["attendees"] == "outside":
        values["attendees"] = [e.flats["301"], world.flat_101]
    with pytest.raises(DomainError) as refused:
        services.outreach_record(**values)
    assert field in refused.value.errors
    assert not OutreachEvent.objects.exists()


# --- selectors -------------------------------------------------------------------------------------------


def test_board_is_floor_by_floor_top_first_with_a_legend(world):
    e = small_entrance(world)
    campaign(world, e)
    board = selectors.board(e.project)
    assert [floor for floor, _ in board.floors] == [3, 2, 1]
    shown = [[(c.flat.number, c.attitude) for c in cells] for _, cells in board.floors]
    assert shown == [
        [("301", "support"), ("302", "support")],
        [("201", "undecided"), ("202", "oppose")],
        [("101", "uncontacted"), ("102", "undecided")],
    ]
    assert [(i.attitude, i.count) for i in board.legend] == [
        ("support", 2),
        ("undecided", 2),
        ("oppose", 1),
        ("uncontacted", 1),
    ]
    assert board.total == 6
    assert board.cell(e.flats["301"].pk).owners == ["业主301"]


def test_funnel_counts_flats_and_exact_area_shares(world):
    e = small_entrance(world)
    campaign(world, e)
    funnel = selectors.funnel(world.staff, e.project)
    assert funnel.total_area == Decimal("380")
    assert (funnel.contacted.flats, funnel.contacted.area) == (5, Decimal("290"))
    assert funnel.contacted.share == Fraction(29, 38) and funnel.contacted.percent == "76.3%"
    assert (funnel.willing.flats, funnel.willing.share) == (2, Fraction(6, 19))
    assert funnel.willing.percent == "31.6%"
    assert funnel.signed is None and funnel.signed_state == "none"


def test_who_next_starts_with_what_the_vote_needs(world):
    e = small_entrance(world)
    campaign(world, e)
    plan = selectors.who_next(e.project, today=TODAY)
    assert [(r.flat.number, r.needed) for r in plan.rows] == [
        ("101", True),
        ("201", True),
        ("102", False),
        ("202", False),
    ]
    assert plan.result.still_needed.count == 2 and not plan.passes_now
    assert plan.policy_label and plan.policy_label == plan.result.policy_label
    overdue = {r.flat.number: r.overdue for r in plan.rows}
    assert overdue == {"101": False, "201": False, "102": False, "202": True}
    row_202 = plan.rows[3]
    assert row_202.concerns == ["低层采光、噪音", "隐私（电梯平台对窗）"]
    assert row_202.visit.best_placed_note == "女儿小李"


def test_who_next_when_supporters_already_suffice(world):
    e = small_entrance(world)
    for number in ("301", "302", "201", "202"):
        visit(world, e, number, Attitude.SUPPORT)
    plan = selectors.who_next(e.project, today=TODAY)
    # 240/380 ≥ 2/3? 240·3 = 720 < 760: no — area participation fails, so one more is needed: the 90 m².
    assert [(r.flat.number, r.needed) for r in plan.rows] == [("101", True), ("102", False)]
    visit(world, e, "101", Attitude.SUPPORT)
    plan = selectors.who_next(e.project, today=TODAY)
    assert plan.passes_now and [r.flat.number for r in plan.rows] == ["102"]
    assert not any(r.needed for r in plan.rows)


def test_one_owner_of_two_flats_counts_once_in_who_next(world):
    """Owner 业主301 also owns 302: supporters 301+302 are one head. Heads: 5 owners; participation
    needs 4 (5·2/3 = 3⅓ → 4), so 3 more owners must agree, not 2."""
    e = small_entrance(world)
    Ownership.objects.filter(flat=e.flats["302"]).update(owner=e.owners["301"])
    visit(world, e, "301", Attitude.SUPPORT)
    visit(world, e, "302", Attitude.SUPPORT, owner=e.owners["301"])
    plan = selectors.who_next(e.project, today=TODAY)
    assert plan.result.total_headcount == 5
    assert plan.result.still_needed.count == 3
    assert [r.flat.number for r in plan.rows if r.needed] == ["101", "201", "202"]


def _consultation(world, e: Entrance, *, status="open"):
    from linli.deliberation.models import Answer, Ballot, Choice, Consultation, Question, Voter

    now = timezone.now()
    consultation = Consultation.objects.create(
        community=world.community,
        title="2单元加装电梯业主表决",
        electorate="owners",
        entrance=e.project.entrance,
        threshold="lift",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=6),
        status=status,
        opened_at=now - dt.timedelta(days=1),
        closed_at=now if status == "closed" else None,
    )
    question = Question.objects.create(
        community=world.community, consultation=consultation, text="同意加装电梯吗？"
    )
    yes = Choice.objects.create(
        community=world.community, question=question, position=1, text="同意", in_favour=True
    )
    no = Choice.objects.create(community=world.community, question=question, position=2, text="不同意")

    def ballot(number, choice):
        flat = e.flats[number]
        voter = Voter.objects.create(
            community=world.community,
            consultation=consultation,
            owner=e.owners[number],
            flat=flat,
            building_id=flat.building_id,
        )
        b = Ballot.objects.create(
            community=world.community,
            consultation=consultation,
            voter=voter,
            method="online",
            recorded_by=world.staff,
        )
        Answer.objects.create(community=world.community, ballot=b, question=question, choice=choice)

    ballot("301", yes)
    ballot("101", yes)
    ballot("202", no)
    e.project.consultation = consultation
    e.project.save(update_fields=["consultation"])
    return consultation


def test_signed_is_shown_to_staff_and_sealed_from_the_leader_while_open(world):
    e = small_entrance(world)
    campaign(world, e)
    consultation = _consultation(world, e)
    staff = selectors.funnel(world.staff, e.project)
    assert staff.signed_state == "shown"
    assert (staff.signed.flats, staff.signed.area, staff.signed.share) == (
        2,
        Decimal("150"),
        Fraction(15, 38),
    )
    leader = selectors.funnel(world.building_leader, e.project)
    assert leader.signed is None and leader.signed_state == "sealed_open"
    consultation.status, consultation.closed_at = "closed", timezone.now()
    consultation.save(update_fields=["status", "closed_at"])
    leader = selectors.funnel(world.building_leader, e.project)
    assert leader.signed_state == "shown" and leader.signed.flats == 2


def test_co_owners_who_disagree_have_not_signed(world):
    e = small_entrance(world)
    from linli.deliberation.models import Answer, Ballot, Choice, Voter

    consultation = _consultation(world, e)
    partner = Owner.objects.create(community=world.community, name="业主301乙")
    Ownership.objects.create(community=world.community, owner=partner, flat=e.flats["301"])
    no = Choice.objects.get(question__consultation=consultation, in_favour=False)
    voter = Voter.objects.create(
        community=world.community, consultation=consultation, owner=partner, flat=e.flats["301"]
    )
    b = Ballot.objects.create(
        community=world.community,
        consultation=consultation,
        voter=voter,
        method="online",
        recorded_by=world.staff,
    )
    Answer.objects.create(community=world.community, ballot=b, question=no.question, choice=no)
    flats = selectors.scope_flats(e.project)
    assert selectors.signed_flat_ids(e.project, flats) == {e.flats["101"].pk}
