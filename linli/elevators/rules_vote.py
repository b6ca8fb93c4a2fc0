"""The owners' vote on installing a lift: 民法典 第二百七十八条's double thresholds, as a pure rule.

Installing a lift rebuilds the building, so the owners of the entrance (or building) decide it jointly:
owners holding at least 2/3 of the exclusive area AND at least 2/3 of the owners by headcount take part,
and at least 3/4 of the participating area AND 3/4 of the participating headcount agree. "以上" includes
the number itself (民法典 第一千二百五十九条), so every test here is "at least", computed with exact
fractions: 8 of 12 owners is exactly 2/3 and passes, whatever a float would say.

The figures are never hard-coded: the caller picks the dated policy version and passes its thresholds and
label in `Thresholds`; the result echoes the label so the result notice can say which version decided.

Counting follows 最高人民法院 建筑物区分所有权解释 arts. 8–9 (see /work/shared/rules/lift.md):

- Area is per flat (the caller supplies the registered, surveyed or contract area, in that order).
- Headcount is per owner, not per flat: flats with the same owner set form one *unit* that counts once
  (one buyer of three flats is one person; the developer's unsold flats are one owner when the caller gives
  them the developer's key). Co-owners of one flat are one owner between them.
- A unit's owner set must match exactly. If owner sets only overlap (X alone owns 301, X and Y own 302),
  they are separate units: 302's owner is "X and Y together", a different person in law from X, and
  merging them would let one co-owner's ballot speak for the other's flat.
- A flat with no registered owner (owner unknown, estate unsettled) still counts in both totals — it is
  part of the building and its owner, once known, is entitled to vote — but nobody can vote for it, so it
  can only count against participation. Each such flat is its own unit: we cannot know whether two of
  them share an owner. A ballot recorded on such a flat is refused as a data error rather than ignored.

Ballots: non-voters count against participation, not against consent; abstaining and spoilt (or blank)
ballots participate and do not consent. When co-owners of a flat submit different ballots the flat is
*pending*: the ballots were cast, so whatever is confirmed it participates, but it cannot be counted as
consenting until one ballot is confirmed. Counting it as participating and not consenting is the lowest
the result can be once confirmed, so a "passed" with pending flats stays passed whatever is confirmed;
a "failed" may still turn, so the result is marked not final. The same holds for an owner of several
flats whose flats carry different choices: the owner's headcount is pending.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import combinations

from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.deliberation.thresholds import at_least, needed_at_least

AGREE = "agree"
OPPOSE = "oppose"
ABSTAIN = "abstain"
SPOILT = "spoilt"  # also blank ballots: they participate and do not consent
CHOICES = frozenset({AGREE, OPPOSE, ABSTAIN, SPOILT})
PENDING = "pending"  # co-owners (or one owner's flats) disagree: not counted as consenting, result not final

AREA = "area"
HEADCOUNT = "headcount"

# Owners who voted for some of their flats and not others, without agreeing on all of them, make the
# search for the smallest set of further consents exponential in their number (see `_plan_still_needed`).
# Beyond this many the search stays correct (the set it names does pass) but may not be the smallest.
MAX_EXACT_MIXED_OWNERS = 10


# --- inputs --------------------------------------------------------------------------------------------


def _fraction_threshold(value, name: str) -> Fraction:
    """Thresholds are legal figures: exact, in (0, 1]. A float (0.6667) is refused, not rounded."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise DomainError(
            _("表决比例必须是精确的分数（如 2/3），不能是小数：%(name)s") % {"name": name}, field=name
        )
    value = Fraction(value)
    if not 0 < value <= 1:
        raise DomainError(_("表决比例必须大于 0 且不超过 1：%(name)s") % {"name": name}, field=name)
    return value


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """The four "at least" ratios of one dated policy version, and that version's label (shown in the
    result notice). Defaults are the 民法典 art. 278 figures; the caller should still pass the version
    it looked up, so a change of policy never needs a change of code."""

    policy_label: str
    participation_area: Fraction = Fraction(2, 3)
    participation_headcount: Fraction = Fraction(2, 3)
    consent_area: Fraction = Fraction(3, 4)
    consent_headcount: Fraction = Fraction(3, 4)

    def __post_init__(self):
        for name in ("participation_area", "participation_headcount", "consent_area", "consent_headcount"):
            object.__setattr__(self, name, _fraction_threshold(getattr(self, name), name))


