"""The IAQ as received (issue 17 item 3): the body an agency sent — JSON text or an Nlets
message — kept with the query in the transaction that stores it, shown on the analyst's
query page exactly (escaped, character for character) and returned by the API's query
detail; nothing of it reaches an agency's other account, and the read is audited.

Over HTTP through the app (the test client, as the other page tests); the browser journey
(``test_browser.py``) checks the page in chromium.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from webhelpers import (
    AGENCY,
    ANALYST,
    OTHER_AGENCY,
    PageClient,
    WebWorld,
    citizens,
    iaq,
    nlets_message,
)

from vetline.db import Database
from vetline.desk.intake import MAX_BODY_BYTES


def post(client: PageClient, body: str, kind: str) -> Any:
    return client.api().post("/v1/iaq", content=body.encode(), headers={"content-type": kind})


def shown_raw(page: str) -> str:
    """The text of the page's ``pre#iaq-raw``, unescaped as the browser shows it."""
    found = re.search(r'<pre class="code raw" id="iaq-raw"[^>]*>(.*?)</pre>', page, re.S)
    assert found, "the query page shows no IAQ as received"
    text = found.group(1)
    assert text.startswith("\n")  # the one newline after <pre> the parser drops
    return html.unescape(text[1:])


def analyst_sees(app: Any, iar_id: str) -> tuple[str, dict[str, Any]]:
    analyst = PageClient(app, ANALYST)
    detail = analyst.api().get(f"/v1/queue/iaq/{iar_id}")
    assert detail.status_code == 200, detail.text
    page = analyst.get(f"/web/desk/{detail.json()['query_id']}")
    assert page.status_code == 200, page.text
    return page.text, detail.json()


def test_a_json_iaq_is_shown_as_received(app: Any, web_world: WebWorld) -> None:
    fact = citizens(web_world.facts, 1)[0]
    # key order, indentation and a trailing newline the canonical form does not keep
    raw = json.dumps(dict(reversed(iaq(fact, "RAW-JSON-1").items())), indent=3) + "\n"
    agency = PageClient(app, AGENCY)
    sent = post(agency, raw, "application/json")
    assert sent.status_code == 201, sent.text
    page, detail = analyst_sees(app, sent.json()["iar_id"])
    assert detail["iaq_raw"] == raw and detail["form"] == "json"
    assert shown_raw(page) == raw
    assert "Arrived as JSON" in page and "shown exactly as received" in page
    assert 'data-copy="iaq-raw"' in page  # the copy button, wired by app.js (no inline script)
    assert "<script>" not in page.split("</header>", 1)[-1]


def test_an_nlets_iaq_is_shown_as_received_and_escaped(app: Any, web_world: WebWorld) -> None:
    fact = citizens(web_world.facts, 2)[1]
    raw = nlets_message(fact, "RAW2")
    agency = PageClient(app, AGENCY)
    sent = post(agency, raw, "text/plain")
    assert sent.status_code == 201, sent.text
    page, detail = analyst_sees(app, sent.json()["iar_id"])
    assert detail["iaq_raw"] == raw and detail["form"] == "nlets"
    assert detail["iaq"]["remarks"][0] == "XYZ/<B>ZONE 4</B>"  # canonical: upper-cased
    assert shown_raw(page) == raw  # as sent: CR LF, lower case, the ampersand
    assert "TXT&#13;\n" in page  # the CR survives HTML parsing (copied as sent)
    assert "<b>zone 4</b>" not in page and "&lt;b&gt;zone 4&lt;/b&gt;" in page
    assert "Arrived as Nlets text" in page
    assert "As the desk parsed it (canonical JSON)" in page


def test_the_raw_iaq_is_not_for_agencies_and_its_read_is_audited(
    app: Any, web_world: WebWorld, sqlite_database: Database
) -> None:
    fact = citizens(web_world.facts, 3)[2]
    agency = PageClient(app, AGENCY)
    sent = post(agency, nlets_message(fact, "RAW3"), "text/plain")
    assert sent.status_code == 201, sent.text
    iar_id = sent.json()["iar_id"]
    assert "iaq_raw" not in sent.json()  # the IAR is unchanged: an IAR, not the IAQ
    for who in (AGENCY, OTHER_AGENCY):  # no agency reads the analysts' query detail
        denied = PageClient(app, who).api().get(f"/v1/queue/iaq/{iar_id}")
        assert denied.status_code == 403, denied.text
        assert "RAW3" not in denied.text
    _, detail = analyst_sees(app, iar_id)
    from sqlalchemy import text

    with sqlite_database.engine.connect() as conn:
        views = conn.execute(
            text("SELECT actor_username FROM audit_events WHERE event_type = 'IAR_VIEWED' "
                 "AND object_id = :q"), {"q": detail["query_id"]},
        ).scalars().all()  # fmt: skip
    assert ANALYST in views


def test_bodies_the_desk_cannot_keep_as_received_are_refused(app: Any) -> None:
    agency = PageClient(app, AGENCY)
    nul = post(agency, "IAQ.CA0194200.AX.RMS9.TXT\r\nNAM/DOE, JOHN\x00.DOB/19800101.", "text/plain")
    problem = nul.json()["error"]["fields"][0]
    assert nul.status_code == 422 and problem["field"] == "body" and "NUL" in problem["problem"]
    big = post(agency, "{" + " " * MAX_BODY_BYTES + "}", "application/json")
    assert big.status_code in (413, 422), big.text
    assert "body" in big.text
