"""Reads of a lift project's cost plan: the flats it shares over, the stored plan with its table and
totals, the form's starting values, the plan as notice text, and what still holds the design stage.

Callers fetch the project through `selectors_projects.access_project` (the scope) first; everything here
reads rows of that one project.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.elevators import rules_cost
from linli.elevators.models import CostMethod, CostPlan, CostShare, LiftProject, VoteScope
from linli.registry.models import Flat

PAYER_OWNER = "owner"


def plan_flats(project: LiftProject) -> list[Flat]:
    """The flats that share the cost: the entrance's, or the building's when the project decides by
    building (the same scope as its vote)."""
    qs = Flat.objects.select_related("entrance")
    if project.vote_scope == VoteScope.BUILDING:
        qs = qs.filter(building_id=project.building_id)
    else:
        qs = qs.filter(entrance_id=project.entrance_id)
    return list(qs.order_by("entrance__number", "floor", "number"))


def plan_floors(project: LiftProject, flats: list[Flat] | None = None) -> list[int]:
    """Floors that get a coefficient: every floor of the building, and any floor a flat is recorded on."""
    flats = plan_flats(project) if flats is None else flats
    return sorted(set(range(1, project.building.floors + 1)) | {f.floor for f in flats})


def plan_of(project: LiftProject) -> CostPlan | None:
    return CostPlan.objects.filter(project=project).select_related("policy", "notice", "computed_by").first()


def payer_label(share: CostShare) -> str:
    if share.payer == "fund":
        return _("由%(fund)s支付") % {"fund": share.fund}
    if share.payer == "covered_by_others":
        return _("免交，由其他业主分担")
    return _("业主自付")


@dataclass
class PlanTable:
    plan: CostPlan
    shares: list[CostShare]
    owners_total: Decimal
    fund_totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((s.share for s in self.shares), Decimal("0.00"))


def plan_table(plan: CostPlan) -> PlanTable:
    """The stored shares in floor order, each with its payer's label, and the totals by payer."""
    shares = list(
        CostShare.objects.filter(plan=plan)
        .select_related("flat__entrance")
        .order_by("floor", "flat__entrance__number", "flat__number")
    )
    owners = Decimal("0.00")
    funds: dict[str, Decimal] = {}
    project = plan.project
    for share in shares:
        share.payer_label = payer_label(share)
        share.label = flat_label_in(project, share.flat)
        if share.payer == PAYER_OWNER:
            owners += share.share
        elif share.payer == "fund":
            funds[share.fund] = funds.get(share.fund, Decimal("0.00")) + share.share
    return PlanTable(plan=plan, shares=shares, owners_total=owners, fund_totals=dict(sorted(funds.items())))


def flat_label_in(project: LiftProject, flat: Flat) -> str:
    return flat.label if project.vote_scope == VoteScope.BUILDING else flat.number


