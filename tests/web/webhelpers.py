"""Accounts, queries and a logged-in page client for the web tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSWORD = "correct horse battery staple"
ORI = "CA0194200"  # Los Angeles County Sheriff in the shipped directory
OTHER_ORI = "TX0570000"
AGENCY, OTHER_AGENCY, ANALYST = "agency.la", "agency.tx", "analyst.one"
HTML = {"accept": "text/html,application/xhtml+xml"}

#: username → (role, bindings)
ACCOUNTS: dict[str, tuple[str, dict[str, str]]] = {
    AGENCY: ("requesting_agency", {"ori": ORI}),
    OTHER_AGENCY: ("requesting_agency", {"ori": OTHER_ORI}),
    ANALYST: ("desk_analyst", {}),
    "analyst.two": ("desk_analyst", {}),
    "super.one": ("supervisor", {}),
    "vetting.one": ("vetting_officer", {}),
    "lead.one": ("lead_analyst", {}),
    "field.one": ("field_officer", {"aor": "LOS"}),
    "auditor.one": ("auditor", {}),
    "admin.one": ("administrator", {}),
    "admin.two": ("administrator", {}),
    "citizen.review": ("citizenship_reviewer", {}),
}


@dataclass(frozen=True)
class WebWorld:
    data: Path
    facts: list[dict[str, str]]


def add_users(db: Any) -> None:
    from vetline.auth.accounts import NewUser, create_user
    from vetline.db import Actor, UnitOfWork

    with UnitOfWork(db, Actor(user_id=None, username="cli:test", via="cli"), write=True) as uow:
        for name, (role, bindings) in ACCOUNTS.items():
            create_user(uow, NewUser.parse(username=name, role=role, password=PASSWORD,
                                           **bindings))  # fmt: skip
        uow.commit()


def subject_of(fact: dict[str, str]) -> dict[str, Any]:
    subject = {"last_name": fact["true_last_name"], "first_name": fact["true_first_name"],
               "dob": fact["true_dob"], "sex": fact["sex"]}  # fmt: skip
    if fact["a_number"]:
        subject["a_number"] = fact["a_number"]
    return subject


def iaq(fact: dict[str, str], iaq_id: str, ori: str = ORI, **extra: Any) -> dict[str, Any]:
    return {"iaq_id": iaq_id, "query_type": "IAQ", "ori": ori, "subject": subject_of(fact),
            "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-01"},
            **extra}  # fmt: skip


def nlets_message(fact: dict[str, str], control: str) -> str:
    """An Nlets IAQ as a terminal sends it: CR LF, an unknown tag with markup in it."""
    dob = fact["true_dob"].replace("-", "")
    return (
        f"IAQ.{ORI}.AX.{control}.TXT\r\n"
        f"PUR/C.ATN/DEP SMITH & JONES.PHN/5555550100."
        f"NAM/{fact['true_last_name']}, {fact['true_first_name']}.DOB/{dob}."
        f"SEX/{fact['sex']}.POB/XX.CUS/Y.OFF/0399.XYZ/<b>zone 4</b>."
    )


def citizens(facts: list[dict[str, str]], n: int) -> list[dict[str, str]]:
    """Persons the desk always queues (a citizen: the citizenship panel shows)."""
    return [f for f in facts if f["us_citizen"] == "Y" and f["true_last_name"]][:n]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


class PageClient:
    """A TestClient logged in through the web form, asking for pages as a browser does."""

    def __init__(self, app: Any, username: str | None = None) -> None:
        from fastapi.testclient import TestClient

        self.http = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        self.csrf = ""
        if username:
            response = self.login(username)
            assert response.status_code == 303, response.text

    def login(self, username: str, password: str = PASSWORD, banner: bool = True) -> Any:
        form = self.get("/web/login")
        fields = {"csrf_token": csrf_of(form.text), "username": username, "password": password,
                  "next": "/web/"}  # fmt: skip
        if banner:
            fields["banner"] = "1"
        response = self.http.post("/web/login", data=fields, headers=HTML, follow_redirects=False)
        if response.status_code == 303:
            self.csrf = csrf_of(self.get("/web/account").text)
        return response

    def get(self, path: str, **kw: Any) -> Any:
        return self.http.get(path, headers=HTML, follow_redirects=False, **kw)

    def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True) -> Any:
        fields = dict(data or {})
        if csrf:
            fields["csrf_token"] = self.csrf
        return self.http.post(path, data=fields, headers=HTML, follow_redirects=False)

    def api(self) -> Any:
        """The same session for JSON calls (the API's header CSRF)."""
        self.http.headers["X-CSRF-Token"] = self.csrf
        return self.http


def send(client: PageClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.api().post("/v1/iaq", content=json.dumps(body),
                                 headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code in (200, 201), response.text
    return dict(response.json())
