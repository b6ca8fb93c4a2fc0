"""On a phone: the reminder job runs; the volunteer finds the reminder behind the 消息 count in the header
and marks it read; the 暖心组 leader finds who is on duty waiting for the daily digest."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from linli.jobs.services import job_enqueue
from linli.notifications.models import Notification
from tests.notifications_fixtures import duty_for, volunteer_for

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


# transactional_db comes first so the world is committed where the live server's thread can see it;
# with it, the jobs queued after commit run at once (the tests' inline backend).
def test_reminders_reach_the_volunteer_and_the_group_leader(
    transactional_db, world, page, sign_in, artifacts
):
    volunteer = volunteer_for(world, resident=world.zhou, user=world.volunteer)
    start = timezone.now() + dt.timedelta(hours=5)
    duty_for(volunteer, starts_at=start, group=world.group, task="楼道巡查", place="2号楼")
    now = timezone.now()
    job_enqueue("notifications.duty_reminders", key="browser-slot", slot=now.isoformat())
    assert Notification.objects.filter(recipient=world.volunteer).count() == 1

    sign_in(world.volunteer)
    inbox = page.get_by_role("link", name="消息")
    expect(inbox).to_contain_text("1")
    inbox.click()
    item = page.locator("ol.notifications li").first
    expect(item).to_contain_text("值班提醒")
    expect(item).to_contain_text("楼道巡查")
    expect(item).to_contain_text("控制台（开发用）：已发送")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "inbox-volunteer.png", full_page=True)
    item.get_by_role("button", name="标为已读").click()
    expect(page.locator("ol.notifications li").first.get_by_role("button", name="标为已读")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("link", name="消息")).not_to_contain_text("1")

    page.get_by_role("button", name="退出登录").click()
    sign_in(world.group_leader)
    page.get_by_role("link", name="消息").click()
    item = page.locator("ol.notifications li").first
    expect(item).to_contain_text("周阿婆 值班：楼道巡查")
    expect(item).to_contain_text("将放入每日摘要")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=artifacts / "inbox-group-leader.png", full_page=True)

    page.get_by_role("link", name="提醒设置").click()
    page.get_by_role("group", name="团队成员值班").get_by_label("立即提醒").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存您的提醒设置")
    assert_no_horizontal_scroll(page)


@override_settings(LINLI_NOTIFY_CHANNELS=["console", "sms"])
def test_staff_find_a_failed_delivery_and_retry_it(transactional_db, world, page, sign_in, artifacts):
    volunteer = volunteer_for(world, resident=world.zhou, user=world.volunteer)
    duty_for(volunteer, starts_at=timezone.now() + dt.timedelta(hours=5), task="读报")
    job_enqueue("notifications.duty_reminders", key="browser-slot", slot=timezone.now().isoformat())

    sign_in(world.staff)
    page.get_by_role("link", name="后台任务").click()
    page.get_by_role("link", name="失败 1").click()
    row = page.locator("ol.job-runs li").first
    expect(row).to_contain_text("发送消息")
    expect(row).to_contain_text("短信通道尚未配置服务商")
    page.screenshot(path=artifacts / "jobs-failed.png", full_page=True)
    assert_no_horizontal_scroll(page)
    row.get_by_role("link", name="发送消息").click()
    expect(page.locator("dl.facts")).to_contain_text("失败")
    page.get_by_role("button", name="重试").click()
    expect(page.locator(".messages")).to_contain_text("已重新排队")
    # The inline backend ran the retry at once; the provider is still missing, so it failed again, visibly.
    expect(page.locator("dl.facts")).to_contain_text("2/6")  # a fresh set of five attempts
    expect(page.locator("ol.history")).to_contain_text("staff 要求重试")
    page.screenshot(path=artifacts / "jobs-run-retried.png", full_page=True)
    assert_no_horizontal_scroll(page)
