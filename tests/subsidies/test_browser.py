"""In a real browser: the application form shows only the chosen category's and scheme's fields, a grade is
picked as 国家级, and the detail's stepper and the list are readable at 390 px (no sideways scroll of the page)."""

import os
import re

import pytest

from tests.e2e.conftest import page, sign_in  # noqa: F401  (the browser fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("LINFEN_SCREENSHOTS")


def _visible(tab, name):
    return tab.locator(f"[name={name}]").first.is_visible()


def test_the_form_discloses_the_chosen_categorys_fields(page, users):  # noqa: F811
    import datetime

    from subsidies.models import Application
    from subsidies.seed import load_award_rules, load_seed, successor_rules

    from .conftest import CallFactory, linfen_code

    load_seed()
    today = datetime.date.today()
    load_award_rules(  # 16 号 expired on 2024-04-21 (第十五条): today's call needs rules in force
        successor_rules(
            valid_from=today.replace(month=1, day=1),
            valid_until=today.replace(month=12, day=31),
            document="测试用后续规则",
        )
    )
    call = CallFactory(
        year=today.year, opens_on=today.replace(month=1, day=1), closes_on=today.replace(month=12, day=31)
    )
    sign_in(page, "yaodu_industry")
    page.goto(f"{page.base_url}/subsidies/applications/new/")
    assert not _visible(page, "support_wan") and not _visible(page, "kind")
    page.check("input[name=category][value=recognition]")
    assert _visible(page, "kind") and not _visible(page, "support_wan")
    assert not _visible(page, "level_tech_center") and not _visible(page, "investment_progress")
    page.select_option("select[name=kind]", label="企业技术中心")
    assert _visible(page, "level_tech_center") and not _visible(page, "level_innovation_center")
    # Switching to another category hides the recognition's grades, though its kind is still chosen.
    page.check("input[name=category][value=investment]")
    assert not _visible(page, "level_tech_center") and _visible(page, "investment_wan")
    assert _visible(page, "investment_progress")
    page.check("input[name=category][value=recognition]")
    page.get_by_label("国家级").first.check()
    page.select_option("select[name=call]", str(call.pk))
    page.fill("input[name=enterprise_name]", "临汾装备")
    page.fill("input[name=credit_code]", linfen_code(71))
    page.fill("input[name=project_name]", "国家级企业技术中心")
    page.fill("input[name=revenue_wan]", "9000")
    page.check("input[name=above_scale]")
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/subsidies/applications/\d+/$"))
    application = Application.objects.get()
    assert (application.scheme, application.level) == ("tech_center", "national")
    assert page.locator("ol.stepper li[aria-current=step]").inner_text().startswith("草稿")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/subsidies-detail-390.png", full_page=True)
    for path in ("/subsidies/", "/subsidies/applications/new/", "/subsidies/award-quote/"):
        page.goto(f"{page.base_url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/subsidies{path.replace('/', '-')}390.png", full_page=True)
