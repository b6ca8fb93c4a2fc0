"""Reads of the construction duty roster, and the rule of the lift's registration deadline (stage 8).

The roster page reads the stored roster as a day-by-day table with each person's load; names go through
organizing's `shown_name` (a child volunteer's name is masked for everyone but staff). Phone numbers are
never read here: the printed roster hangs in a stairwell.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from linli.core.scope import scope_for
from linli.elevators import roster as rules
from linli.elevators.models import DutyAssignment, DutyRoster, LiftProject, ProjectStatus, RosterMember
from linli.elevators.services_roster import slots_from_json
from linli.organizing.models import Volunteer
from linli.organizing.models.volunteers import availability_label
from linli.organizing.selectors_volunteers import shown_name, visible


def roster_of(project: LiftProject) -> DutyRoster | None:
    return DutyRoster.objects.filter(project=project).first()


def volunteer_choices(user, project: LiftProject) -> list[Volunteer]:
    """Current volunteers of the project's community the user may see (staff: all; a building leader: those
    living in their buildings), for the roster form — plus the current roster's members, whom the user
    already sees on the roster: a leader regenerating must not silently drop the people staff added."""
    qs = Volunteer.objects.filter(left_on__isnull=True)
    ids = set(visible(user, qs, community_id=project.community_id).values_list("pk", flat=True))
    ids |= set(
        qs.filter(
            community_id=project.community_id,
            pk__in=RosterMember.objects.filter(roster__project=project).values("volunteer_id"),
        ).values_list("pk", flat=True)
    )
    return list(
        Volunteer.objects.filter(pk__in=ids).select_related("resident__household").order_by("name", "pk")
    )


@dataclass
class Seat:
    assignment_id: int
    volunteer_id: int
    name: str


@dataclass
class Cell:
    slot: rules.Slot
    seats: list[Seat] = field(default_factory=list)


@dataclass
class Day:
    date: dt.date
    label: str
    cells: list[Cell]


@dataclass
class Load:
    volunteer_id: int
    name: str
    load: int
    max_shifts: int
    availability: str


@dataclass
class RosterView:
    roster: DutyRoster
    slots: list[rules.Slot]
    days: list[Day]
    loads: list[Load]
    max_load: int | None
    min_load: int | None
    assignment_count: int

    @property
    def spread(self) -> int | None:
        return None if self.max_load is None else self.max_load - self.min_load


def roster_view(roster: DutyRoster, viewer) -> RosterView:
    """The stored roster, day by day (every day with a shift, in date order), and each member's load.
    Loads are counted from the assignments as they stand now (after any swaps), not from the solver."""
    scope = scope_for(viewer)
    slots = slots_from_json(roster.slots)
    assignments = list(
        roster.assignments.select_related("volunteer__resident").order_by(
            "day", "slot", "volunteer__name", "pk"
        )
    )
    members = list(roster.members.select_related("volunteer__resident").order_by("volunteer__name", "pk"))
    names: dict[int, str] = {}
    for v in [a.volunteer for a in assignments] + [m.volunteer for m in members]:
        if v.pk not in names:
            names[v.pk] = shown_name(v, scope)
    by_day: dict[dt.date, dict[str, list[Seat]]] = defaultdict(lambda: defaultdict(list))
    for a in assignments:
        by_day[a.day][a.slot].append(Seat(a.pk, a.volunteer_id, names[a.volunteer_id]))
    days = [
        Day(
            date=day,
            label=rules.day_label(day),
            cells=[Cell(slot=s, seats=by_day[day].get(s.key, [])) for s in slots],
        )
        for day in sorted(by_day)
    ]
    counts = Counter(a.volunteer_id for a in assignments)
    loads = [
        Load(
            volunteer_id=m.volunteer_id,
            name=names[m.volunteer_id],
            load=counts.get(m.volunteer_id, 0),
            max_shifts=m.max_shifts,
            availability=availability_label(m.volunteer.availability),
        )
        for m in members
    ]
    # Fairness over those who took at least one shift: as the solver's pool, a member who can give none
    # (no free time in the period) is not under-used.
    working = [row.load for row in loads if row.load > 0]
    return RosterView(
        roster=roster,
        slots=slots,
        days=days,
        loads=loads,
        max_load=max(working) if working else None,
        min_load=min(working) if working else None,
        assignment_count=len(assignments),
    )


# --- reminders -----------------------------------------------------------------------------------------


def duties_to_remind(*, day: dt.date) -> QuerySet:
    """The lift duties on `day` of active projects nobody has dealt with yet (reminded_at empty)."""
    return (
        DutyAssignment.objects.filter(
            day=day, reminded_at__isnull=True, roster__project__status=ProjectStatus.ACTIVE
        )
        .select_related("roster__project__entrance__building", "volunteer__resident", "volunteer__user")
        .order_by("day", "slot", "pk")
    )


# --- the registration deadline (rules/lift.md stage 8) ------------------------------------------------

DUE_SOON = "due_soon"
OVERDUE = "overdue"
REMIND_DAYS_BEFORE = 7  # the reminder comes a week before the deadline: time to gather the papers


@dataclass(frozen=True)
class RegistrationDue:
    state: str  # DUE_SOON or OVERDUE
    deadline: dt.date  # the last day on which registering is in time
    days_left: int  # negative once overdue


def registration_due(
    *, in_use_on: dt.date | None, registered_on: dt.date | None, today: dt.date, days: int
) -> RegistrationDue | None:
    """Whether a lift's use registration (使用登记) needs a reminder today, and which.

    A lift must be registered within `days` (the policy's registration_days, 30) of going into use: the
    deadline is in_use_on + days, and registering on that day is in time. From `days` − 7 days after going
    into use the project is DUE_SOON; after the deadline, OVERDUE. None when the lift is not in use yet,
    is registered, or it is too early to say anything. Pure: the job passes `today`, tests freeze it.
    """
    if in_use_on is None or registered_on is not None:
        return None
    deadline = in_use_on + dt.timedelta(days=days)
    left = (deadline - today).days
    if left < 0:
        return RegistrationDue(OVERDUE, deadline, left)
    if today >= in_use_on + dt.timedelta(days=max(days - REMIND_DAYS_BEFORE, 0)):
        return RegistrationDue(DUE_SOON, deadline, left)
    return None


def projects_awaiting_registration() -> QuerySet:
    """Every project whose lift is in use but not registered, across communities (a job's read)."""
    return (
        LiftProject.objects.filter(in_use_on__isnull=False, registered_on__isnull=True)
        .exclude(status=ProjectStatus.STOPPED)
        .select_related("entrance__building", "building")
        .order_by("pk")
    )
