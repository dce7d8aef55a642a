"""Build-time guards of issue 11: what joins records into one person, what stays apart
as a "possible same person" link, and that a valid extract always builds.

The look-alike constructions are added to the tiny built world (its model is reused,
so only predict + cluster run again); the no-date-of-birth and no-identifier extracts
are built from scratch, training included, because training is what used to crash.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
import world

from conftest import BuiltWorld
from vetline.records import ingest_extract
from vetline.records.contract import columns_of
from vetline.resolve import build_persons
from vetline.resolve.cluster import FORENAME_AT_ADDRESS, MIDDLE_AT_ADDRESS, UNCORROBORATED
from vetline.resolve.links import LINK_SCHEMA, read_links

#: Rare names, so that name + date of birth scores as strongly as it can: the pair is
#: probable on biographic fields, and only corroboration decides.
CITIZEN = {"last_name": "QUILLFEATHER", "first_name": "ANSELM", "dob": "1979-04-23", "sex": "M"}
HOUSEHOLD = {"last_name": "VANTONGERLOO", "first_name": "BERIT", "dob": "1968-11-02", "sex": "F"}
CONFLICT = {"last_name": "ZWEIFELHOFER", "first_name": "CASIMIR", "dob": "1990-06-17", "sex": "M"}
#: Father and son of one name at one address (Jr/Sr); the father's encounter has no DOB.
SENIOR = {"last_name": "FAIRWEATHER", "first_name": "TYRONE", "sex": "M"}
#: Twin sisters at one address whose names nest (the 250k otherworld's merged pair): the
#: second's first name carries a middle name the first's records lack.
TWIN = {"dob": "1991-07-14", "sex": "F", "address": "88 ORCHARD RD", "city": "DAYTON",
        "state": "OH", "zip": "45402", "birth_country": "MX"}  # fmt: skip
#: Twin sisters at one address (the 1M-person otherworld's merged pair): one record of
#: the first has no first name but her FBI number; the second's only record has neither.
SISTERS = {"last_name": "ABERNETHY-QUISPE", "dob": "1999-01-18", "sex": "F",
           "birth_country": "US", "address": "15589 ELM LN", "city": "PHOENIX", "state": "AZ",
           "zip": "85009"}  # fmt: skip
#: One woman at one address, her middle name spelt out once and as an initial once.
INITIAL = {"last_name": "PENHALIGON", "first_name": "WINIFRED", "dob": "1975-01-30", "sex": "F",
           "address": "5 BIRCH CT", "city": "TOPEKA", "state": "KS", "zip": "66603"}  # fmt: skip
#: A child who was an LPR at five; the parent's A-number record says LPR, and the parent's
#: naturalization (at the child's age ten: derivation, INA 320) sits in a record with no
#: A-number, so a person of its own, linked on name + DOB. And a second child whose
#: parent's naturalization record carries the A-number itself.
CHILD = {"last_name": "OYELARAN", "first_name": "TEMITOPE", "dob": "1990-05-05", "sex": "F",
         "birth_country": "NG"}  # fmt: skip
PARENT = {"last_name": "OYELARAN", "first_name": "ADEBAYO", "dob": "1962-10-10", "sex": "M",
          "birth_country": "NG"}  # fmt: skip
CHILD2 = {"last_name": "KASPRZYKOWSKA", "first_name": "ZOFIA", "dob": "1992-02-02", "sex": "F",
          "birth_country": "PL"}  # fmt: skip
PARENT2 = {"last_name": "KASPRZYKOWSKI", "first_name": "WLODZIMIERZ", "dob": "1960-03-03",
           "sex": "M", "birth_country": "PL"}  # fmt: skip
#: A third child (the 1M-record world's derived citizen among a batch's lead candidates):
#: the parent's naturalization record lost its A-number and date of birth and spells the
#: names otherwise (a double surname, the given names run together); only the passport
#: number ties it to the parent's LPR record: neither one person nor linked.
CHILD3 = {"last_name": "NWACHUKWU", "first_name": "CHIDUBEM", "dob": "1998-09-07", "sex": "M",
          "birth_country": "NG"}  # fmt: skip
PARENT3 = {"last_name": "NWACHUKWU", "first_name": "NGOZI ADAEZE", "middle_name": "IFEOMA",
           "dob": "1965-08-30", "sex": "F", "birth_country": "NG",
           "passport_number": "A34599342"}  # fmt: skip
#: The outside evaluator's pair: same name and birthday, similar street in another city.
ELSEWHERE = {"last_name": "BRAITHWAITE", "first_name": "OSRIC", "dob": "1984-02-09", "sex": "M"}


def _write(folder: Path, rows: dict[str, list[dict[str, str]]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for source, source_rows in rows.items():
        with (folder / f"{source}.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(columns_of(source)), extrasaction="ignore")
            writer.writeheader()
            for row in source_rows:
                writer.writerow({**world.EVENTS[source], **row})


def _adversarial() -> dict[str, list[dict[str, str]]]:
    return {
        "criminal": [
            # The citizen: only in criminal systems, FBI number + SID, a wrongly recorded
            # foreign birthplace, Texas.
            {**CITIZEN, "record_id": "cit-1", "birth_country": "MX",
             "fbi_number": "123456AB7", "sid": "TX55501234", "state": "TX"},
            # A household pair without identifiers: same address corroborates.
            {**HOUSEHOLD, "record_id": "hh-1", "birth_country": "PL",
             "address": "17 LINDEN AVENUE", "city": "CHICAGO", "state": "IL", "zip": "60618"},
            # Same-type identifiers in conflict, chained through agreeing ones.
            {**CONFLICT, "record_id": "cf-1", "birth_country": "GT",
             "a_number": "088123456", "ssn": "412556789"},
            {**SENIOR, "record_id": "jr-1", "dob": "1993-04-20", "fbi_number": "4309794TV",
             "address": "7675 FOURTH AVE", "city": "BRONX", "state": "NY", "zip": "10453"},
            {**ELSEWHERE, "record_id": "el-1", "birth_country": "MX", "fbi_number": "77120KL3",
             "address": "2456 CEDAR LN", "city": "CHARLOTTE", "state": "NC", "zip": "28205"},
            {**TWIN, "record_id": "tw-1", "last_name": "QUARTERMAINE TELLWRIGHT",
             "first_name": "ISOLDE"},
            {**INITIAL, "record_id": "mi-1", "middle_name": "M"},
            {**SISTERS, "record_id": "sis-1", "first_name": "", "fbi_number": "2738972WK"},
            {**SISTERS, "record_id": "sis-2", "first_name": "CLAUDINE",
             "fbi_number": "2738972WK"},
            {**SISTERS, "record_id": "sis-3", "first_name": "CARMELITA"},
        ],
        "status": [
            # The removable stranger: FIN + A-number, California.
            {**CITIZEN, "record_id": "str-1", "birth_country": "MX",
             "a_number": "204455667", "fin": "7766554433", "state": "CA"},
            {**HOUSEHOLD, "record_id": "hh-2", "birth_country": "PL",
             "address": "17 LINDEN AVE", "city": "CHICAGO", "state": "IL", "zip": "60618"},
            {**CONFLICT, "record_id": "cf-2", "birth_country": "GT",
             "ssn": "412556789", "fin": "5544332211"},
            {**ELSEWHERE, "record_id": "el-2", "birth_country": "MX", "a_number": "311224455",
             "address": "10212 CEDAR LN", "city": "MIAMI", "state": "FL", "zip": "33125"},
            {**TWIN, "record_id": "tw-2", "last_name": "TELLWRIGHT", "first_name": "ISOLDE MARIA"},
            {**TWIN, "record_id": "tw-3", "last_name": "TELLWRIGHT", "first_name": "ISOLDE",
             "middle_name": "LUCIA"},
            {**INITIAL, "record_id": "mi-2", "middle_name": "MAUD"},
            {**CHILD, "record_id": "ch-1", "a_number": "201234987", "start_date": "1995-03-01",
             "parent_a_numbers": "088445566"},
            {**PARENT, "record_id": "pa-1", "a_number": "088445566", "start_date": "1988-01-01"},
            {**PARENT, "record_id": "pa-2", "status_class": "NATURALIZED",
             "start_date": "2000-06-01"},
            {**CHILD2, "record_id": "ch-2", "a_number": "203344556", "start_date": "1996-04-01",
             "parent_a_numbers": "077665544"},
            {**PARENT2, "record_id": "pb-1", "a_number": "077665544", "status_class": "NATURALIZED",
             "start_date": "2001-09-01"},
            {**CHILD3, "record_id": "ch-3", "a_number": "173598955", "start_date": "2008-01-14",
             "parent_a_numbers": "068869842"},
            {**PARENT3, "record_id": "pc-1", "a_number": "068869842", "start_date": "2008-01-14"},
            {**PARENT3, "record_id": "pc-2", "last_name": "NWACHUKWU OKAFOR",
             "first_name": "NGOZIADAEZE", "dob": "", "status_class": "NATURALIZED",
             "start_date": "2016-07-15"},
        ],
        "biometric": [
            {**SENIOR, "record_id": "sr-1", "dob": "1963-09-16", "birth_country": "GB",
             "fin": "281884671038"},
            {**SENIOR, "record_id": "sr-2", "birth_country": "GB", "fin": "281884671038",
             "address": "7675 FOURTH AVE", "city": "BRONX", "state": "NY", "zip": "10453"},
            {**CITIZEN, "record_id": "str-2", "birth_country": "MX", "fin": "7766554433",
             "state": "CA"},
            {**CONFLICT, "record_id": "cf-3", "birth_country": "GT",
             "a_number": "099876543", "fin": "5544332211"},
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def adversarial(built_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("resolve-adversarial")
    data = root / "data"
    shutil.copytree(built_world.data, data)
    _write(root / "extract", _adversarial())
    ingest_extract(root / "extract", data)
    build_persons(data)
    return data


def _person(data: Path) -> dict[str, str]:
    records = pd.read_parquet(data / "persons" / "records.parquet")
    return dict(zip(records["record_id"], records["person_id"], strict=True))


def test_lookalike_citizen_stays_apart_with_one_link(adversarial: Path) -> None:
    person = _person(adversarial)
    assert person["str-1"] == person["str-2"], "the stranger's FIN joins his own records"
    assert person["cit-1"] != person["str-1"], "name + DOB + sex + birthplace never join"
    links = read_links(adversarial)
    mine = [k for k in links.get(person["cit-1"], []) if k.other_person_id == person["str-1"]]
    assert len(mine) == 1, "the look-alike pair is recorded as one 'possible same person' link"
    assert mine[0].reason == UNCORROBORATED
    assert mine[0].match_probability >= 0.999


def test_same_type_identifiers_in_conflict_never_join(adversarial: Path) -> None:
    """cf-1 –SSN– cf-2 –FIN– cf-3 agree pairwise, but cf-1 and cf-3 hold two A-numbers."""
    person = _person(adversarial)
    assert person["cf-1"] != person["cf-3"]
    assert person["cf-2"] in (person["cf-1"], person["cf-3"])


def test_address_corroborates_a_pair_without_identifiers(adversarial: Path) -> None:
    person = _person(adversarial)
    assert person["hh-1"] == person["hh-2"]


def test_a_similar_street_in_another_city_is_no_corroboration(adversarial: Path) -> None:
    """bench/otherworld: "2456 CEDAR LN", Charlotte vs "10212 CEDAR LN", Miami."""
    person = _person(adversarial)
    assert person["el-1"] != person["el-2"]


def test_twins_whose_names_nest_stay_apart_with_a_link(adversarial: Path) -> None:
    """ "QUARTERMAINE TELLWRIGHT, ISOLDE" / "TELLWRIGHT, ISOLDE MARIA" / "TELLWRIGHT,
    ISOLDE LUCIA": one birthday, one address; a middle name on one record only, or two
    different middle names, is no household's coincidence to join on."""
    person = _person(adversarial)
    assert len({person["tw-1"], person["tw-2"], person["tw-3"]}) == 3
    links = read_links(adversarial)
    reasons = {k.reason for k in links.get(person["tw-2"], [])}
    assert MIDDLE_AT_ADDRESS in reasons, reasons


