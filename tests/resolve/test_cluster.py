"""Which probable pairs may join records into a person (``cluster.clean_edges``), the
guards by edge kind, and the "possible same person" links left between persons."""

from __future__ import annotations

import pandas as pd
import pytest

from vetline.resolve.cluster import (
    CITIZENSHIP_CONFLICT,
    IDENTIFIERS,
    SOFT_ATTRIBUTES,
    UNCORROBORATED,
    classify,
    clean_edges,
    possible_links,
    weight_columns,
)
from vetline.resolve.comparisons import COMPARISONS, TYPO_LABEL
from vetline.resolve.model import LevelParams, MatchModel
from vetline.resolve.union_find import components


def _model() -> MatchModel:
    """Every level gets a distinct weight, so a weight names its level (as after training)."""
    comparisons = {
        c.name: [
            LevelParams(level.label, None, None, 0.0)
            if level.kind == "null"
            else LevelParams(level.label, 0.5, 0.5, 100.0 * k + i)
            for i, level in enumerate(c.levels)
        ]
        for k, c in enumerate(COMPARISONS, start=1)
    }
    return MatchModel(prior=1e-4, comparisons=comparisons)


def _weight(model: MatchModel, name: str, label: str) -> float:
    return float(next(p.log2_bf for p in model.comparisons[name] if p.label == label))


SWAP = "first and last name swapped, similar spelling (Jaro-Winkler ≥ 0.88)"


@pytest.mark.parametrize(
    ("levels", "kept", "why"),
    [
        (
            {"address": "exact", "zip": "exact", "dob": "exact", "forename": "exact"},
            True,
            "the street address in the same ZIP corroborates name and birth date",
        ),
        (
            {"address": "exact", "zip": "exact", "dob": "exact"},
            False,
            "not for a record without a first name (a twin's record at the twins' address)",
        ),
        (
            {"address": "exact", "zip": "exact"},
            False,
            "not without a birth date on both records (a Jr at his father's address)",
        ),
        (
            {"address": "similar (Jaro-Winkler ≥ 0.9)", "city": "exact"},
            False,
            "a similar address in one city may be another house on the same street",
        ),
        ({"address": "exact"}, False, "the same street address in another place does not"),
        (
            {"birth_country": "exact", "sex": "exact"},
            False,
            "birth country is no corroboration (look-alikes with a wrong birthplace)",
        ),
        ({"zip": "exact"}, False, "a ZIP code holds thousands (same-county look-alikes)"),
        ({"state": "exact", "city": "exact"}, False, "state and city hold millions"),
        ({}, False, "name and birth date alone never join (look-alikes)"),
        ({"address": "exact", "forename": "different"}, False, "a first-name conflict"),
        ({"address": "exact", "ssn": "different"}, False, "two SSNs: two people"),
        (
            {
                "address": "exact",
                "zip": "exact",
                "dob": "exact",
                "forename": "different",
                "surname": SWAP,
            },
            True,
            "first name 'different' only because the names are swapped",
        ),
        ({"ssn": "exact", "dob": "different"}, True, "an agreeing identifier is clean"),
        ({"ssn": TYPO_LABEL}, True, "an SSN one typo away corroborates (8.8e-8 by chance)"),
        ({"a_number": TYPO_LABEL}, True, "so does an A-number one typo away"),
        (
            {"ssn": TYPO_LABEL, "dob": "different"},
            False,
            "a typo-close SSN is no agreeing identifier: conflicts still count",
        ),
    ],
)
def test_clean_edges(levels: dict[str, str], kept: bool, why: str) -> None:
    model = _model()
    row: dict[str, object] = {"unique_id_l": "a", "unique_id_r": "b", "match_weight": 30.0}
    row["match_probability"] = 0.99999
    for column in weight_columns():
        row[column] = 0.0  # every comparison "missing on one side" unless set below
    for name, label in levels.items():
        row[f"mw_{name}"] = _weight(model, name, label)
    edges = clean_edges(pd.DataFrame([row]), 0.9999, model)
    assert (len(edges) == 1) is kept, why


def _persons(values: dict[str, list[str | None]]) -> list[str]:
    """Cluster ids of records r0, r1, … joined by r0–r1, r1–r2, … (no agreeing id)."""
    n = len(next(iter(values.values())))
    table = pd.DataFrame({"unique_id": [f"r{i}" for i in range(n)]})
    for column in (*IDENTIFIERS, *SOFT_ATTRIBUTES):
        table[column] = values.get(column, [None] * n)
    edges = pd.DataFrame(
        {
            "unique_id_l": [f"r{i}" for i in range(n - 1)],
            "unique_id_r": [f"r{i + 1}" for i in range(n - 1)],
            "id_agrees": False,
        }
    )
    return [str(v) for v in components(table, edges)]


