"""Party standing counts from full membership (转正), never from admission; probationary members have
none; the "光荣在党50年" medal year is the first 1 July (from 2021) by which standing reaches 50 years.
Property tests cover the date arithmetic around 29 February and the 1 July boundary."""

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from linli.organizing import party
from linli.registry.models import age_on

dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2100, 12, 31))
years = st.integers(min_value=party.MEDAL_FIRST_YEAR, max_value=2150)
leap_days = st.integers(min_value=1932, max_value=2096).filter(lambda y: y % 4 == 0 and y % 100 != 0)


def test_standing_counts_from_full_membership_not_admission():
    joined, full = dt.date(1975, 3, 1), dt.date(1976, 3, 1)
    assert party.standing_years(full, dt.date(2026, 2, 28)) == 49
    assert party.standing_years(full, dt.date(2026, 3, 1)) == 50
    # Counted from admission it would already be 51: it is not.
    assert age_on(joined, dt.date(2026, 3, 1)) == 51


def test_probationary_member_has_no_standing():
    assert party.standing_years(None, dt.date(2026, 5, 1)) is None
    # Full membership in the future (the data says so): still probationary today.
    assert party.standing_years(dt.date(2026, 6, 1), dt.date(2026, 5, 1)) is None
    assert party.medal_year(None) is None
    assert not party.is_medal_candidate(None, 2026)


def test_first_day_of_full_membership_is_zero_years():
    assert party.standing_years(dt.date(2026, 5, 1), dt.date(2026, 5, 1)) == 0


@pytest.mark.parametrize(
    ("full_member", "year"),
    [
        (dt.date(1976, 7, 1), 2026),  # reaches 50 years on 1 July 2026 itself: this year
        (dt.date(1976, 7, 2), 2027),  # one day too late for 2026
        (dt.date(1975, 7, 2), 2026),  # the day after last year's deadline: this year
        (dt.date(1975, 7, 1), 2025),
        (dt.date(1976, 1, 1), 2026),
        (dt.date(1976, 2, 29), 2026),
        (dt.date(1971, 7, 1), 2021),
        (dt.date(1950, 10, 1), 2021),  # long before the first award: the first year covers everybody
        (dt.date(1971, 7, 2), 2022),
    ],
)
def test_medal_year_examples(full_member, year):
    assert party.medal_year(full_member) == year


def test_medal_window_bounds():
    w = party.medal_window(2026)
    assert (w.after, w.until) == (dt.date(1975, 7, 1), dt.date(1976, 7, 1))
    first = party.medal_window(2021)
    assert first.after is None and first.until == dt.date(1971, 7, 1)
    assert dt.date(1940, 1, 1) in first


@pytest.mark.parametrize("year", [2020, 1990, 0, 2201])
def test_no_candidates_before_the_first_award_or_absurd_years(year):
    with pytest.raises(ValueError):
        party.medal_window(year)


def test_a_member_who_moved_out_or_died_is_not_suggested():
    assert party.is_medal_candidate(dt.date(1976, 1, 1), 2026)
    assert not party.is_medal_candidate(dt.date(1976, 1, 1), 2026, living=False)


def test_average_standing_leaves_probationary_members_out():
    assert party.average_standing([50, 10, None, 3]) == 21.0
    assert party.average_standing([None, None]) is None
    assert party.average_standing([1, 2]) == 1.5


@given(full=dates, on=dates)
def test_standing_agrees_with_the_age_rule(full, on):
    """Standing is an age counted from full membership: same years, same anniversaries."""
    standing = party.standing_years(full, on)
    if on < full:
        assert standing is None
    else:
        assert standing == age_on(full, on)
        assert standing >= 0


@given(full=dates, year=years)
def test_medal_year_is_the_first_1_july_with_50_years(full, year):
    deadline = party.medal_deadline(year)
    reached = (party.standing_years(full, deadline) or 0) >= 50
    my_year = party.medal_year(full)
    if my_year == year:
        assert reached
        if year > party.MEDAL_FIRST_YEAR:
            # ... and not a year earlier: the medal is given once.
            assert (party.standing_years(full, party.medal_deadline(year - 1)) or 0) < 50
    elif reached:
        assert my_year < year  # reached earlier: suggested in an earlier year
    else:
        assert my_year > year


@given(full=dates, year=years)
def test_window_holds_exactly_the_members_of_that_medal_year(full, year):
    """The dates a database query filters on agree with the rule, whatever the date."""
    assert (full in party.medal_window(year)) == (party.medal_year(full) == year)


@given(leap=leap_days, later=st.integers(min_value=1, max_value=80))
def test_29_february_completes_a_year_on_1_march_in_common_years(leap, later):
    full = dt.date(leap, 2, 29)
    year = leap + later
    is_leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if is_leap:
        assert party.standing_years(full, dt.date(year, 2, 29)) == later
        assert party.standing_years(full, dt.date(year, 2, 28)) == later - 1
    else:
        assert party.standing_years(full, dt.date(year, 2, 28)) == later - 1
        assert party.standing_years(full, dt.date(year, 3, 1)) == later
    # 29 February is before 1 July: the medal year is the 50th year.
    assert party.medal_year(full) == max(leap + 50, party.MEDAL_FIRST_YEAR)


@given(year=st.integers(min_value=1922, max_value=2140), day=st.integers(min_value=-3, max_value=3))
def test_1_july_boundary(year, day):
    """Full membership a few days either side of 1 July: on or before it counts for that year."""
    full = dt.date(year, 7, 1) + dt.timedelta(days=day)
    expected = year + 50 if day <= 0 else year + 51
    assert party.medal_year(full) == max(expected, party.MEDAL_FIRST_YEAR)


@given(full=dates)
def test_every_full_member_has_one_medal_year_from_2021(full):
    y = party.medal_year(full)
    assert y >= party.MEDAL_FIRST_YEAR
    assume(y <= 2150)
    assert (
        sum(1 for candidate in range(party.MEDAL_FIRST_YEAR, 2151) if full in party.medal_window(candidate))
        == 1
    )
