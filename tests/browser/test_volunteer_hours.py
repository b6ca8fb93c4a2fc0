"""On a phone (360 px): the 暖心组 leader signs in, opens a member's page from the resident list, goes to her
volunteer record, records two hours of service and sees the year's total change in place; an absurd value
is refused with a Chinese message and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.organizing.models import ServiceRecord
from tests.test_volunteer_world import build_vworld

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


# transactional_db comes first so the world is committed where the live server's thread can see it.
def test_a_group_leader_records_a_members_hours(transactional_db, world, page, sign_in, artifacts):
    vworld = build_vworld(world)
    vworld.record(vworld.v_feng, timezone.localdate(), "1.5", group=world.group, activity="包馄饨")
    vworld.record(vworld.v_zhou, timezone.localdate(), "7", activity="乐心组排练")  # not the leader's member

    sign_in(world.group_leader)
    page.goto(f"/c/{world.community.pk}/residents/")
    page.get_by_role("link", name="冯小红").click()
    section = page.locator("#resident-volunteering")
    expect(section).to_contain_text("1.5 小时")  # loaded by htmx into the resident page
    assert_no_horizontal_scroll(page)
    section.get_by_role("link", name="服务记录与值班").click()

    expect(page.locator("h1")).to_contain_text("志愿者 冯小红")
    total = page.locator("#hours-confirmed")
    expect(total).to_contain_text("1.5 小时")
    page.get_by_text("记录服务时长").click()
    form = page.locator("#volunteer-hours form").first
    form.get_by_label("时长（小时）").fill("2")
    form.get_by_label("服务内容").fill("上门量血压")
    page.screenshot(path=artifacts / "volunteer-hours-form.png", full_page=True)
    assert_no_horizontal_scroll(page)
    form.get_by_role("button", name="保存记录").click()

    expect(total).to_contain_text("3.5 小时")
    expect(page.locator("#volunteer-hours")).to_contain_text("已记录 2 小时")
    expect(page.locator("#volunteer-hours")).to_contain_text("上门量血压")
    assert "乐心组排练" not in page.content()
    page.screenshot(path=artifacts / "volunteer-hours-recorded.png", full_page=True)
    assert_no_horizontal_scroll(page)

    record = ServiceRecord.objects.get(activity="上门量血压")
    assert record.hours == Decimal("2") and record.volunteer_id == vworld.v_feng.pk
    assert record.recorded_by_id == record.confirmed_by_id == world.group_leader.pk
    assert record.group_id == world.group.pk and record.date == timezone.localdate()

    # 23 more hours on the same day would pass 24: refused in Chinese, the total stays.
    page.get_by_text("记录服务时长").click()
    form = page.locator("#volunteer-hours form").first
    form.get_by_label("时长（小时）").fill("23")
    form.get_by_label("服务内容").fill("通宵值守")
    form.get_by_role("button", name="保存记录").click()
    expect(page.locator("#volunteer-hours .errorlist")).to_contain_text("超过一天24小时")
    expect(total).to_contain_text("3.5 小时")
    assert not ServiceRecord.objects.filter(activity="通宵值守").exists()
    assert ServiceRecord.objects.filter(volunteer=vworld.v_feng, date__gte=dt.date.min).count() == 2
    assert_no_horizontal_scroll(page)
