"""On a phone (360 px): 孙奶奶, building 1's leader, opens her entrance's photo wall, takes a photo (the
file input offers the camera), fills in the caption and uploads it; the thumbnail appears under its stage
and loads through the scope-checked file view. 赵阿姨's household lives in that entrance: on the portal
she sees the same photo in large type. Both pages pass the accessibility audit."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import AUDIT
from tests.test_lift_photos import jpeg_with_gps, make_project

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def thumbnails_loaded(page) -> bool:
    return page.evaluate(
        "() => [...document.querySelectorAll('.photo-card img')].every(i => i.complete && i.naturalWidth > 0)"
    )


def test_a_leader_uploads_a_photo_and_the_resident_sees_it(transactional_db, world, page, sign_in, artifacts):
    project = make_project(world.entrance_1)

    sign_in(world.building_leader)
    response = page.goto(f"/lifts/{project.pk}/photos/")
    assert response is not None and response.ok
    expect(page.locator("main")).to_contain_text("还没有照片")
    file_input = page.locator("input[type=file]")
    expect(file_input).to_have_attribute("accept", "image/*")
    file_input.set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    page.get_by_label("说明").fill("井道基础开挖")
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state("load")

    expect(page.locator(".messages")).to_contain_text("照片已上传")
    card = page.locator(".photo-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("井道基础开挖")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-card img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert thumbnails_loaded(page)
    assert page.evaluate(AUDIT, ["header", "nav", "main", "footer"]) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=artifacts / "lift-photos-wall.png", full_page=True)

    page.context.clear_cookies()
    sign_in(world.resident)
    response = page.goto(f"/portal/lifts/{project.pk}/photos/")
    assert response is not None and response.ok
    expect(page.locator(".photo-card")).to_contain_text("井道基础开挖")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.photo-card img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert page.evaluate(AUDIT, ["header", "main", "footer"]) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.screenshot(path=artifacts / "portal-lift-photos.png", full_page=True)
