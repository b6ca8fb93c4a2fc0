"""The header vocabulary of a ledger, and the tolerant mapping of a file's headers onto it.

Committees name their columns in many ways (身份证号 / 公民身份号码 / 身份证号码, 单元 / 门洞, 楼号 / 楼栋 /
幢号, 室号 / 房号 …), pad them with spaces, full-width characters, stars or notes in brackets
("出生日期（必填）"), and often put a title row or two above them. `header_find` locates the header row
among the first rows and `header_map` maps it, refusing a file whose headers are ambiguous (two columns
for the same thing) or lack a required column before a single row is read.

The headers themselves are the file format, written in Chinese whatever the page's language (a ledger is
a Chinese document, and an export must import again); the explanations around them are translated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import DomainError


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as the template and the export write it
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""  # the 填写说明 sheet's explanation (lazy, translated)
    example: str = ""  # the template's example row
    sensitive: bool = False  # ID number and phone: masked in every preview and export
    in_template: bool = True


# Residents: the template's columns in order, then those only recognised (an export may add them).
RESIDENT_COLUMNS = (
    Column(
        "name",
        "姓名",
        ("居民姓名", "名字"),
        required=True,
        help=gettext_lazy("必填。居民的姓名，与身份证上一致。"),
        example="（示例）张三",
    ),
    Column(
        "gender",
        "性别",
        help=gettext_lazy("填“男”或“女”。填了身份证号时可以不填，按身份证号推算。"),
        example="女",
    ),
    Column(
        "birth_date",
        "出生日期",
        ("出生年月日", "出生年月", "出生时间", "生日"),
        help=gettext_lazy(
            "例如 1949-12-31、1949.12.31、1949/12/31、1949年12月31日 或 19491231。"
            "填了身份证号时可以不填，按身份证号推算。"
        ),
        example="1949-12-31",
    ),
    Column(
        "id_type",
        "证件类型",
        ("证件种类",),
        help=gettext_lazy("居民身份证、港澳台居民居住证、外国人永久居留身份证或护照。不填就是居民身份证。"),
        example="居民身份证",
    ),
    Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "身份证", "证件号码", "证件号", "身份号码"),
        help=gettext_lazy(
            "18位，最后一位可以是X。请先把这一列设成“文本”格式，否则Excel会把后几位变成0。"
            "没有可以不填。其他证件也填在这一列。"
        ),
        example="11010519491231002X",
        sensitive=True,
    ),
    Column(
        "phone",
        "手机号码",
        ("联系电话", "手机", "手机号", "电话", "电话号码", "联系方式", "联系手机"),
        help=gettext_lazy("11位手机号，例如 13800000000。没有可以不填。"),
        example="13800000000",
        sensitive=True,
    ),
    Column(
        "registration_type",
        "户籍类型",
        ("户籍性质", "户口类型", "户口性质", "人员类型", "户籍"),
        help=gettext_lazy("本市户籍、来沪人员或境外人员。不填就是本市户籍。"),
        example="本市户籍",
    ),
    Column(
        "building",
        "楼号",
        ("楼栋", "楼栋号", "幢号", "幢", "栋", "楼", "楼幢"),
        required=True,
        help=gettext_lazy("必填。例如 12 或 12号，要和系统里的楼号一致。"),
        example="1",
    ),
    Column(
        "entrance",
        "单元",
        ("门洞", "单元号", "门洞号"),
        help=gettext_lazy("例如 1 或 1单元。整栋楼只有一个单元，或同一栋楼的室号不重复时可以不填。"),
        example="1",
    ),
    Column(
        "flat",
        "室号",
        ("房号", "房间号", "室", "门牌号", "房屋号"),
        required=True,
        help=gettext_lazy("必填。例如 301 或 301室。"),
        example="101",
    ),
    Column(
        "relation",
        "与户主关系",
        ("与户主的关系", "家庭关系", "关系"),
        help=gettext_lazy("户主、配偶、子女、父母、孙子女、其他亲属或其他。不填就是户主。"),
        example="户主",
    ),
    Column(
        "tenure",
        "居住性质",
        ("房屋性质", "居住类型", "住房性质"),
        help=gettext_lazy("自有住房、租住、公房承租或其他。只在这套房屋还没有登记住户时使用。"),
        example="自有住房",
    ),
    Column(
        "party_status",
        "政治面貌",
        help=gettext_lazy("中共党员、中共预备党员、共青团员、群众等。党员请同时填写入党时间。"),
        example="中共党员",
    ),
    Column(
        "party_joined",
        "入党时间",
        ("入党日期",),
        help=gettext_lazy("党员填写，写法同出生日期。"),
        example="1975-07-01",
    ),
    Column(
        "party_full_member",
        "转正时间",
        ("转正日期",),
        help=gettext_lazy("已转正的党员填写。预备党员不填。"),
        example="1976-07-01",
    ),
    Column(
        "party_branch",
        "所在党支部",
        ("党支部", "所属党支部", "所属支部", "支部"),
        help=gettext_lazy("党员填写，要和系统里党支部的名称一致，例如 第一党支部。"),
        example="第一党支部",
    ),
    Column(
        "tags",
        "标签",
        ("人员标签", "特殊人群", "人员类别"),
        help=gettext_lazy("可以填几个，用顿号或逗号隔开，例如 独居、高龄。要用系统里已有的标签。"),
        example="独居、高龄",
    ),
    Column(
        "moved_in",
        "迁入日期",
        ("迁入时间", "入住日期", "入住时间", "迁入"),
        help=gettext_lazy("搬来本社区的日期，写法同出生日期。不知道可以不填。"),
        example="1990-05-01",
    ),
    Column(
        "notes",
        "备注",
        ("说明",),
        help=gettext_lazy("其他需要说明的情况。"),
        example="此行是示例，导入时会跳过",
    ),
    Column(
        "estate",
        "小区",
        ("小区名称", "所在小区"),
        help=gettext_lazy("本居民区有几个小区、楼号有重复时才需要。"),
        in_template=False,
    ),
    Column(
        "moved_out",
        "迁出日期",
        ("迁出时间",),
        help=gettext_lazy("已迁出的居民（导出时选了“包括已迁出的居民”）不会导入。"),
        in_template=False,
    ),
)

# Buildings and flats: what a committee needs in Linli before its residents can go in.
FLAT_COLUMNS = (
    Column(
        "estate",
        "小区",
        ("小区名称", "所在小区"),
        help=gettext_lazy("本居民区只有一个小区时可以不填。"),
        example="示例小区",
    ),
    Column(
        "building",
        "楼号",
        ("楼栋", "楼栋号", "幢号", "幢", "栋", "楼", "楼幢"),
        required=True,
        help=gettext_lazy("必填。例如 12 或 12号。"),
        example="1",
    ),
    Column(
        "entrance",
        "单元",
        ("门洞", "单元号", "门洞号"),
        help=gettext_lazy("例如 1 或 1单元。不填就是1单元。"),
        example="1",
    ),
    Column(
        "flat",
        "室号",
        ("房号", "房间号", "室", "门牌号", "房屋号"),
        required=True,
        help=gettext_lazy("必填。例如 301 或 301室。"),
        example="101",
    ),
    Column(
        "floor",
        "楼层",
        ("所在楼层", "层"),
        help=gettext_lazy("不填时按室号推算：301室在3楼，1203室在12楼。"),
        example="1",
    ),
    Column(
        "area",
        "建筑面积",
        ("面积", "建筑面积（平方米）", "房屋面积", "建筑面积㎡"),
        required=True,
        help=gettext_lazy("必填。单位平方米，例如 56.3。"),
        example="56.3",
    ),
    Column(
        "floors",
        "总层数",
        ("层数", "楼层数", "地上层数"),
        help=gettext_lazy("这栋楼有几层。不填时按最高的楼层算。"),
        example="6",
    ),
    Column(
        "built_year",
        "建成年份",
        ("建成年代", "竣工年份", "建造年份"),
        help=gettext_lazy("例如 1988。不知道可以不填。"),
        example="1988",
    ),
    Column(
        "has_lift",
        "有无电梯",
        ("电梯", "是否有电梯", "有电梯"),
        help=gettext_lazy("填“有”或“无”，按单元算。不填就是无。"),
        example="无",
    ),
)

# Columns committees often keep that Linli has no use for: ignored without a word.
SILENTLY_IGNORED = frozenset({"序号", "编号", "no", "no.", "id"})


def header_text(value) -> str:
    """A header cell as a key: full-width folded (NFKC), notes in brackets, stars, colons and every
    space removed, Latin letters in lower case. "出生日期（必填）" and " 出生 日期：" both give "出生日期"."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = re.sub(r"[(\[【][^)\]】]*[)\]】]", "", text)
    text = re.sub(r"[\s*:]", "", text)
    return text.lower()