@pytest.mark.parametrize(
    ("column", "values", "joined", "why"),
    [
        ("ssn", ["223456789", "223465798"], True, "two swaps: two keying errors (DL 2)"),
        ("a_number", ["023456789", "023456700"], True, "two wrong digits (DL 2)"),
        ("ssn", ["223456789", "223400089"], False, "three digits apart: two SSNs"),
        ("fin", ["1234567890", "1234567809"], True, "one swap in a FIN"),
        ("fin", ["1234567890", "1234567812"], False, "FINs are not re-keyed: DL 2 is two"),
    ],
)
def test_person_guard_tolerates_keying_errors_only(
    column: str, values: list[str], joined: bool, why: str
) -> None:
    ids = _persons({column: list(values)})
    assert (ids[0] == ids[1]) is joined, why


def test_person_guard_compares_every_value_held() -> None:
    """r1 is within two edits of r0 and r2, but r0 and r2 are four apart: r2 stays out."""
    ids = _persons({"ssn": ["223456789", "223456700", "223450000"]})
    assert ids[0] == ids[1] != ids[2]


@pytest.mark.parametrize(
    ("id_agrees", "joined", "why"),
    [
        (False, False, "address- or typo-corroborated: a U.S. and a foreign birthplace stay apart"),
        (True, True, "an agreeing identifier is the citizen's own wrong record: one person"),
    ],
)
def test_citizenship_guard_by_edge_kind(id_agrees: bool, joined: bool, why: str) -> None:
    table = pd.DataFrame({"unique_id": ["r0", "r1"]})
    for column in (*IDENTIFIERS, *SOFT_ATTRIBUTES):
        table[column] = None
    table["birth_country"] = ["US", "MX"]
    edges = pd.DataFrame({"unique_id_l": ["r0"], "unique_id_r": ["r1"], "id_agrees": [id_agrees]})
    refused: dict[tuple[str, str], str] = {}
    ids = components(table, edges, refused)
    assert (ids.iloc[0] == ids.iloc[1]) is joined, why
    if not joined:
        assert refused == {("r0", "r1"): CITIZENSHIP_CONFLICT}


def test_identifier_guard_holds_for_agreeing_edges_too() -> None:
    """r0 –SSN– r1 –FIN– r2: both edges agree on an identifier, r0 and r2 hold two A-numbers."""
    table = pd.DataFrame({"unique_id": ["r0", "r1", "r2"]})
    for column in (*IDENTIFIERS, *SOFT_ATTRIBUTES):
        table[column] = None
    table["a_number"] = ["088123456", None, "099876543"]
    edges = pd.DataFrame(
        {"unique_id_l": ["r0", "r1"], "unique_id_r": ["r1", "r2"], "id_agrees": [True, True]}
    )
    refused: dict[tuple[str, str], str] = {}
    ids = components(table, edges, refused)
    assert ids.iloc[0] == ids.iloc[1] != ids.iloc[2]
    assert refused == {("r1", "r2"): "two different A-numbers"}


def test_links_keep_the_strongest_pair_and_its_reason() -> None:
    model = _model()
    rows = []
    for left, right, weight, levels in [
        ("a1", "b1", 30.0, {}),  # uncorroborated
        ("a2", "b1", 35.0, {"birth_country": "different"}),  # stronger, a conflict
        ("a1", "a2", 40.0, {"ssn": "exact"}),  # joins a1 and a2
    ]:
        row: dict[str, object] = {"unique_id_l": left, "unique_id_r": right}
        row.update(match_weight=weight, match_probability=0.99999)
        for column in weight_columns():
            row[column] = 0.0
        for name, label in levels.items():
            row[f"mw_{name}"] = _weight(model, name, label)
        rows.append(row)
    scored = classify(pd.DataFrame(rows), 0.9999, model)
    table = pd.DataFrame({"unique_id": ["a1", "a2", "b1"]})
    for column in (*IDENTIFIERS, *SOFT_ATTRIBUTES):
        table[column] = None
    refused: dict[tuple[str, str], str] = {}
    clusters = components(table, scored[scored["clean"]], refused)
    by_record = pd.Series(clusters.to_numpy(), index=table["unique_id"].to_numpy())
    links = possible_links(scored, by_record, refused)
    assert len(links) == 1
    link = links.iloc[0]
    assert (link["unique_id_l"], link["unique_id_r"]) == ("a2", "b1")
    assert link["reason"] == "birth countries differ"
    assert set(scored.loc[~scored["clean"], "reason"]) == {UNCORROBORATED, "birth countries differ"}


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        (None, None, True),
        ("MARIA", "MARIA", True),
        ("M", "MARIA", True),  # an initial
        ("MARIA", "MARIE", True),  # a typo
        ("ANA M", "ANA MARIA", True),
        ("MARIA", None, False),  # on one record only: at one address, a sister
        (None, "MARIA", False),
        ("MARIA", "LUCIA", False),
        ("L", "MARIA", False),
    ],
)
def test_middle_names_agree_in_full(a: str | None, b: str | None, agree: bool) -> None:
    """Address corroboration needs the given names in full (the 250k otherworld's twins)."""
    from vetline.resolve.union_find import middles_agree, middles_conflict

    assert middles_agree(a, b) is agree
    # persons conflict only on two known, incompatible middle names
    sa, sb = {x for x in (a,) if x}, {x for x in (b,) if x}
    assert middles_conflict(sa, sb) is (bool(sa and sb) and not agree)
