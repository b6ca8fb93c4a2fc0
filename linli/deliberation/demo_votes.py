"""Demo data of consultations and votes: an open residents' consultation on building 1's hallway clutter
(the building of the demo resident `jumin`, who can then vote from the portal)
with some ballots in, and a closed owners' vote on a lift (weighted by area) with its result. Synthetic
people only (the demo registry's).

Called once per demo community by `linli.registry.demo` (`build`). The demo accounts do not exist yet, so
the rows are written directly with `bulk_create` (seed data, not a change anyone made: no history rows);
the electorate comes from the same function `consultation_open` uses, so it is exactly what opening would
fix. Ballots are paper ballots entered by the committee; their photos are placeholders (no file).
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from linli.core.models import Community
from linli.deliberation.models import (
    Answer,
    Ballot,
    BallotMethod,
    Choice,
    Consultation,
    ConsultationStatus,
    Electorate,
    Question,
    QuestionKind,
    Voter,
    Weighting,
)
from linli.deliberation.services_votes import electorate_rows
from linli.registry.models import Building

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _questions(community, consultation, specs) -> list[tuple[Question, list[Choice]]]:
    out = []
    for position, (text, kind, choices) in enumerate(specs, start=1):
        q = Question.objects.create(
            community=community, consultation=consultation, position=position, text=text, kind=kind
        )
        rows = Choice.objects.bulk_create(
            Choice(community=community, question=q, position=i, text=t, in_favour=f)
            for i, (t, f) in enumerate(choices, start=1)
        )
        out.append((q, rows))
    return out


APPROVE = [("同意", True), ("不同意", False), ("弃权", False)]


def _ballots(community, consultation, voters, questions, r, turnout, favour) -> None:
    chosen = [v for v in voters if r.random() < turnout]
    ballots = Ballot.objects.bulk_create(
        Ballot(
            community=community,
            consultation=consultation,
            voter=v,
            method=BallotMethod.PAPER if r.random() < 0.7 else BallotMethod.DOORSTEP,
            photo=f"votes/demo/ballot-{consultation.pk}-{v.pk}.jpg",
        )
        for v in chosen
    )
    answers = []
    for b in ballots:
        for q, choices in questions:
            if q.kind == QuestionKind.APPROVE:
                roll = r.random()
                pick = (
                    choices[0]
                    if roll < favour
                    else choices[1]
                    if roll < favour + (1 - favour) * 0.7
                    else choices[2]
                )
            else:
                pick = r.choice(choices)
            answers.append(
                Answer(community=community, ballot=b, question=q, choice=pick, exclusive=q.exclusive)
            )
    Answer.objects.bulk_create(answers, batch_size=1000)


def build(community: Community, *, today: dt.date, seed: int = 0) -> None:
    r = random.Random(f"{seed}:votes:{community.name}")
    buildings = list(Building.objects.filter(community=community).order_by("sort_key", "number"))
    if not buildings:
        return
    hallway_building = next((b for b in buildings if b.number in ("1", "1号")), buildings[0])

    # An open consultation: the residents of building 1 (the demo resident's) on clearing its hallways.
    hallway = Consultation.objects.create(
        community=community,
        title=f"{hallway_building}楼道堆物整治方案意见征询",
        description="楼组议事会提出的整治方案：各户一周内自行清理楼道堆物，逾期由志愿者协助统一清运。请各位居民发表意见。",
        electorate=Electorate.RESIDENTS,
        weighting=Weighting.HEADCOUNT,
        threshold="simple_majority",
        opens_at=_at(today - dt.timedelta(days=3), 9),
        closes_at=_at(today + dt.timedelta(days=11), 18),
        status=ConsultationStatus.OPEN,
        opened_at=_at(today - dt.timedelta(days=3), 9),
    )
    hallway.buildings.set([hallway_building])
    questions = _questions(
        community,
        hallway,
        [
            ("是否同意楼道堆物整治方案？", QuestionKind.APPROVE, APPROVE),
            ("统一清运安排在哪一天？", QuestionKind.SINGLE, [("周六上午", False), ("周日上午", False)]),
        ],
    )
    voters = Voter.objects.bulk_create(electorate_rows(hallway, today=today))
    _ballots(community, hallway, voters, questions, r, turnout=0.4, favour=0.8)

    # A closed owners' vote on a lift, by number and by area (民法典 art. 278).
    lift_building = buildings[-1] if len(buildings) > 1 else hallway_building
    closed_on = today - dt.timedelta(days=16)
    lift = Consultation.objects.create(
        community=community,
        title=f"{lift_building}加装电梯业主表决",
        description="加装电梯方案、费用分摊方案见公示。请各位业主表决。",
        electorate=Electorate.OWNERS,
        weighting=Weighting.AREA,
        threshold="owners_major_matter",
        opens_at=_at(closed_on - dt.timedelta(days=14), 9),
        closes_at=_at(closed_on, 18),
        status=ConsultationStatus.CLOSED,
        opened_at=_at(closed_on - dt.timedelta(days=14), 9),
        closed_at=_at(closed_on, 18),
    )
    lift.buildings.set([lift_building])
    questions = _questions(
        community, lift, [("是否同意加装电梯方案及费用分摊方案？", QuestionKind.APPROVE, APPROVE)]
    )
    voters = Voter.objects.bulk_create(electorate_rows(lift, today=closed_on - dt.timedelta(days=14)))
    _ballots(community, lift, voters, questions, r, turnout=0.9, favour=0.85)
    Ballot.objects.filter(consultation=lift).update(cast_at=_at(closed_on - dt.timedelta(days=2), 15))
