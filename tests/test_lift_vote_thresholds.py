"""A lift vote passes only when both double thresholds of 民法典 art. 278 hold: at least 2/3 of the area
and of the owners take part, and at least 3/4 of the participating area and owners agree. "以上" includes
the number itself, headcount counts owners (not flats), and co-owners are one owner with one ballot.
The worked example of /work/shared/rules/lift.md is checked figure by figure."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.elevators.rules_vote import (
    AGREE,
    PENDING,
    Thresholds,
    VoteFlat,
    lift_vote_tally,
    result_summary,
)

POLICY = Thresholds(policy_label="上海 2019 意见（2019-12-25 起）")


def flat(label, *, votes=(), area="60", owners=None, floor=None):
    """A flat owned by its own owner (named after it) unless `owners` says otherwise."""
    return VoteFlat(
        key=int(label),
        label=label,
        floor=floor if floor is not None else int(label[:-2] or 0),
        area=Decimal(area),
        owners=frozenset({label}) if owners is None else frozenset(owners),
        submissions=tuple(votes),
    )


def tally(flats, thresholds=POLICY):
    return lift_vote_tally(flats=flats, thresholds=thresholds)


def entrance(votes: dict[str, tuple[str, ...]], *, n=12, a_owns=("501", "502")):
    """lift.md's entrance: 6 floors × 2 flats of 60 m²; owner A owns 501 and 502."""
    labels = [f"{floor}0{door}" for floor in range(1, 7) for door in (1, 2)][:n]
    return [flat(lb, votes=votes.get(lb, ()), owners={"A"} if lb in a_owns else None) for lb in labels]


def worked_example(a_choice):
    agree = dict.fromkeys(("101", "102", "201", "202", "301", "302"), (AGREE,))
    oppose = dict.fromkeys(("401", "402"), ("oppose",))
    return tally(entrance({**agree, **oppose, "501": (a_choice,), "502": (a_choice,)}))


# --- the worked example ---------------------------------------------------------------------------------


def test_worked_example_passes_when_a_agrees():
    r = worked_example(AGREE)
    assert (r.total_area, r.total_headcount) == (Decimal(720), 11)
    assert (r.participating_area, r.participating_headcount) == (Decimal(600), 9)
    assert (r.consenting_area, r.consenting_headcount) == (Decimal(480), 7)
    assert [c.achieved for c in r.checks] == [Fraction(5, 6), Fraction(9, 11), Fraction(4, 5), Fraction(7, 9)]
    assert r.participation_met and r.consent_met and r.passed and r.final
    assert r.still_needed.count == 0
    assert r.policy_label == POLICY.policy_label


def test_worked_example_fails_on_both_consent_tests_when_a_opposes():
    r = worked_example("oppose")
    assert r.participation_met and not r.consent_met and not r.passed
    area, heads = r.check("consent_area"), r.check("consent_headcount")
    assert (area.achieved, heads.achieved) == (Fraction(3, 5), Fraction(2, 3))
    assert not area.passed and not heads.passed
    assert area.shortfall == Fraction(90)  # 3/4 × 600 − 360
    assert heads.shortfall == 1  # 7 of 9
    # One owner is enough — A, with 120 m²; any other single owner brings at most 60 m² (420/600 or
    # 420/660 < 3/4).
    assert r.still_needed.possible and r.still_needed.count == 1
    assert r.still_needed.units == (("501", "502"),)


def test_worked_example_summary_in_chinese():
    lines = result_summary(worked_example("oppose"))
    assert "参与表决的专有部分面积 600/720 = 83.33%，达到 2/3" in lines
    assert "参与表决的业主人数 9/11 = 81.82%，达到 2/3" in lines
    assert "同意的专有部分面积 360/600 = 60.00%，未达到 3/4，还差 90 平方米" in lines
    assert "同意的业主人数 6/9 = 66.67%，未达到 3/4，还差 1 人" in lines
    assert lines[-2].startswith("表决未通过") and POLICY.policy_label in lines[-2]
    assert lines[-1] == "还需 1 户业主同意（如 501+502）"
    assert result_summary(worked_example(AGREE))[-1].startswith("表决通过")


# --- "以上" includes the number: exact boundaries ----------------------------------------------------------


