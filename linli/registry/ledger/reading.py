"""A ledger file's bytes → its rows of cell values, whatever Excel or WPS saved it as.

- .xlsx: openpyxl in read-only mode with the cached results of formulas (data_only). Before openpyxl
  opens it, the zip's directory is checked: a file that would unpack to something absurd (a zip bomb) is
  refused without unpacking it. Merged cells and formulas without a result are found in the sheet's XML.
- .xls (Excel 97–2003): xlrd, with the merged cells.
- .csv (or Excel's "Unicode text"): UTF-8 with or without BOM, UTF-16 with BOM, else GBK (read as
  GB 18030, its superset), which is what Excel on Chinese Windows saves.

What a file is comes from its first bytes, not its name: a photo renamed .xlsx is refused as a photo.
Every problem with the file as a whole raises one DomainError in plain Chinese, before any row is used.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from linli.core.errors import DomainError

# Limits; each may be changed in settings under the same name.
LINLI_IMPORT_MAX_BYTES = 5 * 1024 * 1024  # the file as uploaded
LINLI_IMPORT_MAX_ROWS = 20_000  # rows of data (a community of 8,000 fits twice)
MAX_COLUMNS = 80  # columns read; a ledger has about twenty
MAX_UNZIPPED = 100 * 1024 * 1024  # an .xlsx unpacked (10,000 residents come to about 5 MB)
MAX_RATIO = 200  # unpacked/packed size of one part larger than 1 MB (Excel's own files: 5–20)
MAX_PARTS = 2_000
TRAILING_EMPTY_ROWS = 1_000  # rows formatted down to the bottom of the sheet end the reading

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
NOT_SPREADSHEETS = {
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"%PDF": "PDF",
    b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z",
    b"BM": "BMP",
}
ERROR_VALUES = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#GETTING_DATA"}
)
INSTRUCTIONS_SHEET = "填写说明"


def limit(name: str) -> int:
    return int(getattr(settings, name, globals()[name]))


@dataclass
class Row:
    number: int  # as Excel shows it (the first row is 1)
    values: list  # str, int, float, bool, datetime or None
    unresolved: frozenset[int] = frozenset()  # columns holding a formula without a computed result


@dataclass
class Sheet:
    format: str  # "xlsx", "xls" or "csv"
    rows: Iterator[Row]
    # Merged ranges: (first row, last row, first column, last column); rows from 1, columns from 0.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    size_hint: int = 0  # about how many rows there are (for a progress bar); 0 when unknown


def sheet_open(content: bytes, file_name: str = "") -> Sheet:
    """The first sheet of the file (not a 填写说明 sheet), or DomainError saying why it cannot be read."""
    if len(content) > limit("LINLI_IMPORT_MAX_BYTES"):
        raise DomainError(size_message(len(content)), field="file")
    if not content.strip():
        raise DomainError(_("文件是空的。"), field="file")
    kind = sniff(content)
    opener = {"xlsx": _xlsx_open, "xls": _xls_open, "csv": _csv_open}[kind]
    sheet = opener(content)
    sheet.rows = _until_empty_tail(sheet.rows)
    return sheet


def _until_empty_tail(rows: Iterator[Row]) -> Iterator[Row]:
    """The rows, stopping after a long run of empty ones (a sheet formatted to its last row)."""
    empty = 0
    for row in rows:
        if is_empty(row.values):
            empty += 1
            if empty > TRAILING_EMPTY_ROWS:
                return
        else:
            empty = 0
        yield row


def size_message(size: int) -> str:
    return _("文件太大（%(size)s MB），最大只能是 %(limit)s MB。请分成几个文件上传。") % {
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": f"{limit('LINLI_IMPORT_MAX_BYTES') / 1024 / 1024:g}",
    }


def sniff(content: bytes) -> str:
    """ "xlsx", "xls" or "csv" from the first bytes, or DomainError for anything else."""
    head = content[:8]
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    for magic, name in NOT_SPREADSHEETS.items():
        if head.startswith(magic):
            raise DomainError(
                _("这是一个%(kind)s文件，不是Excel表格。请上传 .xlsx、.xls 或 .csv 文件。") % {"kind": name},
                field="file",
            )
    sample = content[:4096].lower()
    if sample.lstrip().startswith((b"<html", b"<!doctype", b"<table", b"<?xml")) or b"<table" in sample:
        raise DomainError(
            _(
                "这个文件其实是网页格式（很多系统导出的“xls”是这样的）。请用Excel打开后“另存为”Excel工作簿（.xlsx），再上传。"
            ),
            field="file",
        )
    if not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in content[:8192]:
        raise DomainError(
            _("这个文件不是Excel表格，也不是CSV文件。请上传 .xlsx、.xls 或 .csv 文件。"), field="file"
        )
    return "csv"


def _unreadable(kind: str) -> DomainError:
    return DomainError(
        _(
            "无法读取这个%(kind)s文件：它可能已损坏，或设置了打开密码。请用Excel打开，取消密码后“另存为”.xlsx再上传。"
        )
        % {"kind": kind},
        field="file",
    )


# --------------------------------------------------------------------------------------------------
# .xlsx


def zip_check(archive: zipfile.ZipFile) -> None:
    """Refuse a zip that would unpack to something absurd, from its directory alone (nothing unpacked)."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise _zip_bomb()
    total = 0
    for part in parts:
        total += part.file_size
        big = part.file_size > 1024 * 1024
        if total > MAX_UNZIPPED or (big and part.file_size > MAX_RATIO * max(part.compress_size, 1)):
            raise _zip_bomb()


