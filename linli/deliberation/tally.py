"""Counting a consultation: pure functions over (weight, chosen choice ids) rows, exact fractions only.

`tally(questions, electorate, ballots)` gives, per question and choice, the headcount and the weight of
the ballots naming it, with participation by headcount and by weight; `counts_for(...)` turns one
question's result into the `thresholds.Counts` a rule decides on. The same rows always give the same
report (sorted, no floats), so a printed tally can be checked by re-running it.
"""

from __future__ import annotations

from collections import Counter
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


def _total(counter: Counter) -> tuple[int, Fraction]:
    """(ballots, their weight) from a count of ballots per distinct weight, keyed (numerator, denominator):
    one multiplication per distinct weight instead of one Fraction addition per ballot, and tuples of ints
    to count by, which hash many times faster than Fractions (a district's 100,000 ballots have a handful
    of weights)."""
    total = sum((Fraction(n, d) * count for (n, d), count in counter.items()), Fraction(0))
    return sum(counter.values()), total


@dataclass
class Grouped:
    """The counts a tally is made of, each a Counter of ballots (or voters) per distinct weight keyed
    (numerator, denominator): what `tally` counts from ballot rows, and what `compute_tally` reads with
    GROUP BY from the database (integer counts: exact either way)."""

    electorate: Counter
    ballots: Counter
    by_choice: dict[int, Counter]  # choice id → ballots naming it
    by_question: dict[int, Counter]  # question id → ballots naming at least one of its choices


def tally(
    questions: Sequence[QuestionDef], electorate: Iterable[Fraction], ballots: Iterable[BallotRow]
) -> Tally:
    question_of = {cid: q.id for q in questions for cid, _text, _favour in q.choices}
    grouped = Grouped(
        electorate=Counter((w.numerator, w.denominator) for w in electorate),
        ballots=Counter(),
        by_choice={cid: Counter() for cid in question_of},
        by_question={q.id: Counter() for q in questions},
    )
    for row in ballots:  # one pass over the ballots, whatever the number of questions and choices
        key = (row.weight.numerator, row.weight.denominator)
        grouped.ballots[key] += 1
        answered = set()
        for cid in row.choices:
            if cid in grouped.by_choice:
                grouped.by_choice[cid][key] += 1
                answered.add(question_of[cid])
        for qid in answered:
            grouped.by_question[qid][key] += 1
    return tally_grouped(questions, grouped)


def tally_grouped(questions: Sequence[QuestionDef], grouped: Grouped) -> Tally:
    entitled, entitled_weight = _total(grouped.electorate)
    cast, cast_weight = _total(grouped.ballots)
    results = []
    for q in questions:
        choice_results = []
        for cid, text, favour in q.choices:
            votes, weight = _total(grouped.by_choice.get(cid, Counter()))
            choice_results.append(
                ChoiceResult(
                    cid, text, favour, votes, weight, _ratio(votes, cast), _ratio(weight, cast_weight)
                )
            )
        answering, answering_weight = _total(grouped.by_question.get(q.id, Counter()))
        results.append(QuestionResult(q.id, q.text, answering, answering_weight, tuple(choice_results)))
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
