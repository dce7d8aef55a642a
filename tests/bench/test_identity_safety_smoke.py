"""Smoke test of the outside evaluator's world (``bench/otherworld``), without a build.

Why: the bench's figures are only as good as the world's constructions. This checks, on
a few hundred people, that the extract is valid for vetline's loader (0 rejects), that
truth covers every record, that every query passes the desk's intake, that the
look-alike pairs are built exactly as issue 11 describes them, and that the generator
never imports vetline (it must stay an independent author's world). The build and the
figures themselves are the bench's job (``bench/bench_identity_safety.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from otherworld import Sizes, write_world
    finally:
        sys.path.remove(str(BENCH))
    out = tmp_path_factory.mktemp("otherworld") / "extract"
    write_world(out, seed=5, sizes=Sizes.scaled(400))
    return out


def test_generator_does_not_import_vetline(tmp_path: Path) -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(BENCH)!r}); "
        "from otherworld import Sizes, write_world; "
        f"out = __import__('pathlib').Path({str(tmp_path / 'w')!r}); "
        "write_world(out, sizes=Sizes.scaled(150)); "
        "print(any(m == 'vetline' or m.startswith('vetline.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_extract_ingests_without_rejects(world: Path, tmp_path: Path) -> None:
    from vetline.records import ingest_extract

    report = ingest_extract(world, tmp_path / "data", today=date(2026, 11, 1))
    assert report.reject_lines == 0
    truth = pd.read_csv(world / "truth.csv", dtype=str)
    assert len(truth) == report.total_accepted
    facts = pd.read_csv(world / "person_facts.csv", dtype=str)
    assert set(truth["person_id"]) <= set(facts["person_id"])
    absent = set(facts.loc[facts["absent"] == "Y", "person_id"])
    assert absent and not absent & set(truth["person_id"])


def test_every_query_passes_intake(world: Path) -> None:
    from vetline.desk.intake import accept
    from vetline.desk.ori import shipped_agencies

    directory = shipped_agencies()
    kinds = set()
    for line in (world / "queries.jsonl").read_text().splitlines():
        q = json.loads(line)
        kinds.add(q["kind"])
        body = {k: q[k] for k in ("query_type", "subject", "encounter", "custody")}
        accept(
            json.dumps({**body, "ori": "CA0194200"}),
            received=date(2026, 11, 1),
            directory=directory,
        )
    assert {
        "biographic",
        "biometric",
        "lookalike_citizen_fbi",
        "lookalike_citizen_bio",
        "absent",
        "absent_lookalike",
        "twin",
        "junior",
    } <= kinds


def test_lookalike_pairs_are_built_as_the_issue_describes(world: Path) -> None:
    truth = pd.read_csv(world / "truth.csv", dtype=str)
    facts = pd.read_csv(world / "person_facts.csv", dtype=str).fillna("")
    rows = []
    for source in (
        "criminal",
        "custody",
        "biometric",
        "encounters",
        "court",
        "status",
        "entry_exit",
        "warrants",
        "interpol",
    ):
        path = world / f"{source}.csv"
        if path.exists():
            rows.append(pd.read_csv(path, dtype=str).fillna("").assign(source=source))
    records = pd.concat(rows).merge(truth, on=["source", "record_id"])
    pairs = facts[facts["lookalike_group"].str.startswith("LA")]
    assert len(pairs) >= 2 and pairs["lookalike_group"].value_counts().eq(2).all()
    for _, pair in pairs.groupby("lookalike_group"):
        citizen = pair[pair["us_citizen"] == "Y"].iloc[0]
        stranger = pair[pair["us_citizen"] == "N"].iloc[0]
        assert stranger["removable"] == "Y"
        mine = records[records["person_id"] == citizen["person_id"]]
        theirs = records[records["person_id"] == stranger["person_id"]]
        assert list(mine["source"]) == ["criminal"]
        c = mine.iloc[0]
        assert c["fbi_number"] and c["sid"] and not c["a_number"] and not c["fin"]
        assert c["birth_country"] == stranger["birth_country"] != "US"
        assert (theirs["fbi_number"] == "").all() and (theirs["sid"] == "").all()
        assert (theirs["fin"] != "").any() and (theirs["a_number"] != "").any()
        for col in ("first_name", "dob", "sex"):
            assert (theirs[col] == c[col]).all()
        surnames = {c["last_name"], *theirs["last_name"]}
        short, long_ = sorted(surnames, key=len)
        assert len(surnames) == 2 and long_.startswith(short + " ")
        assert c["state"] and c["state"] not in set(theirs["state"]) - {""}


def _bench_module() -> ModuleType:
    sys.path.insert(0, str(BENCH))
    try:
        import bench_identity_safety
    finally:
        sys.path.remove(str(BENCH))
    return bench_identity_safety


def test_world_specs_and_synth_overrides() -> None:
    import argparse

    from vetline.synth import NoiseConfig, generate_extract

    bench = _bench_module()
    args = argparse.Namespace(seed=None, persons=500, synth_set=["name_typo=0.05"])
    spec = bench.parse_world("synth:seed=2027,label=held-out", args)
    assert (spec.kind, spec.seed, spec.persons, spec.label) == ("synth", 2027, 500, "held-out")
    kwargs = bench.synth_kwargs(generate_extract, NoiseConfig, spec.options)
    assert kwargs["noise"].name_typo == 0.05
    with pytest.raises(SystemExit, match="unknown override 'bogus'"):
        bench.synth_kwargs(generate_extract, NoiseConfig, {"bogus": "1"})
    other = bench.parse_world("other:noise=2", args)
    assert (other.seed, other.options) == (7, {"noise": "2"})