def form_initial(project: LiftProject, plan: CostPlan | None, floors: list[int]) -> dict:
    """The cost form's values: the stored plan's, or for a new plan the suggested coefficients of
    rules_cost (Guangzhou's published scheme), the area method, and the eligible cost equal to the total
    (the project's estimate when there is one)."""
    if plan is not None:
        initial = {
            "total_cost": plan.total_cost,
            "eligible_cost": plan.eligible_cost,
            "other_funds": plan.other_funds,
            "other_funds_note": plan.other_funds_note,
            "method": plan.method,
        }
        stored = {int(k): Decimal(v) for k, v in plan.coefficients.items()}
        suggested = rules_cost.default_coefficients(max(floors))
        for floor in floors:
            initial[f"coef_{floor}"] = stored.get(floor, suggested.get(floor, Decimal("0")))
        for key, e in plan.exemptions.items():
            initial[f"exempt_{key}"] = e.get("kind", "")
            initial[f"fund_{key}"] = e.get("fund", "")
            initial[f"reason_{key}"] = e.get("reason", "")
        return initial
    suggested = rules_cost.default_coefficients(max(floors))
    initial = {
        "total_cost": project.estimated_cost,
        "eligible_cost": project.estimated_cost,
        "other_funds": Decimal("0.00"),
        "method": CostMethod.AREA,
    }
    for floor in floors:
        initial[f"coef_{floor}"] = suggested.get(floor, Decimal("0"))
    return initial


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def plan_text(plan: CostPlan, *, ends_at: dt.datetime, days: int, policy_label: str) -> str:
    """The plan as the text of its public notice: what is noticed and until when, the figures, the
    rule, and the table line by line (a notice is text; the signed table is the printed page)."""
    project = plan.project
    table = plan_table(plan)
    end = timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M")
    lines = [
        _("%(entrance)s加装电梯设计方案及费用分摊方案现予公示。") % {"entrance": project.entrance},
        _(
            "公示期 %(days)d 天，至 %(end)s 止（依据：%(policy)s）。"
            "对方案有异议的业主，请在公示期内以书面、实名方式提出。"
        )
        % {"days": days, "end": end, "policy": policy_label},
        "",
        _(
            "工程总价 %(total)s 元；可补贴费用 %(eligible)s 元；政府补贴 %(subsidy)s 元；其他资金 %(others)s 元%(note)s；业主应筹 %(amount)s 元。"
        )
        % {
            "total": _yuan(plan.total_cost),
            "eligible": _yuan(plan.eligible_cost),
            "subsidy": _yuan(plan.subsidy),
            "others": _yuan(plan.other_funds),
            "note": f"（{plan.other_funds_note}）" if plan.other_funds_note else "",
            "amount": _yuan(plan.amount),
        },
        "",
        _("分摊规则："),
        *plan.rule_text,
        "",
        _("分摊明细（楼层｜房屋｜面积㎡｜系数｜分摊金额元｜支付方）："),
    ]
    for share in table.shares:
        lines.append(
            "｜".join(
                [
                    _("%(floor)s层") % {"floor": share.floor},
                    share.label,
                    f"{share.area}",
                    format(share.coefficient.normalize(), "f"),
                    _yuan(share.share),
                    share.payer_label,
                ]
            )
        )
    lines.append(
        _("合计 %(total)s 元，其中业主自付 %(owners)s 元。")
        % {"total": _yuan(table.total), "owners": _yuan(table.owners_total)}
    )
    for fund, total in table.fund_totals.items():
        lines.append(_("%(fund)s支付 %(total)s 元。") % {"fund": fund, "total": _yuan(total)})
    return "\n".join(lines)


def blocking_objections(notice):
    """Objections that hold the project (rules/lift.md stage 4): written (every objection filed in Linli
    is a written text), real-name (filed by a signed-in resident, or tied to a registered household),
    filed within the notice's period, and not yet answered. Anonymous ones are kept but do not block."""
    return notice.objections.filter(
        Q(author__isnull=False) | Q(household__isnull=False),
        filed_at__gte=notice.starts_at,
        filed_at__lt=notice.ends_at,
    ).filter(Q(answered_at__isnull=True) | Q(answer=""))


def design_notice_problems(
    project: LiftProject, *, now: dt.datetime, day: dt.date | None = None
) -> list[str]:
    """Why 方案设计 cannot be completed yet (empty when it can): no design notice, a notice whose period
    has not ended (by `now`, and by `day`, the completion date being recorded), a cost plan changed
    since it was noticed, or written real-name objections of the period still unanswered."""
    notice = project.design_notice if project.design_notice_id else None
    if notice is None:
        return [_("设计方案尚未公示，请先发布公示。")]
    problems = []
    end = timezone.localtime(notice.ends_at)
    if notice.ends_at > now or (day is not None and end.date() > day):
        problems.append(
            _("设计方案公示期至 %(end)s 结束，公示期满后才能完成本阶段。")
            % {"end": end.strftime("%Y-%m-%d %H:%M")}
        )
    plan = CostPlan.objects.filter(project=project).only("notice_id").first()
    if plan is not None and plan.notice_id != project.design_notice_id:
        problems.append(_("费用分摊方案在公示后修改过，请重新公示。"))
    pending = blocking_objections(notice).count()
    if pending:
        problems.append(
            _("公示期内有 %(n)d 条书面实名异议尚未答复，项目暂缓，待调解并答复后才能继续。") % {"n": pending}
        )
    return problems


@dataclass
class NoticeState:
    notice: object
    ended: bool
    objections: int
    pending: int
    problems: list[str]


def notice_state(project: LiftProject, *, now: dt.datetime | None = None) -> NoticeState | None:
    """The design notice as the cost page shows it: its period, objections, what holds the stage."""
    if not project.design_notice_id:
        return None
    now = now or timezone.now()
    notice = project.design_notice
    return NoticeState(
        notice=notice,
        ended=notice.ends_at <= now,
        objections=notice.objections.count(),
        pending=blocking_objections(notice).count(),
        problems=design_notice_problems(project, now=now),
    )
