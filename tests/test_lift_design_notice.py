"""The public notice of a lift project's design and cost plan (公示) and the objection rule of
rules/lift.md stage 4: the notice runs for the policy's number of days; 方案设计 cannot be completed
during the period, nor while a written real-name objection filed in the period is unanswered."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from linli.core.errors import DomainError
from linli.core.policy import version_create
from linli.deliberation.models import Notice, Objection
from linli.deliberation.services_notices import objection_answer, objection_file
from linli.elevators import stages as stage_codes
from linli.elevators.models import CostPlan, Stage, StageRecord
from linli.elevators.services_costs import cost_plan_publish
from linli.elevators.services_projects import stage_complete
from tests.test_lift_cost_plan import SEEDED, lift_project, save


def test_publish_creates_the_notice_with_the_policys_days(world):
    version_create(
        kind="lift",
        label="测试区2026加梯政策",
        effective_from=dt.date(2026, 1, 1),
        figures={**SEEDED, "design_notice_days": "7"},
    )
    project = lift_project(world)
    plan = save(world, project)
    now = timezone.now()

    notice = cost_plan_publish(actor=world.staff, project=project, now=now)

    assert notice.ends_at - notice.starts_at == dt.timedelta(days=7)
    assert notice.starts_at == now
    assert list(notice.buildings.all()) == [world.building_1]
    project.refresh_from_db()
    plan.refresh_from_db()
    assert project.design_notice == notice
    assert plan.notice == notice
    assert "测试区2026加梯政策" in notice.text
    for share in plan.shares.select_related("flat"):
        assert f"{share.flat.number}｜" in notice.text
    assert f"{plan.amount:,.2f}" in notice.text


def test_the_seeded_policy_notices_for_twenty_days(world):
    project = lift_project(world)
    save(world, project)
    notice = cost_plan_publish(actor=world.building_leader, project=project)
    assert notice.ends_at - notice.starts_at == dt.timedelta(days=20)
    assert notice.created_by == world.building_leader


def test_publish_needs_a_plan_and_a_change_to_publish_again(world):
    project = lift_project(world)
    with pytest.raises(DomainError, match="请先保存"):
        cost_plan_publish(actor=world.staff, project=project)
    save(world, project)
    cost_plan_publish(actor=world.staff, project=project)
    with pytest.raises(DomainError, match="已经公示"):
        cost_plan_publish(actor=world.staff, project=project)
    assert Notice.objects.count() == 1

    save(world, project, other_funds=0)  # the plan changes: its notice no longer describes it
    assert CostPlan.objects.get(project=project).notice is None
    second = cost_plan_publish(actor=world.staff, project=project)
    project.refresh_from_db()
    assert project.design_notice == second


@pytest.mark.parametrize("role", ["outsider", "volunteer", "resident"])
def test_others_cannot_publish(world, role):
    project = lift_project(world)
    save(world, project)
    with pytest.raises(DomainError):
        cost_plan_publish(actor=getattr(world, role), project=project)
    assert not Notice.objects.exists()


# ── The gate of 方案设计 ──────────────────────────────────────────────────────────────────────────────


def at_design(world, project, *, since):
    """Record the stages before 方案设计 as complete (seed data: their own gates are other tests' business)
    and 方案设计 as started on `since`."""
    stages = list(Stage.objects.filter(community=project.community).order_by("position"))
    design = next(s for s in stages if s.code == stage_codes.DESIGN)
    for stage in stages:
        if stage.position < design.position:
            StageRecord.objects.update_or_create(
                project=project,
                stage=stage,
                defaults={"community": project.community, "started_on": since, "completed_on": since},
            )
    StageRecord.objects.create(community=project.community, project=project, stage=design, started_on=since)
    return design


def complete(world, project, design, day=None):
    return stage_complete(
        actor=world.staff, project=project, stage=design, completed_on=day or timezone.localdate()
    )


def test_design_cannot_complete_without_a_notice(world):
    project = lift_project(world)
    design = at_design(world, project, since=timezone.localdate() - dt.timedelta(days=40))
    save(world, project)
    with pytest.raises(DomainError, match="尚未公示"):
        complete(world, project, design)


def test_design_waits_for_the_end_of_the_period_then_completes(world):
    project = lift_project(world)
    design = at_design(world, project, since=timezone.localdate() - dt.timedelta(days=40))
    save(world, project)
    cost_plan_publish(actor=world.staff, project=project)
    with pytest.raises(DomainError, match="公示期满后"):
        complete(world, project, design)
    assert StageRecord.objects.get(project=project, stage=design).completed_on is None

    # Published 25 days ago for 20 days: the period has ended.
    notice = project.design_notice
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=25), ends_at=timezone.now() - dt.timedelta(days=5)
    )
    # A completion dated inside the period is still refused.
    with pytest.raises(DomainError, match="公示期满后"):
        complete(world, project, design, day=timezone.localdate() - dt.timedelta(days=10))
    record = complete(world, project, design)
    assert record.completed_on == timezone.localdate()


def test_an_unanswered_real_name_objection_holds_the_project_until_answered(world):
    project = lift_project(world)
    design = at_design(world, project, since=timezone.localdate() - dt.timedelta(days=40))
    save(world, project)
    start = timezone.now() - dt.timedelta(days=30)
    cost_plan_publish(actor=world.staff, project=project, now=start)
    project.refresh_from_db()
    notice = project.design_notice
    with freeze_time(start + dt.timedelta(days=3)):
        objection = objection_file(actor=world.resident, notice=notice, text="一楼采光受影响，不同意方案。")
    assert objection.household == world.own_household

    with pytest.raises(DomainError, match="1 条书面实名异议尚未答复"):
        complete(world, project, design)

    objection_answer(actor=world.staff, objection=objection, answer="已组织调解，调整连廊位置。")
    assert complete(world, project, design).completed_on == timezone.localdate()


def test_an_anonymous_objection_is_recorded_but_does_not_hold(world):
    project = lift_project(world)
    design = at_design(world, project, since=timezone.localdate() - dt.timedelta(days=40))
    save(world, project)
    start = timezone.now() - dt.timedelta(days=30)
    cost_plan_publish(actor=world.staff, project=project, now=start)
    project.refresh_from_db()
    with freeze_time(start + dt.timedelta(days=1)):
        Objection.objects.create(community=project.community, notice=project.design_notice, text="匿名意见")
    assert complete(world, project, design).completed_on == timezone.localdate()


def test_a_plan_changed_after_its_notice_must_be_noticed_again(world):
    project = lift_project(world)
    design = at_design(world, project, since=timezone.localdate() - dt.timedelta(days=40))
    save(world, project)
    cost_plan_publish(actor=world.staff, project=project, now=timezone.now() - dt.timedelta(days=30))
    save(world, project, other_funds=0)
    with pytest.raises(DomainError, match="重新公示"):
        complete(world, project, design)
