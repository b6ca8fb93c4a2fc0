"""The staff pages of the registry: community, buildings, residents, households, and the street's
figures. Each view parses the request, calls one selector or service and renders; visibility comes from
the scoped selectors (404 outside the scope) and actions from the `rules` permissions (403).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.errors import DomainError
from linli.core.models import Community, Street
from linli.core.scope import scope_for
from linli.registry import privacy, selectors, services
from linli.registry.forms import MoveOutForm, ResidentFilterForm, ResidentForm, add_domain_error

HOME_BUILDINGS = 30  # buildings listed on the community home; the rest are one click away
PRIVATE_SEARCH_PAGE = 500
# building_list annotates counts, and Django drops Meta.ordering from grouped queries: pages need it back.
BUILDING_ORDER = ("sort_key", "number", "pk")


def community_with_perm(request, community_id: int, perm: str) -> Community:
    """The community if the user has a role in it (404 otherwise) and holds `perm` there (403)."""
    community = selectors.access_community(request.user, community_id)
    if not request.user.has_perm(perm, community):
        raise PermissionDenied
    return community


def require_perm(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def sees_building(user, building_id: int, community_id: int) -> bool:
    """Whether a link to the building page would open (staff and the building's leaders)."""
    scope = scope_for(user)
    return scope.is_staff_of(community_id) or building_id in scope.buildings


@login_required
@require_GET
def street_overview(request, street_id: int):
    street = get_object_or_404(Street, pk=street_id)
    require_perm(request, "core.view_street", street)
    rows = selectors.street_community_figures(street)
    return render(request, "registry/street_overview.html", {"street": street, "rows": rows})


@login_required
@require_GET
def community_home(request, community_id: int):
    community = community_with_perm(request, community_id, "registry.view_community")
    scope = scope_for(request.user)
    whole = scope.is_staff_of(community.pk)
    profile = selectors.community_profile(community, scope=None if whole else scope)
    buildings = list(selectors.building_tiles(request.user, community)[:HOME_BUILDINGS])
    context = {
        "community": community,
        "profile": profile,
        "whole_community": whole,
        "buildings": buildings,
        "more_buildings": profile.buildings > len(buildings),
        "can_add": request.user.has_perm("registry.add_resident", community),
        "can_import": request.user.has_perm("registry.import_ledger", community),
    }
    return render(request, "registry/community_home.html", context)


@login_required
@require_GET
def building_list(request, community_id: int):
    community = community_with_perm(request, community_id, "registry.view_community")
    buildings = selectors.building_list(request.user, community).order_by(*BUILDING_ORDER)
    page = Paginator(buildings, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/building_list.html", {"community": community, "page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def resident_list(request, community_id: int):
    """The resident list and its search. Filters come as GET parameters (a bookmarkable address), or
    POSTed by the search form: a search with digits in it (an ID or phone number) is answered in place so
    it never appears in a URL; any other search is sent on to its address (with htmx, the address is
    pushed while the results are swapped in)."""
    community = community_with_perm(request, community_id, "registry.list_residents")
    form = ResidentFilterForm(
        request.POST if request.method == "POST" else request.GET,
        buildings=selectors.building_options(request.user, community),
        tags=selectors.tags(),
    )
    filters = form.filters()
    params = filter_params(form)
    public = [(name, value) for name, value in params if not (name == "q" and filters.q_is_private)]
    address = reverse("resident_list", args=[community.pk]) + (f"?{urlencode(public)}" if public else "")
    if request.method == "POST":
        if not request.htmx and not filters.q_is_private:
            return redirect(address)
        # Rendered as its address: the pagination's links are built from the query string.
        request.GET = QueryDict(urlencode(public))
    residents = selectors.resident_rows(request.user, community, filters)
    # A number matches a resident or two: all on one page, as the page's links cannot carry the number.
    per_page = PRIVATE_SEARCH_PAGE if filters.q_is_private else settings.PAGE_SIZE
    page = Paginator(residents, per_page).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "form": form,
        "page_obj": page,
        "filter_params": params,
        "private_search": filters.q_is_private,
        "can_add": request.user.has_perm("registry.add_resident", community),
        "can_export": request.user.has_perm("registry.export_residents", community),
        "can_import": request.user.has_perm("registry.import_ledger", community),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "registry/partials/resident_results.html" if partial else "registry/resident_list.html"
    response = render(request, template, context)
    if request.method == "POST":
        response["HX-Push-Url"] = address  # never the number (see above)
    # The same URL answers with a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def filter_params(form: ResidentFilterForm) -> list[tuple[str, str]]:
    """The resident list's filters as received, as (name, value) pairs: for its address (without a
    private search) and the export forms' hidden fields."""
    return [(name, form.data[name]) for name in form.fields if form.data.get(name)]


def _resident_form(request, community: Community, *, resident=None) -> ResidentForm:
    return ResidentForm(
        request.POST if request.method == "POST" else None,
        flats=list(selectors.flat_options(request.user, community)),
        branches=selectors.party_branch_list(community),
        tags=selectors.tags(),
        resident=resident,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_create(request, community_id: int):
    community = community_with_perm(request, community_id, "registry.add_resident")
    form = _resident_form(request, community)
    if form.is_bound and form.is_valid():
        try:
            resident = services.resident_create(
                actor=request.user,
                flat=form.cleaned_data["flat"],
                data=form.resident_data(),
                tenure=form.cleaned_data["tenure"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记居民 %(name)s。") % {"name": resident.name})
            return redirect("resident_detail", resident.pk)
    return render(request, "registry/resident_form.html", {"community": community, "form": form})


@login_required
@require_GET
def resident_detail(request, resident_id: int):
    resident = selectors.access_resident(request.user, resident_id)
    flat = resident.household.flat
    context = {
        "resident": resident,
        "members": list(selectors.household_members(request.user, resident.household)),
        "history": selectors.resident_history(resident),
        "can_change": resident.is_current and request.user.has_perm("registry.change_resident", resident),
        "building_link": sees_building(request.user, flat.building_id, flat.community_id),
        "revealable": dict.fromkeys(privacy.revealable_fields(request.user, resident), True),
        "can_view_history": request.user.has_perm("registry.view_resident_history", resident),
    }
    return render(request, "registry/resident_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resident_update(request, resident_id: int):
    resident = selectors.access_resident(request.user, resident_id)
    require_perm(request, "registry.change_resident", resident)
    form = _resident_form(request, resident.community, resident=resident)
    if form.is_bound and form.is_valid():
        try:
            services.resident_update(
                actor=request.user,
                resident=resident,
                data=form.resident_data(),
                flat=form.cleaned_data["flat"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存 %(name)s 的信息。") % {"name": form.cleaned_data["name"]})
            return redirect("resident_detail", resident.pk)
    return render(
        request,
        "registry/resident_form.html",
        {"community": resident.community, "form": form, "resident": resident},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_move_out(request, resident_id: int):
    resident = selectors.access_resident(request.user, resident_id)
    require_perm(request, "registry.change_resident", resident)
    form = MoveOutForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.resident_move_out(
                actor=request.user,
                resident=resident,
                on=form.cleaned_data["moved_out"],
                reason=form.cleaned_data["move_out_reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已办理 %(name)s 的迁出。") % {"name": resident.name})
            return redirect("resident_detail", resident.pk)
    return render(request, "registry/resident_move_out.html", {"resident": resident, "form": form})


@login_required
@require_GET
def building_detail(request, building_id: int):
    building = selectors.access_building(request.user, building_id)
    context = {"building": building, "entrances": selectors.building_floor_plan(building)}
    return render(request, "registry/building_detail.html", context)


@login_required
@require_GET
def household_detail(request, household_id: int):
    household = selectors.access_household(request.user, household_id)
    members = list(selectors.household_members(request.user, household))
    flat = household.flat
    context = {
        "household": household,
        "current": [m for m in members if m.is_current],
        "former": [m for m in members if not m.is_current],
        "building_link": sees_building(request.user, flat.building_id, flat.community_id),
        "can_view_history": request.user.has_perm("registry.view_household_history", household),
    }
    return render(request, "registry/household_detail.html", context)
