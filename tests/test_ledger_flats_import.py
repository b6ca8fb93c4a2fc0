"""Buildings, entrances and flats from a ledger: created once with their history, updated on a second
import, every problem listed first; then residents can be imported into them."""

import pytest

from linli.core.models import AccessAction, AccessLog
from linli.registry.ledger import jobs
from linli.registry.ledger.flats import flats_check
from linli.registry.models import Building, Entrance, Flat, ImportKind, ImportStatus, Resident
from tests.ledger_files import person, table, xlsx

HEADERS = ["楼号", "单元", "室号", "建筑面积", "总层数", "建成年份", "有无电梯"]


def flats(*rows) -> bytes:
    return xlsx([HEADERS, *rows])


@pytest.fixture
def run(world, django_capture_on_commit_callbacks):
    def go(content: bytes, kind=ImportKind.FLATS):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.import_job_create(
                actor=world.staff,
                community=world.community,
                file_name="房屋.xlsx",
                content=content,
                kind=kind,
            )
        job.refresh_from_db()
        assert not job.report["problems"], job.report["problems"]
        with django_capture_on_commit_callbacks(execute=True):
            jobs.import_job_confirm(actor=world.staff, job=job)
        job.refresh_from_db()
        assert job.status == ImportStatus.DONE, job.error
        return job

    return go


def test_new_buildings_entrances_and_flats_are_created_with_history(world, run):
    run(
        flats(
            ["3号楼", "1", "101", "56.3", "6", "1988", "无"],
            ["3", "1", "601", 62, "", "", ""],
            ["3", "2单元", "101室", "48.10", "", "", "有"],
        )
    )
    building = Building.objects.get(community=world.community, number="3")
    assert (building.floors, building.built_year, building.estate) == (6, 1988, world.building_1.estate)
    assert sorted(Entrance.objects.filter(building=building).values_list("number", "has_lift")) == [
        (1, False),
        (2, True),
    ]
    top = Flat.objects.get(building=building, entrance__number=1, number="601")
    assert (top.floor, str(top.area)) == (6, "62.00")
    assert building.history.get().history_user == world.staff
    assert top.history.get().history_user == world.staff
    assert AccessLog.objects.get(action=AccessAction.IMPORT).detail["created"] == 3


def test_a_second_import_updates_instead_of_duplicating(world, run):
    run(flats(["3", "1", "101", "56.3", "6", "", ""]))
    job = run(flats(["3", "1", "101", "57", "6", "", ""], ["1", "1", "101", "56.30", "", "", ""]))
    assert job.report["counts"]["changed"] == 1 and job.report["counts"]["unchanged"] == 1
    assert Flat.objects.filter(building__number="3").count() == 1
    assert str(Flat.objects.get(building__number="3").area) == "57.00"


def test_every_problem_is_listed_and_nothing_is_written(world):
    check = flats_check(
        community=world.community,
        content=flats(
            ["", "1", "101", "50", "", "", ""],
            ["3", "一", "", "0", "六十", "88", "也许"],
            ["3", "1", "101", "50", "", "", ""],
            ["3", "1", "101", "50", "", "", ""],
        ),
    )
    listed = [f"{p.row}|{p.column}|{p.message}" for p in check.problems]
    assert listed == [
        "2|楼号|请填写楼号。",
        "3|室号|请填写室号。",
        "3|建筑面积|建筑面积“0”应是大于0的数字，例如 56.3。",
        "3|建成年份|建成年份“88”应是四位数的年份，例如 1988。",
        "3|有无电梯|不认识“也许”，这一列可以填：有、无。",
        "5|室号|与第4行是同一套房屋。",
    ]
    assert not Building.objects.filter(number="3").exists()


def test_residents_go_into_the_flats_just_imported(world, run):
    run(flats(["5", "1", "301", "70", "6", "", ""]))
    run(xlsx(table([person(楼号="5号楼", 单元="1", 室号="301")])), kind=ImportKind.RESIDENTS)
    feng = Resident.objects.get(name="冯新来")
    assert feng.household.flat.building.number == "5"
