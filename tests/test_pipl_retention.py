"""The retention period: residents who moved out more than LINLI_RETENTION_DAYS days ago are anonymised
by a job (django-tasks) or `linli anonymise_expired` from cron; 0 turns it off. Tested with a frozen
`today` argument."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.core.models import AccessAction, AccessLog
from linli.registry.models import Resident
from linli.registry.pipl import residents_anonymise_expired, retention_anonymise
from tests.factories import ResidentFactory

TODAY = dt.date(2025, 6, 1)
DAYS = 3 * 365


def moved_out(world, days_ago: int, name: str) -> Resident:
    return ResidentFactory(
        household=world.zhou.household,
        name=name,
        phone="13900000000",
        moved_in=dt.date(2000, 1, 1),
        moved_out=TODAY - dt.timedelta(days=days_ago),
        move_out_reason="moved",
    )


@pytest.fixture
def leavers(world, settings):
    settings.LINLI_RETENTION_DAYS = DAYS
    return {
        "long_gone": moved_out(world, DAYS + 400, "早已搬走"),
        "just_over": moved_out(world, DAYS + 1, "刚过期限"),
        "on_the_day": moved_out(world, DAYS, "正好期限"),
        "recent": moved_out(world, 30, "最近搬走"),
    }


def anonymised(leavers) -> set[str]:
    return {key for key, r in leavers.items() if Resident.objects.get(pk=r.pk).anonymised_at is not None}


def test_anonymises_who_moved_out_more_than_the_period_ago(world, leavers):
    assert residents_anonymise_expired(today=TODAY) == 2
    assert anonymised(leavers) == {"long_gone", "just_over"}
    assert not Resident.objects.filter(name__in=["早已搬走", "刚过期限"]).exists()
    assert Resident.objects.filter(moved_out__isnull=True, anonymised_at__isnull=False).count() == 0
    logs = AccessLog.objects.filter(action=AccessAction.ANONYMISE)
    assert logs.count() == 2 and {log.detail["via"] for log in logs} == {"retention"}
    assert all(log.user is None for log in logs)


def test_a_second_run_finds_nothing_in_one_query(world, leavers):
    residents_anonymise_expired(today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        assert residents_anonymise_expired(today=TODAY) == 0
    assert len(queries) == 1


def test_zero_days_turns_it_off(world, leavers, settings):
    settings.LINLI_RETENTION_DAYS = 0
    with CaptureQueriesContext(connection) as queries:
        assert residents_anonymise_expired(today=TODAY) == 0
    assert len(queries) == 0 and anonymised(leavers) == set()


def test_the_period_is_configurable(world, leavers, settings):
    settings.LINLI_RETENTION_DAYS = 10
    assert residents_anonymise_expired(today=TODAY) == 4


def test_works_in_batches(world, leavers):
    for i in range(5):
        moved_out(world, DAYS + 10 + i, f"批量{i}")
    assert residents_anonymise_expired(today=TODAY, batch_size=2) == 7
    assert not Resident.objects.filter(name__startswith="批量").exists()


def test_the_job_runs_inline_in_tests(world, leavers):
    result = retention_anonymise.enqueue(TODAY.isoformat())
    assert result.return_value == 2
    assert anonymised(leavers) == {"long_gone", "just_over"}


def test_command_dry_run_counts_and_changes_nothing(world, leavers):
    out = StringIO()
    call_command("anonymise_expired", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
    assert "将匿名化 2 位" in out.getvalue()
    assert anonymised(leavers) == set()


def test_command_anonymises(world, leavers):
    out = StringIO()
    call_command("anonymise_expired", "--today", TODAY.isoformat(), stdout=out)
    assert "已匿名化 2 位" in out.getvalue()
    assert anonymised(leavers) == {"long_gone", "just_over"}


def test_command_refuses_a_bad_date(world, leavers):
    with pytest.raises(CommandError):
        call_command("anonymise_expired", "--today", "2025.6.1")
    assert anonymised(leavers) == set()
