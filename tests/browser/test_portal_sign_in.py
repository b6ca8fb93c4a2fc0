"""On a phone (360 px): 赵阿姨 opens the portal, signs in with her mobile and the SMS code (read from the
console sender's outbox: the live server runs in this process), sees her home page, votes once (a second
try from another tab is refused with a clear message) and signs the convention for her household."""

import re

import pytest
from playwright.sync_api import expect

from linli.deliberation.models import Ballot, ConventionSignature
from linli.portal.sms import ConsoleSmsSender
from tests.test_portal_pages_scope import things  # noqa: F401 — the fixture

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def assert_phone_friendly(page) -> None:
    # The heading is in the DOM before the style sheets have loaded: measure the page once they have.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18, size
    for box in page.locator("main button, main input[type=text], main .portal-list a").all():
        height = box.bounding_box()["height"]
        assert height >= 48, (box.inner_text() or box.get_attribute("name"), height)


def test_a_resident_signs_in_by_code_votes_once_and_signs(transactional_db, world, things, page, artifacts):  # noqa: F811
    ConsoleSmsSender.outbox.clear()
    page.goto("/portal/")
    expect(page.locator("h1")).to_have_text("居民登录")
    assert_phone_friendly(page)
    page.get_by_label("手机号码").fill("138 1234 5678")
    page.get_by_role("button", name="获取验证码").click()

    expect(page.locator("h1")).to_have_text("输入验证码")
    code = re.search(r"\d{6}", ConsoleSmsSender.outbox[-1].text).group(0)
    assert_phone_friendly(page)
    page.get_by_label("短信验证码").fill(code)
    page.screenshot(path=artifacts / "portal-sign-in-code.png", full_page=True)
    page.get_by_role("button", name="登录").click()

    expect(page.locator("h1")).to_have_text("赵阿姨，您好")
    expect(page.locator("main")).to_contain_text("一号楼加装电梯意见征询")
    expect(page.locator("main")).to_contain_text("文明养犬公约")
    assert "二号楼车棚改造征询" not in page.content()
    page.screenshot(path=artifacts / "portal-home.png", full_page=True)
    assert_phone_friendly(page)

    # Two tabs on the vote: the first one votes, the second one's try is refused.
    page.get_by_role("link", name=re.compile("一号楼加装电梯意见征询")).click()
    other = page.context.new_page()
    other.goto(page.url)
    page.get_by_label("同意", exact=True).check()
    assert_phone_friendly(page)
    page.get_by_role("button", name="提交我的投票").click()
    expect(page.locator("main")).to_contain_text("投票成功")
    expect(page.locator("main")).to_contain_text("您已投票")
    other.get_by_label("不同意", exact=True).check()
    other.get_by_role("button", name="提交我的投票").click()
    expect(other.locator("main")).to_contain_text("已经投过票")
    other.close()
    assert Ballot.objects.count() == 1

    page.get_by_role("link", name="返回首页").click()
    page.get_by_role("link", name=re.compile("文明养犬公约")).click()
    expect(page.locator("main")).to_contain_text("遛狗牵绳")
    page.get_by_role("button", name="代表全家签署").click()
    expect(page.locator("main")).to_contain_text("已代表全家签署")
    page.screenshot(path=artifacts / "portal-convention-signed.png", full_page=True)
    assert_phone_friendly(page)
    assert ConventionSignature.objects.filter(household=world.own_household, method="online").count() == 1
