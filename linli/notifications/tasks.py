"""The notification jobs (linli.jobs): thin, they take ids and times and call the services.

- `notifications.duty_reminders`, every 5 minutes: reminders before volunteers' duties.
- `notifications.daily_digest`, daily at LINLI_DIGEST_AT: one digest per person with digest items.
- `notifications.meeting_task_reminders`, daily at 08:00: meetings' follow-up tasks due today or tomorrow.
- `notifications.deliver`, per delivery: one message on one channel, retried with backoff.
- the lift app's reminders (stairwell watch, lift registration): in lift_reminders.py, imported below.
"""

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from linli.jobs.registry import job, schedule
from linli.notifications import (
    digests,
    lift_reminders,  # noqa: F401 — its import registers the lift jobs
    reminders,
    services,
)


@schedule(every=dt.timedelta(minutes=5))
@job("notifications.duty_reminders", label=_("值班提醒"), max_attempts=3, backoff_seconds=30)
def duty_reminders(run, *, slot: str) -> dict:
    return reminders.duty_reminders_send(at=dt.datetime.fromisoformat(slot), run=run)


@schedule(every=dt.timedelta(days=1), at=settings.LINLI_DIGEST_AT)
@job("notifications.daily_digest", label=_("每日摘要"), max_attempts=3, backoff_seconds=120)
def daily_digest(run, *, slot: str) -> dict:
    return digests.digests_send(slot=dt.datetime.fromisoformat(slot), run=run)


@schedule(every=dt.timedelta(days=1), at="08:00")
@job("notifications.meeting_task_reminders", label=_("会后事项提醒"), max_attempts=3, backoff_seconds=120)
def meeting_task_reminders(run, *, slot: str) -> dict:
    return reminders.meeting_task_reminders_send(at=dt.datetime.fromisoformat(slot), run=run)


@job("notifications.deliver", label=_("发送消息"), max_attempts=5, backoff_seconds=60)
def deliver(run, *, delivery_id: int) -> dict:
    return {"outcome": services.delivery_send(delivery_id)}
