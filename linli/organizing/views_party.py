"""The party pages: party members with their party age, the 50-year medal candidates (printable), a
branch's page, in-service members (双报到) and identity posts (亮身份).

Thin views: parse the request, call a selector or a service, render. Visibility comes from the scoped
selectors (404 outside the scope), actions from the `rules` permissions (403); see rules_party.py for who
may see party data at all.
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.core.identity import mask_phone
from linli.core.scope import scope_for
from linli.organizing import party, selectors_party, services_party
from linli.organizing.forms_party import (
    IdentityEndForm,
    IdentityPostForm,
    InServiceFilterForm,
    InServiceForm,
    MedalYearForm,
    PartyMemberFilterForm,
    add_domain_error,
)
from linli.registry import selectors as registry_selectors
from linli.registry.forms_privacy import RevealForm
from linli.registry.models import Resident
from linli.registry.views import community_with_perm

RESIDENT_CHOICES = 20  # matches offered when linking an in-service member to a resident


def _this_year(today: dt.date | None = None) -> int:
    return max((today or dt.date.today()).year, party.MEDAL_FIRST_YEAR)


def _partial(request) -> bool:
    return bool(request.htmx and not request.htmx.history_restore_request)


def _group_url(group_id: int) -> str | None:
    """The group's page, when the groups area has one (it is another area's URL: do not assume it)."""
    try:
        return reverse("group_detail", kwargs={"group_id": group_id})
    except NoReverseMatch:
        return None


@login_required
@require_GET
def party_member_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.view_party_members")
    branches = list(selectors_party.branch_options(community))
    form = PartyMemberFilterForm(
        request.GET, branches=branches, buildings=selectors_party.building_options(request.user, community)
    )
    rows = selectors_party.party_member_rows(request.user, community, form.filters())
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    context = {
        "community": community,
        "form": form,
        "page_obj": page,
        "figures": selectors_party.party_figures(request.user, community),
        "whole_community": scope.is_staff_of(community.pk),
        "year": _this_year(),
        "branches": branches,
        "can_view_branches": scope.is_staff_of(community.pk),
        "can_view_in_service": request.user.has_perm("organizing.view_in_service", community),
        "can_change_identity": scope.is_staff_of(community.pk),
    }
    template = (
        "organizing/partials/party_member_results.html"
        if _partial(request)
        else "organizing/party_member_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def party_medal_candidates(request, community_id: int):
    """The year's suggested candidates for the "光荣在党50年" medal; `?print=1` gives the sheet a branch
    prints, signs and sends on."""
    community = community_with_perm(request, community_id, "organizing.view_party_members")
    branches = list(selectors_party.branch_options(community))
    data = request.GET.copy()
    data.setdefault("year", str(_this_year()))
    form = MedalYearForm(data, branches=branches)
    candidates, year, branch = None, None, None
    if form.is_valid():
        year = form.cleaned_data["year"]
        branch_id = form.cleaned_data.get("branch")
        branch = next((b for b in branches if b.pk == branch_id), None)
        candidates = selectors_party.medal_candidates(request.user, community, year, branch=branch_id)
    context = {
        "community": community,
        "form": form,
        "year": year,
        "branch": branch,
        "candidates": candidates,
        "window": party.medal_window(year) if year else None,
        "whole_community": scope_for(request.user).is_staff_of(community.pk),
        "today": dt.date.today(),
    }
    template = (
        "organizing/party_medal_print.html"
        if request.GET.get("print") and candidates is not None
        else "organizing/party_medal_candidates.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def branch_detail(request, community_id: int, branch_id: int):
    branch = selectors_party.access_branch(request.user, community_id, branch_id)
    page = selectors_party.branch_page(request.user, branch)
    context = {
        "community": branch.community,
        "branch": branch,
        "page": page,
        "groups": [(g, _group_url(g.pk)) for g in page.groups],
        "can_change_in_service": request.user.has_perm("organizing.change_in_service", branch.community),
    }
    return render(request, "organizing/branch_detail.html", context)


# ── In-service members (双报到) ───────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def party_in_service_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.view_in_service")
    form = InServiceFilterForm(request.GET, branches=selectors_party.branch_options(community))
    rows = selectors_party.InServiceRows(
        selectors_party.in_service_matches(request.user, community, form.filters())
    )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "form": form,
        "page_obj": page,
        "can_change": request.user.has_perm("organizing.change_in_service", community),
    }
    return render(request, "organizing/party_in_service_list.html", context)


def _resident_choices(request, community, *, member=None) -> list[Resident]:
    """The residents the in-service form offers: matches of the search typed (`resident_q`), the one
    already linked and the one posted, all through the scope (a posted id outside it is simply absent,
    and the service refuses it)."""
    params = request.POST if request.method == "POST" else request.GET
    wanted: list[int] = []
    if member is not None and member.resident_id:
        wanted.append(member.resident_id)
    posted = params.get("resident", "")
    if posted.isdigit():
        wanted.append(int(posted))
    scope = scope_for(request.user)
    current = scope.within(Resident.objects.filter(moved_out__isnull=True), community.pk).select_related(
        "household__flat__building", "household__flat__entrance"
    )
    found = list(current.filter(pk__in=wanted)) if wanted else []
    q = (params.get("resident_q") or "").strip()[:50]
    if q:
        matches = registry_selectors.resident_matches(
            request.user, community, registry_selectors.ResidentFilters(q=q)
        ).select_related("household__flat__building", "household__flat__entrance")
        found += [r for r in matches[:RESIDENT_CHOICES] if r.pk not in wanted]
    return found


def _in_service_form(request, community, *, member=None, identity_post="") -> InServiceForm:
    return InServiceForm(
        request.POST if request.method == "POST" else None,
        branches=selectors_party.branch_options(community),
        groups=selectors_party.group_options(community),
        residents=_resident_choices(request, community, member=member),
        member=member,
        identity_post=identity_post,
    )


def _searching(request) -> bool:
    """The form was sent with "查找" (find a resident to link), not "保存"."""
    return request.method == "POST" and "find_resident" in request.POST


@login_required
@require_http_methods(["GET", "POST"])
def party_in_service_create(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.change_in_service")
    form = _in_service_form(request, community)
    if form.is_bound and not _searching(request) and form.is_valid():
        try:
            member = services_party.in_service_create(
                actor=request.user, community=community, data=form.in_service_data()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记在职党员 %(name)s。") % {"name": member.name})
            return redirect("party_in_service_list", community.pk)
    return render(request, "organizing/party_in_service_form.html", {"community": community, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def party_resident_choices(request, community_id: int):
    """The in-service form's resident <select>, redrawn by htmx as the clerk types a name."""
    community = community_with_perm(request, community_id, "organizing.change_in_service")
    form = _in_service_form(request, community)
    return render(request, "organizing/partials/party_resident_choices.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def party_in_service_update(request, in_service_id: int):
    member = selectors_party.access_in_service(request.user, in_service_id)
    community = member.community
    if not request.user.has_perm("organizing.change_in_service", community):
        raise PermissionDenied
    post = selectors_party.current_identity_post(in_service=member)
    form = _in_service_form(request, community, member=member, identity_post=post.post if post else "")
    if form.is_bound and not _searching(request) and form.is_valid():
        try:
            services_party.in_service_update(actor=request.user, member=member, data=form.in_service_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存 %(name)s 的登记。") % {"name": form.cleaned_data["name"]})
            return redirect("party_in_service_list", community.pk)
    context = {
        "community": community,
        "form": form,
        "member": member,
        "masked_phone": mask_phone(member.phone),
    }
    return render(request, "organizing/party_in_service_form.html", context)


@login_required
@require_POST
def party_in_service_delete(request, in_service_id: int):
    member = selectors_party.access_in_service(request.user, in_service_id)
    if not request.user.has_perm("organizing.change_in_service", member.community):
        raise PermissionDenied
    services_party.in_service_delete(actor=request.user, member=member)
    messages.success(request, _("已删除 %(name)s 的登记。") % {"name": member.name})
    return redirect("party_in_service_list", member.community_id)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def party_in_service_reveal(request, in_service_id: int):
    """An in-service member's phone in clear, after a stated reason (logged like a resident's reveal)."""
    member = selectors_party.access_in_service(request.user, in_service_id)
    if not request.user.has_perm("organizing.view_in_service", member.community):
        raise PermissionDenied
    form = RevealForm(request.POST if request.method == "POST" else None, initial={"field": "phone"})
    value = None
    if form.is_bound and form.is_valid():
        try:
            value = services_party.in_service_phone_reveal(
                actor=request.user, member=member, reason=form.stated_reason(), request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
    context = {"member": member, "form": form, "value": value, "masked": mask_phone(member.phone)}
    template = (
        "organizing/partials/party_reveal.html"
        if _partial(request)
        else "organizing/party_in_service_reveal.html"
    )
    return render(request, template, context)


# ── Identity posts of resident party members (亮身份) ────────────────────────────────────────────────


@login_required
@require_http_methods(["GET", "POST"])
def party_identity(request, resident_id: int):
    """A resident party member's identity post: record or correct it (POST), or end it (POST "end")."""
    resident = selectors_party.access_party_member(request.user, resident_id)
    if not request.user.has_perm("organizing.change_identity_post", resident):
        raise PermissionDenied
    current = selectors_party.current_identity_post(resident=resident)
    ending = request.method == "POST" and "end" in request.POST
    initial = {"post": current.post, "started_on": current.started_on} if current else None
    form = IdentityPostForm(
        request.POST if request.method == "POST" and not ending else None, initial=initial
    )
    end_form = IdentityEndForm(request.POST if ending else None)
    bound = end_form if ending else form
    if bound.is_bound and bound.is_valid():
        try:
            if ending:
                services_party.identity_post_end(
                    actor=request.user, resident=resident, on=end_form.cleaned_data["ended_on"]
                )
                messages.success(request, _("已结束 %(name)s 的亮身份岗位。") % {"name": resident.name})
            else:
                services_party.identity_post_set(
                    actor=request.user,
                    resident=resident,
                    post=form.cleaned_data["post"],
                    started_on=form.cleaned_data["started_on"],
                )
                messages.success(request, _("已保存 %(name)s 的亮身份岗位。") % {"name": resident.name})
        except DomainError as error:
            add_domain_error(bound, error)
        else:
            return redirect("party_member_list", resident.community_id)
    context = {
        "resident": resident,
        "community": resident.community,
        "current": current,
        "form": form,
        "end_form": end_form,
        "history": selectors_party.identity_history(resident),
        "standing": party.standing_years(resident.party_full_member, dt.date.today()),
    }
    return render(request, "organizing/party_identity.html", context)
