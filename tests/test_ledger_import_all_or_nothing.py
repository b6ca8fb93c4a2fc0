"""Importing a checked ledger: everything in one transaction or nothing; an edited ledger imported again
updates the people it names instead of registering them twice; a history entry per written resident by
the importer, and one access-log entry per import."""

import datetime as dt

import pytest

from linli.core.crypto import keyed_hash
from linli.core.identity import mask_id_number, mask_phone
from linli.core.models import AccessAction, AccessLog
from linli.registry import services
from linli.registry.ledger import importing, jobs
from linli.registry.models import Household, ImportJob, ImportStatus, Resident
from tests.factories import make_id_number
from tests.ledger_files import CHEN_ID, FENG_ID, HEADERS, chen, person, table, xlsx


@pytest.fixture
def ledger(world, django_capture_on_commit_callbacks):
    """Upload (and check) a ledger as the world's staff; `.confirm(job)` imports it. Jobs run inline."""

    class Ledger:
        def upload(self, people, headers=None) -> ImportJob:
            with django_capture_on_commit_callbacks(execute=True):
                job = jobs.import_job_create(
                    actor=world.staff,
                    community=world.community,
                    file_name="台账.xlsx",
                    content=xlsx(table(people, headers)),
                )
            job.refresh_from_db()
            return job

        def confirm(self, job: ImportJob) -> ImportJob:
            with django_capture_on_commit_callbacks(execute=True):
                jobs.import_job_confirm(actor=world.staff, job=job)
            job.refresh_from_db()
            return job

        def run(self, people, headers=None) -> ImportJob:
            job = self.upload(people, headers)
            assert job.status == ImportStatus.CHECKED and not job.report["problems"], job.report["problems"]
            return self.confirm(job)

    return Ledger()


def current(name: str) -> Resident:
    return Resident.objects.get(name=name, moved_out__isnull=True)


def test_an_import_writes_the_people_with_history_and_one_access_log_entry(world, ledger):
    empty_before = Household.objects.filter(flat=world.flat_202).count()
    job = ledger.run([person(标签="独居"), chen(室号="201")], headers=[*HEADERS, "标签"])
    assert job.status == ImportStatus.DONE and job.content is None and job.finished_at
    feng, chen_ = current("冯新来"), current("陈美华")
    assert feng.household == world.sun.household  # joins the flat's household, as the form does
    assert feng.id_number == FENG_ID and feng.phone == "13900001111"
    assert feng.id_number_hash == keyed_hash(FENG_ID)
    assert (feng.name_pinyin, feng.name_initials) == ("fengxinlai", "fxl")
    assert [t.name for t in feng.tags.all()] == ["独居"]
    assert chen_.household == world.li.household
    assert Household.objects.filter(flat=world.flat_202).count() == empty_before
    for resident in (feng, chen_):
        (entry,) = resident.history.all()
        assert entry.history_type == "+" and entry.history_user == world.staff
    (log,) = AccessLog.objects.filter(action=AccessAction.IMPORT)
    assert log.user == world.staff and log.community == world.community
    assert log.detail["created"] == 2 and log.detail["updated"] == 0
    assert FENG_ID not in str(log.detail) and "13900001111" not in str(log.detail)


def test_a_flat_nobody_lives_in_gets_a_household_with_the_rows_tenure(world, ledger):
    from tests.factories import FlatFactory

    FlatFactory(entrance=world.entrance_1, floor=3, number="301")
    ledger.run(
        [person(室号="301", 居住性质="租住")],
        headers=["姓名", "性别", "出生日期", "身份证号", "楼号", "单元", "室号", "居住性质"],
    )
    household = current("冯新来").household
    assert household.flat.number == "301" and household.tenure == "tenant"
    assert household.history.get().history_user == world.staff


def test_a_problem_found_at_import_time_writes_nothing(world, ledger):
    job = ledger.upload([person(), chen()])
    assert job.status == ImportStatus.CHECKED
    # Meanwhile the neighbouring community registers 陈美华's ID number.
    services.resident_create(
        actor=world.outsider,
        flat=world.wu.household.flat,
        data=services.ResidentData(
            name="陈美华", gender="F", birth_date=dt.date(1962, 8, 15), id_number=CHEN_ID
        ),
    )
    before = Resident.objects.count()
    job = ledger.confirm(job)
    assert job.status == ImportStatus.FAILED and job.content is None
    assert "没有导入任何内容" in job.error
    assert [p[:2] for p in job.report["problems"]] == [[3, "身份证号"]]
    assert Resident.objects.count() == before
    assert not Resident.objects.filter(name="冯新来").exists()
    assert not AccessLog.objects.filter(action=AccessAction.IMPORT).exists()


def test_a_failure_halfway_through_the_write_undoes_the_first_half(world, ledger, monkeypatch):
    ledger.run([person()])
    job = ledger.upload([person(手机号码="13900009999"), chen()])  # one change, one new person

    copy = importing.history_copy

    def broken(model, **kwargs):
        if kwargs["history_type"] == "~":  # after the new people and their history are written
            raise RuntimeError("disk full")
        return copy(model, **kwargs)

    monkeypatch.setattr(importing, "history_copy", broken)
    before = (Resident.objects.count(), Resident.history.count())
    job = ledger.confirm(job)
    assert job.status == ImportStatus.FAILED and "没有导入任何内容" in job.error
    assert (Resident.objects.count(), Resident.history.count()) == before
    assert not Resident.objects.filter(name="陈美华").exists()
    assert current("冯新来").phone == "13900001111"