def twelve_owners(voters: int, agreeing: int):
    labels = [f"{f}0{d}" for f in range(1, 7) for d in (1, 2)]
    return [
        flat(lb, votes=(AGREE,) if i < agreeing else ("oppose",) if i < voters else ())
        for i, lb in enumerate(labels)
    ]


def test_exactly_two_thirds_participation_passes():
    r = tally(twelve_owners(voters=8, agreeing=8))  # 8 of 12 = 2/3 by number and by area
    assert r.check("participation_headcount").achieved == Fraction(2, 3)
    assert r.check("participation_area").achieved == Fraction(2, 3)
    assert r.participation_met and r.passed


def test_just_under_two_thirds_participation_fails():
    r = tally(twelve_owners(voters=7, agreeing=7))
    assert not r.participation_met and not r.passed
    assert r.check("participation_headcount").shortfall == 1
    assert r.check("participation_area").shortfall == Fraction(60)  # 480 − 420


def test_exactly_three_quarters_consent_passes():
    r = tally(twelve_owners(voters=12, agreeing=9))  # 9 of 12 = 3/4
    assert r.check("consent_headcount").achieved == Fraction(3, 4)
    assert r.check("consent_area").achieved == Fraction(3, 4)
    assert r.consent_met and r.passed


def test_just_under_three_quarters_consent_fails():
    r = tally(twelve_owners(voters=12, agreeing=8))
    assert not r.consent_met and not r.passed
    assert r.check("consent_headcount").shortfall == 1


def test_area_boundary_with_odd_decimals_is_exact():
    # 2/3 of 100.01 m² is 66.673…; a float of the ratio is where such boundaries go wrong. 3 flats whose
    # areas make participation exactly 2/3 by area: 33.34 + 33.34 of 100.02.
    flats = [
        flat("101", votes=(AGREE,), area="33.34"),
        flat("102", votes=(AGREE,), area="33.34"),
        flat("201", area="33.34"),
    ]
    r = tally(flats)
    assert r.check("participation_area").achieved == Fraction(2, 3)
    assert r.passed
    flats[1] = flat("102", votes=(AGREE,), area="33.33")
    r = tally(flats)
    assert not r.check("participation_area").passed
    assert r.check("participation_area").shortfall == Fraction(2, 3) * Fraction("100.01") - Fraction("66.67")


# --- area and headcount can disagree --------------------------------------------------------------------


def test_area_passes_while_headcount_fails():
    # Big flats vote, small ones do not: 3 of 6 owners hold 3 × 100 of 360 m².
    flats = [flat(f"{i}01", votes=(AGREE,), area="100") for i in (1, 2, 3)]
    flats += [flat(f"{i}01", area="20") for i in (4, 5, 6)]
    r = tally(flats)
    assert r.check("participation_area").passed  # 300/360 = 5/6
    assert not r.check("participation_headcount").passed  # 3/6 = 1/2
    assert r.check("participation_headcount").shortfall == 1
    assert not r.passed


def test_headcount_passes_while_area_fails():
    flats = [flat(f"{i}01", votes=(AGREE,), area="20") for i in (1, 2, 3, 4)]
    flats += [flat(f"{i}01", area="100") for i in (5, 6)]
    r = tally(flats)
    assert r.check("participation_headcount").passed  # 4/6 = 2/3
    assert not r.check("participation_area").passed  # 80/280
    assert not r.passed


def test_consent_by_area_passes_while_consent_by_headcount_fails():
    flats = [flat("101", votes=(AGREE,), area="300"), flat("102", votes=("oppose",), area="50")]
    flats += [flat("201", votes=("oppose",), area="50")]
    r = tally(flats)
    assert r.check("consent_area").passed and not r.check("consent_headcount").passed
    assert not r.passed


def test_consent_by_headcount_passes_while_consent_by_area_fails():
    flats = [flat(f"{i}01", votes=(AGREE,), area="20") for i in (1, 2, 3)]
    flats += [flat("401", votes=("oppose",), area="200")]
    r = tally(flats)
    assert r.check("consent_headcount").passed and not r.check("consent_area").passed
    assert not r.passed


# --- who counts as one owner ----------------------------------------------------------------------------


