"""Reads of publicity and persuasion for one project: the entrance board (flats floor by floor, coloured
by the owners' current attitude), the funnel (contacted → willing → signed) and the "who to visit next"
list ordered by what the owners' vote still needs.

A flat's current attitude is its latest visit's, by visit date then entry order; a flat never visited is
未联系. "Signed" reads the project's consultation, whose results are sealed from everyone but staff until
it closes (deliberation.view_tally): a sealed funnel shows no signed figure at all, not even a count.

The "who next" list asks the vote rule itself (rules_vote.lift_vote_tally) a hypothetical question: if
today's supporters voted yes and nobody else voted, what is the smallest set of further consents that
would pass? Those owners come first — they are what the vote needs — then the other undecided, opposed
and uncontacted flats. Thresholds come from the policy version in force on the project's start date, and
its label is shown with the list.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation.models import Answer, ConsultationStatus
from linli.elevators.models import Attitude, Concern, LiftProject, OutreachEvent, PersuasionVisit, VoteScope
from linli.elevators.policy import lift_policy
from linli.elevators.rules_vote import AGREE, LiftVoteResult, Thresholds, VoteFlat, lift_vote_tally
from linli.registry.models import Flat, Ownership

# Board and legend order; the CSS class and the text mark of each attitude (never colour alone).
ATTITUDE_ORDER = [Attitude.SUPPORT, Attitude.UNDECIDED, Attitude.OPPOSE, Attitude.UNCONTACTED]
ATTITUDE_MARKS = {
    Attitude.SUPPORT: "✓",
    Attitude.OPPOSE: "✗",
    Attitude.UNDECIDED: "?",
    Attitude.UNCONTACTED: "–",
}


def scope_flats(project: LiftProject) -> list[Flat]:
    """The flats whose owners decide this lift (entrance, or building), with their registered owners."""
    qs = Flat.objects.filter(community_id=project.community_id)
    if project.vote_scope == VoteScope.BUILDING:
        qs = qs.filter(building_id=project.building_id)
    else:
        qs = qs.filter(entrance_id=project.entrance_id)
    return list(
        qs.select_related("entrance", "building")
        .prefetch_related(
            Prefetch("ownerships", queryset=Ownership.objects.select_related("owner").order_by("owner_id"))
        )
        .order_by("-floor", "entrance__number", "number")
    )


def access_flat(project: LiftProject, flat_id: int) -> Flat:
    """A flat of the project's voting scope, or 404 (a flat elsewhere is nobody's business here)."""
    for flat in scope_flats(project):
        if flat.pk == flat_id:
            return flat
    raise Http404


def latest_visits(project: LiftProject) -> dict[int, PersuasionVisit]:
    """flat id → its latest visit (by visit date, then entry order)."""
    latest: dict[int, PersuasionVisit] = {}
    for visit in PersuasionVisit.objects.filter(project=project).order_by("flat_id", "visited_on", "id"):
        latest[visit.flat_id] = visit  # the last one read wins
    return latest


def current_attitude(visit: PersuasionVisit | None) -> str:
    return visit.attitude if visit is not None else Attitude.UNCONTACTED


def flat_visits(project: LiftProject, flat: Flat) -> list[PersuasionVisit]:
    """The flat's visits, newest first (the same order that decides the current attitude)."""
    return list(
        PersuasionVisit.objects.filter(project=project, flat=flat)
        .select_related("owner")
        .order_by("-visited_on", "-id")
    )


def concern_labels(codes) -> list[str]:
    labels = dict(Concern.choices)
    return [str(labels.get(code, code)) for code in codes]


def owner_names(flat: Flat) -> list[str]:
    return [o.owner.name for o in flat.ownerships.all()]


# --- the board -----------------------------------------------------------------------------------------


@dataclass
class Cell:
    flat: Flat
    owners: list[str]
    attitude: str
    visit: PersuasionVisit | None

    @property
    def attitude_label(self) -> str:
        return str(Attitude(self.attitude).label)

    @property
    def mark(self) -> str:
        return ATTITUDE_MARKS[self.attitude]


@dataclass
class LegendItem:
    attitude: str
    label: str
    mark: str
    count: int


@dataclass
class Board:
    floors: list[tuple[int, list[Cell]]]  # top floor first, as the building stands
    legend: list[LegendItem]
    total: int

    def cell(self, flat_id: int) -> Cell | None:
        return next((c for _floor, cells in self.floors for c in cells if c.flat.pk == flat_id), None)


