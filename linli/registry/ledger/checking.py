"""The preview of a residents' ledger: every row through the registry's rules, matched to who is already
registered, before anything is written.

Each row is parsed cell by cell (options such as 性别 or 户籍类型 by their usual words, dates in the usual
Chinese ways, the flat by building, entrance and number), then checked by
`registry.services.resident_data_check`, the same function the form's service calls, so a ledger cannot
let in what the form refuses. What needs the database is read once per file, not once per row: the
community's flats, branches and tags, its current residents (to match), and the ID numbers registered
in other communities.

Matching (an edited ledger imported again updates instead of duplicating): by the keyed hash of the ID
number, else by name within the same flat. An empty cell keeps what is registered; a masked value (as a
masked export writes it) keeps it too when it is the mask of what is registered. An ID number that is
registered to someone living in another flat is a problem: the person must move out there first.

Every problem is reported at once with its row (as Excel numbers it) and column (as the file names it);
ID numbers and phones appear masked in every message and change.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.core.identity import long_date, mask_id_number, mask_phone, normalize_id_number
from linli.core.models import Community
from linli.registry.ledger import reading
from linli.registry.ledger.columns import RESIDENT_COLUMNS, Column, ColumnMap, header_find, header_map
from linli.registry.ledger.dates import DateProblem, PartialDate, parse_date
from linli.registry.ledger.matching import (
    Place,
    Places,
    Registered,
    registered_elsewhere,
    resident_fingerprint,
)
from linli.registry.ledger.words import (
    GENDER_WORDS,
    ID_TYPE_WORDS,
    PARTY_MEMBER,
    PARTY_NONE,
    PARTY_PROBATIONARY,
    PARTY_WORDS,
    REGISTRATION_WORDS,
    RELATION_WORDS,
    TAG_SEPARATORS,
    TENURE_WORDS,
    fold,
    vocabulary,
)
from linli.registry.models import (
    Gender,
    IdType,
    PartyBranch,
    RegistrationType,
    Relation,
    Resident,
    Tag,
    Tenure,
)
from linli.registry.services import ResidentData, id_clash_message, resident_data_check

HEADER_SEARCH_ROWS = 10  # a title or two may sit above the headers
EXAMPLE_MARKS = ("（示例）", "(示例)", "示例：", "示例:")
PROGRESS_EVERY = 500
LISTED_NEW = 200  # new residents listed by name in the preview (all are counted)


@dataclass
class Problem:
    row: int | None  # None: about the file as a whole
    column: str
    message: str


@dataclass
class Planned:
    """One resident row that passed every check: what will be written."""

    row: int
    name: str
    flat_id: int
    place: str  # 1号1单元101室
    values: dict  # the checked values (registry.services.resident_data_check)
    tag_ids: list[int]
    tenure: str
    current_id: int | None = None  # the registered resident it updates
    fingerprint: str = ""  # of that resident as it was checked (see `resident_fingerprint`)
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new), masked
    current: Resident | None = None  # at import: the resident it updates, locked

    DATES = ("birth_date", "moved_in", "party_joined", "party_full_member")

    def as_plan(self) -> dict:
        """This row as the plan stores it (JSON; encrypted by the job, since it holds the numbers)."""
        values = {k: v for k, v in self.values.items() if k != "party_branch"}
        values["party_branch_id"] = (
            self.values["party_branch"].pk if self.values.get("party_branch") else None
        )
        for key in self.DATES:
            values[key] = values[key].isoformat() if values[key] else None
        return {
            "row": self.row,
            "name": self.name,
            "flat": self.flat_id,
            "place": self.place,
            "values": values,
            "tags": self.tag_ids,
            "tenure": self.tenure,
            "current": self.current_id,
            "fingerprint": self.fingerprint,
            "changes": [list(c) for c in self.changes],
        }

    @classmethod
    def from_plan(cls, item: dict) -> Planned:
        values = dict(item["values"])
        for key in cls.DATES:
            values[key] = dt.date.fromisoformat(values[key]) if values[key] else None
        return cls(
            row=item["row"],
            name=item["name"],
            flat_id=item["flat"],
            place=item["place"],
            values=values,
            tag_ids=list(item["tags"]),
            tenure=item["tenure"],
            current_id=item["current"],
            fingerprint=item["fingerprint"],
            changes=[tuple(c) for c in item["changes"]],
        )


@dataclass
class Check:
    columns: ColumnMap | None = None
    format: str = ""
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    new: list[Planned] = field(default_factory=list)
    changed: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0  # rows of data (not counting those skipped)
    skipped: int = 0

    def report(self) -> dict:
        """The preview as stored in ImportJob.report (JSON): masked values only."""
        return {
            "format": self.format,
            "counts": {
                "rows": self.rows,
                "new": len(self.new),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
                "skipped": self.skipped,
                "problems": len(self.problems),
            },
            "problems": [[p.row, p.column, p.message] for p in self.problems],
            "notes": [[p.row, p.message] for p in self.notes],
            "changes": [[c.row, c.name, c.place, [list(x) for x in c.changes]] for c in self.changed],
            "new": [[n.row, n.name, n.place] for n in self.new[:LISTED_NEW]],
        }

    def plan(self) -> dict:
        """What the import will write, row by row, as checked (see `importing.residents_import`)."""
        columns = self.columns
        return {
            "kind": "residents",
            "rows": self.rows,
            "skipped": self.skipped,
            "unchanged": self.unchanged,
            "labels": {c.key: columns.label(c.key) for c in RESIDENT_COLUMNS} if columns else {},
            "new": [p.as_plan() for p in self.new],
            "changed": [p.as_plan() for p in self.changed],
        }


def file_problem(error: DomainError) -> Check:
    """A Check holding the problems of a file that could not be read at all."""
    messages = [m for ms in error.errors.values() for m in ms] or [error.message]
    return Check(problems=[Problem(None, "", m) for m in messages])


# --------------------------------------------------------------------------------------------------
# The check


FIELD_COLUMNS = {  # registry.services error keys → ledger columns
    "name": "name",
    "gender": "gender",
    "birth_date": "birth_date",
    "id_type": "id_type",
    "id_number": "id_number",
    "phone": "phone",
    "registration_type": "registration_type",
    "relation": "relation",
    "moved_in": "moved_in",
    "party_joined": "party_joined",
    "party_full_member": "party_full_member",
    "party_branch": "party_branch",
    "tags": "tags",
    "notes": "notes",
}


def residents_check(
    *,
    community: Community,
    content: bytes,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Check:
    """The preview of a residents' ledger (see the module's docstring). A file that cannot be read at
    all gives a Check with its problems and no rows. `progress` is called now and then with a percent."""
    try:
        return _Checker(community, today or dt.date.today(), progress).run(content)
    except DomainError as error:
        return file_problem(error)


class _Checker:
    def __init__(self, community: Community, today: dt.date, progress):
        self.community = community
        self.today = today
        self.progress = progress or (lambda percent: None)
        self.check = Check()
        self.seen_hash: dict[str, int] = {}  # ID hash → row
        self.seen_person: dict[tuple[int, str], int] = {}  # (flat, name) → row
        self.seen_current: dict[int, int] = {}  # registered resident → row
        self.elsewhere: dict[str, list[int]] = {}  # ID hash not registered here → rows (asked at the end)
        self.skips: dict[str, list[int]] = {}

    # The file ---------------------------------------------------------------------------------

    def run(self, content: bytes) -> Check:
        sheet = reading.sheet_open(content)
        check = self.check
        check.format = sheet.format
        check.notes.extend(Problem(None, "", note) for note in sheet.notes)
        rows = iter(sheet.rows)
        head = []
        for row in rows:
            head.append(row)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        found = header_find([r.values for r in head], RESIDENT_COLUMNS)
        if found is None:
            raise DomainError(
                _(
                    "没有找到表头。第一行应是列名，例如 姓名、性别、出生日期、身份证号、楼号、单元、室号。"
                    "可以先下载模板，照着模板填写。"
                )
            )
        self.columns = check.columns = header_map(head[found].values, RESIDENT_COLUMNS)
        if check.columns.ignored:
            check.notes.append(
                Problem(
                    head[found].number,
                    "",
                    _("这些列系统不认识，没有导入：%(columns)s。")
                    % {"columns": "、".join(check.columns.ignored)},
                )
            )
        for title in head[:found]:
            if not reading.is_empty(title.values):
                self.skips.setdefault("title", []).append(title.number)
        self._merges(sheet.merged, head[found].number)
        self.places = Places(self.community)
        self.branches = {b.pk: b for b in PartyBranch.objects.filter(community=self.community)}
        self.branch_names = {fold(b.name): b.pk for b in self.branches.values()}
        self.tags = {t.pk: t for t in Tag.objects.all()}
        self.tag_names = {fold(t.name): t.pk for t in self.tags.values()}
        self.registered = Registered(self.community, lock=False)
        self.words = {
            "gender": vocabulary(GENDER_WORDS, Gender.choices),
            "id_type": vocabulary(ID_TYPE_WORDS, IdType.choices),
            "registration_type": vocabulary(REGISTRATION_WORDS, RegistrationType.choices),
            "relation": vocabulary(RELATION_WORDS, Relation.choices),
            "tenure": vocabulary(TENURE_WORDS, Tenure.choices),
            "party_status": {fold(k): v for k, v in PARTY_WORDS.items()},
        }
        max_rows = reading.limit("LINLI_IMPORT_MAX_ROWS")
        for row in itertools.chain(head[found + 1 :], rows):
            if check.rows >= max_rows and not reading.is_empty(row.values):
                raise DomainError(
                    _("文件的行数超过了%(limit)s行，请分成几个文件分别导入。") % {"limit": f"{max_rows:,}"}
                )
            self._row(row)
            if row.number % PROGRESS_EVERY == 0 and sheet.size_hint:
                self.progress(min(99, row.number * 100 // sheet.size_hint))
        self._elsewhere()
        self._skips_note()
        check.problems.sort(key=lambda p: p.row or 0)
        check.notes.sort(key=lambda p: p.row or 0)
        return check

    def _merges(self, merged: list[tuple[int, int, int, int]], header_row: int) -> None:
        """Rows taken by one wide merged cell (a title or a group heading) are skipped; any other cell
        under a merge is a problem (the value shows in Excel but belongs to the first row only)."""
        width = max(self.columns.index.values(), default=0) + 1
        self.title_rows: set[int] = set()
        self.covered: dict[int, set[int]] = {}
        for first_row, last_row, first_col, last_col in merged:
            if last_row <= header_row:
                continue
            if last_col - first_col + 1 >= max(2, width // 2):
                self.title_rows.update(range(first_row, last_row + 1))
                continue
            for number in range(max(first_row, header_row + 1), last_row + 1):
                # Every cell of the range but its first holds nothing (Excel shows the first's value).
                start = first_col + 1 if number == first_row else first_col
                self.covered.setdefault(number, set()).update(range(start, last_col + 1))

    def _skip(self, reason: str, number: int) -> None:
        self.skips.setdefault(reason, []).append(number)
        self.check.skipped += 1

    def _skips_note(self) -> None:
        messages = {
            "title": _("表头上面的标题行已跳过：第%(rows)s行。"),
            "empty": _("空行已跳过：第%(rows)s行。"),
            "merged": _("整行合并的单元格（标题或分组行）已跳过：第%(rows)s行。"),
            "example": _("模板里的示例行已跳过：第%(rows)s行。"),
            "moved_out": _("填了迁出日期的居民没有导入（已迁出的不再登记）：第%(rows)s行。"),
        }
        for reason, numbers in self.skips.items():
            shown = "、".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")
            self.check.notes.append(Problem(numbers[0], "", messages[reason] % {"rows": shown}))

    # One row ----------------------------------------------------------------------------------

    def _row(self, row: reading.Row) -> None:
        if reading.is_empty(row.values) and not row.unresolved:
            self._skip("empty", row.number)
            return
        if row.number in self.title_rows:
            self._skip("merged", row.number)
            return
        cells = _Cells(self, row)
        name = cells.text("name")
        if name.startswith(EXAMPLE_MARKS):
            self._skip("example", row.number)
            return
        if self.columns.has("moved_out") and cells.text("moved_out"):
            self._skip("moved_out", row.number)
            return
        self.check.rows += 1
        _RowCheck(self, row, cells, name).run()

    def problem(self, row: int, key: str, message: str) -> None:
        self.check.problems.append(Problem(row, self.columns.label(key) if key else "", message))

    def _elsewhere(self) -> None:
        """New residents whose ID number is registered to someone living in another community."""
        clashing: set[int] = set()
        for found in registered_elsewhere(list(self.elsewhere), self.community):
            for number in self.elsewhere[found]:
                self.problem(number, "id_number", id_clash_message(None))
                clashing.add(number)
        if clashing:
            self.check.new = [p for p in self.check.new if p.row not in clashing]


class _Cells:
    """One row's cells by column key, as text or raw values, noting cells that cannot be used."""

    def __init__(self, checker: _Checker, row: reading.Row):
        self.checker, self.row = checker, row
        self.bad: set[str] = set()
        self.seen: dict[str, object] = {}

    def raw(self, key: str):
        if key in self.seen:
            return self.seen[key]
        self.seen[key] = value = self._read(key)
        return value

    def _read(self, key: str):
        position = self.checker.columns.index.get(key)
        if position is None:
            return None
        values = self.row.values
        value = values[position] if position < len(values) else None
        if position in self.row.unresolved:
            self._bad(key, _("这一格是公式，但没有计算结果。请在Excel里打开、保存一次，或把公式换成数值。"))
            return None
        if isinstance(value, str) and "#" in value and value.strip() in reading.ERROR_VALUES:
            self._bad(key, _("这一格显示错误值（%(value)s），多半是公式出了错。") % {"value": value.strip()})
            return None
        if value is None and position in self.checker.covered.get(self.row.number, ()):
            self._bad(key, _("这一格在合并单元格里。请取消合并，在每一行分别填写。"))
            return None
        return value

    def text(self, key: str) -> str:
        return reading.cell_text(self.raw(key))

    def _bad(self, key: str, message: str) -> None:
        if key not in self.bad:
            self.bad.add(key)
            self.checker.problem(self.row.number, key, message)


