"""Reads of consultations and votes. Every read for a user goes through here.

Visibility: staff see their community's consultations (the scope); a voter sees those they are in the
electorate of; building and group leaders see the consultations of their community (to record doorstep
ballots for their own voters). Anything else is a 404.

Results are sealed: `consultation_tally` returns None for anyone but staff until the consultation is
closed, and `ballot_rows` (who voted how) is for staff only, ever.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from fractions import Fraction

from django.db.models import Count, F, Q
from django.http import Http404

from linli.core.identity import mask_minor_name
from linli.core.scope import scope_for
from linli.deliberation import rules_votes
from linli.deliberation.models import Answer, Ballot, Consultation, ConsultationStatus, Voter
from linli.deliberation.tally import Grouped, QuestionDef, Tally, tally_grouped


def _visible(user):
    scope = scope_for(user)
    qs = Consultation.objects.select_related("community", "group")
    condition = Q(community_id__in=scope.full_communities)
    leader_communities = set(scope.building_communities.values()) | set(scope.group_communities.values())
    if leader_communities:
        condition |= Q(community_id__in=leader_communities) & ~Q(status=ConsultationStatus.DRAFT)
    if user is not None and user.is_authenticated:
        mine = Voter.objects.filter(rules_votes.user_voter_q(user)).values("consultation_id")
        condition |= Q(pk__in=mine)
    return qs.filter(condition)


def consultations_for_community(user, community_id: int) -> list[Consultation]:
    """Staff's list: every consultation of the community, newest first, with its counts."""
    qs = scope_for(user).within(Consultation.objects.all(), community_id)
    return list(
        qs.annotate(
            voter_count=Count("voters", distinct=True), ballot_count=Count("ballots", distinct=True)
        ).order_by("-opens_at", "-id")
    )


def access_consultation(user, consultation_id: int) -> Consultation:
    consultation = _visible(user).filter(pk=consultation_id).first()
    if consultation is None:
        raise Http404
    return consultation


def open_consultations_for_user(user) -> list[Consultation]:
    """Open consultations in which the user (their current resident record, or an owner record linked to
    it) is an eligible voter."""
    if user is None or not user.is_authenticated:
        return []
    mine = Voter.objects.filter(rules_votes.user_voter_q(user)).values("consultation_id")
    return list(
        Consultation.objects.filter(pk__in=mine, status=ConsultationStatus.OPEN)
        .select_related("community")
        .order_by("closes_at", "id")
    )


def voter_for_user(user, consultation: Consultation) -> Voter | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        consultation.voters.filter(rules_votes.user_voter_q(user))
        .select_related("resident", "owner", "flat__entrance", "flat__building")
        .first()
    )


def ballot_of(voter: Voter | None) -> Ballot | None:
    if voter is None:
        return None
    return Ballot.objects.filter(voter=voter).first()


def access_voter(user, consultation: Consultation, voter_id: int) -> Voter:
    """A voter of the consultation the user may enter a ballot for (staff), or record at the door for."""
    voter = (
        consultation.voters.filter(pk=voter_id)
        .select_related("resident", "owner", "flat__entrance", "flat__building")
        .first()
    )
    if voter is None:
        raise Http404
    if scope_for(user).is_staff_of(consultation.community_id) or rules_votes.may_record_doorstep_for(
        user, voter
    ):
        return voter
    raise Http404


def doorstep_voters(user, consultation: Consultation) -> list[Voter]:
    """Voters without a ballot the user may record a doorstep ballot for: staff all; building leaders
    those in their buildings; group leaders the current members of their groups."""
    scope = scope_for(user)
    qs = consultation.voters.filter(ballot__isnull=True).select_related(
        "resident", "owner", "flat__entrance", "flat__building"
    )
    if not scope.is_staff_of(consultation.community_id):
        condition = Q(building_id__in=scope.buildings)
        if scope.groups:
            from linli.organizing.models import GroupMember

            members = GroupMember.objects.filter(group_id__in=scope.groups, left_on__isnull=True)
            condition |= Q(resident_id__in=members.values("resident_id"))
        qs = qs.filter(condition)
    return list(qs.order_by("building_id", "flat_id", "id"))


