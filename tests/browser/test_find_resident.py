"""A committee worker on a phone finds 赵阿姨 by typing the initials of her name, and sees her phone masked."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


# transactional_db comes first so the world is committed where the live server's thread can see it.
def test_staff_finds_resident_by_pinyin_initials_on_a_phone(
    transactional_db, world, page, sign_in, artifacts
):
    sign_in(world.staff)
    page.goto(f"/c/{world.community.pk}/residents/")
    assert_no_horizontal_scroll(page)

    search = page.locator("input[name=q]")
    search.press_sequentially("zay", delay=50)
    results = page.locator("#resident-results")
    # 孙奶奶 lives in the same building, so she leaves the list only once the search has really run.
    expect(results).not_to_contain_text("孙奶奶")
    zhao = results.get_by_role("link", name="赵阿姨")
    expect(zhao).to_be_visible()

    zhao.click()
    expect(page.locator("h1")).to_contain_text("赵阿姨")
    expect(page.locator("body")).to_contain_text("138****5678")
    assert "13812345678" not in page.content()
    page.screenshot(path=artifacts / "find-resident.png", full_page=True)
    assert_no_horizontal_scroll(page)


def test_a_searched_phone_number_never_enters_a_url(transactional_db, world, page, sign_in, artifacts):
    """History, server logs and Referer headers keep URLs: a number searched stays in request bodies."""
    phone = "13812345678"
    seen: list[str] = []
    addresses: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("framenavigated", lambda frame: addresses.append(frame.url) if frame == page.main_frame else None)
    sign_in(world.staff)
    page.goto(f"/c/{world.community.pk}/residents/")
    results = page.locator("#resident-results")

    search = page.get_by_role("searchbox", name="查找居民")
    search.press_sequentially("zay", delay=50)
    expect(results).not_to_contain_text("孙奶奶")
    page.wait_for_url("**/residents/?q=zay")  # a name search keeps its bookmarkable address

    search.fill("")
    search.press_sequentially(phone, delay=30)
    search.press("Enter")
    expect(results).to_contain_text("共找到 1 位居民")
    expect(results.get_by_role("link", name="赵阿姨")).to_be_visible()
    expect(results).not_to_contain_text("孙奶奶")
    page.wait_for_function("!location.search.includes('zay')")  # the address has moved on, without it
    page.screenshot(path=artifacts / "find-resident-by-phone.png", full_page=True)

    # The search box also fires on input after a delay: let every htmx request end and its swap settle, or
    # the button clicked may be one a late swap replaces.
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    export = results.get_by_role("button", name="导出Excel")
    expect(export).to_be_enabled()
    with page.expect_download(timeout=30_000) as download:  # a loaded machine builds the file slowly
        export.click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # Every address this tab has had (each history entry, pushed by htmx or loaded) and every request it
    # sent are free of the number and of its parts.
    assert any("q=zay" in address for address in addresses)
    assert page.evaluate("history.length") >= 3
    for url in addresses + seen:
        assert phone not in url and phone[-4:] not in url and phone[:7] not in url, url
    assert phone not in page.evaluate("document.referrer")
