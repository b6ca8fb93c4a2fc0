"""Pages of meetings (议事会) for staff and building leaders, and the residents' QR sign-in page.

Thin views: parse, call a selector or a service, render. Visibility comes from the scoped selectors
(404 outside the scope), actions from the rules (403; rules_meetings.py). The sign-in sheet ticks
attendance with htmx, one row at a time. The QR code (SVG, made with segno) encodes the absolute URL of
`meeting_check_in`, which a resident opens with their own sign-in.
"""

from __future__ import annotations

import functools
import io
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.deliberation import selectors_meetings as selectors
from linli.deliberation import services_meetings as services
from linli.deliberation.forms_meetings import (
    InviteesForm,
    MeetingForm,
    MinutesForm,
    ResolutionForm,
    TaskForm,
    add_domain_error,
)
from linli.deliberation.models import CheckInMethod, MeetingLevel, Minutes
from linli.registry.models import Building
from linli.registry.views import community_with_perm, require_perm


def _posted(request):
    return request.POST if request.method == "POST" else None


def _building_choices(user, community):
    from linli.core.scope import scope_for

    scope = scope_for(user)
    qs = Building.objects.filter(community=community).order_by("sort_key", "number")
    if not scope.is_staff_of(community.pk):
        qs = qs.filter(pk__in=scope.buildings)
    return list(qs)


def check_in_url(request, meeting) -> str:
    return request.build_absolute_uri(reverse("meeting_check_in", args=[meeting.pk]))


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (no XML declaration), scaled by CSS."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", xmldecl=False, svgns=True, scale=6, border=2)
    return out.getvalue().decode()


@login_required
@require_GET
def meeting_list(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.view_meetings")
    context = {
        "community": community,
        "meetings": list(selectors.meeting_rows(request.user, community)),
        "can_add": request.user.has_perm("deliberation.add_meeting", community),
    }
    return render(request, "deliberation/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.add_meeting")
    form = MeetingForm(
        _posted(request),
        buildings=_building_choices(request.user, community),
        community_level=request.user.has_perm("deliberation.add_community_meeting", community),
    )
    if form.is_bound and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user, community=community, data=form.meeting_data()
            )
            services.agenda_set(actor=request.user, meeting=meeting, items=form.agenda_items())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已建立会议“%(title)s”，请确定参会人。") % {"title": meeting.title})
            return redirect("meeting_invitees", meeting.pk)
    return render(request, "deliberation/meeting_form.html", {"community": community, "form": form})


@login_required
@require_GET
def meeting_detail(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id)
    can_change = request.user.has_perm("deliberation.change_meeting", meeting)
    sheet = selectors.sign_in_sheet(meeting)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "agenda": list(meeting.agenda_items.all()),
        "invited": sum(1 for row in sheet if not row.get("uninvited")),
        "present": sum(1 for row in sheet if row["attendance"]),
        "minutes": Minutes.objects.filter(meeting=meeting).first(),
        "resolutions": list(meeting.resolutions.all()),
        "tasks": selectors.meeting_tasks(meeting),
        "can_change": can_change,
        "resolution_form": ResolutionForm(initial=_resolution_initial(sheet)) if can_change else None,
        "task_form": TaskForm(owners=services.task_owner_choices(meeting)) if can_change else None,
    }
    return render(request, "deliberation/meeting_detail.html", context)


