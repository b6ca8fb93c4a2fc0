"""`linli worker`: the job worker and the scheduler in one process (`make demo` starts it).

The worker is the configured backend's own: django-tasks-db's `db_worker` for LINLI_TASKS=database, RQ's
worker for LINLI_TASKS=rq (with its scheduler on, for retries that wait). The scheduler runs beside it in a
thread and, every `--tick` seconds, queues the current slot of each schedule and takes back lost runs.
Several `linli worker` processes may run at once: a slot's run key is unique, so each slot is queued once.
"""

import contextlib
import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _
from django_tasks import task_backends

from linli.jobs import services

logger = logging.getLogger("linli.jobs.scheduler")


def positive(value: str) -> float:
    number = float(value)
    if not 0 < number < 3600:
        raise ValueError(value)
    return number


def scheduler_loop(stop: threading.Event, tick: float, out=None) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            for run in services.scheduler_tick():
                logger.info("scheduled %s", run.key)
        except Exception:  # a bad tick (database briefly locked) must not end the scheduler
            logger.exception("scheduler tick failed")
        stop.wait(tick)
    connection.close()


class Command(BaseCommand):
    help = "运行后台任务：工作进程与定时任务（提醒、每日摘要、数据保存期限等）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=positive, default=1.0, help="工作进程空闲时每隔几秒查看一次队列"
        )
        parser.add_argument("--tick", type=positive, default=30.0, help="定时任务每隔几秒检查一次")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="只运行工作进程（定时任务由另一个进程负责）"
        )
        parser.add_argument("--scheduler-only", action="store_true", help="只运行定时任务")
        parser.add_argument(
            "--once", action="store_true", help="只检查一次定时任务就退出（例如由 cron 调用）"
        )

    def handle(
        self,
        *args,
        interval: float,
        tick: float,
        no_scheduler: bool,
        scheduler_only: bool,
        once: bool,
        **options,
    ):
        if no_scheduler and (scheduler_only or once):
            raise CommandError(_("--no-scheduler 不能与 --scheduler-only 或 --once 同时使用。"))
        if once:
            queued = services.scheduler_tick()
            self.stdout.write(_("已排队 %(count)s 个定时任务。") % {"count": len(queued)})
            return
        backend = task_backends["default"]
        kind = type(backend).__name__
        if scheduler_only or kind == "ImmediateBackend":
            # The inline backend runs each job as it is queued: the scheduler is all there is to run.
            self.stdout.write(_("定时任务已启动（每 %(tick)s 秒检查一次）。") % {"tick": tick})
            with contextlib.suppress(KeyboardInterrupt):
                scheduler_loop(threading.Event(), tick)
            return
        if not no_scheduler:
            stop = threading.Event()
            threading.Thread(
                target=scheduler_loop, args=(stop, tick), name="linli-scheduler", daemon=True
            ).start()
            self.stdout.write(_("定时任务已启动（每 %(tick)s 秒检查一次）。") % {"tick": tick})
        verbosity = options.get("verbosity", 1)
        if kind == "DatabaseBackend":
            call_command(
                "db_worker", interval=interval, reload=False, startup_delay=False, verbosity=verbosity
            )
        elif kind == "RQBackend":
            call_command(
                "rqworker",
                "default",
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                verbosity=verbosity,
            )
        else:
            raise CommandError(_("不认识的任务后端：%(kind)s。") % {"kind": kind})
