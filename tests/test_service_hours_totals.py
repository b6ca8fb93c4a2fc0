"""Totals of service hours per person, per group and per month: confirmed hours only, within the viewer's
scope (a group leader counts their members), in a fixed number of queries whatever the number of records;
and, for random records, every breakdown adds up to the same total (Hypothesis)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.organizing.models import ServiceRecord
from linli.organizing.selectors_volunteers import hour_totals, volunteer_rows, volunteer_year
from tests.test_volunteer_world import build_vworld

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.fixture
def vworld(world):
    return build_vworld(world)


@pytest.fixture
def hours(vworld):
    warm, joy = vworld.world.group, vworld.other_group
    vworld.record(vworld.v_feng, dt.date(2025, 1, 5), "2", group=warm)
    vworld.record(vworld.v_feng, dt.date(2025, 1, 20), "1.5", group=warm)
    vworld.record(vworld.v_feng, dt.date(2025, 3, 2), "3", group=None)
    vworld.record(vworld.v_feng, dt.date(2025, 3, 3), "4", confirmed=False)  # pending: not counted
    vworld.record(vworld.v_li, dt.date(2025, 3, 9), "2.25", group=warm)
    vworld.record(vworld.v_zhou, dt.date(2025, 1, 7), "5", group=joy)
    vworld.record(vworld.v_outsider, dt.date(2025, 2, 14), "6", group=None)
    vworld.record(vworld.v_feng, dt.date(2024, 12, 31), "8", group=warm)  # last year: not counted
    return vworld


def lines(report):
    return (
        {line.label: line.hours for line in report.by_person},
        {line.label: line.hours for line in report.by_group},
        {line.key.month: line.hours for line in report.by_month},
    )


def test_staff_see_totals_per_person_group_and_month(hours):
    report = hour_totals(hours.world.staff, hours.world.community, start=YEAR[0], end=YEAR[1])
    people, groups, months = lines(report)
    assert people == {
        "冯小红": Decimal("6.5"),
        "李大爷": Decimal("2.25"),
        "周阿婆": Decimal("5"),
        "王外来": Decimal("6"),
    }
    assert groups == {"暖心组": Decimal("5.75"), "乐心组": Decimal("5"), "": Decimal("9")}
    assert report.by_group[-1].key is None  # "no group" comes last
    assert months == {1: Decimal("8.5"), 2: Decimal("6"), 3: Decimal("5.25")}
    assert report.total == Decimal("19.75") and report.records == 6
    assert [line.label for line in report.by_person][0] == "冯小红"  # most hours first


def test_a_group_leader_totals_only_their_members(hours):
    report = hour_totals(hours.world.group_leader, hours.world.community, start=YEAR[0], end=YEAR[1])
    people, groups, _months = lines(report)
    assert people == {"冯小红": Decimal("6.5"), "李大爷": Decimal("2.25")}
    assert "周阿婆" not in people and "王外来" not in people
    assert report.total == Decimal("8.75")


def test_nobody_else_totals_anything(hours):
    for role in ("building_leader", "resident", "street_officer", "outsider"):
        report = hour_totals(getattr(hours.world, role), hours.world.community, start=YEAR[0], end=YEAR[1])
        assert report.total == 0 and not report.by_person, role


def test_a_volunteers_year_has_confirmed_pending_and_all_time(hours):
    year = volunteer_year(hours.world.staff, hours.v_feng, 2025)
    assert (year.confirmed, year.pending, year.all_time) == (Decimal("6.5"), Decimal("4"), Decimal("14.5"))
    assert year.months == [(dt.date(2025, 1, 1), Decimal("3.5")), (dt.date(2025, 3, 1), Decimal("3"))]
    assert year.confirmed_label == "6.5" and year.count == 4


def test_the_volunteer_list_shows_hours_only_to_who_may_see_them(hours):
    volunteers = [hours.v_feng, hours.v_zhou, hours.v_outsider]
    for v in volunteers:
        v.resident = v.resident if v.resident_id else None
    rows = {
        r.name: r.hours
        for r in volunteer_rows(hours.world.group_leader, volunteers, start=YEAR[0], end=YEAR[1])
    }
    assert rows == {"冯小红": Decimal("6.5"), "周阿婆": None, "王外来": None}
    rows = {
        r.name: r.hours for r in volunteer_rows(hours.world.staff, volunteers, start=YEAR[0], end=YEAR[1])
    }
    assert rows == {"冯小红": Decimal("6.5"), "周阿婆": Decimal("5"), "王外来": Decimal("6")}


def test_totals_take_a_fixed_number_of_queries(vworld):
    def count():
        with CaptureQueriesContext(connection) as queries:
            hour_totals(vworld.world.staff, vworld.world.community, start=YEAR[0], end=YEAR[1])
        return len(queries)

    vworld.record(vworld.v_feng, dt.date(2025, 1, 5), "1")
    hour_totals(
        vworld.world.staff, vworld.world.community, start=YEAR[0], end=YEAR[1]
    )  # the scope, read once
    few = count()
    for day in range(1, 28):
        for v in (vworld.v_li, vworld.v_zhou, vworld.v_outsider):
            vworld.record(v, dt.date(2025, 5, day), "1", group=vworld.world.group)
    assert count() == few == 3


def test_the_totals_page_shows_the_figures(hours, client):
    client.force_login(hours.world.group_leader)
    response = client.get(f"/c/{hours.world.community.pk}/volunteer-hours/?year=2025")
    body = response.content.decode()
    assert response.status_code == 200
    assert "冯小红" in body and "8.75 小时" in body and "周阿婆" not in body


# ── Hypothesis: every breakdown adds up to the same total ──────────────────────────────────────

record_strategy = st.tuples(
    st.integers(min_value=0, max_value=3),  # which volunteer
    st.integers(min_value=1, max_value=12),  # month
    st.integers(min_value=1, max_value=28),  # day
    st.decimals(min_value=Decimal("0.25"), max_value=Decimal("6"), places=2),
    st.integers(min_value=0, max_value=2),  # group: warm, joy, none
    st.booleans(),  # confirmed
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(record_strategy, max_size=15))
def test_breakdowns_add_up(vworld, entries):
    ServiceRecord.objects.all().delete()
    volunteers = [vworld.v_feng, vworld.v_li, vworld.v_zhou, vworld.v_outsider]
    groups = [vworld.world.group, vworld.other_group, None]
    expected = Decimal(0)
    for who, month, day, hours, group, confirmed in entries:
        vworld.record(
            volunteers[who], dt.date(2025, month, day), hours, group=groups[group], confirmed=confirmed
        )
        if confirmed:
            expected += hours
    report = hour_totals(vworld.world.staff, vworld.world.community, start=YEAR[0], end=YEAR[1])
    assert report.total == expected
    assert sum(line.hours for line in report.by_group) == expected
    assert sum(line.hours for line in report.by_month) == expected
    assert sum(line.records for line in report.by_month) == sum(1 for e in entries if e[5])
    per_person = {line.key: line.hours for line in report.by_person}
    for v in volunteers:
        assert per_person.get(v.pk, Decimal(0)) == volunteer_year(vworld.world.staff, v, 2025).confirmed
