"""Ledgers going out: the blank template, and any filtered list of residents as .xlsx.

The export writes the template's headers in the template's order, so a clerk can edit an export in Excel
and import it again (it updates, see `checking`). ID numbers and phones are masked unless the user asked
for them in clear, may reveal them (`linli.registry.privacy.may_reveal`, column by column and person by
person) and gave a reason; children's names follow `registry.minors`. Every export writes one access-log
entry: the filters, how many rows, and whether any number went out in clear.

Built with openpyxl's write-only mode (rows streamed into the zip, not kept as cell objects), which
writes 10,000 residents in a couple of seconds in a few megabytes of memory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from django.utils import translation
from django.utils.translation import gettext as _

from linli.core.access import access_record
from linli.core.identity import mask_id_number, mask_phone
from linli.core.models import AccessAction, Community
from linli.core.scope import scope_for
from linli.registry import minors, privacy, selectors
from linli.registry.ledger.columns import FLAT_COLUMNS, RESIDENT_COLUMNS, Column
from linli.registry.ledger.reading import INSTRUCTIONS_SHEET, limit
from linli.registry.models import Estate, Gender, IdType, ImportKind, RegistrationType, Relation, Tenure

RESIDENTS_SHEET = "居民台账"
FLATS_SHEET = "楼栋与房屋"
CHUNK = 2000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FORMAT = "@"  # Excel's "text": an 18-digit ID number typed there keeps its last digits
DATE_FORMAT = "yyyy-mm-dd"
WIDTHS = {"id_number": 22, "phone": 15, "birth_date": 12, "notes": 30, "tags": 16, "party_branch": 14}


def may_reveal(user, resident, field: str) -> bool:
    """The one question an export asks before writing `field` of `resident` in clear."""
    return privacy.may_reveal(user, resident, field)


def _chinese_labels(choices) -> dict[str, str]:
    """Option labels as the file format writes them: always Chinese, whatever the page's language."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices}


# --------------------------------------------------------------------------------------------------
# The template


