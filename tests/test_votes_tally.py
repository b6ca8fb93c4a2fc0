"""The tally: per question and choice, by headcount and by weight as exact fractions, with participation;
sealed from everyone but staff until the close; reproducible."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.deliberation import selectors_votes as selectors
from linli.deliberation import services_votes as services
from linli.deliberation.models import Electorate, Weighting
from linli.deliberation.tally import BallotRow, QuestionDef, counts_for, percent, tally
from linli.deliberation.thresholds import evaluate
from tests.test_votes_support import answers_for, link_user, opened, own, photo, set_area

Q = QuestionDef(1, "同意吗", ((10, "同意", True), (11, "不同意", False), (12, "弃权", False)))


@given(
    st.lists(
        st.tuples(
            st.fractions(min_value=Fraction(1, 100), max_value=500, max_denominator=300),
            st.sampled_from([10, 11, 12, None]),
        ),
        max_size=60,
    )
)
def test_tally_sums_exactly(rows):
    electorate = [w for w, _c in rows]
    ballots = [BallotRow(w, frozenset({c})) for w, c in rows if c is not None]
    result = tally([Q], electorate, ballots)
    q = result.questions[0]
    assert sum(c.votes for c in q.choices) == result.cast == len(ballots)
    assert sum((c.weight for c in q.choices), Fraction(0)) == result.cast_weight
    assert result.entitled_weight == sum(electorate, Fraction(0))
    if ballots:
        assert sum(c.share_of_cast for c in q.choices) == 1
        assert sum(c.weight_share_of_cast for c in q.choices) == 1
    assert tally([Q], electorate, ballots) == result  # reproducible


def test_percent_rounds_half_up_from_the_exact_value():
    assert percent(Fraction(2, 3)) == "66.67%"
    assert percent(Fraction(1, 8)) == "12.50%"
    assert percent(Fraction(1, 800)) == "0.13%"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_owners_vote_tally_by_number_and_area(world):
    set_area(world.flat_101, "56.30")
    set_area(world.flat_102, "80.15")
    set_area(world.flat_201, "100.01")
    own(world.flat_101, "甲业主")
    own(world.flat_102, "乙业主", share=(1, 2))
    own(world.flat_102, "丙业主", share=(1, 2))
    own(world.flat_201, "丁业主")
    c = opened(world, electorate=Electorate.OWNERS, weighting=Weighting.AREA, threshold="owners_major_matter")
    voters = {v.name: v for v in c.voters.select_related("owner")}
    for name, favour in (("甲业主", True), ("乙业主", True), ("丁业主", False)):
        services.ballot_cast(
            actor=world.staff,
            consultation=c,
            voter=voters[name],
            answers=answers_for(c, favour=favour),
            method="paper",
            photo=photo(),
        )
    result = selectors.compute_tally(c)
    assert (result.entitled, result.cast) == (4, 3)
    assert result.entitled_weight == Fraction(5630 + 8015 + 10001, 100)
    assert result.cast_weight == Fraction(5630, 100) + Fraction(8015, 200) + Fraction(10001, 100)
    approve = result.questions[0]
    yes = approve.choices[0]
    assert (yes.votes, yes.weight) == (2, Fraction(5630, 100) + Fraction(8015, 200))
    counts = counts_for(result, approve)
    outcome = evaluate(c.threshold, counts)
    # 3 of 4 owners took part (≥ 2/3), but 2 of 3 in favour is short of 3/4 by number and by area.
    assert not outcome.passed
    assert set(outcome.failed) == {"同意的业主人数未达到要求", "同意的专有部分面积未达到要求"}
    assert outcome.more_needed == 1


@pytest.mark.django_db
def test_results_sealed_from_non_staff_until_close(world):
    c = opened(world, buildings=[world.building_1])
    link_user(world.zhao, world.resident)
    services.ballot_cast(
        actor=world.resident,
        consultation=c,
        voter=c.voters.get(resident=world.zhao),
        answers=answers_for(c),
        method="online",
    )
    assert selectors.consultation_tally(world.staff, c) is not None
    for user in (
        world.resident,
        world.building_leader,
        world.volunteer,
        world.outsider,
        world.street_officer,
    ):
        assert selectors.consultation_tally(user, c) is None, user
    c = services.consultation_close(actor=world.staff, consultation=c)
    assert selectors.consultation_tally(world.resident, c).cast == 1  # a voter sees the result now
    assert selectors.consultation_tally(world.building_leader, c).cast == 1  # 孙奶奶 is a voter, and leads
    for user in (world.volunteer, world.outsider, world.street_officer):
        assert selectors.consultation_tally(user, c) is None, user


@pytest.mark.django_db
def test_report_masks_voters(world):
    c = opened(world, buildings=[world.building_1])
    services.ballot_cast(
        actor=world.staff,
        consultation=c,
        voter=c.voters.get(resident=world.sun),
        answers=answers_for(c),
        method="paper",
        photo=photo(),
    )
    rows = selectors.report_rows(c)
    assert {r["name"] for r in rows} == {"赵*", "钱*", "孙*"}
    assert [r["voted"] for r in rows if r["name"] == "孙*"] == [True]
    assert all("1号" in r["flat"] for r in rows)


Q2 = QuestionDef(2, "哪天", ((20, "周六", False), (21, "周日", False), (22, "都行", False)))


@given(
    st.lists(
        st.tuples(
            st.fractions(min_value=Fraction(1, 100), max_value=500, max_denominator=300),
            st.frozensets(st.sampled_from([10, 11, 12, 20, 21, 22]), max_size=4),
        ),
        max_size=60,
    )
)
def test_tally_agrees_with_counting_ballot_by_ballot(rows):
    """The one-pass count by distinct weight gives what adding every ballot one by one gives, for several
    questions and multiple choices (the reference below is the plain definition)."""
    ballots = [BallotRow(w, chosen) for w, chosen in rows]
    result = tally([Q, Q2], [w for w, _c in rows], ballots)
    assert result.cast == len(ballots)
    assert result.cast_weight == sum((b.weight for b in ballots), Fraction(0))
    for question, q in zip(result.questions, (Q, Q2), strict=True):
        ids = {c[0] for c in q.choices}
        answering = [b for b in ballots if b.choices & ids]
        assert question.answered == len(answering)
        assert question.answered_weight == sum((b.weight for b in answering), Fraction(0))
        for choice in question.choices:
            naming = [b for b in ballots if choice.id in b.choices]
            assert choice.votes == len(naming)
            assert choice.weight == sum((b.weight for b in naming), Fraction(0))


@pytest.mark.django_db
def test_the_database_tally_agrees_with_counting_each_stored_ballot(world):
    """compute_tally counts with GROUP BY in the database; counting the same stored ballots one by one in
    Python (the plain definition) gives the same result, weights, multiple choices and blank questions
    included."""
    import random

    from django.utils import timezone

    from linli.deliberation.models import Answer, Ballot, Choice, Consultation, Question, Voter
    from tests.factories import ResidentFactory

    rng = random.Random(7)
    now = timezone.now()
    c = Consultation.objects.create(
        community=world.community, title="核对", opens_at=now, closes_at=now + dt.timedelta(days=1)
    )
    approve = Question.objects.create(community=world.community, consultation=c, position=1, text="同意吗")
    several = Question.objects.create(
        community=world.community, consultation=c, position=2, text="哪几天", kind="multiple"
    )
    choices = {
        q.pk: [
            Choice.objects.create(community=world.community, question=q, position=i, text=t, in_favour=i == 1)
            for i, t in enumerate(texts, start=1)
        ]
        for q, texts in ((approve, ["同意", "不同意", "弃权"]), (several, ["周六", "周日", "周一"]))
    }
    for i in range(40):
        resident = ResidentFactory(household=world.own_household)
        n, d = rng.choice([(1, 1), (5630, 100), (8015, 200), (1, 3)])
        voter = Voter.objects.create(
            community=world.community,
            consultation=c,
            resident=resident,
            household=world.own_household,
            flat=world.flat_101,
            building=world.building_1,
            weight_numerator=n,
            weight_denominator=d,
        )
        if i % 5 == 4:
            continue  # did not vote
        ballot = Ballot.objects.create(
            community=world.community, consultation=c, voter=voter, method="online", recorded_by=world.staff
        )
        Answer.objects.create(
            community=world.community, ballot=ballot, question=approve, choice=rng.choice(choices[approve.pk])
        )
        for choice in rng.sample(choices[several.pk], rng.randint(0, 3)):  # none: the question left blank
            Answer.objects.create(
                community=world.community, ballot=ballot, question=several, choice=choice, exclusive=False
            )
    questions = [
        QuestionDef(q.pk, q.text, tuple((ch.pk, ch.text, ch.in_favour) for ch in choices[q.pk]))
        for q in (approve, several)
    ]
    rows = [
        BallotRow(b.voter.weight, frozenset(b.answers.values_list("choice_id", flat=True)))
        for b in Ballot.objects.filter(consultation=c).select_related("voter")
    ]
    expected = tally(questions, [v.weight for v in c.voters.all()], rows)
    assert selectors.compute_tally(c) == expected
    assert expected.cast == 32 and expected.questions[1].answered < 32  # the blank questions were counted
