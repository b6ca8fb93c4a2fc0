"""Ledger files for the ledger tests, built in memory: .xlsx (openpyxl), CSV in any encoding, and the
one legacy .xls fixture (tests/fixtures/ledger.xls, generated once with xlwt by tests/fixtures/make_ledger_xls.py).

Every person here is fictitious: ID numbers come from `make_id_number` (well-formed, not real).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl

from tests.factories import make_id_number

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号码",
    "户籍类型",
    "楼号",
    "单元",
    "室号",
    "与户主关系",
    "备注",
]

# Two new people for the world's community (tests/conftest.py): building 1 entrance 1 has flats 101, 102;
# building 2 entrance 1 has 201, 202.
FENG_BIRTH = dt.date(1956, 3, 2)
FENG_ID = make_id_number(FENG_BIRTH, "M", seq=41)
CHEN_BIRTH = dt.date(1962, 8, 15)
CHEN_ID = make_id_number(CHEN_BIRTH, "F", seq=42)


def person(**values) -> dict:
    base = {
        "姓名": "冯新来",
        "性别": "男",
        "出生日期": "1956.3.2",
        "身份证号": FENG_ID,
        "手机号码": "13900001111",
        "户籍类型": "本市户籍",
        "楼号": "1",
        "单元": "1",
        "室号": "102",
        "与户主关系": "其他亲属",
        "备注": "",
    }
    base.update(values)
    return base


def chen(**values) -> dict:
    return person(
        **{
            "姓名": "陈美华",
            "性别": "女",
            "出生日期": "1962年8月15日",
            "身份证号": CHEN_ID,
            "手机号码": "13900002222",
            "楼号": "2号楼",
            "单元": "1单元",
            "室号": "202室",
            "与户主关系": "配偶",
            **values,
        }
    )


def table(people: list[dict], headers: list[str] | None = None) -> list[list]:
    headers = headers or HEADERS
    return [headers] + [[p.get(h, "") for h in headers] for p in people]


def xlsx(
    rows: list[list], *, merges: tuple[str, ...] = (), title: str = "居民台账", text_columns=()
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    text = "\r\n".join(",".join(_csv_cell(v) for v in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f'"{text}"' if ("," in text or '"' in text) else text


def xlsx_rows(content: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def with_cached_result(content: bytes, cell: str, value: str) -> bytes:
    """The .xlsx with the formula in `cell` given a computed result, as Excel saves it (openpyxl writes
    formulas without one)."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rf'<c r="{cell}"><f>(.*?)</f><v */>'.encode(),
                    lambda m: f'<c r="{cell}" t="str"><f>'.encode() + m[1] + f"</f><v>{value}</v>".encode(),
                    data,
                )
            target.writestr(item, data)
    return out.getvalue()


def zip_bomb(content: bytes, megabytes: int = 30) -> bytes:
    """The .xlsx with one more part: `megabytes` of zeros, packed into a few kilobytes."""
    import zipfile

    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/media/image1.bin", b"\0" * (megabytes * 1024 * 1024))
    return out.getvalue()


def many_people(count: int, *, start: int = 0) -> list[dict]:
    """`count` distinct fictitious people spread over the world's four flats."""
    flats = [("1", "1", "101"), ("1", "1", "102"), ("2", "1", "201"), ("2", "1", "202")]
    people = []
    for n in range(start, start + count):
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=(n * 7) % 25000)
        gender = "男" if n % 2 else "女"
        building, entrance, flat = flats[n % 4]
        people.append(
            person(
                姓名=f"居民{n:05d}",
                性别=gender,
                出生日期=birth.isoformat(),
                身份证号=make_id_number(birth, "M" if n % 2 else "F", seq=(n // 3700) * 50 + 100),
                手机号码=f"139{n:08d}",
                楼号=building,
                单元=entrance,
                室号=flat,
                与户主关系="其他",
            )
        )
    return people
