"""`linli anonymise_expired [--dry-run] [--today YYYY-MM-DD]`: the retention job, for cron or a systemd
timer (docs/operations.md). Anonymises every resident who moved out more than LINLI_RETENTION_DAYS days
ago; safe to run as often as you like (a second run finds nothing to do)."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.registry.pipl import RETENTION_BATCH, residents_anonymise_expired, residents_due_for_anonymisation


class Command(BaseCommand):
    help = "对迁出超过保存期限（LINLI_RETENTION_DAYS 天）的居民做匿名化处理。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只显示将匿名化多少人，不做改动")
        parser.add_argument("--today", help="按这一天计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--batch-size", type=int, default=RETENTION_BATCH, help="每批处理的人数")

    def handle(self, *args, dry_run: bool, today: str | None, batch_size: int, **options):
        days = settings.LINLI_RETENTION_DAYS
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(_("日期格式应为 YYYY-MM-DD。")) from None
        else:
            day = timezone.localdate()
        if batch_size < 1:
            raise CommandError(_("每批人数应大于0。"))
        if days <= 0:
            self.stdout.write(_("保存期限已关闭（LINLI_RETENTION_DAYS=0），没有做任何处理。"))
            return
        if dry_run:
            count = residents_due_for_anonymisation(today=day).count()
            self.stdout.write(
                _("将匿名化 %(count)s 位迁出超过 %(days)s 天的居民（试运行，没有改动）。")
                % {"count": count, "days": days}
            )
            return
        count = residents_anonymise_expired(today=day, batch_size=batch_size)
        self.stdout.write(
            _("已匿名化 %(count)s 位迁出超过 %(days)s 天的居民。") % {"count": count, "days": days}
        )
