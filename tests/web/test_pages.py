"""The web app over HTTP: log-in with the banner, cookies and CSP, CSRF, the queue, the
query page (waterfall, records, timeline, citizenship gate), the answer, the agency
portal (own queries only, asks), dashboard, audit and admin — asserting what pages show."""

from __future__ import annotations

import re
from typing import Any

from webhelpers import (
    AGENCY,
    ANALYST,
    HTML,
    ORI,
    OTHER_AGENCY,
    PageClient,
    WebWorld,
    citizens,
    iaq,
    send,
)


def _queued(app: Any, world: WebWorld, n: int = 1) -> list[dict[str, Any]]:
    agency = PageClient(app, AGENCY)
    out = []
    for k, fact in enumerate(citizens(world.facts, n)):
        iar = send(agency, iaq(fact, f"WEB-{k}"))
        assert iar["state"] == "QUEUED", iar
        out.append(iar)
    return out


def _query_id(page: str) -> str:
    found = re.search(r'href="/web/desk/([0-9a-f-]{36})"', page)
    assert found, "no query in the queue page"
    return found.group(1)


def test_login_shows_the_banner_and_sets_strict_cookies(app: Any) -> None:
    client = PageClient(app)
    form = client.get("/web/login")
    assert "System use notification" in form.text and "U.S. Government" in form.text
    csp = form.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    refused = client.login(ANALYST, banner=False)
    assert refused.status_code == 422 and "Acknowledge the system-use notice" in refused.text
    wrong = client.login(ANALYST, password="not the password at all")
    assert wrong.status_code == 401 and "invalid username" in wrong.text
    ok = client.login(ANALYST)
    assert ok.status_code == 303 and ok.headers["location"] == "/web/desk"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie


def test_login_form_without_its_token_is_refused(app: Any) -> None:
    client = PageClient(app)
    response = client.http.post("/web/login", headers=HTML, data={
        "username": ANALYST, "password": "x", "banner": "1", "csrf_token": "forged"})  # fmt: skip
    assert response.status_code == 403 and "form expired" in response.text


def test_anonymous_pages_redirect_to_login_and_api_clients_get_401(app: Any) -> None:
    client = PageClient(app)
    page = client.get("/web/desk")
    assert page.status_code == 303 and page.headers["location"].startswith("/web/login")
    assert client.http.get("/web/desk").status_code == 401


