"""Issue 3's "done when", as a new user would try it on a phone (360 px): the committee clerk downloads the
template, fills it with a few mistakes, sees every one listed by row and column, fixes them, imports,
edits one of the people through the form, imports the edited ledger again (the preview says what
changes), and exports the list to .xlsx. Then the building leader and a resident look around: no page
they can open shows a full ID number of the people imported.
"""

import datetime as dt
import io
import zipfile
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect

from linli.core.identity import mask_id_number
from linli.registry.models import Resident
from tests.factories import make_id_number

pytestmark = pytest.mark.browser

FENG_ID = make_id_number(dt.date(1956, 3, 2), "M", seq=41)
CHEN_ID = make_id_number(dt.date(1962, 8, 15), "F", seq=42)
WEI_ID = make_id_number(dt.date(1956, 3, 2), "M", seq=43)
IMPORTED_IDS = (FENG_ID, CHEN_ID, WEI_ID)
CRAWL_LIMIT = 120  # pages per role: more than the world's pages a role can reach
NOT_FOLLOWED = ("/accounts/logout", "/i18n/", "/admin/", "/static/", "/media/")


def bad_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def people() -> list[dict]:
    """The clerk's rows, already right: 冯新来 and 卫国 in 1号1单元102室, 陈美华 in 2号1单元202室."""
    common = {"户籍类型": "本市户籍", "单元": "1"}
    return [
        {**common, "姓名": "冯新来", "性别": "男", "出生日期": "1956.3.2", "身份证号": FENG_ID,
         "手机号码": "13900001111", "楼号": "1", "室号": "102", "与户主关系": "其他亲属"},
        {**common, "姓名": "陈美华", "性别": "女", "出生日期": "1962年8月15日", "身份证号": CHEN_ID,
         "手机号码": "13900002222", "楼号": "2", "室号": "202", "与户主关系": "配偶"},
        {**common, "姓名": "卫国", "性别": "男", "出生日期": "1956.3.2", "身份证号": WEI_ID,
         "手机号码": "13900004444", "楼号": "1", "室号": "102", "与户主关系": "子女"},
    ]  # fmt: skip


