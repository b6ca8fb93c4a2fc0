"""Pages for volunteers, service hours, duties and talents. Thin: parse the request, call one selector or
service, render. Out of scope is a 404 (the scoped selectors), a role that may see but not act a 403
(the rules in organizing/rules_volunteers.py).

The hours block of a volunteer's page is an htmx fragment (partials/volunteer_hours.html): recording or
confirming hours swaps it in place, so a leader on a phone sees the total change without a reload; without
JavaScript the same forms post and redirect back.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.organizing import rules_volunteers as rules
from linli.organizing import selectors_volunteers as selectors
from linli.organizing import services_volunteers as services
from linli.organizing.forms_volunteers import (
    DutyForm,
    LeaderboardSettingsForm,
    LeaveForm,
    ServiceRecordForm,
    TalentFilterForm,
    TalentForm,
    VolunteerChangeForm,
    VolunteerFilterForm,
    VolunteerForm,
    add_domain_error,
    availability_rows,
)
from linli.organizing.models import Volunteer
from linli.organizing.models.volunteers import availability_label, availability_slots
from linli.registry import minors
from linli.registry import selectors as registry_selectors
from linli.registry.models import Resident
from linli.registry.views import community_with_perm, require_perm


def _year(request) -> int:
    """?year=2025, within reason; the current year otherwise."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year else this_year


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def _nav(request, community) -> dict:
    """The flags of partials/volunteer_nav.html: which of the community's volunteer pages may open."""
    user = request.user
    return {
        "can_add": user.has_perm("organizing.add_volunteer", community),
        "can_totals": user.has_perm("organizing.view_hour_totals", community),
        "can_board": user.has_perm("organizing.view_leaderboard", community),
        "can_talents": user.has_perm("organizing.list_talents", community),
        "can_duties": user.has_perm("organizing.list_duties", community),
    }


# ── Landing ──────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def volunteering_home(request):
    """The navigation's one link: the community's volunteer list for those who keep it, else one's own."""
    scope = scope_for(request.user)
    for community_id in sorted(scope.visible_community_ids()):
        community = scope.community(community_id)
        if community is not None and request.user.has_perm("organizing.list_volunteers", community):
            return redirect("volunteer_list", community_id)
    return redirect("my_volunteering")


@login_required
@require_GET
def my_volunteering(request):
    """A volunteer's own page: upcoming duties, this year's hours and records."""
    own = selectors.own_volunteers(request.user)
    year = _year(request)
    years = [(v, selectors.volunteer_year(request.user, v, year)) for v in own]
    boards = [
        v.community
        for v in own
        if v.is_current and request.user.has_perm("organizing.view_leaderboard", v.community)
    ]
    context = {
        "own": years,
        "year": year,
        "duties": list(selectors.my_duties(request.user)),
        "boards": list({c.pk: c for c in boards}.values()),
    }
    return render(request, "organizing/volunteer_mine.html", context)


# ── Volunteers ───────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def volunteer_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.list_volunteers")
    form = VolunteerFilterForm(request.GET, groups=selectors.group_filter_options(request.user, community))
    year = _year(request)
    start, end = selectors.year_range(year)
    page = Paginator(
        selectors.volunteer_list(request.user, community, form.filters()), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "form": form,
        "page_obj": page,
        "rows": selectors.volunteer_rows(request.user, list(page.object_list), start=start, end=end),
        "year": year,
        **_nav(request, community),
    }
    template = (
        "organizing/partials/volunteer_results.html"
        if _partial(request)
        else "organizing/volunteer_list.html"
    )
    return _vary(render(request, template, context))


