"""On a phone (360 px): 孙奶奶, building 1's leader, opens her entrance's lift board, taps a grey (未联系) flat,
records a 支持 visit, and sees the flat turn green and the legend's counts change, without a reload. The
board page also passes the accessibility audit of test_accessibility (contrast on the attitude colours,
labels, targets, no sideways scroll)."""

import pytest
from playwright.sync_api import expect

from linli.elevators.models import PersuasionVisit
from tests.browser.test_accessibility import AUDIT
from tests.test_lift_persuasion import small_entrance

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def legend_count(page, attitude: str):
    return page.locator(f'#lift-board .board-legend__item[data-attitude="{attitude}"]')


# transactional_db comes first so the world is committed where the live server's thread can see it.
def test_a_building_leader_records_a_visit_and_the_flat_turns_green(
    transactional_db, world, page, sign_in, artifacts
):
    e = small_entrance(world)
    flat = e.flats["101"]

    sign_in(world.building_leader)
    response = page.goto(f"/lifts/{e.project.pk}/board/")
    assert response is not None and response.ok
    cell = page.locator(f"#flat-{flat.pk}")
    expect(cell).to_have_attribute("data-attitude", "uncontacted")
    expect(cell).to_contain_text("未联系")
    expect(legend_count(page, "support")).to_have_attribute("data-count", "0")
    expect(legend_count(page, "uncontacted")).to_have_attribute("data-count", "6")
    assert page.evaluate(AUDIT, ["header", "nav", "main", "footer"]) == []
    box = cell.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44

    cell.click()
    panel = page.locator("#flat-panel")
    expect(panel).to_contain_text("业主101")
    expect(panel).to_contain_text("还没有走访记录")
    form = panel.locator("form")
    form.get_by_label("支持", exact=True).check()
    form.get_by_label("费用分摊").check()
    form.get_by_label("下一步").fill("下周送签字表")
    page.screenshot(path=artifacts / "lift-board-visit-form.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    form.get_by_role("button", name="保存走访").click()

    cell = page.locator(f"#flat-{flat.pk}")
    expect(cell).to_have_attribute("data-attitude", "support")
    expect(cell).to_have_class("flat-cell attitude--support")
    expect(cell).to_contain_text("支持")
    expect(legend_count(page, "support")).to_have_attribute("data-count", "1")
    expect(legend_count(page, "support")).to_contain_text("1 户")
    expect(legend_count(page, "uncontacted")).to_have_attribute("data-count", "5")
    expect(page.locator("#flat-panel")).to_contain_text("已记录")
    expect(page.locator('#lift-funnel [data-step="willing"]')).to_have_attribute("data-flats", "1")
    page.screenshot(path=artifacts / "lift-board-recorded.png", full_page=True)
    assert page.evaluate(AUDIT, ["header", "nav", "main", "footer"]) == []

    saved = PersuasionVisit.objects.get()
    assert saved.flat_id == flat.pk and saved.attitude == "support" and saved.concerns == ["cost"]
    assert saved.recorded_by_id == world.building_leader.pk
