"""Standardisation: one table row per name phenomenon, asserting value and reason."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from vetline.resolve.given_names import given_symbols
from vetline.resolve.identifiers import (
    canon_a_number,
    canon_identifier,
    canon_ssn,
    ssn_head,
    ssn_tail,
)
from vetline.resolve.standardise import (
    clean_name,
    forename_parts,
    name_key,
    parse_dob,
    phonetic,
    standardise_arrow,
    standardise_frame,
    standardise_one,
    surname_tokens,
    translit_key,
)


@pytest.mark.parametrize(
    ("raw", "tokens", "why"),
    [
        ("DE LA CRUZ", ["CRUZ"], "Spanish particles dropped"),
        ("AL-HASSAN", ["HASSAN"], "Arabic article with hyphen dropped"),
        ("VAN DER BERG", ["BERG"], "Dutch particles dropped"),
        ("GARCIA LOPEZ", ["GARCIA", "LOPEZ"], "double surname kept as two tokens"),
        ("GARCIA Y LOPEZ", ["GARCIA", "LOPEZ"], "conjunction y dropped"),
        ("DE LA", ["DE", "LA"], "only particles: keep them rather than nothing"),
        ("O'BRIEN", ["OBRIEN"], "apostrophe removed without a gap"),
    ],
)
def test_surname_particles_and_double_surnames(raw: str, tokens: list[str], why: str) -> None:
    assert surname_tokens(clean_name(raw)) == tokens, why


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("José Núñez", "JOSE NUNEZ"),
        ("  smith ", "SMITH"),
        ("UNKNOWN", None),
        ("FNU", None),
        ("", None),
        (None, None),
        ("Müller-Lüdenscheidt", "MULLER LUDENSCHEIDT"),
    ],
)
def test_clean_name_folds_and_drops_placeholders(raw: str | None, expected: str | None) -> None:
    assert clean_name(raw) == expected


def test_order_swap_gives_same_name_key() -> None:
    assert name_key("GARCIA", "JUAN") == name_key("JUAN", "GARCIA") == "GARCIA JUAN"
    assert name_key("GARCIA", None) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MOHAMMED", "MUHAMMAD"),
        ("ROBERT", "BOB"),
        ("WILLIAM", "BILL"),
        ("ABDUL RAHMAN", "ABDELRAHMAN"),
        ("MOHAMMED", "محمد"),
    ],
)
def test_transliteration_and_nicknames_share_a_rigour_symbol(a: str, b: str) -> None:
    assert set(given_symbols(a)) & set(given_symbols(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [("MARGARET", "PEGGY"), ("ELIZABETH", "BETTY"), ("KATHERINE", "KATE"), ("RICHARD", "DICK")],
)
def test_english_nicknames_rigour_misses_share_a_nicknames_symbol(a: str, b: str) -> None:
    """Issue 11 item 7: a nickname is evidence, not a first-name conflict."""
    assert set(given_symbols(a)) & set(given_symbols(b))


def test_unrelated_given_names_share_no_symbol() -> None:
    assert not set(given_symbols("ROBERT")) & set(given_symbols("MARIA"))
    assert not set(given_symbols("ALBERT")) & set(given_symbols("ALFRED"))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("SMITH", "SMYTH", True), ("MOHAMMED", "MUHAMMAD", True), ("SMITH", "JONES", False)],
)
def test_phonetic_keys(a: str, b: str, same: bool) -> None:
    assert (phonetic(a) == phonetic(b)) is same


@pytest.mark.parametrize(
    ("a", "b"), [("HUSSEIN", "HUSSAIN"), ("HUSSEIN", "HOSEIN"), ("CHAIKOVSKY", "CHAIKOVSKI")]
)
def test_transliteration_key_folds_vowel_spellings(a: str, b: str) -> None:
    assert translit_key(a) == translit_key(b)


def test_first_name_may_hold_middle_names() -> None:
    assert forename_parts("JUAN CARLOS", None) == ("JUAN", "CARLOS")
    assert forename_parts(None, "MARIA") == ("MARIA", None)


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("1985-03-02", (1985, 3, 2)),
        ("1985-03", (1985, 3, None)),
        ("1985", (1985, None, None)),
        ("19850302", (1985, 3, 2)),
        ("1985-13-02", (1985, 13, 2)),
        ("0000-01-01", (None, None, None)),
        ("garbage", (None, None, None)),
        (None, (None, None, None)),
    ],
)
def test_dob_parsing_is_lenient_and_partial(raw: str | None, parts: tuple[int | None, ...]) -> None:
    assert parse_dob(raw) == parts


@pytest.mark.parametrize(
    ("fn", "raw", "expected"),
    [
        (canon_a_number, "A-1234567", "001234567"),
        (canon_a_number, "A223456789", "223456789"),
        (canon_ssn, "123456789", None),
        (canon_a_number, "12345", None),
        (canon_ssn, "223-45-6789", "223456789"),
        (canon_ssn, "000-00-0000", None),
        (canon_ssn, "666-12-3456", None),
        (canon_ssn, "999999999", None),
        (canon_identifier, "ca 1234-5678", "CA12345678"),
        (canon_identifier, "UNKNOWN", None),
    ],
)
def test_identifier_canonicalisation(fn: object, raw: str, expected: str | None) -> None:
    assert fn(raw) == expected  # type: ignore[operator]


def test_frame_and_one_row_standardise_identically() -> None:
    rows = [
        {
            "source": "status",
            "record_id": "1",
            "last_name": "DE LA CRUZ",
            "first_name": "BOB",
            "dob": "1985-03",
            "a_number": "A1234567",
            "ssn": "223-45-6789",
            "city": "San José",
        },
        {"source": "criminal", "record_id": "2", "last_name": "NGUYEN", "first_name": None},
    ]
    frame = standardise_frame(pd.DataFrame(rows))
    for i, row in enumerate(rows):
        one = standardise_one(row)
        for column, value in one.items():
            got = frame.iloc[i][column]
            got = None if got is pd.NA else got
            assert got == value or (got is None and value is None), column


def test_repeated_and_missing_values_standardise_as_one_row_each() -> None:
    """``standardise_frame`` runs each function once per distinct value (or pair of
    values) and spreads the results by code: every row must still get its own row's
    standardisation, nulls and repeats included, on any index."""
    firsts = ["BOB", "BOB JOHN", None, "Mary", "BOB", "", "UNKNOWN", "ANNE"]
    middles = [None, "LEE", "LEE", None, "LEE", "KAY", None, None]
    rows = [
        {
            "source": ["status", None, "court"][i % 3],
            "record_id": None if i == 5 else str(i % 5),
            "last_name": ["GARCIA LOPEZ", "DE LA CRUZ", None, "NGUYEN", "GARCIA LOPEZ"][i % 5],
            "first_name": firsts[i % len(firsts)],
            "middle_name": middles[(i * 3) % len(middles)],
            "dob": ["1985-03-02", "1985", None, "19850302", "bad", "1985-03"][i % 6],
            "ssn": ["223-45-6789", None, "000000000", "223456789"][i % 4],
            "sex": ["M", "F", None, "Q"][i % 4],
            "zip": ["90011", None][i % 2],
        }
        for i in range(40)
    ]
    frame = pd.DataFrame(rows, index=[3 * i + 7 for i in range(40)])
    table = standardise_frame(frame)
    assert list(table.index) == list(range(40))
    assert str(table["dob_year"].dtype) == "Int64"
    for i, row in enumerate(rows):
        for column, value in standardise_one(row).items():
            got = table.iloc[i][column]
            got = None if got is pd.NA else got
            assert got == value or (got is None and value is None), (i, column)


def test_arrow_and_frame_standardise_identically() -> None:
    """The build standardises Arrow chunks (``standardise_arrow``: Arrow's dictionary
    codes, pools across chunks); the real-time path, frames. Same table."""
    rows = [
        {"source": None, "record_id": "9", "last_name": "DE LA CRUZ", "first_name": "BOB",
         "dob": "1985-03", "ssn": "223-45-6789", "city": "San José"},
        {"source": "court", "record_id": None, "last_name": None, "first_name": "ANNE MARIE",
         "middle_name": "KAY", "sex": "F", "zip": "90011"},
        {"source": "court", "record_id": "2", "last_name": "DE LA CRUZ", "first_name": "BOB",
         "dob": "bad", "sex": "Q", "address": "17 Linden Avenue"},
    ] * 3  # fmt: skip
    columns = ["source", "record_id", "last_name", "first_name", "middle_name", "dob",
               "sex", "ssn", "city", "zip", "address"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    table = pa.Table.from_pandas(frame, preserve_index=False).cast(
        pa.schema([(c, pa.string()) for c in columns])
    )
    expected = standardise_frame(frame)
    pd.testing.assert_frame_equal(standardise_arrow(table), expected)
    pools: dict[str, dict[object, object]] = {}
    halves = [standardise_arrow(table.slice(0, 4), pools), standardise_arrow(table.slice(4), pools)]
    pd.testing.assert_frame_equal(pd.concat(halves, ignore_index=True), expected)
    assert halves[0]["surname_tokens"][0] is halves[1]["surname_tokens"][4]  # one list
    no_keys = standardise_arrow(table, keys=False)
    assert no_keys["unique_id"].isna().all() and no_keys["record_id"].isna().all()


@pytest.mark.parametrize(
    ("right", "typo"),
    [
        ("223456789", "823456789"),  # wrong first digit
        ("223456789", "223456780"),  # wrong last digit
        ("223456789", "223465789"),  # adjacent digits swapped across the middle
        ("223456789", "22345789"),  # a digit missing
        ("223456789", "2234567891"),  # a digit extra
        ("1234567", "1243567"),  # FEBRL's 7-digit ids, swap in the middle
    ],
)
def test_an_ssn_typo_keeps_one_half_for_blocking(right: str, typo: str) -> None:
    assert ssn_head(right) == ssn_head(typo) or ssn_tail(right) == ssn_tail(typo)


def test_ssn_halves_leave_the_middle_digit_out_and_short_numbers_alone() -> None:
    assert (ssn_head("223456789"), ssn_tail("223456789")) == ("2234", "6789")
    assert (ssn_head("1234567"), ssn_tail("1234567")) == ("123", "567")
    assert ssn_head("12345") is None and ssn_tail(None) is None
    row = standardise_one({"last_name": "X", "ssn": "223-45-6789"})
    assert (row["ssn_head"], row["ssn_tail"]) == ("2234", "6789")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("2743 Sunset St.", "2743 SUNSET ST"),  # the house number is the household
        ("17 LINDEN AVENUE", "17 LINDEN AVE"),  # USPS Publication 28 suffixes
        ("10 North Main Street, Apt 4", "10 N MAIN ST APT 4"),
        ("   ", None),
    ],
)
def test_addresses_keep_their_house_numbers(raw: str, clean: str | None) -> None:
    from vetline.resolve.standardise import clean_address

    assert clean_address(raw) == clean
