"""Look-alike constructions (issue 11): each knob makes its pairs with the promised
properties, 0 turns it off, and the same seed and knobs give the same world.

Each construction is checked on a tiny world where only that kind is switched on (high
share, so there are dozens of pairs); truth comes from ``person_facts.csv`` and the
records from the extract itself, joined through ``truth.csv``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from vetline.errors import BadInput
from vetline.synth import LookalikeConfig, NoiseConfig, generate_extract
from vetline.synth.config import LOOKALIKE_KINDS
from vetline.synth.names import load_pools

from .conftest import connect

PERSONS = 2_000
SEED = 31
ID_FIELDS = ("a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")
REMOVABLE_STRANGERS = {"EWI", "FINAL_ORDER", "REMOVED_AND_REENTERED", "OVERSTAY", "LPR_REMOVABLE"}


def only(kind: str, share: float = 0.08) -> LookalikeConfig:
    return replace(LookalikeConfig.none(), **{kind.lower(): share})


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, duckdb.DuckDBPyConnection]:
    """One tiny world per construction, default noise, only that kind switched on."""
    out: dict[str, duckdb.DuckDBPyConnection] = {}
    root = tmp_path_factory.mktemp("lookalikes")
    for kind in LOOKALIKE_KINDS:
        path = root / kind
        generate_extract(
            path, persons=PERSONS, seed=SEED, noise=NoiseConfig(), lookalikes=only(kind)
        )
        out[kind] = materialise(connect(path))
    return out


def pairs(db: duckdb.DuckDBPyConnection, kind: str) -> list[tuple[dict[str, str], dict[str, str]]]:
    """(citizen-or-first, other) person_facts rows per look-alike group of ``kind``."""
    cur = db.execute(
        "SELECT * FROM facts WHERE lookalike_kind = ? ORDER BY lookalike_group, "
        "us_citizen DESC, person_id",
        [kind],
    )
    cols = [d[0] for d in cur.description]
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        groups[rec["lookalike_group"]].append(rec)
    assert all(len(g) == 2 for g in groups.values())
    return [(g[0], g[1]) for g in groups.values()]


SOURCES = ("status", "entry_exit", "encounters", "court", "criminal", "custody",
           "biometric", "interpol", "warrants")  # fmt: skip


def materialise(db: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Every record's identity columns with its true person, read from the files once."""
    parts = [
        f"SELECT '{s}' AS source, r.record_id, t.person_id, r.last_name, r.first_name, "
        "r.birth_country, "
        + ", ".join(f"r.{c}" for c in (*ID_FIELDS, "state", "address"))
        + f" FROM {s} r JOIN truth t ON t.source = '{s}' AND t.record_id = r.record_id"
        for s in SOURCES
    ]
    db.execute("CREATE TABLE recs AS " + " UNION ALL ".join(parts))
    db.execute("CREATE TABLE facts AS SELECT * FROM person_facts")
    return db


def records(db: duckdb.DuckDBPyConnection, person_id: str) -> list[dict[str, str | None]]:
    """Every record of one person, with its source (identity columns only)."""
    cur = db.execute("SELECT * FROM recs WHERE person_id = ?", [person_id])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def id_types(recs: list[dict[str, str | None]]) -> set[str]:
    return {f for r in recs for f in ID_FIELDS if r[f]}


def test_every_kind_is_made_in_number(worlds: dict[str, duckdb.DuckDBPyConnection]) -> None:
    for kind, db in worlds.items():
        assert len(pairs(db, kind)) >= 10, kind
        other = db.execute(
            "SELECT count(*) FROM facts WHERE lookalike_kind IS NOT NULL AND lookalike_kind <> ?",
            [kind],
        ).fetchone()
        assert other == (0,), kind


def test_citizen_wrong_birthplace(worlds: dict[str, duckdb.DuckDBPyConnection]) -> None:
    db = worlds["CITIZEN_WRONG_BIRTHPLACE"]
    with_arrest_pob = 0
    for citizen, stranger in pairs(db, "CITIZEN_WRONG_BIRTHPLACE"):
        assert citizen["us_citizen"] == "Y" and citizen["scenario"] == "US_BORN"
        assert stranger["removable"] == "Y" and stranger["birth_country"] != "US"
        for f in ("true_last_name", "true_first_name", "true_middle_name", "true_dob", "sex"):
            assert citizen[f] == stranger[f], f
        arrests = [
            r["birth_country"]
            for r in records(db, citizen["person_id"])
            if r["source"] in ("criminal", "custody") and r["birth_country"]
        ]
        # Every arrest that records a birthplace records the stranger's.
        assert set(arrests) <= {stranger["birth_country"]}
        with_arrest_pob += bool(arrests)
    assert with_arrest_pob >= 10