def test_an_edited_ledger_updates_instead_of_duplicating_and_shows_what_changes(world, ledger):
    ledger.run([person(), chen()])
    job = ledger.upload([person(手机号码="13900009999", 备注="独居老人的儿子"), chen()])
    assert job.report["counts"] == {
        "rows": 2,
        "new": 0,
        "changed": 1,
        "unchanged": 1,
        "skipped": 0,
        "problems": 0,
    }
    ((row, name, place, fields),) = job.report["changes"]
    assert (row, name, place) == (2, "冯新来", "1号1单元102室")
    assert ["手机号码", mask_phone("13900001111"), mask_phone("13900009999")] in fields
    assert ["备注", "—", "独居老人的儿子"] in fields
    assert "13900009999" not in str(job.report)
    job = ledger.confirm(job)
    assert job.status == ImportStatus.DONE
    assert Resident.objects.filter(name="冯新来").count() == 1
    feng = current("冯新来")
    assert feng.phone == "13900009999" and feng.notes == "独居老人的儿子"
    latest = feng.history.first()
    assert latest.history_type == "~" and latest.history_user == world.staff
    assert feng.history.count() == 2 and current("陈美华").history.count() == 1  # unchanged: no entry
    assert job.report["changes"] == [] and job.report["counts"]["changed"] == 1  # names dropped after


def test_without_an_id_number_a_resident_is_matched_by_name_within_the_flat(world, ledger):
    headers = ["姓名", "楼号", "单元", "室号", "手机号码"]
    job = ledger.run(
        [{"姓名": "孙奶奶", "楼号": "1", "单元": "1", "室号": "102", "手机号码": "13700001234"}], headers
    )
    assert job.report["counts"]["changed"] == 1
    world.sun.refresh_from_db()
    assert world.sun.phone == "13700001234"
    assert Resident.objects.filter(name="孙奶奶").count() == 1


def test_empty_cells_and_masks_of_the_registered_values_change_nothing(world, ledger):
    ledger.run([person()])
    job = ledger.upload([person(身份证号=mask_id_number(FENG_ID), 手机号码="", 性别="", 出生日期="")])
    assert job.report["counts"]["unchanged"] == 1 and not job.report["problems"]
    assert job.status == ImportStatus.CHECKED and job.content is None  # nothing to import: the job ended


def test_running_an_import_job_twice_changes_nothing_the_second_time(world, ledger):
    job = ledger.run([person()])
    jobs.job_import_run(job.pk)
    jobs.job_check_run(job.pk)
    assert Resident.objects.filter(name="冯新来").count() == 1
    assert AccessLog.objects.filter(action=AccessAction.IMPORT).count() == 1


def test_a_newer_upload_cancels_the_older_unconfirmed_one(world, ledger):
    first = ledger.upload([person()])
    second = ledger.upload([chen()])
    first.refresh_from_db()
    assert first.status == ImportStatus.CANCELLED and first.content is None
    assert second.status == ImportStatus.CHECKED and second.content is not None


def test_a_resident_changed_by_someone_else_after_the_preview_is_not_overwritten(world, ledger):
    ledger.run([person()])
    job = ledger.upload([person(手机号码="13900009999"), chen()])
    feng = current("冯新来")
    services.resident_update(
        actor=world.building_leader,
        resident=feng,
        data=services.ResidentData(
            name="冯新来", gender="M", birth_date=dt.date(1956, 3, 2), id_number=FENG_ID, phone="13700000000"
        ),
    )
    job = ledger.confirm(job)
    assert job.status == ImportStatus.FAILED
    assert [p[:2] for p in job.report["problems"]] == [[2, "姓名"]]
    assert "有人改过" in job.report["problems"][0][2]
    assert current("冯新来").phone == "13700000000" and not Resident.objects.filter(name="陈美华").exists()


def test_the_job_keeps_the_checked_plan_encrypted_not_the_file(world, ledger):
    job = ledger.upload([person()])
    sealed = bytes(job.content)
    assert FENG_ID.encode() not in sealed and "冯新来".encode() not in sealed
    plan = jobs.plan_open(sealed)
    assert [item["name"] for item in plan["new"]] == ["冯新来"]


def test_a_corrected_id_number_updates_the_person_in_that_flat(world, ledger):
    wrong = make_id_number(dt.date(1956, 3, 2), "M", seq=77)
    ledger.run([person(身份证号=wrong)])
    job = ledger.upload([person()])  # the right number, same name, same flat
    ((_, name, _, fields),) = job.report["changes"]
    assert name == "冯新来" and ["身份证号", mask_id_number(wrong), mask_id_number(FENG_ID)] in fields
    ledger.confirm(job)
    assert Resident.objects.filter(name="冯新来").count() == 1 and current("冯新来").id_number == FENG_ID
