"""The inbox link with its unread count, in every page's header (one small query)."""

from django import template
from django.urls import reverse

from linli.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/partials/inbox_link.html", takes_context=True)
def inbox_link(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"url": None}
    return {"url": reverse("notification_inbox"), "unread": unread_count(user)}