def test_name_variant(worlds: dict[str, duckdb.DuckDBPyConnection]) -> None:
    db = worlds["NAME_VARIANT"]
    pools = load_pools()
    index = {s: i for i, s in enumerate(pools.upper)}

    def related(table: object, x: str, y: str) -> bool:
        a, b = index[x], index[y]
        v = table  # a Variants table: pool index -> its variants
        alts = v.flat[v.start[a] : v.start[a] + v.count[a]]  # type: ignore[attr-defined]
        back = v.flat[v.start[b] : v.start[b] + v.count[b]]  # type: ignore[attr-defined]
        return bool(b in alts or a in back)

    seen = set()
    for one, two in pairs(db, "NAME_VARIANT"):
        assert {one["us_citizen"], two["us_citizen"]} == {"Y", "N"}
        assert "Y" in {one["removable"], two["removable"]}
        assert one["true_dob"] == two["true_dob"] and one["sex"] == two["sex"]
        variant = one["lookalike_variant"]
        seen.add(variant)
        l1, l2 = one["true_last_name"], two["true_last_name"]
        f1, f2 = one["true_first_name"], two["true_first_name"]
        if variant == "TRUNCATED_SURNAME":
            short, long_ = sorted((l1, l2), key=len)
            assert f1 == f2 and " " not in short and long_.startswith(short + " ")
        elif variant == "SWAPPED_SURNAME":
            assert f1 == f2 and l1 != l2 and l1.split(" ")[::-1] == l2.split(" ")
        elif variant == "NICKNAME":
            assert l1 == l2 and f1 != f2 and related(pools.nickname, f1, f2)
        else:
            assert variant == "TRANSLIT"
            assert (f1, l1) != (f2, l2)
            assert (l1 == l2 and related(pools.translit, f1, f2)) or (
                f1 == f2 and related(pools.translit, l1.split(" ")[0], l2.split(" ")[0])
            )
    assert {"TRUNCATED_SURNAME", "SWAPPED_SURNAME"} <= seen
    assert seen & {"NICKNAME", "TRANSLIT"}


def test_criminal_only_citizen(worlds: dict[str, duckdb.DuckDBPyConnection]) -> None:
    db = worlds["CRIMINAL_ONLY_CITIZEN"]
    variants = defaultdict(int)
    for citizen, stranger in pairs(db, "CRIMINAL_ONLY_CITIZEN"):
        assert citizen["scenario"] == "US_BORN" and stranger["scenario"] in {"EWI", "FINAL_ORDER"}
        variant = citizen["lookalike_variant"]
        for f in ("true_first_name", "true_dob", "sex"):
            assert citizen[f] == stranger[f], f
        if variant.endswith("+TRUNCATED_SURNAME"):
            assert stranger["true_last_name"].startswith(citizen["true_last_name"] + " ")
            variant = variant.split("+")[0]
            variants["truncated"] += 1
        else:
            assert citizen["true_last_name"] == stranger["true_last_name"]
        mine, theirs = records(db, citizen["person_id"]), records(db, stranger["person_id"])
        assert {r["source"] for r in mine} <= {"criminal", "custody", "warrants"}
        assert not {r["source"] for r in theirs} & {"criminal", "custody"}
        # Identifier types never meet: FBI number, SID, SSN on one side; A-number, FIN
        # (and a passport) on the other.
        assert id_types(mine) <= {"fbi_number", "sid", "ssn"}
        assert not id_types(mine) & id_types(theirs)
        assert "fbi_number" in id_types(mine) or "sid" in id_types(mine)
        pobs = {r["birth_country"] for r in mine if r["source"] != "warrants"} - {None}
        assert pobs <= {stranger["birth_country"]}
        variants[variant] += 1
        states = {r["state"] for r in mine} - {None}, {r["state"] for r in theirs} - {None}
        if variant == "SAME_STATE":
            assert len(states[0] | states[1]) <= 1
        else:
            assert variant == "OTHER_STATE" and not states[0] & states[1]
    assert variants["SAME_STATE"] >= 3 and variants["OTHER_STATE"] >= 3
    assert variants["truncated"] >= 3


