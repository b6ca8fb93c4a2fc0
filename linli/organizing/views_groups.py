"""Pages of groups (六邻汇), building groups (楼组) and the configuration of party branches.

Thin views: parse the request, call a selector or a service, render. Visibility comes from the scoped
selectors (404 outside the scope), actions from the `rules` permissions (403); see rules_groups.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.errors import DomainError
from linli.organizing import selectors_groups as selectors
from linli.organizing import services_groups as services
from linli.organizing.forms_groups import (
    BranchForm,
    BuildingGroupCreateForm,
    BuildingGroupForm,
    GroupForm,
    GroupMemberEndForm,
    GroupMemberForm,
    ResidentSearchForm,
    add_domain_error,
    building_group_initial,
    group_initial,
)
from linli.organizing.selectors_volunteers import member_year_hours
from linli.registry.views import community_with_perm, require_perm


def _posted(request):
    return request.POST if request.method == "POST" else None


def _branch_url(user, branch) -> str | None:
    """The branch's page (the party area's `branch_detail`), for those who may open it."""
    if branch is None or not user.has_perm("organizing.view_branch", branch):
        return None
    try:
        return reverse("branch_detail", kwargs={"community_id": branch.community_id, "branch_id": branch.pk})
    except NoReverseMatch:
        return None


# ── Groups ───────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def group_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.view_groups")
    context = {
        "community": community,
        "groups": list(selectors.group_rows(request.user, community)),
        "can_add": request.user.has_perm("organizing.add_group", community),
        "can_view_branches": request.user.has_perm("organizing.view_branches", community),
    }
    return render(request, "organizing/groups_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.add_group")
    form = GroupForm(_posted(request), branches=selectors.branch_options(community))
    if form.is_bound and form.is_valid():
        try:
            group = services.group_create(actor=request.user, community=community, data=form.group_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("已建立团队“%(name)s”，请添加成员并指定组长。") % {"name": group.name}
            )
            return redirect("group_detail", group.pk)
    return render(request, "organizing/groups_form.html", {"community": community, "form": form})


@login_required
@require_GET
def group_detail(request, group_id: int):
    group = selectors.access_group(request.user, group_id)
    members = list(selectors.group_members(request.user, group))
    year = timezone.localdate().year
    current = [m for m in members if m.is_current]
    hours = member_year_hours(request.user, group, [m.resident_id for m in current], year=year)
    for member in current:
        member.year_hours = hours.get(member.resident_id) if hours is not None else None
    context = {
        "year": year,
        "show_hours": hours is not None,
        "group": group,
        "community": group.community,
        "current": current,
        "past": [m for m in members if not m.is_current],
        "can_change": request.user.has_perm("organizing.change_group", group),
        "can_change_members": request.user.has_perm("organizing.change_group_members", group),
        "leader_signs_in": selectors.leader_has_sign_in(group.leader),
        "branch_url": _branch_url(request.user, group.branch),
    }
    return render(request, "organizing/groups_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_update(request, group_id: int):
    group = selectors.access_group(request.user, group_id)
    require_perm(request, "organizing.change_group", group)
    form = GroupForm(
        _posted(request),
        initial=group_initial(group),
        branches=selectors.branch_options(group.community),
        members=selectors.group_leader_choices(group),
    )
    if form.is_bound and form.is_valid():
        try:
            services.group_update(actor=request.user, group=group, data=form.group_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存团队“%(name)s”。") % {"name": form.cleaned_data["name"]})
            return redirect("group_detail", group.pk)
    return render(
        request, "organizing/groups_form.html", {"community": group.community, "group": group, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_member_add(request, group_id: int):
    group = selectors.access_group(request.user, group_id)
    require_perm(request, "organizing.change_group_members", group)
    search = ResidentSearchForm(request.GET or request.POST or None)
    q = search.cleaned_data.get("q", "") if search.is_bound and search.is_valid() else ""
    candidates = selectors.resident_search(request.user, group.community, q)
    form = GroupMemberForm(_posted(request), candidates=candidates)
    if form.is_bound and form.is_valid():
        try:
            member = services.group_member_add(
                actor=request.user,
                group=group,
                resident_id=form.cleaned_data["resident"],
                joined_on=form.cleaned_data["joined_on"],
                left_on=form.cleaned_data.get("left_on"),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("已把 %(name)s 登记为“%(group)s”的成员。")
                % {"name": member.resident.name, "group": group.name},
            )
            return redirect("group_detail", group.pk)
    context = {"group": group, "community": group.community, "search": search, "q": q, "form": form}
    return render(request, "organizing/groups_member_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def group_member_end(request, member_id: int):
    member = selectors.access_group_member(request.user, member_id)
    require_perm(request, "organizing.change_group_members", member.group)
    form = GroupMemberEndForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            services.group_member_end(actor=request.user, member=member, left_on=form.cleaned_data["left_on"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s 已离开“%(group)s”。")
                % {"name": member.resident.name, "group": member.group.name},
            )
            return redirect("group_detail", member.group_id)
    context = {"member": member, "group": member.group, "form": form}
    return render(request, "organizing/groups_member_end.html", context)


# ── Party branches (the configuration; the branch page itself is the party area's) ─────────────────


@login_required
@require_GET
def branch_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.view_branches")
    branches = list(selectors.branch_rows(request.user, community))
    for branch in branches:
        branch.detail_url = _branch_url(request.user, branch)
    context = {
        "community": community,
        "branches": branches,
        "can_add": request.user.has_perm("organizing.add_branch", community),
    }
    return render(request, "organizing/branch_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def branch_create(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.add_branch")
    form = BranchForm(_posted(request), secretaries=selectors.branch_secretary_choices(community, None))
    if form.is_bound and form.is_valid():
        try:
            branch = services.branch_create(actor=request.user, community=community, data=form.branch_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已建立“%(name)s”。") % {"name": branch.name})
            return redirect("branch_list", community.pk)
    return render(request, "organizing/branch_form.html", {"community": community, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def branch_update(request, branch_id: int):
    branch = selectors.access_branch(request.user, branch_id)
    require_perm(request, "organizing.change_branch", branch)
    form = BranchForm(
        _posted(request),
        initial={"name": branch.name, "secretary": branch.secretary_id},
        secretaries=selectors.branch_secretary_choices(branch.community, branch),
    )
    if form.is_bound and form.is_valid():
        try:
            services.branch_update(actor=request.user, branch=branch, data=form.branch_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存“%(name)s”。") % {"name": form.cleaned_data["name"]})
            return redirect("branch_list", branch.community_id)
    context = {"community": branch.community, "branch": branch, "form": form}
    return render(request, "organizing/branch_form.html", context)


# ── Building groups (楼组) ────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def building_group_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.view_building_groups")
    context = {
        "community": community,
        "building_groups": list(selectors.building_group_rows(request.user, community)),
        "can_add": request.user.has_perm("organizing.add_building_group", community),
    }
    return render(request, "organizing/building_groups_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def building_group_create(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.add_building_group")
    form = BuildingGroupCreateForm(_posted(request), places=selectors.building_group_places(community))
    if form.is_bound and form.is_valid():
        building_id, entrance_id = form.place_ids()
        try:
            building_group = services.building_group_create(
                actor=request.user,
                community=community,
                building_id=building_id,
                entrance_id=entrance_id,
                data=services.BuildingGroupData(name=form.cleaned_data.get("name", "")),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已建立楼组，请指定楼组长。"))
            return redirect("building_group_update", building_group.pk)
    return render(request, "organizing/building_groups_create.html", {"community": community, "form": form})


@login_required
@require_GET
def building_group_detail(request, building_group_id: int):
    building_group = selectors.access_building_group(request.user, building_group_id)
    context = {
        "building_group": building_group,
        "community": building_group.community,
        "trio": selectors.building_group_trio(building_group),
        "party_members": selectors.building_group_party_members(request.user, building_group),
        "can_change": request.user.has_perm("organizing.change_building_group_trio", building_group),
        "leader_signs_in": selectors.leader_has_sign_in(building_group.leader),
    }
    return render(request, "organizing/building_groups_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def building_group_update(request, building_group_id: int):
    building_group = selectors.access_building_group(request.user, building_group_id)
    require_perm(request, "organizing.change_building_group_trio", building_group)
    staff = request.user.has_perm("organizing.change_building_group", building_group)
    trio = selectors.building_group_trio(building_group)
    form = BuildingGroupForm(
        _posted(request),
        initial=building_group_initial(building_group, trio),
        residents=selectors.building_group_resident_choices(building_group),
        leaders=selectors.building_group_leader_choices(building_group) if staff else None,
    )
    if form.is_bound and form.is_valid():
        try:
            services.building_group_update(
                actor=request.user,
                building_group=building_group,
                data=form.building_group_data(building_group),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存楼组。"))
            return redirect("building_group_detail", building_group.pk)
    context = {"building_group": building_group, "community": building_group.community, "form": form}
    return render(request, "organizing/building_groups_form.html", context)
