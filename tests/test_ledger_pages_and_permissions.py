"""The ledger pages as a clerk uses them, and who may use them: staff import; building leaders and the
other roles cannot; the job page polls while the job runs and stops once it has finished."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.registry.ledger import jobs
from linli.registry.models import ImportJob, ImportStatus
from tests.ledger_files import chen, person, table, xlsx


def upload(client, world, content: bytes, capture, name="台账.xlsx"):
    with capture(execute=True):
        return client.post(
            reverse("ledger_import", args=[world.community.pk]),
            {"kind": "residents", "file": SimpleUploadedFile(name, content)},
        )


def test_the_template_has_chinese_headers_an_example_and_instructions(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("ledger_template", args=[world.community.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["居民台账", "填写说明"]
    sheet = book["居民台账"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["姓名", "性别", "出生日期"] and {
        "身份证号",
        "楼号",
        "单元",
        "室号",
        "与户主关系",
    } <= set(headers)
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert example["姓名"].startswith("（示例）")
    id_column = headers.index("身份证号") + 1
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(id_column)].number_format == "@"
    guide = " ".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "18位" in guide and "不会重复登记" in guide
    flats = client.get(reverse("ledger_template", args=[world.community.pk]) + "?kind=flats")
    assert openpyxl.load_workbook(io.BytesIO(flats.content)).sheetnames == ["楼栋与房屋", "填写说明"]


def test_the_template_uploaded_as_it_is_imports_nothing_and_says_why(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.staff)
    template = client.get(reverse("ledger_template", args=[world.community.pk])).content
    response = upload(client, world, template, django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert "没有需要导入的内容" in page and "示例行已跳过" in page


def test_staff_upload_check_preview_confirm_and_result(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.staff)
    form = client.get(reverse("ledger_import", args=[world.community.pk]))
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.content.decode()
    response = upload(client, world, xlsx(table([person(), chen()])), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "检查通过" in page and "将新增 2 条" in page and "冯新来" in page
    assert 'hx-trigger="every 1s"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("ledger_job_confirm", args=[job.pk]))
    page = client.get(confirmed["Location"]).content.decode()
    assert "导入完成" in page and "新增 2 条" in page


def test_the_job_page_polls_while_the_job_runs(world, client):
    client.force_login(world.staff)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jobs, "_queue", lambda name, job: None)  # no worker: the job stays queued
        jobs.import_job_create(
            actor=world.staff, community=world.community, file_name="a.xlsx", content=xlsx(table([person()]))
        )
    job = ImportJob.objects.get()
    page = client.get(reverse("ledger_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and "正在检查" in page
    fragment = client.get(reverse("ledger_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="ledger-job"')
    assert "<html" not in fragment.content.decode()
    jobs.job_check_run(job.pk)
    fragment = client.get(
        reverse("ledger_job", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' not in fragment and "检查通过" in fragment


def test_cancelling_drops_the_file(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.staff)
    upload(client, world, xlsx(table([person()])), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.content is not None
    response = client.post(reverse("ledger_job_cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and job.content is None


@pytest.mark.parametrize("role", ["building_leader", "group_leader"])
def test_leaders_cannot_import_or_open_a_job(world, client, django_capture_on_commit_callbacks, role):
    client.force_login(world.staff)
    upload(client, world, xlsx(table([person()])), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    client.force_login(getattr(world, role))
    assert client.get(reverse("ledger_import", args=[world.community.pk])).status_code == 403
    assert client.get(reverse("ledger_template", args=[world.community.pk])).status_code == 403
    before = ImportJob.objects.count()
    assert upload(client, world, xlsx(table([chen()])), django_capture_on_commit_callbacks).status_code == 403
    assert ImportJob.objects.count() == before
    for name in ("ledger_job",):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    for name in ("ledger_job_confirm", "ledger_job_cancel"):
        assert client.post(reverse(name, args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_staff_of_another_community_cannot_see_the_job(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.staff)
    upload(client, world, xlsx(table([person()])), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    client.force_login(world.outsider)
    assert client.get(reverse("ledger_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("ledger_import", args=[world.community.pk])).status_code == 404


def test_the_list_and_home_offer_import_and_export_to_those_who_may(world, client):
    client.force_login(world.staff)
    page = client.get(reverse("resident_list", args=[world.community.pk])).content.decode()
    assert reverse("ledger_import", args=[world.community.pk]) in page
    assert reverse("resident_export", args=[world.community.pk]) in page
    home = client.get(reverse("community_home", args=[world.community.pk])).content.decode()
    assert reverse("ledger_import", args=[world.community.pk]) in home
    client.force_login(world.building_leader)
    page = client.get(reverse("resident_list", args=[world.community.pk])).content.decode()
    assert reverse("ledger_import", args=[world.community.pk]) not in page
    assert reverse("resident_export", args=[world.community.pk]) in page
    client.force_login(world.group_leader)
    page = client.get(reverse("resident_list", args=[world.community.pk])).content.decode()
    assert reverse("resident_export", args=[world.community.pk]) not in page


def test_a_preview_left_unconfirmed_for_a_day_expires_at_the_next_upload(
    world, client, django_capture_on_commit_callbacks
):
    import datetime as dt

    client.force_login(world.staff)
    upload(client, world, xlsx(table([person()])), django_capture_on_commit_callbacks)
    old = ImportJob.objects.get()
    ImportJob.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(days=2))
    page = client.get(reverse("ledger_job", args=[old.pk])).content.decode()
    assert "已过期" in page and "确认导入" not in page
    client.force_login(world.outsider)  # anyone's next upload, in any community, clears it
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_job_create(
            actor=world.outsider, community=world.neighbour, file_name="b.xlsx", content=xlsx(table([chen()]))
        )
    old.refresh_from_db()
    assert old.status == ImportStatus.CANCELLED and old.content is None


def test_a_number_in_the_file_name_is_masked(world):
    from linli.registry.ledger.jobs import safe_file_name

    assert safe_file_name("张三13812345678.xlsx") == "张三138****5678.xlsx"
    assert safe_file_name("11010519491231002X台账.xlsx") == "110***********002X台账.xlsx"
    assert safe_file_name("2024年台账.xlsx") == "2024年台账.xlsx"
