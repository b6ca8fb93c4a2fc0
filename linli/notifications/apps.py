from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The inbox, delivery channels, preferences, reminders and the daily digest. At the top of the
    dependency chain: it reads from organizing, registry and core; nothing imports from it."""

    name = "linli.notifications"
    label = "notifications"
    verbose_name = _("消息提醒")
