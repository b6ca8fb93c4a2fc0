"""Writes of a lift project's cost-sharing plan (费用分摊方案) and its public notice (公示).

The arithmetic is `linli.elevators.rules_cost` (exact, tested without a database); this module feeds it
the entrance's flats and the figures of the policy version in force at the project's start, and stores
the result so the table the owners sign never changes under them. A plan is saved whole or not at all:
any bad input raises DomainError before a row is written, and the previous plan stays as it was.

The design plan is publicly noticed through the deliberation notices for the policy's number of days
(rules/lift.md stage 4). Written, real-name objections filed in that period hold the project: the gate
registered here refuses to complete 方案设计 until the period has ended and every such objection has been
answered. A plan changed after its notice must be noticed again — the owners object to what they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.elevators import rules_cost
from linli.elevators import stages as stage_codes
from linli.elevators.models import CostPlan, CostShare, LiftProject, VoteScope
from linli.elevators.policy import lift_policy
from linli.elevators.rules_cost import CostFlat, Exemption
from linli.elevators.selectors_costs import design_notice_problems, plan_flats, plan_text
from linli.elevators.services_projects import register_gate

MONEY_LIMIT = Decimal("10000000000")  # CostPlan's money columns hold 10 digits before the point
COEFFICIENT_LIMIT = Decimal("1000")  # CostShare.coefficient: 3 digits before the point, 2 after
FUND_MAX = 50  # CostShare.fund
NOTE_MAX = 200  # CostPlan.other_funds_note


def _require_change(actor, project: LiftProject) -> None:
    if not actor.has_perm("elevators.change_liftproject", project):
        raise DomainError(_("您没有权限操作此加梯项目。"))


def _check_money(value: Decimal, *, what: str, field: str) -> Decimal:
    """Money as the columns can hold it; the rules check the rest (more than two places). Floats are
    refused like in the rules: a plan is computed from exact numbers only."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        raise DomainError(_("%(what)s不是有效数字。") % {"what": what}, field=field)
    if value < 0:
        raise DomainError(_("%(what)s不能为负数。") % {"what": what}, field=field)
    if value >= MONEY_LIMIT:
        raise DomainError(_("%(what)s数额过大。") % {"what": what}, field=field)
    return value