@dataclass
class ColumnMap:
    """Where each known column is in the file, and the header it has there (for messages)."""

    columns: tuple[Column, ...]
    index: dict[str, int] = field(default_factory=dict)  # key → position in the row
    header: dict[str, str] = field(default_factory=dict)  # key → the file's own header text
    ignored: list[str] = field(default_factory=list)  # headers not understood

    def label(self, key: str) -> str:
        """The column's header as the file writes it, else the template's."""
        if key in self.header:
            return self.header[key]
        return next((c.header for c in self.columns if c.key == key), key)

    def has(self, key: str) -> bool:
        return key in self.index


def _vocabulary(columns: tuple[Column, ...]) -> dict[str, Column]:
    words: dict[str, Column] = {}
    for column in columns:
        for word in (column.header, *column.aliases):
            words[header_text(word)] = column
    return words


def header_find(rows: list[list], columns: tuple[Column, ...]) -> int | None:
    """The index among `rows` (the first few of the sheet) of the header row: the first row naming at
    least two known columns, one of them required. None when there is none."""
    words = _vocabulary(columns)
    required = {c.key for c in columns if c.required}
    for position, row in enumerate(rows):
        found = {words[k].key for k in (header_text(v) for v in row) if k in words}
        if len(found) >= 2 and found & required:
            return position
    return None


def header_map(row: list, columns: tuple[Column, ...]) -> ColumnMap:
    """Map a header row onto `columns`, or raise one DomainError listing every problem: the same column
    twice (under any of its names) and each missing required column."""
    words = _vocabulary(columns)
    result = ColumnMap(columns=columns)
    problems: list[str] = []
    for position, value in enumerate(row):
        text = "" if value is None else str(value).strip()
        key = header_text(text)
        if not key:
            continue
        column = words.get(key)
        if column is None:
            if key not in SILENTLY_IGNORED:
                result.ignored.append(text)
            continue
        if column.key in result.index:
            problems.append(
                _("“%(first)s”和“%(second)s”是同一列（%(column)s），请删掉其中一列再上传。")
                % {"first": result.header[column.key], "second": text, "column": column.header}
            )
            continue
        result.index[column.key] = position
        result.header[column.key] = text
    for column in columns:
        if column.required and column.key not in result.index:
            problems.append(
                _("缺少“%(column)s”这一列。请在表头加上这一列（也可以写作：%(aliases)s）。")
                % {"column": column.header, "aliases": "、".join(column.aliases[:3]) or column.header}
            )
    if problems:
        raise DomainError(problems[0], errors={"__all__": problems})
    return result
