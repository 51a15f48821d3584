"""Accessibility checked in the browser: axe-core over every page each demo role can reach, and the keyboard.

For each role (one demo user per role, on what ``seed_demo`` builds) the crawl starts at the workbench, follows
same-origin GET links from the menu and from every page it reaches, one page per URL pattern (Django's url_name),
and runs axe-core on each: no violation of impact *serious* or *critical* is allowed. Sign-out, exports,
downloads, the API and the admin's change forms are not followed. The keyboard check tabs through key pages and
asks every focused control for a visible focus, and the header's menu groups to open from the keyboard.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One demo user per role (linfen_admin/demo.py).
ROLES = [
    "admin",
    "security",
    "auditor",
    "leader",
    "city_land",
    "yaodu_land",
    "yaodu_industry",
    "city_industry",
    "city_energy",
    "expert1",
    "finance",
    "yaodu_approval",
    "inspector1",
]
MAX_PAGES = 45  # per role: more than any role's distinct pages, a bound should a link loop appear
BLOCKING = ("serious", "critical")
# Not followed: they sign out, change state on GET, stream files, or are not pages.
SKIPPED_NAMES = {
    "logout",
    "account-sign-out-everywhere",
    "two-factor-qr",
    "inbox-read-all",
    "set_language",
    "healthz",
    "subsidies:document-download",
    "land:report-file",
    "land:supervision-report-file",
}
ADMIN_KINDS_SKIPPED = ("_add", "_change", "_delete", "_history", "password_change", "logout", "autocomplete")


def page_key(url: str, origin: str) -> str | None:
    """The URL pattern a link leads to (one page per pattern is visited), or None when it is not followed."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or parts.scheme not in ("http", "https"):
        return None
    path = parts.path
    if path.startswith(("/api/", "/static/", "/i18n/")) or path.endswith(
        (".xlsx", ".docx", ".geojson", ".svg", ".csv")
    ):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if not name or name in SKIPPED_NAMES or "export" in name or "download" in name:
        return None
    if name.startswith("admin:"):
        if name.endswith(ADMIN_KINDS_SKIPPED) or name in ("admin:jsi18n", "admin:view_on_site"):
            return None
        if name.endswith("_changelist"):
            return "admin:changelist"  # every changelist is the same template; one stands for them all
    return name


def links(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href]", "els => els.filter(a => !a.hasAttribute('download')).map(a => a.href.split('#')[0])"
    )


