import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pw-for-tests-123"
# Screenshots of the browser tests: CI keeps this folder as an artefact (README, "Browser tests").
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots")
)


def browser_available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return bool(shutil.which(CHROMIUM))


@pytest.fixture
def page(live_server, monkeypatch):
    """A headless Chromium page (Debian's chromium driven by Playwright) pointed at the live server."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.base_url = live_server.url
        yield page
        browser.close()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for a whole test module (start it once, open a fresh context per test)."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(chromium, live_server):
    """``open_page(width, height)``: a page in a fresh context (own cookies) of the module's browser."""
    contexts = []

    def make(width=1366, height=768):
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def demo_world(transactional_db):
    """What ``seed_demo`` builds — reference data, one demo user per role, every module's demo data and today's
    reminders — with the test password on every account."""
    from django.core.management import call_command

    from linfen_admin.demo import load_demo_users
    from linfen_admin.models import User
    from linfen_admin.registry import registry
    from linfen_admin.reminders import run_reminders

    call_command("load_seed", verbosity=0)
    load_demo_users()
    for loader in registry.demo_loaders:
        loader.load()
    run_reminders()
    for user in User.objects.filter(is_demo=True):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return {user.username: user for user in User.objects.filter(is_demo=True)}


def sign_in(page, username, password=PASSWORD, landing="/"):
    """Sign in on the login page; ``landing`` is where the user is sent (None: anywhere but the login page)."""
    page.goto(f"{page.base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    if landing is None:
        page.wait_for_url(lambda url: "/login/" not in url)
    else:
        page.wait_for_url(f"{page.base_url}{landing}")
