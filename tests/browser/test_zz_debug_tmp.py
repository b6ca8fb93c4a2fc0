import pytest
from pathlib import Path
pytestmark = pytest.mark.browser

def test_debug(transactional_db, world, page, sign_in, live_server, settings):
    from django.contrib.staticfiles.finders import get_finder
    settings.STATICFILES_DIRS = [Path("linli/static").resolve()]
    get_finder.cache_clear()
    sign_in(world.staff)
    shots = {
        "home": f"/c/{world.community.pk}/",
        "detail": f"/residents/{world.zhao.pk}/",
        "building": f"/buildings/{world.building_1.pk}/",
        "household": f"/households/{world.own_household.pk}/",
        "edit": f"/residents/{world.zhao.pk}/edit/",
        "new": f"/c/{world.community.pk}/residents/new/",
    }
    for name, url in shots.items():
        page.goto(url)
        print(name, page.evaluate("document.documentElement.scrollWidth"))
        page.screenshot(path=f"/tmp/{name}.png", full_page=True)
    page.locator("input[name=name]").fill("新居民")
    page.locator("input[name=id_number]").fill("11010519491231002Y")
    page.locator("input[name=phone]").fill("12345")
    page.locator("button[type=submit]", has_text="保存").click()
    page.wait_for_load_state()
    page.screenshot(path="/tmp/new_errors.png", full_page=True)
