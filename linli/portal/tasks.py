"""Jobs of the residents' portal (registered with linli.jobs): forgetting sign-in rows nobody needs.

Sign-in codes and failed attempts exist for the sign-in itself and its rate limits (portal.services);
the access log, not these rows, is the lasting record of each request and refusal. Kept forever they
would only pile up keyed hashes of phone numbers and the addresses they were typed from.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.jobs.registry import job, schedule
from linli.portal import services
from linli.portal.models import SignInCode, SignInFailure

# A code is kept a day past its expiry: every limit on codes looks back one hour from when they were
# sent (services.sign_in_code_request), and a code's expiry is five minutes after that.
CODE_KEEP_AFTER_EXPIRY = dt.timedelta(days=1)
# Failures count towards a lock-out or an address's limit for LOCK_FOR, and a lock row's `locks_until`
# starts the next count until LOCK_FOR after it (services._refuse_code): nothing older than a few
# windows is ever read. A day is far beyond that, whatever LOCK_FOR is tuned to.
FAILURE_KEEP = max(dt.timedelta(days=1), 4 * services.LOCK_FOR)


def sign_in_rows_prune(*, now: dt.datetime) -> dict[str, int]:
    """Delete codes that expired more than CODE_KEEP_AFTER_EXPIRY before `now`, and failure rows older
    than FAILURE_KEEP whose lock (if any) ended as long ago. Idempotent: a second call for the same `now`
    deletes nothing. Returns how many rows of each went."""
    codes, _by_model = SignInCode.objects.filter(expires_at__lt=now - CODE_KEEP_AFTER_EXPIRY).delete()
    cutoff = now - FAILURE_KEEP
    failures, _by_model = (
        SignInFailure.objects.filter(at__lt=cutoff)
        .filter(Q(locks_until__isnull=True) | Q(locks_until__lt=cutoff))
        .delete()
    )
    return {"codes": codes, "failures": failures}


@schedule(every=dt.timedelta(days=1), at="04:40")
@job("portal.sign_in_prune", label=_("清理过期的登录验证码和失败记录"))
def sign_in_prune(run, *, slot: str) -> dict:
    """Prune as of the slot's time, so a late or repeated run of the same slot deletes the same rows."""
    return sign_in_rows_prune(now=dt.datetime.fromisoformat(slot))
