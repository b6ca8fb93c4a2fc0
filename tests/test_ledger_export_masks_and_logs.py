"""The resident list exported to .xlsx: the template's headers, the list's filters and scope, numbers
masked unless the user may reveal them and asked (with a reason), one access-log entry per export; and an
export edited in Excel imports again as updates, not duplicates."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.identity import mask_id_number, mask_phone
from linli.core.models import AccessAction, AccessLog
from linli.registry.ledger.columns import RESIDENT_COLUMNS
from linli.registry.models import ImportJob, ImportStatus, Resident
from tests.ledger_files import xlsx_rows

TEMPLATE_HEADERS = [c.header for c in RESIDENT_COLUMNS if c.in_template]


def export(client, world, user, query: str = "", *, full: bool = False, reason: str = "电话通知体检"):
    client.force_login(user)
    if full:
        url = reverse("resident_export_full", args=[world.community.pk]) + (f"?{query}" if query else "")
        return client.post(url, {"reason": reason})
    return client.get(reverse("resident_export", args=[world.community.pk]) + (f"?{query}" if query else ""))


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = xlsx_rows(response.content)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_export_has_the_templates_headers_and_masks_numbers(world, client):
    response = export(client, world, world.staff)
    header = xlsx_rows(response.content)[0]
    assert header == TEMPLATE_HEADERS
    rows = {r["姓名"]: r for r in rows_of(response)}
    assert set(rows) == {"赵阿姨", "钱先生", "孙奶奶", "李大爷", "周阿婆"}
    zhao = rows["赵阿姨"]
    assert zhao["身份证号"] == mask_id_number(world.zhao.id_number) and zhao["手机号码"] == "138****5678"
    assert (zhao["楼号"], zhao["单元"], zhao["室号"], zhao["性别"]) == ("1", 1, "101", "女")
    assert world.zhao.id_number.encode() not in response.content
    (log,) = AccessLog.objects.filter(action=AccessAction.EXPORT)
    assert log.user == world.staff and log.community == world.community
    assert log.detail["rows"] == 5 and log.detail["sensitive"] is False and log.field == ""


def test_the_export_takes_the_lists_filters(world, client):
    rows = rows_of(export(client, world, world.staff, f"building={world.building_2.pk}"))
    assert {r["姓名"] for r in rows} == {"李大爷", "周阿婆"}
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert log.detail["filters"] == {"building": world.building_2.pk} and log.detail["rows"] == 2


def test_a_searched_number_is_never_written_to_the_access_log(world, client):
    rows_of(export(client, world, world.staff, "q=13812345678"))
    log = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert "13812345678" not in str(log.detail)


def test_staff_get_numbers_in_clear_only_with_a_reason_which_is_logged(world, client):
    refused = export(client, world, world.staff, full=True, reason="  ")
    assert refused.status_code == 200 and "请写明" in refused.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()
    rows = {r["姓名"]: r for r in rows_of(export(client, world, world.staff, full=True))}
    assert rows["赵阿姨"]["身份证号"] == world.zhao.id_number and rows["赵阿姨"]["手机号码"] == "13812345678"
    (log,) = AccessLog.objects.filter(action=AccessAction.EXPORT)
    assert log.field == "id_number,phone" and log.reason == "电话通知体检" and log.detail["sensitive"] is True


def test_a_building_leader_exports_only_their_buildings_and_never_a_clear_id_number(world, client):
    rows = rows_of(export(client, world, world.building_leader, full=True))
    assert {r["姓名"] for r in rows} == {"赵阿姨", "钱先生", "孙奶奶"}
    zhao = next(r for r in rows if r["姓名"] == "赵阿姨")
    assert zhao["身份证号"] == mask_id_number(world.zhao.id_number)  # leaders may reveal phones, not IDs
    assert zhao["手机号码"] == "13812345678"
    # Another building in the filter is not theirs to choose: it is dropped, as on the list page.
    other = rows_of(export(client, world, world.building_leader, f"building={world.building_2.pk}"))
    assert {r["姓名"] for r in other} == {"赵阿姨", "钱先生", "孙奶奶"}


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident", "street_officer", "outsider"])
def test_other_roles_cannot_export(world, client, role):
    response = export(client, world, getattr(world, role))
    assert response.status_code in (403, 404)
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


@pytest.mark.parametrize("full", [False, True])
def test_an_exported_list_edited_in_excel_imports_again_as_updates(
    world, client, django_capture_on_commit_callbacks, full
):
    exported = export(client, world, world.staff, full=full).content
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if cells["姓名"].value == "孙奶奶":
            cells["备注"].value = "女儿每周来看望"
            cells["手机号码"].value = "13600001111"
    edited = io.BytesIO()
    book.save(edited)
    before = Resident.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("ledger_import", args=[world.community.pk]),
            {"kind": "residents", "file": SimpleUploadedFile("名册.xlsx", edited.getvalue())},
        )
    job = ImportJob.objects.get()
    assert not job.report["problems"], job.report["problems"]
    assert job.report["counts"] == {
        "rows": 5,
        "new": 0,
        "changed": 1,
        "unchanged": 4,
        "skipped": 0,
        "problems": 0,
    }
    (_, name, _, fields) = job.report["changes"][0]
    assert name == "孙奶奶" and ["手机号码", "—", mask_phone("13600001111")] in fields
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Resident.objects.count() == before
    world.sun.refresh_from_db()
    world.zhao.refresh_from_db()
    assert world.sun.notes == "女儿每周来看望" and world.sun.phone == "13600001111"
    assert world.zhao.phone == "13812345678"  # her masked phone in the file kept the registered one
