"""Pages of a lift project's cost plan: the form and the table, the A4 table for signature, and the
public notice of the plan.

Thin views: the project comes through the scope (`access_project`, 404 outside it), actions need
"elevators.change_liftproject" (403); the plan is computed and stored by `services_costs`, whose
DomainError is shown on the form with status 400, the previous plan untouched.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.elevators import selectors_costs as selectors
from linli.elevators import services_costs as services
from linli.elevators.forms_costs import CostPlanForm
from linli.elevators.selectors_projects import access_project
from linli.registry.forms import add_domain_error
from linli.registry.views import require_perm


def _project(request, project_id: int):
    project = access_project(request.user, project_id)
    require_perm(request, "elevators.change_liftproject", project)
    return project


@login_required
@require_http_methods(["GET", "POST"])
def lift_cost(request, project_id: int):
    project = _project(request, project_id)
    plan = selectors.plan_of(project)
    flats = selectors.plan_flats(project)
    floors = selectors.plan_floors(project, flats)
    labels = {f.pk: selectors.flat_label_in(project, f) for f in flats}
    form = CostPlanForm(
        request.POST if request.method == "POST" else None,
        initial=selectors.form_initial(project, plan, floors),
        floors=floors,
        flats=flats,
        labels=labels,
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.cost_plan_save(
                    actor=request.user, project=project, exemptions=form.exemptions(), **form.plan_data()
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("已保存费用分摊方案。"))
                return redirect("lift_cost", project.pk)
        status = 400
    context = {
        "project": project,
        "community": project.community,
        "form": form,
        "plan": plan,
        "table": selectors.plan_table(plan) if plan is not None else None,
        "notice_state": selectors.notice_state(project),
    }
    return render(request, "elevators/cost.html", context, status=status)


@login_required
@require_GET
def lift_cost_print(request, project_id: int):
    project = _project(request, project_id)
    plan = selectors.plan_of(project)
    context = {
        "project": project,
        "community": project.community,
        "plan": plan,
        "table": selectors.plan_table(plan) if plan is not None else None,
    }
    return render(request, "elevators/cost_print.html", context)


@login_required
@require_POST
def lift_cost_publish(request, project_id: int):
    project = _project(request, project_id)
    try:
        notice = services.cost_plan_publish(actor=request.user, project=project)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已发布公示“%(title)s”。") % {"title": notice.title})
    return redirect("lift_cost", project.pk)
