"""The portal's daily prune: sign-in codes that expired more than a day ago and failure rows past every
window the rate limits read are deleted; recent rows and live locks stay, a second run deletes nothing,
and the lock-out works the same after a prune."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.jobs.registry import SCHEDULES
from linli.portal import services
from linli.portal.models import FailureKind, SignInCode, SignInFailure
from linli.portal.tasks import CODE_KEEP_AFTER_EXPIRY, FAILURE_KEEP, sign_in_prune, sign_in_rows_prune

pytestmark = pytest.mark.django_db

PHONE = "13900001111"  # nobody's number: the portal writes the same rows for it (no SMS is sent)


def _code(now, *, sent_ago: dt.timedelta, phone_hash: str = "h") -> SignInCode:
    sent = now - sent_ago
    return SignInCode.objects.create(
        phone_hash=phone_hash,
        code_hash="-",
        created_at=sent,
        expires_at=sent + services.CODE_TTL,
    )


def _failure(now, *, ago: dt.timedelta, locks_for: dt.timedelta | None = None, phone_hash: str = "h"):
    at = now - ago
    return SignInFailure.objects.create(
        kind=FailureKind.CODE,
        phone_hash=phone_hash,
        ip="10.0.0.1",
        at=at,
        locks_until=at + locks_for if locks_for else None,
    )


def _wrong_code(phone_hash: str) -> DomainError:
    SignInCode.objects.filter(phone_hash=phone_hash).update(code_hash="-")  # no six digits can match
    with pytest.raises(DomainError) as refused:
        services.sign_in_code_verify(phone_hash=phone_hash, code="000000")
    return refused.value


def test_old_rows_go_and_recent_ones_stay():
    now = timezone.now()
    old_code = _code(now, sent_ago=dt.timedelta(days=2))
    kept_codes = [
        _code(now, sent_ago=dt.timedelta(hours=23)),  # expired less than a day ago
        _code(now, sent_ago=dt.timedelta(minutes=30)),  # still counts towards the hourly limit
        _code(now, sent_ago=dt.timedelta(minutes=1)),  # still valid
    ]
    old_failures = [
        _failure(now, ago=dt.timedelta(days=3)),
        _failure(now, ago=dt.timedelta(days=3), locks_for=services.LOCK_FOR),
    ]
    kept_failures = [
        _failure(now, ago=dt.timedelta(minutes=5)),
        _failure(now, ago=FAILURE_KEEP - dt.timedelta(minutes=1)),
        # Impossible today (a lock lasts LOCK_FOR), but a lock still running is never pruned.
        _failure(now, ago=dt.timedelta(days=3), locks_for=dt.timedelta(days=4)),
    ]
    assert sign_in_rows_prune(now=now) == {"codes": 1, "failures": 2}
    assert not SignInCode.objects.filter(pk=old_code.pk).exists()
    assert set(SignInCode.objects.values_list("pk", flat=True)) == {c.pk for c in kept_codes}
    assert not SignInFailure.objects.filter(pk__in=[f.pk for f in old_failures]).exists()
    assert set(SignInFailure.objects.values_list("pk", flat=True)) == {f.pk for f in kept_failures}


def test_a_second_run_changes_nothing():
    now = timezone.now()
    _code(now, sent_ago=dt.timedelta(days=2))
    _code(now, sent_ago=dt.timedelta(minutes=2))
    _failure(now, ago=dt.timedelta(days=2))
    _failure(now, ago=dt.timedelta(minutes=2))
    slot = now.isoformat()
    assert sign_in_prune(None, slot=slot) == {"codes": 1, "failures": 1}
    left = (list(SignInCode.objects.values_list("pk", flat=True)), list(SignInFailure.objects.values("pk")))
    assert sign_in_prune(None, slot=slot) == {"codes": 0, "failures": 0}
    assert (
        list(SignInCode.objects.values_list("pk", flat=True)),
        list(SignInFailure.objects.values("pk")),
    ) == left


def test_the_job_is_scheduled_daily():
    schedule = SCHEDULES["portal.sign_in_prune"]
    assert schedule.every == dt.timedelta(days=1) and schedule.at is not None


def test_the_keep_covers_every_window_the_limits_read():
    assert FAILURE_KEEP >= 2 * services.LOCK_FOR  # a count window starts at most LOCK_FOR after a lock ends
    assert dt.timedelta(hours=1) <= CODE_KEEP_AFTER_EXPIRY  # the hourly limits on codes sent


def test_a_lock_survives_the_prune_and_the_count_restarts_only_after_it():
    phone_hash = services.sign_in_code_request(phone=PHONE)
    now = timezone.now()
    _failure(now, ago=dt.timedelta(days=2), phone_hash=phone_hash)  # old wrong codes: pruned, never counted
    _failure(now, ago=dt.timedelta(days=2), phone_hash=phone_hash)
    assert sign_in_rows_prune(now=now) == {"codes": 0, "failures": 2}
    for _ in range(services.WRONG_CODES_TO_LOCK - 1):
        assert "已锁定" not in _wrong_code(phone_hash).message
    assert "已锁定" in _wrong_code(phone_hash).message  # the fifth wrong code locks the number
    assert sign_in_rows_prune(now=timezone.now()) == {"codes": 0, "failures": 0}
    assert services.phone_locked_until(phone_hash) is not None
    with pytest.raises(DomainError, match="锁定"):
        services.sign_in_code_request(phone=PHONE)
    with pytest.raises(DomainError, match="锁定"):
        services.sign_in_code_verify(phone_hash=phone_hash, code="000000")
    # A prune long after the lock ended forgets it, and the number starts again from nothing.
    later = timezone.now() + FAILURE_KEEP + services.LOCK_FOR + dt.timedelta(minutes=1)
    assert sign_in_rows_prune(now=later)["failures"] == services.WRONG_CODES_TO_LOCK
    assert services.phone_locked_until(phone_hash) is None


def test_the_phone_hash_is_the_registry_one():
    """The failure rows the lock reads are keyed by the same hash the request returns."""
    assert services.sign_in_code_request(phone=PHONE) == keyed_hash(PHONE)
