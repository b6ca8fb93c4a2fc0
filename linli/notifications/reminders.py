"""Reminders before a volunteer's duty (organizing.Duty).

Every few minutes the job `notifications.duty_reminders` takes the duties starting within the next
LINLI_DUTY_REMINDER_HOURS hours that have no DutyReminder yet, and deals with each exactly once:

- the volunteer is reminded (in the inbox, and on their channels as they prefer), and the leaders of the
  duty's group are told who is on duty (a digest item by default);
- or, when the reminder cannot reach the right person — the volunteer left before the duty, the resident
  moved out, there is no sign-in to send to — nothing is sent to them, the skip and its reason are written
  in the run record (for the community's staff), and the people who arranged the duty (the group's leaders,
  else the staff who entered it, else the community's staff) are told, so no reminder is lost in silence.

`skip_reason` is the rule, a pure function.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.identity import mask_minor_name
from linli.core.models import Membership, Role
from linli.core.scope import scope_for
from linli.notifications.models import DutyReminder, Kind, Notification, ReminderOutcome
from linli.notifications.services import notification_send
from linli.organizing.models import Duty
from linli.registry import minors
from linli.registry.models import Resident

BATCH = 500  # duties per run; the next run (minutes later) takes the rest


def skip_reason(
    *, left_on: dt.date | None, moved_out: dt.date | None, has_user: bool, user_active: bool, on: dt.date
) -> str | None:
    """Why a duty on day `on` must not be reminded to its volunteer, or None when it may."""
    if left_on is not None and left_on <= on:
        return _("志愿者已于 %(date)s 退出") % {"date": left_on.isoformat()}
    if moved_out is not None and moved_out <= on:
        return _("志愿者已于 %(date)s 迁出") % {"date": moved_out.isoformat()}
    if not has_user:
        return _("志愿者没有登录账号，无法提醒")
    if not user_active:
        return _("志愿者的账号已停用")
    return None


def duties_due(*, at: dt.datetime, lead: dt.timedelta):
    handled = DutyReminder.objects.filter(duty=OuterRef("pk"), starts_at=OuterRef("starts_at"))
    return (
        Duty.objects.filter(starts_at__gt=at, starts_at__lte=at + lead)
        .exclude(Exists(handled))
        .select_related("volunteer__resident", "volunteer__user", "group")
        .order_by("starts_at", "pk")
    )


def _when(duty: Duty) -> str:
    start, end = timezone.localtime(duty.starts_at), timezone.localtime(duty.ends_at)
    same_day = start.date() == end.date()
    return _("%(month)s月%(day)s日 %(start)s–%(end)s") % {
        "month": start.month,
        "day": start.day,
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M") if same_day else end.strftime("%m-%d %H:%M"),
    }


def _volunteer_name(volunteer, viewer) -> str:
    """The volunteer's name as `viewer` may see it (a child's is masked for most: registry/minors.py)."""
    resident = volunteer.resident
    if resident is not None:
        return minors.display_name(resident, scope_for(viewer))
    return mask_minor_name(volunteer.name) if volunteer.is_minor else volunteer.name


def _group_leaders(duty: Duty) -> list:
    """The signed-in leader and deputy of the duty's group, while they lead it (a current resident of
    the community, the group still active): the same rule linli.core.scope gives them their scope by."""
    group = duty.group
    if group is None or not group.is_active:
        return []
    people = Resident.objects.filter(
        pk__in=[pk for pk in (group.leader_id, group.deputy_id) if pk],
        community_id=group.community_id,
        moved_out__isnull=True,
        user__is_active=True,
    ).select_related("user")
    return [person.user for person in people]


def _leaders(duty: Duty, *, fallback: bool = True) -> list:
    """Who arranged the duty: the group's leaders; else (with `fallback`) the staff member who entered
    it, else the community's staff."""
    users = _group_leaders(duty)
    if users or not fallback:
        return users
    staff = Membership.objects.filter(
        role=Role.STAFF, community_id=duty.community_id, is_active=True, user__is_active=True
    ).select_related("user")
    if duty.created_by_id:
        users = [m.user for m in staff.filter(user_id=duty.created_by_id)]
    if not users:
        users = [m.user for m in staff]
    return list({u.pk: u for u in users}.values())


def _key(duty: Duty, what: str) -> str:
    return f"duty:{duty.pk}:{duty.starts_at.isoformat()}:{what}"


def duty_reminders_send(*, at: dt.datetime, run, lead: dt.timedelta | None = None) -> dict:
    lead = lead or dt.timedelta(hours=settings.LINLI_DUTY_REMINDER_HOURS)
    for duty in duties_due(at=at, lead=lead)[:BATCH]:
        try:
            with transaction.atomic():
                _remind(duty, run)
        except IntegrityError:  # another run dealt with this duty in between
            continue
    return {}


