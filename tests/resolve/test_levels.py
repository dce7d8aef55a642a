"""The level rules, table-driven: each row asserts the level and the reason given."""

from __future__ import annotations

import pytest

from vetline.resolve.config import ResolveSettings
from vetline.resolve.levels import Evidence, decide
from vetline.vocab import MatchLevel


def _ev(**changes: object) -> Evidence:
    base: dict[str, object] = {
        "probability": 0.999999,
        "match_weight": 20.0,
        "runner_up_weight": None,
        "runner_up_probability": None,
        "identifier_agrees": False,
        "fin_person": None,
        "name_expected_records": 0.01,
        "birth_country_agrees": True,
        "conflicts": (),
        "dob_agrees": True,
    }
    base.update(changes)
    return Evidence(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("evidence", "level", "reason", "basis"),
    [
        (_ev(identifier_agrees=True), MatchLevel.POSITIVE, "probability", "IDENTIFIER"),
        (_ev(fin_person="P2", probability=0.2), MatchLevel.POSITIVE, "decisive", "BIOMETRIC"),
        # biographic agreement alone, however exact, is at most PROBABLE (issue 11)
        (_ev(), MatchLevel.PROBABLE, "biometric confirmation needed", "BIOGRAPHIC"),
        (_ev(name_expected_records=40.0), MatchLevel.PROBABLE, "common name", "BIOGRAPHIC"),
        (
            _ev(name_expected_records=40.0, identifier_agrees=True),
            MatchLevel.POSITIVE,
            "probability",
            "IDENTIFIER",
        ),
        (
            _ev(runner_up_weight=15.0, runner_up_probability=0.99, identifier_agrees=True),
            MatchLevel.PROBABLE,
            "close",
            "IDENTIFIER",
        ),
        (
            _ev(runner_up_weight=5.0, runner_up_probability=0.97),
            MatchLevel.PROBABLE,
            "another person",
            "BIOGRAPHIC",
        ),
        (
            _ev(runner_up_weight=5.0, runner_up_probability=0.97, identifier_agrees=True),
            MatchLevel.POSITIVE,
            "probability",
            "IDENTIFIER",
        ),
        # an agreeing identifier contradicted by another of the subject's identifiers
        (
            _ev(identifier_agrees=True, contradicted=("a_number",)),
            MatchLevel.PROBABLE,
            "identifier contradicted",
            "BIOGRAPHIC",
        ),
        # an agreeing value another person holds too
        (
            _ev(identifier_agrees=True, shared=("fbi_number",)),
            MatchLevel.PROBABLE,
            "held by another person",
            "BIOGRAPHIC",
        ),
        (
            _ev(birth_country_agrees=False),
            MatchLevel.PROBABLE,
            "birth country is not confirmed",
            "BIOGRAPHIC",
        ),
        (_ev(conflicts=("sex",)), MatchLevel.POSSIBLE, "sex differ", "BIOGRAPHIC"),
        (_ev(dob_agrees=False), MatchLevel.POSSIBLE, "date of birth does not agree", "BIOGRAPHIC"),
        (
            _ev(dob_agrees=False, identifier_agrees=True),
            MatchLevel.POSITIVE,
            "probability",
            "IDENTIFIER",
        ),
        (_ev(namesakes=0.4), MatchLevel.PROBABLE, "namesakes expected", "BIOGRAPHIC"),
        (_ev(probability=0.993), MatchLevel.PROBABLE, "0.99", "BIOGRAPHIC"),
        (_ev(probability=0.993), MatchLevel.PROBABLE, "biometric confirmation", "BIOGRAPHIC"),
        (
            _ev(probability=0.995, identifier_agrees=True),
            MatchLevel.POSITIVE,
            "probability",
            "IDENTIFIER",
        ),
        (_ev(probability=0.7), MatchLevel.POSSIBLE, "0.5", "BIOGRAPHIC"),
        (_ev(probability=0.1), MatchLevel.NO_RECORD, "below", "NONE"),
    ],
)
def test_levels(evidence: Evidence, level: MatchLevel, reason: str, basis: str) -> None:
    decision = decide(evidence, "P1", ResolveSettings())
    assert decision.level is level
    assert str(decision.basis) == basis
    assert any(reason in r for r in decision.reasons), decision.reasons
    if evidence.fin_person:
        assert decision.person_id == evidence.fin_person
    elif level is MatchLevel.NO_RECORD:
        assert decision.person_id is None


def test_settings_file_and_bad_values(tmp_path: object) -> None:
    from pathlib import Path

    from vetline.errors import BadInput

    data = Path(str(tmp_path))
    (data / "resolve.toml").write_text("positive_threshold = 0.99999\n")
    assert ResolveSettings.load(data).positive_threshold == 0.99999
    (data / "resolve.toml").write_text("positive_threshold = 2\n")
    with pytest.raises(BadInput, match="positive_threshold"):
        ResolveSettings.load(data)
