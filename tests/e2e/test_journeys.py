"""Each role's daily task as a journey in a real browser, at 1366×768 and on a 390×844 phone, on what
``seed_demo`` builds. Every step saves a full-page screenshot, ``<journey>-<viewport>-<step>.png`` in
``var/screenshots/`` (``SCREENSHOT_DIR``; CI keeps the folder as an artefact). On the phone no page may scroll
sideways and the menu opens from its toggle."""

import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from .conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"1366x768": (1366, 768), "390x844": (390, 844)}


class Journey:
    """A signed-in page plus the habits every step keeps: the screenshot, and on the phone the width check."""

    def __init__(self, page, name: str, viewport: str):
        self.page, self.name, self.viewport = page, name, viewport
        self.phone = VIEWPORTS[viewport][0] < 720
        self.steps = 0
        self.problems: list[str] = []

    def step(self, label: str) -> None:
        page = self.page
        page.wait_for_load_state()
        self.steps += 1
        if self.phone:
            widths = page.evaluate(
                "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
            )
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')].filter(el => {
                    const box = el.getBoundingClientRect();
                    return box.right > window.innerWidth + 1 && (!el.closest('.table-wrap') || el.closest('.chart-table'));
                }).slice(0, 5).map(el => el.outerHTML.slice(0, 120))"""
            )
            if widths["scroll"] > widths["inner"] + 1:
                self.problems.append(
                    f"{page.url} ({label}) scrolls sideways on a {self.viewport} phone: {widths}; "
                    f"wider than the screen: {wide}"
                )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.viewport}-{self.steps}-{label}.png"), full_page=True
        )

    def open_menu(self) -> None:
        """On the phone the header's menu is folded behind its toggle: it opens from it."""
        if not self.phone:
            return
        page = self.page
        toggle = page.locator("[data-menu-toggle]")
        if toggle.get_attribute("aria-expanded") == "true":
            return
        assert page.locator("#site-menu").is_hidden(), "the phone menu is open before its toggle is pressed"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#site-menu").is_visible(), "the menu toggle does not open the menu"

    def menu(self, label: str) -> None:
        """Open a page from the header's menu, as a person would (a module's group opens on hover)."""
        page = self.page
        self.open_menu()
        name = re.compile(f"^{re.escape(label)}$")
        link = page.locator("#site-menu a", has_text=name).first
        group = page.locator("#site-menu .group").filter(has=page.locator("a", has_text=name))
        if not self.phone and group.count():
            group.first.hover()
        with page.expect_navigation():
            link.click()

    def header_link(self, selector: str) -> None:
        self.open_menu()
        with self.page.expect_navigation():
            self.page.click(f".topbar {selector}")

    def search(self, text: str) -> None:
        """Type into the list's search box and submit the filters."""
        page = self.page
        page.fill("input[name=q]", text)
        with page.expect_navigation():
            page.press("input[name=q]", "Enter")

    def submit(self, field: str) -> None:
        """Submit the form that holds ``field``."""
        page = self.page
        form = page.locator("form", has=page.locator(f"[name={field}]")).first
        with page.expect_navigation():
            form.locator("button[type=submit]").last.click()

    def done(self) -> None:
        """Every step was taken; the phone's sideways scrolling is reported for all pages at once."""
        assert not self.problems, "\n".join(self.problems)

    def choose(self, name: str, value: str) -> None:
        """Pick a choice whether the form offers it as a drop-down or as radio buttons."""
        page = self.page
        if page.locator(f"select[name={name}]").count():
            page.select_option(f"select[name={name}]", value)
            page.dispatch_event(f"select[name={name}]", "change")
        else:
            page.check(f"input[name={name}][value={value}]")

    def main(self) -> str:
        return self.page.inner_text("main")


@pytest.fixture(params=list(VIEWPORTS))
def journey(request, open_page, demo_world):
    viewport = request.param

    def start(name: str, username: str, landing: str | None = "/") -> Journey:
        page = open_page(*VIEWPORTS[viewport])
        sign_in(page, username, landing=landing)
        return Journey(page, name, viewport)

    return start


def test_county_land_clerk_finds_a_parcel_records_a_disposal_and_reads_the_inbox(journey):
    from land.models import Parcel

    parcel = next(
        p
        for p in Parcel.objects.filter(region__name="尧都区", kind=Parcel.Kind.UNSUPPLIED)
        .annotate(done=Sum("disposals__area_mu"))
        .order_by("code")
        if p.area_mu - (p.done or 0) >= 1
    )
    clerk = journey("land-clerk", "yaodu_land")
    clerk.step("workbench")
    clerk.menu("宗地台账")
    assert clerk.page.url.endswith("/land/parcels/")
    clerk.step("ledger")
    clerk.search(parcel.code)
    with clerk.page.expect_navigation():
        clerk.page.locator("main a", has_text=parcel.code).first.click()
    assert parcel.name in clerk.main()
    clerk.step("parcel")

    page = clerk.page
    page.fill("input[name=disposed_on]", timezone.localdate().isoformat())
    page.fill("input[name=area_mu]", "1.000")
    clerk.choose("method", "accelerate")
    page.fill("input[name=document]", "尧自然资发〔2022〕88 号")
    clerk.submit("area_mu")
    assert "尧自然资发〔2022〕88 号" in clerk.main()
    assert parcel.disposals.filter(document="尧自然资发〔2022〕88 号", area_mu=Decimal("1.000")).exists()
    clerk.step("disposal-recorded")

    clerk.header_link("a.inbox")
    assert page.url.endswith("/inbox/")
    assert page.locator("main li, main tr").count() >= 1, (
        "the clerk's inbox is empty after the reminder sweep"
    )
    clerk.step("inbox")
    clerk.done()


