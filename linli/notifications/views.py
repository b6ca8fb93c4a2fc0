"""The inbox and the preferences page. Each person sees and changes only their own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.notifications import selectors, services
from linli.notifications.channels import enabled_channels
from linli.notifications.forms import PreferencesForm
from linli.notifications.preferences import preferences_of
from linli.registry.forms import add_domain_error


@login_required
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    items = selectors.inbox(request.user, unread_only=unread_only)
    page = Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page_obj": page, "unread_only": unread_only})


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = selectors.access_notification(request.user, notification_id)
    services.notification_mark_read(notification=notification)
    if request.htmx:
        response = render(request, "notifications/partials/notification_item.html", {"item": notification})
        patch_vary_headers(response, ["HX-Request"])
        return response
    return redirect("notification_inbox")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(count)s 条消息标为已读。") % {"count": count})
    return redirect("notification_inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    choices = preferences_of(request.user.pk)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, choices=choices, enabled=enabled_channels()
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for kind, mode, channels in form.wanted():
                    services.preference_set(user=request.user, kind=kind, mode=mode, channels=channels)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存您的提醒设置。"))
            return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "digest_at": settings.LINLI_DIGEST_AT, "channels": enabled_channels()},
    )