def board(project: LiftProject, flats: list[Flat] | None = None) -> Board:
    flats = scope_flats(project) if flats is None else flats
    latest = latest_visits(project)
    rows: dict[int, list[Cell]] = defaultdict(list)
    counts = dict.fromkeys(ATTITUDE_ORDER, 0)
    for flat in flats:
        visit = latest.get(flat.pk)
        attitude = current_attitude(visit)
        counts[attitude] += 1
        rows[flat.floor].append(Cell(flat, owner_names(flat), attitude, visit))
    floors = [(floor, rows[floor]) for floor in sorted(rows, reverse=True)]
    legend = [LegendItem(a, str(a.label), ATTITUDE_MARKS[a], counts[a]) for a in ATTITUDE_ORDER]
    return Board(floors=floors, legend=legend, total=len(flats))


# --- the funnel ----------------------------------------------------------------------------------------


@dataclass
class FunnelStep:
    key: str
    flats: int
    area: Decimal
    share: Fraction  # of the total area, exact; shown as a percentage only

    @property
    def percent(self) -> str:
        value = Decimal(self.share.numerator * 100) / Decimal(self.share.denominator)
        return f"{value.quantize(Decimal('0.1'))}%"


@dataclass
class Funnel:
    total_flats: int
    total_area: Decimal
    contacted: FunnelStep
    willing: FunnelStep
    signed: FunnelStep | None  # None: no consultation linked, or sealed for this viewer
    signed_state: str  # "none" (no consultation), "sealed_open", "sealed_draft", "shown"


def _step(key: str, flats: list[Flat], total_area: Decimal) -> FunnelStep:
    area = sum((f.area for f in flats), Decimal(0))
    share = Fraction(area) / Fraction(total_area) if total_area else Fraction(0)
    return FunnelStep(key=key, flats=len(flats), area=area, share=share)


def signed_flat_ids(project: LiftProject, flats: list[Flat]) -> set[int]:
    """Flats whose owners have signed yes in the project's consultation: at least one of the flat's
    owners cast a ballot with an in-favour answer, and none of them cast one without. Co-owners who
    disagree leave the flat unsigned until one ballot is confirmed (rules/lift.md). Unsealed: callers
    check the viewer may see results."""
    consultation = project.consultation
    if consultation is None:
        return set()
    owners_of: dict[int, set[int]] = {f.pk: {o.owner_id for o in f.ownerships.all()} for f in flats}
    cast = set(
        consultation.ballots.filter(voter__owner__isnull=False).values_list("voter__owner_id", flat=True)
    )
    in_favour = set(
        Answer.objects.filter(ballot__consultation=consultation, choice__in_favour=True)
        .filter(ballot__voter__owner__isnull=False)
        .values_list("ballot__voter__owner_id", flat=True)
    )
    signed = set()
    for flat_id, owners in owners_of.items():
        voted = owners & cast
        if voted and voted <= in_favour:
            signed.add(flat_id)
    return signed


def funnel(user, project: LiftProject, flats: list[Flat] | None = None) -> Funnel:
    flats = scope_flats(project) if flats is None else flats
    latest = latest_visits(project)
    total_area = sum((f.area for f in flats), Decimal(0))
    contacted_ids = set(
        PersuasionVisit.objects.filter(project=project)
        .exclude(attitude=Attitude.UNCONTACTED)
        .values_list("flat_id", flat=True)
    )
    contacted = [f for f in flats if f.pk in contacted_ids]
    willing = [f for f in flats if current_attitude(latest.get(f.pk)) == Attitude.SUPPORT]
    consultation = project.consultation
    signed, state = None, "none"
    if consultation is not None:
        if user.has_perm("deliberation.view_tally", consultation):
            ids = signed_flat_ids(project, flats)
            signed, state = _step("signed", [f for f in flats if f.pk in ids], total_area), "shown"
        elif consultation.status == ConsultationStatus.DRAFT:
            state = "sealed_draft"
        else:
            state = "sealed_open"
    return Funnel(
        total_flats=len(flats),
        total_area=total_area,
        contacted=_step("contacted", contacted, total_area),
        willing=_step("willing", willing, total_area),
        signed=signed,
        signed_state=state,
    )


# --- who to visit next ---------------------------------------------------------------------------------


