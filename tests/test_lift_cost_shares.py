"""Lift cost sharing (lift.md, "Cost sharing"): shares in proportion to coefficient × area (or to the
coefficient, per flat), rounded to the fen by the largest-remainder method so they add up to the amount to
raise exactly; hardship households covered by the others, shares paid by a fund; subsidy and amount to
raise; every refusal. Pure functions: no database."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.elevators.rules_cost import (
    CostFlat,
    Exemption,
    amount_to_raise,
    check_coefficients,
    cost_shares,
    default_coefficients,
    subsidy,
)

D = Decimal


def fen(cents: int) -> Decimal:
    return Decimal(f"{cents}e-2")


def entrance(floors: int, per_floor: int, area: str = "60") -> list[CostFlat]:
    return [
        CostFlat(key=f * 100 + n, label=f"{f}0{n}", floor=f, area=D(area))
        for f in range(1, floors + 1)
        for n in range(1, per_floor + 1)
    ]


def shares(plan) -> dict[str, Decimal]:
    return {r.flat.label: r.share for r in plan.rows}


# --- generated entrances --------------------------------------------------------------------------------

FUNDS = ("街道帮困基金", "慈善超市")


@st.composite
def scenarios(draw):
    floors = draw(st.integers(2, 18))
    flats = []
    for floor in range(1, floors + 1):
        for n in range(1, draw(st.integers(1, 4)) + 1):
            # 0.01 … 300.00 m², two decimals; common sizes often, so equal remainders (ties) happen
            area = fen(draw(st.one_of(st.sampled_from([6000, 7550]), st.integers(1, 30_000))))
            flats.append(CostFlat(key=floor * 100 + n, label=f"{floor}{n:02d}", floor=floor, area=area))
    # coefficients with two decimals, zeros likely (the lowest floors usually pay nothing)
    coefficients = {
        floor: draw(st.one_of(st.just(D("0")), st.integers(1, 300).map(fen)))
        for floor in range(1, floors + 1)
    }
    exemptions = {}
    for flat in flats:
        kind = draw(st.sampled_from(["none"] * 6 + ["covered", "fund"]))
        if kind == "covered":
            exemptions[flat.key] = Exemption.covered_by_others(reason="低保")
        elif kind == "fund":
            exemptions[flat.key] = Exemption.paid_by_fund(fund=draw(st.sampled_from(FUNDS)))
    method = draw(st.sampled_from(["area", "flat"]))
    amount = fen(draw(st.one_of(st.integers(0, 500_000_000), st.integers(0, 100))))  # up to 5,000,000.00
    return flats, coefficients, exemptions, method, amount


def expected_exact(flats, coefficients, exemptions, method, amount) -> dict[int, Fraction]:
    """The exact shares, computed here independently of the module (the oracle)."""
    weights = {}
    for flat in flats:
        covered = flat.key in exemptions and exemptions[flat.key].kind == "covered_by_others"
        c = Fraction(coefficients[flat.floor])
        weights[flat.key] = 0 if covered else (c * Fraction(flat.area) if method == "area" else c)
    total = sum(weights.values())
    return {k: (Fraction(amount) * w / total if total else Fraction(0)) for k, w in weights.items()}


def nobody_pays(flats, coefficients, exemptions) -> bool:
    return all(
        coefficients[f.floor] == 0 or (f.key in exemptions and exemptions[f.key].kind == "covered_by_others")
        for f in flats
    )


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_shares_sum_exactly_and_each_is_within_a_fen(scenario):
    flats, coefficients, exemptions, method, amount = scenario
    kwargs = {
        "amount": amount,
        "flats": flats,
        "coefficients": coefficients,
        "method": method,
        "exemptions": exemptions,
    }
    if amount > 0 and nobody_pays(flats, coefficients, exemptions):
        with pytest.raises(DomainError):
            cost_shares(**kwargs)
        return
    plan = cost_shares(**kwargs)
    exact = expected_exact(flats, coefficients, exemptions, method, amount)

    assert [r.flat for r in plan.rows] == flats  # one row per flat, in the order given
    assert sum(r.share for r in plan.rows) == amount  # exactly, to the fen
    assert plan.amount == amount
    for row in plan.rows:
        assert row.share.as_tuple().exponent == -2 and row.share >= 0
        assert row.exact_share == exact[row.flat.key]
        assert abs(Fraction(row.share) - exact[row.flat.key]) < Fraction(1, 100)
        exemption = exemptions.get(row.flat.key)
        if coefficients[row.flat.floor] == 0 or (exemption and exemption.kind == "covered_by_others"):
            assert row.share == 0
        assert row.payer == (exemption.kind if exemption else "owner")
        if plan.total_weight:
            assert row.exact_share == Fraction(amount) * row.weight / plan.total_weight

    # who pays: the owners' total excludes the funds' rows, and together they make the amount
    owners = sum((r.share for r in plan.rows if r.payer == "owner"), D(0))
    assert plan.owners_total == owners
    for fund in FUNDS:
        paid = sum((r.share for r in plan.rows if r.payer == "fund" and r.fund == fund), D(0))
        assert plan.fund_totals.get(fund, D(0)) == paid
    assert plan.owners_total + sum(plan.fund_totals.values(), D(0)) == amount


@settings(max_examples=100, deadline=None)
@given(scenarios())
def test_rounding_is_largest_remainder_with_the_printed_tie_rule(scenario):
    flats, coefficients, exemptions, method, amount = scenario
    if amount > 0 and nobody_pays(flats, coefficients, exemptions):
        return
    plan = cost_shares(
        amount=amount, flats=flats, coefficients=coefficients, method=method, exemptions=exemptions
    )
    # In fen: a flat rounded up must come before every flat rounded down in the order
    # (larger remainder, then higher floor, then lower key).
    up, down = [], []
    for row in plan.rows:
        exact_fen = row.exact_share * 100
        remainder = exact_fen - math.floor(exact_fen)
        rank = (remainder, row.flat.floor, -row.flat.key)
        (up if Fraction(row.share) * 100 > exact_fen else down).append(rank)
        if remainder == 0:
            assert Fraction(row.share) * 100 == exact_fen  # a whole-fen share is never moved
    if up and down:
        assert min(up) > max(down)


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_same_input_same_plan_whatever_the_order_of_flats(scenario, rnd):
    flats, coefficients, exemptions, method, amount = scenario
    if amount > 0 and nobody_pays(flats, coefficients, exemptions):
        return
    kwargs = {"amount": amount, "coefficients": coefficients, "method": method, "exemptions": exemptions}
    first = cost_shares(flats=flats, **kwargs)
    assert cost_shares(flats=flats, **kwargs) == first
    shuffled = list(flats)
    rnd.shuffle(shuffled)
    again = cost_shares(flats=shuffled, **kwargs)
    assert {r.flat.key: r.share for r in again.rows} == {r.flat.key: r.share for r in first.rows}
    assert again.owners_total == first.owners_total


# --- hand-checked examples ------------------------------------------------------------------------------


def test_worked_example_six_floors_two_flats_guangzhou_coefficients():
    # 12 flats of 60 m², Guangzhou coefficients 0, 0, 0.7, 0.8, 0.9, 1.0; amount 300,000.00.
    # weights c×a: floor 3: 42, floor 4: 48, floor 5: 54, floor 6: 60 (floors 1–2: 0), two flats each:
    # Σ = 2 × (42 + 48 + 54 + 60) = 408.
    #   floor 3: 300000 × 42/408 = 30882.352941… → 30882.35 (0.294 fen cut off)
    #   floor 4: 300000 × 48/408 = 35294.117647… → 35294.11 (0.765 fen cut off)
    #   floor 5: 300000 × 54/408 = 39705.882352… → 39705.88 (0.235 fen cut off)
    #   floor 6: 300000 × 60/408 = 44117.647058… → 44117.64 (0.706 fen cut off)
    # cut down, the 12 shares sum to 2 × 149,999.98 = 299,999.96: 4 fen missing, which go to the four
    # largest remainders — both floor-4 flats (0.765) and both floor-6 flats (0.706).
    expected = {
        "101": "0.00",
        "102": "0.00",
        "201": "0.00",
        "202": "0.00",
        "301": "30882.35",
        "302": "30882.35",
        "401": "35294.12",
        "402": "35294.12",
        "501": "39705.88",
        "502": "39705.88",
        "601": "44117.65",
        "602": "44117.65",
    }
    flats = entrance(6, 2)
    for method in ("area", "flat"):  # equal areas: per m² and per flat agree (Σ c = 6.8)
        plan = cost_shares(
            amount=D("300000.00"),
            flats=flats,
            coefficients=default_coefficients(6),
            method=method,
            exemptions={},
        )
        assert shares(plan) == {k: D(v) for k, v in expected.items()}
        assert plan.owners_total == D("300000.00") and dict(plan.fund_totals) == {}
    assert plan.total_weight == Fraction(68, 10)
    area_plan = cost_shares(
        amount=D("300000.00"), flats=flats, coefficients=default_coefficients(6), method="area"
    )
    assert area_plan.total_weight == 408
    assert area_plan.row(301).exact_share == Fraction(300000 * 42, 408)


def test_hardship_household_is_left_out_and_a_fund_pays_its_row():
    # floors 3, 4, 5, one flat of 50 m² each, coefficients 0.7, 0.8, 0.9; amount 1,000.00.
    # weights 35, 40, 45 (Σ 120): 291.666…, 333.333…, 375 → 291.66, 333.33, 375.00 = 999.99;
    # the missing fen goes to the largest remainder (0.667 fen, floor 3): 291.67, 333.33, 375.00.
    flats = [
        CostFlat(key=3, label="301", floor=3, area=D("50")),
        CostFlat(key=4, label="401", floor=4, area=D("50")),
        CostFlat(key=5, label="501", floor=5, area=D("50.00")),
    ]
    coefficients = default_coefficients(5)
    kwargs = {"amount": D("1000.00"), "flats": flats, "coefficients": coefficients, "method": "area"}
    assert shares(cost_shares(**kwargs, exemptions={})) == {
        "301": D("291.67"),
        "401": D("333.33"),
        "501": D("375.00"),
    }
    # 401 covered by the others: Σ = 35 + 45 = 80 → 437.50 and 562.50.
    plan = cost_shares(**kwargs, exemptions={4: Exemption.covered_by_others(reason="低保户")})
    assert shares(plan) == {"301": D("437.50"), "401": D("0.00"), "501": D("562.50")}
    assert plan.row(4).payer == "covered_by_others" and plan.row(4).weight == 0
    assert plan.owners_total == D("1000.00")
    # 501 paid by a fund: shares unchanged, the owners' total leaves it out.
    plan = cost_shares(**kwargs, exemptions={5: Exemption.paid_by_fund(fund="街道帮困基金")})
    assert shares(plan) == {"301": D("291.67"), "401": D("333.33"), "501": D("375.00")}
    assert plan.row(5).payer == "fund" and plan.row(5).payer_label == "由街道帮困基金支付"
    assert plan.owners_total == D("625.00")
    assert dict(plan.fund_totals) == {"街道帮困基金": D("375.00")}


def test_equal_remainders_go_to_the_higher_floor_then_the_lower_key():
    # three identical flats share 1.00: 33⅓ fen each → 33 + 33 + 33 = 99, the last fen to the lowest key
    same_floor = [CostFlat(key=k, label=f"30{k}", floor=3, area=D("60")) for k in (7, 3, 5)]
    plan = cost_shares(
        amount=D("1.00"), flats=same_floor, coefficients={3: D("1")}, method="area", exemptions={}
    )
    assert {r.flat.key: r.share for r in plan.rows} == {7: D("0.33"), 3: D("0.34"), 5: D("0.33")}
    # two flats with equal weight on floors 3 and 4 share one fen: half a fen each, the higher floor pays it
    two = [
        CostFlat(key=1, label="401", floor=4, area=D("60")),
        CostFlat(key=2, label="301", floor=3, area=D("60")),
    ]
    plan = cost_shares(
        amount=D("0.01"), flats=two, coefficients={3: D("1"), 4: D("1")}, method="flat", exemptions={}
    )
    assert shares(plan) == {"401": D("0.01"), "301": D("0.00")}


def test_nothing_to_raise_is_all_zeros_even_when_nobody_would_pay():
    plan = cost_shares(
        amount=D("0"),
        flats=entrance(2, 2),
        coefficients=default_coefficients(2),
        method="area",
        exemptions={},
    )
    assert all(r.share == D("0.00") for r in plan.rows) and plan.owners_total == 0


def test_rule_text_states_formula_coefficients_exemptions_and_rounding():
    flats = entrance(6, 2)
    plan = cost_shares(
        amount=D("300000.00"),
        flats=flats,
        coefficients=default_coefficients(6),
        method="area",
        exemptions={
            501: Exemption.covered_by_others(reason="低保户"),
            602: Exemption.paid_by_fund(fund="街道帮困基金"),
        },
    )
    text = "\n".join(plan.rule_text)
    assert "300,000.00" in text
    assert "系数×面积" in text
    assert "1层 0，2层 0，3层 0.7，4层 0.8，5层 0.9，6层 1" in text
    assert "系数为0的楼层（1层、2层）不分摊" in text
    assert "501 免予分摊" in text
    assert "602 的分摊额按同一规则计算，由街道帮困基金支付，不计入业主合计" in text
    assert "最大余数法" in text and "合计等于应筹金额" in text and "楼层高者优先" in text
    per_flat = cost_shares(
        amount=D("1.00"), flats=flats, coefficients=default_coefficients(6), method="flat", exemptions={}
    )
    assert "按户分摊" in "\n".join(per_flat.rule_text)
    assert "免予分摊" not in "\n".join(per_flat.rule_text)


def test_default_coefficients_follow_the_guangzhou_plan_and_step_on_above_nine():
    assert default_coefficients(9) == {
        1: D("0"),
        2: D("0"),
        3: D("0.7"),
        4: D("0.8"),
        5: D("0.9"),
        6: D("1.0"),
        7: D("1.1"),
        8: D("1.2"),
        9: D("1.3"),
    }
    assert default_coefficients(18)[10] == D("1.4") and default_coefficients(18)[18] == D("2.2")
    assert list(default_coefficients(3)) == [1, 2, 3]
    with pytest.raises(DomainError):
        default_coefficients(0)


# --- subsidy and the amount to raise --------------------------------------------------------------------


def test_subsidy_is_the_rate_or_the_cap_whichever_is_less():
    # 2018 Shanghai: a cap of 240,000 yuan per lift; lifts cost 400,000–600,000.
    assert subsidy(eligible_cost=D("500000.00"), cap=D("240000"), rate=D("0.4")) == D("200000.00")
    assert subsidy(eligible_cost=D("700000.00"), cap=D("240000"), rate=D("0.4")) == D("240000.00")
    assert subsidy(eligible_cost=D("600000.00"), cap=D("240000"), rate=D("0.4")) == D("240000.00")
    assert subsidy(eligible_cost=D("500000.00"), cap=D("240000"), rate=D("1")) == D("240000.00")
    assert subsidy(eligible_cost=D("500000.00"), cap=D("240000"), rate=D("0")) == D("0.00")


def test_subsidy_rounds_down_to_the_fen():
    assert subsidy(eligible_cost=D("100.00"), cap=D("1000"), rate=Fraction(1, 3)) == D("33.33")
    assert subsidy(eligible_cost=D("100.02"), cap=D("1000"), rate=Fraction(2, 3)) == D("66.68")  # 66.68
    assert subsidy(eligible_cost=D("100.01"), cap=D("1000"), rate=Fraction(2, 3)) == D("66.67")  # 66.6733…
    assert subsidy(eligible_cost=D("0.01"), cap=D("1000"), rate=D("0.4")) == D("0.00")  # 0.004
    assert subsidy(eligible_cost=D("0.02"), cap=D("1000"), rate=D("0.99")) == D("0.01")  # 0.0198


@given(
    st.integers(0, 200_000_000),
    st.integers(0, 50_000_000),
    st.fractions(min_value=0, max_value=1, max_denominator=1000),
)
def test_subsidy_never_exceeds_cap_nor_rate_and_misses_less_than_a_fen(cost_fen, cap_fen, rate):
    got = subsidy(eligible_cost=fen(cost_fen), cap=fen(cap_fen), rate=rate)
    by_rate = rate * Fraction(cost_fen, 100)
    assert got.as_tuple().exponent == -2
    assert got <= fen(cap_fen) and Fraction(got) <= by_rate
    assert got == fen(cap_fen) or by_rate - Fraction(got) < Fraction(1, 100)


def test_amount_to_raise_subtracts_subsidy_and_other_funds():
    assert amount_to_raise(total_cost=D("500000.00"), subsidy=D("200000.00"), other_funds=D("50000.50")) == D(
        "249999.50"
    )
    assert amount_to_raise(total_cost=D("500000"), subsidy=D("240000"), other_funds=D("300000")) == D("0.00")


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_amount_to_raise_is_never_below_zero(cost, grant, others):
    got = amount_to_raise(total_cost=fen(cost), subsidy=fen(grant), other_funds=fen(others))
    assert got == fen(max(0, cost - grant - others))
    assert got >= 0 and got.as_tuple().exponent == -2


# --- refusals -------------------------------------------------------------------------------------------


def plan_with(**overrides):
    kwargs = {
        "amount": D("300000.00"),
        "flats": entrance(6, 2),
        "coefficients": default_coefficients(6),
        "method": "area",
        "exemptions": {},
    }
    kwargs.update(overrides)
    return cost_shares(**kwargs)


def test_negative_coefficient_is_refused():
    coefficients = {**default_coefficients(6), 1: D("-0.1")}
    with pytest.raises(DomainError, match="1层的系数不能为负数"):
        plan_with(coefficients=coefficients)
    with pytest.raises(DomainError):
        check_coefficients(coefficients)
    assert check_coefficients(default_coefficients(3)) == default_coefficients(3)


def test_floor_without_coefficient_is_refused():
    coefficients = {f: c for f, c in default_coefficients(6).items() if f != 4}
    with pytest.raises(DomainError, match="4层"):
        plan_with(coefficients=coefficients)


def test_no_paying_flat_is_refused():
    with pytest.raises(DomainError, match="没有需要分摊的房屋"):
        plan_with(coefficients=dict.fromkeys(range(1, 7), D("0")))
    everyone_covered = {f.key: Exemption.covered_by_others() for f in entrance(6, 2)}
    with pytest.raises(DomainError, match="没有需要分摊的房屋"):
        plan_with(exemptions=everyone_covered)
    # the paying floors covered, the others at coefficient 0: still nobody pays
    upper_covered = {f.key: Exemption.covered_by_others() for f in entrance(6, 2) if f.floor >= 3}
    with pytest.raises(DomainError):
        plan_with(exemptions=upper_covered)
    with pytest.raises(DomainError):
        plan_with(flats=[])
    with pytest.raises(DomainError):  # per flat too
        plan_with(exemptions=everyone_covered, method="flat")


@pytest.mark.parametrize("area", [D("0"), D("0.00"), D("-60"), D("NaN"), D("Infinity")])
def test_area_not_positive_is_refused_naming_the_flat(area):
    with pytest.raises(DomainError, match="502") as error:
        CostFlat(key=1, label="502", floor=5, area=area)
    assert error.value.field == "area"


@pytest.mark.parametrize("amount", [D("-0.01"), D("100.001"), D("NaN"), D("-Infinity")])
def test_bad_amount_is_refused(amount):
    with pytest.raises(DomainError, match="应筹金额"):
        plan_with(amount=amount)


def test_float_money_is_a_programming_error():
    with pytest.raises(TypeError):
        plan_with(amount=300000.0)
    with pytest.raises(TypeError):
        subsidy(eligible_cost=D("100"), cap=D("100"), rate=0.4)


def test_unknown_method_duplicate_flat_and_stranger_exemption_are_refused():
    with pytest.raises(DomainError, match="分摊方式"):
        plan_with(method="household")
    flats = entrance(6, 2)
    with pytest.raises(DomainError, match="重复"):
        plan_with(flats=[*flats, flats[0]])
    with pytest.raises(DomainError, match="不属于本单元"):
        plan_with(exemptions={9999: Exemption.covered_by_others()})
    with pytest.raises(DomainError, match="支付方"):
        Exemption.paid_by_fund(fund=" ")
    with pytest.raises(DomainError):
        Exemption(kind="waived")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"eligible_cost": D("-1"), "cap": D("240000"), "rate": D("0.4")},
        {"eligible_cost": D("500000"), "cap": D("-1"), "rate": D("0.4")},
        {"eligible_cost": D("500000"), "cap": D("240000"), "rate": D("-0.1")},
        {"eligible_cost": D("500000"), "cap": D("240000"), "rate": D("1.01")},
        {"eligible_cost": D("500000"), "cap": D("240000"), "rate": Fraction(101, 100)},
        {"eligible_cost": D("500000.001"), "cap": D("240000"), "rate": D("0.4")},
    ],
)
def test_bad_subsidy_inputs_are_refused(kwargs):
    with pytest.raises(DomainError):
        subsidy(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"total_cost": D("-1"), "subsidy": D("0"), "other_funds": D("0")},
        {"total_cost": D("500000"), "subsidy": D("-1"), "other_funds": D("0")},
        {"total_cost": D("500000"), "subsidy": D("0"), "other_funds": D("-0.01")},
    ],
)
def test_negative_costs_are_refused(kwargs):
    with pytest.raises(DomainError, match="不能为负数"):
        amount_to_raise(**kwargs)
