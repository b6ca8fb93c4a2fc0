"""Writes of the construction duty roster (楼道值守排班表, stage 7 of rules/lift.md): generate it with
CP-SAT (`linli.elevators.roster`), and change it by hand within the same constraints.

The pure rules know nothing of the database; this module turns the project's volunteers into
`RosterVolunteer`s: free at a shift when their weekly availability (organizing.Volunteer.availability:
day of week × morning/afternoon/evening) has the part of the day the shift starts in, and the date is
not one of the dates they said they cannot come; busy at a shift when they already hold an overlapping
shift on that day in another entrance's roster (the same person often watches two staircases).

A roster is stored only when it covers every shift: an organiser who asks for an impossible roster is
told which shifts cannot be covered and why, and keeps the roster they had.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.elevators import roster as rules
from linli.elevators.models import DutyAssignment, DutyRoster, LiftProject, ProjectStatus, RosterMember
from linli.organizing.models import Volunteer
from linli.organizing.models.volunteers import DAYS, SLOT_BITS, part_of_day

# Seconds CP-SAT may take for one roster: a page request waits for it. A construction period of a few
# months with a dozen volunteers is solved to optimality in well under a second.
TIME_LIMIT_S = 5.0
MAX_SHIFTS_LIMIT = 500  # per volunteer: more is a typo, not a plan


def _require_change(actor, project: LiftProject) -> None:
    if not actor.has_perm("elevators.change_liftproject", project):
        raise DomainError(_("您没有权限操作此加梯项目。"))


# --- slots ---------------------------------------------------------------------------------------------


def slot_key(start: dt.time, end: dt.time) -> str:
    """A slot's key is its hours ("0800-1200"): two entrances' rosters with the same hours share keys, so
    their shifts have the same keys too."""
    return f"{start:%H%M}-{end:%H%M}"


def slot_make(*, label: str, start: dt.time, end: dt.time) -> rules.Slot:
    text = f"{label.strip()} {start:%H:%M}–{end:%H:%M}".strip()
    return rules.Slot(key=slot_key(start, end), label=text, start=start, end=end)


def slots_to_json(slots: Sequence[rules.Slot]) -> list[dict]:
    return [
        {"key": s.key, "label": s.label, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M")}
        for s in slots
    ]


def slots_from_json(data: Iterable[dict]) -> list[rules.Slot]:
    return [
        rules.Slot(
            key=item["key"],
            label=item["label"],
            start=dt.time.fromisoformat(item["start"]),
            end=dt.time.fromisoformat(item["end"]),
        )
        for item in data
    ]


DEFAULT_SLOTS = (
    # Building crews work roughly 8:00–17:00; the watch follows them, split at noon so that a volunteer
    # who is only free in the morning (the volunteers' availability is by half day) can still take part.
    (_("上午"), dt.time(8), dt.time(12)),
    (_("下午"), dt.time(12), dt.time(17)),
)


# --- volunteers as the roster sees them ----------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    volunteer: Volunteer
    max_shifts: int
    unavailable: frozenset[dt.date]


def _as_members(members: Iterable) -> list[Member]:
    out = []
    for item in members:
        if isinstance(item, Member):
            out.append(item)
            continue
        volunteer, max_shifts, unavailable = item
        out.append(Member(volunteer, max_shifts, frozenset(unavailable or ())))
    return out


def free_at(availability: int, shift: rules.Shift) -> bool:
    """Whether a weekly availability covers a shift: the bit of the shift's weekday and the part of the
    day its slot starts in (organizing.models.volunteers.PART_HOURS). A slot starting at night (22:00–
    06:00) matches no part, so nobody is free for it unless the organiser says so by hand."""
    part = part_of_day(shift.slot.start)
    return part is not None and bool(availability & SLOT_BITS[f"{DAYS[shift.date.weekday()]}_{part}"])


def _busy_elsewhere(
    volunteer_ids: Sequence[int], shifts: Sequence[rules.Shift], *, project_id: int
) -> dict[int, frozenset[str]]:
    """Per volunteer, the keys of `shifts` that overlap a shift they hold in another project's roster."""
    if not shifts:
        return {}
    first, last = min(s.date for s in shifts), max(s.date for s in shifts)
    elsewhere = (
        DutyAssignment.objects.filter(volunteer_id__in=volunteer_ids, day__gte=first, day__lte=last)
        .exclude(roster__project_id=project_id)
        .select_related("roster")
    )
    slot_cache: dict[int, dict[str, rules.Slot]] = {}
    by_day: dict[tuple[int, dt.date], list[rules.Slot]] = defaultdict(list)
    for a in elsewhere:
        slots = slot_cache.get(a.roster_id)
        if slots is None:
            slots = slot_cache[a.roster_id] = {s.key: s for s in slots_from_json(a.roster.slots)}
        slot = slots.get(a.slot)
        if slot is not None:
            by_day[(a.volunteer_id, a.day)].append(slot)
    busy: dict[int, set[str]] = defaultdict(set)
    for s in shifts:
        for vid in volunteer_ids:
            for other in by_day.get((vid, s.date), ()):
                if s.slot.start < other.end and other.start < s.slot.end:
                    busy[vid].add(s.key)
    return {vid: frozenset(keys) for vid, keys in busy.items()}