def _resolution_initial(sheet) -> dict:
    invited = sum(1 for row in sheet if not row.get("uninvited"))
    present = sum(1 for row in sheet if row["attendance"])
    return {"entitled": max(invited, present), "present": present, "votes_against": 0, "votes_abstain": 0}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_update(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id)
    require_perm(request, "deliberation.change_meeting", meeting)
    initial = {
        "title": meeting.title,
        "level": meeting.level,
        "buildings": [b.pk for b in meeting.buildings.all()],
        "starts_at": timezone.localtime(meeting.starts_at),
        "place": meeting.place,
        "status": meeting.status,
        "agenda": "\n".join(item.title for item in meeting.agenda_items.all()),
    }
    form = MeetingForm(
        _posted(request),
        initial=initial,
        buildings=_building_choices(request.user, meeting.community),
        community_level=request.user.has_perm("deliberation.add_community_meeting", meeting.community),
    )
    if form.is_bound and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, data=form.meeting_data())
            services.agenda_set(actor=request.user, meeting=meeting, items=form.agenda_items())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存会议。"))
            return redirect("meeting_detail", meeting.pk)
    context = {"community": meeting.community, "meeting": meeting, "form": form}
    return render(request, "deliberation/meeting_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_invitees(request, meeting_id: int):
    """Choose who is invited among the meeting's residents; "每户一人" preselects one representative
    per household (the head)."""
    meeting = selectors.access_meeting(request.user, meeting_id)
    require_perm(request, "deliberation.change_meeting", meeting)
    candidates = list(
        services.meeting_residents(meeting)
        .select_related("household__flat__building", "household__flat__entrance")
        .order_by("household__flat__building__sort_key", "household__flat__number", "name_pinyin", "pk")
    )
    if request.GET.get("preset") == "households":
        chosen = services.household_representatives(meeting)
    else:
        chosen = list(meeting.invitees.values_list("resident_id", flat=True))
    form = InviteesForm(_posted(request), initial={"residents": chosen}, candidates=candidates)
    if form.is_bound and form.is_valid():
        try:
            count = services.invitees_set(
                actor=request.user, meeting=meeting, resident_ids=form.cleaned_data["residents"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已确定参会人 %(count)s 人。") % {"count": count})
            return redirect("meeting_detail", meeting.pk)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "form": form,
        "building_level": meeting.level == MeetingLevel.BUILDING,
    }
    return render(request, "deliberation/meeting_invitees.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_sign_in(request, meeting_id: int):
    """The sign-in sheet: tick or untick a resident (htmx posts one row and gets that row back), and
    the QR code residents scan to sign in themselves."""
    meeting = selectors.access_meeting(request.user, meeting_id)
    require_perm(request, "deliberation.change_meeting", meeting)
    error = None
    if request.method == "POST":
        resident = services.meeting_resident(meeting, request.POST.get("resident"))
        if resident is None:
            error = _("这位居民不在本次会议的参会范围内。")
        else:
            try:
                if request.POST.get("present") == "1":
                    services.meeting_check_in(
                        actor=request.user, meeting=meeting, resident=resident, method=CheckInMethod.STAFF
                    )
                else:
                    services.attendance_remove(actor=request.user, meeting=meeting, resident_id=resident.pk)
            except DomainError as exc:
                error = exc.message
        if request.htmx and resident is not None:
            row = next((r for r in selectors.sign_in_sheet(meeting) if r["resident"].pk == resident.pk), None)
            row = row or {"resident": resident, "attendance": None}
            return render(
                request,
                "deliberation/partials/meeting_sign_in_row.html",
                {"row": row, "meeting": meeting, "error": error},
            )
        if request.htmx:  # nobody to show a row for: htmx leaves the sheet as it is on a 4xx
            return HttpResponse(error, status=422)
        if error:
            messages.error(request, error)
        return redirect("meeting_sign_in", meeting.pk)
    url = check_in_url(request, meeting)
    sheet = selectors.sign_in_sheet(meeting)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "rows": sheet,
        "present": sum(1 for row in sheet if row["attendance"]),
        "check_in_url": url,
        "qr": qr_svg(url),
    }
    return render(request, "deliberation/meeting_sign_in.html", context)


@login_required
@require_GET
def meeting_qr(request, meeting_id: int):
    """The QR code alone, as an SVG file (to print on the notice at the door)."""
    meeting = selectors.access_meeting(request.user, meeting_id)
    require_perm(request, "deliberation.change_meeting", meeting)
    return HttpResponse(qr_svg(check_in_url(request, meeting)), content_type="image/svg+xml")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id)
    require_perm(request, "deliberation.change_meeting", meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    form = MinutesForm(_posted(request), initial={"text": minutes.text if minutes else ""})
    if form.is_bound and form.is_valid():
        try:
            services.minutes_save(
                actor=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                approve=form.cleaned_data["approve"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存会议记录。"))
            return redirect("meeting_detail", meeting.pk)
    context = {"meeting": meeting, "community": meeting.community, "form": form, "minutes": minutes}
    return render(request, "deliberation/meeting_minutes.html", context)


@login_required
@require_GET
def meeting_minutes_print(request, meeting_id: int):
    """The minutes on A4: meeting, agenda, attendance figures and names, minutes, resolutions, tasks."""
    meeting = selectors.access_meeting(request.user, meeting_id)
    sheet = selectors.sign_in_sheet(meeting)
    context = {
        "meeting": meeting,
        "community": meeting.community,
        "agenda": list(meeting.agenda_items.all()),
        "attendees": [row["resident"] for row in sheet if row["attendance"]],
        "invited": sum(1 for row in sheet if not row.get("uninvited")),
        "minutes": Minutes.objects.filter(meeting=meeting).select_related("recorder").first(),
        "resolutions": list(meeting.resolutions.all()),
        "tasks": selectors.meeting_tasks(meeting),
        "today": timezone.localdate(),
    }
    return render(request, "deliberation/meeting_minutes_print.html", context)


@login_required
@require_POST
def meeting_resolution_add(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id)
    require_perm(request, "deliberation.change_meeting", meeting)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        try:
            resolution = services.resolution_record(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"], counts=form.counts()
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if resolution.passed:
                messages.success(request, _("已记录决议：通过。"))
            else:
                messages.success(request, _("已记录决议：未通过。"))
            return redirect("meeting_detail", meeting.pk)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_task_add(request, meeting_id: int):
    meeting = selectors.access_meeting(request.user, meeting_id)
    require_perm(request, "deliberation.change_meeting", meeting)
    form = TaskForm(request.POST, owners=services.task_owner_choices(meeting))
    if form.is_valid():
        try:
            services.task_add(
                actor=request.user,
                meeting=meeting,
                text=form.cleaned_data["text"],
                owner_id=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已添加会后事项。"))
            return redirect("meeting_detail", meeting.pk)
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect("meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_task_done(request, task_id: int):
    task = selectors.access_task(request.user, task_id)
    try:
        services.task_set_done(actor=request.user, task=task, done=request.POST.get("done", "1") == "1")
    except DomainError as error:
        messages.error(request, error.message)
        return HttpResponse(error.message, status=403)
    return redirect("meeting_detail", task.meeting_id)


# ── The resident's own sign-in (the portal page the QR code opens) ───────────────────────────────


def _portal_sign_in_required(view):
    """Signed in, or off to the portal's sign-in page (by URL name: deliberation does not import the
    portal) with this page to come back to; the staff sign-in when no portal is mounted."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            try:
                sign_in = reverse("portal_sign_in")
            except NoReverseMatch:
                return redirect_to_login(request.get_full_path())
            return redirect(f"{sign_in}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


@_portal_sign_in_required
@require_http_methods(["GET", "POST"])
def meeting_check_in(request, meeting_id: int):
    """A resident signs in to a meeting with their own sign-in. Allowed for a current resident of the
    community who is invited or lives in one of the meeting's buildings; anyone else gets a clear
    message (403) and learns nothing about the meeting."""
    meeting = selectors.meeting_for_check_in(meeting_id)
    resident = services.resident_of_user(request.user, meeting.community_id)
    refusal = services.check_in_refusal(meeting, resident)
    if refusal:
        return render(request, "deliberation/meeting_check_in.html", {"refusal": refusal}, status=403)
    attendance = meeting.attendances.filter(resident=resident).first()
    if request.method == "POST" and attendance is None:
        try:
            attendance = services.meeting_check_in(
                actor=request.user, meeting=meeting, resident=resident, method=CheckInMethod.QR
            )
        except DomainError as error:
            return render(
                request, "deliberation/meeting_check_in.html", {"refusal": error.message}, status=403
            )
        messages.success(request, _("签到成功，欢迎参会！"))
        return redirect("meeting_check_in", meeting.pk)
    context = {"meeting": meeting, "resident": resident, "attendance": attendance}
    return render(request, "deliberation/meeting_check_in.html", context)
