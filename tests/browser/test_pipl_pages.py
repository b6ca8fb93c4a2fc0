"""On a phone: staff record a guardian's consent for a child, withdraw it, and anonymise a resident who
moved out; every PIPL page passes the accessibility audit at 360 px."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from linli.registry.models import Consent, Resident
from tests.browser.test_accessibility import audit
from tests.factories import ResidentFactory

pytestmark = pytest.mark.browser


def test_pipl_pages_are_accessible(transactional_db, world, page, sign_in):
    gone = ResidentFactory(
        household=world.zhou.household, name="已搬走", moved_out=dt.date(2020, 1, 1), move_out_reason="moved"
    )
    consent = Consent.objects.create(
        community=world.community, resident=world.zhao, purpose="contact", given_on=dt.date(2024, 1, 1)
    )
    sign_in(world.staff)
    paths = [
        f"/residents/{world.zhao.pk}/consents/new/",
        f"/consents/{consent.pk}/withdraw/",
        f"/residents/{world.zhao.pk}/export/",
        f"/residents/{gone.pk}/anonymise/",
        f"/residents/{gone.pk}/",
    ]
    assert [problem for path in paths for problem in audit(page, path)] == []


def test_staff_record_a_guardians_consent_and_withdraw_it(transactional_db, world, page, sign_in, artifacts):
    child = ResidentFactory(household=world.own_household, name="赵小宝", birth_date=dt.date(2016, 5, 1))
    sign_in(world.staff)
    page.goto(f"/residents/{child.pk}/")
    page.get_by_role("link", name="登记同意").click()
    page.locator("select[name=purpose]").select_option("photo")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_text("未满14周岁的居民须由监护人同意").first).to_be_visible()
    page.get_by_label("监护人（本户成年居民）").select_option(str(world.qian.pk))
    page.get_by_label("监护人与本人关系").fill("父亲")
    page.screenshot(path=artifacts / "consent-form.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    section = page.locator("section[aria-labelledby=consent-title]")
    expect(section).to_contain_text("照片与宣传")
    expect(section).to_contain_text("监护人：钱先生")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    section.get_by_role("link", name="撤回").click()
    page.get_by_role("button", name="确认撤回").click()
    expect(page.locator("section[aria-labelledby=consent-title]")).to_contain_text("撤回")
    assert Consent.objects.get(resident=child).withdrawn_on is not None


def test_staff_anonymise_a_resident_who_moved_out(transactional_db, world, page, sign_in, artifacts):
    gone = ResidentFactory(
        household=world.zhou.household, name="已搬走", moved_out=dt.date(2020, 1, 1), move_out_reason="moved"
    )
    sign_in(world.staff)
    page.goto(f"/residents/{gone.pk}/")
    page.get_by_role("link", name="匿名化").click()
    page.get_by_role("button", name="确认匿名化").click()  # not confirmed yet
    assert Resident.objects.get(pk=gone.pk).anonymised_at is None
    page.get_by_label("我已核对").check()
    page.get_by_role("button", name="确认匿名化").click()
    expect(page.locator("h1")).to_contain_text("已匿名")
    assert "已搬走" not in page.content()
    page.screenshot(path=artifacts / "anonymised.png", full_page=True)
