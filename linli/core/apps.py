from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from linli.core import signals  # noqa: F401  (connects the sign-in receivers of the access log)
