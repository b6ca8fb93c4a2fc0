from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElevatorsConfig(AppConfig):
    name = "linli.elevators"
    label = "elevators"
    verbose_name = _("加装电梯")

    def ready(self) -> None:
        # The lift's policy figures, the owners' vote's threshold, and the stage gates of each area are
        # registered here, so a command or job that completes a stage checks the same rules as the pages.
        from linli.elevators import policy, services_costs, services_vote  # noqa: F401

        policy.register()
