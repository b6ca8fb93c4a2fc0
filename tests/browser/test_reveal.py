"""On a phone: staff reveal 赵阿姨's phone with a reason and see the whole number; the building leader has
a reveal button for the phone but none for the ID number; the access log lists the reveal."""

import pytest
from playwright.sync_api import expect

from linli.core.models import AccessAction, AccessLog

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360
ZHAO_PHONE = "13812345678"


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


# transactional_db comes first so the world is committed where the live server's thread can see it.
def test_staff_reveals_a_phone_with_a_reason(transactional_db, world, page, sign_in, artifacts):
    sign_in(world.staff)
    page.goto(f"/residents/{world.zhao.pk}/")
    assert ZHAO_PHONE not in page.content() and world.zhao.id_number not in page.content()
    phone = page.locator("#reveal-phone")
    expect(phone).to_contain_text("138****5678")
    expect(page.locator("#reveal-id_number").get_by_role("link", name="查看完整的证件号码")).to_be_visible()

    phone.get_by_role("link", name="查看完整的手机号码").click()
    form = page.locator("#reveal-phone form")
    expect(form).to_be_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "reveal-form.png", full_page=True)
    form.get_by_role("button", name="查看").click()  # no reason yet
    expect(page.locator("#reveal-phone")).to_contain_text("请写明查看理由")
    assert ZHAO_PHONE not in page.content()

    page.locator("#reveal-phone").get_by_label("电话联系家属").check()
    page.locator("#reveal-phone").get_by_label("其他理由或补充说明").fill("女儿托付照看")
    page.locator("#reveal-phone").get_by_role("button", name="查看").click()
    expect(page.locator("#reveal-phone")).to_contain_text(ZHAO_PHONE)
    expect(page.locator("#reveal-phone")).to_contain_text("已记录查看")
    assert world.zhao.id_number not in page.content()  # the other field stays masked
    page.screenshot(path=artifacts / "reveal-phone.png", full_page=True)
    assert_no_horizontal_scroll(page)

    log = AccessLog.objects.get(action=AccessAction.REVEAL)
    assert (log.user_id, log.field, log.reason) == (world.staff.pk, "phone", "电话联系家属：女儿托付照看")

    page.goto(f"/c/{world.community.pk}/access-log/")
    entries = page.locator("ol.access-log")
    expect(entries).to_contain_text("查看完整信息")
    expect(entries).to_contain_text("赵阿姨")
    expect(entries).to_contain_text("电话联系家属：女儿托付照看")
    assert ZHAO_PHONE not in page.content()
    page.screenshot(path=artifacts / "access-log.png", full_page=True)
    assert_no_horizontal_scroll(page)


def test_the_building_leader_may_reveal_the_phone_only(transactional_db, world, page, sign_in):
    sign_in(world.building_leader)
    page.goto(f"/residents/{world.zhao.pk}/")
    expect(page.locator("#reveal-phone").get_by_role("link", name="查看完整的手机号码")).to_be_visible()
    expect(page.locator("#reveal-id_number")).to_contain_text(world.zhao.id_number[:3] + "*")
    expect(page.locator("#reveal-id_number").get_by_role("link")).to_have_count(0)
    assert_no_horizontal_scroll(page)
