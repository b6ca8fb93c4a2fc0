"""The ledger pages: download a template, upload a ledger, watch it being checked, read the preview,
confirm the import; and export the resident list as .xlsx.

Thin views over `registry.ledger`: the checks and writes run in background jobs (registry/tasks.py),
and the job page polls its own status with htmx once a second while the job runs, then shows the
preview or the result in place. Imports are for the community's staff (`registry.import_ledger`);
exports for staff and building leaders (`registry.export_residents`), of the residents they see.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.registry import selectors
from linli.registry.forms import ResidentFilterForm, add_domain_error
from linli.registry.ledger import exporting, jobs, reading
from linli.registry.ledger.forms import FullExportForm, LedgerUploadForm
from linli.registry.models import ImportJob, ImportKind
from linli.registry.views import community_with_perm, filter_params

PROBLEMS_PER_PAGE = 200
RECENT_JOBS = 5


def access_import_job(user, job_id: int) -> ImportJob:
    """A ledger import of a community the user may import into (404 outside the scope, 403 without the
    permission)."""
    job = get_object_or_404(
        scope_for(user).filter(ImportJob.objects.select_related("community", "created_by")), pk=job_id
    )
    if not user.has_perm("registry.import_ledger", job.community):
        raise PermissionDenied
    return job


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exporting.XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_GET
def ledger_template(request, community_id: int):
    community_with_perm(request, community_id, "registry.import_ledger")
    kind = ImportKind.FLATS if request.GET.get("kind") == ImportKind.FLATS else ImportKind.RESIDENTS
    name = _("居民台账模板.xlsx") if kind == ImportKind.RESIDENTS else _("楼栋与房屋模板.xlsx")
    return _xlsx(exporting.template_xlsx(kind), name)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request, community_id: int):
    community = community_with_perm(request, community_id, "registry.import_ledger")
    bound = request.method == "POST"
    form = LedgerUploadForm(request.POST if bound else None, request.FILES if bound else None)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > reading.limit("LINLI_IMPORT_MAX_BYTES"):  # refused before it is read
                raise DomainError(reading.size_message(upload.size), field="file")
            job = jobs.import_job_create(
                actor=request.user,
                community=community,
                file_name=upload.name,
                content=upload.read(),
                kind=form.cleaned_data["kind"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect("ledger_job", job.pk)
    recent = ImportJob.objects.filter(community=community).select_related("created_by")[:RECENT_JOBS]
    context = {
        "community": community,
        "form": form,
        "recent": recent,
        "max_mb": f"{reading.limit('LINLI_IMPORT_MAX_BYTES') / 1024 / 1024:g}",
        "max_rows": reading.limit("LINLI_IMPORT_MAX_ROWS"),
    }
    return render(request, "registry/ledger/import.html", context)


@never_cache
@login_required
@require_GET
def ledger_job(request, job_id: int):
    job = access_import_job(request.user, job_id)
    report = job.report or {}
    problems = Paginator(report.get("problems", []), PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "community": job.community,
        "running": jobs.job_is_running(job),
        "can_import": jobs.job_can_import(job),
        "counts": report.get("counts", {}),
        "problems": problems,
        "notes": report.get("notes", []),
        "changes": report.get("changes", []),
        "new": report.get("new", []),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "registry/ledger/partials/job_status.html" if partial else "registry/ledger/job.html"
    return render(request, template, context)


@login_required
@require_POST
def ledger_job_confirm(request, job_id: int):
    job = access_import_job(request.user, job_id)
    try:
        jobs.import_job_confirm(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("ledger_job", job.pk)


@login_required
@require_POST
def ledger_job_cancel(request, job_id: int):
    job = access_import_job(request.user, job_id)
    try:
        jobs.import_job_cancel(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("ledger_job", job.pk)
    messages.success(request, _("已取消这次导入，上传的文件已删除。"))
    return redirect("ledger_import", job.community_id)


def _export_form(request, community) -> ResidentFilterForm:
    """The list's filters: POSTed by the list's export buttons (so that a searched number stays out of
    URLs), or in the query string of an address."""
    data = request.GET.copy()
    data.update(request.POST)  # the body's filters over the address's
    return ResidentFilterForm(
        data,
        buildings=selectors.building_options(request.user, community),
        tags=selectors.tags(),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def resident_export(request, community_id: int):
    """The resident list under the same filters as the page, as .xlsx with ID numbers and phones masked."""
    community = community_with_perm(request, community_id, "registry.export_residents")
    content, _count = exporting.residents_export(
        user=request.user,
        community=community,
        filters=_export_form(request, community).filters(),
        request=request,
    )
    return _xlsx(content, exporting.export_filename(community))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def resident_export_full(request, community_id: int):
    """The same export with the numbers the user may reveal in clear, once they have said why. The list's
    export button POSTs its filters here without a reason: the page asks for one, carrying the filters on
    in hidden fields."""
    community = community_with_perm(request, community_id, "registry.export_residents")
    filters_form = _export_form(request, community)
    filters = filters_form.filters()
    form = FullExportForm(request.POST if "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        content, _count = exporting.residents_export(
            user=request.user,
            community=community,
            filters=filters,
            full=True,
            reason=form.cleaned_data["reason"],
            request=request,
        )
        return _xlsx(content, exporting.export_filename(community))
    scope = scope_for(request.user)
    params = filter_params(filters_form)
    public = [(name, value) for name, value in params if not (name == "q" and filters.q_is_private)]
    context = {
        "community": community,
        "form": form,
        "filter_params": params,
        "back_query": urlencode(public),
        "ids_too": scope.is_staff_of(community.pk),
    }
    return render(request, "registry/ledger/export_full.html", context)