def _remind(duty: Duty, run) -> None:
    volunteer = duty.volunteer
    resident = volunteer.resident
    user = volunteer.user
    day = timezone.localtime(duty.starts_at).date()
    reason = skip_reason(
        left_on=volunteer.left_on,
        moved_out=resident.moved_out if resident is not None else None,
        has_user=user is not None,
        user_active=user is not None and user.is_active,
        on=day,
    )
    reminder = DutyReminder(duty=duty, starts_at=duty.starts_at, community_id=duty.community_id)
    when = _when(duty)
    if reason is not None:
        reminder.outcome, reminder.reason = ReminderOutcome.SKIPPED, reason[:200]
        reminder.save()
        run.skip(
            _("未提醒 %(name)s 的值班（%(task)s，%(when)s）：%(reason)s。")
            % {"name": _volunteer_name(volunteer, None), "task": duty.task, "when": when, "reason": reason},
            community_id=duty.community_id,
        )
        for leader in _leaders(duty):
            notification_send(
                recipient_id=leader.pk,
                community_id=duty.community_id,
                kind=Kind.DUTY_UNREMINDED,
                title=_("%(name)s 的值班未能提醒：%(task)s，%(when)s")
                % {"name": _volunteer_name(volunteer, leader), "task": duty.task, "when": when},
                body=_("原因：%(reason)s。请另行联系或重新安排。") % {"reason": reason},
                dedupe_key=_key(duty, "unreminded"),
            )
        return
    place = _("，地点：%(place)s") % {"place": duty.place} if duty.place else ""
    notification = notification_send(
        recipient_id=user.pk,
        community_id=duty.community_id,
        kind=Kind.DUTY_REMINDER,
        title=_("值班提醒：%(when)s %(task)s") % {"when": when, "task": duty.task},
        body=_(
            "您好！您有一次值班：%(task)s，%(when)s%(place)s。谢谢您为邻里出力！如不能到岗，请尽早告诉团队负责人。"
        )
        % {"task": duty.task, "when": when, "place": place},
        link=reverse("my_tasks"),
        dedupe_key=_key(duty, "reminder"),
    )
    if notification is None:
        reminder.outcome = ReminderOutcome.MUTED
        run.note(
            _("%(name)s 关闭了值班提醒，未发送（%(task)s，%(when)s）。")
            % {"name": _volunteer_name(volunteer, None), "task": duty.task, "when": when},
            community_id=duty.community_id,
        )
    else:
        reminder.outcome, reminder.notification = ReminderOutcome.SENT, notification
        run.count("reminded")
    reminder.save()
    for leader in _leaders(duty, fallback=False):
        if leader.pk == user.pk:
            continue
        notification_send(
            recipient_id=leader.pk,
            community_id=duty.community_id,
            kind=Kind.DUTY_UPCOMING,
            title=_("%(name)s 值班：%(task)s，%(when)s")
            % {"name": _volunteer_name(volunteer, leader), "task": duty.task, "when": when},
            body=place.lstrip("，"),
            dedupe_key=_key(duty, "upcoming"),
        )


# ── Follow-up tasks of meetings (deliberation.FollowUpTask) ─────────────────────────────────────────
# Daily, the job `notifications.meeting_task_reminders` reminds each open task's owner once per due date
# when the task is due today or tomorrow: the notification's dedupe key names the task and its due date,
# so a second run (or a retried one) sends nothing new, and moving the due date earns a new reminder.

MEETING_TASK_LEAD_DAYS = 1


def meeting_tasks_due(*, today: dt.date):
    from linli.deliberation.models import FollowUpTask

    return (
        FollowUpTask.objects.filter(
            done_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=MEETING_TASK_LEAD_DAYS),
        )
        .select_related("meeting", "owner")
        .order_by("due_on", "pk")
    )


def meeting_task_key(task) -> str:
    return f"meeting_task:{task.pk}:{task.due_on.isoformat()}"


def meeting_task_reminders_send(*, at: dt.datetime, run) -> dict:
    from linli.deliberation.models import Meeting

    today = timezone.localtime(at).date()
    for task in meeting_tasks_due(today=today)[:BATCH]:
        owner = task.owner
        if owner is None or not owner.is_active:
            run.skip(
                _("会后事项“%(text)s”没有可提醒的负责人。") % {"text": task.text[:50]},
                community_id=task.community_id,
            )
            continue
        if Notification.objects.filter(recipient_id=owner.pk, dedupe_key=meeting_task_key(task)).exists():
            continue  # reminded for this due date already
        sees_meeting = scope_for(owner).filter(Meeting.objects.filter(pk=task.meeting_id)).exists()
        due = _("今天") if task.due_on == today else _("明天")
        notification = notification_send(
            recipient_id=owner.pk,
            community_id=task.community_id,
            kind=Kind.MEETING_TASK_DUE,
            title=_("会后事项%(due)s到期：%(text)s") % {"due": due, "text": task.text},
            body=_("这是“%(meeting)s”商定的事项，期限为 %(date)s。完成后请在系统中标为完成。")
            % {"meeting": task.meeting.title, "date": task.due_on.isoformat()},
            link=reverse("meeting_detail", args=[task.meeting_id]) if sees_meeting else "",
            dedupe_key=meeting_task_key(task),
        )
        if notification is not None:
            run.count("reminded")
    return {}
