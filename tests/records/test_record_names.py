"""Name canonicalisation: table of examples plus properties that must hold for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vetline.records import canonical_aliases, canonical_name


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
        ("St. John", "ST. JOHN"),
        ("عبد الله", "'BD LLH"),  # unidecode: the ayn is a backtick, read as an apostrophe
        ("   ", None),
    ],
)
def test_canonical_name(raw: str, canonical: str | None) -> None:
    assert canonical_name(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("J0NES", "not '0'"),
        ("SMITH, JR", "not ','"),
        ("---", "at least one letter"),
        ("😀", "at least one letter"),
        ("A" * 61, "at most 60"),
    ],
)
def test_names_that_are_keying_errors_are_refused(raw: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        canonical_name(raw)


def test_aliases_keep_the_good_ones_and_name_the_first_bad_one() -> None:
    assert canonical_aliases("lópez, josé|| GARCIA ,JOSE  L") == (
        "LOPEZ, JOSE|GARCIA, JOSE L",
        None,
    )
    kept, problem = canonical_aliases("GARCIA, JUAN|JUAN GARCIA|, JUAN")
    assert kept == "GARCIA, JUAN"
    assert problem is not None and problem.endswith("JUAN GARCIA")
    assert canonical_aliases("JUAN GARCIA") == (None, problem)


@given(st.text(max_size=40))
def test_canonical_is_ascii_upper_and_idempotent(text: str) -> None:
    try:
        once = canonical_name(text)
    except ValueError:
        return
    if once is None:
        return
    assert once.isascii()
    assert once == once.upper()
    assert once == once.strip()
    assert "  " not in once
    assert canonical_name(once) == once
