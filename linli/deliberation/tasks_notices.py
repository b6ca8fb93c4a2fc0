"""Scheduled job of public notices: a notice's period ends by itself (registered with linli.jobs)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from linli.deliberation.services_notices import notices_close_ended
from linli.jobs.registry import job, schedule


@schedule(every=dt.timedelta(minutes=15))
@job("deliberation.notices_close", label=_("结束到期的公示"))
def notices_close(run, *, slot: str) -> dict:
    """Close notices whose end is not after the slot's time. Idempotent: a second run for the same slot
    (or a later one) finds them closed and changes nothing."""
    return {"closed": notices_close_ended(now=dt.datetime.fromisoformat(slot))}
