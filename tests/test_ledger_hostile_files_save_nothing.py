"""Hostile and awkward files: each gives a clear Chinese error (or note) and saves nothing.

Every case goes the clerk's way: the upload page, the background check (run inline), the job page.
Nothing is written to the registry unless the file is sound, and the uploaded bytes are dropped as soon
as the job ends.
"""

import datetime as dt

import pytest
from django.urls import reverse

from linli.registry.ledger.jobs import import_job_create
from linli.registry.models import Household, ImportJob, ImportStatus, Resident
from tests.factories import make_id_number
from tests.ledger_files import (
    FIXTURES,
    HEADERS,
    chen,
    csv_bytes,
    many_people,
    person,
    table,
    with_cached_result,
    xlsx,
    zip_bomb,
)


def registry_size() -> tuple[int, int, int]:
    return Resident.objects.count(), Household.objects.count(), Resident.history.count()


@pytest.fixture
def check(world, client, django_capture_on_commit_callbacks):
    """Upload a file as the world's staff and run its check; returns the job (or the upload page's
    response when the upload itself was refused)."""

    def run(content: bytes, name: str = "台账.xlsx"):
        client.force_login(world.staff)
        url = reverse("ledger_import", args=[world.community.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"kind": "residents", "file": _upload(content, name)})
        if response.status_code != 302:
            return response
        return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))

    return run


def _upload(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def problems_of(job: ImportJob) -> list[str]:
    return [f"{row}|{column}|{message}" for row, column, message in job.report.get("problems", [])]


def assert_refused(job: ImportJob, *fragments: str, before) -> None:
    assert job.content is None, "the uploaded bytes must be dropped once the check has found problems"
    assert job.status == ImportStatus.CHECKED
    text = "\n".join(problems_of(job))
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert registry_size() == before


# Files that are not a usable spreadsheet at all: refused at the upload, no job made.


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "台账.xlsx", "这是一个PNG文件"),
        (b"%PDF-1.4\n%...", "台账.xlsx", "这是一个PDF文件"),
        (b"\0\1\2\3binary" * 50, "台账.csv", "不是Excel表格"),
        ("<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode(), "台账.xls", "网页格式"),
        (b"", "台账.xlsx", ""),  # the form's own "this field is required"/empty-file error
    ],
)
def test_not_a_spreadsheet_is_refused_at_upload(world, check, content, name, says):
    before = registry_size()
    response = check(content, name)
    assert response.status_code == 200
    assert says in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert registry_size() == before


def test_an_oversized_file_is_refused_before_it_is_read(world, check, settings):
    settings.LINLI_IMPORT_MAX_BYTES = 4000
    content = xlsx(table(many_people(60)))
    assert len(content) > 4000
    before = registry_size()
    response = check(content)
    assert response.status_code == 200
    assert "文件太大" in response.content.decode()
    assert ImportJob.objects.count() == 0 and registry_size() == before


# Files that are spreadsheets of a sort: checked, every problem listed, nothing saved.


def test_a_zip_bomb_is_refused_without_unpacking_it(world, check):
    before = registry_size()
    job = check(zip_bomb(xlsx(table([person()]))))
    assert_refused(job, "解压后大得不正常", before=before)


def test_a_damaged_xlsx_and_a_word_document_are_refused(world, check):
    import io
    import zipfile

    before = registry_size()
    assert_refused(check(b"PK\x03\x04" + b"garbage" * 100), "无法读取", before=before)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert_refused(check(docx.getvalue(), "台账.xlsx"), "不是Excel表格", before=before)


def test_duplicate_headers_are_refused_before_any_row(world, check):
    rows = table([person()], headers=[*HEADERS, "公民身份号码"])
    before = registry_size()
    job = check(xlsx(rows))
    assert_refused(job, "“身份证号”和“公民身份号码”是同一列", before=before)
    assert len(job.report["problems"]) == 1  # no row was read


def test_missing_required_columns_are_named(world, check):
    rows = table([person()], headers=["姓名", "性别", "出生日期"])
    before = registry_size()
    assert_refused(check(xlsx(rows)), "缺少“楼号”这一列", "缺少“室号”这一列", before=before)


def test_a_file_without_headers_says_so(world, check):
    before = registry_size()
    assert_refused(check(xlsx([["冯新来", "男", "1956-03-02"]])), "没有找到表头", before=before)


