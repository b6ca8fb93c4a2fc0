"""Pages of lift projects: the community overview, starting a project, a project with its stages, its
facts, the people who carry it and its documents.

Thin views: parse, call a selector or a service, render. Visibility comes from the scoped selectors
(404 outside the scope), actions from the rules (403; elevators/rules.py).
"""

from __future__ import annotations

import contextlib
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.elevators import selectors_projects as selectors
from linli.elevators import services_projects as services
from linli.elevators.forms_projects import (
    DocumentForm,
    PersonForm,
    ProjectCreateForm,
    ProjectFactsForm,
    StageAddForm,
    StageCompleteForm,
    StageRenameForm,
    StopForm,
    add_domain_error,
)
from linli.elevators.models import ProjectDocument, Stage
from linli.elevators.policy import lift_policy
from linli.registry.views import community_with_perm, require_perm


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def lift_overview(request, community_id: int):
    community = community_with_perm(request, community_id, "elevators.view_lifts")
    services.stages_ensure(community.pk)
    data = selectors.overview(request.user, community)
    columns = [(stage, data.by_stage[stage.pk], data.durations[stage.pk]) for stage in data.stages]
    context = {
        "community": community,
        "overview": data,
        "columns": columns,
        "active_count": sum(len(projects) for projects in data.by_stage.values()),
        "success_percent": None if data.success_rate is None else round(float(data.success_rate) * 100),
        "can_add": request.user.has_perm("elevators.add_liftproject", community),
        "can_edit_stages": request.user.has_perm("elevators.change_stages", community),
    }
    return render(request, "elevators/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def lift_project_create(request, community_id: int):
    community = community_with_perm(request, community_id, "elevators.add_liftproject")
    entrances = selectors.eligible_entrances(request.user, community)
    initial = {"entrance": request.GET.get("entrance")} if request.GET.get("entrance") else None
    form = ProjectCreateForm(_posted(request), entrances=entrances, initial=initial)
    if form.is_bound and form.is_valid():
        entrance = next(e for e in entrances if e.pk == form.cleaned_data["entrance"])
        try:
            project = services.project_create(
                actor=request.user,
                entrance=entrance,
                started_on=form.cleaned_data["started_on"],
                vote_scope=form.cleaned_data["vote_scope"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已为%(entrance)s建立加梯项目。") % {"entrance": entrance})
            return redirect("lift_project_detail", project.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"community": community, "form": form, "entrances": entrances}
    return render(request, "elevators/project_form.html", context, status=status)


def _detail_context(request, project, **forms) -> dict:
    states = selectors.stage_states(project)
    current = selectors.current_stage(project, states)
    can_change = request.user.has_perm("elevators.change_liftproject", project)
    policy = None
    with contextlib.suppress(DomainError):  # no version for the start date: the page says so
        policy = lift_policy(project.started_on)
    context = {
        "project": project,
        "community": project.community,
        "states": states,
        "current": current,
        "policy": policy,
        "people": list(project.people.select_related("resident").all()),
        "documents": list(project.documents.select_related("stage").all()),
        "can_change": can_change,
        "stage_form": StageCompleteForm(initial={"stage": current.pk if current else None}),
        "facts_form": ProjectFactsForm(
            initial={
                "estimated_cost": project.estimated_cost,
                "permit_number": project.permit_number,
                "in_use_on": project.in_use_on,
                "registered_on": project.registered_on,
                "lift_manager": project.lift_manager,
                "note": project.note,
            }
        ),
        "stop_form": StopForm(),
        "person_form": PersonForm(),
        "document_form": DocumentForm(stages=[s.stage for s in states]),
    }
    context.update(forms)
    return context


@login_required
@require_GET
def lift_project_detail(request, project_id: int):
    project = selectors.access_project(request.user, project_id)
    return render(request, "elevators/project_detail.html", _detail_context(request, project))


def _changeable(request, project_id: int):
    project = selectors.access_project(request.user, project_id)
    require_perm(request, "elevators.change_liftproject", project)
    return project


@login_required
@require_POST
def lift_stage_complete(request, project_id: int):
    project = _changeable(request, project_id)
    form = StageCompleteForm(request.POST)
    if form.is_valid():
        stage = Stage.objects.filter(pk=form.cleaned_data["stage"], community_id=project.community_id).first()
        if stage is None:
            raise Http404
        try:
            services.stage_complete(
                actor=request.user,
                project=project,
                stage=stage,
                completed_on=form.cleaned_data["completed_on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已记录“%(stage)s”完成。") % {"stage": stage.name})
            return redirect("lift_project_detail", project.pk)
    return render(
        request,
        "elevators/project_detail.html",
        _detail_context(request, project, stage_form=form),
        status=400,
    )


def _post_on_detail(request, project_id: int, form_class, key: str, act, done: str):
    """A small form posted from the project page: on success `act(project, cleaned_data)` and back to the
    page with `done`; on a refusal the page again with the form and its message (400)."""
    project = _changeable(request, project_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(project, form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect("lift_project_detail", project.pk)
    project.refresh_from_db()
    return render(
        request, "elevators/project_detail.html", _detail_context(request, project, **{key: form}), status=400
    )


@login_required
@require_POST
def lift_project_facts(request, project_id: int):
    return _post_on_detail(
        request,
        project_id,
        ProjectFactsForm,
        "facts_form",
        lambda project, data: services.project_update(actor=request.user, project=project, **data),
        _("已保存项目信息。"),
    )


@login_required
@require_POST
def lift_project_stop(request, project_id: int):
    return _post_on_detail(
        request,
        project_id,
        StopForm,
        "stop_form",
        lambda project, data: services.project_stop(
            actor=request.user, project=project, reason=data["reason"]
        ),
        _("项目已中止。"),
    )


@login_required
@require_POST
def lift_person_add(request, project_id: int):
    return _post_on_detail(
        request,
        project_id,
        PersonForm,
        "person_form",
        lambda project, data: services.person_add(actor=request.user, project=project, **data),
        _("已添加。"),
    )


@login_required
@require_POST
def lift_document_add(request, project_id: int):
    project = _changeable(request, project_id)
    stages = selectors.stages_of(project.community_id)
    form = DocumentForm(request.POST, request.FILES, stages=stages)
    if form.is_valid():
        stage = next((s for s in stages if s.pk == form.cleaned_data["stage"]), None)
        try:
            services.document_add(
                actor=request.user,
                project=project,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                stage=stage,
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已上传文件。"))
            return redirect("lift_project_detail", project.pk)
    return render(
        request,
        "elevators/project_detail.html",
        _detail_context(request, project, document_form=form),
        status=400,
    )


@login_required
@require_GET
def lift_document_file(request, document_id: int):
    document = ProjectDocument.objects.filter(pk=document_id).select_related("project").first()
    if document is None:
        raise Http404
    selectors.access_project(request.user, document.project_id)  # 404 outside the scope
    if not document.file:
        raise Http404
    content_type = mimetypes.guess_type(document.file.name)[0] or "application/octet-stream"
    with document.file.open("rb") as handle:  # at most 10 MB (services_projects.document_add)
        response = HttpResponse(handle.read(), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def lift_stages(request, community_id: int):
    """The community's stage list (staff): rename a stage, add one of its own after another, remove an
    added one nobody has recorded. One form per action, told apart by the button pressed."""
    community = community_with_perm(request, community_id, "elevators.change_stages")
    stages = services.stages_ensure(community.pk)
    add_form = StageAddForm(stages=stages)
    rename_form = None
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        by_pk = {s.pk: s for s in stages}
        try:
            if action == "add":
                add_form = StageAddForm(request.POST, stages=stages)
                if add_form.is_valid():
                    services.stage_add(
                        actor=request.user,
                        community_id=community.pk,
                        after=by_pk[add_form.cleaned_data["after"]],
                        name=add_form.cleaned_data["name"],
                        description=add_form.cleaned_data["description"],
                    )
                    messages.success(request, _("已添加阶段。"))
                    return redirect("lift_stages", community.pk)
            elif action in ("rename", "remove"):
                rename_form = StageRenameForm(request.POST)
                stage = by_pk.get(int(request.POST.get("stage") or 0))
                if stage is None:
                    raise Http404
                if action == "remove":
                    services.stage_remove(actor=request.user, stage=stage)
                    messages.success(request, _("已删除阶段。"))
                    return redirect("lift_stages", community.pk)
                if rename_form.is_valid():
                    services.stage_rename(
                        actor=request.user,
                        stage=stage,
                        name=rename_form.cleaned_data["name"],
                        description=rename_form.cleaned_data["description"],
                    )
                    messages.success(request, _("已保存。"))
                    return redirect("lift_stages", community.pk)
                error = next(iter(rename_form.errors.values()))[0]
            else:
                raise Http404
        except DomainError as exc:
            if action == "add":
                add_domain_error(add_form, exc)
            else:
                error = exc.message
    context = {"community": community, "stages": stages, "add_form": add_form, "error": error}
    status = 400 if request.method == "POST" else 200
    return render(request, "elevators/stages.html", context, status=status)
