"""Someone who reads English taps "English" on the sign-in page of a phone, signs in, and stays in English."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
TAP = 44


def assert_tappable(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["height"] >= TAP and box["width"] >= TAP, box


# transactional_db comes first so the world is committed where the live server's thread can see it.
def test_switch_to_english_on_the_sign_in_page_and_sign_in(transactional_db, world, page, artifacts):
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("登录邻里")
    english = page.get_by_role("button", name="English")
    assert_tappable(english)
    assert_tappable(page.get_by_role("button", name="简体中文"))

    english.click()
    expect(page.locator("h1")).to_have_text("Sign in to Linli")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=artifacts / "sign-in-english.png", full_page=True)

    page.get_by_label("Username").fill(world.staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("Resident list")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Resident list").click()
    expect(page.locator("h1")).to_have_text(f"Residents of {world.community.name}")
    page.wait_for_load_state()
    page.screenshot(path=artifacts / "resident-list-english.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH

    # Back to Chinese from the footer of any page, staying on the same page.
    footer_switch = page.locator("footer").get_by_role("button", name="简体中文")
    assert_tappable(footer_switch)
    footer_switch.click()
    expect(page.locator("h1")).to_have_text(f"{world.community.name}居民名册")
    page.screenshot(path=artifacts / "resident-list-back-in-chinese.png", full_page=True)
