"""Name canonicalisation: table of examples plus properties that must hold for any text."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vetline.records import canonical_aliases, canonical_name
from vetline.records.names import malformed_aliases, map_distinct


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("García López", "GARCIA LOPEZ"),
        ("  nguyen   thi ", "NGUYEN THI"),
        ("AL-HASSAN", "AL-HASSAN"),
        ("O'Brien", "O'BRIEN"),
        ("O’Brien", "O'BRIEN"),
        ("Łukasz", "LUKASZ"),
        ("Straße", "STRASSE"),
        ("Ольга", "OL'GA"),
        ("Nguyễn", "NGUYEN"),
        ("ﬁsher", "FISHER"),
        ("\u2003Ana\u00a0María", "ANA MARIA"),
        ("   ", None),
        (None, None),
    ],
)
def test_canonical_name(raw: str | None, canonical: str | None) -> None:
    assert canonical_name(raw) == canonical


def test_aliases() -> None:
    assert canonical_aliases("lópez, josé|| GARCIA ,JOSE  L") == "LOPEZ, JOSE|GARCIA, JOSE L"
    assert malformed_aliases("GARCIA, JUAN|JUAN GARCIA") == "JUAN GARCIA"
    assert malformed_aliases(", JUAN") == ", JUAN"
    assert malformed_aliases("GARCIA, JUAN|") is None


@given(st.text(max_size=40))
def test_canonical_is_ascii_upper_and_idempotent(text: str) -> None:
    once = canonical_name(text)
    if once is None:
        return
    assert once.isascii()
    assert once == once.upper()
    assert once == once.strip()
    assert "  " not in once
    assert canonical_name(once) == once


def test_map_distinct_matches_per_value_and_uses_cache() -> None:
    column = pa.chunked_array([["Zoë", None, "Zoë", "bob"], ["bob"]])
    cache: dict[str, str | None] = {}
    out = map_distinct(column, canonical_name, cache)
    assert out.to_pylist() == ["ZOE", None, "ZOE", "BOB", "BOB"]
    assert cache == {"Zoë": "ZOE", "bob": "BOB"}