@dataclass(frozen=True, kw_only=True)
class VoteFlat:
    """One flat in the voting scope. `owners` are the registered owners' keys (产权人, not tenants);
    empty means no registered owner. `submissions` are the choices its owners (or their proxies) cast for
    it — one normally; several when co-owners each voted; empty when nobody voted."""

    key: int
    label: str
    floor: int
    area: Decimal
    owners: frozenset = frozenset()
    submissions: tuple[str, ...] = ()

    def __post_init__(self):
        # Area is a registered figure with a few decimals; a float would already be inexact.
        if isinstance(self.area, bool) or not isinstance(self.area, Decimal | int):
            raise DomainError(
                _("%(flat)s 的专有部分面积必须是精确的数值（Decimal），不能是小数浮点数")
                % {"flat": self.label},
                field="area",
            )
        area = Decimal(self.area)
        if not area.is_finite() or area <= 0:
            raise DomainError(_("%(flat)s 的专有部分面积必须大于 0") % {"flat": self.label}, field="area")
        object.__setattr__(self, "area", area)
        object.__setattr__(self, "owners", frozenset(self.owners))
        object.__setattr__(self, "submissions", tuple(self.submissions))
        for choice in self.submissions:
            if choice not in CHOICES:
                raise DomainError(
                    _("%(flat)s 的表决意见无法识别：%(choice)s") % {"flat": self.label, "choice": choice},
                    field="submissions",
                )
        if self.submissions and not self.owners:
            raise DomainError(
                _("%(flat)s 没有登记的产权人，不能记录表决票") % {"flat": self.label}, field="submissions"
            )

    @property
    def choice(self) -> str | None:
        """None when nobody voted; the common choice when all ballots agree; PENDING when they differ."""
        distinct = set(self.submissions)
        if not distinct:
            return None
        if len(distinct) == 1:
            return distinct.pop()
        return PENDING


# --- outputs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteUnit:
    """One owner by headcount: the flats sharing an owner set (or one ownerless flat)."""

    owners: frozenset
    flats: tuple[VoteFlat, ...]
    choice: str | None  # AGREE / OPPOSE / ABSTAIN / SPOILT / PENDING, or None: did not vote

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(f.label for f in self.flats)

    @property
    def area(self) -> Decimal:
        return _exact_sum(f.area for f in self.flats)

    @property
    def can_vote(self) -> bool:
        return bool(self.owners)


@dataclass(frozen=True)
class ThresholdCheck:
    """One of the four tests. `shortfall` is the simple gap when it fails, the others held fixed: square
    metres (exact Fraction) or owners (int) more that would have to take part, or — of those taking part —
    agree. It is None when it passes, or when nobody took part (no consent ratio exists). The combined
    answer, which accounts for a new participant also raising the consent denominator, is
    `LiftVoteResult.still_needed`."""

    key: str
    name: str
    measure: str  # AREA or HEADCOUNT
    part: Decimal | int
    whole: Decimal | int
    achieved: Fraction | None  # part / whole; None when whole is 0
    required: Fraction
    passed: bool
    shortfall: Fraction | int | None


@dataclass(frozen=True)
class StillNeeded:
    """The fewest further consents (owners, by headcount unit) that would make all four tests pass.

    `units` names them by flat labels, largest area first. `possible` is False when even every owner who
    has not consented agreeing would not suffice (owners who cannot vote — ownerless flats — are the usual
    reason); then `count` is None. `exact` is False only in the rare case described at
    MAX_EXACT_MIXED_OWNERS: the set still passes, but a smaller one might exist."""

    possible: bool
    count: int | None
    units: tuple[tuple[str, ...], ...] = ()
    exact: bool = True

    @property
    def flat_labels(self) -> tuple[str, ...]:
        return tuple(label for unit in self.units for label in unit)