def axe_violations(page, axe) -> list[dict]:
    results = axe.run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(found: list[tuple[str, str, dict]]) -> str:
    lines = []
    for who, url, violation in found:
        nodes = "; ".join(
            f"{' '.join(map(str, node['target']))} {node['html'][:160]}" for node in violation["nodes"][:5]
        )
        more = f" (+{len(violation['nodes']) - 5} more)" if len(violation["nodes"]) > 5 else ""
        why = " ".join(violation["nodes"][0].get("failureSummary", "").split("\n")[1:2]).strip()
        lines.append(f"[{who}] {url} {violation['id']} ({violation['impact']}): {nodes}{more} — {why}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def crawl(page, axe, who: str) -> tuple[list[str], list[tuple[str, str, dict]], list[str]]:
    """Visit what ``who`` can reach; the pages visited, their axe violations, and links that lead to a refusal."""
    origin = page.base_url
    queue = [(f"{origin}/", "")]
    seen: set[str] = set()
    visited, found, refused = [], [], []
    while queue and len(visited) < MAX_PAGES:
        url, referrer = queue.pop(0)
        key = page_key(url, origin)
        if key is None or key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        landed = page_key(page.url, origin)
        if landed:
            seen.add(landed)  # e.g. the leader's workbench is the cockpit
        path = urlsplit(page.url)
        visited.append(path.path + (f"?{path.query}" if path.query else ""))
        if response.status >= 400:
            refused.append(f"[{who}] {visited[-1]} answers {response.status}, linked from {referrer}")
        found += [(who, visited[-1], v) for v in axe_violations(page, axe)]
        queue += [(link, visited[-1]) for link in links(page) if page_key(link, origin) not in seen]
    return visited, found, refused


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_has_no_serious_accessibility_violation(
    open_page, axe, demo_world, username
):
    page = open_page(1366, 768)
    sign_in(page, username, landing=None)
    visited, found, refused = crawl(page, axe, username)
    assert len(visited) >= 3, visited  # the crawl did reach the role's pages
    problems = []
    if found:
        problems.append(
            f"{len(found)} serious/critical axe violations on {len(visited)} pages:\n{describe(found)}"
        )
    if refused:  # a link the role is shown should not lead to a refusal
        problems.append("links that lead to a refusal:\n" + "\n".join(refused))
    assert not problems, "\n".join(problems)


def test_the_sign_in_page_and_the_error_pages_have_no_serious_accessibility_violation(
    open_page, axe, demo_world
):
    page = open_page(1366, 768)
    found = []
    page.goto(f"{page.base_url}/login/")
    found += [("anonymous", "/login/", v) for v in axe_violations(page, axe)]
    page.fill("input[name=username]", "yaodu_land")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    found += [("anonymous", "/login/ (refused)", v) for v in axe_violations(page, axe)]
    sign_in(page, "yaodu_land")
    response = page.goto(f"{page.base_url}/land/parcels/999999/")
    assert response.status == 404
    found += [("yaodu_land", "/land/parcels/999999/ (404)", v) for v in axe_violations(page, axe)]
    response = page.goto(f"{page.base_url}/approvals/draws/new/")
    assert response.status == 403
    found += [("yaodu_land", "/approvals/draws/new/ (403)", v) for v in axe_violations(page, axe)]
    assert not found, describe(found)


# ---- The keyboard -------------------------------------------------------------------------------------------

MARK_FOCUSABLES = """() => {
    const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
    const style = el => { const s = getComputedStyle(el);
        return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor].join('|'); };
    const all = [...document.querySelectorAll(selector)].filter(el =>
        !el.disabled && el.tabIndex >= 0 && el.type !== 'hidden');
    // A radio group is one Tab stop (the arrow keys move inside it): any of its buttons stands for the group.
    all.forEach((el, i) => { el.__kbIndex = el.type === 'radio' ? `radio:${el.name}` : i; el.__kbStyle = style(el); });
    const shown = all.filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
    return [...new Set(shown.map(el => el.__kbIndex))];
}"""
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) { return null; }
    // Focus inside the browser's own parts of a control (a date field's calendar button) has its own ring.
    if (!el.matches(':focus')) { return {index: el.__kbIndex ?? -1, internal: true, html: el.outerHTML.slice(0, 160)}; }
    const s = getComputedStyle(el);
    const now = [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderColor].join('|');
    const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return {index: el.__kbIndex ?? -1, changed: now !== el.__kbStyle, outlined,
            shadow: s.boxShadow !== 'none', html: el.outerHTML.slice(0, 160),
            inOpenGroup: !!el.closest('.menu .group') &&
                getComputedStyle(el.closest('.menu .group').querySelector('.items')).display !== 'none'};
}"""


def tab_through(page, limit=400) -> tuple[list[dict], list]:
    """Tab from the top of the page to its end; each stop's focus style, and the controls never reached."""
    page.keyboard.press("Escape")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    expected = page.evaluate(MARK_FOCUSABLES)
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (stops and focused["index"] == stops[0]["index"]):
            break  # wrapped around to the browser's chrome, or to the first control again
        stops.append(focused)
    reached = {stop["index"] for stop in stops}
    return stops, [index for index in expected if index not in reached]


KEY_PAGES = [
    ("yaodu_land", "/"),
    ("yaodu_land", "/land/parcels/"),
    ("yaodu_land", "/land/parcels/new/"),
    ("yaodu_industry", "/subsidies/award-quote/"),
    ("leader", "/cockpit/"),
]


def test_every_control_of_the_key_pages_is_reached_by_tab_and_shows_its_focus(open_page, demo_world):
    problems = []
    pages = {}
    for username, path in KEY_PAGES:
        if username not in pages:
            pages[username] = open_page(1366, 768)
            sign_in(pages[username], username, landing=None)
        page = pages[username]
        page.goto(f"{page.base_url}{path}")
        stops, unreached = tab_through(page)
        assert len(stops) >= 5, (path, stops)
        for stop in stops:
            if stop.get("internal"):
                continue
            if not stop["changed"] or not (stop["outlined"] or stop["shadow"]):
                problems.append(f"{path}: no visible focus on {stop['html']}")
        for index in unreached:
            html = page.evaluate(
                "k => [...document.querySelectorAll('*')].find(el => el.__kbIndex === k).outerHTML.slice(0, 160)",
                index,
            )
            problems.append(f"{path}: never reached by Tab: {html}")
    assert not problems, "\n".join(problems)


def test_the_header_menu_groups_open_from_the_keyboard(open_page, demo_world):
    page = open_page(1366, 768)
    sign_in(page, "yaodu_industry")
    groups = page.locator(".menu .group")
    assert groups.count() >= 1
    stops, _ = tab_through(page)
    labels = [i for i, stop in enumerate(stops) if 'class="group-label"' in stop["html"]]
    assert len(labels) == groups.count(), stops
    for position in labels:
        label = stops[position]
        assert label["inOpenGroup"], f"the menu group does not open when its label has the focus: {label}"
        following = stops[position + 1]
        assert following["inOpenGroup"] and following["html"].startswith("<a "), (
            f"Tab from an open menu group does not go into it: {following}"
        )
    # Enter on a menu item opens its page.
    page.keyboard.press("Escape")
    page.locator(".menu .group .group-label").first.focus()
    page.keyboard.press("Tab")
    target = page.evaluate("() => document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