def test_formula_cells_use_their_result_or_say_they_have_none(world, check):
    rows = table([person(手机号码='="13900001111"'), chen(手机号码='="13900002222"')])
    content = with_cached_result(xlsx(rows), "E2", "13900001111")  # row 2 has a result, row 3 none
    before = registry_size()
    job = check(content)
    assert problems_of(job) == [
        "3|手机号码|这一格是公式，但没有计算结果。请在Excel里打开、保存一次，或把公式换成数值。"
    ]
    assert_refused(job, before=before)


def test_merged_cells_under_the_headers_are_problems_and_a_merged_title_row_is_skipped(world, check):
    rows = [["测试一村居民台账"], *table([person(), chen(楼号="1", 单元="1", 室号="101")])]
    # 楼号 (column G) merged down over both data rows: Excel shows "1" twice, the file holds it once.
    content = xlsx(rows, merges=("A1:K1", "G3:G4"))
    before = registry_size()
    job = check(content)
    assert problems_of(job) == ["4|楼号|这一格在合并单元格里。请取消合并，在每一行分别填写。"]
    assert_refused(job, before=before)
    notes = " ".join(message for _, message in job.report["notes"])
    assert "标题行已跳过：第1行" in notes


def test_wrong_types_are_each_listed_with_row_and_column(world, check):
    rows = table(
        [
            person(性别="男性的", 出生日期="不详", 手机号码="12345"),
            chen(
                身份证号=float(make_id_number(dt.date(1962, 8, 15), "F", seq=42)[:17] + "0"), 户籍类型="火星"
            ),
        ]
    )
    before = registry_size()
    job = check(xlsx(rows))
    assert_refused(
        job,
        "2|性别|不认识“男性的”",
        "2|出生日期|看不懂日期“不详”",
        "2|手机号码|手机号码",
        "3|身份证号|身份证号被Excel存成了数字",
        "3|户籍类型|不认识“火星”",
        before=before,
    )


def test_too_many_rows_are_refused(world, check, settings):
    settings.LINLI_IMPORT_MAX_ROWS = 50
    before = registry_size()
    assert_refused(check(xlsx(table(many_people(51)))), "超过了50行", before=before)


# Encodings and formats committees really use: read correctly.


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("gbk", False), ("utf-8", True), ("utf-8", False), ("gb18030", False)],
)
def test_csv_in_gbk_and_utf8_with_or_without_bom_reads_the_same(world, check, encoding, bom):
    job = check(csv_bytes(table([person(), chen()]), encoding=encoding, bom=bom), "台账.csv")
    assert job.status == ImportStatus.CHECKED and not job.report["problems"], job.report
    assert [name for _, name, _ in job.report["new"]] == ["冯新来", "陈美华"]


def test_excel_unicode_text_with_tabs_reads_too(world, check):
    text = "\r\n".join("\t".join(str(v) for v in row) for row in table([person()]))
    job = check(text.encode("utf-16"), "台账.txt")
    assert [name for _, name, _ in job.report["new"]] == ["冯新来"]


def test_a_legacy_xls_reads_with_its_title_row_date_cells_and_numbers(world, check):
    job = check((FIXTURES / "ledger.xls").read_bytes(), "台账.xls")
    assert job.report["format"] == "xls"
    assert not job.report["problems"], job.report["problems"]
    assert [row[:2] for row in job.report["new"]] == [[3, "冯新来"], [4, "陈美华"]]


def test_ten_thousand_rows_check_and_import_in_one_go(
    world, check, client, django_capture_on_commit_callbacks
):
    before = Resident.objects.count()
    job = check(xlsx(table(many_people(10_000))))
    assert not job.report["problems"], job.report["problems"][:5]
    assert job.report["counts"]["new"] == 10_000
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.error
    assert Resident.objects.count() == before + 10_000
    assert Resident.history.filter(history_user=world.staff, history_type="+").count() == 10_000


def test_a_refused_upload_leaves_no_job_for_another_role(world, client):
    """The service refuses a building leader even when called directly (the page is 403 for them)."""
    from linli.core.errors import DomainError

    with pytest.raises(DomainError):
        import_job_create(
            actor=world.building_leader,
            community=world.community,
            file_name="x.xlsx",
            content=xlsx(table([person()])),
        )
    assert ImportJob.objects.count() == 0
