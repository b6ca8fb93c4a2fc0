"""Typed readers for settings that come from the environment.

Each reader refuses a bad value at start-up with one readable line, so a typo in a deployment's
environment stops the process instead of running with a silently wrong setting.
"""

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


class EnvError(ImproperlyConfigured):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"环境变量 {name}={raw!r} 无效：请用 1/0、true/false、yes/no 或 on/off。")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise EnvError(f"环境变量 {name}={raw!r} 无效：需要一个整数。") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, sqlite_path: Path) -> dict:
    """The database from a URL such as postgres://user@host:5432/db; a SQLite file when unset.

    Only SQLite and PostgreSQL are supported; anything else is refused here rather than failing
    on the first query.
    """
    import dj_database_url

    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_path)}
    try:
        config = dj_database_url.parse(raw, conn_max_age=60)
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise EnvError(
            f"环境变量 {name} 无法解析（{exc}）；示例：postgres://user@127.0.0.1:5432/linli"
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise EnvError(
            f"环境变量 {name} 指向不支持的数据库（{engine or raw}）；只支持 PostgreSQL 和 SQLite。"
        )
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise EnvError(f"环境变量 {name} 缺少数据库名；示例：postgres://user@127.0.0.1:5432/linli")
    return config


def fail_readably(exc: Exception) -> None:
    """Print one line and exit: used by the command entry point for configuration errors."""
    print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
    raise SystemExit(2)