def test_one_owner_of_three_flats_counts_once_by_headcount_and_three_times_by_area():
    flats = [flat(lb, votes=(AGREE,), owners={"B"}) for lb in ("101", "102", "201")]
    flats += [flat("202", votes=("oppose",)), flat("301")]
    r = tally(flats)
    assert r.total_headcount == 3 and r.total_area == Decimal(300)
    assert r.participating_headcount == 2 and r.participating_area == Decimal(240)
    assert r.consenting_headcount == 1 and r.consenting_area == Decimal(180)
    # By area B's 180 of 240 is exactly 3/4; by headcount B is one of two: fails.
    assert r.check("consent_area").passed and not r.check("consent_headcount").passed


def test_co_owners_of_one_flat_are_one_owner():
    flats = [flat("101", votes=(AGREE, AGREE), owners={"X", "Y"}), flat("102", votes=(AGREE,))]
    flats += [flat("201", votes=(AGREE,)), flat("202", votes=(AGREE,))]
    r = tally(flats)
    assert r.total_headcount == 4 and r.consenting_headcount == 4
    assert r.passed and r.final


def test_partially_overlapping_owner_sets_are_separate_owners():
    # X alone owns 301; X and Y together own 302: in law two different owners.
    flats = [flat("301", votes=(AGREE,), owners={"X"}), flat("302", votes=(AGREE,), owners={"X", "Y"})]
    r = tally(flats)
    assert r.total_headcount == 2


def test_co_owners_with_conflicting_ballots_are_pending_and_not_final():
    flats = [flat("101", votes=(AGREE, "oppose"), owners={"X", "Y"})]
    flats += [flat(lb, votes=(AGREE,)) for lb in ("102", "201", "202")]
    r = tally(flats)
    assert r.pending_flats == ("101",) and r.pending_owners == (("101",),)
    assert not r.final
    assert r.units[0].choice == PENDING
    # Pending takes part (the ballots were cast) but is not counted as consenting: 3 of 4.
    assert (r.participating_headcount, r.consenting_headcount) == (4, 3)
    assert (r.participating_area, r.consenting_area) == (Decimal(240), Decimal(180)) and r.passed
    assert any("101" in line and "待确认" in line for line in result_summary(r))


def test_pending_flat_that_could_tip_the_vote_fails_for_now_and_says_so():
    flats = [flat("101", votes=(AGREE, "oppose"), owners={"X", "Y"}), flat("102", votes=(AGREE,))]
    flats += [flat("201", votes=(AGREE,))]
    r = tally(flats)
    assert not r.passed and not r.final
    assert r.still_needed.count == 1 and r.still_needed.units == (("101",),)


def test_owner_whose_flats_carry_different_choices_is_pending_by_headcount():
    flats = [flat("501", votes=(AGREE,), owners={"A"}), flat("502", votes=("oppose",), owners={"A"})]
    flats += [flat("101", votes=(AGREE,))]
    r = tally(flats)
    assert r.pending_flats == () and r.pending_owners == (("501", "502"),)
    assert not r.final
    # By area each flat counts its own ballot; by headcount A takes part without consenting.
    assert r.consenting_area == Decimal(120) and r.consenting_headcount == 1


def test_flat_without_registered_owner_counts_against_participation_only():
    flats = [flat(lb, votes=(AGREE,)) for lb in ("101", "102", "201", "202", "301", "302", "401", "402")]
    flats += [flat(lb, owners=()) for lb in ("501", "502", "601", "602")]
    r = tally(flats)
    assert r.total_headcount == 12 and r.total_area == Decimal(720)
    assert r.check("participation_headcount").achieved == Fraction(2, 3) and r.passed
    assert r.units[-1].can_vote is False


def test_entrance_of_ownerless_flats_can_never_pass():
    flats = [flat("101", votes=(AGREE,)), flat("102", owners=()), flat("201", owners=())]
    r = tally(flats)
    assert not r.passed and not r.still_needed.possible and r.still_needed.count is None
    assert "即使所有尚未同意的业主都同意，也达不到表决要求" in result_summary(r)


def test_ballot_on_flat_without_owner_is_refused():
    with pytest.raises(DomainError, match="101"):
        flat("101", owners=(), votes=(AGREE,))


# --- abstaining, spoilt and absent ----------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["abstain", "spoilt"])
def test_abstaining_and_spoilt_ballots_take_part_without_consenting(choice):
    flats = [flat(lb, votes=(AGREE,)) for lb in ("101", "102", "201")] + [flat("202", votes=(choice,))]
    r = tally(flats)
    assert (r.participating_headcount, r.consenting_headcount) == (4, 3)
    assert r.passed  # exactly 3/4
    flats.append(flat("301", votes=(choice,)))
    r = tally(flats)
    assert (r.participating_headcount, r.consenting_headcount) == (5, 3) and not r.passed


