"""The lift's owners' vote on the deliberation engine: who may start it and when, how it is counted by flat
and owner (rules/lift.md's worked example on a real entrance), co-owners who disagree, tenants who do not
vote, and the 意愿征询 stage held until the vote has closed and passed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation import services_votes
from linli.deliberation.models import BallotMethod, Consultation, Voter
from linli.deliberation.thresholds import RULES
from linli.elevators import stages as stage_codes
from linli.elevators.models import LiftProject, Stage, StageRecord, VoteScope
from linli.elevators.policy import lift_policy
from linli.elevators.selectors_vote import lift_vote_result
from linli.elevators.services_projects import stage_complete, stages_ensure
from linli.elevators.services_vote import lift_vote_start
from linli.registry.models import Owner, Ownership
from tests.factories import EntranceFactory, FlatFactory, HouseholdFactory, ResidentFactory
from tests.test_votes_support import photo

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _entrance(building, number=2):
    """6 floors × 2 flats of 60 m² (rules/lift.md's worked example), keyed "101" … "602"."""
    entrance = EntranceFactory(building=building, number=number)
    flats = {}
    for floor in range(1, 7):
        for side in (1, 2):
            label = f"{floor}0{side}"
            flats[label] = FlatFactory(entrance=entrance, floor=floor, number=label, area=Decimal("60.00"))
    return entrance, flats


def _own(flat, name, share=(1, 1), owner=None):
    owner = owner or Owner.objects.create(community=flat.community, name=name)
    Ownership.objects.create(
        community=flat.community, owner=owner, flat=flat, share_numerator=share[0], share_denominator=share[1]
    )
    return owner


def _worked_example(building):
    """Owner A (甲) owns 501 and 502; every other flat has an owner of its own: 11 owners."""
    entrance, flats = _entrance(building)
    owners = {}
    a = _own(flats["501"], "甲业主")
    _own(flats["502"], "甲业主", owner=a)
    owners["A"] = a
    for label, flat in flats.items():
        if label not in ("501", "502"):
            owners[label] = _own(flat, f"业主{label}")
    return entrance, flats, owners


def _project(entrance, *, at_stage=stage_codes.CONSULTATION, vote_scope=VoteScope.ENTRANCE):
    """A project whose stages before `at_stage` are complete and `at_stage` is under way."""
    stages = stages_ensure(entrance.community_id)
    project = LiftProject.objects.create(
        community_id=entrance.community_id,
        building_id=entrance.building_id,
        entrance=entrance,
        started_on=START,
        vote_scope=vote_scope,
    )
    for stage in stages:
        done = stage.code != at_stage
        StageRecord.objects.create(
            community_id=project.community_id,
            project=project,
            stage=stage,
            started_on=START,
            completed_on=START if done else None,
        )
        if not done:
            break
    return project


def _start(actor, project, days=7):
    now = timezone.now()
    return lift_vote_start(
        actor=actor,
        project=project,
        opens_at=now - dt.timedelta(minutes=5),
        closes_at=now + dt.timedelta(days=days),
    )


def _choice(consultation, position):
    return consultation.questions.get().choices.get(position=position)


AGREE, OPPOSE, ABSTAIN = 1, 2, 3


def _cast(world, consultation, owner, position):
    voter = Voter.objects.get(consultation=consultation, owner=owner)
    q = consultation.questions.get()
    return services_votes.ballot_cast(
        actor=world.staff,
        consultation=consultation,
        voter=voter,
        answers={q.pk: [_choice(consultation, position).pk]},
        method=BallotMethod.PAPER,
        photo=photo(),
    )


def _close(world, consultation):
    return services_votes.consultation_close(actor=world.staff, consultation=consultation)


def _vote_worked_example(world, consultation, owners, *, a_choice):
    """9 owners (A included) vote, holding 10 flats; 6 others besides A consent; 2 oppose."""
    _cast(world, consultation, owners["A"], a_choice)
    for label in ("101", "102", "201", "202", "301", "302"):
        _cast(world, consultation, owners[label], AGREE)
    for label in ("401", "402"):
        _cast(world, consultation, owners[label], OPPOSE)
    # 601 and 602 do not vote.


# ── Starting ───────────────────────────────────────────────────────────────────────────────────────


def test_staff_start_opens_an_owners_vote_by_area_over_the_entrance(world):
    entrance, flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    project.refresh_from_db()
    assert project.consultation_id == c.pk
    assert c.status == "open" and c.electorate == "owners" and c.weighting == "area"
    assert c.entrance_id == entrance.pk and c.threshold == "lift_double" and "lift_double" in RULES
    assert c.title == f"{entrance}加装电梯业主意愿征询"
    q = c.questions.get()
    assert q.text == "是否同意本单元加装电梯？"
    assert [(ch.text, ch.in_favour) for ch in q.choices.all()] == [
        ("同意", True),
        ("不同意", False),
        ("弃权", False),
    ]
    # One voter per owner: A's two flats are one voter weighing 120 m².
    assert c.voters.count() == 11
    assert c.voters.get(owner=owners["A"]).weight == 120


def test_start_is_refused_without_registered_owners(world):
    entrance, _flats = _entrance(world.building_1)
    project = _project(entrance)
    with pytest.raises(DomainError, match="没有登记的产权人"):
        _start(world.staff, project)
    project.refresh_from_db()
    assert project.consultation_id is None and not Consultation.objects.exists()


def test_start_is_refused_before_the_earlier_stages_are_done(world):
    entrance, _flats, _owners = _worked_example(world.building_1)
    project = _project(entrance, at_stage=stage_codes.PUBLICITY)
    with pytest.raises(DomainError, match="请先完成前面的阶段"):
        _start(world.staff, project)
    assert not Consultation.objects.exists()


def test_start_is_refused_once_the_consultation_stage_is_complete(world):
    entrance, _flats, _owners = _worked_example(world.building_1)
    project = _project(entrance, at_stage=stage_codes.DESIGN)
    with pytest.raises(DomainError, match="已经完成"):
        _start(world.staff, project)


def test_a_second_vote_is_refused_while_one_is_open(world):
    entrance, _flats, _owners = _worked_example(world.building_1)
    project = _project(entrance)
    first = _start(world.staff, project)
    with pytest.raises(DomainError, match="进行中的业主表决"):
        _start(world.staff, project)
    assert Consultation.objects.count() == 1
    _close(world, first)
    second = _start(world.staff, project)  # a failed vote may be held again
    project.refresh_from_db()
    assert project.consultation_id == second.pk != first.pk


def test_no_new_vote_after_one_has_passed(world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    _close(world, c)
    with pytest.raises(DomainError, match="已经通过"):
        _start(world.staff, project)
    assert Consultation.objects.count() == 1


def test_building_leader_may_start_for_their_building_only(world):
    entrance, _flats, _owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.building_leader, project)
    assert c.created_by == world.building_leader and c.is_open

    other_entrance, flats_2 = _entrance(world.building_2)
    _own(flats_2["101"], "乙业主")
    other = _project(other_entrance)
    with pytest.raises(DomainError, match="没有权限"):
        _start(world.building_leader, other)
    with pytest.raises(DomainError, match="没有权限"):
        _start(world.volunteer, other)
    other.refresh_from_db()
    assert other.consultation_id is None


def test_engine_start_refuses_a_leader_for_a_place_outside_their_building(world):
    """The deliberation addition checks the place itself, not only the caller's word."""
    entrance_2 = world.flat_201.entrance
    with pytest.raises(DomainError, match="没有权限"):
        services_votes.owners_vote_start(
            actor=world.building_leader,
            community=world.community,
            title="t",
            question="q",
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(days=1),
            threshold="lift_double",
            entrance=entrance_2,
            leader_building=world.building_1,
        )


def test_building_scope_vote_covers_every_entrance_of_the_building(world):
    entrance, _flats, _owners = _worked_example(world.building_1)
    _own(world.flat_101, "楼内其他单元业主")  # entrance 1 of the same building
    project = _project(entrance, vote_scope=VoteScope.BUILDING)
    c = _start(world.staff, project)
    assert c.entrance_id is None and list(c.buildings.all()) == [world.building_1]
    assert c.voters.count() == 12
    result = lift_vote_result(project)
    assert result.total_headcount == 12 + 1  # flat 102 of entrance 1 has no owner: its own unit


# ── Counting ───────────────────────────────────────────────────────────────────────────────────────


def test_worked_example_passes_when_a_consents(world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    result = lift_vote_result(project)
    assert result.total_area == 720 and result.total_headcount == 11
    assert result.participating_area == 600 and result.participating_headcount == 9
    assert result.consenting_area == 480 and result.consenting_headcount == 7
    assert result.passed and result.final
    assert result.policy_label == lift_policy(START).label and "民法典第278条" in result.policy_label


def test_worked_example_fails_when_a_opposes_and_one_consent_would_do(world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=OPPOSE)
    result = lift_vote_result(project)
    assert result.consenting_area == 360 and result.consenting_headcount == 6
    assert not result.passed and result.final
    assert not result.check("consent_area").passed and not result.check("consent_headcount").passed
    assert result.still_needed.count == 1
    assert result.still_needed.flat_labels == ("2单元501室", "2单元502室")


def test_co_owners_who_disagree_leave_the_flat_pending(world):
    entrance, flats, owners = _worked_example(world.building_1)
    # 602 is held by two co-owners instead of one.
    Ownership.objects.filter(flat=flats["602"]).update(share_numerator=1, share_denominator=2)
    partner = _own(flats["602"], "共有人", share=(1, 2))
    project = _project(entrance)
    c = _start(world.staff, project)
    assert c.voters.count() == 12  # one voter per owner, co-owners included
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    _cast(world, c, owners["602"], AGREE)
    _cast(world, c, partner, OPPOSE)
    result = lift_vote_result(project)
    assert result.pending_flats == ("2单元602室",)
    assert not result.final
    # The two co-owners are one owner by headcount, and the flat participates.
    assert result.total_headcount == 11 and result.participating_headcount == 10


def test_a_tenant_is_not_a_voter(world):
    entrance, flats, owners = _worked_example(world.building_1)
    tenant = ResidentFactory(household=HouseholdFactory(flat=flats["601"], tenure="tenant"), name="租户王")
    project = _project(entrance)
    c = _start(world.staff, project)
    assert not c.voters.filter(resident=tenant).exists()
    assert c.voters.count() == 11 and not c.voters.filter(owner__name="租户王").exists()
    assert c.voters.filter(owner=owners["601"]).exists()


# ── The stage gate ─────────────────────────────────────────────────────────────────────────────────


def _consultation_stage(project):
    return Stage.objects.get(community_id=project.community_id, code=stage_codes.CONSULTATION)


def test_stage_cannot_be_completed_before_the_vote_closes_and_passes(world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    stage = _consultation_stage(project)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="请先发起"):
        stage_complete(actor=world.staff, project=project, stage=stage, completed_on=today)
    c = _start(world.staff, project)
    project.refresh_from_db()
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    with pytest.raises(DomainError, match="尚未结束"):
        stage_complete(actor=world.staff, project=project, stage=stage, completed_on=today)
    _close(world, c)
    record = stage_complete(actor=world.staff, project=project, stage=stage, completed_on=today)
    assert record.completed_on == today


def test_stage_gate_says_what_failed_and_what_is_still_needed(world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    project.refresh_from_db()
    _vote_worked_example(world, c, owners, a_choice=OPPOSE)
    _close(world, c)
    with pytest.raises(DomainError) as refused:
        stage_complete(
            actor=world.staff,
            project=project,
            stage=_consultation_stage(project),
            completed_on=timezone.localdate(),
        )
    message = refused.value.message
    assert "同意的专有部分面积" in message and "同意的业主人数" in message
    assert "还需 1 户业主同意" in message and lift_policy(START).label in message
    assert "参与表决的业主人数" not in message  # participation passed


def test_stage_gate_refuses_a_pending_result(world):
    entrance, flats, owners = _worked_example(world.building_1)
    partner = _own(flats["401"], "共有人乙", share=(1, 2))
    project = _project(entrance)
    c = _start(world.staff, project)
    project.refresh_from_db()
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    _cast(world, c, partner, AGREE)  # 401's other co-owner opposed
    _close(world, c)
    with pytest.raises(DomainError, match="结果未定"):
        stage_complete(
            actor=world.staff,
            project=project,
            stage=_consultation_stage(project),
            completed_on=timezone.localdate(),
        )
