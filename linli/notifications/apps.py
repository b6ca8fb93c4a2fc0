from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The inbox, delivery channels, preferences, reminders and the daily digest. At the top of the
    dependency chain: it reads from organizing, registry and core; nothing imports from it."""

    name = "linli.notifications"
    label = "notifications"
    verbose_name = _("消息提醒")

    def ready(self) -> None:
        # A person's inbox in their PIPL export, their name out of reminders on anonymisation.
        from linli.notifications import pipl
        from linli.registry.pipl import register_anonymise_step, register_person_data_section

        register_person_data_section(pipl.person_sections)
        register_anonymise_step(pipl.anonymise_person)