def test_a_record_without_first_name_does_not_join_twins_at_their_address(
    adversarial: Path,
) -> None:
    """sis-1 (no first name) joins sis-2 by their FBI number; sis-3, her twin, agrees
    with sis-1 on everything sis-1 gives (surname, birthday, sex, address), but a missing
    first name at one address is what tells twins apart: no join, a link with the reason."""
    person = _person(adversarial)
    assert person["sis-1"] == person["sis-2"], "her FBI number joins her own records"
    assert person["sis-3"] != person["sis-1"], "the twin stays a person of her own"
    links = read_links(adversarial)
    reasons = {
        k.reason for k in links.get(person["sis-3"], []) if k.other_person_id == person["sis-1"]
    }
    assert reasons == {FORENAME_AT_ADDRESS}, reasons


def test_a_twin_queried_by_name_is_never_positive(adversarial: Path) -> None:
    """The query side of the twins: name + date of birth of one sister (no identifier)
    is a biographic identity, at most PROBABLE, and the sister is among the candidates."""
    from vetline.resolve import Resolver, Subject
    from vetline.vocab import IdentityBasis, MatchLevel

    person = _person(adversarial)
    result = Resolver.load(adversarial).resolve(
        Subject(last_name="TELLWRIGHT", first_name="ISOLDE", middle_name="MARIA",
                dob=TWIN["dob"], sex="F")
    )  # fmt: skip
    assert result.level is not MatchLevel.POSITIVE
    assert result.basis is IdentityBasis.BIOGRAPHIC
    shown = {p for p, _ in result.candidates}
    assert {person["tw-1"], person["tw-2"]} <= shown


