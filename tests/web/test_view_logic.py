"""The pure view logic, table-driven: waterfall steps, records side by side, citizenship
signs and the precision band — each asserting the value and what it says."""

from __future__ import annotations

from datetime import date

import pytest

from vetline.web import citizenship, compare, precision, waterfall

EXPLANATION = [
    {"field": "prior", "comparison": "prior (two random records match)", "weight": -16.0},
    {"field": "surname", "comparison": "exact", "weight": 9.5, "tf_adjustment": 1.5},
    {"field": "dob", "comparison": "exact", "weight": 12.0, "tf_adjustment": 0.0},
    {"field": "sex", "comparison": "different", "weight": -3.0},
]


def test_waterfall_steps_accumulate_to_the_final_weight_and_probability() -> None:
    steps = waterfall.steps_of(EXPLANATION)
    assert [s.after for s in steps] == [-16.0, -6.5, 5.5, 2.5]
    assert steps[1].level_weight == 8.0 and steps[1].tf_adjustment == 1.5
    assert steps[-1].probability == pytest.approx(1 / (1 + 2**-2.5))
    chart = waterfall.chart(EXPLANATION)
    assert chart.final_weight == 2.5 and len(chart.bars) == 4
    assert [b.rising for b in chart.bars] == [False, True, True, False]
    assert all(b.x >= waterfall.LABEL_WIDTH for b in chart.bars)


def test_waterfall_of_nothing_is_empty() -> None:
    chart = waterfall.chart([])
    assert chart.steps == () and chart.final_probability == 0.5


@pytest.mark.parametrize(
    ("asked", "recorded", "differs"),
    [
        ({"last_name": "Núñez"}, {"last_name": "NUNEZ"}, False),  # accent- and case-blind
        ({"dob": "1990-01-02"}, {"dob": "1990-02-01"}, True),
        ({"a_number": "A012345678"}, {"a_number": "A012345678"}, False),
        ({}, {"last_name": "DOE"}, False),  # nothing asked: nothing to differ from
        ({"last_name": "DOE"}, {"city": "X", "last_name": ""}, False),  # nothing recorded
    ],
)
def test_records_differ_from_the_query(
    asked: dict[str, str], recorded: dict[str, str], differs: bool
) -> None:
    row = {"source": "status", "record_id": "R1", "record_date": "2026-01-01", **recorded}
    _, columns = compare.grid(asked, [row], date(2026, 1, 11))
    field = next(iter({*asked, *recorded} - {"city"}))
    assert columns[0].cells[field].differs is differs
    assert columns[0].age_days == 10


def test_records_are_newest_first_and_keep_their_own_facts() -> None:
    rows = [
        {"source": "criminal", "record_id": "C1", "record_date": "2020-05-01", "charge_code": "13"},
        {"source": "status", "record_id": "S1", "record_date": "2024-05-01"},
    ]
    fields, columns = compare.grid({"last_name": "DOE"}, rows, date(2026, 1, 1))
    assert [c.record_id for c in columns] == ["S1", "C1"]
    assert columns[1].events == {"charge_code": "13"}
    assert fields == ["last_name"]


@pytest.mark.parametrize(
    ("assessment", "count", "says"),
    [
        ({"status": {"code": "NATURALIZED_CITIZEN", "summary": "naturalized"}}, 1, "status"),
        ({"flags": ["POSSIBLE_US_CITIZEN"], "status": {"code": "LPR"}}, 1, "POSSIBLE_US_CITIZEN"),
        ({"recommendation": {"action": "CITIZENSHIP_REVIEW", "reason": "parent"}}, 1, "REVIEW"),
        (
            {
                "possible_same_person": [
                    {
                        "person_id": "P9",
                        "direction": "CITIZENSHIP",
                        "text": "born in Texas",
                        "citation": "INA 301",
                    }
                ]
            },
            1,
            "P9",
        ),
        ({"possible_same_person": [{"person_id": "P9", "direction": "NOT_A_GROUND"}]}, 0, ""),
        ({"status": {"code": "LPR"}, "flags": ["IN_CUSTODY"]}, 0, ""),
    ],
)
def test_citizenship_signs(assessment: dict[str, object], count: int, says: str) -> None:
    signs = citizenship.signs_of({"assessment": assessment})
    assert len(signs) == count
    assert all(says in s.text for s in signs)


def test_precision_bands_come_from_the_shipped_table() -> None:
    bands = precision.bands()
    assert bands, "data/precision_bands.csv is shipped"
    assert all(b.source for b in bands)
    top = precision.band_of(1.0)
    assert top is not None and top.high >= 1.0
    assert precision.band_of(None) is None
    for b in bands:
        assert precision.band_of((b.low + b.high) / 2) == b
