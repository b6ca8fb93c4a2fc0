"""The owners' vote of a lift project: start it, follow it, read and print its result.

Thin: the project comes through the scope (`access_project`, 404 outside it), the vote through
`selectors_vote.vote_page` (which applies the engine's sealing), a start through
`services_vote.lift_vote_start`; bad input is a Chinese form message with status 400."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.errors import DomainError
from linli.elevators import selectors_vote, services_vote
from linli.elevators.selectors_projects import access_project

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VoteStartForm(forms.Form):
    opens_at = forms.DateTimeField(label=gettext_lazy("开始时间"), widget=DATETIME_WIDGET)
    closes_at = forms.DateTimeField(label=gettext_lazy("截止时间"), widget=DATETIME_WIDGET)


def _initial() -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {"opens_at": now, "closes_at": now + dt.timedelta(days=14)}


@login_required
@require_http_methods(["GET", "POST"])
def lift_vote(request, project_id: int):
    project = access_project(request.user, project_id)
    status = 200
    form = VoteStartForm(request.POST or None, initial=_initial())
    if request.method == "POST":
        if not request.user.has_perm("elevators.change_liftproject", project):
            raise PermissionDenied
        if form.is_valid():
            try:
                services_vote.lift_vote_start(
                    actor=request.user,
                    project=project,
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("业主表决已开始，投票人名单已按产权人登记确定。"))
                return redirect("lift_vote", project.pk)
        status = 400
    page = selectors_vote.vote_page(request.user, project)
    return render(
        request,
        "elevators/vote.html",
        {"project": project, "page": page, "form": form},
        status=status,
    )


@login_required
@require_GET
def lift_vote_print(request, project_id: int):
    """The A4 result, with the ballot list for staff. Sealed (403) for the others until the close."""
    project = access_project(request.user, project_id)
    page = selectors_vote.vote_page(request.user, project)
    if page.consultation is None:
        raise Http404
    if not page.may_see_result:
        raise PermissionDenied(_("表决结束前，结果对居委工作人员以外的人保密。"))
    rows = selectors_vote.ballot_rows(project) if page.may_see_participation else []
    return render(
        request,
        "elevators/vote_print.html",
        {"project": project, "page": page, "rows": rows, "today": timezone.localdate()},
    )