def voters_for_staff(consultation: Consultation) -> list[Voter]:
    return list(
        consultation.voters.select_related(
            "resident", "owner", "flat__entrance", "flat__building", "ballot"
        ).order_by("building_id", "flat_id", "id")
    )


def participation(consultation: Consultation) -> dict:
    """Headcount and weight of the electorate and of the ballots cast (not how they voted)."""
    voters = list(consultation.voters.values_list("weight_numerator", "weight_denominator", "ballot__id"))
    entitled_weight = sum((Fraction(n, d) for n, d, _b in voters), Fraction(0))
    cast = [(n, d) for n, d, b in voters if b is not None]
    cast_weight = sum((Fraction(n, d) for n, d in cast), Fraction(0))
    return {
        "entitled": len(voters),
        "cast": len(cast),
        "entitled_weight": entitled_weight,
        "cast_weight": cast_weight,
        "rate": Fraction(len(cast), len(voters)) if voters else Fraction(0),
        "weight_rate": cast_weight / entitled_weight if entitled_weight else Fraction(0),
    }


def compute_tally(consultation: Consultation) -> Tally:
    """The tally from the stored rows, unconditionally (for staff pages and sealed-result checks).

    Counted in the database: four GROUP BY queries give the number of voters, of ballots, of ballots per
    choice and of ballots answering each question, each per distinct weight; the exact fractions are
    then made once per weight (`tally.tally_grouped`). Integer counts are exact, so this gives what
    counting ballot by ballot gives (tests/test_votes_tally.py checks both ways on the same rows)."""
    questions = [
        QuestionDef(q.pk, q.text, tuple((c.pk, c.text, c.in_favour) for c in q.choices.all()))
        for q in consultation.questions.prefetch_related("choices")
    ]

    def counter(rows, key_of=lambda row: None):
        grouped: dict = defaultdict(Counter)
        for row in rows:
            grouped[key_of(row)][(row["n"], row["d"])] += row["count"]
        return grouped

    weight = {"n": F("voter__weight_numerator"), "d": F("voter__weight_denominator")}
    electorate = counter(
        consultation.voters.values(n=F("weight_numerator"), d=F("weight_denominator"))
        .annotate(count=Count("pk"))
        .order_by()
    )[None]
    ballots = counter(consultation.ballots.values(**weight).annotate(count=Count("pk")).order_by())[None]
    answers = Answer.objects.filter(ballot__consultation=consultation)
    answer_weight = {"n": F("ballot__voter__weight_numerator"), "d": F("ballot__voter__weight_denominator")}
    by_choice = counter(
        answers.values("choice_id", **answer_weight).annotate(count=Count("pk")).order_by(),
        lambda row: row["choice_id"],
    )
    by_question = counter(
        answers.values("question_id", **answer_weight)
        .annotate(count=Count("ballot_id", distinct=True))
        .order_by(),
        lambda row: row["question_id"],
    )
    grouped = Grouped(electorate=electorate, ballots=ballots, by_choice=by_choice, by_question=by_question)
    return tally_grouped(questions, grouped)


def consultation_tally(user, consultation: Consultation) -> Tally | None:
    """The result for `user`: None while sealed (anyone but staff before the close)."""
    if not user.has_perm("deliberation.view_tally", consultation):
        return None
    return compute_tally(consultation)


def mask_name(name: str) -> str:
    """张三 → 张*: the tally report names voters by surname and flat only (rules/privacy.md: minimisation)."""
    return mask_minor_name(name)


def report_rows(consultation: Consultation) -> list[dict]:
    """Who took part, masked (张* · 1号2单元301室) with how they voted — never their answers — for the
    printed report, in a fixed order so a reprint matches."""
    rows = []
    for v in voters_for_staff(consultation):
        ballot = getattr(v, "ballot", None) if hasattr(v, "ballot") else None
        rows.append(
            {
                "name": mask_name(v.name),
                "flat": str(v.flat) if v.flat_id else "",
                "weight": v.weight,
                "method": ballot.get_method_display() if ballot else "",
                "voted": ballot is not None,
            }
        )
    return rows