def _roster_volunteers(
    members: Sequence[Member], shifts: Sequence[rules.Shift], *, project_id: int
) -> list[rules.RosterVolunteer]:
    busy = _busy_elsewhere([m.volunteer.pk for m in members], shifts, project_id=project_id)
    out = []
    for m in members:
        free = frozenset(
            s.key for s in shifts if s.date not in m.unavailable and free_at(m.volunteer.availability, s)
        )
        out.append(
            rules.RosterVolunteer(
                key=str(m.volunteer.pk),
                name=m.volunteer.display_name,
                max_shifts=m.max_shifts,
                available=free,
                busy=busy.get(m.volunteer.pk, frozenset()),
            )
        )
    return out


def _check_members(project: LiftProject, members: Sequence[Member], *, on: dt.date) -> None:
    if not members:
        raise DomainError(_("请至少选择一位值守志愿者。"), field="volunteers")
    seen = set()
    for m in members:
        v = m.volunteer
        if v.community_id != project.community_id:
            raise DomainError(
                _("%(name)s不是本居民区的志愿者。") % {"name": v.display_name}, field="volunteers"
            )
        if v.left_on is not None and v.left_on <= on:
            raise DomainError(_("%(name)s已退出志愿者队伍。") % {"name": v.display_name}, field="volunteers")
        if v.pk in seen:
            raise DomainError(_("%(name)s被重复选择。") % {"name": v.display_name}, field="volunteers")
        seen.add(v.pk)
        if isinstance(m.max_shifts, bool) or not isinstance(m.max_shifts, int):
            raise DomainError(_("最多班次应为整数。"), field="volunteers")
        if not 0 <= m.max_shifts <= MAX_SHIFTS_LIMIT:
            raise DomainError(
                _("%(name)s的最多班次应在0到%(max)s之间。")
                % {"name": v.display_name, "max": MAX_SHIFTS_LIMIT},
                field="volunteers",
            )


