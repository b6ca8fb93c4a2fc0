"""Buildings, entrances and flats from a ledger: what a committee needs in Linli before its residents.

The same steps as the residents' ledger (read, map the headers, check every row, preview, then write
all or nothing) with its own columns (`columns.FLAT_COLUMNS`). A row names one flat; its building and
entrance are created the first time they appear. What already exists is matched by estate, building
number, entrance and flat number and updated (area, floor, the building's floors and year, the
entrance's lift) instead of duplicated.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from linli.core.access import access_record
from linli.core.errors import DomainError
from linli.core.models import AccessAction, Community
from linli.registry.ledger import reading
from linli.registry.ledger.checking import HEADER_SEARCH_ROWS, Check, Problem, file_problem
from linli.registry.ledger.columns import FLAT_COLUMNS, header_find, header_map
from linli.registry.ledger.words import building_key, cn_number, entrance_key, flat_key, fold
from linli.registry.models import Building, Entrance, Estate, Flat, ImportJob, building_label, flat_label

BATCH = 1000
LIFT_WORDS = {
    "有": True,
    "是": True,
    "有电梯": True,
    "1": True,
    "无": False,
    "否": False,
    "没有": False,
    "0": False,
}
MAX_FLOORS = 120


@dataclass
class FlatPlan:
    row: int
    name: str  # the flat's address, what the preview lists
    place: str
    key: tuple[str, str, int, str]  # (estate, building, entrance, flat)
    floor: int
    area: Decimal
    flat: Flat | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class BuildingPlan:
    estate: str
    number: str
    floors: int | None
    built_year: int | None
    lifts: dict[int, bool | None] = field(default_factory=dict)  # entrance → lift (None: not said)


class FlatsCheck(Check):
    buildings: dict[tuple[str, str], BuildingPlan]
    estate_default: str


def flats_check(*, community: Community, content: bytes, progress=None) -> FlatsCheck:
    try:
        return _flats_check(community, content, progress or (lambda percent: None))
    except DomainError as error:
        check = FlatsCheck(problems=file_problem(error).problems)
        check.buildings = {}
        return check


def _flats_check(community: Community, content: bytes, progress) -> FlatsCheck:
    sheet = reading.sheet_open(content)
    check = FlatsCheck(format=sheet.format)
    check.notes.extend(Problem(None, "", note) for note in sheet.notes)
    check.buildings = {}
    rows = iter(sheet.rows)
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    found = header_find([r.values for r in head], FLAT_COLUMNS)
    if found is None:
        raise DomainError(
            _("没有找到表头。第一行应是列名，例如 楼号、单元、室号、建筑面积。可以先下载模板，照着模板填写。")
        )
    columns = check.columns = header_map(head[found].values, FLAT_COLUMNS)
    if columns.ignored:
        check.notes.append(
            Problem(
                head[found].number,
                "",
                _("这些列系统不认识，没有导入：%(columns)s。") % {"columns": "、".join(columns.ignored)},
            )
        )
    estates = {fold(e.name): e.name for e in Estate.objects.filter(community=community)}
    default_estate = (
        next(iter(estates.values())) if len(estates) == 1 else (community.name if not estates else "")
    )
    existing = {
        (
            fold(f.building.estate.name),
            building_key(f.building.number),
            f.entrance.number,
            flat_key(f.number),
        ): f
        for f in Flat.objects.filter(community=community).select_related("building__estate", "entrance")
    }
    seen: dict[tuple, int] = {}
    max_rows = reading.limit("LINLI_IMPORT_MAX_ROWS")

    def problem(number: int, key: str, message: str) -> None:
        check.problems.append(Problem(number, columns.label(key) if key else "", message))

    for row in itertools.chain(head[found + 1 :], rows):
        if reading.is_empty(row.values):
            check.skipped += 1
            continue
        if check.rows >= max_rows:
            raise DomainError(
                _("文件的行数超过了%(limit)s行，请分成几个文件分别导入。") % {"limit": f"{max_rows:,}"}
            )
        check.rows += 1
        if row.number % 500 == 0 and sheet.size_hint:
            progress(min(99, row.number * 100 // sheet.size_hint))

        def text(key: str, row=row) -> str:
            position = columns.index.get(key)
            if position is None or position >= len(row.values):
                return ""
            if position in row.unresolved:
                problem(
                    row.number,
                    key,
                    _("这一格是公式，但没有计算结果。请在Excel里打开、保存一次，或把公式换成数值。"),
                )
                return ""
            return reading.cell_text(row.values[position])

        before = len(check.problems)
        estate_text = text("estate")
        estate = estates.get(fold(estate_text)) if estate_text else default_estate
        if estate_text and estate is None:
            estate = estate_text  # a new estate of the community
        if not estate:
            problem(row.number, "estate", _("本居民区有几个小区，请填写小区。"))
        building = building_key(text("building"))
        if not building:
            problem(row.number, "building", _("请填写%(column)s。") % {"column": columns.label("building")})
        entrance_text = text("entrance")
        entrance = entrance_key(entrance_text) if entrance_text else 1
        if entrance is None or not 0 < entrance < 100:
            problem(
                row.number,
                "entrance",
                _("单元“%(entrance)s”应是数字，例如 1 或 1单元。") % {"entrance": entrance_text},
            )
        number = flat_key(text("flat"))
        if not number:
            problem(row.number, "flat", _("请填写%(column)s。") % {"column": columns.label("flat")})
        floor_text = text("floor")
        floor = _int(floor_text)
        if floor_text and (floor is None or not -5 <= floor <= MAX_FLOORS):
            problem(row.number, "floor", _("楼层“%(value)s”应是数字，例如 3。") % {"value": floor_text})
        elif not floor_text and number:
            floor = int(number[:-2]) if number.isdigit() and len(number) >= 3 else 1
        area_text = text("area")
        try:
            area = Decimal(area_text.replace("㎡", "").replace("平方米", "").strip()).quantize(
                Decimal("0.01")
            )
            if not 0 < area < 100_000:
                raise InvalidOperation
        except InvalidOperation:
            area = None
            if area_text:
                problem(
                    row.number,
                    "area",
                    _("建筑面积“%(value)s”应是大于0的数字，例如 56.3。") % {"value": area_text},
                )
            else:
                problem(row.number, "area", _("请填写%(column)s。") % {"column": columns.label("area")})
        floors_text, year_text, lift_text = text("floors"), text("built_year"), text("has_lift")
        floors = _int(floors_text)
        if floors_text and (floors is None or not 0 < floors <= MAX_FLOORS):
            problem(row.number, "floors", _("总层数“%(value)s”应是数字，例如 6。") % {"value": floors_text})
        year = _int(year_text.removesuffix("年"))
        if year_text and (year is None or not 1800 <= year <= dt.date.today().year):
            problem(
                row.number,
                "built_year",
                _("建成年份“%(value)s”应是四位数的年份，例如 1988。") % {"value": year_text},
            )
        lift = LIFT_WORDS.get(fold(lift_text)) if lift_text else None
        if lift_text and lift is None:
            problem(
                row.number, "has_lift", _("不认识“%(value)s”，这一列可以填：有、无。") % {"value": lift_text}
            )
        if len(check.problems) > before:
            continue
        key = (fold(estate), building, entrance, number)
        first = seen.setdefault(key, row.number)
        if first != row.number:
            problem(row.number, "flat", _("与第%(row)s行是同一套房屋。") % {"row": first})
            continue
        plan = check.buildings.setdefault(
            (fold(estate), building), BuildingPlan(estate, building, None, None)
        )
        plan.floors = max(plan.floors or 0, floors or 0, floor) or None
        plan.built_year = year or plan.built_year
        if lift is not None or entrance not in plan.lifts:
            plan.lifts[entrance] = lift if lift is not None else plan.lifts.get(entrance)
        label = building_label(building) + flat_label(entrance, number)
        flat = existing.get(key)
        planned = FlatPlan(row.number, label, label, key, floor, area, flat)
        if flat is None:
            check.new.append(planned)
            continue
        if not floor_text:
            planned.floor = flat.floor  # a floor worked out from the number never overrides the one recorded
        if flat.area != area:
            planned.changes.append((columns.label("area"), str(flat.area), str(area)))
        if floor_text and flat.floor != floor:
            planned.changes.append((columns.label("floor"), str(flat.floor), str(floor)))
        if planned.changes:
            check.changed.append(planned)
        else:
            check.unchanged += 1
    check.estate_default = default_estate
    return check


def _int(text: str) -> int | None:
    text = fold(text).removesuffix("层")
    if text.lstrip("-").isdigit():
        return int(text)
    return cn_number(text)


def flats_import(*, actor, community: Community, content: bytes, job: ImportJob | None = None) -> FlatsCheck:
    from linli.registry.ledger.importing import ImportRefused

    with transaction.atomic():
        check = flats_check(community=community, content=content)
        if check.problems:
            raise ImportRefused(check)
        estates = {fold(e.name): e for e in Estate.objects.filter(community=community)}
        for plan in check.buildings.values():
            if fold(plan.estate) not in estates:
                estates[fold(plan.estate)] = Estate.objects.create(community=community, name=plan.estate)
        buildings = {
            (fold(b.estate.name), building_key(b.number)): b
            for b in Building.objects.filter(community=community).select_related("estate")
        }
        new_buildings, changed_buildings = [], []
        for key, plan in check.buildings.items():
            building = buildings.get(key)
            if building is None:
                building = Building(
                    community=community,
                    estate=estates[key[0]],
                    number=plan.number,
                    sort_key=int(plan.number) if plan.number.isdigit() else 9999,
                    floors=plan.floors or 1,
                    built_year=plan.built_year,
                )
                new_buildings.append(building)
            elif (plan.floors and plan.floors > building.floors) or (
                plan.built_year and plan.built_year != building.built_year
            ):
                building.floors = max(building.floors, plan.floors or 0)
                building.built_year = plan.built_year or building.built_year
                changed_buildings.append(building)
        if new_buildings:
            for b in bulk_create_with_history(new_buildings, Building, batch_size=BATCH, default_user=actor):
                buildings[(fold(b.estate.name), building_key(b.number))] = b
        if changed_buildings:
            bulk_update_with_history(
                changed_buildings, Building, ["floors", "built_year"], default_user=actor
            )
        entrances = {(e.building_id, e.number): e for e in Entrance.objects.filter(community=community)}
        new_entrances, changed_entrances = [], []
        for key, plan in check.buildings.items():
            building = buildings[key]
            for number, lift in plan.lifts.items():
                entrance = entrances.get((building.pk, number))
                if entrance is None:
                    new_entrances.append(
                        Entrance(community=community, building=building, number=number, has_lift=bool(lift))
                    )
                elif lift is not None and entrance.has_lift != lift:
                    entrance.has_lift = lift
                    changed_entrances.append(entrance)
        if new_entrances:
            for e in bulk_create_with_history(new_entrances, Entrance, batch_size=BATCH, default_user=actor):
                entrances[(e.building_id, e.number)] = e
        if changed_entrances:
            bulk_update_with_history(changed_entrances, Entrance, ["has_lift"], default_user=actor)
        flats = []
        for plan in check.new:
            estate, building_number, entrance_number, number = plan.key
            building = buildings[(estate, building_number)]
            entrance = entrances[(building.pk, entrance_number)]
            flats.append(
                Flat(
                    community=community,
                    building=building,
                    entrance=entrance,
                    floor=plan.floor,
                    number=number,
                    area=plan.area,
                )
            )
        if flats:
            bulk_create_with_history(flats, Flat, batch_size=BATCH, default_user=actor)
        changed = []
        for plan in check.changed:
            plan.flat.area, plan.flat.floor = plan.area, plan.floor
            changed.append(plan.flat)
        if changed:
            bulk_update_with_history(changed, Flat, ["area", "floor"], batch_size=BATCH, default_user=actor)
        access_record(
            user=actor,
            action=AccessAction.IMPORT,
            community=community,
            obj=job,
            detail={
                "file_name": job.file_name if job else "",
                "kind": "flats",
                "created": len(check.new),
                "updated": len(check.changed),
                "unchanged": check.unchanged,
            },
        )
    return check