def test_non_voters_count_against_participation_not_consent():
    flats = [flat(lb, votes=(AGREE,)) for lb in ("101", "102", "201", "202")] + [flat("301"), flat("302")]
    r = tally(flats)
    assert r.check("consent_headcount").achieved == 1  # 4 of 4 participating
    assert r.check("participation_headcount").achieved == Fraction(2, 3)
    assert r.passed


def test_nobody_voted():
    r = tally([flat("101"), flat("102")])
    assert not r.passed and r.check("consent_area").achieved is None
    assert r.check("consent_area").shortfall is None
    assert r.still_needed.count == 2
    assert any("无人参与表决" in line for line in result_summary(r))


# --- refused input and exactness ------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["0", "-60", "NaN", "Infinity"])
def test_zero_or_negative_area_is_refused_naming_the_flat(area):
    with pytest.raises(DomainError, match="1202") as exc:
        flat("1202", area=area)
    assert "面积" in exc.value.message


def test_float_area_and_float_thresholds_are_refused():
    with pytest.raises(DomainError):
        VoteFlat(key=1, label="101", floor=1, area=60.5, owners=frozenset({"x"}))
    with pytest.raises(DomainError):
        Thresholds(policy_label="x", consent_area=0.75)
    with pytest.raises(DomainError):
        Thresholds(policy_label="x", participation_area=Fraction(3, 2))


def test_unknown_choice_empty_scope_and_duplicate_flats_are_refused():
    with pytest.raises(DomainError):
        flat("101", votes=("yes",))
    with pytest.raises(DomainError):
        tally([])
    with pytest.raises(DomainError):
        tally([flat("101"), flat("101")])


def test_results_are_float_free():
    r = worked_example("oppose")
    for value in (r.total_area, r.participating_area, r.consenting_area):
        assert type(value) is Decimal
    for value in (r.total_headcount, r.participating_headcount, r.consenting_headcount):
        assert type(value) is int
    for check in r.checks:
        assert type(check.achieved) is Fraction and type(check.required) is Fraction
        assert check.shortfall is None or type(check.shortfall) in (Fraction, int)


def test_thresholds_come_from_the_policy_not_the_code():
    ninety = Thresholds(
        policy_label="2016 实践",
        participation_area=Fraction(9, 10),
        participation_headcount=Fraction(9, 10),
        consent_area=Fraction(9, 10),
        consent_headcount=Fraction(9, 10),
    )
    r = worked_example(AGREE)
    assert r.passed
    flats = entrance(
        dict.fromkeys(("101", "102", "201", "202", "301", "302", "401", "402", "501", "502"), (AGREE,))
    )
    r = tally(flats, ninety)
    assert not r.passed and r.policy_label == "2016 实践"
    assert r.check("participation_headcount").achieved == Fraction(9, 11)


# --- a property: the decision is the exact comparison of the four ratios -----------------------------------

choices = st.sampled_from([(), (AGREE,), ("oppose",), ("abstain",), ("spoilt",)])


@given(
    votes=st.lists(choices, min_size=1, max_size=20),
    areas=st.lists(st.decimals(min_value="0.01", max_value="300", places=2), min_size=20, max_size=20),
)
def test_passes_exactly_when_all_four_ratios_reach_their_threshold(votes, areas):
    flats = [flat(f"{i + 1}01", votes=v, area=areas[i]) for i, v in enumerate(votes)]
    r = tally(flats)
    ta = sum((Fraction(f.area) for f in flats), Fraction(0))
    pa = sum((Fraction(f.area) for f in flats if f.submissions), Fraction(0))
    ca = sum((Fraction(f.area) for f in flats if f.submissions == (AGREE,)), Fraction(0))
    ph = sum(1 for f in flats if f.submissions)
    ch = sum(1 for f in flats if f.submissions == (AGREE,))
    expected = (
        pa / ta >= Fraction(2, 3)
        and Fraction(ph, len(flats)) >= Fraction(2, 3)
        and ph > 0
        and ca / pa >= Fraction(3, 4)
        and Fraction(ch, ph) >= Fraction(3, 4)
    )
    assert r.passed == expected
    assert r.final
