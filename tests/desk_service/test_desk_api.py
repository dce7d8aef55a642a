"""The desk over HTTP: agency isolation, AOR routing of split states, refusals, the queue,
the operations data. Real app, real database, real world."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from deskhelpers import ORI, OTHER_ORI, Clock, DeskWorld, add_user, client_for, first, iaq
from fastapi import FastAPI

from vetline.auth.roles import Role
from vetline.db import Database
from vetline.status import load_policy


@pytest.fixture
def clients(app: FastAPI, database: Database) -> dict[str, Any]:
    add_user(database, "agency.la", Role.REQUESTING_AGENCY, ori=ORI)
    add_user(database, "agency.tx", Role.REQUESTING_AGENCY, ori=OTHER_ORI)
    add_user(database, "analyst.one", Role.DESK_ANALYST)
    add_user(database, "analyst.two", Role.DESK_ANALYST)
    add_user(database, "officer.los", Role.FIELD_OFFICER, aor="LOS")
    add_user(database, "officer.sfr", Role.FIELD_OFFICER, aor="SFR")
    names = ("agency.la", "agency.tx", "analyst.one", "analyst.two", "officer.los", "officer.sfr")
    return {name: client_for(app, name) for name in names}


@pytest.fixture
def la_client(app: FastAPI, database: Database) -> Any:
    add_user(database, "agency.la", Role.REQUESTING_AGENCY, ori=ORI)
    return client_for(app, "agency.la")


def test_agency_sees_only_its_own_iars(clients: dict[str, Any], desk_world: DeskWorld) -> None:
    la, tx, analyst = clients["agency.la"], clients["agency.tx"], clients["analyst.one"]
    sent = la.post("/v1/iaq", json=iaq(desk_world.facts[1], iaq_id="ISO-1"))
    assert sent.status_code == 201, sent.text
    iar = sent.json()
    assert "recommendation" not in iar
    iar_id = iar["iar_id"]
    assert la.get(f"/v1/iar/{iar_id}").json()["iar_id"] == iar_id
    assert tx.get(f"/v1/iar/{iar_id}").status_code == 404
    assert [r["iar_id"] for r in tx.get("/v1/iar").json()] == []
    assert [r["iar_id"] for r in la.get("/v1/iar").json()] == [iar_id]
    assert "recommendation" in analyst.get(f"/v1/iar/{iar_id}").json()
    # the field office the IAR was routed to sees it (whole); another office does not
    officer = clients["officer.los"]
    assert [r["iar_id"] for r in officer.get("/v1/iar").json()] == [iar_id]
    assert "recommendation" in officer.get(f"/v1/iar/{iar_id}").json()
    assert clients["officer.sfr"].get(f"/v1/iar/{iar_id}").status_code == 404
    # an agency cannot send under another ORI
    wrong = tx.post("/v1/iaq", json=iaq(desk_world.facts[1], iaq_id="ISO-2"))
    assert wrong.status_code == 403


def test_resubmission_over_http_is_idempotent(
    clients: dict[str, Any], desk_world: DeskWorld
) -> None:
    la = clients["agency.la"]
    body = iaq(desk_world.facts[2], iaq_id="HTTP-IDEM")
    one, two = la.post("/v1/iaq", json=body), la.post("/v1/iaq", json=body)
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.json() == two.json()


@pytest.mark.parametrize(
    ("encounter", "aor", "office"),
    [
        ({"state": "CA", "county_fips": "06073"}, "SND", "San Diego"),
        ({"state": "CA", "county_fips": "06037"}, "LOS", "Los Angeles"),
        ({"state": "TX", "county_fips": "48201"}, "HOU", "Houston"),
        ({"state": "TX", "county_fips": "48061"}, "HLG", "Harlingen"),
        ({"state": "NY", "county_fips": "36061"}, "NYC", "New York City"),
        ({"state": "NY", "county_fips": "36029"}, "BUF", "Buffalo"),
        ({"state": "CA"}, "LOS", "Los Angeles"),  # split state, no county: the agency's AOR
    ],
)
def test_split_states_route_by_county(
    la_client: Any,
    desk_world: DeskWorld,
    encounter: dict[str, str],
    aor: str,
    office: str,
) -> None:
    body = iaq(desk_world.facts[6], iaq_id=f"AOR-{encounter.get('county_fips', 'none')}")
    body["encounter"] = encounter
    sent = la_client.post("/v1/iaq", json=body)
    assert sent.status_code == 201, sent.text
    assert sent.json()["routing"] == {"aor": aor, "field_office": office}
    assert f"({aor})" in sent.json()["nlets_text"]


def test_bad_bodies_get_422_with_fields(la_client: Any) -> None:
    la = la_client
    bad = la.post("/v1/iaq", json={"query_type": "IAQ", "ori": ORI, "subject": {"dob": "x"}})
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["code"] == "invalid_query"
    assert {"subject.dob", "subject"} & {f["field"] for f in error["fields"]}
    text = la.post("/v1/iaq", content="IAQ.CA0194200.AX.TXT\nNAM/DOE, J.",
                   headers={"content-type": "text/plain"})  # fmt: skip
    assert text.status_code == 422
    assert "DOB" in {f["field"] for f in text.json()["error"]["fields"]}


def _queued(clients: dict[str, Any], facts: list[dict[str, str]], n: int) -> list[dict[str, Any]]:
    """Send queries until ``n`` are queued (citizens always are)."""
    citizens = [f for f in facts if f["us_citizen"] == "Y"][:n]
    out = []
    for k, fact in enumerate(citizens):
        custody = {"in_custody": True, "release_date": "2026-11-25"} if k == n - 1 else None
        body = iaq(fact, iaq_id=f"QUEUE-{k}", custody=custody)
        if custody is None:
            body.pop("custody")
        iar = clients["agency.la"].post("/v1/iaq", json=body).json()
        assert iar["state"] == "QUEUED", iar
        out.append(iar)
    return out


def test_queue_claim_answer(clients: dict[str, Any], desk_world: DeskWorld, clock: Clock) -> None:
    one, two = clients["analyst.one"], clients["analyst.two"]
    sent = _queued(clients, desk_world.facts, 3)
    items = one.get("/v1/queue/iaq").json()
    assert len(items) == 3
    assert items[0]["priority"] < items[1]["priority"], "in custody with release pending first"
    assert not any(i["overdue"] for i in items)
    clock.now += timedelta(hours=5)
    assert all(i["overdue"] for i in one.get("/v1/queue/iaq").json())
    query_id = items[0]["query_id"]
    detail = one.get(f"/v1/queue/iaq/{query_id}").json()
    assert detail["draft"]["resolution"]["candidates"]
    assert one.post(f"/v1/queue/iaq/{query_id}/claim").status_code == 200
    assert two.post(f"/v1/queue/iaq/{query_id}/claim").status_code == 409
    refused = two.post(f"/v1/queue/iaq/{query_id}/answer", json={"reason": "looks right"})
    assert refused.status_code == 422
    answered = one.post(f"/v1/queue/iaq/{query_id}/answer", json={"reason": "A-file checked"})
    assert answered.status_code == 200, answered.text
    iar = answered.json()
    assert iar["state"] == "ANSWERED" and iar["match"]["confirmed_by"] == "analyst.one"
    assert iar["iar_id"] == sent[-1]["iar_id"]
    seen = clients["agency.la"].get(f"/v1/iar/{iar['iar_id']}").json()
    assert seen["state"] == "ANSWERED" and "recommendation" not in seen
    assert "REMOVABILITY/WITHHELD" in seen["nlets_text"] or "CITIZEN" in seen["nlets_text"]
    # one IAR, one story: answered means answered, a citizen's IAR carries no ground in
    # either form, and the Nlets header shows when it was answered
    assert seen["answer"]["result"] != "PENDING_REVIEW", seen["answer"]
    if "POSSIBLE_US_CITIZEN" in seen["flags"]:
        assert seen["removability"]["grounds"] == []
        assert seen["removability"]["assessment"] == "UNDETERMINED"
        assert "GROUND/" not in seen["nlets_text"]
        assert "WITHHELD PENDING CITIZENSHIP REVIEW" in seen["answer"]["reason"].upper()
    assert f"RESPONDED/{seen['responded_at'].upper()}" in seen["nlets_text"]
    again = one.post(f"/v1/queue/iaq/{query_id}/answer", json={"reason": "twice"})
    assert again.status_code in (404, 422)
    assert len(one.get("/v1/queue/iaq").json()) == 2


def test_analyst_corrects_to_no_record(clients: dict[str, Any], desk_world: DeskWorld) -> None:
    one = clients["analyst.one"]
    _queued(clients, desk_world.facts, 1)
    query_id = one.get("/v1/queue/iaq").json()[0]["query_id"]
    assert one.post(f"/v1/queue/iaq/{query_id}/claim").status_code == 200
    iar = one.post(
        f"/v1/queue/iaq/{query_id}/answer", json={"reason": "not this person", "no_record": True}
    ).json()
    assert iar["match"]["level"] == "NO_RECORD" and iar["match"]["records"] == []
    assert iar["removability"]["assessment"] not in ("REMOVABLE", "REMOVABLE_IF_CONVICTED")
    assert iar["recommendation"]["action"] == "NO_ACTION"


def test_ops_numbers(clients: dict[str, Any], desk_world: DeskWorld) -> None:
    la = clients["agency.la"]
    lpr = first(desk_world.facts, true_status="LPR")
    la.post("/v1/iaq", json=iaq(lpr, iaq_id="OPS-1"))
    _queued(clients, desk_world.facts, 1)
    stats = clients["analyst.one"].get("/v1/ops/desk").json()
    assert stats["received"] == 2
    assert sum(h["count"] for h in stats["per_hour"]) == 2
    assert stats["open"] >= 1
    assert sum(stats["match_levels"].values()) == 2
    assert set(stats["response_ms"]["all"]) == {"p50", "p90", "p99", "count"}
    assert la.get("/v1/ops/desk").status_code == 403


def test_without_an_index_queries_are_kept_then_answered(
    app: FastAPI, database: Database, lookup: Any, desk_world: DeskWorld
) -> None:
    from vetline.api.routers.desk import install_desk
    from vetline.desk.service import DeskService
    from vetline.errors import BadInput

    ready = {"index": False}

    def factory() -> Any:
        if not ready["index"]:
            raise BadInput("data", "no person index; run `vetline build` first")
        return lookup

    install_desk(app, DeskService(database, factory, policy=load_policy()))
    add_user(database, "agency.la", Role.REQUESTING_AGENCY, ori=ORI)
    la = client_for(app, "agency.la")
    body = iaq(desk_world.facts[8], iaq_id="KEPT-1")
    first_try = la.post("/v1/iaq", json=body)
    assert first_try.status_code == 503
    assert first_try.json()["error"]["code"] == "desk_unavailable"
    ready["index"] = True
    second = la.post("/v1/iaq", json=body)
    assert second.status_code == 200  # the kept query, answered now: not a second query
    assert second.json()["iaq_id"] == "KEPT-1"
