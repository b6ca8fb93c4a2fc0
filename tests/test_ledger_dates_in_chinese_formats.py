"""Dates as ledgers write them: every usual Chinese form, Excel cells and serials; clear problems otherwise."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.registry.ledger.dates import DateProblem, PartialDate, parse_date

DAY = dt.date(1956, 3, 2)


@pytest.mark.parametrize(
    "written",
    [
        "1956.3.2",
        "1956-03-02",
        "1956/3/2",
        "1956年3月2日",
        "1956年3月2号",
        "1956 年 3 月 2 日",
        "19560302",
        "１９５６．３．２",  # full-width, as typed on a Chinese keyboard
        "1956-03-02 00:00:00",
        19560302,
        20516,  # the Excel serial of 1956-03-02 (a date cell that lost its format)
        20516.0,
        "20516",
        dt.datetime(1956, 3, 2, 0, 0),
        DAY,
    ],
)
def test_every_usual_form_reads_as_the_same_day(written):
    assert parse_date(written) == DAY


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_cell_is_no_date(empty):
    assert parse_date(empty) is None


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("1956.2.30", "没有2月30日"),
        ("56.3.2", "年份请写4位"),
        ("1956", "只有年份"),
        (1956, "只有年份"),
        ("三月二日", "看不懂日期"),
        ("1956.13.2", "没有13月2日"),
        (1956.1, "可能是1月也可能是10月"),
        (True, "看不懂日期"),
    ],
)
def test_an_unreadable_date_says_why_in_chinese(written, says):
    with pytest.raises(DateProblem) as caught:
        parse_date(written)
    assert says in caught.value.message


@pytest.mark.parametrize(
    ("written", "month"), [("1956.03", 3), ("1956年3月", 3), (1956.03, 3), (1956.3, 3), (1956.12, 12)]
)
def test_a_year_and_month_is_a_partial_date(written, month):
    with pytest.raises(PartialDate) as caught:
        parse_date(written)
    assert (caught.value.year, caught.value.month) == (1956, month)
    assert "只有年和月" in caught.value.message


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)))
def test_any_day_round_trips_through_each_written_form(day):
    for written in (
        f"{day.year}.{day.month}.{day.day}",
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        int(day.strftime("%Y%m%d")),
    ):
        assert parse_date(written) == day, written
