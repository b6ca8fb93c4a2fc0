"""`linli demo`: fill the database with synthetic communities and print how to sign in.

    linli demo                                   宛南六村 with one account per role
    linli demo --preset wannan --preset baohong  both, 宝虹家园 on its own street (罗泾镇)
    linli demo --communities 300                 a district for benchmarks (≈ 1 million residents)
    linli demo --if-empty --port 8000            what `make demo` runs: build once, then just print

Everything generated is fictitious (see linli/registry/demo.py).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from linli.core.models import Community, Membership, Role, User
from linli.env import env_int
from linli.registry import demo


class Command(BaseCommand):
    help = "生成合成演示数据（宛南六村、宝虹家园或基准测试规模的街道）并显示演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--preset",
            action="append",
            choices=sorted(demo.PRESETS),
            help="演示居民区，可重复；默认 wannan（未给 --communities 时）",
        )
        parser.add_argument(
            "--communities",
            type=int,
            default=0,
            help="另建 N 个基准测试居民区（每个约 3,300 位居民，10 个一街道）",
        )
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="随机种子：同一种子生成同样的数据"
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="PostgreSQL 上同时生成的进程数（默认按 CPU 数；SQLite 总是 1）",
        )
        parser.add_argument("--if-empty", action="store_true", help="已有任何居民区时不生成，只显示登录信息")
        parser.add_argument(
            "--port", type=int, default=None, help="显示的网址端口（默认取环境变量 PORT，否则 8000）"
        )

    def handle(self, *args, preset, communities, seed, jobs, if_empty, port, **options):
        port = port if port is not None else env_int("PORT", 8000)
        if communities < 0:
            raise CommandError("--communities 不能是负数 / must not be negative")
        if jobs is not None and jobs < 1:
            raise CommandError("--jobs 至少为 1 / must be at least 1")
        presets = preset or ([] if communities else ["wannan"])
        if if_empty and Community.objects.exists():
            self.stdout.write(
                "数据库中已有居民区，跳过生成。/ The database already has communities; nothing generated."
            )
        else:
            self._build(presets, communities, seed, jobs)
        self._print_logins(port)

    def _build(self, presets: list[str], communities: int, seed: int, jobs: int | None) -> None:
        what = [demo.PRESETS[p].name for p in dict.fromkeys(presets)]
        if communities:
            what.append(f"{communities} 个基准测试居民区 benchmark communities")
        self.stdout.write(f"正在生成 Building: {'、'.join(what)}（seed {seed}）…")
        started = time.perf_counter()
        try:
            result = demo.build(
                presets=presets,
                communities=communities,
                seed=seed,
                users=True,
                jobs=jobs,
                progress=self.stdout.write,
            )
        except demo.DemoExists as exc:
            raise CommandError(
                f"{exc}；请换一个空数据库，或加 --if-empty。/ Use an empty database or --if-empty."
            ) from None
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"完成 Done: {len(result.communities)} 个居民区 communities, {result.residents:,} 位居民 residents, "
                f"{seconds:.1f} s（{result.residents / max(seconds, 1e-9):,.0f} 居民/秒 residents/s）"
            )
        )

    def _print_logins(self, port: int) -> None:
        staff = (
            Membership.objects.filter(user__username="shuji", role=Role.STAFF)
            .select_related("community__street")
            .first()
        )
        community = staff.community if staff else None
        logins = demo.demo_logins(
            community.name if community else "宛南六村", community.street.name if community else "枫林路街道"
        )
        present = set(
            User.objects.filter(username__in=[x.username for x in logins]).values_list("username", flat=True)
        )
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"打开 Open: http://127.0.0.1:{port}/"))
        out(f"演示账号的密码都是 All demo accounts use the password: {demo.DEMO_PASSWORD}")
        out("")
        width = max(len(x.username) for x in logins) + 2
        for login in logins:
            missing = "" if login.username in present else "  （本数据库中没有此账号 not in this database）"
            out(f"  {login.username:<{width}}{login.role} / {login.role_en}{missing}")
            out(f"  {'':<{width}}看到 sees: {login.sees} / {login.sees_en}")
        out("")
