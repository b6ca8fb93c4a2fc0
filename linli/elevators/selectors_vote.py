"""Reads of a lift project's owners' vote: the result by flat, as rules/lift.md counts it, and what the
vote page and its printed report show to whom.

The engine (linli.deliberation) stores the ballots: one voter per owner, weighing the area of all their
flats in the entrance. Its own tally counts voters; the law counts flats and owners differently (one
owner of three flats is one head and three flats' area; co-owners of one flat are one owner between
them, and their disagreeing ballots leave the flat pending). So the decision is taken here, by
`rules_vote.lift_vote_tally` over one `VoteFlat` per flat, never by the engine's per-voter counts.

Sealing is the engine's: whoever may see the tally (`deliberation.view_tally` — staff at any time, the
community's leaders and the voters after the close) sees the result; participation while it is open is
for staff alone (`deliberation.view_participation`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.deliberation import selectors_votes
from linli.deliberation.models import Answer, Ballot, Consultation
from linli.deliberation.tally import decimal_text, fraction_text, percent
from linli.elevators import rules_vote
from linli.elevators.models import LiftProject
from linli.elevators.policy import lift_policy
from linli.registry.models import Flat, Ownership

# The engine's approve question: 同意 (in favour) / 不同意 / 弃权, by position (texts are translated when
# the question is created, so they are not matched here).
OPPOSE_POSITION = 2
ABSTAIN_POSITION = 3


def _scope_flats(consultation: Consultation) -> list[Flat]:
    """The flats of the vote's place: its entrance, else its buildings — the place the engine fixed the
    electorate from, so voters and flats always agree even if the project's vote scope is edited later."""
    qs = Flat.objects.filter(community_id=consultation.community_id).select_related("entrance", "building")
    if consultation.entrance_id:
        qs = qs.filter(entrance_id=consultation.entrance_id)
    else:
        qs = qs.filter(building_id__in=consultation.buildings.values("pk"))
    return list(qs.order_by("building__sort_key", "building__number", "entrance__number", "floor", "number"))


def _ballot_choices(consultation: Consultation) -> dict[int, str]:
    """Owner id → the choice of their ballot (AGREE/OPPOSE/ABSTAIN; SPOILT when it names no choice)."""
    by_ballot: dict[int, str] = {}
    for ballot_id, in_favour, position in Answer.objects.filter(
        ballot__consultation=consultation, question__position=1
    ).values_list("ballot_id", "choice__in_favour", "choice__position"):
        if in_favour:
            by_ballot[ballot_id] = rules_vote.AGREE
        elif position == OPPOSE_POSITION:
            by_ballot[ballot_id] = rules_vote.OPPOSE
        elif position == ABSTAIN_POSITION:
            by_ballot[ballot_id] = rules_vote.ABSTAIN
        else:
            by_ballot[ballot_id] = rules_vote.SPOILT
    return {
        owner_id: by_ballot.get(ballot_id, rules_vote.SPOILT)
        for ballot_id, owner_id in Ballot.objects.filter(
            consultation=consultation, voter__owner__isnull=False
        ).values_list("pk", "voter__owner_id")
    }


def vote_flats(consultation: Consultation) -> list[rules_vote.VoteFlat]:
    """One VoteFlat per flat of the vote's place.

    Area: the flat's area as the registry holds it. rules/lift.md takes the area in the real-estate
    register first, then the surveyed area, then the sale-contract area; Linli's registry keeps one area
    per flat, and the ledger import is to fill it in that order of preference — so it is used as given.

    Owners: the flat's registered owners (Ownership rows, 产权人), never its tenants or residents; a flat
    with none has no registered owner (it counts in both totals, and nobody can vote for it).
    Submissions: the choice of each ballot cast by a voter who is one of those owners — an owner's one
    ballot speaks for every flat they own in the place; co-owners who each voted give several. Ownership
    is read as it stands now (the engine fixed its voters at the opening): a title registered during the
    vote changes the flat's owners, and a ballot then counts only for flats its owner still holds."""
    flats = _scope_flats(consultation)
    owners: dict[int, set[int]] = defaultdict(set)
    for flat_id, owner_id in Ownership.objects.filter(flat__in=[f.pk for f in flats]).values_list(
        "flat_id", "owner_id"
    ):
        owners[flat_id].add(owner_id)
    choices = _ballot_choices(consultation)
    rows = []
    for flat in flats:
        held = owners.get(flat.pk, set())
        rows.append(
            rules_vote.VoteFlat(
                key=flat.pk,
                label=flat.label if consultation.entrance_id else str(flat),
                floor=flat.floor,
                area=flat.area,
                owners=frozenset(held),
                submissions=tuple(choices[o] for o in sorted(held) if o in choices),
            )
        )
    return rows


def lift_vote_thresholds(project: LiftProject) -> rules_vote.Thresholds:
    """The four ratios of the policy version in force on the project's start date (never hard-coded)."""
    policy = lift_policy(project.started_on)
    return rules_vote.Thresholds(
        policy_label=policy.label,
        participation_area=policy["participation_area"],
        participation_headcount=policy["participation_headcount"],
        consent_area=policy["consent_area"],
        consent_headcount=policy["consent_headcount"],
    )


