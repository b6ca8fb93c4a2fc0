"""Party standing (党龄) and the "光荣在党50年" medal: pure date rules, no database, no request.

Rules (shared/rules/party-and-meetings.md):
- Standing counts from the day a probationary member becomes a full member (转正), not from admission:
  a probationary member has no standing yet.
- Standing is counted in whole years, like an age: it grows by one on each anniversary of full
  membership. A member who became a full member on 29 February completes the year on 1 March in common
  years (the same convention as `registry.models.age_on`, so a person's age and standing agree).
- The commemorative medal goes to living members whose standing reaches 50 years by 1 July of the year
  (1 July included), first awarded in 2021. It is awarded once: 2021 covered everybody who had reached 50
  years by then, each later year covers those who reached 50 years since the previous 1 July. So every
  full member has exactly one medal year (`medal_year`), and the candidates of a year are the living
  members whose medal year it is. Conduct is the branch's judgement: Linli only suggests candidates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MEDAL_FIRST_YEAR = 2021
MEDAL_STANDING_YEARS = 50
MEDAL_MONTH, MEDAL_DAY = 7, 1
# The latest year a candidate list may be asked for: far enough for planning, short of date overflow.
MEDAL_LAST_YEAR = 2200


def standing_years(full_member: dt.date | None, on: dt.date) -> int | None:
    """Whole years of party standing on `on`; None for a probationary member (no full-membership date,
    or a date after `on`)."""
    if full_member is None or full_member > on:
        return None
    return on.year - full_member.year - ((on.month, on.day) < (full_member.month, full_member.day))


def medal_deadline(year: int) -> dt.date:
    """1 July of `year`: the day by which standing must reach 50 years."""
    return dt.date(year, MEDAL_MONTH, MEDAL_DAY)


def medal_year(full_member: dt.date | None) -> int | None:
    """The year in which a full member becomes a medal candidate (None when probationary).

    The first year whose 1 July falls on or after the 50th anniversary of full membership, and never
    before 2021, when the medal was first awarded (to everyone who had 50 years' standing by then).
    """
    if full_member is None:
        return None
    on_time = (full_member.month, full_member.day) <= (MEDAL_MONTH, MEDAL_DAY)
    year = full_member.year + MEDAL_STANDING_YEARS + (0 if on_time else 1)
    return max(year, MEDAL_FIRST_YEAR)


@dataclass(frozen=True)
class MedalWindow:
    """The full-membership dates of one year's candidates: after `after` (None: no lower bound, 2021)
    and on or before `until`."""

    year: int
    after: dt.date | None
    until: dt.date

    def __contains__(self, full_member: dt.date) -> bool:
        return full_member <= self.until and (self.after is None or full_member > self.after)


def check_medal_year(year: int) -> int:
    """`year` if a candidate list can be made for it; ValueError otherwise (callers word the message)."""
    if not MEDAL_FIRST_YEAR <= year <= MEDAL_LAST_YEAR:
        raise ValueError(year)
    return year


def medal_window(year: int) -> MedalWindow:
    """The full-membership dates whose medal year is `year` (what a database query filters on)."""
    check_medal_year(year)
    until = dt.date(year - MEDAL_STANDING_YEARS, MEDAL_MONTH, MEDAL_DAY)
    after = (
        None if year == MEDAL_FIRST_YEAR else dt.date(year - MEDAL_STANDING_YEARS - 1, MEDAL_MONTH, MEDAL_DAY)
    )
    return MedalWindow(year=year, after=after, until=until)


def is_medal_candidate(full_member: dt.date | None, year: int, *, living: bool = True) -> bool:
    """Whether a member is suggested for `year`'s medal: living, a full member, and `year` their medal
    year."""
    return living and full_member is not None and medal_year(full_member) == year


def average_standing(standings: list[int | None]) -> float | None:
    """The mean standing of the full members among `standings` (probationary members, None, left out),
    or None when there is none; one decimal, as a branch reports it."""
    counted = [s for s in standings if s is not None]
    if not counted:
        return None
    return round(sum(counted) / len(counted), 1)
