"""Writes of a lift project's owners' vote (意愿征询): start it on the deliberation engine, and the rule
that holds the 意愿征询 stage until the vote has closed, is final and has passed.

The vote runs on the engine (linli.deliberation): an owners' consultation weighted by area, over the
project's entrance (or its building, when the community decides per building), with one approve question.
The engine fixes the electorate, takes ballots in every way the law allows (online, paper, proxy,
doorstep) and seals the count; the decision itself is counted by flat and owner in
`selectors_vote.lift_vote_result` (rules/lift.md), under the dated policy of the project's start date.

Importing this module registers the engine threshold "lift_double" and the stage gate; the app config
imports it at start-up.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import DomainError
from linli.deliberation import thresholds
from linli.deliberation.models import Consultation
from linli.deliberation.services_votes import owners_vote_start
from linli.elevators import rules_vote
from linli.elevators import stages as stage_codes
from linli.elevators.models import LiftProject, ProjectStatus, VoteScope
from linli.elevators.policy import lift_policy
from linli.elevators.selectors_projects import stage_states
from linli.elevators.selectors_vote import lift_vote_result
from linli.elevators.services_projects import register_gate

THRESHOLD_KEY = "lift_double"


def _engine_rule(counts: thresholds.Counts) -> thresholds.Outcome:
    """The engine's own view of a lift vote, for its generic tally page only.

    The engine counts voters (one per owner, weighing their area × share), not flats and owners as the
    law does (co-owners are one owner between them, a flat of disagreeing co-owners is pending), so this
    is a fallback: the decision is `lift_vote_result`, shown on the project's vote page. The figures
    come from today's policy version, since the engine does not know the project's start date."""
    policy = lift_policy(timezone.localdate())
    tests = (
        (counts.cast, counts.entitled, policy["participation_headcount"], _("参与表决的业主人数未达到要求")),
        (
            counts.cast_weight,
            counts.entitled_weight,
            policy["participation_area"],
            _("参与表决的专有部分面积未达到要求"),
        ),
        (counts.in_favour, counts.cast, policy["consent_headcount"], _("同意的业主人数未达到要求")),
        (
            counts.in_favour_weight,
            counts.cast_weight,
            policy["consent_area"],
            _("同意的专有部分面积未达到要求"),
        ),
    )
    failed = tuple(
        words for part, whole, ratio, words in tests if not thresholds.at_least(part, whole, ratio)
    )
    more = 0
    if not thresholds.at_least(counts.in_favour, counts.cast, policy["consent_headcount"]):
        more = thresholds.needed_at_least(
            counts.in_favour, counts.cast, Fraction(policy["consent_headcount"])
        )
    return thresholds.Outcome(not failed, failed, more, {"policy": policy.label})


thresholds.register(
    THRESHOLD_KEY,
    gettext_lazy("加装电梯业主表决（民法典第二百七十八条双重多数；以加梯项目页面按户计算的结果为准）"),
    _engine_rule,
)


def _place(project: LiftProject) -> str:
    return str(project.building) if project.vote_scope == VoteScope.BUILDING else str(project.entrance)


def _check_stage(project: LiftProject) -> None:
    """The vote belongs to the 意愿征询 stage: every stage before it complete, and it not yet complete."""
    states = stage_states(project)
    for state in states:
        if state.stage.code == stage_codes.CONSULTATION:
            if state.done:
                raise DomainError(
                    _("“%(stage)s”阶段已经完成，不能再发起业主表决。") % {"stage": state.stage.name}
                )
            return
        if not state.done:
            raise DomainError(
                _("请先完成前面的阶段“%(stage)s”，再发起业主表决。") % {"stage": state.stage.name}
            )
    raise DomainError(_("本居民区的加梯阶段中没有“意愿征询”阶段，无法发起业主表决。"))


def lift_vote_start(
    *, actor, project: LiftProject, opens_at: dt.datetime, closes_at: dt.datetime
) -> Consultation:
    """Start the owners' vote of a project and open it at once (the electorate is fixed today).

    Staff of the community, or a leader of the project's building (the building's own people run the
    vote: rules.py). Refused outside the 意愿征询 stage (the stage order of rules/lift.md), for a stopped
    or finished project, while a vote of the project is still open, and after one has passed. A closed
    vote that failed (or is not final) may be followed by a new one; the project then points to it."""
    if not actor.has_perm("elevators.change_liftproject", project):
        raise DomainError(_("您没有权限操作此加梯项目。"))
    given = project
    with transaction.atomic():
        project = (
            LiftProject.objects.select_for_update()
            .select_related("community", "building", "entrance__building")
            .get(pk=project.pk)
        )
        if project.status != ProjectStatus.ACTIVE:
            raise DomainError(_("项目已中止或已完成，不能发起业主表决。"))
        _check_stage(project)
        if (
            project.consultation_id
            and Consultation.objects.filter(pk=project.consultation_id, status__in=["draft", "open"]).exists()
        ):
            raise DomainError(_("本项目已有进行中的业主表决，结束后才能再次发起。"))
        if project.consultation_id:
            previous = lift_vote_result(project)
            if previous.passed and previous.final:
                raise DomainError(_("本项目的业主表决已经通过，无需再次发起。"))
        by_building = project.vote_scope == VoteScope.BUILDING
        consultation = owners_vote_start(
            actor=actor,
            community=project.community,
            title=_("%(place)s加装电梯业主意愿征询") % {"place": _place(project)},
            question=(
                _("是否同意在本幢%(entrance)s加装电梯？") % {"entrance": project.entrance}
                if by_building
                else _("是否同意本单元加装电梯？")
            ),
            opens_at=opens_at,
            closes_at=closes_at,
            threshold=THRESHOLD_KEY,
            entrance=None if by_building else project.entrance,
            buildings=[project.building] if by_building else [],
            description=_(
                "依据民法典第二百七十八条，由%(place)s的业主共同决定。"
                "参与表决的业主专有部分面积和人数均须达到规定比例，同意的面积和人数均须达到参与表决的规定比例。"
            )
            % {"place": _place(project)},
            leader_building=project.building,
        )
        project.consultation = consultation
        project.save(update_fields=["consultation"])
    given.consultation = consultation  # the caller's instance sees the vote it started
    return consultation


# ── The stage gate ────────────────────────────────────────────────────────────────────────────────


def consultation_gate(project: LiftProject, day: dt.date) -> None:
    """意愿征询 can be completed only once the owners' vote has closed, is final (no flat or owner
    pending) and has passed all four tests; otherwise say which test failed and what is still needed."""
    if project.consultation_id is None:
        raise DomainError(_("请先发起并完成业主表决（意愿征询）。"), field="stage")
    consultation = Consultation.objects.get(pk=project.consultation_id)
    if not consultation.is_closed:
        raise DomainError(_("业主表决尚未结束，结束并公布结果后才能完成本阶段。"), field="stage")
    if timezone.localtime(consultation.closed_at).date() > day:
        raise DomainError(_("完成日期不能早于业主表决结束的日期。"), field="completed_on")
    result = lift_vote_result(project)
    if not result.final:
        pending = result.pending_flats or tuple("+".join(u) for u in result.pending_owners)
        raise DomainError(
            _("表决结果未定：%(flats)s 的表决意见不一致，请先确认一份表决票。")
            % {"flats": "、".join(pending)},
            field="stage",
        )
    if result.passed:
        return
    lines = rules_vote.result_summary(result)
    failed = [line for check, line in zip(result.checks, lines, strict=False) if not check.passed]
    needed = lines[-1]  # the still-needed line (or "even all … would not suffice")
    raise DomainError(
        _("业主表决未通过（依据：%(policy)s）：%(failed)s。%(needed)s。")
        % {"policy": result.policy_label, "failed": "；".join(failed), "needed": needed},
        field="stage",
    )


register_gate(stage_codes.CONSULTATION, consultation_gate)
