"""The staff page of background jobs: recent runs and failures, one run with its notes, retry."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import DomainError
from linli.jobs import rules, selectors, services
from linli.jobs.models import RunStatus


def _require_viewer(request) -> None:
    if not request.user.has_perm("jobs.view_runs"):
        raise PermissionDenied


@login_required
@require_GET
def run_list(request):
    _require_viewer(request)
    status = request.GET.get("status", "")
    runs = selectors.run_list(request.user, status=status)
    page = Paginator(runs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "status": status if status in RunStatus.values else "",
        "statuses": RunStatus.choices,
        "failed": selectors.failed_count(request.user),
        "schedules": selectors.schedule_rows(request.user),
        "full": {run.pk for run in page.object_list if rules.may_see_run_in_full(request.user, run)},
        "retryable": {run.pk for run in page.object_list if request.user.has_perm("jobs.retry_run", run)},
    }
    return render(request, "jobs/run_list.html", context)


@login_required
@require_GET
def run_detail(request, run_id: int):
    _require_viewer(request)
    run = selectors.access_run(request.user, run_id)
    context = {
        "run": run,
        "notes": selectors.run_notes(request.user, run),
        "full": rules.may_see_run_in_full(request.user, run),
        "can_retry": run.status == RunStatus.FAILED and request.user.has_perm("jobs.retry_run", run),
    }
    return render(request, "jobs/run_detail.html", context)


@login_required
@require_POST
def run_retry(request, run_id: int):
    _require_viewer(request)
    run = selectors.access_run(request.user, run_id)
    if not request.user.has_perm("jobs.retry_run", run):
        raise PermissionDenied
    try:
        services.run_retry(actor=request.user, run=run)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已重新排队，工作进程会尽快运行。"))
    return redirect("job_run_detail", run.pk)