class _RowCheck:
    def __init__(self, checker: _Checker, row: reading.Row, cells: _Cells, name: str):
        self.c, self.row, self.cells, self.name = checker, row, cells, name.strip()
        self.number = row.number
        self.failed: set[str] = set()

    def fail(self, key: str, message: str) -> None:
        self.failed.add(key)
        self.c.problem(self.number, key, message)

    def option(self, key: str) -> str | None:
        text = self.cells.text(key)
        if not text:
            return None
        value = self.c.words[key].get(fold(text).lower())
        if value is None:
            allowed = {
                "gender": _("男、女"),
                "id_type": _("居民身份证、港澳台居民居住证、外国人永久居留身份证、护照"),
                "registration_type": _("本市户籍、来沪人员、境外人员"),
                "relation": _("户主、配偶、子女、父母、孙子女、其他亲属、其他"),
                "tenure": _("自有住房、租住、公房承租、其他"),
                "party_status": _("中共党员、中共预备党员、共青团员、群众"),
            }[key]
            self.fail(
                key,
                _("不认识“%(value)s”，这一列可以填：%(allowed)s。") % {"value": text, "allowed": allowed},
            )
        return value

    def date(self, key: str) -> dt.date | None:
        try:
            return parse_date(self.cells.raw(key))
        except PartialDate as partial:
            if key == "birth_date":
                self.partial_birth = partial
                return None
            self.fail(key, partial.message)
        except DateProblem as problem:
            self.fail(key, problem.message)
        return None

    def sensitive(self, key: str, mask, current_value: str | None) -> str | None:
        """The ID number or phone as written; None to keep the registered one (empty, or its mask)."""
        raw = self.cells.raw(key)
        if (
            key == "id_number"
            and isinstance(raw, int | float)
            and not isinstance(raw, bool)
            and raw >= 10**15
        ):
            # Excel keeps 15 digits of a number: the last ones of an 18-digit ID number are already lost.
            self.fail(
                key,
                _(
                    "身份证号被Excel存成了数字，最后几位已经变成0。请把这一列设成“文本”格式，重新填写后再上传。"
                ),
            )
            return None
        text = reading.cell_text(raw)
        if not text:
            return None
        if "*" in text:
            if current_value and fold(text).upper() == mask(current_value).upper():
                return None
            self.fail(
                key,
                _("“%(value)s”是遮盖过的号码，不能导入。请填写完整号码；要保持不变，就照导出时的样子不改。")
                % {"value": text},
            )
            return None
        return text

    def run(self) -> None:
        c, cells = self.c, self.cells
        self.partial_birth = None
        if not self.name and "name" not in cells.bad:
            self.fail("name", _("请填写姓名。"))
        place = self._place()
        id_type = self.option("id_type")
        written_id = cells.raw("id_number")
        id_hash = ""
        if isinstance(written_id, str) and written_id.strip() and "*" not in written_id:
            id_hash = keyed_hash(normalize_id_number(written_id))
        current = self._match(id_hash, place)

        id_number = self.sensitive("id_number", mask_id_number, current.id_number if current else None)
        phone = self.sensitive("phone", mask_phone, current.phone if current else None)
        gender = self.option("gender")
        birth = self.date("birth_date")
        registration = self.option("registration_type")
        relation = self.option("relation")
        tenure = self.option("tenure")
        party_status = self.option("party_status")
        party_joined = self.date("party_joined")
        party_full = self.date("party_full_member")
        moved_in = self.date("moved_in")
        branch_id = self._branch()
        tag_ids = self._tags()
        notes = cells.text("notes")

        # Gender and birth date may come from the ID number (and a 出生年月 without the day agree with it).
        number_type = id_type or (current.id_type if current else IdType.RESIDENT_ID)
        source = id_number or (current.id_number if current else "")
        from_id = _from_id_number(source) if number_type in (IdType.RESIDENT_ID, IdType.HMT_PERMIT) else None
        if self.partial_birth is not None:
            partial = self.partial_birth
            if from_id and (from_id[0].year, from_id[0].month) == (partial.year, partial.month):
                birth = from_id[0]
            elif from_id:
                self.fail(
                    "birth_date",
                    _("出生年月（%(year)s年%(month)s月）与身份证号中的出生日期（%(day)s）不一致。")
                    % {"year": partial.year, "month": partial.month, "day": long_date(from_id[0])},
                )
            else:
                self.fail("birth_date", partial.message)
        if from_id and birth is None and not self.unusable("birth_date"):
            birth = from_id[0]
        if from_id and gender is None and not self.unusable("gender"):
            gender = from_id[1]

        # Party membership: 政治面貌 and the dates must tell the same story.
        if party_status == PARTY_NONE and (party_joined or party_full):
            self.fail("party_status", _("政治面貌不是党员，却填了入党或转正时间，请核对。"))
        elif party_status in (PARTY_MEMBER, PARTY_PROBATIONARY):
            if (
                not party_joined
                and not (current and current.party_joined)
                and not self.unusable("party_joined")
            ):
                self.fail("party_joined", _("政治面貌是党员，请填写入党时间。"))
            if party_status == PARTY_PROBATIONARY and party_full:
                self.fail("party_full_member", _("预备党员还没有转正，转正时间请留空。"))

        # The registry's own rules, on what the row says over what is registered; a column already
        # reported above is not reported twice.
        base = (
            _data_of(current, c.registered.tags.get(current.pk, set()))
            if current
            else ResidentData(name="", gender="", birth_date=None)
        )
        data = ResidentData(
            name=self.name or base.name,
            gender=gender or base.gender,
            birth_date=birth or base.birth_date,
            id_type=id_type or base.id_type,
            id_number=id_number if id_number is not None else base.id_number,
            phone=phone if phone is not None else base.phone,
            registration_type=registration or base.registration_type,
            relation=relation or base.relation,
            moved_in=moved_in or base.moved_in,
            party_joined=party_joined or base.party_joined,
            party_full_member=party_full or base.party_full_member,
            party_branch_id=branch_id or base.party_branch_id,
            tag_ids=tag_ids if tag_ids is not None else base.tag_ids,
            notes=notes or base.notes,
        )
        if party_status == PARTY_NONE:
            data.party_joined = data.party_full_member = data.party_branch_id = None
        elif party_status == PARTY_PROBATIONARY:
            data.party_full_member = None
        values, tags, errors = resident_data_check(data, today=c.today, branches=c.branches, tags=c.tags)
        for error_key, messages in errors.items():
            column = FIELD_COLUMNS.get(error_key, "")
            if column and self.unusable(column):
                continue
            for message in messages:
                self.fail(column, message)
        if self.failed or cells.bad or place is None or current is False:
            return
        planned = Planned(
            row=self.number,
            name=values["name"],
            flat_id=place.flat_id,
            place=place.label,
            values=values,
            tag_ids=[t.pk for t in tags],
            tenure=tenure or Tenure.OWNER,
        )
        if current is None:
            if values["id_number_hash"]:
                c.elsewhere.setdefault(values["id_number_hash"], []).append(self.number)
            c.check.new.append(planned)
            return
        registered_tags = c.registered.tags.get(current.pk, set())
        planned.changes = _changes(current, registered_tags, values, tags, c)
        planned.current_id = current.pk
        planned.fingerprint = resident_fingerprint(current, registered_tags)
        if planned.changes:
            c.check.changed.append(planned)
        else:
            c.check.unchanged += 1

    def unusable(self, key: str) -> bool:
        """Whether the column's cell of this row was already reported (so nothing more is said of it)."""
        return key in self.failed or key in self.cells.bad

    def _place(self) -> Place | None:
        c, cells = self.c, self.cells
        missing = False
        for key in ("building", "flat"):
            if not cells.text(key):
                missing = True
                if key not in cells.bad:
                    self.fail(key, _("请填写%(column)s。") % {"column": c.columns.label(key)})
        if missing or cells.bad & {"estate", "entrance"}:
            return None
        place, key, message = c.places.find(
            estate=cells.text("estate"),
            building=cells.text("building"),
            entrance=cells.text("entrance"),
            number=cells.text("flat"),
        )
        if place is None:
            self.fail(key, message)
        return place

    def _match(self, id_hash: str, place: Place | None):
        """The registered resident this row updates; None for a new one; False when it cannot be told
        (a problem is reported). Also reports the same person written twice in the file."""
        c = self.c
        if id_hash:
            first = c.seen_hash.setdefault(id_hash, self.number)
            if first != self.number:
                self.fail("id_number", _("身份证号与第%(row)s行重复。") % {"row": first})
                return False
        current = c.registered.by_hash.get(id_hash) if id_hash else None
        if current is not None:
            if place is not None and current.household.flat_id != place.flat_id:
                self.fail("id_number", id_clash_message(c.places.labels.get(current.household.flat_id)))
                return False
        elif place is not None and self.name:
            # Else by name in the flat, even when the registered ID number differs: that is the likelier
            # story (a number corrected), and the preview shows the change for the clerk to confirm.
            same = c.registered.by_name.get((place.flat_id, self.name), [])
            if len(same) > 1:
                self.fail("name", _("这套房屋登记了两位同名居民，请填写身份证号以便区分。"))
                return False
            current = same[0] if same else None
        if current is not None:
            first = c.seen_current.setdefault(current.pk, self.number)
            if first != self.number:
                self.fail("name", _("与第%(row)s行是同一位居民，请删掉重复的一行。") % {"row": first})
                return False
        elif place is not None and self.name:
            first = c.seen_person.setdefault((place.flat_id, self.name), self.number)
            if first != self.number and not id_hash:
                self.fail(
                    "name", _("与第%(row)s行是同一套房屋里的同名居民，请核对是否重复。") % {"row": first}
                )
                return False
        return current

    def _branch(self) -> int | None:
        text = self.cells.text("party_branch")
        if not text:
            return None
        pk = self.c.branch_names.get(fold(text))
        if pk is None:
            known = "、".join(b.name for b in self.c.branches.values()) or _("（本居民区还没有党支部）")
            self.fail(
                "party_branch",
                _("本居民区没有“%(name)s”。现有的党支部：%(known)s。") % {"name": text, "known": known},
            )
        return pk

    def _tags(self) -> list[int] | None:
        text = self.cells.text("tags")
        if not text:
            return None
        ids, unknown = [], []
        for word in TAG_SEPARATORS.split(text):
            if not word:
                continue
            pk = self.c.tag_names.get(fold(word))
            if pk is None:
                unknown.append(word)
            else:
                ids.append(pk)
        if unknown:
            known = "、".join(t.name for t in self.c.tags.values())
            self.fail(
                "tags",
                _("不认识的标签：%(unknown)s。可以用的标签：%(known)s。")
                % {"unknown": "、".join(unknown), "known": known},
            )
        return ids