@dataclass(frozen=True)
class LiftVoteResult:
    policy_label: str
    thresholds: Thresholds
    total_area: Decimal
    total_headcount: int
    participating_area: Decimal
    participating_headcount: int
    consenting_area: Decimal
    consenting_headcount: int
    checks: tuple[
        ThresholdCheck, ...
    ]  # participation area, participation headcount, consent area, consent hc
    participation_met: bool
    consent_met: bool
    passed: bool
    final: bool  # False while any flat or owner is pending
    pending_flats: tuple[str, ...]  # flats whose co-owners submitted different ballots
    pending_owners: tuple[tuple[str, ...], ...]  # headcount units pending, by their flat labels
    still_needed: StillNeeded
    units: tuple[VoteUnit, ...] = field(repr=False, default=())

    def check(self, key: str) -> ThresholdCheck:
        return next(c for c in self.checks if c.key == key)


# --- the rule ------------------------------------------------------------------------------------------


def _exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Decimal sums are exact only while the precision suffices; trap Inexact so they can never round."""
    with decimal.localcontext() as ctx:
        ctx.prec = decimal.MAX_PREC
        ctx.traps[decimal.Inexact] = True
        return sum(values, Decimal(0))


def _units(flats: tuple[VoteFlat, ...]) -> tuple[VoteUnit, ...]:
    groups: dict[frozenset, list[VoteFlat]] = {}
    ownerless: list[VoteFlat] = []
    for flat in flats:
        (groups.setdefault(flat.owners, []) if flat.owners else ownerless).append(flat)
    units = [VoteUnit(owners, tuple(fs), _unit_choice(fs)) for owners, fs in groups.items()]
    units += [VoteUnit(frozenset(), (flat,), None) for flat in ownerless]
    return tuple(units)


def _unit_choice(flats: Iterable[VoteFlat]) -> str | None:
    """The owner's headcount choice: the common choice of the flats that have one; PENDING if any flat is
    pending or the flats differ (an owner cannot both agree and oppose as one person)."""
    choices = {f.choice for f in flats} - {None}
    if not choices:
        return None
    if len(choices) == 1:
        return choices.pop()
    return PENDING


def _ratio(part, whole) -> Fraction | None:
    return Fraction(part) / Fraction(whole) if whole else None


def _area_check(key, name, part: Decimal, whole: Decimal, required: Fraction) -> ThresholdCheck:
    passed = at_least(Fraction(part), Fraction(whole), required)
    shortfall = None if passed or not whole else required * Fraction(whole) - Fraction(part)
    return ThresholdCheck(key, name, AREA, part, whole, _ratio(part, whole), required, passed, shortfall)


def _headcount_check(key, name, part: int, whole: int, required: Fraction) -> ThresholdCheck:
    passed = at_least(part, whole, required)
    shortfall = None if passed or not whole else needed_at_least(part, whole, required)
    return ThresholdCheck(key, name, HEADCOUNT, part, whole, _ratio(part, whole), required, passed, shortfall)


def lift_vote_tally(*, flats: Iterable[VoteFlat], thresholds: Thresholds) -> LiftVoteResult:
    """Count an entrance's (or building's) owners' vote on a lift and say whether it passed, by how much
    each test passed or failed, and what further consents would make it pass.

    `flats` is every flat in the voting scope — the ones whose owners did not vote too, since they are in
    the denominators."""
    flats = tuple(flats)
    if not flats:
        raise DomainError(_("表决范围内没有房屋，无法计票"), field="flats")
    seen: set[int] = set()
    for flat in flats:
        if flat.key in seen:
            raise DomainError(_("房屋 %(flat)s 重复出现在表决范围内") % {"flat": flat.label}, field="flats")
        seen.add(flat.key)

    units = _units(flats)
    participating_flats = [f for f in flats if f.choice is not None]
    total_area = _exact_sum(f.area for f in flats)
    participating_area = _exact_sum(f.area for f in participating_flats)
    consenting_area = _exact_sum(f.area for f in participating_flats if f.choice == AGREE)
    total_headcount = len(units)
    participating_headcount = sum(1 for u in units if u.choice is not None)
    consenting_headcount = sum(1 for u in units if u.choice == AGREE)

    t = thresholds
    checks = (
        _area_check(
            "participation_area",
            _("参与表决的专有部分面积"),
            participating_area,
            total_area,
            t.participation_area,
        ),
        _headcount_check(
            "participation_headcount",
            _("参与表决的业主人数"),
            participating_headcount,
            total_headcount,
            t.participation_headcount,
        ),
        _area_check(
            "consent_area", _("同意的专有部分面积"), consenting_area, participating_area, t.consent_area
        ),
        _headcount_check(
            "consent_headcount",
            _("同意的业主人数"),
            consenting_headcount,
            participating_headcount,
            t.consent_headcount,
        ),
    )
    participation_met = checks[0].passed and checks[1].passed
    consent_met = checks[2].passed and checks[3].passed
    pending_flats = tuple(f.label for f in flats if f.choice == PENDING)
    pending_owners = tuple(u.labels for u in units if u.choice == PENDING)
    return LiftVoteResult(
        policy_label=t.policy_label,
        thresholds=t,
        total_area=total_area,
        total_headcount=total_headcount,
        participating_area=participating_area,
        participating_headcount=participating_headcount,
        consenting_area=consenting_area,
        consenting_headcount=consenting_headcount,
        checks=checks,
        participation_met=participation_met,
        consent_met=consent_met,
        passed=participation_met and consent_met,
        final=not pending_flats and not pending_owners,
        pending_flats=pending_flats,
        pending_owners=pending_owners,
        still_needed=_plan_still_needed(units, t),
        units=units,
    )


# --- the fewest further consents -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """What one owner's consent (all their flats agree, any pending ballot confirmed as agree) adds, in
    integer area units: participating area, participating heads, consenting area, consenting heads."""

    unit: VoteUnit
    pa: int
    ph: int
    ca: int
    ch: int

    @property
    def order(self):
        # Largest contribution first; among equals, higher floors first — they gain most from a lift and
        # are the likelier to say yes — then by label, so the answer is stable.
        return (-self.ca, -self.pa, -max(f.floor for f in self.unit.flats), self.unit.labels)


def _plan_still_needed(units: tuple[VoteUnit, ...], t: Thresholds) -> StillNeeded:
    """The smallest set of owners who have not consented whose consent would make all four tests pass.

    Why this is exact and fast: every consent only helps. It adds area to participation, and the same or
    more area to consent (so the consent ratio can only rise), and a non-voter adds one head to both
    participation and consent. The owners fall into kinds whose contributions, within the kind, lie on
    one line, so for a given number taken from each kind, the largest ones dominate:

    - N, did not vote at all: (a, 1, a, 1) — area a to both, one head to both;
    - O, took part without consenting (opposed, abstained, spoilt, pending), all of whose flats voted:
      (0, 0, a, 1) — consent only;
    - C, already consenting by headcount but with flats that did not vote: (x, 0, x, 0) — area only.

    Heads depend only on how many N and O are taken, and area improves monotonically along each kind, so
    for each (i, j) we binary-search the fewest C. The one kind that is not on a line is an O owner of
    several flats who voted for some and not others (contribution (x, 0, y, 1), x > 0): these are
    enumerated over all subsets — exact, and cheap because such owners are rare. O(2^m · |N| · |O| · log|C|)
    integer comparisons; a 60-flat entrance is instant.
    """
    scale = math.lcm(*(Fraction(f.area).denominator for u in units for f in u.flats))

    def ia(d: Decimal) -> int:
        return int(Fraction(d) * scale)

    total_area = sum(ia(f.area) for u in units for f in u.flats)
    total_heads = len(units)
    pa0 = sum(ia(f.area) for u in units for f in u.flats if f.choice is not None)
    ca0 = sum(ia(f.area) for u in units for f in u.flats if f.choice == AGREE)
    ph0 = sum(1 for u in units if u.choice is not None)
    ch0 = sum(1 for u in units if u.choice == AGREE)
    r1, r2, r3, r4 = (
        t.participation_area,
        t.participation_headcount,
        t.consent_area,
        t.consent_headcount,
    )

    def area_ok(pa: int, ca: int) -> bool:
        return (
            pa * r1.denominator >= r1.numerator * total_area
            and pa > 0
            and ca * r3.denominator >= r3.numerator * pa
        )

    def heads_ok(ph: int, ch: int) -> bool:
        return (
            ph * r2.denominator >= r2.numerator * total_heads
            and ph > 0
            and ch * r4.denominator >= r4.numerator * ph
        )

    if area_ok(pa0, ca0) and heads_ok(ph0, ch0):
        return StillNeeded(possible=True, count=0)

    n_kind: list[_Candidate] = []
    o_kind: list[_Candidate] = []
    c_kind: list[_Candidate] = []
    mixed: list[_Candidate] = []
    for unit in units:
        if not unit.can_vote:
            continue
        unvoted = sum(ia(f.area) for f in unit.flats if f.choice is None)
        not_agreeing = sum(ia(f.area) for f in unit.flats if f.choice not in (None, AGREE))
        if unit.choice is None:
            n_kind.append(_Candidate(unit, unvoted, 1, unvoted, 1))
        elif unit.choice != AGREE:
            cand = _Candidate(unit, unvoted, 0, unvoted + not_agreeing, 1)
            (mixed if unvoted else o_kind).append(cand)
        elif unvoted:
            c_kind.append(_Candidate(unit, unvoted, 0, unvoted, 0))
    for kind in (n_kind, o_kind, c_kind, mixed):
        kind.sort(key=lambda c: c.order)

    everyone = n_kind + o_kind + c_kind + mixed
    if not (
        area_ok(pa0 + sum(c.pa for c in everyone), ca0 + sum(c.ca for c in everyone))
        and heads_ok(ph0 + sum(c.ph for c in everyone), ch0 + sum(c.ch for c in everyone))
    ):
        return StillNeeded(possible=False, count=None)

    def prefix(kind: list[_Candidate], attr: str) -> list[int]:
        sums = [0]
        for c in kind:
            sums.append(sums[-1] + getattr(c, attr))
        return sums

    n_area = prefix(n_kind, "pa")  # N adds the same area to participation and consent
    o_area = prefix(o_kind, "ca")
    c_area = prefix(c_kind, "pa")

    exact = len(mixed) <= MAX_EXACT_MIXED_OWNERS
    if exact:
        mixed_choices = (s for size in range(len(mixed) + 1) for s in combinations(mixed, size))
    else:  # largest first: still a passing set, perhaps not the smallest
        mixed_choices = (tuple(mixed[:size]) for size in range(len(mixed) + 1))

    best: tuple[int, tuple[_Candidate, ...]] | None = None
    for chosen in mixed_choices:
        s = len(chosen)
        m_pa = sum(c.pa for c in chosen)
        m_ca = sum(c.ca for c in chosen)
        for j in range(len(o_kind) + 1):
            for i in range(len(n_kind) + 1):
                if best is not None and s + i + j >= best[0]:
                    break
                if not heads_ok(ph0 + i, ch0 + i + j + s):
                    continue
                pa = pa0 + m_pa + n_area[i]
                ca = ca0 + m_ca + n_area[i] + o_area[j]
                if not area_ok(pa + c_area[-1], ca + c_area[-1]):
                    continue
                lo, hi = 0, len(c_kind)  # the fewest C owners: area_ok is monotone in their number
                while lo < hi:
                    mid = (lo + hi) // 2
                    if area_ok(pa + c_area[mid], ca + c_area[mid]):
                        hi = mid
                    else:
                        lo = mid + 1
                k = s + i + j + lo
                if best is None or k < best[0]:
                    best = (k, (*chosen, *n_kind[:i], *o_kind[:j], *c_kind[:lo]))
    if best is None:  # only reachable when not exact and the mixed prefixes missed every passing set
        return StillNeeded(
            possible=True, count=len(everyone), units=tuple(c.unit.labels for c in everyone), exact=False
        )
    picked = sorted(best[1], key=lambda c: c.order)
    return StillNeeded(possible=True, count=best[0], units=tuple(c.unit.labels for c in picked), exact=exact)


# --- words for the result notice ---------------------------------------------------------------------


def _percent(ratio: Fraction) -> str:
    """For display only (the decision is taken on the exact fraction): two decimals, half-even."""
    value = Decimal(ratio.numerator * 100) / Decimal(ratio.denominator)
    return f"{value.quantize(Decimal('0.01'), rounding=decimal.ROUND_HALF_EVEN)}%"


def _fraction_text(ratio: Fraction) -> str:
    return f"{ratio.numerator}/{ratio.denominator}"


def _area_up(value: Fraction) -> Decimal:
    """A shortfall in m², rounded up to 0.01 so that meeting the shown figure is always enough."""
    return Decimal(math.ceil(value * 100)) / Decimal(100)


def _area_text(value: Decimal) -> str:
    # 600.00 → 600, 60.50 → 60.5: the figures read as the register gives them, without trailing zeros.
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unit_text(labels: tuple[str, ...]) -> str:
    return "+".join(labels)


def result_summary(result: LiftVoteResult) -> list[str]:
    """The result in plain Chinese, one line per test and then the conclusion, for the tally page and the
    result notice: which tests pass, which fail and by how much, and what further consents would do it."""
    lines = []
    for check in result.checks:
        if check.measure == AREA:
            figures = f"{_area_text(check.part)}/{_area_text(check.whole)}"
        else:
            figures = f"{check.part}/{check.whole}"
        if check.achieved is None:
            lines.append(
                _("%(name)s %(figures)s：无人参与表决，无法达到 %(required)s")
                % {"name": check.name, "figures": figures, "required": _fraction_text(check.required)}
            )
            continue
        params = {
            "name": check.name,
            "figures": figures,
            "percent": _percent(check.achieved),
            "required": _fraction_text(check.required),
        }
        if check.passed:
            lines.append(_("%(name)s %(figures)s = %(percent)s，达到 %(required)s") % params)
        elif check.measure == AREA:
            params["short"] = _area_text(_area_up(check.shortfall))
            lines.append(
                _("%(name)s %(figures)s = %(percent)s，未达到 %(required)s，还差 %(short)s 平方米") % params
            )
        else:
            params["short"] = check.shortfall
            lines.append(
                _("%(name)s %(figures)s = %(percent)s，未达到 %(required)s，还差 %(short)s 人") % params
            )

    if result.passed:
        lines.append(_("表决通过（依据：%(policy)s）") % {"policy": result.policy_label})
    else:
        lines.append(_("表决未通过（依据：%(policy)s）") % {"policy": result.policy_label})
    if not result.final:
        pending = result.pending_flats or tuple(_unit_text(u) for u in result.pending_owners)
        lines.append(
            _("%(flats)s 的表决意见不一致，待确认后结果方为最终结果") % {"flats": "、".join(pending)}
        )
    needed = result.still_needed
    if not result.passed:
        if not needed.possible:
            lines.append(_("即使所有尚未同意的业主都同意，也达不到表决要求"))
        else:
            lines.append(
                _("还需 %(count)s 户业主同意（如 %(flats)s）")
                % {"count": needed.count, "flats": "、".join(_unit_text(u) for u in needed.units)}
            )
    return lines