# --- generate ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    """The outcome of a generation: `roster` is the stored roster, or None when no roster covers every
    shift (then `result.uncovered` and `result.explanation` say why, and nothing was stored)."""

    roster: DutyRoster | None
    result: rules.RosterResult
    warnings: tuple[str, ...]

    @property
    def stored(self) -> bool:
        return self.roster is not None


def roster_generate(
    *,
    actor,
    project: LiftProject,
    starts_on: dt.date,
    ends_on: dt.date,
    slots: Sequence[rules.Slot],
    need: int = 1,
    max_per_day: int = 1,
    working_days_only: bool = True,
    members: Iterable,
    time_limit_s: float = TIME_LIMIT_S,
) -> Generated:
    """Generate the project's roster and store it (replacing the one before), or explain why not.

    `members`: (Volunteer, max_shifts, unavailable dates) per volunteer, or `Member`s. Volunteers must be
    current volunteers of the project's community. A period with no shifts or no volunteers is a
    DomainError. When the solver finds no roster covering every shift, nothing is stored (the previous
    roster, if any, stands) and the result carries the uncovered shifts with their reasons.
    """
    _require_change(actor, project)
    if project.status == ProjectStatus.STOPPED:
        raise DomainError(_("项目已中止，不能排班。"))
    members = _as_members(members)
    _check_members(project, members, on=starts_on)
    if isinstance(max_per_day, bool) or not isinstance(max_per_day, int) or max_per_day < 1:
        raise DomainError(_("每人每天最多班次应至少为1。"), field="max_per_day")
    plan = rules.construction_shifts(
        start=starts_on, end=ends_on, slots=slots, working_days_only=working_days_only, need=need
    )
    if not plan.shifts:
        raise DomainError(_("这段时间内没有需要值守的班次，请调整日期或时段。"), field="ends_on")
    volunteers = _roster_volunteers(members, plan.shifts, project_id=project.pk)
    result = rules.solve_roster(
        shifts=plan.shifts,
        volunteers=volunteers,
        max_per_day=max_per_day,
        time_limit_s=time_limit_s,
        workers=1,  # reproducible: the same input gives the same roster (see roster.TIE_BREAK)
    )
    warnings = tuple(plan.warnings)
    if not result.covered:
        return Generated(None, result, warnings)
    problems = rules.check_roster(
        shifts=plan.shifts, volunteers=volunteers, assignments=result.assignments, max_per_day=max_per_day
    )
    if problems:  # a solver bug must never reach the staircase
        raise DomainError(_("生成的排班未通过检查：%(p)s") % {"p": "".join(problems)})
    by_pk = {str(m.volunteer.pk): m for m in members}
    with transaction.atomic():
        roster, _created = DutyRoster.objects.select_for_update().get_or_create(
            project=project,
            defaults={
                "community_id": project.community_id,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "created_by": actor,
            },
        )
        roster.starts_on, roster.ends_on = starts_on, ends_on
        roster.slots = slots_to_json(slots)
        roster.need, roster.max_per_day, roster.working_days_only = need, max_per_day, working_days_only
        roster.solver_status = result.status
        roster.result = _result_json(result, warnings)
        roster.generated_at = timezone.now()
        roster.save()
        roster.assignments.all().delete()
        roster.members.all().delete()
        RosterMember.objects.bulk_create(
            RosterMember(
                community_id=project.community_id,
                roster=roster,
                volunteer=m.volunteer,
                max_shifts=m.max_shifts,
                unavailable=sorted(d.isoformat() for d in m.unavailable),
            )
            for m in members
        )
        by_shift = {s.key: s for s in plan.shifts}
        DutyAssignment.objects.bulk_create(
            DutyAssignment(
                community_id=project.community_id,
                roster=roster,
                day=by_shift[key].date,
                slot=by_shift[key].slot.key,
                volunteer=by_pk[vkey].volunteer,
            )
            for key, people in result.assignments.items()
            for vkey in people
        )
    return Generated(roster, result, warnings)


def _result_json(result: rules.RosterResult, warnings: Sequence[str]) -> dict:
    return {
        "status": result.status,
        "status_text": result.status_text,
        "method": result.method,
        "max_load": result.max_load,
        "min_load": result.min_load,
        "spread": result.spread,
        "tie_break": result.tie_break,
        "warnings": list(warnings),
        "explanation": list(result.explanation),
        "uncovered": [{"label": u.label, "missing": u.missing, "reason": u.reason} for u in result.uncovered],
        "solve_seconds": round(result.solve_seconds, 3),
    }


# --- manual changes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A stored roster as the pure rules see it, rebuilt from its rows (with today's availability)."""

    shifts: list[rules.Shift]
    volunteers: list[rules.RosterVolunteer]
    assignments: dict[str, tuple[str, ...]]


