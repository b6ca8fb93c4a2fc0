"""Pages of the construction duty roster: generate it, read it day by day with each person's load, swap
or replace on a shift, print it for the stairwell. Thin: parse, call services_roster / selectors_roster,
render. Who may: the project's carers (elevators.change_liftproject — staff, the building's leader)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.elevators import selectors_roster as selectors
from linli.elevators import services_roster as services
from linli.elevators.forms_roster import ReplaceForm, RosterForm, SwapForm, add_domain_error
from linli.elevators.selectors_projects import access_project
from linli.organizing.selectors_volunteers import shown_name
from linli.registry.views import require_perm

PERM = "elevators.change_liftproject"


def _project(request, project_id: int):
    project = access_project(request.user, project_id)
    require_perm(request, PERM, project)
    return project


def _roster_form(request, project, roster, data=None) -> RosterForm:
    volunteers = selectors.volunteer_choices(request.user, project)
    scope = scope_for(request.user)
    names = {v.pk: shown_name(v, scope) for v in volunteers}
    members = {m.volunteer_id: m for m in roster.members.all()} if roster else {}
    initial = {}
    if roster is not None:
        initial = {
            "starts_on": roster.starts_on,
            "ends_on": roster.ends_on,
            "slots": "\n".join(
                f"{s['label'].rsplit(' ', 1)[0]} {s['start']}-{s['end']}" for s in roster.slots
            ),
            "need": roster.need,
            "max_per_day": roster.max_per_day,
            "working_days_only": roster.working_days_only,
        }
    return RosterForm(data, volunteers=volunteers, names=names, members=members, initial=initial)


def _choices(view) -> list[tuple[int, str]]:
    return [
        (seat.assignment_id, f"{day.label} {cell.slot.label} · {seat.name}")
        for day in view.days
        for cell in day.cells
        for seat in cell.seats
    ]


def _page(request, project, *, form=None, swap_form=None, replace_form=None, failed=None, status=200):
    roster = selectors.roster_of(project)
    view = selectors.roster_view(roster, request.user) if roster else None
    choices = _choices(view) if view else []
    member_choices = [(row.volunteer_id, row.name) for row in view.loads] if view else []
    context = {
        "project": project,
        "community": project.community,
        "form": form or _roster_form(request, project, roster),
        "view": view,
        "failed": failed,
        "swap_form": swap_form or (SwapForm(choices=choices) if choices else None),
        "replace_form": replace_form
        or (ReplaceForm(choices=choices, members=member_choices) if choices else None),
    }
    return render(request, "elevators/roster.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lift_roster(request, project_id: int):
    project = _project(request, project_id)
    if request.method == "GET":
        return _page(request, project)
    roster = selectors.roster_of(project)
    form = _roster_form(request, project, roster, data=request.POST)
    if not form.is_valid():
        return _page(request, project, form=form, status=400)
    data = form.cleaned_data
    try:
        outcome = services.roster_generate(
            actor=request.user,
            project=project,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            slots=data["slots"],
            need=data["need"],
            max_per_day=data["max_per_day"],
            working_days_only=data["working_days_only"],
            members=data["members"],
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _page(request, project, form=form, status=400)
    if not outcome.stored:
        # Not bad input but an impossible wish: the page explains which shifts stay empty and why.
        return _page(request, project, form=form, failed=outcome)
    messages.success(
        request,
        _("已生成值守排班：%(status)s。") % {"status": outcome.result.status_text},
    )
    return redirect("lift_roster", project.pk)


def _roster_or_404(project):
    from django.http import Http404

    roster = selectors.roster_of(project)
    if roster is None:
        raise Http404
    return roster


@login_required
@require_POST
def lift_roster_swap(request, project_id: int):
    project = _project(request, project_id)
    roster = _roster_or_404(project)
    view = selectors.roster_view(roster, request.user)
    form = SwapForm(request.POST, choices=_choices(view))
    if form.is_valid():
        try:
            services.duty_swap(
                actor=request.user,
                roster=roster,
                assignment_a=form.cleaned_data["assignment_a"],
                assignment_b=form.cleaned_data["assignment_b"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已互换班次。"))
            return redirect("lift_roster", project.pk)
    return _page(request, project, swap_form=form, status=400)


@login_required
@require_POST
def lift_roster_replace(request, project_id: int):
    project = _project(request, project_id)
    roster = _roster_or_404(project)
    view = selectors.roster_view(roster, request.user)
    form = ReplaceForm(
        request.POST, choices=_choices(view), members=[(row.volunteer_id, row.name) for row in view.loads]
    )
    if form.is_valid():
        try:
            services.duty_replace(
                actor=request.user,
                roster=roster,
                assignment_id=form.cleaned_data["assignment"],
                volunteer_id=form.cleaned_data["volunteer"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已换人。"))
            return redirect("lift_roster", project.pk)
    return _page(request, project, replace_form=form, status=400)


@login_required
@require_GET
def lift_roster_print(request, project_id: int):
    project = _project(request, project_id)
    roster = _roster_or_404(project)
    context = {
        "project": project,
        "community": project.community,
        "view": selectors.roster_view(roster, request.user),
        "today": timezone.localdate(),
    }
    return render(request, "elevators/roster_print.html", context)
