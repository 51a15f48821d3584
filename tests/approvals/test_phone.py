"""The approvals officer's day in a real browser at 390 px: the case list as cards, the case page, and a form that
shows the region only for a county-level item."""

import pytest

from tests.e2e.conftest import page, sign_in  # noqa: F401  (the browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_case_list_and_case_page_fit_a_phone(page, new_case):  # noqa: F811
    case = new_case(applicant_name="尧都区惠农农资有限公司")
    sign_in(page, "yaodu_approval")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.base_url}/approvals/cases/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    card = page.locator("table.cases tbody tr").first
    assert card.is_visible() and "尧都区惠农农资有限公司" in card.inner_text()
    assert "已超期" in card.locator(".deadline.bad").inner_text()
    assert card.bounding_box()["width"] <= 390
    page.click("text=尧都区惠农农资有限公司")
    page.wait_for_url(f"{page.base_url}/approvals/cases/{case.pk}/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator(".case-deadline .deadline.bad").is_visible()


def test_region_is_asked_only_for_a_county_item(page, users, items):  # noqa: F811
    sign_in(page, "yaodu_approval")
    page.goto(f"{page.base_url}/approvals/cases/new/")
    region = page.locator("#id_region")
    page.select_option("#id_item", str(items[13].pk))  # 市级
    assert not region.is_visible() and region.is_disabled()
    page.select_option("#id_item", str(items[5].pk))  # 县级
    assert region.is_visible() and region.is_enabled()
