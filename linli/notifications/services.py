"""Writes of the notifications app: send a notification, deliver it, mark it read, set preferences.

`notification_send` is the one way any job tells a person something: it honours the person's preference
(off: nothing; digest: inbox now, outside channels in tomorrow morning's digest; instant: inbox and every
chosen channel now), and its dedupe key makes a repeated call a no-op — the same reminder is never
delivered twice, however often the job that sends it runs.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.jobs.services import PermanentJobError, job_enqueue
from linli.notifications.channels import ChannelNotConfigured, Message, channel_for, enabled_channels
from linli.notifications.models import (
    Delivery,
    DeliveryStatus,
    Kind,
    Mode,
    Notification,
    Preference,
)
from linli.notifications.preferences import preference_for

logger = logging.getLogger(__name__)

DELIVER_JOB = "notifications.deliver"


def notification_send(
    *,
    recipient_id: int,
    community_id: int,
    kind: str,
    title: str,
    dedupe_key: str,
    body: str = "",
    link: str = "",
) -> Notification | None:
    """Put a notification in the person's inbox and deliver it as they prefer. Returns it (the existing
    one when `dedupe_key` was used before: nothing new is created or delivered), or None when the person
    turned this kind off."""
    existing = Notification.objects.filter(recipient_id=recipient_id, dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    choice = preference_for(recipient_id, kind)
    if choice.mode == Mode.OFF:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient_id=recipient_id,
                community_id=community_id,
                kind=kind,
                mode=choice.mode,
                title=title[:200],
                body=body,
                link=link[:300],
                dedupe_key=dedupe_key[:200],
            )
            if choice.mode == Mode.INSTANT:
                for channel in choice.channels:
                    delivery = Delivery.objects.create(notification=notification, channel=channel)
                    delivery_enqueue(delivery, community_id=community_id)
    except IntegrityError:  # sent by a concurrent run in between: that one stands
        return Notification.objects.get(recipient_id=recipient_id, dedupe_key=dedupe_key)
    return notification


def delivery_enqueue(delivery: Delivery, *, community_id: int | None) -> None:
    """Queue the delivery's job (after the transaction commits). One run per delivery: its key."""
    job_enqueue(
        DELIVER_JOB,
        key=f"{DELIVER_JOB}:{delivery.pk}",
        community_id=community_id,
        delivery_id=delivery.pk,
    )


def _message(delivery: Delivery) -> tuple[object, Message]:
    if delivery.notification_id:
        n = delivery.notification
        return n.recipient, Message(n.title, n.body, n.link)
    d = delivery.digest
    return d.recipient, Message(d.title, d.body, "")


def delivery_send(delivery_id: int) -> str:
    """Send one delivery on its channel; the job `notifications.deliver` calls it once per attempt.

    The delivery's run key makes sure only one attempt runs at a time, so no lock is held while a
    provider is called. A delivery already sent is left alone (a second run sends nothing). A failure is
    written on the delivery (status, attempts, error) before it is raised for the job system to retry;
    a channel that cannot send at all fails the run at once."""
    delivery = (
        Delivery.objects.select_related("notification__recipient", "digest__recipient")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        raise PermanentJobError(_("发送记录已不存在。"))
    if delivery.status == DeliveryStatus.SENT:
        return "already sent"
    user, message = _message(delivery)
    delivery.attempts += 1
    try:
        channel_for(delivery.channel).send(user=user, message=message)
    except ChannelNotConfigured as exc:
        _failed(delivery, str(exc))
        raise PermanentJobError(str(exc)) from exc
    except Exception as exc:
        _failed(delivery, f"{type(exc).__name__}: {exc}")
        raise
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = timezone.now()
    delivery.error = ""
    delivery.save(update_fields=["status", "sent_at", "attempts", "error"])
    return "sent"


def _failed(delivery: Delivery, error: str) -> None:
    delivery.status = DeliveryStatus.FAILED
    delivery.error = error[:1000]
    delivery.save(update_fields=["status", "attempts", "error"])


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one of the person's own notifications read (the caller fetched it through the selector)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_set(*, user, kind: str, mode: str, channels: list[str]) -> Preference:
    """Save how `user` wants `kind`. Every problem is reported at once, nothing saved on any."""
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors.setdefault("kind", []).append(_("不认识的消息类型：%(kind)s。") % {"kind": kind})
    if mode not in Mode.values:
        errors.setdefault("mode", []).append(_("提醒方式应为立即提醒、每日摘要或不提醒。"))
    enabled = enabled_channels()
    unknown = [c for c in channels if c not in enabled]
    if unknown:
        errors.setdefault("channels", []).append(
            _("本站没有启用这些渠道：%(channels)s。") % {"channels": "、".join(map(str, unknown))}
        )
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)
    wanted = [c for c in enabled if c in channels]
    with transaction.atomic():
        preference, _created = Preference.objects.select_for_update().get_or_create(
            user=user, kind=kind, defaults={"mode": mode, "channels": wanted}
        )
        if not _created and (preference.mode != mode or preference.channels != wanted):
            preference.mode = mode
            preference.channels = wanted
            preference.save(update_fields=["mode", "channels", "updated_at"])
    return preference
