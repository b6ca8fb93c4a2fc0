"""A bad environment stops `linli` at start-up with one readable Chinese line, never a traceback.

The subprocess tests run the real entry point (`python -m linli check`) with an environment built from
scratch, so nothing from the test run (LINLI_TESTING, DEBUG) softens the settings under test.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from linli.env import EnvError, env_bool, env_database, env_int, env_list

# Variables the settings read; removed from the inherited environment before each run.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "LINLI_DATA_DIR",
    "LINLI_TESTING",
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "LINLI_FIELD_KEYS",
    "LINLI_HASH_KEY",
    "LINLI_BEHIND_HTTPS",
    "LINLI_HSTS_SECONDS",
    "LOG_LEVEL",
}
PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "LINLI_FIELD_KEYS": "a2V5LWZvci10aGUtc2V0dGluZ3MtdGVzdC0zMmJ5dGU=",
    "LINLI_HASH_KEY": "settings-test-hash-key",
}


def run_check(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["LINLI_DATA_DIR"] = str(tmp_path / "data")
    env.update(variables)
    return subprocess.run(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "-m", "linli", "check", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_refused_readably(result: subprocess.CompletedProcess, *, mentions: str) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("配置错误"), lines[0]
    assert mentions in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "url",
    [
        "mysql://x",
        "postgres://",
        "not a url",
        "http://example.com/linli",
        "postgres://linli@127.0.0.1:notaport/linli",
        "sqlite://",
    ],
)
def test_malformed_database_url_is_refused_in_one_line(tmp_path, url):
    assert_refused_readably(run_check(tmp_path, DATABASE_URL=url, DEBUG="1"), mentions="DATABASE_URL")


def test_database_error_does_not_repeat_the_password(tmp_path):
    # An unescaped "/" in the password makes the parser read the part before it as the port.
    url = "postgres://linli:s3cret/word@127.0.0.1:5432/linli"
    line = assert_refused_readably(run_check(tmp_path, DATABASE_URL=url, DEBUG="1"), mentions="DATABASE_URL")
    assert "s3cret" not in line


def test_missing_secret_key_is_refused_when_debug_is_off(tmp_path):
    assert_refused_readably(run_check(tmp_path), mentions="SECRET_KEY")


def test_missing_field_keys_are_refused_in_production(tmp_path):
    result = run_check(tmp_path, SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert_refused_readably(result, mentions="LINLI_FIELD_KEYS")


def test_unreadable_debug_is_refused(tmp_path):
    assert_refused_readably(run_check(tmp_path, DEBUG="maybe"), mentions="DEBUG")


def test_complete_production_environment_passes_the_check(tmp_path):
    result = run_check(tmp_path, DATABASE_URL="postgres://linli@db.internal:5432/linli", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_invalid_field_key_is_refused_at_start(tmp_path):
    result = run_check(tmp_path, **{**PRODUCTION, "LINLI_FIELD_KEYS": "not-a-fernet-key"})
    assert_refused_readably(result, mentions="LINLI_FIELD_KEYS")


def test_production_behind_https_passes_the_deploy_check(tmp_path):
    result = run_check(
        tmp_path,
        "--deploy",
        "--fail-level",
        "WARNING",
        LINLI_BEHIND_HTTPS="1",
        ALLOWED_HOSTS="linli.example.org",
        **{**PRODUCTION, "SECRET_KEY": "k9" * 30 + "Zq!x"},
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_development_needs_no_environment_at_all(tmp_path):
    result = run_check(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data").is_dir()  # the SQLite file's folder is made on first start


# The parsers themselves, without a subprocess.


def test_database_url_unset_means_the_sqlite_file(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env_database("DATABASE_URL", tmp_path / "linli.sqlite3")
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "linli.sqlite3")}


def test_postgres_url_is_parsed_into_django_settings(monkeypatch, tmp_path):
    monkeypatch.setenv(
        "DATABASE_URL", " postgres://linli:pa%40ss@db.internal:6543/linli_prod?sslmode=require "
    )
    config = env_database("DATABASE_URL", tmp_path / "unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("linli", "pa@ss")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "linli_prod")
    assert config["OPTIONS"] == {"sslmode": "require"}
    assert config["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_every_postgres_spelling_is_accepted(monkeypatch, tmp_path, scheme):
    monkeypatch.setenv("DATABASE_URL", f"{scheme}://postgres@127.0.0.1:5432/test")
    assert env_database("DATABASE_URL", tmp_path / "x")["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://x", "不支持"),
        ("postgis://u@h/db", "不支持"),
        ("postgres://", "缺少数据库名"),
        ("not a url", "不是数据库地址"),
        ("postgres://u@h:99999/db", "无法解析"),
        ("sqlite://", "SQLite 文件路径"),
    ],
)
def test_bad_database_urls_are_refused_with_a_reason(monkeypatch, tmp_path, url, words):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(EnvError, match=words):
        env_database("DATABASE_URL", tmp_path / "x")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("off", False),
    ],
)
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("LINLI_FLAG", raw)
    assert env_bool("LINLI_FLAG", not expected) is expected


def test_unset_or_empty_boolean_falls_back_to_the_default(monkeypatch):
    monkeypatch.delenv("LINLI_FLAG", raising=False)
    assert env_bool("LINLI_FLAG", True) is True
    monkeypatch.setenv("LINLI_FLAG", "")
    assert env_bool("LINLI_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y"])
def test_unreadable_booleans_are_refused(monkeypatch, raw):
    monkeypatch.setenv("LINLI_FLAG", raw)
    with pytest.raises(EnvError, match="LINLI_FLAG"):
        env_bool("LINLI_FLAG", False)


def test_integers_and_lists(monkeypatch):
    monkeypatch.setenv("LINLI_N", "12")
    monkeypatch.setenv("LINLI_HOSTS", " a.example , ,b.example ")
    assert env_int("LINLI_N", 3) == 12
    assert env_list("LINLI_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("LINLI_N", "twelve")
    with pytest.raises(EnvError, match="整数"):
        env_int("LINLI_N", 3)