def test_every_form_post_needs_the_csrf_token(app: Any, web_world: WebWorld) -> None:
    _queued(app, web_world)
    analyst = PageClient(app, ANALYST)
    query_id = _query_id(analyst.get("/web/desk").text)
    refused = analyst.post(f"/web/desk/{query_id}/claim", csrf=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert analyst.post(f"/web/desk/{query_id}/claim").status_code == 303
    assert analyst.post("/web/logout", csrf=False).status_code == 403


def test_claim_read_and_answer_a_citizen_query(app: Any, web_world: WebWorld) -> None:
    sent = _queued(app, web_world, 2)
    analyst = PageClient(app, ANALYST)
    queue = analyst.get("/web/desk")
    assert queue.status_code == 200 and "Queries awaiting an analyst" in queue.text
    assert queue.text.count('class="item') == 2 and 'data-due="' in queue.text
    query_id = _query_id(queue.text)
    assert analyst.post(f"/web/desk/{query_id}/claim").status_code == 303
    page = analyst.get(f"/web/desk/{query_id}").text
    # the citizenship panel comes before everything else and locks the decision controls
    assert page.index("Possible U.S. citizen") < page.index("Who this may be")
    assert '<fieldset id="decision-controls" disabled>' in page
    assert "Match waterfall" in page and "<svg" in page and ">prior<" in page
    assert "TF adjustment" in page and "Cumulative" in page
    assert "side by side" in page and "Timeline" in page and "days old" in page
    # the server refuses an answer without the acknowledgement, naming the field
    refused = analyst.post(f"/web/desk/{query_id}/answer", {"reason": "A-file checked"})
    assert refused.status_code == 422 and "citizenship_ack" in refused.text
    preview = analyst.post(f"/web/desk/{query_id}/preview",
                           {"reason": "A-file checked", "citizenship_ack": "1"})  # fmt: skip
    assert preview.status_code == 200 and "exactly as the agency will receive it" in preview.text
    assert "IAR." in preview.text and "recommendation" not in _preview_json(preview.text)
    answered = analyst.post(f"/web/desk/{query_id}/answer",
                            {"reason": "A-file checked", "citizenship_ack": "1"})  # fmt: skip
    assert answered.status_code == 303
    after = analyst.get(f"/web/desk/{query_id}?sent=1").text
    assert "Answer sent" in after and "ANSWERED" in after
    agency = PageClient(app, AGENCY)
    iar_id = next(s["iar_id"] for s in sent if s["iar_id"] in agency.get("/web/agency").text)
    seen = agency.get(f"/web/agency/iar/{iar_id}").text
    assert "ANSWERED" in seen and "Possible U.S. citizen" in seen
    assert "recommendation" not in seen.lower()
    other = PageClient(app, OTHER_AGENCY)
    assert other.get(f"/web/agency/iar/{iar_id}").status_code == 404
    assert iar_id not in other.get("/web/agency").text


def _preview_json(page: str) -> str:
    start = page.index('id="preview"')
    return page[start : page.index("</section>", start)]


def test_records_of_an_unrelated_person_cannot_be_opened(app: Any, web_world: WebWorld) -> None:
    _queued(app, web_world)
    analyst = PageClient(app, ANALYST)
    query_id = _query_id(analyst.get("/web/desk").text)
    response = analyst.get(f"/web/desk/{query_id}?person=P-not-a-candidate")
    assert response.status_code == 404 and "not among this query" in response.text


def test_agency_submits_with_field_errors_then_asks(app: Any, web_world: WebWorld) -> None:
    agency = PageClient(app, AGENCY)
    bad = agency.post("/web/agency/new", {"query_type": "IAQ", "ori": ORI, "dob": "1990-13-45",
                                          "last_name": "DOE"})  # fmt: skip
    assert bad.status_code == 422 and "The query was not sent" in bad.text
    assert 'id="dob-error"' in bad.text
    fact = citizens(web_world.facts, 1)[0]
    good = agency.post("/web/agency/new", {
        "query_type": "IAQ", "ori": ORI, "iaq_id": "FORM-1", "last_name": fact["true_last_name"],
        "first_name": fact["true_first_name"], "dob": fact["true_dob"], "sex": fact["sex"],
        "encounter_state": "CA", "encounter_county_fips": "06037"})  # fmt: skip
    assert good.status_code == 303
    iar_page = agency.get(good.headers["location"]).text
    assert "FORM-1" in iar_page and "Ask to expedite" in iar_page
    assert "Your query as sent" in iar_page and "Sent as JSON" in iar_page
    assert "&#34;iaq_id&#34;: &#34;FORM-1&#34;" in iar_page or '"iaq_id": "FORM-1"' in iar_page
    iar_id = good.headers["location"].rsplit("/", 1)[1]
    asked = agency.post(f"/web/agency/iar/{iar_id}/expedite", {"reason": "release at 16:00"})
    assert asked.status_code == 303
    analyst = PageClient(app, ANALYST)
    queue = analyst.get("/web/desk").text
    assert "expedite asked" in queue
    asks_page = analyst.get("/web/desk/asks").text
    assert "release at 16:00" in asks_page
    ask_id = re.search(r"/web/desk/asks/([0-9a-f-]{36})/answer", asks_page)
    assert ask_id
    analyst.post(f"/web/desk/asks/{ask_id.group(1)}/answer", {"answer": "Being worked now."})
    assert "Being worked now." in agency.get(f"/web/agency/iar/{iar_id}").text


def test_expedite_api_raises_the_query_but_not_above_custody(app: Any, web_world: WebWorld) -> None:
    agency = PageClient(app, AGENCY)
    people = citizens(web_world.facts, 2)
    held = send(agency, iaq(people[0], "HELD-1", custody={"in_custody": True}))
    plain = send(agency, iaq(people[1], "PLAIN-1"))
    api = agency.api()
    response = api.post(f"/v1/iaq/{plain['iar_id']}/expedite", json={"reason": "court at 9"})
    assert response.status_code == 201, response.text
    assert api.post(f"/v1/iaq/{held['iar_id']}/explain", json={"reason": "why"}).status_code == 422
    analyst = PageClient(app, ANALYST).api()
    order = [i["priority"] for i in analyst.get("/v1/queue/iaq").json()]
    assert order == sorted(order) and order == [20, 25]
    other = PageClient(app, OTHER_AGENCY).api()
    refused = other.post(f"/v1/iaq/{plain['iar_id']}/expedite", json={"reason": "x"})
    assert refused.status_code == 404


def test_dashboard_charts_have_their_numbers_beside_them(app: Any, web_world: WebWorld) -> None:
    _queued(app, web_world, 2)
    page = PageClient(app, ANALYST).get("/web/ops?hours=24")
    assert page.status_code == 200
    assert page.text.count("data:image/svg+xml;base64,") == 5
    assert page.text.count(": numbers</caption>") == 5
    assert "Not in this build yet" in page.text and "Lead outcomes" not in page.text
    chief = PageClient(app, "super.one").get("/web/ops?hours=24").text
    assert "Lead outcomes by AOR: numbers" in chief and "citizenship review" in chief
    bad = PageClient(app, ANALYST).get("/web/ops?hours=5")
    assert bad.status_code == 422 and "hours" in bad.text


def test_auditor_finds_the_work_and_verifies_the_chain(app: Any, web_world: WebWorld) -> None:
    _queued(app, web_world)
    analyst = PageClient(app, ANALYST)
    query_id = _query_id(analyst.get("/web/desk").text)
    analyst.get(f"/web/desk/{query_id}")
    auditor = PageClient(app, "auditor.one")
    found = auditor.get("/web/audit?event_type=RECORDS_VIEWED").text
    assert "RECORDS_VIEWED" in found and query_id in found and ANALYST in found
    assert (
        "chain is intact" in auditor.get("/web/audit/verify").text.lower()
        or "ok" in auditor.get("/web/audit/verify").text.lower()
    )
    assert auditor.get("/web/desk").status_code == 403


def test_admin_lists_and_creates_accounts(app: Any) -> None:
    """Issue 13 through the pages: an account is asked for without a password, another
    administrator approves it and sees the one-time enrolment secret; the asker cannot."""
    admin = PageClient(app, "admin.one")
    page = admin.get("/web/admin").text
    assert ANALYST in page and "auditor.one" in page
    asked = admin.post("/web/admin/users", {"username": "new.analyst", "role": "desk_analyst"})
    assert asked.status_code == 303 and "requested" in asked.headers["location"]
    mine = admin.get("/web/admin").text
    assert "new.analyst" in mine and "another administrator decides" in mine
    assert "/approve" not in mine  # the asker gets no approve form
    other = PageClient(app, "admin.two")
    theirs = other.get("/web/admin").text
    request_id = theirs.split("/web/admin/requests/")[1].split("/")[0]
    approved = other.post(f"/web/admin/requests/{request_id}/approve", {"reason": "new hire"})
    assert approved.status_code == 200 and "enrolment secret" in approved.text
    assert "new.analyst" in other.get("/web/admin").text
    bad = admin.post("/web/admin/users", {"username": "x", "role": "desk_analyst"})
    assert bad.status_code == 422 and "username" in bad.text
    assert admin.get("/web/audit").status_code == 403


def test_totp_accounts_need_their_code(app: Any, sqlite_database: Any) -> None:
    from urllib.parse import parse_qs, urlparse

    import pyotp
    from webhelpers import PASSWORD

    from vetline.auth.accounts import NewUser, create_user
    from vetline.db import Actor, UnitOfWork

    new = NewUser.parse(username="analyst.totp", role="desk_analyst", password=PASSWORD,
                        totp=True)  # fmt: skip
    with UnitOfWork(sqlite_database, Actor.system("test"), write=True) as uow:
        _, uri = create_user(uow, new)
        uow.commit()
    assert uri is not None
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    client = PageClient(app)
    assert client.login("analyst.totp").status_code == 401
    form = client.get("/web/login")
    from webhelpers import csrf_of

    response = client.http.post("/web/login", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_of(form.text), "username": "analyst.totp", "password": PASSWORD,
        "banner": "1", "totp": pyotp.TOTP(secret).now()})  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/web/desk"


def test_the_idle_lock_returns_to_the_form_with_a_notice(app: Any) -> None:
    page = PageClient(app).get("/web/login?locked=1").text
    assert "locked after a period without activity" in page
    analyst = PageClient(app, ANALYST).get("/web/desk").text
    assert 'data-idle-seconds="1800"' in analyst  # the server's idle limit, mirrored
