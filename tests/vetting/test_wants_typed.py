"""The case intake's ``wants`` reads the desk's typed IAR and a stored IAR's JSON alike."""

from __future__ import annotations

from typing import Any

import pytest

from vetline.desk.iar_model import IAR
from vetline.vetting.intake import wants


def _iar(**changes: Any) -> dict[str, Any]:
    iar: dict[str, Any] = {
        "iar_id": "I1", "state": "ANSWERED",
        "match": {"level": "POSITIVE", "person_id": "P1", "basis": "IDENTIFIER"},
        "recommendation": {"action": "NO_ACTION", "requires_review": True, "reason": "r"},
    }  # fmt: skip
    for key, value in changes.items():
        part, _, field = key.partition("__")
        if field:
            iar[part] = {**iar[part], field: value}
        else:
            iar[part] = value
    return iar


@pytest.mark.parametrize(
    ("query_type", "changes", "opens"),
    [
        ("IAQ", {}, False),
        ("IAQ", {"recommendation__action": "DETAINER"}, True),
        ("IAQ", {"recommendation__action": "CITIZENSHIP_REVIEW"}, True),
        ("IAQ", {"recommendation__action": "DETAINER", "state": "QUEUED"}, False),
        ("BIOMETRIC", {}, True),
        ("IAQ", {"match__basis": "BIOMETRIC"}, True),
        ("BIOMETRIC", {"match__level": "PROBABLE"}, False),
        ("IAQ", {"recommendation": None}, False),  # the agency's view has none
    ],
)
def test_typed_and_stored_forms_agree(
    query_type: str, changes: dict[str, Any], opens: bool
) -> None:
    document = _iar(**changes)
    if document.get("recommendation") is None:
        document.pop("recommendation")
    typed = IAR.model_validate(document)
    assert (wants(query_type, typed) is not None) is opens
    assert (wants(query_type, document) is not None) is opens


def test_what_does_not_read_as_an_iar_opens_nothing() -> None:
    assert wants("IAQ", None) is None
    assert wants("IAQ", {}) is None
    assert wants("IAQ", {"iar_id": "I1", "match": {"level": "CERTAIN"}}) is None
