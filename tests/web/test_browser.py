"""The main journeys in headless Debian chromium (Playwright), asserting what pages show:
log in through the banner; claim a queued IAQ from the keyboard; read its waterfall,
records and timeline; the citizenship gate; preview and answer; the IAR as the agency
sees it; a second agency refused by URL; the dashboard; the auditor finds it all. Each
main screen is checked with axe-core (vendored: tests/web/vendor/axe.min.js, MPL-2.0)
for serious or critical WCAG 2.1 AA violations, and photographed for the README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from webhelpers import AGENCY, ANALYST, OTHER_AGENCY, PASSWORD, PageClient, citizens, iaq, send

pytestmark = pytest.mark.browser

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/web/login")
    assert page.get_by_role("heading", name="System use notification").is_visible()
    page.get_by_label("I have read the system use notification").check()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def accessible(page: Any) -> None:
    """No serious or critical axe violation against WCAG 2.1 A and AA rules."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], "\n".join(bad)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_the_desk_journey_in_a_browser(live: Any, browser: Any, web_world: Any) -> None:
    agency_api = PageClient(live.server.config.app, AGENCY)
    people = citizens(web_world.facts, 4)
    held = {"in_custody": True, "release_date": "2026-11-25"}
    sent = send(agency_api, iaq(people[0], "BROWSER-1", custody=held))
    assert sent["state"] == "QUEUED"
    for k, fact in enumerate(people[1:]):  # more of a queue behind it
        extra = {"custody": {"in_custody": True}} if k == 0 else {}
        assert send(agency_api, iaq(fact, f"BROWSER-{k + 2}", **extra))["state"] == "QUEUED"
    violations: list[str] = []

    analyst_ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    page = analyst_ctx.new_page()
    csp = "Content Security"
    page.on("console", lambda m: violations.extend([m.text] if csp in m.text else []))
    page.goto(f"{live.base}/web/login")
    accessible(page)
    login(page, live.base, ANALYST)
    assert page.get_by_role("heading", name="Queries awaiting an analyst").is_visible()
    clock = page.locator(".clock").first
    first = clock.inner_text()
    page.wait_for_timeout(1200)
    assert clock.inner_text() != first, "the response clock moves"
    accessible(page)
    shot(page, "queue")
    page.keyboard.press("n")  # next unclaimed: focus is visible on it
    assert page.evaluate("document.activeElement.classList.contains('open')")
    page.keyboard.press("c")  # claim it from the keyboard
    page.wait_for_url("**/web/desk/*")

    # the citizenship panel first; the decision locked until acknowledged
    panel = page.locator("#citizenship")
    assert panel.is_visible() and "Possible U.S. citizen" in panel.inner_text()
    send_button = page.get_by_role("button", name="Send answer")
    assert send_button.is_disabled()
    assert page.locator(".waterfall svg rect").count() >= 2
    assert "prior" in page.locator(".waterfall").inner_text()
    assert page.locator("table.records th[id^=rec-]").count() >= 1
    assert page.locator(".timeline li").count() >= 1
    accessible(page)
    shot(page, "person")
    page.evaluate("document.getElementById('wf-h').scrollIntoView()")
    shot(page, "waterfall")
    page.get_by_label("I have read the citizenship evidence above").check()
    assert send_button.is_enabled()
    page.get_by_label("Reason (goes into the IAR's audit)").fill("A-file and birth record read")
    page.get_by_role("button", name="Preview the IAR").click()
    page.wait_for_load_state()
    preview = page.locator("#preview-text").inner_text()
    assert "IAR." in preview and "NOT A DETAINER" in preview.upper()
    assert page.get_by_label("I have read the citizenship evidence above").is_checked()
    page.get_by_role("button", name="Send answer").click()
    page.wait_for_load_state()
    assert "Answer sent" in page.locator("main").inner_text()
    page.goto(f"{live.base}/web/ops")
    assert page.get_by_role("heading", name="Query desk operations").is_visible()
    assert page.locator(".panel img").count() == 5
    accessible(page)
    shot(page, "dashboard")

    agency_ctx = browser.new_context()
    agency = agency_ctx.new_page()
    login(agency, live.base, AGENCY)
    agency.get_by_role("link", name="BROWSER-1").click()
    agency.wait_for_load_state()
    text = agency.locator("main").inner_text()
    assert "ANSWERED" in text and "Possible U.S. citizen" in text
    assert "recommendation" not in text.lower()
    accessible(agency)
    iar_url = agency.url
    agency.goto(f"{live.base}/web/agency/new")
    agency.get_by_label("Last name").fill("DOE")
    agency.get_by_label("Date of birth").fill("1990-13-45")
    agency.get_by_role("button", name="Send query").click()
    agency.wait_for_load_state()
    assert agency.locator("#dob-error").is_visible()  # the field's own error, beside it
    accessible(agency)

    other_ctx = browser.new_context()
    other = other_ctx.new_page()
    login(other, live.base, OTHER_AGENCY)
    response = other.goto(iar_url)
    assert response is not None and response.status == 404
    assert "Not found" in other.locator("h1").inner_text()
    assert "BROWSER-1" not in other.content()

    auditor_ctx = browser.new_context()
    auditor = auditor_ctx.new_page()
    login(auditor, live.base, "auditor.one")
    auditor.locator("select[name=event_type]").select_option("IAR_SENT")
    auditor.get_by_role("button", name="Search").click()
    auditor.wait_for_load_state()
    rows = auditor.locator("table.audit tbody").inner_text()
    assert ANALYST in rows and "citizenship evidence acknowledged" in rows
    auditor.goto(f"{live.base}/web/audit?event_type=RECORDS_VIEWED")
    assert ANALYST in auditor.locator("table.audit tbody").inner_text()
    auditor.goto(f"{live.base}/web/audit?actor_username={OTHER_AGENCY}&event_type=IAR_VIEWED")
    denied = auditor.locator("table.audit tbody").inner_text()
    assert "No events match" in denied  # the refused read never reached the IAR
    accessible(auditor)
    admin_ctx = browser.new_context()
    admin = admin_ctx.new_page()
    login(admin, live.base, "admin.one")
    assert admin.get_by_role("heading", name="Accounts").is_visible()
    accessible(admin)
    admin_ctx.close()
    for ctx in (analyst_ctx, agency_ctx, other_ctx, auditor_ctx):
        ctx.close()
    assert violations == [], json.dumps(violations)