def _zip_bomb() -> DomainError:
    return DomainError(
        _("这个文件解压后大得不正常，可能已损坏或不是正常的Excel文件，没有读取。请用Excel重新保存后再上传。"),
        field="file",
    )


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _xlsx_open(content: bytes) -> Sheet:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise _unreadable(".xlsx") from None
    zip_check(archive)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign zip (a .docx, a .zip)
        raise DomainError(
            _("无法读取这个文件：它不是Excel表格，或已损坏。请用Excel打开后“另存为”.xlsx再上传。"),
            field="file",
        ) from None
    sheets = [s for s in book.worksheets if hasattr(s, "iter_rows") and s.title != INSTRUCTIONS_SHEET]
    if not sheets:
        raise DomainError(_("文件里没有工作表。"), field="file")
    sheet = sheets[0]
    notes = []
    if len(sheets) > 1:
        notes.append(
            _("文件有%(count)s个工作表，只读取了第一个“%(name)s”。")
            % {"count": len(sheets), "name": sheet.title}
        )
    path = getattr(sheet, "_worksheet_path", None)
    try:
        xml = archive.read(path) if path else b""
    except KeyError:
        xml = b""
    merged = [
        (int(r1), int(r2), _column_index(c1), _column_index(c2)) for c1, r1, c2, r2 in _MERGE.findall(xml)
    ]
    formulas = None
    if _FORMULA.search(xml):
        # Formulas: the cached results are read above; a second pass names the cells that have none.
        formulas = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)[sheet.title]
        formulas.reset_dimensions()
    size_hint = sheet.max_row or 0
    sheet.reset_dimensions()  # some programs write a wrong size; read what is there
    return Sheet("xlsx", _xlsx_rows(sheet, formulas), merged=merged, notes=notes, size_hint=size_hint)


def _xlsx_rows(sheet, formulas) -> Iterator[Row]:
    try:
        # From A1 whatever the sheet's recorded size says, so row numbers and columns are Excel's.
        values = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        texts = formulas.iter_rows(min_row=1, min_col=1, values_only=True) if formulas is not None else None
        for number, row in enumerate(values, start=1):
            row = list(row[:MAX_COLUMNS])
            unresolved: frozenset[int] = frozenset()
            if texts is not None:
                written = next(texts, ())
                unresolved = frozenset(
                    i
                    for i, text in enumerate(written[:MAX_COLUMNS])
                    if isinstance(text, str) and text.startswith("=") and (i >= len(row) or row[i] is None)
                )
            yield Row(number, row, unresolved)
    except DomainError:
        raise
    except Exception:  # a damaged sheet fails only once its rows are read
        raise _unreadable(".xlsx") from None


# --------------------------------------------------------------------------------------------------
# .xls


def _xls_open(content: bytes) -> Sheet:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
        names = [n for n in book.sheet_names() if n != INSTRUCTIONS_SHEET]
        if not names:
            raise DomainError(_("文件里没有工作表。"), field="file")
        sheet = book.sheet_by_name(names[0])
    except DomainError:
        raise
    except Exception:  # xlrd.XLRDError, CompDocError, struct errors on damaged files
        raise _unreadable(".xls") from None
    notes = []
    if len(names) > 1:
        notes.append(
            _("文件有%(count)s个工作表，只读取了第一个“%(name)s”。") % {"count": len(names), "name": names[0]}
        )
    merged = [(rlo + 1, rhi, clo, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
    return Sheet("xls", _xls_rows(book, sheet), merged=merged, notes=notes, size_hint=sheet.nrows)


def _xls_rows(book, sheet) -> Iterator[Row]:
    import xlrd

    for index in range(sheet.nrows):
        row = []
        for cell in sheet.row(index)[:MAX_COLUMNS]:
            kind, value = cell.ctype, cell.value
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                value = None
            elif kind == xlrd.XL_CELL_NUMBER and float(value).is_integer():
                value = int(value)
            elif kind == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    value = "#VALUE!"
            elif kind == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif kind == xlrd.XL_CELL_ERROR:
                value = xlrd.error_text_from_code.get(value, "#VALUE!")
            row.append(value)
        yield Row(index + 1, row)


# --------------------------------------------------------------------------------------------------
# CSV


def csv_decode(content: bytes) -> str:
    """The text of a CSV file: a BOM decides; else UTF-8 if it is valid UTF-8; else GBK (GB 18030)."""
    if content.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        _("看不懂这个CSV文件的文字编码。请用Excel打开后“另存为”Excel工作簿（.xlsx）或“CSV UTF-8”再上传。"),
        field="file",
    )


def _csv_open(content: bytes) -> Sheet:
    text = csv_decode(content)
    first = text[:4096].split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return Sheet("csv", _csv_rows(text, delimiter), size_hint=text.count("\n") + 1)


def _csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            yield Row(number, [value if value.strip() else None for value in row[:MAX_COLUMNS]])
    except csv.Error:
        raise DomainError(
            _("CSV文件格式有误（引号不成对），请用Excel打开后另存为.xlsx再上传。"), field="file"
        ) from None


# --------------------------------------------------------------------------------------------------
# Cells


def cell_text(value) -> str:
    """A cell as text, the way Excel shows it: 101 not 101.0, a date as 1956-03-02."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_empty(values: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
