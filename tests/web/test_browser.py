"""The main journeys in headless Debian chromium (Playwright), asserting what pages show:
log in through the banner; claim a queued IAQ from the keyboard; read its waterfall,
records and timeline; the citizenship gate; preview and answer; the IAR as the agency
sees it; a second agency refused by URL; the dashboard; the auditor finds it all. Each
main screen is checked with axe-core (vendored: tests/web/vendor/axe.min.js, MPL-2.0)
for serious or critical WCAG 2.1 AA violations, and photographed for the README.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from webhelpers import (
    AGENCY,
    ANALYST,
    OTHER_AGENCY,
    PASSWORD,
    PageClient,
    citizens,
    iaq,
    nlets_message,
    send,
)

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
    bodies = {"BROWSER-1": iaq(people[0], "BROWSER-1", custody=held)}
    sent = send(agency_api, bodies["BROWSER-1"])
    assert sent["state"] == "QUEUED"
    for k, fact in enumerate(people[1:]):  # more of a queue behind it
        extra = {"custody": {"in_custody": True}} if k == 0 else {}
        bodies[f"BROWSER-{k + 2}"] = iaq(fact, f"BROWSER-{k + 2}", **extra)
        assert send(agency_api, bodies[f"BROWSER-{k + 2}"])["state"] == "QUEUED"
    violations: list[str] = []

    analyst_ctx = browser.new_context(
        viewport={"width": 1366, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
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
    raw = page.locator("#iaq-raw").text_content() or ""  # the IAQ as the agency sent it
    assert raw == json.dumps(bodies[json.loads(raw)["iaq_id"]])  # as `send` posted it
    page.get_by_role("button", name="Copy the query as received").click()
    page.wait_for_function("document.querySelector('.copied').textContent !== ''")
    assert page.evaluate("navigator.clipboard.readText()") == raw
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
    message = nlets_message(citizens(web_world.facts, 5)[4], "BRNL")  # an Nlets terminal's IAQ
    nlets = agency_api.api().post("/v1/iaq", content=message.encode(),
                                  headers={"content-type": "text/plain"})  # fmt: skip
    iar_id = nlets.json()["iar_id"]
    detail = PageClient(live.server.config.app, ANALYST).api().get(f"/v1/queue/iaq/{iar_id}")
    page.goto(f"{live.base}/web/desk/{detail.json()['query_id']}")
    assert "Arrived as Nlets text" in page.locator("main").inner_text()
    assert page.locator("#iaq-raw").text_content() == message  # CR LF and markup as sent
    assert page.locator("#iaq-raw b").count() == 0  # shown as text, never as markup
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


def test_the_vetting_journey_in_a_browser(live: Any, browser: Any, web_world: Any,
                                          lookup: Any) -> None:  # fmt: skip
    """An officer takes a case from the keyboard, judges every record (the checklist and
    the enforcement choices stay locked until then), confirms the checklist and drafts a
    detainer; a second supervisor approves it from the approvals queue; the officer issues
    it and the PDF is offered with its SHA-256. axe-checked at each screen."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "vetting"))
    from vettinghelpers import biometric_iaq, detainer_candidates

    from vetline.api.routers.vetting import install_vetting
    from vetline.vetting import VettingService

    app = live.server.config.app
    install_vetting(app, VettingService(app.state.desk, data_dir=web_world.data))
    fact, fin = detainer_candidates(lookup, web_world.facts, limit=1)[0]
    sent = PageClient(app, AGENCY).api().post("/v1/iaq", json=biometric_iaq(fact, fin, "BRV-1"))
    assert sent.status_code == 201, sent.text

    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    login(page, live.base, "vetting.one")
    page.get_by_role("link", name="Vetting", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Vetting cases").is_visible()
    assert "expected release" in page.locator("#queue").inner_text()
    accessible(page)
    shot(page, "vetting_cases")
    page.keyboard.press("n")  # the next unassigned case, focused
    assert page.evaluate("document.activeElement.classList.contains('open')")
    page.keyboard.press("c")  # take it into review from the keyboard
    page.wait_for_url("**/web/vetting/cases/*")

    # Records first: the checklist and every request kind are locked until all are judged.
    assert page.locator("#checklist-gate").is_visible()
    assert page.locator("#n-STATUS").is_disabled()  # inside the locked fieldset
    assert page.locator("input[name=kind][value=DETAINER]").is_disabled()
    why = page.locator("#why-DETAINER").inner_text()  # the service's rule, with its citation
    assert why.startswith("Not possible now") and "reference §" in why
    accessible(page)
    while page.locator("tr.unjudged form.mark").count():  # the records still to judge
        form = page.locator("tr.unjudged form.mark").first
        form.locator("input[name=note]").fill("prints and A-file agree")
        form.get_by_role("button", name="Same person").click()
        page.wait_for_load_state()
    assert "Every record is judged" in page.locator("#records").inner_text()
    for item in ("IDENTITY", "STATUS", "CRIMINAL", "CUSTODY", "REMOVABILITY", "CITIZENSHIP",
                 "PROTECTED"):  # fmt: skip
        page.locator(f"#n-{item}").fill(f"{item.lower()} read against the records")
        page.locator(f"#n-{item}").locator("xpath=ancestor::form").get_by_role(
            "button", name="Confirm").click()  # fmt: skip
        page.wait_for_load_state()
    detainer = page.locator("input[name=kind][value=DETAINER]")
    assert detainer.is_enabled()
    detainer.check()
    page.locator("input[name=pc_BIOMETRIC_AND_RECORDS]").check()
    page.get_by_label("Probable cause, in detail").fill("IDENT hit on booking prints")
    page.get_by_label("Administrative warrant").select_option("I-200")
    page.get_by_label("Warrant number").fill("W-2026-0100")
    page.get_by_label("Warrant signed on (YYYY-MM-DD)").fill("2026-11-24")
    page.get_by_role("button", name="Draft").click()
    page.wait_for_load_state()
    requests = page.locator("#requests table").inner_text()
    assert "DETAINER" in requests and "needs a supervisor other than the drafter" in requests
    accessible(page)
    shot(page, "vetting_case")
    case_url = page.url.split("?")[0]

    sup_ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    sup = sup_ctx.new_page()
    login(sup, live.base, "super.one")
    sup.get_by_role("link", name="Approvals").click()
    sup.wait_for_load_state()
    assert "DETAINER" in sup.locator("main table").inner_text()
    accessible(sup)
    sup.get_by_role("button", name="Approve").first.click()
    sup.wait_for_load_state()
    assert "Nothing awaits approval" in sup.locator("main table").inner_text()

    page.goto(case_url)
    assert "approved by super.one" in page.locator("#requests").inner_text()
    page.get_by_role("button", name="Issue").click()
    page.wait_for_load_state()
    cell = page.locator("#requests table").inner_text()
    assert "ISSUED" in cell and "issued PDF" in cell
    assert re.search(r"[0-9a-f]{64}", cell), "the document's SHA-256 is shown"
    accessible(page)
    for context in (ctx, sup_ctx):
        context.close()


def test_a_lead_analyst_vets_a_list_from_the_browser(
    sqlite_database: Any, desk: Any, browser: Any, web_world: Any, tmp_path: Path
) -> None:
    """The analysis centre's form: a list file chosen in the browser, purpose and authority,
    sent (streamed to the job's folder), then the job's progress followed live until
    FINISHED, in the newest jobs; axe-checked."""
    from conftest import LiveServer, make_app

    listed = tmp_path / "registry.csv"
    rows = ["list_ref,last_name,first_name,dob,sex"] + [
        f"R{n},{f['true_last_name']},{f['true_first_name']},{f['true_dob']},{f['sex']}"
        for n, f in enumerate(web_world.facts[700:712])
    ]
    listed.write_text("\n".join(rows) + "\n", encoding="utf-8")
    app = make_app(sqlite_database, desk, cookie_secure=False, data=web_world.data)
    with LiveServer(app) as live:
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        page = ctx.new_page()
        login(page, live.base, "lead.one")
        page.goto(f"{live.base}/web/leads/batch")
        assert page.get_by_role("heading", name="Vet a list").is_visible()
        accessible(page)
        page.get_by_label("List file").set_input_files(str(listed))
        page.get_by_label("Purpose").fill("state offender registry, monthly")
        page.get_by_label("Legal authority").fill("DHS/ICE-011 routine use")
        page.get_by_role("button", name="Vet the list").click()
        page.wait_for_url("**/web/leads/batch?job_id=*")
        job_id = page.url.split("job_id=")[1]
        if page.locator("#job-progress").count():  # followed live until it ends
            page.get_by_role("link", name="Show the finished job").click(timeout=120_000)
            page.wait_for_load_state()
        assert "FINISHED" in page.locator("dl.facts").inner_text()
        assert "registry.csv" in page.locator("table.num tbody").inner_text()
        assert job_id[:8] in page.locator("table.num tbody").inner_text()
        accessible(page)
        shot(page, "batch_jobs")
        ctx.close()
    runner = getattr(app.state, "batch_runner", None)
    if runner is not None:
        runner.stop(timeout=30)