def test_jr_sr(worlds: dict[str, duckdb.DuckDBPyConnection]) -> None:
    db = worlds["JR_SR"]
    variants = defaultdict(int)
    for jr, sr in pairs(db, "JR_SR"):
        assert jr["scenario"] == "US_BORN" and sr["removable"] == "Y"
        assert jr["sex"] == sr["sex"] == "M"
        for f in ("true_last_name", "true_first_name", "true_middle_name"):
            assert jr[f] == sr[f], f
        gap = db.execute(
            "SELECT datediff('day', CAST(? AS DATE), CAST(? AS DATE)) / 365.25",
            [sr["true_dob"], jr["true_dob"]],
        ).fetchone()[0]  # type: ignore[index]
        assert 19.9 <= gap <= 35.1
        variants[jr["lookalike_variant"]] += 1
        mine = {r["address"] for r in records(db, jr["person_id"])} - {None}
        theirs = {r["address"] for r in records(db, sr["person_id"])} - {None}
        if jr["lookalike_variant"] == "SAME_ADDRESS" and mine and theirs:
            assert mine == theirs
        elif jr["lookalike_variant"] == "OTHER_ADDRESS":
            assert not mine & theirs
    assert variants["SAME_ADDRESS"] >= 3 and variants["OTHER_ADDRESS"] >= 3


def test_twins(worlds: dict[str, duckdb.DuckDBPyConnection]) -> None:
    db = worlds["TWINS"]
    for one, two in pairs(db, "TWINS"):
        assert one["true_last_name"] == two["true_last_name"]
        assert one["true_dob"] == two["true_dob"]
        assert one["birth_country"] == two["birth_country"] != "US"
        assert one["true_first_name"] != two["true_first_name"]
        a = {r["address"] for r in records(db, one["person_id"])} - {None}
        b = {r["address"] for r in records(db, two["person_id"])} - {None}
        assert not a or not b or a == b


def test_zero_turns_a_kind_off(tmp_path: Path) -> None:
    generate_extract(
        tmp_path / "none",
        persons=800,
        seed=SEED,
        noise=NoiseConfig(),
        lookalikes=LookalikeConfig.none(),
    )
    meta = json.loads((tmp_path / "none" / "world.json").read_text())
    assert set(meta["lookalike_persons"].values()) == {0}
    cfg = replace(LookalikeConfig(), jr_sr=0.0, name_variant=0.0)
    generate_extract(
        tmp_path / "some", persons=5_000, seed=SEED, noise=NoiseConfig(), lookalikes=cfg
    )
    made = json.loads((tmp_path / "some" / "world.json").read_text())["lookalike_persons"]
    assert made["JR_SR"] == made["NAME_VARIANT"] == 0
    assert all(made[k] > 0 for k in LOOKALIKE_KINDS if k not in {"JR_SR", "NAME_VARIANT"})
    assert meta["lookalikes"] == LookalikeConfig.none().as_dict()


def test_same_seed_and_knobs_same_world(tmp_path: Path) -> None:
    cfg = replace(LookalikeConfig(), criminal_only_citizen=0.05, citizen_wrong_birthplace=0.05)
    files = ("person_facts.csv", "criminal.csv", "encounters.csv", "truth.csv")
    texts = []
    for name in ("a", "b"):
        generate_extract(tmp_path / name, persons=700, seed=4, noise=NoiseConfig(), lookalikes=cfg)
        texts.append([(tmp_path / name / f).read_bytes() for f in files])
    assert texts[0] == texts[1]
    generate_extract(tmp_path / "c", persons=700, seed=4, noise=NoiseConfig())
    assert (tmp_path / "c" / "person_facts.csv").read_bytes() != texts[0][0]


def test_config_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "world.toml"
    path.write_text("name_typo = 0.1\n[lookalikes]\njr_sr = 0.02\nname_variant = 0\n")
    cfg = LookalikeConfig.from_toml(path)
    assert cfg.jr_sr == 0.02 and cfg.name_variant == 0.0
    assert cfg.twins == LookalikeConfig().twins
    # The noise rates of the same file still load (the look-alike table is not noise).
    assert NoiseConfig.from_toml(path).name_typo == 0.1
    assert LookalikeConfig.from_toml(tmp_path / "world.toml").as_dict()["jr_sr"] == 0.02


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("[lookalikes]\njrsr = 0.1", "lookalikes.jrsr", "unknown knob"),
        ("[lookalikes]\njr_sr = 1.5", "lookalikes.jr_sr", "between 0 and 1"),
        ("[lookalikes]\njr_sr = 'many'", "lookalikes.jr_sr", "must be a number"),
        ("[lookalikes]\njr_sr = 0.3\ntwins = 0.3", "lookalikes", "at most 0.5"),
        ("lookalikes = 3", "lookalikes", "TOML table"),
    ],
)
def test_bad_knobs_name_the_field(tmp_path: Path, text: str, field: str, problem: str) -> None:
    path = tmp_path / "world.toml"
    path.write_text(text)
    with pytest.raises(BadInput) as err:
        LookalikeConfig.from_toml(path)
    assert err.value.field == field
    assert problem in err.value.problem
