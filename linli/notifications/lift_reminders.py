"""Reminders of the lift app (elevators), as jobs of linli.jobs. They live here, not in elevators/tasks.py,
because they send notifications and nothing may import from the notifications app (STYLE.md, rule 2);
linli/notifications/tasks.py imports this module so its jobs are registered with the others.

- `notifications.lift_duty_reminders`, daily at 18:00: each volunteer on tomorrow's stairwell watch of a
  lift under construction is reminded once (inbox and channels, as for organizing duties). The
  assignment's `reminded_at` marks it dealt with, and the dedupe key names the assignment and the
  volunteer, so a second run sends nothing and a swap (which clears `reminded_at`) reminds the new person.
  A volunteer who cannot be reminded (left, moved out, no sign-in) is skipped with the reason, and the
  people who carry the project are told instead.
- `notifications.lift_registration`, daily at 08:30: a lift in use must be registered within the policy's
  `registration_days` (30) of going into use (rules/lift.md stage 8). A week before the deadline the
  project's staff and building leaders are reminded; once it has passed, they are alerted. Each state is
  sent once per project and date of going into use (dedupe key), however often the job runs.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import DomainError
from linli.core.models import Membership, Role
from linli.elevators import roster as roster_rules
from linli.elevators.policy import lift_policy
from linli.elevators.selectors_roster import (
    OVERDUE,
    duties_to_remind,
    projects_awaiting_registration,
    registration_due,
)
from linli.elevators.services_roster import slots_from_json
from linli.jobs.registry import job, schedule
from linli.notifications.models import Kind, Notification
from linli.notifications.reminders import BATCH, _volunteer_name, skip_reason
from linli.notifications.services import notification_send
from linli.organizing.models import BuildingGroup
from linli.registry.models import Resident

# Kinds: a lift watch is a volunteer's duty like any other (time-sensitive: instant by default). The
# registration deadline has two kinds of its own: the reminder (in the digest by default) and the alert
# once it has passed (time-sensitive: instant by default).
LIFT_DUTY_KIND = Kind.DUTY_REMINDER
LIFT_DUTY_UNREMINDED_KIND = Kind.DUTY_UNREMINDED


def project_carers(project) -> list:
    """Who carries a project and must hear about it: the community's active staff and the signed-in
    leaders (leader, deputy) of the building's groups — the people elevators.change_liftproject allows."""
    users = {
        m.user.pk: m.user
        for m in Membership.objects.filter(
            role=Role.STAFF, community_id=project.community_id, is_active=True, user__is_active=True
        ).select_related("user")
    }
    groups = BuildingGroup.objects.filter(building_id=project.building_id, community_id=project.community_id)
    leader_ids = {pk for g in groups for pk in (g.leader_id, g.deputy_id) if pk}
    for person in Resident.objects.filter(
        Q(pk__in=leader_ids),
        community_id=project.community_id,
        moved_out__isnull=True,
        user__is_active=True,
    ).select_related("user"):
        users[person.user.pk] = person.user
    return list(users.values())


def _roster_link(project) -> str:
    try:
        return reverse("lift_roster", args=[project.pk])
    except NoReverseMatch:
        return ""


def _project_link(project) -> str:
    try:
        return reverse("lift_project_detail", args=[project.pk])
    except NoReverseMatch:
        return ""


# --- the stairwell watch --------------------------------------------------------------------------------


def lift_duty_reminders_send(*, today: dt.date, run) -> dict:
    """Remind tomorrow's watch (relative to `today`, which the job takes from its slot)."""
    tomorrow = today + dt.timedelta(days=1)
    slot_cache: dict[int, dict[str, roster_rules.Slot]] = {}
    for duty in duties_to_remind(day=tomorrow)[:BATCH]:
        slots = slot_cache.get(duty.roster_id)
        if slots is None:
            slots = slot_cache[duty.roster_id] = {s.key: s for s in slots_from_json(duty.roster.slots)}
        slot = slots.get(duty.slot)
        _remind_duty(duty, run, slot_label=slot.label if slot else duty.slot)
    return {}


def _duty_key(duty, what: str) -> str:
    return f"lift_duty:{duty.pk}:{duty.day.isoformat()}:{duty.slot}:{duty.volunteer_id}:{what}"


