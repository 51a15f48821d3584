"""A county clerk imports the bureau's coordinate file and sees the parcel on the map, in a real browser, with no
tile server reachable (the map draws on a plain background)."""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "var" / "screenshots"))
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
def parcels(users):
    from land import services
    from land.seed import load_land_reference
    from linfen_admin.models import Region

    load_land_reference()
    for code, area in (("GEO-1", "15"), ("GEO-2", "30")):
        services.parcel_create(
            actor=users["city_land"],
            data={
                "region": Region.objects.get(name="尧都区"),
                "kind": "unsupplied",
                "code": code,
                "name": f"示范地块 {code}",
                "area_mu": Decimal(area),
            },
        )


def test_clerk_imports_a_coordinate_file_and_sees_the_parcel_on_the_map(page, parcels):
    sign_in(page, "yaodu_land")
    page.goto(f"{page.base_url}/land/import/")
    page.select_option("select[name=kind]", "boundary")
    page.set_input_files("input[name=file]", str(ROOT / "fixtures" / "land_boundary_sample.txt"))
    page.uncheck("input[name=dry_run]")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "界址坐标已导入" in page.inner_text("main")

    page.click("text=在地图上查看")
    page.wait_for_selector("#parcel-map[data-features]")
    page.wait_for_function("document.querySelector('#parcel-map').dataset.features === '2'")
    assert page.locator("#parcel-map path.leaflet-interactive").count() == 2  # two polygons drawn
    page.evaluate("document.querySelector('#parcel-map').scrollIntoView()")
    page.locator("#parcel-map path.leaflet-interactive").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "GEO-" in popup.inner_text() and "查看宗地" in popup.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "clerk-map-1400x900.png"))
    popup.locator("a").click()
    page.wait_for_url(lambda url: "/land/parcels/" in url)
    assert "GEO-" in page.inner_text("main")
