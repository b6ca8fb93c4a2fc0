"""A real headless Chromium (Debian's /usr/bin/chromium, never a downloaded one) at phone size.

Playwright's sync API keeps an asyncio loop running in the test thread while the browser is open, and Django
then refuses ORM calls there (SynchronousOnlyOperation), in the test body and in pytest-django's flush
alike. So the browser lives for this package only (not the whole session, which would leave the loop
running under every later test), and DJANGO_ALLOW_ASYNC_UNSAFE is set only while it is open.

Every page also proves the app works offline and whole: a request to any host but the live server, a
script, stylesheet, image or font that does not load, or an uncaught script error fails the test.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
NETWORK_SCHEMES = {"http", "https", "ws", "wss"}
ASSET_TYPES = {"script", "stylesheet", "image", "font"}
PASSWORD = "linli-test-pass"  # the world's actors (tests/conftest.py)
REPORTS = pytest.StashKey[dict]()


def browser_required() -> bool:
    """CI must never pass by skipping: there a missing Chromium is a failure."""
    return any(
        os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
        for name in ("CI", "LINLI_REQUIRE_BROWSER")
    )


def launch_arguments() -> list[str]:
    arguments = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
    ]
    if os.geteuid() == 0:  # Chromium refuses to start its sandbox as root (containers, CI)
        arguments.insert(0, "--no-sandbox")
    return arguments


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Kept so the page fixture can take a screenshot when the test body failed.
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: install Debian's chromium and fonts-noto-cjk to run the browser tests"
        )
        if browser_required():
            pytest.fail(
                f"{reason} (CI or LINLI_REQUIRE_BROWSER is set, so this may not be skipped)", pytrace=False
            )
        pytest.skip(reason)
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=launch_arguments()
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ at the repository root (gitignored): screenshots for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser, live_server, artifacts, request):
    """A phone-sized zh-CN page on the live server; relative URLs in goto() go to the live server.

    Requests to other hosts are refused and recorded, and so are assets that do not load and uncaught
    script errors; any of them fails the test when it ends.
    """
    server_host = urlsplit(live_server.url).hostname
    context = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    outside: list[str] = []
    broken_assets: list[str] = []
    script_errors: list[str] = []

    def is_outside(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in NETWORK_SCHEMES and parts.hostname != server_host

    def record(request_) -> None:
        if is_outside(request_.url):
            outside.append(request_.url)

    def refuse_outside(route) -> None:
        # Refused rather than fetched, so a CDN reference fails fast and the tests never touch the network.
        if is_outside(route.request.url):
            route.abort()
        else:
            route.continue_()

    def check_asset(response) -> None:
        if response.request.resource_type in ASSET_TYPES and response.status >= 400:
            broken_assets.append(f"{urlsplit(response.url).path} ({response.status})")

    context.on("request", record)
    context.on("response", check_asset)
    context.route("**/*", refuse_outside)
    browser_page = context.new_page()
    browser_page.on("pageerror", lambda error: script_errors.append(str(error)))
    yield browser_page

    call = request.node.stash.get(REPORTS, {}).get("call")
    if call is not None and call.failed:
        browser_page.screenshot(path=artifacts / f"{request.node.name}-failed.png", full_page=True)
    context.close()
    if outside:
        pytest.fail(
            "requests to hosts other than the live server (assets must be served locally): "
            + ", ".join(sorted(set(outside))),
            pytrace=False,
        )
    if broken_assets:
        pytest.fail("assets that did not load: " + ", ".join(sorted(set(broken_assets))), pytrace=False)
    if script_errors:
        pytest.fail("uncaught script errors: " + "; ".join(script_errors), pytrace=False)


@pytest.fixture
def sign_in(page):
    """Sign in through the real login form, as a person would; returns once the form has been left."""

    def sign_in_as(user, password: str = PASSWORD) -> None:
        response = page.goto("/accounts/login/")
        assert response is not None and response.ok, f"the login page answered {response and response.status}"
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(password)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return sign_in_as
