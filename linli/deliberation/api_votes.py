"""JSON API of consultations and votes (mounted under /api/v1 by linli.api.api).

Reads go through deliberation.selectors_votes (out of scope: 404), actions through the rules of
rules_votes (403) and services_votes (bad input: 422 with Chinese messages). The tally is sealed (403) for
everyone but staff until the close; who cast which ballot is the staff's alone. Casting over the API is
the voter's own online ballot: paper, proxy and doorstep ballots carry a photo and are entered on the
pages.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from linli.api.schemas import Id, error_responses, json_body, parse_body
from linli.core.errors import DomainError
from linli.deliberation import selectors_votes as selectors
from linli.deliberation import services_votes as services
from linli.deliberation.models import Ballot, BallotMethod, Consultation
from linli.deliberation.tally import counts_for, fraction_text
from linli.deliberation.thresholds import RULES, evaluate
from linli.registry import selectors as registry_selectors

router = Router(tags=["votes"])

READ_ERRORS = error_responses(401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 422)


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您的角色不能进行此操作。"))


class ChoiceOut(Schema):
    id: int
    text: str
    in_favour: bool


class QuestionOut(Schema):
    id: int
    position: int
    text: str
    kind: str
    choices: list[ChoiceOut]


class ConsultationOut(Schema):
    id: int
    community_id: int
    title: str
    description: str
    electorate: str
    weighting: str
    threshold: str
    status: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    closed_at: dt.datetime | None
    questions: list[QuestionOut]
    has_voted: bool | None = Field(None, description="本人是否已投票（本人是投票人时）。")


class BallotOut(Schema):
    id: int
    voter_id: int
    voter_name: str
    flat: str
    method: str
    cast_at: dt.datetime
    recorded_by: str


class ChoiceTallyOut(Schema):
    id: int
    text: str
    votes: int
    weight: str = Field(description="精确值（分数），例如 11263/200。")


class QuestionTallyOut(Schema):
    id: int
    text: str
    choices: list[ChoiceTallyOut]
    passed: bool | None
    failed: list[str]
    more_needed: int


class TallyOut(Schema):
    consultation_id: int
    final: bool = Field(description="已结束为 true；否则为工作人员可见的当前计票。")
    entitled: int
    cast: int
    entitled_weight: str
    cast_weight: str
    participation: str
    weight_participation: str
    questions: list[QuestionTallyOut]


class CastIn(Schema):
    answers: dict[str, list[int]] = Field(
        description="问题 id → 所选选项 id 列表（单选、同意类问题只能选一项）。"
    )


def _consultation_out(user, c: Consultation) -> dict:
    voter = selectors.voter_for_user(user, c)
    return {
        "id": c.pk,
        "community_id": c.community_id,
        "title": c.title,
        "description": c.description,
        "electorate": c.electorate,
        "weighting": c.weighting,
        "threshold": c.threshold,
        "status": c.status,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "closed_at": c.closed_at,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "text": q.text,
                "kind": q.kind,
                "choices": [
                    {"id": ch.pk, "text": ch.text, "in_favour": ch.in_favour} for ch in q.choices.all()
                ],
            }
            for q in c.questions.prefetch_related("choices")
        ],
        "has_voted": None if voter is None else selectors.ballot_of(voter) is not None,
    }


def _ballot_out(b: Ballot) -> dict:
    return {
        "id": b.pk,
        "voter_id": b.voter_id,
        "voter_name": b.voter.name,
        "flat": str(b.voter.flat) if b.voter.flat_id else "",
        "method": b.method,
        "cast_at": b.cast_at,
        "recorded_by": b.recorded_by.get_username() if b.recorded_by_id else "",
    }


@router.get(
    "/communities/{community_id}/consultations",
    response={200: list[ConsultationOut], **READ_ERRORS},
    summary="居民区的意见征询（居委干部）",
)
def consultation_list(request, community_id: Id):
    community = registry_selectors.access_community(request.auth, community_id)
    _require(request.auth, "deliberation.manage_consultations", community)
    return [
        _consultation_out(request.auth, c)
        for c in selectors.consultations_for_community(request.auth, community.pk)
    ]


@router.get(
    "/me/consultations", response={200: list[ConsultationOut], **READ_ERRORS}, summary="我可以参加的表决"
)
def my_consultations(request):
    return [_consultation_out(request.auth, c) for c in selectors.open_consultations_for_user(request.auth)]


@router.get(
    "/consultations/{consultation_id}", response={200: ConsultationOut, **READ_ERRORS}, summary="一次意见征询"
)
def consultation_detail(request, consultation_id: Id):
    c = selectors.access_consultation(request.auth, consultation_id)
    _require(request.auth, "deliberation.view_consultation", c)
    return _consultation_out(request.auth, c)


@router.get(
    "/consultations/{consultation_id}/ballots",
    response={200: list[BallotOut], **READ_ERRORS},
    summary="表决票（居委干部）",
    description="谁以何种方式投了票、由谁录入；不含表决意见。",
)
def ballot_list(request, consultation_id: Id):
    c = selectors.access_consultation(request.auth, consultation_id)
    _require(request.auth, "deliberation.enter_ballot", c)
    ballots = c.ballots.select_related(
        "voter__resident", "voter__owner", "voter__flat__entrance", "voter__flat__building", "recorded_by"
    )
    return [_ballot_out(b) for b in ballots]


@router.get(
    "/ballots/{ballot_id}", response={200: BallotOut, **READ_ERRORS}, summary="一张表决票（居委干部）"
)
def ballot_detail(request, ballot_id: Id):
    ballot = (
        Ballot.objects.select_related(
            "voter__resident", "voter__owner", "voter__flat__entrance", "voter__flat__building", "recorded_by"
        )
        .filter(pk=ballot_id)
        .first()
    )
    if ballot is None:
        raise Http404
    c = selectors.access_consultation(request.auth, ballot.consultation_id)
    _require(request.auth, "deliberation.enter_ballot", c)
    return _ballot_out(ballot)


@router.post(
    "/consultations/{consultation_id}/ballots",
    response={201: BallotOut, **WRITE_ERRORS},
    summary="本人网上投票",
    description="每人只能投一票，提交后不能更改；表决结束后一律拒绝并记录。",
    openapi_extra=json_body(CastIn),
)
def ballot_cast(request, consultation_id: Id):
    c = selectors.access_consultation(request.auth, consultation_id)
    voter = selectors.voter_for_user(request.auth, c)
    if voter is None:
        raise PermissionDenied(_("您不在本次表决的投票人名单中。"))
    payload = parse_body(request, CastIn)
    try:
        ballot = services.ballot_cast(
            actor=request.auth,
            consultation=c,
            voter=voter,
            answers=payload.answers,
            method=BallotMethod.ONLINE,
        )
    except DomainError:
        raise  # 422; a refusal without a field (already voted, closed) has its message as the detail
    ballot = Ballot.objects.select_related(
        "voter__resident", "voter__owner", "voter__flat__entrance", "voter__flat__building", "recorded_by"
    ).get(pk=ballot.pk)
    return Status(201, _ballot_out(ballot))


@router.get(
    "/consultations/{consultation_id}/tally",
    response={200: TallyOut, **READ_ERRORS},
    summary="计票结果",
    description="表决结束前只有居委干部可以查看（403）。人数与面积均为精确值。",
)
def consultation_tally(request, consultation_id: Id):
    c = selectors.access_consultation(request.auth, consultation_id)
    _require(request.auth, "deliberation.view_consultation", c)
    result = selectors.consultation_tally(request.auth, c)
    if result is None:
        raise PermissionDenied(_("表决结束前，结果对居委工作人员以外的人保密。"))
    questions = []
    for q in result.questions:
        outcome = None
        if any(ch.in_favour for ch in q.choices) and c.threshold in RULES:
            outcome = evaluate(c.threshold, counts_for(result, q))
        questions.append(
            {
                "id": q.id,
                "text": q.text,
                "choices": [
                    {"id": ch.id, "text": ch.text, "votes": ch.votes, "weight": fraction_text(ch.weight)}
                    for ch in q.choices
                ],
                "passed": None if outcome is None else outcome.passed,
                "failed": list(outcome.failed) if outcome else [],
                "more_needed": outcome.more_needed if outcome else 0,
            }
        )
    return {
        "consultation_id": c.pk,
        "final": c.is_closed,
        "entitled": result.entitled,
        "cast": result.cast,
        "entitled_weight": fraction_text(result.entitled_weight),
        "cast_weight": fraction_text(result.cast_weight),
        "participation": fraction_text(result.participation),
        "weight_participation": fraction_text(result.weight_participation),
        "questions": questions,
    }
