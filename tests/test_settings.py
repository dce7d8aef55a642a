"""The one settings object (issue 12 item 7): read once at an entry point, passed down.

Each test builds settings from an environment it sets itself (``monkeypatch``), as an
entry point would, and checks what the layers below receive.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vetline.audit.anchor import ANCHOR_FILE, AnchorLog
from vetline.auth.policy import AuthPolicy
from vetline.db.engine import database_url
from vetline.demo import demo_settings
from vetline.errors import BadInput
from vetline.settings import DEFAULT_SECRET, Settings


def test_options_override_the_environment_and_none_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VETLINE_DATA", str(tmp_path / "from-env"))
    monkeypatch.setenv("VETLINE_DATABASE_URL", "sqlite:///env.db")
    assert Settings.load().data == tmp_path / "from-env"
    chosen = Settings.load(tmp_path / "given", database_url=None)
    assert chosen.data == tmp_path / "given"
    assert chosen.resolved_database_url() == "sqlite:///env.db"
    assert Settings.load(database_url="sqlite:///opt.db").resolved_database_url() == (
        "sqlite:///opt.db"
    )


def test_the_engine_reads_no_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``$VETLINE_DATABASE_URL`` reaches the engine only through the settings."""
    monkeypatch.setenv("VETLINE_DATABASE_URL", "sqlite:///env.db")
    assert database_url(tmp_path) == f"sqlite:///{(tmp_path / 'vetline.db').resolve()}"
    assert Settings.load(tmp_path).resolved_database_url() == "sqlite:///env.db"


def test_a_bad_value_is_refused_naming_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VETLINE_SESSION_IDLE_MINUTES", "90")  # CJIS: at most 30
    with pytest.raises(BadInput) as caught:
        Settings.load()
    assert caught.value.field == "VETLINE_SESSION_IDLE_MINUTES"
    monkeypatch.delenv("VETLINE_SESSION_IDLE_MINUTES")
    with pytest.raises(BadInput) as option:
        Settings.load(max_in_flight=0)
    assert option.value.field == "--max-in-flight"


def test_an_empty_secret_is_the_demo_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VETLINE_SECRET_KEY", "")
    settings = Settings.load()
    assert settings.secret() == DEFAULT_SECRET
    with pytest.raises(BadInput, match="VETLINE_SECRET_KEY"):
        settings.check_secret()


def test_the_demo_adds_its_defaults_without_touching_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VETLINE_DEMO_MODE", raising=False)
    monkeypatch.setenv("VETLINE_COOKIE_SECURE", "1")  # exported by the operator: it wins
    settings = demo_settings(tmp_path)
    assert settings.demo_mode and settings.cookie_secure and settings.data == tmp_path
    settings.check_secret()  # the shipped secret is allowed in demo mode
    assert "VETLINE_DEMO_MODE" not in os.environ


def test_worker_environment_rebuilds_the_same_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``vetline serve --workers`` hands its worker processes, read back."""
    built = Settings.load(
        tmp_path, demo_mode=True, cookie_secure=False, secret_key="s" * 40, max_in_flight=7
    )
    for name in [n for n in os.environ if n.startswith("VETLINE_")]:
        monkeypatch.delenv(name)
    for name, value in built.as_environment().items():
        monkeypatch.setenv(name, value)
    again = Settings.load()
    assert again.model_dump() == built.model_copy(update={"data": tmp_path.resolve()}).model_dump()


def test_the_objects_built_from_the_settings(tmp_path: Path) -> None:
    settings = Settings.load(
        tmp_path, totp_required=True, lockout_threshold=3, audit_anchor_copy=tmp_path / "copy"
    )
    policy = AuthPolicy.from_settings(settings)
    assert policy.lockout_threshold == 3 and policy.totp_required_roles
    assert policy.pepper == DEFAULT_SECRET.encode("utf-8")
    anchor = AnchorLog.for_settings(settings)
    assert anchor.paths == (tmp_path / ANCHOR_FILE, tmp_path / "copy")
