"""A committee clerk at a desk (1280 px) imports a ledger as a new user would: downloads the template,
fills it in with two mistakes, sees both listed with their rows, fixes them, uploads again, confirms,
and sees the result."""

import datetime as dt
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect

from linli.registry.models import Resident
from tests.factories import make_id_number

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 900}


def fill(template_path, destination, people: list[dict]) -> None:
    """Fill the downloaded template as a clerk would in Excel: the example row replaced by real rows."""
    book = openpyxl.load_workbook(template_path)
    sheet = book["居民台账"]
    headers = [c.value for c in sheet[1]]
    sheet.delete_rows(2)
    for person in people:
        sheet.append([person.get(h, "") for h in headers])
    book.save(destination)


def test_clerk_downloads_the_template_fixes_two_mistakes_and_imports(
    transactional_db, world, page, sign_in, artifacts, tmp_path
):
    page.set_viewport_size(DESK)
    sign_in(world.staff)
    page.goto(f"/c/{world.community.pk}/residents/")
    page.get_by_role("link", name="导入台账").click()
    expect(page.locator("h1")).to_have_text("导入台账")
    page.screenshot(path=artifacts / "ledger-import-upload.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载居民台账模板").click()
    template = tmp_path / "模板.xlsx"
    download.value.save_as(template)

    feng = {
        "姓名": "冯新来",
        "性别": "男",
        "出生日期": "1956.3.2",
        "身份证号": make_id_number(dt.date(1956, 3, 2), "M", seq=41),
        "手机号码": "1390000111",  # one digit short
        "楼号": "1",
        "单元": "1",
        "室号": "102",
        "与户主关系": "其他亲属",
    }
    chen = {
        "姓名": "陈美华",
        "性别": "女",
        "出生日期": "1962年8月15日",
        "身份证号": make_id_number(dt.date(1962, 8, 15), "F", seq=42),
        "楼号": "7",  # no such building
        "单元": "1",
        "室号": "202",
        "与户主关系": "户主",
    }
    with_mistakes = tmp_path / "台账.xlsx"
    fill(template, with_mistakes, [feng, chen])
    page.set_input_files("input[name=file]", with_mistakes)
    page.get_by_role("button", name="上传并检查").click()

    problems = page.locator("table.ledger-problems")
    expect(page.get_by_role("heading", name="发现 2 个问题")).to_be_visible()
    expect(problems.locator("tbody tr")).to_have_count(2)
    expect(problems.locator("tbody tr").nth(0)).to_contain_text("手机号码")
    expect(problems.locator("tbody tr").nth(0)).to_contain_text("2")
    expect(problems.locator("tbody tr").nth(1)).to_contain_text("本居民区没有“7”这栋楼")
    assert feng["身份证号"] not in page.content()
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    page.screenshot(path=artifacts / "ledger-import-problems.png", full_page=True)

    page.get_by_role("link", name="上传改好的文件").click()
    fixed = tmp_path / "台账-改好.xlsx"
    fill(template, fixed, [{**feng, "手机号码": "13900001111"}, {**chen, "楼号": "2"}])
    page.set_input_files("input[name=file]", fixed)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", name="检查通过")).to_be_visible()
    expect(page.locator("body")).to_contain_text("将新增 2 条")
    page.screenshot(path=artifacts / "ledger-import-preview.png", full_page=True)

    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", name="导入完成")).to_be_visible()
    expect(page.locator("body")).to_contain_text("新增 2 条")
    page.screenshot(path=artifacts / "ledger-import-done.png", full_page=True)
    assert Resident.objects.filter(name__in=["冯新来", "陈美华"], moved_out__isnull=True).count() == 2

    page.get_by_role("link", name="查看居民名册").click()
    expect(page.locator("#resident-results")).to_contain_text("冯新来")


def test_ledger_pages_are_accessible_at_phone_width(transactional_db, world, page, sign_in, tmp_path):
    from tests.browser.test_accessibility import audit

    sign_in(world.staff)
    problems = audit(page, f"/c/{world.community.pk}/ledger/import/")
    mistakes = tmp_path / "台账.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "性别", "楼号", "室号", "手机号码"])
    book.active.append(["冯新来", "男", "9", "101", "12345"])
    book.save(mistakes)
    page.set_input_files("input[name=file]", mistakes)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("table.ledger-problems")).to_be_visible()
    problems += audit(page, urlsplit(page.url).path)  # the job page with its problems
    problems += audit(page, f"/c/{world.community.pk}/residents/export/full/")
    assert problems == []
