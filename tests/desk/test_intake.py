"""One intake path: the same body gives the same query whether JSON or Nlets, with flags."""

from __future__ import annotations

import json
from datetime import date

import pytest

from vetline.desk import InvalidQuery, Route, shipped_agencies
from vetline.desk.intake import MAX_BODY_BYTES, Form, accept, detect_form

RECEIVED = date(2026, 11, 24)
NLETS = (
    "IAQ.MD0030000.AX.Q7.TXT\n"
    "PUR/C.ATN/OFC J RIVERA.PHN/4105550100.NAM/DOE, JOHN Q.DOB/041285.SEX/M.POB/MM.CUS/Y."
    "OFF/1313.ARN/012345678"
)


def test_nlets_and_json_bodies_give_the_same_query() -> None:
    from_text = accept(NLETS.encode(), received=RECEIVED, directory=shipped_agencies())
    as_json = json.dumps(from_text.iaq.to_json())
    from_json = accept(as_json, received=RECEIVED, directory=shipped_agencies())
    assert (from_text.form, from_json.form) == (Form.NLETS, Form.JSON)
    assert from_text.iaq == from_json.iaq
    assert from_text.flags == () and from_text.agency is not None
    assert from_text.routing.route == Route("BAL", "Baltimore")
    assert from_text.notes and "041285 read as 1985-04-12" in from_text.notes[0]


def test_flags_collect_intake_and_ori_findings() -> None:
    text = NLETS.replace("MD0030000", "MD9999999").replace("DOB/041285", "DOB/041220")
    intake = accept(text, received=RECEIVED, directory=shipped_agencies())
    assert intake.flags == ("DOB_CENTURY_AMBIGUOUS", "UNKNOWN_ORI")
    assert intake.agency is None
    assert intake.routing.route == Route("BAL", "Baltimore")  # by the ORI's state


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"\xff\xfe{", "body"),
        ("x" * (MAX_BODY_BYTES + 1), "body"),
        ('{"query_type": "IAQ"', "body"),
        ("PUR/C.NAM/DOE, JOHN", "HEADER"),
        (
            json.dumps(
                {
                    "query_type": "IAQ",
                    "ori": "CA0194200",
                    "subject": {"last_name": "DOE"},
                    "encounter": {"date": "2027-01-01"},
                }
            ),
            "encounter.date",
        ),
    ],
)
def test_bad_bodies_are_refused_with_the_field(body: str | bytes, field: str) -> None:
    with pytest.raises(InvalidQuery) as caught:
        accept(body, received=RECEIVED, directory=shipped_agencies())
    assert caught.value.errors[0]["field"] == field


def test_the_form_can_be_forced_by_the_caller() -> None:
    with pytest.raises(InvalidQuery) as caught:
        accept(NLETS, received=RECEIVED, directory=shipped_agencies(), form=Form.JSON)
    assert "not valid JSON" in caught.value.errors[0]["problem"]
    assert detect_form("  {") is Form.JSON and detect_form("IAQ.") is Form.NLETS