def _remind_duty(duty, run, *, slot_label: str) -> None:
    volunteer = duty.volunteer
    resident = volunteer.resident
    user = volunteer.user
    project = duty.roster.project
    when = _("%(month)s月%(day)s日 %(slot)s") % {
        "month": duty.day.month,
        "day": duty.day.day,
        "slot": slot_label,
    }
    where = str(project.entrance)
    reason = skip_reason(
        left_on=volunteer.left_on,
        moved_out=resident.moved_out if resident is not None else None,
        has_user=user is not None,
        user_active=user is not None and user.is_active,
        on=duty.day,
    )
    if reason is not None:
        run.skip(
            _("未提醒 %(name)s 的加梯值守（%(where)s，%(when)s）：%(reason)s。")
            % {"name": _volunteer_name(volunteer, None), "where": where, "when": when, "reason": reason},
            community_id=duty.community_id,
        )
        for carer in project_carers(project):
            notification_send(
                recipient_id=carer.pk,
                community_id=duty.community_id,
                kind=LIFT_DUTY_UNREMINDED_KIND,
                title=_("%(name)s 的加梯值守未能提醒：%(where)s，%(when)s")
                % {"name": _volunteer_name(volunteer, carer), "where": where, "when": when},
                body=_("原因：%(reason)s。请另行联系或在排班表中换人。") % {"reason": reason},
                link=_roster_link(project),
                dedupe_key=_duty_key(duty, "unreminded"),
            )
    else:
        notification = notification_send(
            recipient_id=user.pk,
            community_id=duty.community_id,
            kind=LIFT_DUTY_KIND,
            title=_("加梯值守提醒：%(when)s %(where)s") % {"when": when, "where": where},
            body=_(
                "您好！明天请到%(where)s楼道值守：%(when)s。施工期间请留意老人孩子进出安全。"
                "如不能到岗，请尽早告诉楼组长换班。谢谢您！"
            )
            % {"where": where, "when": when},
            dedupe_key=_duty_key(duty, "reminder"),
        )
        if notification is None:
            run.note(
                _("%(name)s 关闭了值班提醒，未发送（加梯值守，%(when)s）。")
                % {"name": _volunteer_name(volunteer, None), "when": when},
                community_id=duty.community_id,
            )
        else:
            run.count("reminded")
    duty.reminded_at = timezone.now()
    duty.save(update_fields=["reminded_at"])


@schedule(every=dt.timedelta(days=1), at="18:00")
@job(
    "notifications.lift_duty_reminders",
    label=gettext_lazy("加梯值守提醒"),
    max_attempts=3,
    backoff_seconds=120,
)
def lift_duty_reminders(run, *, slot: str) -> dict:
    today = timezone.localtime(dt.datetime.fromisoformat(slot)).date()
    return lift_duty_reminders_send(today=today, run=run)


# --- the lift's use registration ------------------------------------------------------------------------


def registration_key(project, state: str) -> str:
    return f"lift_registration:{project.pk}:{project.in_use_on.isoformat()}:{state}"


def lift_registration_send(*, today: dt.date, run) -> dict:
    """Remind or alert, for each project whose lift is in use and not registered, as `registration_due`
    says for `today`. The deadline comes from the policy in force when the project started."""
    for project in projects_awaiting_registration()[:BATCH]:
        try:
            policy = lift_policy(project.started_on)
        except DomainError as error:
            run.skip(
                _("%(project)s：%(error)s") % {"project": project.entrance, "error": error.message},
                community_id=project.community_id,
            )
            continue
        due = registration_due(
            in_use_on=project.in_use_on,
            registered_on=project.registered_on,
            today=today,
            days=policy["registration_days"],
        )
        if due is None:
            continue
        key = registration_key(project, due.state)
        if Notification.objects.filter(dedupe_key=key).exists():
            continue  # this state was announced already (a later run, or a retry)
        facts = {
            "where": project.entrance,
            "in_use": project.in_use_on.isoformat(),
            "deadline": due.deadline.isoformat(),
            "days": policy["registration_days"],
            "policy": policy.label,
        }
        if due.state == OVERDUE:
            title = _("【逾期】%(where)s电梯未在期限内办理使用登记") % facts
            body = _(
                "%(where)s的电梯自%(in_use)s投入使用，应在%(days)s日内（%(deadline)s前）办理使用登记，"
                "现已逾期%(late)s天。请立即联系使用管理人到市场监管部门办理，并在系统中填写登记日期。"
                "（依据：%(policy)s）"
            ) % {**facts, "late": -due.days_left}
        else:
            title = _("%(where)s电梯请于%(deadline)s前办理使用登记") % facts
            body = _(
                "%(where)s的电梯自%(in_use)s投入使用，应在%(days)s日内办理使用登记，还剩%(left)s天"
                "（%(deadline)s截止）。办好后请在系统中填写登记日期。（依据：%(policy)s）"
            ) % {**facts, "left": due.days_left}
        carers = project_carers(project)
        if not carers:
            run.skip(
                _("%(where)s的电梯使用登记%(what)s无人可通知。")
                % {"where": project.entrance, "what": _("已逾期") if due.state == OVERDUE else _("即将到期")},
                community_id=project.community_id,
            )
            continue
        sent = 0
        for carer in carers:
            if notification_send(
                recipient_id=carer.pk,
                community_id=project.community_id,
                kind=Kind.LIFT_REGISTRATION_OVERDUE if due.state == OVERDUE else Kind.LIFT_REGISTRATION_DUE,
                title=title,
                body=body,
                link=_project_link(project),
                dedupe_key=key,
            ):
                sent += 1
        if due.state == OVERDUE:
            # The stronger signal: the alert is also written in the run record the community's staff read.
            run.note(title, community_id=project.community_id)
        run.count("alerted" if due.state == OVERDUE else "reminded", sent)
    return {}


@schedule(every=dt.timedelta(days=1), at="08:30")
@job(
    "notifications.lift_registration",
    label=gettext_lazy("电梯使用登记提醒"),
    max_attempts=3,
    backoff_seconds=120,
)
def lift_registration(run, *, slot: str) -> dict:
    today = timezone.localtime(dt.datetime.fromisoformat(slot)).date()
    return lift_registration_send(today=today, run=run)
