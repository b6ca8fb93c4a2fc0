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


# Schemes dj-database-url maps to the two engines Linli supports.
DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
DATABASE_EXAMPLE = "示例：postgres://user@127.0.0.1:5432/linli"


def env_database(name: str, sqlite_path: Path) -> dict:
    """The database from a URL such as postgres://user@host:5432/db; a SQLite file when unset.

    Only SQLite and PostgreSQL are supported; anything else is refused here rather than failing
    on the first query. The messages never repeat the URL or the parser's own words, because both
    can carry the password (with an unescaped "/" in it, the password is read as the "port").
    """
    import dj_database_url

    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(sqlite_path)}
    scheme, separator, _ = raw.partition("://")
    if not separator or not scheme:
        raise EnvError(f"环境变量 {name} 不是数据库地址；{DATABASE_EXAMPLE}")
    if scheme.lower() not in DATABASE_SCHEMES:
        raise EnvError(
            f"环境变量 {name} 指向不支持的数据库（{scheme}://）；只支持 PostgreSQL（postgres://）和 SQLite（sqlite:///）。"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60)
    except Exception:  # dj-database-url raises several types for malformed URLs
        raise EnvError(
            f"环境变量 {name} 无法解析：请检查端口是否为数字，用户名和密码中的特殊字符是否已做 URL 编码；{DATABASE_EXAMPLE}"
        ) from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise EnvError(f"环境变量 {name} 指向不支持的数据库（{scheme}://）；只支持 PostgreSQL 和 SQLite。")
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise EnvError(f"环境变量 {name} 缺少数据库名；{DATABASE_EXAMPLE}")
    if engine == "django.db.backends.sqlite3" and config.get("NAME") in {"", ":memory:"}:
        # An in-memory database would silently lose every record when the process stops.
        raise EnvError(f"环境变量 {name} 缺少 SQLite 文件路径；示例：sqlite:////srv/linli/linli.sqlite3")
    return config


def fail_readably(exc: Exception) -> None:
    """Print one line and exit: used by the command entry point for configuration errors."""
    message = " ".join(str(exc).split())  # one line, whatever the message contained
    print(f"配置错误 / configuration error: {message}", file=sys.stderr)
    raise SystemExit(2)