def test_a_middle_initial_agrees_with_the_middle_name_at_one_address(adversarial: Path) -> None:
    person = _person(adversarial)
    assert person["mi-1"] == person["mi-2"]


@pytest.mark.parametrize(
    ("child", "a_number", "parent_records"),
    [
        (CHILD, "201234987", {"pa-1", "pa-2"}),
        (CHILD2, "203344556", {"pb-1"}),
        (CHILD3, "173598955", {"pc-1", "pc-2"}),
    ],
)
def test_a_parent_named_by_a_number_is_found_with_the_naturalization(
    adversarial: Path, child: dict[str, str], a_number: str, parent_records: set[str]
) -> None:
    """Derived citizens read as LPR (issue 11): the parent lookup by a bare A-number never
    reached POSITIVE, so no parent was ever read. Now every person holding the A-number,
    and its "possible same person" links (the naturalization split off), are read."""
    from datetime import date

    from vetline.person import PersonLookup
    from vetline.person.records import MemoryRecords
    from vetline.resolve import Resolver, Subject
    from vetline.status import StatusCode, assess, load_policy

    lookup = PersonLookup(Resolver.load(adversarial), MemoryRecords.load(adversarial))
    subject = {k: child[k] for k in ("last_name", "first_name", "dob", "sex")}
    found = lookup.find(Subject(**subject, a_number=a_number))
    parent_number = next(iter({a for s in found.history.status for a in s.parent_a_numbers}))
    parent = found.related[parent_number]
    assert {s.ref.record_id for s in parent.status} == parent_records
    result = assess(found.history, date(2026, 11, 1), policy=load_policy(),
                    match_level=found.resolution.level, related=found.related)  # fmt: skip
    assert result.status.code is StatusCode.DERIVED_CITIZEN, result.status


