"""Reads of meetings (议事会) for a user, always through the scope: `access_*` fetch one row the user may
see or raise Http404. Staff see every meeting of their community; a building leader sees the building
meetings touching a building they lead (the meeting's `buildings__id` path; `distinct` because a
meeting may name several of them)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from linli.core.models import Community
from linli.core.scope import scope_for
from linli.deliberation.models import Attendance, FollowUpTask, Invitee, Meeting
from linli.registry.models import Building
from linli.registry.selectors import LIST_DEFERRED


def _visible(user) -> QuerySet:
    scope = scope_for(user)
    return Meeting.objects.filter(pk__in=scope.filter(Meeting.objects.all()).values("pk"))


def meeting_rows(user, community: Community) -> QuerySet:
    scope = scope_for(user)
    ids = scope.within(Meeting.objects.all(), community.pk).values("pk")
    return (
        Meeting.objects.filter(pk__in=ids)
        .prefetch_related(Prefetch("buildings", queryset=Building.objects.order_by("sort_key", "number")))
        .annotate(
            invitee_count=Count("invitees", distinct=True),
            attendance_count=Count("attendances", distinct=True),
        )
        .order_by("-starts_at", "-pk")
    )


def access_meeting(user, meeting_id: int) -> Meeting:
    qs = (
        _visible(user)
        .select_related("community")
        .prefetch_related(Prefetch("buildings", queryset=Building.objects.order_by("sort_key", "number")))
    )
    return get_object_or_404(qs, pk=meeting_id)


def meeting_for_check_in(meeting_id: int) -> Meeting:
    """The meeting a QR code names, for the resident's own sign-in: visibility is the resident's
    eligibility (services_meetings.check_in_refusal), not a staff scope."""
    return get_object_or_404(Meeting.objects.select_related("community"), pk=meeting_id)


def access_task(user, task_id: int) -> FollowUpTask:
    """A follow-up task of a visible meeting, or one the user owns."""
    qs = FollowUpTask.objects.filter(Q(meeting__in=_visible(user)) | Q(owner_id=user.pk))
    return get_object_or_404(qs.select_related("meeting__community", "owner"), pk=task_id)


def invitees(meeting: Meeting) -> list[Invitee]:
    return list(
        meeting.invitees.select_related(
            "resident__household__flat__building", "resident__household__flat__entrance"
        )
        .defer(*(f"resident__{n}" for n in LIST_DEFERRED))
        .order_by("resident__household__flat__building__sort_key", "resident__household__flat__number", "pk")
    )


def attendances(meeting: Meeting) -> dict[int, Attendance]:
    """Sign-ins by resident id."""
    return {a.resident_id: a for a in meeting.attendances.all()}


def sign_in_sheet(meeting: Meeting) -> list[dict]:
    """The invitees, then those who signed in uninvited, each with their sign-in (or None)."""
    signed = {
        a.resident_id: a
        for a in meeting.attendances.select_related("resident__household__flat").defer(
            *(f"resident__{n}" for n in LIST_DEFERRED)
        )
    }
    rows = []
    for invitee in invitees(meeting):
        rows.append({"resident": invitee.resident, "attendance": signed.pop(invitee.resident_id, None)})
    for attendance in signed.values():
        rows.append({"resident": attendance.resident, "attendance": attendance, "uninvited": True})
    return rows


def meeting_tasks(meeting: Meeting) -> list[FollowUpTask]:
    return list(meeting.tasks.select_related("owner").order_by("done_at", "due_on", "pk"))


def my_open_tasks(user) -> list[FollowUpTask]:
    return list(
        FollowUpTask.objects.filter(owner=user, done_at__isnull=True)
        .select_related("meeting")
        .order_by("due_on", "pk")
    )
