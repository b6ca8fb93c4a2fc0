"""Who pays how much for a lift: the cost-sharing rule, as pure functions over exact numbers.

There is no legal formula (lift.md, "Cost sharing"): the owners of an entrance agree a scheme and sign
it. The usual scheme gives each floor a coefficient that grows with height, the lowest floors paying
nothing, and shares the amount to raise in proportion to coefficient × area (or to the coefficient
alone, per flat). Linli computes the plan the owners sign, so it must be exact and explainable:

- the exact share of every flat is a `Fraction` (never a float: 1/3 of a fen must not drift);
- the printed shares are whole fen and add up to the amount to raise *exactly* — otherwise the treasurer
  is left with a fen nobody owes or a fen too many — by the largest-remainder method, which keeps every
  share within one fen of its exact value; ties are broken by a fixed, printed rule, so the same input
  always gives the same plan, whatever order the flats come in;
- the plan carries the rule in Chinese sentences (`CostPlan.rule_text`) for the printed table, because a
  household that signs a share is entitled to see how it was reached.

Bad input (a negative coefficient, a floor with no coefficient, a scheme where nobody pays, …) raises
`DomainError` with a Chinese message and computes nothing: a plan with a silent gap would be signed.

Coefficients, subsidy caps and rates are data (the project's scheme, the dated policy table); nothing
here hard-codes a policy figure except `default_coefficients`, which is only a starting suggestion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from django.utils.translation import gettext as _

from linli.core.errors import DomainError

Method = Literal["area", "flat"]
METHODS: tuple[str, ...] = ("area", "flat")

#: A floor's coefficient, keyed by floor number (1 = ground floor). Data, editable per project.
Coefficients = Mapping[int, Decimal]

FEN = 100  # fen per yuan


# --- small exact-number helpers -------------------------------------------------------------------------


def _exact(value: object, *, what: str) -> Fraction:
    """The exact value of a Decimal, int or Fraction. Floats are refused: 0.1 is not one tenth, and a
    plan computed from one could be off by a fen that nobody can explain."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | Fraction):
        raise TypeError(f"{what}: expected Decimal, int or Fraction, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise DomainError(_("%(what)s不是有效数字。") % {"what": what})
    return Fraction(value)


def _money(value: object, *, what: str) -> Fraction:
    """Money in, exactly: finite, not negative, whole fen (the ledger knows nothing smaller)."""
    exact = _exact(value, what=what)
    if exact < 0:
        raise DomainError(_("%(what)s不能为负数。") % {"what": what})
    if (exact * FEN).denominator != 1:
        raise DomainError(_("%(what)s须精确到分（最多两位小数）。") % {"what": what})
    return exact


def _yuan(fen: int) -> Decimal:
    """Whole fen as a Decimal in yuan with two places, exactly (string construction never rounds)."""
    return Decimal(f"{fen}e-2")


def _show_number(value: Decimal) -> str:
    """A coefficient as people write it: 0.7, 1, 1.25 (no trailing zeros, no exponent)."""
    return format(value.normalize(), "f")


def _floor_name(floor: int) -> str:
    return _("%(floor)s层") % {"floor": floor}


def _show_yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


# --- inputs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostFlat:
    """One flat of the entrance, as the cost rule sees it.

    `key` is a stable identifier (the registry's flat id); it names the flat in exemptions and breaks the
    last rounding ties, so it must be unique in a plan. `area` is the flat's exclusive area in m², in the
    same order of preference as for the vote (register, survey, sale contract); it must be positive even
    for the per-flat method, because a flat without an area is a ledger error worth stopping on.
    """

    key: int
    label: str
    floor: int
    area: Decimal

    def __post_init__(self):
        if isinstance(self.area, bool) or not isinstance(self.area, Decimal | int):
            raise TypeError(f"CostFlat.area: expected Decimal, got {type(self.area).__name__}")
        if not Decimal(self.area).is_finite() or self.area <= 0:
            raise DomainError(
                _("房屋 %(label)s 的面积必须大于0（现为 %(area)s）。")
                % {"label": self.label, "area": self.area},
                field="area",
            )


ExemptionKind = Literal["covered_by_others", "fund"]


@dataclass(frozen=True)
class Exemption:
    """A flat whose owners do not pay their share themselves.

    - `covered_by_others`: a hardship household pays nothing and its part is spread over the paying flats
      by the same rule — it is simply left out of the denominator.
    - `fund`: the share is computed like everyone else's but paid by the named fund (a charity, the
      street's hardship fund, …); the table shows the share and who pays it, and the owners' total
      excludes it.

    Build one with `Exemption.covered_by_others(...)` or `Exemption.paid_by_fund(...)`.
    """

    kind: ExemptionKind
    fund: str = ""
    reason: str = ""

    def __post_init__(self):
        if self.kind not in ("covered_by_others", "fund"):
            raise DomainError(_("未知的减免方式：%(kind)s。") % {"kind": self.kind}, field="kind")
        if self.kind == "fund" and not self.fund.strip():
            raise DomainError(_("由基金支付的减免须写明支付方。"), field="fund")
        if self.kind == "covered_by_others" and self.fund:
            raise DomainError(_("由其他业主分担的减免不应填写支付方。"), field="fund")

    @classmethod
    def covered_by_others(cls, *, reason: str = "") -> Exemption:
        return cls(kind="covered_by_others", reason=reason)

    @classmethod
    def paid_by_fund(cls, *, fund: str, reason: str = "") -> Exemption:
        return cls(kind="fund", fund=fund, reason=reason)


def default_coefficients(floors: int) -> dict[int, Decimal]:
    """A starting scheme for an entrance of `floors` floors: the published Guangzhou plan (lift.md):
    floors 1–2 → 0, 3 → 0.7, 4 → 0.8, 5 → 0.9, 6 → 1.0, 7 → 1.1, 8 → 1.2, 9 → 1.3.

    Above the 9th floor the plan says nothing; we continue its step, +0.1 per floor (10 → 1.4, …), because
    the benefit of the lift keeps growing with height at the same pace. It is only a suggestion: the
    owners agree their own coefficients and the project stores them.
    """
    if isinstance(floors, bool) or not isinstance(floors, int) or floors < 1:
        raise DomainError(_("楼层数必须是正整数。"), field="floors")
    # 3 → 0.7 and +0.1 a floor: coefficient = (floor + 4) / 10 from the 3rd floor up.
    return {f: Decimal("0.0") if f <= 2 else Decimal(f + 4).scaleb(-1) for f in range(1, floors + 1)}


def check_coefficients(coefficients: Coefficients) -> dict[int, Decimal]:
    """The coefficients as a plain dict, or DomainError if one is negative or not a number. Forms can call
    this to refuse a bad scheme when it is typed, before any plan is computed."""
    checked: dict[int, Decimal] = {}
    for floor, value in coefficients.items():
        exact = _exact(value, what=_("%(floor)s层的系数") % {"floor": floor})
        if exact < 0:
            raise DomainError(
                _("%(floor)s层的系数不能为负数（现为 %(value)s）。") % {"floor": floor, "value": value},
                field="coefficients",
            )
        checked[floor] = value if isinstance(value, Decimal) else Decimal(value)
    return checked


# --- subsidy and the amount to raise --------------------------------------------------------------------


def subsidy(*, eligible_cost: Decimal, cap: Decimal, rate: Decimal | Fraction) -> Decimal:
    """The government subsidy: min(cap, rate × eligible cost), in whole fen.

    Cap and rate come from the policy table in force at the project's date. rate × cost is rounded *down*
    to the fen: the grant may not exceed either limit the policy sets, and rounding up would pay a
    fraction of a fen beyond the rate. The fraction left over (under one fen) stays with the owners, whose
    shares are computed exactly from the amount to raise.
    """
    cost = _money(eligible_cost, what=_("补贴核定费用"))
    cap_exact = _money(cap, what=_("补贴上限"))
    rate_exact = _exact(rate, what=_("补贴比例"))
    if rate_exact < 0:
        raise DomainError(_("补贴比例不能为负数。"), field="rate")
    if rate_exact > 1:
        raise DomainError(_("补贴比例不能超过百分之百。"), field="rate")
    by_rate_fen = math.floor(rate_exact * cost * FEN)
    return _yuan(min(int(cap_exact * FEN), by_rate_fen))


def amount_to_raise(*, total_cost: Decimal, subsidy: Decimal, other_funds: Decimal) -> Decimal:
    """What the owners must raise: total cost − subsidy − other funds (the housing maintenance fund,
    provident-fund withdrawals, donations), never below zero — money left over is not a negative share
    to hand out, it is the project's to account for elsewhere."""
    cost = _money(total_cost, what=_("工程总费用"))
    grant = _money(subsidy, what=_("政府补贴"))
    others = _money(other_funds, what=_("其他资金"))
    return _yuan(max(0, int((cost - grant - others) * FEN)))


# --- the plan -------------------------------------------------------------------------------------------

Payer = Literal["owner", "covered_by_others", "fund"]


@dataclass(frozen=True)
class CostRow:
    """One line of the printed table.

    `weight` is what the flat counts for in the denominator: coefficient × area (method "area") or the
    coefficient (method "flat"), and 0 for a household covered by the others. So for every row
    `exact_share == amount × weight / total_weight`, and the reader can check any line by hand.
    """

    flat: CostFlat
    coefficient: Decimal
    area: Decimal
    weight: Fraction
    exact_share: Fraction
    share: Decimal
    payer: Payer
    fund: str = ""

    @property
    def payer_label(self) -> str:
        if self.payer == "fund":
            return _("由%(fund)s支付") % {"fund": self.fund}
        if self.payer == "covered_by_others":
            return _("免交，由其他业主分担")
        return _("业主自付")


@dataclass(frozen=True)
class CostPlan:
    """The shares of one entrance. `rows` follow the order the flats were given in; the shares do not
    depend on that order. `amount == owners_total + sum(fund_totals.values())`, to the fen."""

    method: Method
    amount: Decimal
    rows: tuple[CostRow, ...]
    total_weight: Fraction
    owners_total: Decimal
    fund_totals: Mapping[str, Decimal]
    rule_text: tuple[str, ...]

    def row(self, key: int) -> CostRow:
        for r in self.rows:
            if r.flat.key == key:
                return r
        raise KeyError(key)


def cost_shares(
    *,
    amount: Decimal,
    flats: Iterable[CostFlat],
    coefficients: Coefficients,
    method: Method,
    exemptions: Mapping[int, Exemption] | None = None,
) -> CostPlan:
    """Share `amount` (the amount to raise, whole fen) among `flats`.

    share_i = amount × cᵢ·aᵢ / Σ cⱼ·aⱼ (method "area") or amount × cᵢ / Σ cⱼ (method "flat"), the sum
    running over the flats that share: every flat except those covered by the others. Flats paid by a
    fund share like the rest; only the payer differs.

    Rounding (largest remainder): each exact share is cut down to the fen; the fen still missing to reach
    the amount — fewer than the number of sharing flats — go one each to the flats with the largest cut-off
    remainders. Equal remainders: the higher floor first (it benefits most from the lift and already pays
    the most per m², so the odd fen follows the scheme's own direction), then the lower `key`. The result
    sums exactly to the amount, each share is within one fen of its exact value, and a flat whose exact
    share is 0 pays 0.
    """
    flats = tuple(flats)
    exemptions = dict(exemptions or {})
    if method not in METHODS:
        raise DomainError(_("未知的分摊方式：%(method)s。") % {"method": method}, field="method")
    amount_exact = _money(amount, what=_("应筹金额"))
    coeffs = check_coefficients(coefficients)

    seen: set[int] = set()
    for flat in flats:
        if flat.key in seen:
            raise DomainError(_("房屋 %(label)s 重复出现。") % {"label": flat.label}, field="flats")
        seen.add(flat.key)
    missing = sorted({flat.floor for flat in flats if flat.floor not in coeffs})
    if missing:
        raise DomainError(
            _("以下楼层没有分摊系数：%(floors)s。") % {"floors": "、".join(_floor_name(f) for f in missing)},
            field="coefficients",
        )
    unknown = sorted(set(exemptions) - seen)
    if unknown:
        raise DomainError(
            _("减免名单中有不属于本单元的房屋：%(keys)s。") % {"keys": "、".join(map(str, unknown))},
            field="exemptions",
        )

    def weight_of(flat: CostFlat) -> Fraction:
        if exemptions.get(flat.key) is not None and exemptions[flat.key].kind == "covered_by_others":
            return Fraction(0)
        c = Fraction(coeffs[flat.floor])
        return c * Fraction(flat.area) if method == "area" else c

    weights = {flat.key: weight_of(flat) for flat in flats}
    total_weight = sum(weights.values(), Fraction(0))
    if total_weight == 0 and amount_exact > 0:
        raise DomainError(
            _("按现有系数和减免，没有需要分摊的房屋，无法筹集 %(amount)s 元。")
            % {"amount": _show_yuan(Decimal(amount))},
            field="coefficients",
        )

    amount_fen = int(amount_exact * FEN)
    exact_fen = {
        k: (amount_fen * w / total_weight if total_weight else Fraction(0)) for k, w in weights.items()
    }
    rounded_fen = {k: math.floor(v) for k, v in exact_fen.items()}
    missing_fen = amount_fen - sum(rounded_fen.values())
    by_floor = {flat.key: flat.floor for flat in flats}
    order = sorted(exact_fen, key=lambda k: (-(exact_fen[k] - rounded_fen[k]), -by_floor[k], k))
    for k in order[:missing_fen]:
        rounded_fen[k] += 1

    rows = []
    for flat in flats:
        exemption = exemptions.get(flat.key)
        payer: Payer = exemption.kind if exemption is not None else "owner"
        rows.append(
            CostRow(
                flat=flat,
                coefficient=coeffs[flat.floor],
                area=Decimal(flat.area),
                weight=weights[flat.key],
                exact_share=exact_fen[flat.key] / FEN,
                share=_yuan(rounded_fen[flat.key]),
                payer=payer,
                fund=exemption.fund if exemption is not None else "",
            )
        )
    fund_fen: dict[str, int] = {}
    for row, flat in zip(rows, flats, strict=True):
        if row.payer == "fund":
            fund_fen[row.fund] = fund_fen.get(row.fund, 0) + rounded_fen[flat.key]
    owners_fen = sum(rounded_fen[r.flat.key] for r in rows if r.payer == "owner")

    return CostPlan(
        method=method,
        amount=_yuan(amount_fen),
        rows=tuple(rows),
        total_weight=total_weight,
        owners_total=_yuan(owners_fen),
        fund_totals=MappingProxyType({name: _yuan(fen) for name, fen in sorted(fund_fen.items())}),
        rule_text=_rule_text(
            method=method, amount=_yuan(amount_fen), flats=flats, coeffs=coeffs, exemptions=exemptions
        ),
    )


def _rule_text(
    *,
    method: Method,
    amount: Decimal,
    flats: tuple[CostFlat, ...],
    coeffs: dict[int, Decimal],
    exemptions: dict[int, Exemption],
) -> tuple[str, ...]:
    """The sentences printed above the table: formula, coefficients, exemptions, rounding."""
    lines = [_("应筹金额 %(amount)s 元。") % {"amount": _show_yuan(amount)}]
    if method == "area":
        lines.append(
            _("按“楼层系数×面积”分摊：每户分摊额 = 应筹金额 × 本户系数×面积 ÷ 全部分摊户（系数×面积）之和。")
        )
    else:
        lines.append(_("按户分摊：每户分摊额 = 应筹金额 × 本户系数 ÷ 全部分摊户系数之和。"))
    floors = sorted({flat.floor for flat in flats})
    if floors:
        listed = "，".join(
            _("%(floor)s %(coefficient)s") % {"floor": _floor_name(f), "coefficient": _show_number(coeffs[f])}
            for f in floors
        )
        lines.append(_("楼层系数：%(list)s。") % {"list": listed})
    zero = [f for f in floors if coeffs[f] == 0]
    if zero:
        lines.append(
            _("系数为0的楼层（%(floors)s）不分摊。") % {"floors": "、".join(_floor_name(f) for f in zero)}
        )
    labels = {flat.key: flat.label for flat in flats}
    covered = [
        labels[flat.key]
        for flat in flats
        if getattr(exemptions.get(flat.key), "kind", "") == "covered_by_others"
    ]
    if covered:
        lines.append(
            _("%(flats)s 免予分摊，其应分摊部分由其余分摊户按同一规则分担。") % {"flats": "、".join(covered)}
        )
    funds: dict[str, list[str]] = {}
    for flat in flats:
        exemption = exemptions.get(flat.key)
        if exemption is not None and exemption.kind == "fund":
            funds.setdefault(exemption.fund, []).append(flat.label)
    for fund, names in sorted(funds.items()):
        lines.append(
            _("%(flats)s 的分摊额按同一规则计算，由%(fund)s支付，不计入业主合计。")
            % {"flats": "、".join(names), "fund": fund}
        )
    lines.append(
        _(
            "分摊额按最大余数法取整到分：先将每户的精确分摊额舍去分以下部分，再把与应筹金额的差额按舍去部分"
            "从大到小逐户补1分（舍去部分相同时楼层高者优先，同层按房屋登记序号先后），"
            "各户合计等于应筹金额，每户与精确值相差不足1分。"
        )
    )
    return tuple(lines)