def test_leading_group_reads_the_cockpit_and_the_progress_dashboard(journey):
    leader = journey("leader", "leader", landing="/cockpit/")
    page = leader.page
    page.wait_for_selector("figure[data-chart-key][data-drawn]")
    assert page.locator('figure[data-chart-key][data-drawn="1"]').count() >= 1  # demo data draws charts
    leader.step("cockpit")
    leader.menu("清理进度")
    assert "/land/progress/" in page.url
    assert "尧都区" in leader.main()
    leader.step("land-progress")
    leader.menu("技改资金看板")
    assert "/subsidies/dashboard/" in page.url
    leader.step("subsidies-dashboard")
    leader.done()


def test_county_industry_clerk_quotes_an_award_and_enters_an_application(journey):
    from linfen_admin.credit_code import with_check_characters
    from subsidies.models import Application

    clerk = journey("industry-clerk", "yaodu_industry")
    page = clerk.page
    clerk.menu("奖励测算")
    clerk.choose("category", "investment")
    page.fill("input[name=investment_wan]", "5000")
    clerk.submit("investment_wan")
    assert page.locator("#quote").is_visible()
    assert "万元" in page.inner_text("#quote")
    clerk.step("award-quote")

    clerk.menu("技改资金申报")
    clerk.step("applications")
    with page.expect_navigation():
        page.click("main a[href$='/subsidies/applications/new/']")
    clerk.step("new-application")
    page.select_option("select[name=call]", index=1)
    if page.locator("select[name=region]").count():
        page.select_option("select[name=region]", label="尧都区")
    page.fill("input[name=enterprise_name]", "临汾市尧都区旅程测试机械有限公司")
    page.fill("input[name=credit_code]", with_check_characters("91141002MA0L9901"))
    page.fill("input[name=project_name]", "旅程测试 智能化改造")
    clerk.choose("category", "investment")
    page.fill("input[name=investment_wan]", "3600")
    clerk.submit("project_name")
    assert "旅程测试 智能化改造" in clerk.main()
    assert Application.objects.filter(project_name="旅程测试 智能化改造", region__name="尧都区").exists()
    clerk.step("application-saved")
    clerk.done()


def test_expert_opens_an_assigned_application_and_scores_it(journey):
    from subsidies.models import Application, State

    application = Application.objects.filter(
        state=State.EXPERT_REVIEW, expert_assignments__expert__username="expert1"
    ).first()
    assert application is not None
    expert = journey("expert", "expert1")
    page = expert.page
    expert.menu("技改资金申报")
    expert.step("applications")
    expert.search(application.project_name)
    with page.expect_navigation():
        page.click(f"main a[href$='/subsidies/applications/{application.pk}/']")
    expert.step("application")
    page.fill("input[name=score]", "88.5")
    page.fill("textarea[name=opinion]", "旅程测试:技术路线可行,建议支持")
    expert.submit("score")
    assert application.expert_assignments.get(expert__username="expert1").score == Decimal("88.50")
    assert "88.5" in expert.main()
    expert.step("scored")
    expert.done()


def test_approval_officer_opens_a_case_and_decides_it(journey):
    from approvals.models import Case

    case = (
        Case.objects.filter(
            status=Case.Status.PENDING, region__name="尧都区", department__code="141002-approval-service"
        )
        .order_by("due_on")
        .first()
    )
    assert case is not None
    officer = journey("approval-officer", "yaodu_approval")
    page = officer.page
    officer.menu("办件")
    officer.step("cases")
    officer.search(case.applicant_name)
    with page.expect_navigation():
        page.click(f"main a[href$='/approvals/cases/{case.pk}/']")
    officer.step("case")
    officer.choose("decision", Case.Status.APPROVED)
    page.fill("input[name=decided_on]", timezone.localdate().isoformat())
    page.fill("textarea[name=note]", "旅程测试:材料齐全,准予许可")
    officer.submit("decision")
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    assert "准予许可" in officer.main()
    officer.step("decided")
    officer.done()


def test_security_administrator_reads_the_user_list(journey):
    security = journey("security-admin", "security")
    page = security.page
    security.menu("系统管理")
    security.step("admin")
    with page.expect_navigation():
        page.click("a[href$='/admin/linfen_admin/user/']")
    assert "yaodu_land" in page.inner_text("body")
    security.step("users")
    security.done()


def test_audit_administrator_reads_the_audit_log(journey):
    auditor = journey("auditor", "auditor")
    page = auditor.page
    auditor.menu("审计日志")
    assert page.url.endswith("/audit/")
    assert page.locator("main table tbody tr").count() >= 1, "the demo data wrote no audit row"
    auditor.step("audit-log")
    auditor.done()
