"""The stored cost plan of a lift project (services_costs.cost_plan_save): shares over the entrance's
flats that add up to the amount to raise to the fen, the subsidy from the policy version in force at the
project's start (named by the plan), a re-save that replaces the table, and bad input that saves nothing
and leaves the previous plan as it was."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.core.errors import DomainError
from linli.core.policy import version_create
from linli.elevators.models import CostPlan, CostShare
from linli.elevators.rules_cost import Exemption, default_coefficients
from linli.elevators.services_costs import cost_plan_save
from linli.elevators.services_projects import project_create
from linli.registry.models import Flat
from tests.factories import EntranceFactory, FlatFactory

STARTED = dt.date(2026, 3, 1)
SEEDED = {
    "participation_area": "2/3",
    "participation_headcount": "2/3",
    "consent_area": "3/4",
    "consent_headcount": "3/4",
    "subsidy_cap": "240000.00",
    "subsidy_rate": "2/5",
    "design_notice_days": "20",
    "permit_cost_limit": "1000000.00",
    "registration_days": "30",
}


def fill_entrance(entrance, *, skip_first=True):
    """Two flats a floor on floors 2–6 (floor 1 is the world's 101 and 102): 56.30 and 72.15 m²."""
    for floor in range(2 if skip_first else 1, entrance.building.floors + 1):
        FlatFactory(entrance=entrance, floor=floor, number=f"{floor}01", area=Decimal("56.30"))
        FlatFactory(entrance=entrance, floor=floor, number=f"{floor}02", area=Decimal("72.15"))


def lift_project(world, *, entrance=None, started_on=STARTED):
    """A project for building 1's entrance 1 (12 flats on 6 floors), started on `started_on`."""
    entrance = entrance or world.entrance_1
    if entrance.flats.count() <= 2:
        fill_entrance(entrance, skip_first=entrance.flats.exists())
    return project_create(actor=world.staff, entrance=entrance, started_on=started_on)


def save(world, project, actor=None, **overrides):
    arguments = {
        "actor": actor or world.staff,
        "project": project,
        "total_cost": Decimal("555555.55"),
        "eligible_cost": Decimal("555555.55"),
        "other_funds": Decimal("1000.00"),
        "other_funds_note": "维修资金",
        "method": "area",
        "coefficients": default_coefficients(6),
        "exemptions": {},
    }
    arguments.update(overrides)
    return cost_plan_save(**arguments)


def snapshot(project):
    plan = CostPlan.objects.filter(project=project).first()
    if plan is None:
        return None
    shares = sorted(
        CostShare.objects.filter(plan=plan).values_list(
            "pk", "flat_id", "coefficient", "share", "payer", "fund"
        )
    )
    return (
        plan.total_cost,
        plan.eligible_cost,
        plan.subsidy,
        plan.amount,
        plan.method,
        plan.coefficients,
        shares,
    )


def test_shares_sum_exactly_to_the_amount_with_the_seeded_policy(world):
    project = lift_project(world)
    plan = save(world, project)

    # 2/5 × 555,555.55 = 222,222.22 (rounded down to the fen) is under the 240,000 cap.
    assert plan.subsidy == Decimal("222222.22")
    assert plan.amount == Decimal("555555.55") - Decimal("222222.22") - Decimal("1000.00")
    shares = list(plan.shares.all())
    assert len(shares) == 12
    assert sum(s.share for s in shares) == plan.amount
    assert all(s.share == 0 for s in shares if s.floor <= 2)  # floors 1–2: coefficient 0
    by_number = {s.flat.number: s for s in shares}
    # 602 (1.0 × 72.15) pays more than 601 (1.0 × 56.30), and more than 302 (0.7 × 72.15).
    assert by_number["602"].share > by_number["601"].share > by_number["301"].share
    weights = {s.flat.number: s.coefficient * s.area for s in shares}
    total_weight = sum(weights.values())
    for number, share in by_number.items():
        exact = plan.amount * weights[number] / total_weight
        assert abs(share.share - exact) < Decimal("0.01")
    assert plan.policy.label == "民法典第278条（现行）"
    assert any("民法典第278条（现行）" in line for line in plan.rule_text)
    assert any("最大余数法" in line for line in plan.rule_text)


def test_a_building_leader_saves_the_plan_of_their_building(world):
    project = lift_project(world)
    plan = save(world, project, actor=world.building_leader)
    assert plan.computed_by == world.building_leader


@pytest.mark.parametrize("role", ["outsider", "volunteer", "resident", "group_leader"])
def test_other_roles_cannot_save_a_plan(world, role):
    project = lift_project(world)
    with pytest.raises(DomainError):
        save(world, project, actor=getattr(world, role))
    assert not CostPlan.objects.exists()


def test_resaving_replaces_the_rows(world):
    project = lift_project(world)
    first = save(world, project)
    old_ids = set(CostShare.objects.filter(plan=first).values_list("pk", flat=True))
    hardship = Flat.objects.get(entrance=world.entrance_1, number="501")
    charity = Flat.objects.get(entrance=world.entrance_1, number="601")

    second = save(
        world,
        project,
        total_cost=Decimal("480000.00"),
        eligible_cost=Decimal("400000.00"),
        other_funds=Decimal("0.00"),
        method="flat",
        exemptions={
            hardship.pk: Exemption.covered_by_others(reason="低保"),
            charity.pk: Exemption.paid_by_fund(fund="街道帮困基金", reason="独居老人"),
        },
    )

    assert second.pk == first.pk
    assert CostPlan.objects.filter(project=project).count() == 1
    rows = list(CostShare.objects.filter(plan=second))
    assert len(rows) == 12
    assert not old_ids & {r.pk for r in rows}
    assert second.subsidy == Decimal("160000.00")  # 2/5 × 400,000 (eligible, not total)
    assert second.amount == Decimal("320000.00")
    assert sum(r.share for r in rows) == second.amount
    by_flat = {r.flat_id: r for r in rows}
    assert by_flat[hardship.pk].share == 0 and by_flat[hardship.pk].payer == "covered_by_others"
    assert by_flat[charity.pk].payer == "fund" and by_flat[charity.pk].fund == "街道帮困基金"
    # Per flat, area no longer counts: 601 (fund-paid, 56.30 m²) and 602 (72.15 m²) share alike.
    flat_602 = Flat.objects.get(number="602", entrance=world.entrance_1)
    assert abs(by_flat[charity.pk].share - by_flat[flat_602.pk].share) <= Decimal("0.01")
    assert second.exemptions[str(hardship.pk)]["kind"] == "covered_by_others"
    assert any("街道帮困基金" in line for line in second.rule_text)


BAD_INPUT = [
    ({"total_cost": Decimal("-1.00")}, "不能为负数"),
    ({"other_funds": Decimal("-0.01")}, "不能为负数"),
    ({"eligible_cost": Decimal("600000.00")}, "不能超过工程总价"),
    ({"coefficients": {f: Decimal("0") for f in range(1, 7)}}, "没有需要分摊的房屋"),
    ({"coefficients": {f: Decimal("1") for f in range(1, 6)}}, "没有分摊系数"),
    ({"coefficients": {**default_coefficients(6), 4: Decimal("-0.8")}}, "不能为负数"),
    ({"coefficients": {**default_coefficients(6), 4: Decimal("0.805")}}, "最多两位小数"),
    ({"total_cost": Decimal("555555.555"), "eligible_cost": Decimal("1.00")}, "精确到分"),
    ({"method": "height"}, "分摊方式"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT)
def test_bad_input_saves_nothing_and_keeps_the_previous_plan(world, overrides, message):
    project = lift_project(world)
    with pytest.raises(DomainError, match=message):
        save(world, project, **overrides)
    assert not CostPlan.objects.filter(project=project).exists()
    assert not CostShare.objects.exists()

    save(world, project)
    before = snapshot(project)
    with pytest.raises(DomainError, match=message):
        save(world, project, **overrides)
    assert snapshot(project) == before


def test_an_exemption_for_a_flat_outside_the_entrance_is_refused(world):
    project = lift_project(world)
    save(world, project)
    before = snapshot(project)
    with pytest.raises(DomainError, match="不属于本单元"):
        save(world, project, exemptions={world.flat_201.pk: Exemption.covered_by_others()})
    assert snapshot(project) == before


def test_subsidy_figures_come_from_the_policy_version_of_the_start_date(world):
    version = version_create(
        kind="lift",
        label="测试区2026加梯政策",
        effective_from=dt.date(2026, 1, 1),
        figures={**SEEDED, "subsidy_cap": "100000.00", "subsidy_rate": "1/2"},
    )
    project = lift_project(world)
    plan = save(world, project, total_cost=Decimal("400000.00"), eligible_cost=Decimal("400000.00"))
    assert plan.subsidy == Decimal("100000.00")  # min(100,000 cap, 1/2 × 400,000)
    assert plan.amount == Decimal("299000.00")
    assert plan.policy == version
    assert any("测试区2026加梯政策" in line and "100,000.00" in line for line in plan.rule_text)

    # An entrance whose project started in 2025 is decided by the version in force then: cap 240,000.
    earlier = lift_project(
        world, entrance=EntranceFactory(building=world.building_1, number=2), started_on=dt.date(2025, 6, 1)
    )
    plan = save(world, earlier, total_cost=Decimal("400000.00"), eligible_cost=Decimal("400000.00"))
    assert plan.subsidy == Decimal("160000.00")  # 2/5 × 400,000 under the 240,000 cap
    assert plan.policy.label == "民法典第278条（现行）"


def test_the_subsidy_is_capped(world):
    project = lift_project(world)
    plan = save(world, project, total_cost=Decimal("900000.00"), eligible_cost=Decimal("900000.00"))
    assert plan.subsidy == Decimal("240000.00")
    assert plan.amount == Decimal("659000.00")


def test_a_building_wide_project_shares_over_the_building(world):
    project = lift_project(world)
    project.vote_scope = "building"
    project.save(update_fields=["vote_scope"])
    second = EntranceFactory(building=world.building_1, number=2)
    fill_entrance(second, skip_first=False)
    plan = save(world, project)
    shares = list(plan.shares.all())
    assert len(shares) == 24
    assert sum(s.share for s in shares) == plan.amount
