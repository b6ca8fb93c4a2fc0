"""Reads for one person: their own notifications and preferences. A notification belongs to its
recipient alone — not to their community's staff — so these read by recipient, and another person's
notification is a 404, whatever the role."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from linli.notifications.models import Delivery, Notification


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    items = Notification.objects.filter(recipient=user).prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("channel"))
    )
    if unread_only:
        items = items.filter(read_at__isnull=True)
    return items.order_by("-created_at", "-id")


def unread_count(user) -> int:
    """One small query (the partial index notification_unread): every page's header shows it."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def access_notification(user, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient_id=user.pk).first()
    if notification is None:
        raise Http404
    return notification