def _from_id_number(number: str) -> tuple[dt.date, str] | None:
    """(birth date, gender) inside an 18-digit ID number or residence permit; None if it has none."""
    number = normalize_id_number(number)
    if len(number) != 18 or not number[:17].isdigit():
        return None
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born, ("M" if int(number[16]) % 2 else "F")


def _data_of(resident: Resident, tag_ids: set[int]) -> ResidentData:
    return ResidentData(
        name=resident.name,
        gender=resident.gender,
        birth_date=resident.birth_date,
        id_type=resident.id_type,
        id_number=resident.id_number,
        phone=resident.phone,
        registration_type=resident.registration_type,
        relation=resident.relation,
        moved_in=resident.moved_in,
        party_joined=resident.party_joined,
        party_full_member=resident.party_full_member,
        party_branch_id=resident.party_branch_id,
        tag_ids=sorted(tag_ids),
        notes=resident.notes,
    )


def _changes(current: Resident, tag_ids: set[int], values: dict, tags: list[Tag], c: _Checker) -> list:
    """What the row changes in the registered record, as (column, old, new), sensitive values masked."""
    labels = {
        "gender": dict(Gender.choices),
        "id_type": dict(IdType.choices),
        "registration_type": dict(RegistrationType.choices),
        "relation": dict(Relation.choices),
    }

    def shown(key: str, value) -> str:
        if value is None or value == "":
            return "—"
        if key in labels:
            return str(labels[key].get(value, value))
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    changes = []
    for key in ("name", "gender", "birth_date", "id_type", "registration_type", "relation", "moved_in"):
        if getattr(current, key) != values[key]:
            changes.append((c.columns.label(key), shown(key, getattr(current, key)), shown(key, values[key])))
    if current.id_number_hash != values["id_number_hash"]:
        changes.append(
            (
                c.columns.label("id_number"),
                mask_id_number(current.id_number) or "—",
                mask_id_number(values["id_number"]) or "—",
            )
        )
    if current.phone_hash != values["phone_hash"]:
        changes.append(
            (c.columns.label("phone"), mask_phone(current.phone) or "—", mask_phone(values["phone"]) or "—")
        )
    for key in ("party_joined", "party_full_member"):
        if getattr(current, key) != values[key]:
            changes.append((c.columns.label(key), shown(key, getattr(current, key)), shown(key, values[key])))
    new_branch = values["party_branch"].pk if values["party_branch"] else None
    if current.party_branch_id != new_branch:
        old = c.branches.get(current.party_branch_id)
        changes.append(
            (
                c.columns.label("party_branch"),
                old.name if old else "—",
                values["party_branch"].name if values["party_branch"] else "—",
            )
        )
    if tag_ids != {t.pk for t in tags}:
        names = c.tags
        changes.append(
            (
                c.columns.label("tags"),
                "、".join(sorted(names[t].name for t in tag_ids if t in names)) or "—",
                "、".join(sorted(t.name for t in tags)) or "—",
            )
        )
    if current.notes != values["notes"]:
        changes.append(
            (c.columns.label("notes"), shown("notes", current.notes), shown("notes", values["notes"]))
        )
    return changes


__all__ = ["Check", "Column", "Planned", "Problem", "file_problem", "residents_check"]
