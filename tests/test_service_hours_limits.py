"""Service hours refuse absurd values with a Chinese message and save nothing: zero, negative, more than
24, more than two decimals, text; and a volunteer's day never passes 24 hours summed over records —
checked in the service (under a lock) and, for one record, by the database itself."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.organizing.models import ServiceRecord
from linli.organizing.services_volunteers import (
    ServiceRecordData,
    check_day_total,
    check_hours,
    service_record_create,
)
from linli.registry.models import Resident
from tests.test_volunteer_world import build_vworld

DAY = dt.date(2025, 3, 10)


@pytest.fixture
def vworld(world):
    return build_vworld(world)


def record(vworld, hours, *, day=DAY, actor=None, volunteer=None):
    return service_record_create(
        actor=actor or vworld.world.staff,
        volunteer=volunteer or vworld.v_feng,
        data=ServiceRecordData(date=day, hours=hours, activity="陪独居老人聊天"),
        today=dt.date(2025, 6, 1),
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "时长应大于0小时"),
        ("-2", "时长应大于0小时"),
        ("25", "一天最多24小时"),
        ("1000", "一天最多24小时"),
        ("1.555", "最多保留两位小数"),
        ("两小时", "时长应为数字"),
        ("NaN", "时长应为数字"),
        ("Infinity", "时长应为数字"),
        ("", "请填写服务时长"),
    ],
)
def test_absurd_hours_are_refused_with_a_chinese_message(vworld, value, message):
    with pytest.raises(DomainError) as caught:
        record(vworld, value)
    assert message in " ".join(caught.value.errors["hours"])
    assert not ServiceRecord.objects.exists()


def test_a_day_sums_to_at_most_24_hours_over_records(vworld):
    record(vworld, "10")
    record(vworld, "13.5")
    with pytest.raises(DomainError) as caught:
        record(vworld, "1")
    text = caught.value.errors["hours"][0]
    assert "已记录23.5小时" in text and "最多还能记录0.5小时" in text
    record(vworld, "0.5")  # exactly 24 is allowed
    assert sum(r.hours for r in ServiceRecord.objects.all()) == Decimal(24)
    record(vworld, "8", day=DAY + dt.timedelta(days=1))  # another day starts from zero


def test_the_limit_is_per_volunteer(vworld):
    record(vworld, "20")
    record(vworld, "20", volunteer=vworld.v_li)
    assert ServiceRecord.objects.count() == 2


def test_the_database_refuses_a_record_over_24_hours_or_not_positive(vworld):
    for hours in (Decimal("24.01"), Decimal("0"), Decimal("-1")):
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceRecord.objects.create(
                community=vworld.world.community, volunteer=vworld.v_feng, date=DAY, hours=hours, activity="x"
            )


def test_dates_outside_the_volunteers_time_are_refused(vworld):
    with pytest.raises(DomainError) as caught:
        record(vworld, "1", day=dt.date(2023, 12, 31))
    assert "早于这位志愿者的登记日期" in caught.value.errors["date"][0]
    with pytest.raises(DomainError) as caught:
        record(vworld, "1", day=dt.date(2025, 6, 2))
    assert "不能晚于今天" in caught.value.errors["date"][0]
    Resident.objects.filter(pk=vworld.feng.pk).update(moved_out=dt.date(2025, 2, 1))
    with pytest.raises(DomainError) as caught:
        record(vworld, "1")
    assert "迁出" in caught.value.errors["date"][0]
    record(vworld, "1", day=dt.date(2025, 1, 20))  # before moving out: still fine
    assert ServiceRecord.objects.count() == 1


def test_every_problem_is_reported_at_once(vworld):
    with pytest.raises(DomainError) as caught:
        service_record_create(
            actor=vworld.world.staff,
            volunteer=vworld.v_feng,
            data=ServiceRecordData(date=None, hours="-1", activity=" "),
        )
    assert set(caught.value.errors) == {"date", "hours", "activity"}


# ── The arithmetic, without a database ─────────────────────────────────────────────────────────

hours_values = st.decimals(min_value=Decimal("-50"), max_value=Decimal("50"), places=2)


@given(hours_values)
def test_check_hours_accepts_exactly_the_values_in_0_to_24(value):
    if Decimal(0) < value <= 24:
        assert check_hours(str(value)) == value
    else:
        with pytest.raises(DomainError):
            check_hours(str(value))


@given(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("24"), places=2), max_size=12))
def test_a_day_accepts_records_while_their_sum_stays_within_24(entries):
    """Feeding records one by one, each is accepted exactly when the running total stays ≤ 24, and the
    accepted ones never sum past 24."""
    total = Decimal(0)
    for hours in entries:
        try:
            check_day_total(total, hours, day=DAY)
        except DomainError:
            assert total + hours > 24
        else:
            assert total + hours <= 24
            total += hours
    assert total <= 24