def _check_stored_coefficients(coefficients: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """The rules' check, plus what the table can store exactly: two decimal places, under 1000. A
    coefficient rounded by the database would make the stored table disagree with its shares."""
    checked = rules_cost.check_coefficients(coefficients)
    for floor, value in checked.items():
        if value >= COEFFICIENT_LIMIT or (Fraction(value) * 100).denominator != 1:
            raise DomainError(
                _("%(floor)s层的系数须小于1000，最多两位小数（现为 %(value)s）。")
                % {"floor": floor, "value": value},
                field="coefficients",
            )
    return checked


def _show_rate(rate: Fraction) -> str:
    percent = rate * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return str(rate)


def cost_plan_save(
    *,
    actor,
    project: LiftProject,
    total_cost: Decimal,
    eligible_cost: Decimal,
    other_funds: Decimal,
    other_funds_note: str = "",
    method: str,
    coefficients: Mapping[int, Decimal],
    exemptions: Mapping[int, Exemption] | None = None,
) -> CostPlan:
    """Compute and store the project's cost plan, replacing the previous one (its shares included).

    Subsidy = min(cap, rate × eligible cost) with cap and rate from the policy version in force on the
    project's start date, which the plan names; amount to raise = total − subsidy − other funds; shares
    by `rules_cost.cost_shares` over the flats of the entrance (or the building, when the project votes
    by building). Everything is computed before anything is written, in one transaction: bad input
    raises DomainError and leaves the previous plan intact.
    """
    _require_change(actor, project)
    total_cost = _check_money(total_cost, what=_("工程总价"), field="total_cost")
    eligible_cost = _check_money(eligible_cost, what=_("可补贴费用"), field="eligible_cost")
    other_funds = _check_money(other_funds, what=_("其他资金"), field="other_funds")
    if eligible_cost > total_cost:
        raise DomainError(_("可补贴费用不能超过工程总价。"), field="eligible_cost")
    other_funds_note = (other_funds_note or "").strip()
    if len(other_funds_note) > NOTE_MAX:
        raise DomainError(_("其他资金来源最多 %(n)d 字。") % {"n": NOTE_MAX}, field="other_funds_note")
    if method not in rules_cost.METHODS:
        raise DomainError(_("请选择分摊方式。"), field="method")
    coeffs = _check_stored_coefficients(coefficients)
    exemptions = dict(exemptions or {})
    for exemption in exemptions.values():
        if len(exemption.fund) > FUND_MAX:
            raise DomainError(_("资金名称最多 %(n)d 字。") % {"n": FUND_MAX}, field="exemptions")

    policy = lift_policy(project.started_on)
    grant = rules_cost.subsidy(
        eligible_cost=eligible_cost, cap=policy["subsidy_cap"], rate=policy["subsidy_rate"]
    )
    amount = rules_cost.amount_to_raise(total_cost=total_cost, subsidy=grant, other_funds=other_funds)
    flats = plan_flats(project)
    if not flats:
        raise DomainError(_("本单元还没有登记房屋，无法分摊。"), field="flats")
    by_pk = {flat.pk: flat for flat in flats}
    label = (lambda f: f.label) if project.vote_scope == VoteScope.BUILDING else (lambda f: f.number)
    shares = rules_cost.cost_shares(
        amount=amount,
        flats=[CostFlat(key=f.pk, label=label(f), floor=f.floor, area=f.area) for f in flats],
        coefficients=coeffs,
        method=method,
        exemptions=exemptions,
    )
    rule_text = [
        _(
            "政府补贴 = min(补贴上限 %(cap)s 元, 补贴比例 %(rate)s × 可补贴费用 %(eligible)s 元)"
            " = %(subsidy)s 元（依据：%(policy)s）。"
        )
        % {
            "cap": f"{policy['subsidy_cap']:,.2f}",
            "rate": _show_rate(policy["subsidy_rate"]),
            "eligible": f"{eligible_cost:,.2f}",
            "subsidy": f"{grant:,.2f}",
            "policy": policy.label,
        },
        _("应筹金额 = 工程总价 %(total)s 元 − 政府补贴 %(subsidy)s 元 − 其他资金 %(others)s 元，不低于0。")
        % {
            "total": f"{total_cost:,.2f}",
            "subsidy": f"{grant:,.2f}",
            "others": f"{other_funds:,.2f}",
        },
        *shares.rule_text,
    ]

    with transaction.atomic():
        LiftProject.objects.select_for_update().filter(pk=project.pk).first()
        plan = CostPlan.objects.filter(project=project).first() or CostPlan(
            community_id=project.community_id, project=project
        )
        plan.total_cost = total_cost
        plan.eligible_cost = eligible_cost
        plan.other_funds = other_funds
        plan.other_funds_note = other_funds_note
        plan.subsidy = grant
        plan.amount = shares.amount
        plan.method = method
        plan.coefficients = {str(f): str(v) for f, v in sorted(coeffs.items())}
        plan.exemptions = {
            str(key): {"kind": e.kind, "fund": e.fund, "reason": e.reason}
            for key, e in sorted(exemptions.items())
        }
        plan.rule_text = rule_text
        plan.policy = policy.version
        plan.notice = None  # a changed plan is not the one the residents read: notice it again
        plan.computed_by = actor
        plan._history_user = actor
        plan.save()
        CostShare.objects.filter(plan=plan).delete()
        CostShare.objects.bulk_create(
            CostShare(
                community_id=project.community_id,
                plan=plan,
                flat=by_pk[row.flat.key],
                floor=row.flat.floor,
                area=row.area,
                coefficient=row.coefficient,
                share=row.share,
                payer=row.payer,
                fund=row.fund,
            )
            for row in shares.rows
        )
    return plan


def cost_plan_publish(*, actor, project: LiftProject, now: dt.datetime | None = None):
    """Publicly notice the project's design and cost plan (设计方案公示) to the residents of its
    building, for the policy's `design_notice_days` from now, through the deliberation notices (whose
    own rules apply: staff, or a leader of the building). The notice becomes the project's design
    notice, and the plan records it. Refused without a plan, or while the same plan is already noticed.
    """
    from linli.deliberation.services_notices import notice_create

    _require_change(actor, project)
    now = now or timezone.now()
    plan = CostPlan.objects.filter(project=project).select_related("policy").first()
    if plan is None:
        raise DomainError(_("请先保存费用分摊方案，再发布公示。"))
    if plan.notice_id is not None:
        raise DomainError(_("该方案已经公示。修改方案后可重新公示。"))
    policy = lift_policy(project.started_on)
    days = policy["design_notice_days"]
    if days < 1:
        raise DomainError(
            _("政策参数中的设计方案公示天数无效（依据：%(policy)s）。") % {"policy": policy.label}
        )
    ends_at = now + dt.timedelta(days=days)
    title = _("%(entrance)s加装电梯设计方案及费用分摊公示") % {"entrance": project.entrance}
    text = plan_text(
        plan,
        ends_at=ends_at,
        days=days,
        policy_label=policy.label,
    )
    given = project
    with transaction.atomic():
        project = LiftProject.objects.select_for_update().get(pk=project.pk)
        notice = notice_create(
            actor=actor,
            community=project.community,
            title=title[:100],
            text=text,
            starts_at=now,
            ends_at=ends_at,
            buildings=[project.building],
        )
        project.design_notice = notice
        project._history_user = actor
        project.save(update_fields=["design_notice"])
        plan.notice = notice
        plan._history_user = actor
        # computed_at is auto_now, but only the columns named are written: it keeps the time the shares
        # were computed.
        plan.save(update_fields=["notice"])
    given.design_notice = notice
    return notice


def _design_gate(project: LiftProject, day: dt.date) -> None:
    """方案设计 completes only after the design notice's period, with every written real-name objection
    filed in it answered (rules/lift.md stage 4)."""
    problems = design_notice_problems(project, now=timezone.now(), day=day)
    if problems:
        raise DomainError(" ".join(problems), field="stage")


register_gate(stage_codes.DESIGN, _design_gate)