def template_xlsx(kind: str = ImportKind.RESIDENTS) -> bytes:
    """The blank ledger: the headers, one example row (skipped on import) and a 填写说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = _template_columns(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = RESIDENTS_SHEET if kind == ImportKind.RESIDENTS else FLATS_SHEET
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.append([c.header for c in columns])
    sheet.append([c.example for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if column.required:
            cell.fill = fill
        dimension = sheet.column_dimensions[letter]
        dimension.width = WIDTHS.get(column.key, max(10, len(column.header) * 2 + 4))
        if column.sensitive or column.key in ("building", "entrance", "flat"):
            # The column itself as text, so what is typed below keeps its digits (and 0301 its zero).
            dimension.number_format = TEXT_FORMAT
            sheet.cell(row=2, column=index).number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    choices = {
        "gender": "男,女",
        "id_type": "居民身份证,港澳台居民居住证,外国人永久居留身份证,护照",
        "registration_type": "本市户籍,来沪人员,境外人员",
        "relation": "户主,配偶,子女,父母,孙子女,其他亲属,其他",
        "tenure": "自有住房,租住,公房承租,其他",
        "party_status": "中共党员,中共预备党员,共青团员,群众",
        "has_lift": "有,无",
    }
    for index, column in enumerate(columns, start=1):
        if column.key in choices:
            # A drop-down as a help; other words are still allowed (a warning, not a refusal).
            validation = DataValidation(
                type="list", formula1=f'"{choices[column.key]}"', allow_blank=True, errorStyle="warning"
            )
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{limit('LINLI_IMPORT_MAX_ROWS') + 1}")
            sheet.add_data_validation(validation)

    guide = book.create_sheet(INSTRUCTIONS_SHEET)
    guide.append([_("怎样填写这张表")])
    guide["A1"].font = Font(bold=True, size=14)
    for line in _guide_lines(kind):
        guide.append([line])
    guide.append([])
    guide.append([_("列名"), _("必填"), _("怎么填")])
    for cell in guide[guide.max_row]:
        cell.font = bold
    for column in _template_columns(kind, everything=True):
        guide.append([column.header, _("必填") if column.required else "", str(column.help)])
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 8
    guide.column_dimensions["C"].width = 90
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _template_columns(kind: str, *, everything: bool = False) -> tuple[Column, ...]:
    columns = RESIDENT_COLUMNS if kind == ImportKind.RESIDENTS else FLAT_COLUMNS
    return tuple(c for c in columns if everything or c.in_template)


def _guide_lines(kind: str) -> list[str]:
    size = f"{limit('LINLI_IMPORT_MAX_BYTES') / 1024 / 1024:g}"
    rows = f"{limit('LINLI_IMPORT_MAX_ROWS'):,}"
    common = [
        _("第一行是表头（列名），请不要改列名；列的先后顺序可以调整，用不到的列可以删掉，但黄色的列必须有。"),
        _("第二行是示例（姓名以“（示例）”开头），导入时会自动跳过，可以删掉。"),
        _("从第二行起每行填一条。不要合并单元格，也不要在中间留空行。"),
        _("一个文件最多 %(rows)s 行、不超过 %(size)s MB。也可以上传 .xls 或 .csv 文件。")
        % {"rows": rows, "size": size},
        _(
            "上传后系统先检查，把每个问题连同行号和列名列出来；全部改正后才能导入，导入时要么全部成功，要么一条也不导入。"
        ),
    ]
    if kind == ImportKind.RESIDENTS:
        common += [
            _("楼栋和房屋要先在系统里建好（可以用“楼栋与房屋”模板导入），楼号、单元、室号要和系统里一致。"),
            _(
                "再次导入修改过的台账（例如从系统导出、改过的表）时，系统按身份证号找到已登记的居民并更新；"
                "没有身份证号的按姓名和房屋找。不会重复登记。"
            ),
            _("更新已登记的居民时，留空的格子表示不修改；带*号的遮盖号码保持原样即可。"),
            _("身份证号和手机号码加密保存，页面上只显示部分数字。"),
        ]
    else:
        common += [
            _("已经有的楼栋、单元和房屋不会重复建，只会更新面积、楼层等内容。"),
        ]
    return common


# --------------------------------------------------------------------------------------------------
# The export


def export_filename(community: Community, *, today: dt.date | None = None) -> str:
    return _("%(community)s居民名册-%(day)s.xlsx") % {
        "community": community.name,
        "day": (today or dt.date.today()).strftime("%Y%m%d"),
    }


def residents_export(
    *,
    user,
    community: Community,
    filters: selectors.ResidentFilters,
    full: bool = False,
    reason: str = "",
    request=None,
    today: dt.date | None = None,
) -> tuple[bytes, int]:
    """The residents of `community` that `user` sees under `filters`, as an .xlsx file; and how many.

    `full` asks for ID numbers and phones in clear: each value is written in clear only where the user
    may reveal it (otherwise masked), and the access log records it with `reason`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    today = today or dt.date.today()
    scope = scope_for(user)
    residents = (
        selectors.resident_list(user, community, filters, today=today)
        .defer(None)  # the list leaves out the encrypted columns; the export needs them
        .select_related("household__flat__building__estate", "party_branch")
        .order_by(
            "household__flat__building__sort_key",
            "household__flat__building__number",
            "household__flat__entrance__number",
            "household__flat__number",
            "id",
        )
    )
    several_estates = Estate.objects.filter(community=community).count() > 1
    columns = [c for c in RESIDENT_COLUMNS if c.in_template]
    if several_estates:
        columns.insert(0, next(c for c in RESIDENT_COLUMNS if c.key == "estate"))
    if filters.include_moved_out:
        columns.append(next(c for c in RESIDENT_COLUMNS if c.key == "moved_out"))
    labels = {
        "gender": _chinese_labels(Gender.choices),
        "id_type": _chinese_labels(IdType.choices),
        "registration_type": _chinese_labels(RegistrationType.choices),
        "relation": _chinese_labels(Relation.choices),
        "tenure": _chinese_labels(Tenure.choices),
    }

    book = Workbook(write_only=True)
    sheet = book.create_sheet(RESIDENTS_SHEET)
    for index, column in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = WIDTHS.get(
            column.key, max(10, len(column.header) * 2 + 4)
        )
    sheet.freeze_panes = "A2"
    sheet.append([c.header for c in columns])
    count = 0
    clear: set[str] = set()

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = TEXT_FORMAT
        return cell

    def day(value: dt.date | None):
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    for resident in residents.iterator(chunk_size=CHUNK):
        flat = resident.household.flat
        values = {}
        for field, mask in (("id_number", mask_id_number), ("phone", mask_phone)):
            value = getattr(resident, field)
            if value and full and may_reveal(user, resident, field):
                clear.add(field)
                values[field] = value
            else:
                values[field] = mask(value)
        party = "中共党员" if resident.party_joined else "群众"
        row = {
            "estate": flat.building.estate.name,
            "name": minors.display_name(resident, scope, today=today),
            "gender": labels["gender"].get(resident.gender, resident.gender),
            "birth_date": day(resident.birth_date),
            "id_type": labels["id_type"].get(resident.id_type, resident.id_type),
            "id_number": text(values["id_number"]),
            "phone": text(values["phone"]),
            "registration_type": labels["registration_type"].get(resident.registration_type, ""),
            "building": text(flat.building.number),
            "entrance": flat.entrance.number,
            "flat": text(flat.number),
            "relation": labels["relation"].get(resident.relation, ""),
            "tenure": labels["tenure"].get(resident.household.tenure, ""),
            "party_status": party,
            "party_joined": day(resident.party_joined),
            "party_full_member": day(resident.party_full_member),
            "party_branch": resident.party_branch.name if resident.party_branch else "",
            "tags": "、".join(t.name for t in resident.tags.all()),
            "moved_in": day(resident.moved_in),
            "notes": resident.notes,
            "moved_out": day(resident.moved_out),
        }
        sheet.append([row[c.key] for c in columns])
        count += 1
    out = io.BytesIO()
    book.save(out)
    access_record(
        user=user,
        action=AccessAction.EXPORT,
        community=community,
        field=",".join(sorted(clear)),
        reason=reason if clear else "",
        detail={
            "filters": _filters_detail(filters),
            "rows": count,
            "sensitive": bool(clear),
            "asked_full": full,
        },
        request=request,
    )
    return out.getvalue(), count


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _filters_detail(filters: selectors.ResidentFilters) -> dict:
    """The filters as the access log keeps them: what was set, a searched number never in clear."""
    detail = {k: v for k, v in dataclasses.asdict(filters).items() if v not in ("", None, False)}
    if detail.get("q") and privacy.looks_like_number(detail["q"]):
        detail["q"] = _("（按号码查找）")
    return detail


__all__ = ["XLSX", "export_filename", "may_reveal", "residents_export", "template_xlsx"]
