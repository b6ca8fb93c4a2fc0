"""Pages of publicity and persuasion: the entrance board, a flat's visits and the form to record one,
and the form to record a policy talk or a site visit.

Thin views: parse, call a selector or a service, render. A project outside the user's scope is a 404
(`access_project`), a flat outside the project's voting scope too (`access_flat`); seeing and recording
need "elevators.change_liftproject" (staff, the building's leaders).

The board works with and without JavaScript. Tapping a flat is a link to its page (visit_form.html);
htmx loads the same content into the board's panel instead. Recording a visit through htmx answers with
the panel and, out of band, the board grid, the funnel and the "who next" list, so the flat changes colour
in place; without htmx the form posts and redirects back to the board.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.errors import DomainError
from linli.elevators import selectors_persuasion as selectors
from linli.elevators import services_persuasion as services
from linli.elevators.forms_persuasion import OutreachForm, VisitForm, add_domain_error
from linli.elevators.models import Attitude, VoteScope
from linli.elevators.selectors_projects import access_project
from linli.registry.views import require_perm

PERM = "elevators.change_liftproject"


def _partial(request) -> bool:
    return bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request


def _project(request, project_id: int):
    project = access_project(request.user, project_id)
    require_perm(request, PERM, project)
    return project


def _visitor_name(user) -> str:
    return getattr(user, "display_name", "") or user.get_username()


def _visit_form(request, flat, data=None) -> VisitForm:
    owners = [o.owner for o in flat.ownerships.all()]
    initial = {"visited_on": timezone.localdate(), "visited_by": _visitor_name(request.user)}
    return VisitForm(data, owners=owners, initial=initial)


def _panel_context(request, project, flat, form, saved=None) -> dict:
    visits = selectors.flat_visits(project, flat)
    current = visits[0] if visits else None
    attitude = selectors.current_attitude(current)
    return {
        "project": project,
        "flat": flat,
        "flat_name": flat.label if project.vote_scope == VoteScope.BUILDING else flat.number,
        "owners": selectors.owner_names(flat),
        "attitude": attitude,
        "attitude_label": Attitude(attitude).label,
        "mark": selectors.ATTITUDE_MARKS[attitude],
        "visits": [(v, selectors.concern_labels(v.concerns)) for v in visits],
        "form": form,
        "saved": saved,
        "today": timezone.localdate(),
    }


@login_required
@require_GET
def lift_board(request, project_id: int):
    project = _project(request, project_id)
    context = {"project": project, **selectors.board_page(request.user, project)}
    return render(request, "elevators/board.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lift_board_flat(request, project_id: int, flat_id: int):
    """A flat's visit history and the form to record a visit (the board's panel, or a page of its own)."""
    project = _project(request, project_id)
    flat = selectors.access_flat(project, flat_id)
    form = _visit_form(request, flat, request.POST if request.method == "POST" else None)
    saved = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            owners = {o.owner_id: o.owner for o in flat.ownerships.all()}
            owner_id = form.cleaned_data["owner"]
            try:
                saved = services.visit_record(
                    actor=request.user,
                    project=project,
                    flat=flat,
                    owner=owners.get(owner_id),
                    **form.visit_data(),
                )
            except DomainError as error:
                add_domain_error(form, error)
        if saved is not None:
            message = _("已记录 %(flat)s 的走访：%(attitude)s。") % {
                "flat": flat.label,
                "attitude": saved.get_attitude_display(),
            }
            if not _partial(request):
                messages.success(request, message)
                return redirect(reverse("lift_board", args=[project.pk]) + f"#flat-{flat.pk}")
            form = _visit_form(request, flat)
            saved = message
        else:
            status = 200 if _partial(request) else 400  # htmx swaps only 2xx: the errors show in place
    context = _panel_context(request, project, flat, form, saved)
    if _partial(request):
        if saved is not None:
            context.update(selectors.board_page(request.user, project))
            context["oob"] = True
        response = render(request, "elevators/partials/board_flat_panel.html", context, status=status)
    else:
        response = render(request, "elevators/visit_form.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def lift_outreach_create(request, project_id: int):
    """Record a policy talk or a site visit to a finished lift, with the entrance's flats that came."""
    project = _project(request, project_id)
    flats = selectors.scope_flats(project)
    flats.sort(key=lambda f: (f.entrance.number, f.floor, f.number))
    form = OutreachForm(
        request.POST if request.method == "POST" else None,
        flats=flats,
        initial={"held_on": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        try:
            event = services.outreach_record(actor=request.user, project=project, **form.outreach_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已记录“%(title)s”。") % {"title": event.title})
            return redirect(reverse("lift_board", args=[project.pk]) + "#outreach")
    status = 400 if form.is_bound else 200
    return render(request, "elevators/outreach_form.html", {"project": project, "form": form}, status=status)