def lift_vote_result(project: LiftProject) -> rules_vote.LiftVoteResult:
    """The owners' vote of the project counted by flat and owner (rules/lift.md), under the policy of its
    start date. Unsealed: callers decide who may see it (`vote_page`, the stage gate)."""
    if project.consultation_id is None:
        raise DomainError(_("本项目尚未发起业主表决。"))
    consultation = Consultation.objects.get(pk=project.consultation_id)
    return rules_vote.lift_vote_tally(
        flats=vote_flats(consultation), thresholds=lift_vote_thresholds(project)
    )


# ── What the pages show ───────────────────────────────────────────────────────────────────────────


def _area_text(value) -> str:
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class CheckRow:
    name: str
    figures: str  # part/whole, as counted (m² or owners)
    achieved: str  # the exact fraction and its percentage
    required: str
    passed: bool
    shortfall: str  # "" when it passes


def check_rows(result: rules_vote.LiftVoteResult) -> list[CheckRow]:
    rows = []
    for c in result.checks:
        area = c.measure == rules_vote.AREA
        figures = f"{_area_text(c.part)}/{_area_text(c.whole)}" if area else f"{c.part}/{c.whole}"
        achieved = f"{fraction_text(c.achieved)}（{percent(c.achieved)}）" if c.achieved is not None else "—"
        shortfall = ""
        if not c.passed:
            if c.shortfall is None:
                shortfall = _("无人参与表决")
            elif area:
                # Rounded up to the hundredth: meeting the shown figure is always enough.
                short = Decimal(math.ceil(Fraction(c.shortfall) * 100)) / 100
                shortfall = _("还差 %(n)s 平方米") % {"n": _area_text(short)}
            else:
                shortfall = _("还差 %(n)s 人") % {"n": c.shortfall}
        rows.append(
            CheckRow(
                name=c.name,
                figures=figures,
                achieved=achieved,
                required=_("不少于 %(r)s（%(p)s）")
                % {"r": fraction_text(c.required), "p": percent(c.required)},
                passed=c.passed,
                shortfall=shortfall,
            )
        )
    return rows


@dataclass
class VotePage:
    consultation: Consultation | None
    may_start: bool
    may_see_participation: bool = False
    may_see_result: bool = False
    may_record_doorstep: bool = False
    participation: dict | None = None
    result: rules_vote.LiftVoteResult | None = None
    checks: list[CheckRow] | None = None
    summary: list[str] | None = None
    still_needed: list[str] | None = None
    error: str = ""


def vote_page(user, project: LiftProject) -> VotePage:
    """What `user` may see of the project's vote: the start form before one; while open, participation
    for staff and only "open until …" for the others; the counted result for whoever may see the tally."""
    may_start = user.has_perm("elevators.change_liftproject", project)
    consultation = (
        Consultation.objects.select_related("community").filter(pk=project.consultation_id).first()
        if project.consultation_id
        else None
    )
    if consultation is None:
        return VotePage(consultation=None, may_start=may_start)
    page = VotePage(
        consultation=consultation,
        may_start=False,
        may_see_participation=user.has_perm("deliberation.view_participation", consultation),
        may_see_result=user.has_perm("deliberation.view_tally", consultation),
        may_record_doorstep=user.has_perm("deliberation.record_doorstep", consultation),
    )
    if page.may_see_participation:
        part = selectors_votes.participation(consultation)
        page.participation = part | {
            "rate_text": percent(part["rate"]),
            "weight_rate_text": percent(part["weight_rate"]),
            "cast_weight_text": decimal_text(part["cast_weight"]),
            "entitled_weight_text": decimal_text(part["entitled_weight"]),
        }
    if page.may_see_result:
        try:
            result = lift_vote_result(project)
        except DomainError as exc:  # no flats in the place, or a ballot on an ownerless flat
            page.error = exc.message
        else:
            page.result = result
            page.checks = check_rows(result)
            page.summary = rules_vote.result_summary(result)
            page.still_needed = ["+".join(u) for u in result.still_needed.units]
    # A closed vote that did not pass for good may be held again (services_vote.lift_vote_start).
    if may_start and consultation.is_closed:
        page.may_start = page.error != "" or not (page.result and page.result.passed and page.result.final)
    return page


def ballot_rows(project: LiftProject) -> list[dict]:
    """The printed ballot list, one row per flat: its area, its owners masked as the engine's tally report
    masks them (张* — rules/privacy.md, minimisation), and how each owner's ballot was cast (in person
    online, paper, proxy, doorstep) — never what it said. Staff only."""
    consultation = Consultation.objects.get(pk=project.consultation_id)
    flats = _scope_flats(consultation)
    ownerships = (
        Ownership.objects.filter(flat__in=[f.pk for f in flats])
        .select_related("owner")
        .order_by("flat_id", "owner_id")
    )
    methods = {
        owner_id: (method, label)
        for owner_id, method, label in (
            (b.voter.owner_id, b.method, b.get_method_display())
            for b in Ballot.objects.filter(consultation=consultation).select_related("voter")
        )
    }
    by_flat: dict[int, list[dict]] = defaultdict(list)
    for o in ownerships:
        cast = methods.get(o.owner_id)
        by_flat[o.flat_id].append(
            {"name": selectors_votes.mask_name(o.owner.name), "method": cast[1] if cast else ""}
        )
    return [
        {
            "flat": flat.label if consultation.entrance_id else str(flat),
            "area": _area_text(flat.area),
            "owners": by_flat.get(flat.pk, []),
        }
        for flat in flats
    ]
