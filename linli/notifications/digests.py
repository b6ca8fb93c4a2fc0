"""The daily digest: once a day, each person's "digest" notifications gathered into one message.

The notifications are already in the person's inbox; the digest is what goes out on their channels
instead of a message per event. A digest takes the notifications made before its slot (the digest hour)
that no digest holds yet, grouped by kind, and is unique per person and day: the job run twice, or
retried, sends one digest. With nothing to gather nothing is made and nothing sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.notifications.models import ChannelName, Delivery, Digest, Kind, Mode, Notification
from linli.notifications.preferences import preferences_of
from linli.notifications.services import delivery_enqueue

LINES_PER_KIND = 10  # a digest stays readable on a phone; the inbox has the rest


def pending(*, before: dt.datetime):
    return Notification.objects.filter(mode=Mode.DIGEST, digest__isnull=True, created_at__lt=before)


def digest_text(items: list[Notification], *, day: dt.date) -> tuple[str, str]:
    """(title, body) of a digest: the items grouped by kind, in the order of Kind, at most
    LINES_PER_KIND lines each."""
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    title = _("邻里每日摘要：%(month)s月%(day)s日，共 %(count)s 条") % {
        "month": day.month,
        "day": day.day,
        "count": len(items),
    }
    lines: list[str] = []
    for kind in Kind.values:
        group = by_kind.get(kind)
        if not group:
            continue
        lines.append(_("%(kind)s（%(count)s 条）") % {"kind": Kind(kind).label, "count": len(group)})
        lines.extend(f"· {item.title}" for item in group[:LINES_PER_KIND])
        if len(group) > LINES_PER_KIND:
            lines.append(_("……另有 %(count)s 条") % {"count": len(group) - LINES_PER_KIND})
        lines.append("")
    lines.append(_("详情请登录邻里查看：%(path)s") % {"path": reverse("notification_inbox")})
    return title, "\n".join(lines)


def digests_send(*, slot: dt.datetime, run=None) -> dict:
    """Make and queue the digests of the slot's day. Returns counts for the run record."""
    day = timezone.localtime(slot).date()
    recipients = list(
        pending(before=slot).values_list("recipient_id", flat=True).distinct().order_by("recipient_id")
    )
    made = 0
    for recipient_id in recipients:
        try:
            with transaction.atomic():
                items = list(
                    pending(before=slot)
                    .filter(recipient_id=recipient_id)
                    .select_for_update()
                    .order_by("created_at", "pk")
                )
                if not items:
                    continue
                if Digest.objects.filter(recipient_id=recipient_id, day=day).exists():
                    # Today's digest went out already; these wait for tomorrow's.
                    continue
                title, body = digest_text(items, day=day)
                digest = Digest.objects.create(
                    recipient_id=recipient_id, day=day, title=title, body=body, item_count=len(items)
                )
                Notification.objects.filter(pk__in=[item.pk for item in items]).update(digest=digest)
                choices = preferences_of(recipient_id)
                wanted = {c for item in items for c in choices[item.kind].channels}
                for channel in [c for c in ChannelName.values if c in wanted]:
                    delivery = Delivery.objects.create(digest=digest, channel=channel)
                    delivery_enqueue(delivery, community_id=None)
                made += 1
        except IntegrityError:  # another run made this person's digest in between
            continue
    return {"digests": made, "people": len(recipients)}
