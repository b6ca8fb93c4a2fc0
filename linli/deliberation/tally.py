"""Counting a consultation: pure functions over (weight, chosen choice ids) rows, exact fractions only.

`tally(questions, electorate, ballots)` gives, per question and choice, the headcount and the weight of
the ballots naming it, with participation by headcount and by weight; `counts_for(...)` turns one
question's result into the `thresholds.Counts` a rule decides on. The same rows always give the same
report (sorted, no floats), so a printed tally can be checked by re-running it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from linli.deliberation.thresholds import Counts


@dataclass(frozen=True)
class QuestionDef:
    id: int
    text: str
    choices: tuple[tuple[int, str, bool], ...]  # (choice id, text, counts as in favour)


@dataclass(frozen=True)
class BallotRow:
    weight: Fraction
    choices: frozenset[int]


@dataclass(frozen=True)
class ChoiceResult:
    id: int
    text: str
    in_favour: bool
    votes: int
    weight: Fraction
    share_of_cast: Fraction  # by headcount, of the ballots cast
    weight_share_of_cast: Fraction


@dataclass(frozen=True)
class QuestionResult:
    id: int
    text: str
    answered: int  # ballots naming at least one of its choices
    answered_weight: Fraction
    choices: tuple[ChoiceResult, ...]


@dataclass(frozen=True)
class Tally:
    entitled: int
    entitled_weight: Fraction
    cast: int
    cast_weight: Fraction
    participation: Fraction
    weight_participation: Fraction
    questions: tuple[QuestionResult, ...]


def _ratio(part, whole) -> Fraction:
    return Fraction(part) / whole if whole else Fraction(0)


def tally(
    questions: Sequence[QuestionDef], electorate: Iterable[Fraction], ballots: Iterable[BallotRow]
) -> Tally:
    weights = list(electorate)
    rows = list(ballots)
    entitled, entitled_weight = len(weights), sum(weights, Fraction(0))
    cast, cast_weight = len(rows), sum((r.weight for r in rows), Fraction(0))
    results = []
    for q in questions:
        ids = {c[0] for c in q.choices}
        answering = [r for r in rows if r.choices & ids]
        choice_results = []
        for cid, text, favour in q.choices:
            naming = [r for r in rows if cid in r.choices]
            votes, weight = len(naming), sum((r.weight for r in naming), Fraction(0))
            choice_results.append(
                ChoiceResult(
                    cid, text, favour, votes, weight, _ratio(votes, cast), _ratio(weight, cast_weight)
                )
            )
        results.append(
            QuestionResult(
                q.id,
                q.text,
                len(answering),
                sum((r.weight for r in answering), Fraction(0)),
                tuple(choice_results),
            )
        )
    return Tally(
        entitled,
        entitled_weight,
        cast,
        cast_weight,
        _ratio(cast, entitled),
        _ratio(cast_weight, entitled_weight),
        tuple(results),
    )


def counts_for(result: Tally, question: QuestionResult) -> Counts:
    """The counts one question's rule decides on: in favour = ballots naming a choice marked in favour."""
    favour = [c for c in question.choices if c.in_favour]
    return Counts(
        entitled=result.entitled,
        cast=result.cast,
        in_favour=sum(c.votes for c in favour),
        entitled_weight=result.entitled_weight,
        cast_weight=result.cast_weight,
        in_favour_weight=sum((c.weight for c in favour), Fraction(0)),
    )


def percent(value: Fraction, places: int = 2) -> str:
    """A fraction as a percentage for print, rounded half up from the exact value (e.g. 66.67%)."""
    scaled = value * 100 * 10**places
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    text = str(whole).rjust(places + 1, "0")
    return f"{text[:-places]}.{text[-places:]}%" if places else f"{text}%"


def fraction_text(value: Fraction) -> str:
    """An exact value as printed: 12 or 12345/100 (= 123.45)."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def decimal_text(value: Fraction, places: int = 2) -> str:
    """An exact value rounded half up for print (m² to the hundredth); the exact fraction stays alongside."""
    scaled = value * 10**places
    sign = "-" if scaled < 0 else ""
    scaled = abs(scaled)
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    text = str(whole).rjust(places + 1, "0")
    return f"{sign}{text[:-places]}.{text[-places:]}" if places else f"{sign}{text}"
