"""Dates as committees write them in ledgers: 1956.3.2, 1956-03-02, 1956/3/2, 1956年3月2日, 19560302,
Excel date cells, and the serial numbers a date becomes when a column loses its date format.

Pure functions. A date that cannot be read raises `DateProblem` with a message a clerk can act on; a
year and month without the day ("1956.03", common under 出生年月) raises `PartialDate`, which the
checker may resolve with the birth date inside an ID number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.utils.translation import gettext as _

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel counts a 29 February 1900 that never was)
SERIAL_RANGE = (10_000, 80_000)  # 1927 to 2119: a bare number outside this is not taken for a date
YEAR_RANGE = (1800, 2200)

_FULL = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")
_SHORT_YEAR = re.compile(r"^(\d{2})\s*[.\-/年]\s*(\d{1,2})\s*[.\-/月]\s*(\d{1,2})\s*[日号]?$")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


class DateProblem(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PartialDate(DateProblem):
    """Only a year and a month were written."""

    def __init__(self, message: str, *, year: int, month: int):
        super().__init__(message)
        self.year, self.month = year, month


def _unreadable(text: str) -> DateProblem:
    return DateProblem(
        _("看不懂日期“%(text)s”，请写成 1956-03-02、1956.3.2 或 1956年3月2日。") % {"text": text}
    )


def _make(year: int, month: int, day: int, text: str) -> dt.date:
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise DateProblem(_("日期“%(text)s”的年份不对，请核对。") % {"text": text})
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateProblem(
            _("“%(text)s”不是真实存在的日期（没有%(month)s月%(day)s日），请核对。")
            % {"text": text, "month": month, "day": day}
        ) from None


def _partial(year: int, month: int, text: str) -> PartialDate:
    if not 1 <= month <= 12:
        return PartialDate(_("“%(text)s”的月份不对，请核对。") % {"text": text}, year=year, month=0)
    return PartialDate(
        _("“%(text)s”只有年和月，请写完整的日期，例如 %(year)s年%(month)s月1日。")
        % {"text": text, "year": year, "month": month},
        year=year,
        month=month,
    )


def from_serial(serial: float, text: str) -> dt.date:
    if not SERIAL_RANGE[0] <= serial < SERIAL_RANGE[1]:
        raise _unreadable(text)
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value) -> dt.date | None:
    """The date in a cell, None for an empty one. Raises DateProblem (or PartialDate)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise _unreadable(str(value))
    if isinstance(value, int | float):
        return _from_number(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    text = _TIME.sub("", text).strip()
    if match := _FULL.match(text) or _COMPACT.match(text):
        return _make(*(int(part) for part in match.groups()), text)
    if match := _YEAR_MONTH.match(text):
        raise _partial(int(match[1]), int(match[2]), text)
    if _YEAR.match(text):
        raise DateProblem(
            _("“%(text)s”只有年份，请写完整的日期，例如 %(year)s年1月1日。")
            % {"text": text, "year": text[:4]}
        )
    if _SHORT_YEAR.match(text):
        raise DateProblem(_("“%(text)s”的年份请写4位，例如 1956.3.2。") % {"text": text})
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return from_serial(float(text), text)
    raise _unreadable(text)


def _from_number(value: int | float) -> dt.date:
    """A number in a date column: 19560302, an Excel serial (a date cell that lost its format), or a
    year and month typed as 1956.03 (which Excel keeps as the number 1956.03, or 1956.1 for 1956.10)."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if 10_000_000 <= value <= 99_999_999:
            return _make(value // 10_000, value // 100 % 100, value % 100, text)
        if YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
            raise DateProblem(
                _("“%(text)s”只有年份，请写完整的日期，例如 %(year)s年1月1日。")
                % {"text": text, "year": value}
            )
        return from_serial(value, text)
    year = int(value)
    if YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        digits = f"{value:.2f}".split(".")[1]
        if digits == "10":  # 1956.1: January, or October typed 1956.10 (Excel drops the 0): ask
            raise DateProblem(
                _("“%(text)s”可能是1月也可能是10月，请写完整的日期，例如 1956年10月1日。") % {"text": text}
            )
        # 1956.3 is March (Excel's 1956.30); 1956.03 and 1956.12 are as written.
        raise _partial(year, int(digits[0]) if digits.endswith("0") else int(digits), text)
    return from_serial(value, text)
