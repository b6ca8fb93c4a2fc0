"""Writes of publicity and persuasion: record a policy talk or a site visit to a finished lift, and record a
one-to-one visit to a flat's owners.

A visit is never edited: the flat's current attitude is its latest visit's (selectors_persuasion), so a
change of mind is a new visit and the history of how an entrance was won over stays whole. Everything is
checked before anything is written, and every message says in Chinese what to correct; a refused visit
saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.elevators.models import (
    Attitude,
    BestPlaced,
    Concern,
    LiftProject,
    OutreachEvent,
    OutreachKind,
    PersuasionVisit,
    ProjectStatus,
    VoteScope,
)
from linli.registry.models import Flat, Owner, Ownership


def _require_change(actor, project: LiftProject) -> None:
    if not actor.has_perm("elevators.change_liftproject", project):
        raise DomainError(_("您没有权限操作此加梯项目。"))


def _require_active(project: LiftProject) -> None:
    if project.status != ProjectStatus.ACTIVE:
        raise DomainError(_("项目已中止或已完成，不能再记录走访。"))


def flat_in_scope(project: LiftProject, flat: Flat) -> bool:
    """Whether the flat's owners decide this lift: the entrance's, or the building's when the community
    chose to decide by building (rules/lift.md)."""
    if project.vote_scope == VoteScope.BUILDING:
        return flat.building_id == project.building_id
    return flat.entrance_id == project.entrance_id


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)


def _check_date(errors, field: str, day: dt.date | None, project: LiftProject, today: dt.date) -> None:
    if day is None:
        errors.setdefault(field, []).append(_("请填写日期。"))
    elif day > today:
        errors.setdefault(field, []).append(_("日期不能晚于今天。"))
    elif day < project.started_on:
        errors.setdefault(field, []).append(
            _("日期不能早于项目启动日期（%(day)s）。") % {"day": project.started_on.isoformat()}
        )


def check_concerns(concerns: Iterable[str]) -> list[str]:
    """The concern codes in the order given, once each; unknown codes are refused, not dropped, so a
    stale form never records less than the visitor ticked."""
    known = set(Concern.values)
    result: list[str] = []
    unknown = []
    for code in concerns:
        if code not in known:
            unknown.append(str(code))
        elif code not in result:
            result.append(code)
    if unknown:
        raise DomainError(_("无法识别的顾虑：%(codes)s") % {"codes": "、".join(unknown)}, field="concerns")
    return result


def visit_record(
    *,
    actor,
    project: LiftProject,
    flat: Flat,
    owner: Owner | None = None,
    visited_on: dt.date,
    visited_by: str,
    attitude: str,
    concerns: Iterable[str] = (),
    concern_note: str = "",
    best_placed: str = "",
    best_placed_note: str = "",
    next_step: str = "",
    next_on: dt.date | None = None,
    today: dt.date | None = None,
) -> PersuasionVisit:
    """Record one visit to a flat (and, when known, the owner spoken to). Refused, with nothing saved:
    a flat outside the project's voting scope, an owner not on the flat's title, a date in the future or
    before the project started, a follow-up date before the visit, an unknown attitude, concern or
    "best placed" code."""
    _require_change(actor, project)
    _require_active(project)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if flat.community_id != project.community_id or not flat_in_scope(project, flat):
        where = _("本幢") if project.vote_scope == VoteScope.BUILDING else _("本单元")
        errors["flat"] = [
            _("%(flat)s 不在%(where)s的表决范围内，不能记录走访。") % {"flat": flat, "where": where}
        ]
    if owner is not None and not Ownership.objects.filter(owner=owner, flat=flat).exists():
        errors["owner"] = [
            _("%(owner)s 不是 %(flat)s 登记的产权人。") % {"owner": owner.name, "flat": flat.label}
        ]
    _check_date(errors, "visited_on", visited_on, project, today)
    if next_on is not None and visited_on is not None and next_on < visited_on:
        errors["next_on"] = [_("下次跟进日期不能早于走访日期。")]
    visited_by = (visited_by or "").strip()
    if not visited_by:
        errors["visited_by"] = [_("请填写走访人。")]
    if attitude not in Attitude.values:
        errors["attitude"] = [_("请选择态度：支持、反对、观望或未联系。")]
    if best_placed and best_placed not in BestPlaced.values:
        errors["best_placed"] = [_("无法识别“最适合去谈的人”：%(code)s") % {"code": best_placed}]
    try:
        concerns = check_concerns(concerns)
    except DomainError as error:
        errors["concerns"] = [error.message]
    _raise(errors)
    with transaction.atomic():
        return PersuasionVisit.objects.create(
            community_id=project.community_id,
            project=project,
            flat=flat,
            owner=owner,
            visited_on=visited_on,
            visited_by=visited_by,
            attitude=attitude,
            concerns=concerns,
            concern_note=concern_note.strip(),
            best_placed=best_placed,
            best_placed_note=best_placed_note.strip(),
            next_step=next_step.strip(),
            next_on=next_on,
            recorded_by=actor,
        )


def outreach_record(
    *,
    actor,
    project: LiftProject,
    kind: str,
    held_on: dt.date,
    title: str,
    place: str = "",
    speaker: str = "",
    attendees: Iterable[Flat] = (),
    other_attendees: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> OutreachEvent:
    """Record a policy talk or a visit to a finished lift, with the flats of the entrance that came. A
    site visit must say which lift they saw: that is what doubters are taken there for."""
    _require_change(actor, project)
    _require_active(project)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in OutreachKind.values:
        errors["kind"] = [_("请选择活动类型：政策宣讲或实地参观。")]
    _check_date(errors, "held_on", held_on, project, today)
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写主题。")]
    place = (place or "").strip()
    if kind == OutreachKind.SITE_VISIT and not place:
        errors["place"] = [_("实地参观请填写参观的是哪里的已建电梯。")]
    attendees = list(attendees)
    outside = [
        f for f in attendees if f.community_id != project.community_id or not flat_in_scope(project, f)
    ]
    if outside:
        errors["attendees"] = [
            _("%(flats)s 不在本项目的表决范围内。") % {"flats": "、".join(str(f) for f in outside)}
        ]
    _raise(errors)
    with transaction.atomic():
        event = OutreachEvent.objects.create(
            community_id=project.community_id,
            project=project,
            kind=kind,
            held_on=held_on,
            title=title,
            place=place,
            speaker=speaker.strip(),
            other_attendees=other_attendees.strip(),
            note=note.strip(),
            created_by=actor,
        )
        if attendees:
            event.attendees.set(attendees)
    return event