def _resident_label(resident) -> str:
    flat = resident.household.flat
    return _("%(name)s · %(flat)s · %(age)s岁") % {"name": resident.name, "flat": flat, "age": resident.age()}


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.add_volunteer")
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:50]
    found = selectors.resident_choices(request.user, community, q)
    chosen_id = request.POST.get("resident") or request.GET.get("resident") or ""
    if not (chosen_id.isascii() and chosen_id.isdigit() and len(chosen_id) <= 18):  # a database id
        chosen_id = ""
    if chosen_id and all(r.pk != int(chosen_id) for r in found):
        chosen = registry_selectors.resident_matches(
            request.user, community, registry_selectors.ResidentFilters()
        ).filter(pk=int(chosen_id))
        found = list(chosen.select_related("household__flat__building", "household__flat__entrance")) + found
    staff = scope_for(request.user).is_staff_of(community.pk)
    form = VolunteerForm(
        request.POST if request.method == "POST" else None,
        initial={"resident": int(chosen_id)} if chosen_id else None,
        residents=[(r.pk, _resident_label(r)) for r in found],
        users=list(selectors.volunteer_user_options(community)) if staff else [],
        may_add_outsider=request.user.has_perm("organizing.add_nonresident_volunteer", community),
    )
    if form.is_bound and form.is_valid():
        try:
            volunteer = services.volunteer_register(
                actor=request.user, community=community, data=form.data_for_service()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记志愿者 %(name)s。") % {"name": volunteer.display_name})
            return redirect("volunteer_detail", volunteer.pk)
    context = {
        "community": community,
        "form": form,
        "q": q,
        "searched": bool(q),
        "grid": availability_rows(form["availability"].value()),
    }
    return render(request, "organizing/volunteer_form.html", context)


def _hours_context(request, volunteer, *, year: int, form=None) -> dict:
    user = request.user
    may_see = user.has_perm("organizing.view_volunteer_hours", volunteer)
    may_record = user.has_perm("organizing.record_hours", volunteer)
    staff = scope_for(user).is_staff_of(volunteer.community_id)
    leads = rules.leads_volunteer(user, volunteer)
    if may_record and form is None:
        form = ServiceRecordForm(groups=selectors.group_options(user, volunteer.community), staff=staff)
    return {
        "volunteer": volunteer,
        "may_see_hours": may_see,
        "hours": selectors.volunteer_year(user, volunteer, year) if may_see else None,
        "years": selectors.years_with_records(user, volunteer) if may_see else [],
        "year": year,
        "record_form": form if may_record else None,
        "can_confirm": leads and not rules.is_own_volunteer(user, volunteer),
        "can_delete_pending": leads,
        "can_delete_confirmed": staff,
    }


@login_required
@require_GET
def volunteer_detail(request, volunteer_id: int):
    volunteer = selectors.access_volunteer(request.user, volunteer_id)
    scope = scope_for(request.user)
    context = {
        **_hours_context(request, volunteer, year=_year(request)),
        "name": selectors.shown_name(volunteer, scope),
        "resident_link": volunteer.resident_id and _opens_resident(request.user, volunteer.resident),
        "availability": availability_label(volunteer.availability),
        "duties": list(selectors.volunteer_duties(request.user, volunteer)),
        "can_change": volunteer.is_current
        and request.user.has_perm("organizing.change_volunteer", volunteer),
        "can_plan": volunteer.is_current and request.user.has_perm("organizing.plan_duty", volunteer),
        "can_cancel_duty": rules.leads_volunteer(request.user, volunteer),
        "is_own": rules.is_own_volunteer(request.user, volunteer),
        "sees_phone": volunteer.resident_id is None and scope.is_staff_of(volunteer.community_id),
    }
    return render(request, "organizing/volunteer_detail.html", context)


def _opens_resident(user, resident) -> bool:
    """Whether the link to the resident page would open for this viewer (scope and the child rule)."""
    scope = scope_for(user)
    if not scope.filter(Resident.objects.filter(pk=resident.pk)).exists():
        return False
    return minors.may_open_record(_person(resident), scope)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_update(request, volunteer_id: int):
    volunteer = selectors.access_volunteer(request.user, volunteer_id)
    require_perm(request, "organizing.change_volunteer", volunteer)
    outsider = volunteer.resident_id is None
    form = VolunteerChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"availability": availability_slots(volunteer.availability), "note": volunteer.note},
        outsider=outsider,
    )
    if form.is_bound and form.is_valid():
        try:
            services.volunteer_update(actor=request.user, volunteer=volunteer, data=form.data_for_service())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("volunteer_detail", volunteer.pk)
    context = {
        "volunteer": volunteer,
        "name": selectors.shown_name(volunteer, scope_for(request.user)),
        "form": form,
        "grid": availability_rows(form["availability"].value()),
    }
    return render(request, "organizing/volunteer_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_leave(request, volunteer_id: int):
    volunteer = selectors.access_volunteer(request.user, volunteer_id)
    require_perm(request, "organizing.change_volunteer", volunteer)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            cancelled = services.volunteer_leave(
                actor=request.user, volunteer=volunteer, on=form.cleaned_data["left_on"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            message = _("已办理退出。")
            if cancelled:
                message += " " + _("之后的%(count)s次值班已取消。") % {"count": cancelled}
            messages.success(request, message)
            return redirect("volunteer_detail", volunteer.pk)
    name = selectors.shown_name(volunteer, scope_for(request.user))
    return render(
        request, "organizing/volunteer_leave.html", {"volunteer": volunteer, "name": name, "form": form}
    )


@login_required
@require_GET
def volunteer_summary(request, volunteer_id: int):
    """The yearly summary to print (服务时长证明): the year's records and its confirmed total."""
    volunteer = selectors.access_volunteer(request.user, volunteer_id)
    require_perm(request, "organizing.view_volunteer_hours", volunteer)
    year = _year(request)
    context = {
        "volunteer": volunteer,
        "name": selectors.shown_name(volunteer, scope_for(request.user)),
        "hours": selectors.volunteer_year(request.user, volunteer, year),
        "year": year,
        "printed_on": timezone.localdate(),
    }
    return render(request, "organizing/volunteer_summary.html", context)


# ── Service records ──────────────────────────────────────────────────────────────────────────────


def _hours_response(request, volunteer, *, form=None, status: int = 200):
    context = _hours_context(request, volunteer, year=_year(request), form=form)
    return _vary(render(request, "organizing/partials/volunteer_hours.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def service_record_create(request, volunteer_id: int):
    volunteer = selectors.access_volunteer(request.user, volunteer_id)
    require_perm(request, "organizing.record_hours", volunteer)
    staff = scope_for(request.user).is_staff_of(volunteer.community_id)
    form = ServiceRecordForm(
        request.POST if request.method == "POST" else None,
        groups=selectors.group_options(request.user, volunteer.community),
        staff=staff,
    )
    if form.is_bound and form.is_valid():
        try:
            record = services.service_record_create(
                actor=request.user, volunteer=volunteer, data=form.data_for_service()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            message = _("已记录 %(hours)s 小时。") % {"hours": services.hours_text(record.hours)}
            if _partial(request):
                messages.success(request, message)
                return _hours_response(request, volunteer)
            messages.success(request, message)
            return redirect(reverse("volunteer_detail", args=[volunteer.pk]) + "#hours-title")
    if _partial(request):
        return _hours_response(request, volunteer, form=form)
    context = {
        "volunteer": volunteer,
        "name": selectors.shown_name(volunteer, scope_for(request.user)),
        "form": form,
    }
    return render(request, "organizing/service_record_form.html", context)


@login_required
@require_POST
def service_record_confirm(request, record_id: int):
    record = selectors.access_service_record(request.user, record_id)
    require_perm(request, "organizing.confirm_service_record", record)
    try:
        services.service_record_confirm(actor=request.user, record=record)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认。"))
    volunteer = selectors.access_volunteer(request.user, record.volunteer_id)
    if _partial(request):
        return _hours_response(request, volunteer)
    return redirect(reverse("volunteer_detail", args=[volunteer.pk]) + "#hours-title")


@login_required
@require_POST
def service_record_delete(request, record_id: int):
    record = selectors.access_service_record(request.user, record_id)
    require_perm(request, "organizing.delete_service_record", record)
    volunteer_id = record.volunteer_id
    services.service_record_delete(actor=request.user, record=record)
    messages.success(request, _("已删除这条记录。"))
    volunteer = selectors.access_volunteer(request.user, volunteer_id)
    if _partial(request):
        return _hours_response(request, volunteer)
    return redirect(reverse("volunteer_detail", args=[volunteer.pk]) + "#hours-title")


@login_required
@require_GET
def service_totals(request, community_id: int):
    """Confirmed hours per person, per group and per month, for a year."""
    community = community_with_perm(request, community_id, "organizing.view_hour_totals")
    year = _year(request)
    start, end = selectors.year_range(year)
    context = {
        "community": community,
        "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
        "totals": selectors.hour_totals(request.user, community, start=start, end=end),
        "pending": selectors.pending_count(request.user, community),
        "whole": scope_for(request.user).is_staff_of(community.pk),
        **_nav(request, community),
    }
    return render(request, "organizing/service_totals.html", context)


# ── Leaderboard ──────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def leaderboard(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.view_leaderboard")
    year = _year(request)
    setting = selectors.settings_for(community)
    may_change = request.user.has_perm("organizing.change_volunteer_settings", community)
    context = {
        "community": community,
        "year": year,
        "lines": selectors.leaderboard(request.user, community, year=year),
        "shown": setting.show_leaderboard,
        "settings_form": LeaderboardSettingsForm(initial={"show_leaderboard": setting.show_leaderboard})
        if may_change
        else None,
    }
    return render(request, "organizing/leaderboard.html", context)


@login_required
@require_POST
def leaderboard_settings(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.change_volunteer_settings")
    form = LeaderboardSettingsForm(request.POST)
    form.is_valid()
    setting = services.volunteer_settings_set(
        actor=request.user,
        community=community,
        show_leaderboard=form.cleaned_data.get("show_leaderboard", False),
    )
    if setting.show_leaderboard:
        messages.success(request, _("排行榜已公开：团队负责人、楼组长和志愿者可以看到。"))
    else:
        messages.success(request, _("排行榜已隐藏：只有居委干部可以看到。"))
    return redirect("leaderboard", community.pk)


# ── Duties ───────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def duty_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.list_duties")
    page = Paginator(selectors.upcoming_duties(request.user, community), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    scope = scope_for(request.user)
    rows = [(duty, selectors.shown_name(duty.volunteer, scope)) for duty in page.object_list]
    return render(
        request, "organizing/duty_list.html", {"community": community, "page_obj": page, "rows": rows}
    )


@login_required
@require_http_methods(["GET", "POST"])
def duty_create(request, volunteer_id: int):
    volunteer = selectors.access_volunteer(request.user, volunteer_id)
    require_perm(request, "organizing.plan_duty", volunteer)
    staff = scope_for(request.user).is_staff_of(volunteer.community_id)
    form = DutyForm(
        request.POST if request.method == "POST" else None,
        groups=selectors.group_options(request.user, volunteer.community),
        staff=staff,
    )
    if form.is_bound and form.is_valid():
        try:
            duty = services.duty_create(actor=request.user, volunteer=volunteer, data=form.data_for_service())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            when = timezone.localtime(duty.starts_at)
            messages.success(
                request,
                _("已安排%(when)s的值班“%(task)s”。")
                % {"when": when.strftime("%Y-%m-%d %H:%M"), "task": duty.task},
            )
            return redirect("volunteer_detail", volunteer.pk)
    name = selectors.shown_name(volunteer, scope_for(request.user))
    return render(request, "organizing/duty_form.html", {"volunteer": volunteer, "name": name, "form": form})


@login_required
@require_POST
def duty_cancel(request, duty_id: int):
    duty = selectors.access_duty(request.user, duty_id)
    require_perm(request, "organizing.cancel_duty", duty)
    try:
        services.duty_cancel(actor=request.user, duty=duty)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消值班“%(task)s”。") % {"task": duty.task})
    return redirect("volunteer_detail", duty.volunteer_id)


# ── Talents ──────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def talent_list(request, community_id: int):
    community = community_with_perm(request, community_id, "organizing.list_talents")
    form = TalentFilterForm(
        request.GET, buildings=registry_selectors.building_options(request.user, community)
    )
    page = Paginator(
        selectors.talent_search(request.user, community, form.filters()), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    scope = scope_for(request.user)
    rows = [
        {
            "talent": t,
            "name": minors.display_name(t.resident, scope),
            "opens": minors.may_open_record(_person(t.resident), scope),
            "address": str(t.resident.household.flat),
            "skills": [s.get_category_display() for s in t.skills.all()],
            "availability": availability_label(t.availability),
        }
        for t in page.object_list
    ]
    context = {
        "community": community,
        "form": form,
        "page_obj": page,
        "rows": rows,
        **_nav(request, community),
    }
    return render(request, "organizing/talent_list.html", context)


def _person(resident):
    flat = resident.household.flat
    return SimpleNamespace(
        birth_date=resident.birth_date,
        community_id=resident.community_id,
        household_id=resident.household_id,
        building_id=flat.building_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def talent_edit(request, resident_id: int):
    resident = registry_selectors.access_resident(request.user, resident_id)
    require_perm(request, "organizing.change_talent", resident)
    talent = selectors.talent_of(resident)
    initial = {"willingness": "on_call"}
    if talent is not None:
        initial = {
            "skills": [s.category for s in talent.skills.all()],
            "description": talent.description,
            "willingness": talent.willingness,
            "availability": availability_slots(talent.availability),
        }
    form = TalentForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.talent_save(actor=request.user, resident=resident, data=form.data_for_service())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存 %(name)s 的特长。") % {"name": resident.name})
            return redirect("resident_detail", resident.pk)
    context = {
        "resident": resident,
        "talent": talent,
        "form": form,
        "grid": availability_rows(form["availability"].value()),
    }
    return render(request, "organizing/talent_form.html", context)


@login_required
@require_POST
def talent_remove(request, resident_id: int):
    resident = registry_selectors.access_resident(request.user, resident_id)
    require_perm(request, "organizing.change_talent", resident)
    services.talent_remove(actor=request.user, resident=resident)
    messages.success(request, _("已从能人达人名录中移除 %(name)s。") % {"name": resident.name})
    return redirect("resident_detail", resident.pk)


@login_required
@require_GET
def resident_volunteering(request, resident_id: int):
    """The resident page's "能人达人与志愿服务" section, loaded by htmx (templates/registry/resident_detail.html
    includes organizing/volunteer_resident_include.html): the talents, and the volunteer record with
    the year's hours for those who may see them."""
    resident = registry_selectors.access_resident(request.user, resident_id)
    talent = selectors.talent_of(resident)
    volunteer = selectors.volunteer_of(resident)
    year = timezone.localdate().year
    hours = None
    if volunteer is not None and request.user.has_perm("organizing.view_volunteer_hours", volunteer):
        hours = selectors.volunteer_year(request.user, volunteer, year)
    sees_volunteer = (
        volunteer is not None
        and selectors.visible(request.user, Volunteer.objects.filter(pk=volunteer.pk)).exists()
    )
    context = {
        "resident": resident,
        "talent": talent,
        "skills": [s.get_category_display() for s in talent.skills.all()] if talent else [],
        "availability": availability_label(talent.availability) if talent else "",
        "volunteer": volunteer if sees_volunteer else None,
        "hours": hours,
        "year": year,
        "can_change_talent": request.user.has_perm("organizing.change_talent", resident),
        "can_register": resident.is_current
        and (volunteer is None or not volunteer.is_current)
        and request.user.has_perm("organizing.add_volunteer", resident.community),
    }
    return _vary(render(request, "organizing/partials/volunteer_resident_section.html", context))
