"""The land pages measured in Chromium: the progress table fits 1366 px; the clerk's ledger, parcel and disposal
form fit a 390 px phone without the page scrolling sideways; the parcel form shows one land kind's fields."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, FLAGS

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        def open_page(width, height):
            context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.base_url = live_server.url
            return page

        yield open_page
        browser.close()


@pytest.fixture
def world(users):
    import datetime
    from decimal import Decimal

    from land import services
    from land.seed import load_land_reference
    from linfen_admin.models import Region

    load_land_reference()
    parcel = services.parcel_create(
        actor=users["city_land"],
        data={
            "region": Region.objects.get(name="尧都区"),
            "kind": "unsupplied",
            "code": "1410022016B00001",
            "name": "尧都区屯里镇一个名字相当长的演示地块",
            "area_mu": Decimal("1289.350"),
            "location": "尧都区屯里镇",
        },
    )
    services.disposal_record(
        actor=users["city_land"],
        parcel=parcel,
        disposed_on=datetime.date(2022, 6, 30),
        area_mu=Decimal("644.675"),
        method="accelerate",
    )
    return parcel


def _sign_in(page, username, password="pw-for-tests-123"):
    page.goto(f"{page.base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/login/" not in page.url


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_progress_table_fits_1366(browser_context, world):
    page = browser_context(1366, 768)
    _sign_in(page, "leader")
    page.goto(f"{page.base_url}/land/progress/?year=2022&as_of=2022-10-01")
    width = page.evaluate("document.querySelector('table.progress-table').getBoundingClientRect().width")
    assert width <= 1366 - 40, width
    assert _overflow(page) <= 0
    assert "排名依据" in page.inner_text("main")


@pytest.mark.parametrize("path", ["ledger", "detail"])
def test_the_clerks_pages_fit_a_390_phone(browser_context, world, path):
    page = browser_context(390, 844)
    _sign_in(page, "yaodu_land")
    url = "/land/parcels/" if path == "ledger" else f"/land/parcels/{world.pk}/"
    page.goto(page.base_url + url)
    assert _overflow(page) <= 0
    if path == "ledger":
        card = page.locator("table.ledger tbody tr").first.bounding_box()
        assert card["width"] <= 390
    else:
        form = page.locator("form.disposal").bounding_box()
        assert form["x"] >= 0 and form["x"] + form["width"] <= 390
        page.select_option("#id_method", "accelerate")
        page.fill("#id_area_mu", "1")
        page.fill("#id_disposed_on", "2022-07-01")
        page.click("form.disposal button[type=submit]")
        page.wait_for_url(f"{page.base_url}/land/parcels/{world.pk}/")
        assert "累计 645.675 亩" in page.inner_text("ol.timeline")


def test_the_parcel_form_shows_the_chosen_kind_only(browser_context, world):
    page = browser_context(1366, 768)
    _sign_in(page, "yaodu_land")
    page.goto(f"{page.base_url}/land/parcels/new/")
    # 批准文号 and 批准时间 are asked for both kinds (withdrawal, 五(一)3, reads them for idle land too)
    assert not page.is_visible("#id_cause") and not page.is_visible("#id_unsupplied_reason")
    assert page.is_visible("#id_approval_no")
    page.select_option("#id_kind", "idle")
    assert page.is_visible("#id_cause") and not page.is_visible("#id_unsupplied_reason")
    page.select_option("#id_kind", "unsupplied")
    assert page.is_visible("#id_unsupplied_reason") and not page.is_visible("#id_cause")