def fill(template, destination, rows: list[dict]) -> None:
    """What a clerk does in Excel: the example row replaced by theirs, ID numbers typed as text."""
    book = openpyxl.load_workbook(template)
    sheet = book["居民台账"]
    headers = [c.value for c in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    book.save(destination)


def problems_listed(page) -> list[tuple[str, str, str]]:
    rows = page.locator("table.ledger-problems tbody tr")
    return [tuple(rows.nth(i).locator("td").all_inner_texts()) for i in range(rows.count())]


def upload(page, community_id: int, path) -> None:
    page.goto(f"/c/{community_id}/ledger/import/")
    page.set_input_files("input[name=file]", path)
    page.get_by_role("button", name="上传并检查").click()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.found.append(href)


def crawl(page, start: list[str]) -> dict[str, str]:
    """Every page the signed-in user can open from `start` by following links (GET only, in this
    context's session): {path: text of an HTML page or of a file}."""
    base = page.url
    queue, seen, opened = deque(start), set(start), {}
    while queue and len(opened) < CRAWL_LIMIT:
        url = queue.popleft()
        response = page.request.get(url, max_redirects=0)
        links = [response.headers["location"]] if response.status in (301, 302, 303) else []
        if response.status == 200:
            kind = response.headers.get("content-type", "")
            if "spreadsheetml" in kind:  # an export: the sheets' text
                with zipfile.ZipFile(io.BytesIO(response.body())) as book:
                    opened[url] = " ".join(book.read(n).decode() for n in book.namelist())
            else:
                opened[url] = response.text()
                if "html" in kind:
                    parser = Links()
                    parser.feed(opened[url])
                    links = parser.found
        for href in links:
            absolute = urlsplit(urljoin(urljoin(base, url), href))
            path = absolute.path + (f"?{absolute.query}" if absolute.query else "")
            if (
                absolute.netloc == urlsplit(base).netloc
                and path not in seen
                and not path.startswith(NOT_FOLLOWED)
            ):
                seen.add(path)
                queue.append(path)
    return opened


def assert_no_full_id_number(opened: dict[str, str]) -> None:
    for url, text in opened.items():
        for number in IMPORTED_IDS:
            assert number not in text and number.lower() not in text, (url, number[-4:])


def posted(page, community_id: int, resident_pages: list[str]) -> dict[str, str]:
    """What the forms a role might try answer: a reveal of each ID number (with a reason), and the export
    with clear numbers (their phones at most)."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": token, "Referer": page.url}
    answers = {}
    for url in resident_pages:
        response = page.request.post(
            f"{url}reveal/", form={"field": "id_number", "reason": "核对身份"}, headers=headers
        )
        answers[f"POST {url}reveal/"] = response.text()
    response = page.request.post(
        f"/c/{community_id}/residents/export/full/", form={"reason": "电话通知体检"}, headers=headers
    )
    if "spreadsheetml" in response.headers.get("content-type", ""):
        with zipfile.ZipFile(io.BytesIO(response.body())) as book:
            answers["POST export/full"] = " ".join(book.read(n).decode() for n in book.namelist())
    else:
        answers["POST export/full"] = response.text()
    return answers


def sign_in_again(page, sign_in, user) -> None:
    page.context.clear_cookies()
    sign_in(user)


def test_a_clerk_imports_edits_reimports_and_exports_and_other_roles_never_see_a_full_id(
    transactional_db, world, page, sign_in, artifacts, tmp_path
):
    community = world.community.pk
    sign_in(world.staff)

    # 1. The template, from the import page.
    page.goto(f"/c/{community}/residents/")
    page.get_by_role("link", name="导入台账").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载居民台账模板").click()
    template = tmp_path / "模板.xlsx"
    download.value.save_as(template)

    # 2. Filled with three mistakes, and dates written the Chinese way (1956.3.2), which are fine.
    feng, chen, wei = people()
    mistaken = [
        {**feng, "身份证号": bad_check_digit(FENG_ID)},  # row 2: the check digit is wrong
        {**chen, "楼号": "1", "室号": "909"},  # row 3: no such flat
        wei,  # row 4: 1956.3.2 is a date
        {**wei, "姓名": "卫国重复", "手机号码": ""},  # row 5: the same ID number as row 4
    ]
    with_mistakes = tmp_path / "台账.xlsx"
    fill(template, with_mistakes, mistaken)
    upload(page, community, with_mistakes)
    expect(page.get_by_role("heading", name="发现 3 个问题")).to_be_visible()
    listed = problems_listed(page)
    assert [(row, column) for row, column, _message in listed] == [
        ("2", "身份证号"),
        ("3", "室号"),
        ("5", "身份证号"),
    ], listed
    assert "校验位不正确" in listed[0][2] and "909" in listed[1][2] and "与第4行重复" in listed[2][2]
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    page.screenshot(path=artifacts / "done-when-1-problems.png", full_page=True)
    for number in IMPORTED_IDS:
        assert number not in page.content()

    # 3. Fixed, uploaded again, imported.
    fixed = tmp_path / "台账-改好.xlsx"
    fill(template, fixed, [feng, chen, wei])
    page.get_by_role("link", name="上传改好的文件").click()
    page.set_input_files("input[name=file]", fixed)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", name="检查通过")).to_be_visible()
    expect(page.locator("body")).to_contain_text("将新增 3 条")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", name="导入完成")).to_be_visible()
    expect(page.locator("body")).to_contain_text("新增 3 条")
    page.screenshot(path=artifacts / "done-when-2-imported.png", full_page=True)

    # 4. One of them edited through the form: a note and a tag.
    page.get_by_role("link", name="查看居民名册").click()
    page.locator("#resident-results").get_by_role("link", name="冯新来").click()
    page.get_by_role("link", name="修改信息").click()
    page.get_by_label("备注").fill("腿脚不便，女儿每周来")
    page.get_by_label("独居").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("冯新来")
    expect(page.locator("body")).to_contain_text("腿脚不便，女儿每周来")
    page.get_by_role("link", name="查看全部修改记录（修改前后的内容）").click()
    expect(page.locator("body")).to_contain_text("标签：从“（空）”改为“独居”")

    # 5. The ledger edited in Excel and imported again: the preview says what changes, and only that.
    edited = tmp_path / "台账-第二版.xlsx"
    fill(template, edited, [feng, {**chen, "手机号码": "13900003333"}, wei])
    upload(page, community, edited)
    expect(page.get_by_role("heading", name="检查通过")).to_be_visible()
    expect(page.locator("body")).to_contain_text("将新增 0 条，修改 1 条，2 条没有变化")
    changes = page.locator("section[aria-labelledby=changes-title]")
    expect(changes).to_contain_text("陈美华")
    expect(changes).to_contain_text("手机号码：139****2222 → 139****3333")
    page.screenshot(path=artifacts / "done-when-3-reimport-preview.png", full_page=True)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("body")).to_contain_text("新增 0 条，修改 1 条，2 条没有变化")
    feng_row = Resident.objects.get(name="冯新来", moved_out__isnull=True)
    assert feng_row.notes == "腿脚不便，女儿每周来"  # an empty cell kept the form's edit
    assert Resident.objects.get(name="陈美华", moved_out__isnull=True).phone == "13900003333"

    # 6. The list exported to .xlsx, with the template's headers and masked numbers.
    page.get_by_role("link", name="查看居民名册").click()
    with page.expect_download() as download:
        page.locator("#resident-results").get_by_role("button", name="导出Excel").click()
    exported = tmp_path / "导出.xlsx"
    download.value.save_as(exported)
    header, *rows = [[c.value for c in row] for row in openpyxl.load_workbook(exported).worksheets[0]]
    assert header == [c.value for c in openpyxl.load_workbook(template)["居民台账"][1]]
    by_name = {row[header.index("姓名")]: dict(zip(header, row, strict=True)) for row in rows}
    assert {"冯新来", "陈美华", "卫国", "赵阿姨"} <= set(by_name)
    assert by_name["冯新来"]["身份证号"] == mask_id_number(FENG_ID) == FENG_ID[:3] + "*" * 11 + FENG_ID[-4:]
    assert by_name["陈美华"]["手机号码"] == "139****3333"

    # 7. The building leader (building 1: 冯新来 and 卫国) and a resident: no full ID number anywhere.
    resident_pages = [
        f"/residents/{r.pk}/" for r in Resident.objects.filter(name__in=["冯新来", "陈美华", "卫国"])
    ]
    extra = [
        *resident_pages,
        *[f"{url}history/" for url in resident_pages],
        *[f"/residents/{url.split('/')[2]}/reveal/?field=id_number" for url in resident_pages],
        f"/c/{community}/residents/?q=feng",
        f"/c/{community}/residents/export/",
        f"/api/v1/communities/{community}/residents",
        *[f"/api/v1/residents/{url.split('/')[2]}" for url in resident_pages],
    ]
    for actor, must_open in ((world.building_leader, "冯新来"), (world.resident, None)):
        sign_in_again(page, sign_in, actor)
        page.goto("/")
        page.screenshot(path=artifacts / f"done-when-4-{actor.username}.png", full_page=True)
        opened = crawl(page, ["/", *extra])
        assert len(opened) > 3, sorted(opened)
        if must_open:
            assert any(must_open in text for text in opened.values()), sorted(opened)
        opened.update(posted(page, community, resident_pages))
        assert_no_full_id_number(opened)
        for number in IMPORTED_IDS:
            assert number not in page.content()
