"""Issue 14 over HTTP: the queue opened by the agency's ``iar_id``, both ids in both lists,
curl's default form content type, and ``/docs`` served from shipped files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from deskhelpers import ORI, DeskWorld, add_user, client_for, dumps, iaq
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from vetline.auth.roles import Role
from vetline.cli import app as cli_app
from vetline.db import Database
from vetline.errors import BadInput


def _clients(app: FastAPI, database: Database) -> tuple[Any, Any]:
    add_user(database, "agency.la", Role.REQUESTING_AGENCY, ori=ORI)
    add_user(database, "analyst.one", Role.DESK_ANALYST)
    return client_for(app, "agency.la"), client_for(app, "analyst.one")


def _queued_iar(agency: Any, desk_world: DeskWorld) -> dict[str, Any]:
    citizen = next(f for f in desk_world.facts if f["us_citizen"] == "Y")
    iar: dict[str, Any] = agency.post("/v1/iaq", json=iaq(citizen, iaq_id="FH-1")).json()
    assert iar["state"] == "QUEUED", iar
    return iar


def test_queue_item_opens_by_iar_id_and_lists_show_both_ids(
    app: FastAPI, database: Database, desk_world: DeskWorld
) -> None:
    agency, analyst = _clients(app, database)
    iar = _queued_iar(agency, desk_world)
    items = analyst.get("/v1/queue/iaq").json()
    assert [(i["iar_id"], i["iaq_id"]) for i in items] == [(iar["iar_id"], "FH-1")]
    query_id = items[0]["query_id"]
    by_iar = analyst.get(f"/v1/queue/iaq/{iar['iar_id']}")
    assert by_iar.status_code == 200, by_iar.text
    assert by_iar.json()["query_id"] == query_id
    assert by_iar.json()["iar_id"] == iar["iar_id"]
    # the analysts' IAR list carries the query id; an agency's does not (nothing to use it on)
    assert [r["query_id"] for r in analyst.get("/v1/iar").json()] == [query_id]
    assert "query_id" not in agency.get("/v1/iar").json()[0]
    # claim and answer by the agency's id too
    assert analyst.post(f"/v1/queue/iaq/{iar['iar_id']}/claim").status_code == 200
    done = analyst.post(f"/v1/queue/iaq/{iar['iar_id']}/answer", json={"reason": "checked"})
    assert done.status_code == 200, done.text
    assert analyst.get("/v1/queue/iaq/no-such-id").status_code == 404


def test_curl_default_form_content_type_gets_a_clear_4xx_not_a_500(
    app: FastAPI, database: Database, desk_world: DeskWorld
) -> None:
    """``curl -d @iaq.json`` sends application/x-www-form-urlencoded. It was a 500 (the CSRF
    check parsed the form and consumed the body the route then read); the API now refuses
    the type with 415 naming the types it takes (trust's body-type check), for a token
    and for a session alike — and the README's examples send ``content-type``."""
    agency, _ = _clients(app, database)
    issued = agency.post(
        "/v1/tokens", json={"name": "curl", "scopes": ["iaq.submit", "iar.read"]}
    ).json()
    bearer = TestClient(app, base_url="https://testserver")
    bearer.headers["Authorization"] = f"Bearer {issued['token']}"
    form = {"content-type": "application/x-www-form-urlencoded"}
    for n, client in enumerate((bearer, agency)):  # a token, and a session with its CSRF header
        body = dumps(iaq(desk_world.facts[3 + n], iaq_id=f"FH-FORM-{n}"))
        sent = client.post("/v1/iaq", content=body, headers=form)
        assert sent.status_code == 415, sent.text
        assert "application/json" in sent.json()["error"]["message"]
        ok = client.post("/v1/iaq", content=body, headers={"content-type": "application/json"})
        assert ok.status_code == 201, ok.text


def test_docs_page_and_its_assets_are_served_locally(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver")
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace('lang="en"', "")  # no CDN, no absolute URL
    assert "<script>" not in page.text  # no inline script: the strict policy holds
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    for name, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css"),
                       ("docs-init.js", "javascript"), ("favicon.png", "image/png")):  # fmt: skip
        asset = client.get(f"/docs/{name}")
        assert asset.status_code == 200, name
        assert kind in asset.headers["content-type"]
    assert client.get("/docs/../../etc/passwd").status_code == 404
    assert client.get("/docs/redoc.standalone.js").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "vetline"
    # every other response keeps the API's own strict policy
    assert (
        client.get("/healthz")
        .headers["content-security-policy"]
        .startswith("default-src 'none'; frame-ancestors")
    )


def test_query_file_line_that_is_not_json_is_refused_as_such(
    sqlite_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    desk_world: DeskWorld,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("VETLINE_DATABASE_URL", sqlite_database_url)
    source, out = tmp_path / "iaqs.jsonl", tmp_path / "iars.jsonl"
    good = dumps(iaq(desk_world.facts[0], iaq_id="FH-JSON"))
    source.write_text(f"{good}\nhello, this is not json\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli_app, ["query", "--data", str(desk_world.data), "--file", str(source), "--out", str(out)]
    )
    assert isinstance(result.exception, BadInput)
    answers = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert answers[0]["iaq_id"] == "FH-JSON"
    assert answers[1]["line"] == 2 and answers[1]["error"]["code"] == "not_json"
    assert "Nlets" not in json.dumps(answers[1])