def roster_state(roster: DutyRoster) -> Stored:
    slots = slots_from_json(roster.slots)
    plan = rules.construction_shifts(
        start=roster.starts_on,
        end=roster.ends_on,
        slots=slots,
        working_days_only=roster.working_days_only,
        need=roster.need,
    )
    members = [
        Member(m.volunteer, m.max_shifts, frozenset(dt.date.fromisoformat(d) for d in m.unavailable))
        for m in roster.members.select_related("volunteer__resident")
    ]
    volunteers = _roster_volunteers(members, plan.shifts, project_id=roster.project_id)
    assignments: dict[str, list[str]] = defaultdict(list)
    for a in roster.assignments.all():
        assignments[rules.shift_key(a.day, _slot_of(slots, a.slot))].append(str(a.volunteer_id))
    return Stored(plan.shifts, volunteers, {k: tuple(sorted(v)) for k, v in assignments.items()})


def _slot_of(slots: Sequence[rules.Slot], key: str) -> rules.Slot:
    for s in slots:
        if s.key == key:
            return s
    return rules.Slot(key=key, label=key, start=dt.time(0), end=dt.time(0, 1))


def _locked(roster: DutyRoster) -> DutyRoster:
    return DutyRoster.objects.select_for_update().get(pk=roster.pk)


def _assignment(roster: DutyRoster, assignment_id: int, field: str) -> DutyAssignment:
    found = roster.assignments.select_related("volunteer__resident").filter(pk=assignment_id).first()
    if found is None:
        raise DomainError(_("找不到这个班次安排。"), field=field)
    return found


def duty_swap(*, actor, roster: DutyRoster, assignment_a: int, assignment_b: int) -> None:
    """The volunteers of two assignments trade shifts; refused (DomainError, nothing changed) when the
    trade breaks a constraint the roster kept before (roster.swap)."""
    _require_change(actor, roster.project)
    with transaction.atomic():
        roster = _locked(roster)
        a = _assignment(roster, assignment_a, "assignment_a")
        b = _assignment(roster, assignment_b, "assignment_b")
        if a.volunteer_id == b.volunteer_id:
            raise DomainError(_("这两个班次是同一个人，无需互换。"), field="assignment_b")
        state = roster_state(roster)
        slots = slots_from_json(roster.slots)
        rules.swap(
            shifts=state.shifts,
            volunteers=state.volunteers,
            assignments=state.assignments,
            shift_a=rules.shift_key(a.day, _slot_of(slots, a.slot)),
            volunteer_a=str(a.volunteer_id),
            shift_b=rules.shift_key(b.day, _slot_of(slots, b.slot)),
            volunteer_b=str(b.volunteer_id),
            max_per_day=roster.max_per_day,
        )
        # rules.swap refused a trade that puts someone twice on one shift, so the unique
        # (roster, day, slot, volunteer) holds after each of the two saves.
        a.volunteer_id, b.volunteer_id = b.volunteer_id, a.volunteer_id
        a.reminded_at = b.reminded_at = None  # the new person on each shift has not been reminded
        a.save(update_fields=["volunteer", "reminded_at"])
        b.save(update_fields=["volunteer", "reminded_at"])


def duty_replace(*, actor, roster: DutyRoster, assignment_id: int, volunteer_id: int) -> None:
    """Another member of the roster takes over one shift (illness, travel); refused when they cannot
    take it (roster.replace: not free, busy elsewhere, over a limit, already on it)."""
    _require_change(actor, roster.project)
    with transaction.atomic():
        roster = _locked(roster)
        a = _assignment(roster, assignment_id, "assignment")
        if not roster.members.filter(volunteer_id=volunteer_id).exists():
            raise DomainError(_("替班的人须是本排班的值守志愿者。"), field="volunteer")
        state = roster_state(roster)
        rules.replace(
            shifts=state.shifts,
            volunteers=state.volunteers,
            assignments=state.assignments,
            shift_key=rules.shift_key(a.day, _slot_of(slots_from_json(roster.slots), a.slot)),
            old_volunteer=str(a.volunteer_id),
            new_volunteer=str(volunteer_id),
            max_per_day=roster.max_per_day,
        )
        a.volunteer_id = volunteer_id
        a.reminded_at = None
        a.save(update_fields=["volunteer", "reminded_at"])
