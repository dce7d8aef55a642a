"""No NUL character reaches the database (found by schemathesis on PostgreSQL, which cannot
store nor compare text holding U+0000: an enrolment's user name, a claim's case id were 500s
there, SQLite took them). Refused before any route reads the request, on both backends,
naming where; a body that merely *says* backslash-u-0000 as text is still accepted; a page
offset past any SQL integer is refused as well."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trusthelpers import add_user, api_client

from vetline.api import Settings, create_app
from vetline.auth.roles import Role
from vetline.db import Database


def _app(database: Database, tmp_path: Path) -> Any:
    return create_app(
        Settings(demo_mode=True, rate_limit_per_minute=100_000, data=tmp_path / "data"),
        database=database,
    )


def test_a_nul_character_is_refused_wherever_it_is_sent(database: Database, tmp_path: Path) -> None:
    app = _app(database, tmp_path)
    add_user(database, "lead.nul", Role.LEAD_ANALYST)
    anonymous: Any = api_client(app)
    enrol = anonymous.post(
        "/v1/auth/enrol",
        json={"username": "ab\u0000c", "enrolment_secret": "s" * 20, "password": "p" * 20},
    )
    assert enrol.status_code == 422 and enrol.json()["error"]["field"] == "username", enrol.text
    login = anonymous.post("/v1/auth/login", json={"username": "x", "password": "\u0000"})
    assert login.status_code == 422 and login.json()["error"]["field"] == "password"
    nested = anonymous.post(
        "/v1/auth/login", json={"username": "x", "password": "y", "totp": ["1\u00002"]}
    )
    assert nested.status_code == 422 and nested.json()["error"]["field"] == "totp"
    lead: Any = api_client(app, "lead.nul")
    query = lead.get("/v1/batch-jobs", params={"offset": "1\u00002"})
    assert query.status_code == 422 and query.json()["error"]["field"] == "query"
    path = lead.get("/v1/batch-jobs/ab%00cd")
    assert path.status_code == 422 and path.json()["error"]["field"] == "path"


def test_text_that_only_spells_a_nul_escape_is_not_refused(
    database: Database, tmp_path: Path
) -> None:
    app = _app(database, tmp_path)
    anonymous: Any = api_client(app)
    spelled = anonymous.post(
        "/v1/auth/login", json={"username": "back\\u0000slash", "password": "wrong"}
    )
    assert spelled.status_code == 401, spelled.text  # a failed log-in, not a refused body


def test_a_page_offset_past_any_sql_integer_is_refused(database: Database, tmp_path: Path) -> None:
    app = _app(database, tmp_path)
    add_user(database, "lead.off", Role.LEAD_ANALYST)
    lead: Any = api_client(app, "lead.off")
    for path in ("/v1/batch-jobs", "/v1/batch-jobs/x/results"):
        huge = lead.get(path, params={"offset": str(2**70)})
        assert huge.status_code == 422 and huge.json()["error"]["field"] == "offset", huge.text


def test_a_nul_in_a_web_form_or_an_invisible_character_in_a_file_name_is_refused(
    database: Database, tmp_path: Path
) -> None:
    from vetline.web import install_web

    app = install_web(_app(database, tmp_path))
    add_user(database, "lead.form", Role.LEAD_ANALYST)
    anonymous: Any = api_client(app)
    form = anonymous.post("/web/login", data={"username": "a\u0000b", "password": "x"},
                          headers={"accept": "text/html"})  # fmt: skip
    assert form.status_code == 422, form.text
    lead: Any = api_client(app, "lead.form")
    named = lead.post(
        "/v1/batch-jobs",
        data={"purpose": "p", "authority": "a"},
        files={"file": ("li\u202est.csv", b"last_name,dob\nGARCIA,1980-01-02\n", "text/csv")},
    )
    assert named.status_code == 422 and named.json()["error"]["field"] == "file", named.text
    assert not (tmp_path / "data" / "batch").exists()  # nothing stored, no job to run