def test_holders_are_exact_and_canonical(adversarial: Path) -> None:
    from vetline.errors import BadInput
    from vetline.resolve import Resolver

    resolver = Resolver.load(adversarial)
    person = _person(adversarial)
    assert resolver.holders("a_number", "A088-445-566") == [person["pa-1"]]
    assert resolver.holders("a_number", "088445567") == []
    assert resolver.holders("a_number", None) == []
    assert person["pa-2"] in resolver.linked(person["pa-1"])
    # the third parent's naturalization: apart and unlinked, found by its passport alone
    assert person["pc-2"] != person["pc-1"]
    assert person["pc-2"] not in resolver.linked(person["pc-1"])
    assert resolver.holders("passport_number", "A34599342") == [person["pc-1"], person["pc-2"]]
    with pytest.raises(BadInput):
        resolver.holders("last_name", "OYELARAN")


def test_a_record_without_birth_date_does_not_carry_a_son_into_his_father(
    adversarial: Path,
) -> None:
    person = _person(adversarial)
    assert person["sr-1"] == person["sr-2"], "the father's FIN joins his own records"
    assert person["jr-1"] != person["sr-1"], "the son (1993) is not the father (1963)"


def test_links_file_has_the_interface_schema(adversarial: Path) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(adversarial / "persons" / "links.parquet")
    assert table.schema.names == LINK_SCHEMA.names
    frame = table.to_pandas()
    assert (frame["person_id_l"] < frame["person_id_r"]).all()
    assert not frame.duplicated(["person_id_l", "person_id_r"]).any()
    assert frame["reason"].str.len().gt(0).all()


def _tiny(without: tuple[str, ...]) -> dict[str, list[dict[str, str]]]:
    rows = []
    for i, (last, first) in enumerate(
        [("HOLLOWAY", "DENISE"), ("MARQUEZ", "RAUL"), ("OKONJO", "CHIDI"), ("BERG", "LARS")]
    ):
        for k in range(2):
            row = {
                "record_id": f"t{i}-{k}",
                "last_name": last,
                "first_name": first,
                "dob": f"19{60 + i}-0{i + 1}-1{i}",
                "sex": "MF"[i % 2],
                "ssn": f"41{i}22{i}33{i}",
                "address": f"{10 + i} ELM STREET",
                "zip": f"3030{i}",
            }
            rows.append({k: ("" if k in without else v) for k, v in row.items()})
    return {"criminal": rows}


@pytest.mark.parametrize("without", [("dob",), ("ssn",), ("dob", "ssn", "address", "zip")])
def test_a_valid_extract_always_builds(tmp_path: Path, without: tuple[str, ...]) -> None:
    """No date of birth (optional in the contract) used to kill Splink's EM."""
    _write(tmp_path / "extract", _tiny(without))
    ingest_extract(tmp_path / "extract", tmp_path / "data")
    report = build_persons(tmp_path / "data")
    assert report.records == 8 and report.trained
    assert (tmp_path / "data" / "persons" / "links.parquet").exists()


def test_a_one_record_extract_builds(tmp_path: Path) -> None:
    """No pair at all: Splink's prior estimate would divide by zero."""
    _write(tmp_path / "extract", {"criminal": _tiny(())["criminal"][:1]})
    ingest_extract(tmp_path / "extract", tmp_path / "data")
    report = build_persons(tmp_path / "data")
    assert (report.records, report.persons, report.links) == (1, 1, 0)
