"""The pass rules, exactly: "过半数" is strictly more than half, 2/3 is at least two thirds, the residents'
meeting needs both a quorum and a majority of those present, double thresholds check number and area."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.deliberation import thresholds as t


@st.composite
def meeting(draw):
    entitled = draw(st.integers(0, 10_000))
    present = draw(st.integers(0, entitled))
    in_favour = draw(st.integers(0, present))
    return entitled, present, in_favour


@given(meeting())
def test_residents_meeting_is_strictly_more_than_half_twice(counts):
    entitled, present, in_favour = counts
    outcome = t.residents_meeting_passes(entitled=entitled, present=present, in_favour=in_favour)
    assert outcome.passed == (2 * present > entitled and 2 * in_favour > present)
    if outcome.passed:
        assert outcome.failed == () and outcome.more_needed == 0
    elif 2 * in_favour <= present:
        # exactly the shortfall: with more_needed more in favour it passes that test, with one fewer not
        k = outcome.more_needed
        assert 2 * (in_favour + k) > present and 2 * (in_favour + k - 1) <= present


def test_half_is_not_more_than_half():
    assert not t.residents_meeting_passes(entitled=100, present=50, in_favour=50).passed
    assert t.residents_meeting_passes(entitled=100, present=51, in_favour=26).passed
    out = t.residents_meeting_passes(entitled=100, present=51, in_favour=25)
    assert not out.passed and out.more_needed == 1 and len(out.failed) == 1
    out = t.residents_meeting_passes(entitled=100, present=50, in_favour=20)
    assert len(out.failed) == 2


def test_out_of_range_counts_are_refused():
    with pytest.raises(ValueError):
        t.residents_meeting_passes(entitled=10, present=11, in_favour=0)
    with pytest.raises(ValueError):
        t.residents_meeting_passes(entitled=10, present=5, in_favour=6)


@given(st.integers(0, 5000).flatmap(lambda cast: st.tuples(st.just(cast), st.integers(0, cast))))
def test_simple_majority_of_votes_cast(pair):
    cast, in_favour = pair
    out = t.simple_majority(t.Counts(entitled=cast, cast=cast, in_favour=in_favour))
    assert out.passed == (2 * in_favour > cast)
    if not out.passed:
        assert 2 * (in_favour + out.more_needed) > cast >= 2 * (in_favour + out.more_needed - 1)


@given(st.integers(0, 5000).flatmap(lambda cast: st.tuples(st.just(cast), st.integers(0, cast))))
def test_two_thirds_is_at_least_two_thirds(pair):
    cast, in_favour = pair
    out = t.evaluate("two_thirds", t.Counts(entitled=cast, cast=cast, in_favour=in_favour))
    assert out.passed == (cast > 0 and 3 * in_favour >= 2 * cast)
    if not out.passed and cast:
        assert 3 * (in_favour + out.more_needed) >= 2 * cast > 3 * (in_favour + out.more_needed - 1)


def test_two_thirds_boundaries():
    assert t.evaluate("two_thirds", t.Counts(entitled=3, cast=3, in_favour=2)).passed
    assert not t.evaluate("two_thirds", t.Counts(entitled=100, cast=100, in_favour=66)).passed
    assert t.evaluate("two_thirds", t.Counts(entitled=100, cast=99, in_favour=66)).passed


@given(st.lists(st.tuples(st.integers(1, 1_000_000), st.integers(0, 2)), min_size=1, max_size=40))
def test_double_threshold_checks_number_and_area(owners):
    # (area in hundredths of a m², vote: 0 absent, 1 against, 2 in favour)
    weights = [Fraction(cents, 100) for cents, _v in owners]
    votes = [v for _c, v in owners]
    rule = t.double_threshold(participation=Fraction(2, 3), approval=Fraction(3, 4))
    cast = [w for w, v in zip(weights, votes, strict=True) if v]
    favour = [w for w, v in zip(weights, votes, strict=True) if v == 2]
    counts = t.Counts(
        entitled=len(weights),
        cast=len(cast),
        in_favour=len(favour),
        entitled_weight=sum(weights, Fraction(0)),
        cast_weight=sum(cast, Fraction(0)),
        in_favour_weight=sum(favour, Fraction(0)),
    )
    expected = (
        3 * len(cast) >= 2 * len(weights)
        and 3 * counts.cast_weight >= 2 * counts.entitled_weight
        and len(cast) > 0
        and 4 * len(favour) >= 3 * len(cast)
        and counts.cast_weight > 0
        and 4 * counts.in_favour_weight >= 3 * counts.cast_weight
    )
    assert rule(counts).passed == expected


def test_double_threshold_names_the_failing_test():
    rule = t.double_threshold(participation=Fraction(2, 3), approval=Fraction(3, 4))
    # Enough owners by number, not by area: two big flats stayed away.
    out = rule(
        t.Counts(
            entitled=6,
            cast=4,
            in_favour=4,
            entitled_weight=Fraction(600),
            cast_weight=Fraction(300),
            in_favour_weight=Fraction(300),
        )
    )
    assert not out.passed and out.failed == ("参与表决的专有部分面积未达到要求",)


def test_the_lift_app_can_plug_in_its_own_rule():
    calls = []

    def lift_rule(counts):
        calls.append(counts)
        return t.Outcome(True)

    t.register("test_lift_rule", "测试规则", lift_rule)
    try:
        assert t.evaluate("test_lift_rule", t.Counts(entitled=1, cast=1, in_favour=1)).passed
        assert calls and ("test_lift_rule", "测试规则") in t.rule_choices()
    finally:
        del t.RULES["test_lift_rule"]
    with pytest.raises(KeyError):
        t.evaluate("test_lift_rule", t.Counts(entitled=1, cast=1, in_favour=1))