@dataclass
class NextRow:
    flat: Flat
    owners: list[str]
    attitude: str
    visit: PersuasionVisit | None
    needed: bool  # in the smallest set of further consents that would pass
    overdue: bool

    @property
    def attitude_label(self) -> str:
        return str(Attitude(self.attitude).label)

    @property
    def mark(self) -> str:
        return ATTITUDE_MARKS[self.attitude]

    @property
    def concerns(self) -> list[str]:
        return concern_labels(self.visit.concerns) if self.visit else []


@dataclass
class WhoNext:
    policy_label: str
    result: LiftVoteResult | None  # None when it cannot be counted (see `problem`)
    rows: list[NextRow] = field(default_factory=list)
    problem: str = ""  # why there is no count: no flats registered, no policy version for the start date

    @property
    def passes_now(self) -> bool:
        return self.result is not None and self.result.passed


def thresholds_for(project: LiftProject) -> Thresholds:
    """The four thresholds of the policy version in force on the project's start date."""
    policy = lift_policy(project.started_on)
    return Thresholds(
        policy_label=policy.label,
        participation_area=policy["participation_area"],
        participation_headcount=policy["participation_headcount"],
        consent_area=policy["consent_area"],
        consent_headcount=policy["consent_headcount"],
    )


def hypothetical_vote(project: LiftProject, flats: list[Flat], latest: dict[int, PersuasionVisit]):
    """Today's supporters as "agree", everyone else as not voted. Owners are keyed by owner id, so one
    owner of several flats counts once and co-owners are one owner, as the law counts them. A supporting
    flat with no registered owner cannot vote, so it stays unvoted."""
    vote_flats = []
    for flat in flats:
        owners = frozenset(o.owner_id for o in flat.ownerships.all())
        agrees = owners and current_attitude(latest.get(flat.pk)) == Attitude.SUPPORT
        vote_flats.append(
            VoteFlat(
                key=flat.pk,
                label=flat.label,
                floor=flat.floor,
                area=flat.area,
                owners=owners,
                submissions=(AGREE,) if agrees else (),
            )
        )
    return lift_vote_tally(flats=vote_flats, thresholds=thresholds_for(project))


REST_ORDER = [Attitude.UNDECIDED, Attitude.OPPOSE, Attitude.UNCONTACTED]


def who_next(project: LiftProject, flats: list[Flat] | None = None, today: dt.date | None = None) -> WhoNext:
    """Flats to visit, most useful first: the smallest set of further consents that would pass (in the
    rule's order), then the remaining undecided, opposed and uncontacted flats (each group by floor,
    top first). Supporters are not listed: they are already won."""
    flats = scope_flats(project) if flats is None else flats
    today = today or timezone.localdate()
    latest = latest_visits(project)
    try:
        result = hypothetical_vote(project, flats, latest)
    except DomainError as error:  # an entrance without flats yet, a start date no policy covers
        return WhoNext(policy_label="", result=None, problem=error.message)
    by_label = {f.label: f for f in flats}
    rows: list[NextRow] = []
    listed: set[int] = set()

    def add(flat: Flat, needed: bool) -> None:
        visit = latest.get(flat.pk)
        attitude = current_attitude(visit)
        if attitude == Attitude.SUPPORT:  # already won (a supporter's other flat may be the one needed)
            return
        overdue = bool(visit and visit.next_on and visit.next_on < today)
        rows.append(NextRow(flat, owner_names(flat), attitude, visit, needed, overdue))
        listed.add(flat.pk)

    if not result.passed and result.still_needed.possible:
        for label in result.still_needed.flat_labels:
            flat = by_label.get(label)
            if flat is not None and flat.pk not in listed:
                add(flat, True)
    for attitude in REST_ORDER:
        for flat in flats:  # already top floor first
            if flat.pk not in listed and current_attitude(latest.get(flat.pk)) == attitude:
                add(flat, False)
    return WhoNext(policy_label=result.policy_label, result=result, rows=rows)


# --- outreach ------------------------------------------------------------------------------------------


def outreach_events(project: LiftProject) -> list[OutreachEvent]:
    return list(
        OutreachEvent.objects.filter(project=project)
        .prefetch_related(Prefetch("attendees", queryset=Flat.objects.select_related("entrance")))
        .order_by("-held_on", "-id")
    )


def board_page(user, project: LiftProject, today: dt.date | None = None) -> dict:
    """Everything the board page shows, from one read of the flats."""
    flats = scope_flats(project)
    return {
        "board": board(project, flats),
        "funnel": funnel(user, project, flats),
        "who_next": who_next(project, flats, today),
        "events": outreach_events(project),
    }
