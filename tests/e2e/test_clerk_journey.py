"""A county clerk's week, in a real browser: sign in, find a parcel, record a disposal, be refused an overdraw."""

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def parcels(users):
    from decimal import Decimal

    from land import services
    from land.seed import load_land_reference
    from linfen_admin.models import Region

    load_land_reference()

    def make(region, code, area):
        return services.parcel_create(
            actor=users["city_land"],
            data={
                "region": Region.objects.get(name=region),
                "kind": "unsupplied",
                "code": code,
                "name": f"{region} 演示地块",
                "area_mu": Decimal(area),
            },
        )

    return {
        "yaodu": make("尧都区", "1410022016B00001", "100.000"),
        "hongdong": make("洪洞县", "1410242016B00002", "50.000"),
    }


def test_clerk_records_a_disposal_and_sees_it_everywhere(page, parcels):
    yaodu = parcels["yaodu"]
    sign_in(page, "yaodu_land")
    assert "工作台" in page.title()

    page.goto(f"{page.base_url}/land/parcels/")
    assert page.locator("text=1410022016B00001").count() == 1
    assert page.locator("text=1410242016B00002").count() == 0  # another county's parcel is not listed

    page.click("text=1410022016B00001")
    page.fill("input[name=disposed_on]", "2022-06-15")
    page.fill("input[name=area_mu]", "40.5")
    page.select_option("select[name=method]", "accelerate")
    page.fill("input[name=document]", "尧自然资发〔2022〕12 号")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert "40.500" in body and "尧自然资发〔2022〕12 号" in body

    yaodu.refresh_from_db()
    assert yaodu.status == "in_progress"

    # More than what is left is refused with a Chinese message, and nothing is written.
    page.fill("input[name=disposed_on]", "2022-06-20")
    page.fill("input[name=area_mu]", "60")
    page.select_option("select[name=method]", "accelerate")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state()
    assert "超过" in page.inner_text("main")
    assert yaodu.disposals.count() == 1


def test_another_countys_parcel_answers_404_in_the_browser(page, parcels):
    sign_in(page, "yaodu_land")
    response = page.goto(f"{page.base_url}/land/parcels/{parcels['hongdong'].pk}/")
    assert response.status == 404
