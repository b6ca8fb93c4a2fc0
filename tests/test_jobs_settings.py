"""The job and notification settings refuse bad values at start-up, in one Chinese line."""

import os
import subprocess
import sys

import pytest

from tests.test_settings_env import SETTINGS_VARIABLES, assert_refused_readably

OURS = {"LINLI_TASKS", "REDIS_URL", "LINLI_NOTIFY_CHANNELS", "LINLI_DUTY_REMINDER_HOURS", "LINLI_DIGEST_AT"}


def run_check(tmp_path, **variables):
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES | OURS}
    env["LINLI_DATA_DIR"] = str(tmp_path / "data")
    env["DEBUG"] = "1"
    env.update(variables)
    return subprocess.run(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "-m", "linli", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variables", "mentions"),
    [
        ({"LINLI_TASKS": "celery"}, "LINLI_TASKS"),
        ({"LINLI_TASKS": "rq"}, "REDIS_URL"),
        ({"LINLI_TASKS": "rq", "REDIS_URL": "http://:s3cret@cache:6379/0"}, "REDIS_URL"),
        ({"LINLI_NOTIFY_CHANNELS": "console,fax"}, "LINLI_NOTIFY_CHANNELS"),
        ({"LINLI_DUTY_REMINDER_HOURS": "0"}, "LINLI_DUTY_REMINDER_HOURS"),
        ({"LINLI_DIGEST_AT": "25:00"}, "LINLI_DIGEST_AT"),
    ],
)
def test_bad_values_stop_linli_in_one_line(tmp_path, variables, mentions):
    line = assert_refused_readably(run_check(tmp_path, **variables), mentions=mentions)
    assert "s3cret" not in line


def test_redis_configuration_passes_the_check(tmp_path):
    result = run_check(tmp_path, LINLI_TASKS="rq", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
