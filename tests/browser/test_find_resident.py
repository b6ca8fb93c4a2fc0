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
