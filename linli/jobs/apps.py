from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs: run records, retries, schedules and the worker. Sits just above core, so every
    app may declare jobs and schedules in its own tasks.py."""

    name = "linli.jobs"
    label = "jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        # Every app's tasks.py declares its jobs and schedules with linli.jobs.registry; importing them
        # here fills the registry in every process (web, worker, scheduler) before a job is looked up.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        from linli.jobs import bridge

        bridge.connect()
