"""Pass/fail rules for consultations, as pure functions over exact fractions (never floats).

"过半数" is strictly more than half: 50 of 100 is not a majority. Every rule returns an `Outcome` that says
whether it passed, which test failed (in Chinese, for the tally page) and how many more votes in favour
would have been needed — the lift issue's double thresholds report exactly that.

A consultation names its rule by key (`Consultation.threshold`); `RULES` maps keys to rules taking a
`Counts`. The lift app adds its own double-threshold rule with `register(...)` (the hook), without
touching this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Outcome:
    passed: bool
    failed: tuple[str, ...] = ()  # the tests that failed, in words
    more_needed: int = (
        0  # more votes in favour (by headcount) that would have passed it, when that is the gap
    )
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Counts:
    """What a rule decides on: headcounts and weights of the electorate, the ballots cast and those in
    favour of the question the rule is applied to."""

    entitled: int
    cast: int
    in_favour: int
    entitled_weight: Fraction = Fraction(0)
    cast_weight: Fraction = Fraction(0)
    in_favour_weight: Fraction = Fraction(0)


def more_than(part: Fraction | int, whole: Fraction | int, ratio: Fraction) -> bool:
    """part / whole > ratio, exactly (and False when whole is 0)."""
    return whole > 0 and Fraction(part) > ratio * whole


def at_least(part: Fraction | int, whole: Fraction | int, ratio: Fraction) -> bool:
    return whole > 0 and Fraction(part) >= ratio * whole


def needed_more_than(part: int, whole: int, ratio: Fraction) -> int:
    """The smallest k ≥ 0 with (part + k) / whole > ratio, k counting in favour among `whole` fixed."""
    target = math.floor(ratio * whole) + 1  # smallest integer strictly greater than ratio × whole
    return max(0, target - part)


def needed_at_least(part: int, whole: int, ratio: Fraction) -> int:
    return max(0, math.ceil(ratio * whole) - part)


def simple_majority(counts: Counts) -> Outcome:
    """More than half of the votes cast are in favour."""
    if more_than(counts.in_favour, counts.cast, Fraction(1, 2)):
        return Outcome(True)
    return Outcome(
        False,
        (_("同意票未超过投票人数的一半"),),
        needed_more_than(counts.in_favour, counts.cast, Fraction(1, 2)),
    )


def qualified_majority(ratio: Fraction) -> Callable[[Counts], Outcome]:
    """At least `ratio` (e.g. 2/3) of the votes cast are in favour."""

    def rule(counts: Counts) -> Outcome:
        if at_least(counts.in_favour, counts.cast, ratio):
            return Outcome(True)
        return Outcome(
            False,
            (_("同意票未达到投票人数的%(ratio)s") % {"ratio": f"{ratio.numerator}/{ratio.denominator}"},),
            needed_at_least(counts.in_favour, counts.cast, ratio),
        )

    return rule


def residents_meeting_passes(*, entitled: int, present: int, in_favour: int) -> Outcome:
    """城市居民委员会组织法: the meeting stands when more than half of those entitled attend, and decides by
    more than half of those present — both strictly more than half."""
    if entitled < 0 or present < 0 or in_favour < 0 or present > entitled or in_favour > present:
        raise ValueError("counts out of range")
    failed: list[str] = []
    more = 0
    if not more_than(present, entitled, Fraction(1, 2)):
        failed.append(_("到会人数未超过应到人数的一半"))
    if not more_than(in_favour, present, Fraction(1, 2)):
        failed.append(_("同意人数未超过到会人数的一半"))
        more = needed_more_than(in_favour, present, Fraction(1, 2))
    return Outcome(not failed, tuple(failed), more)


def residents_meeting(counts: Counts) -> Outcome:
    return residents_meeting_passes(entitled=counts.entitled, present=counts.cast, in_favour=counts.in_favour)


def double_threshold(
    *, participation: Fraction, approval: Fraction, strict: bool = False
) -> Callable[[Counts], Outcome]:
    """A rule over both headcount and weight (area), as owners' votes under 民法典 art. 278 need: those
    taking part make up at least `participation` of the owners by number AND by area, and those in favour
    at least `approval` of those taking part by number AND by area. The lift app registers its own
    instance; `more_needed` is the shortfall by headcount of the approval test."""
    test = more_than if strict else at_least

    def rule(counts: Counts) -> Outcome:
        failed: list[str] = []
        more = 0
        if not test(counts.cast, counts.entitled, participation):
            failed.append(_("参与表决的业主人数未达到要求"))
        if not test(counts.cast_weight, counts.entitled_weight, participation):
            failed.append(_("参与表决的专有部分面积未达到要求"))
        if not test(counts.in_favour, counts.cast, approval):
            failed.append(_("同意的业主人数未达到要求"))
            need = needed_more_than if strict else needed_at_least
            more = need(counts.in_favour, counts.cast, approval)
        if not test(counts.in_favour_weight, counts.cast_weight, approval):
            failed.append(_("同意的专有部分面积未达到要求"))
        return Outcome(not failed, tuple(failed), more)

    return rule


RULES: dict[str, tuple[object, Callable[[Counts], Outcome]]] = {}


def register(key: str, label, rule: Callable[[Counts], Outcome]) -> None:
    """Add a rule other apps (the lift app's double thresholds) can name in `Consultation.threshold`."""
    RULES[key] = (label, rule)


register("simple_majority", gettext_lazy("简单多数（同意票过投票人数的一半）"), simple_majority)
register(
    "two_thirds",
    gettext_lazy("三分之二多数（同意票不少于投票人数的2/3）"),
    qualified_majority(Fraction(2, 3)),
)
register("residents_meeting", gettext_lazy("居民会议规则（过半到会，到会过半同意）"), residents_meeting)
register(
    "owners_major_matter",
    gettext_lazy("业主共同决定重大事项（参与表决不少于2/3，同意不少于参与的3/4，人数与面积双计）"),
    double_threshold(participation=Fraction(2, 3), approval=Fraction(3, 4)),
)


def rule_choices() -> list[tuple[str, object]]:
    return [(key, label) for key, (label, _rule) in RULES.items()]


def evaluate(key: str, counts: Counts) -> Outcome:
    if key not in RULES:
        raise KeyError(key)
    return RULES[key][1](counts)
