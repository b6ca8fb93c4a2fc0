"""The audit pages: the change history of a resident and of a household (the "修改记录" tab), the
community's audit log and its access log (staff only). Reads only; each view checks the permission,
builds its filters and pages through a selector of registry/selectors_audit.py at a fixed query count."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from linli.registry import selectors, selectors_audit
from linli.registry.forms_privacy import AccessLogFilterForm, AuditFilterForm
from linli.registry.views import community_with_perm, require_perm


def _page(request, items):
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def resident_history(request, resident_id: int):
    resident = selectors.access_resident(request.user, resident_id)
    require_perm(request, "registry.view_resident_history", resident)
    page = _page(request, selectors_audit.resident_timeline(request.user, resident))
    return render(request, "registry/audit/resident_history.html", {"resident": resident, "page_obj": page})


@login_required
@require_GET
def household_history(request, household_id: int):
    household = selectors.access_household(request.user, household_id)
    require_perm(request, "registry.view_household_history", household)
    page = _page(request, selectors_audit.household_timeline(request.user, household))
    return render(
        request, "registry/audit/household_history.html", {"household": household, "page_obj": page}
    )


def _filters(form) -> selectors_audit.AuditFilters:
    return selectors_audit.AuditFilters(
        date_from=form.value("date_from"),
        date_to=form.value("date_to"),
        user_id=form.value("user"),
        kind=(form.value("kind") or "") if "kind" in form.fields else "",
        action=form.value("action") or "",
    )


@login_required
@require_GET
def community_audit(request, community_id: int):
    community = community_with_perm(request, community_id, "registry.view_audit_log")
    form = AuditFilterForm(
        request.GET or None,
        users=selectors_audit.community_people(community),
        kinds=[(key, audited.label) for key, audited in selectors_audit.AUDITED.items()],
    )
    page = _page(request, selectors_audit.community_timeline(community, _filters(form)))
    return render(
        request,
        "registry/audit/community_audit.html",
        {"community": community, "form": form, "page_obj": page},
    )


@login_required
@require_GET
def access_log(request, community_id: int):
    community = community_with_perm(request, community_id, "registry.view_audit_log")
    form = AccessLogFilterForm(request.GET or None, users=selectors_audit.community_people(community))
    entries = selectors_audit.access_log_entries(community, _filters(form))
    page = _page(request, selectors_audit.AccessRows(entries, community))
    return render(
        request, "registry/audit/access_log.html", {"community": community, "form": form, "page_obj": page}
    )
