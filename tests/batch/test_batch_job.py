"""A batch job end to end on the shared small world: the contract's columns, the same
answer as the real-time path, citizenship diversion, the lead-candidate guard, the
manifest, and bad input (issue 16 items 1, 2, 4, 5)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import run

from conftest import AS_OF, BatchWorld, write_list
from vetline.batch.bands import RESULT_COLUMNS
from vetline.errors import BadInput
from vetline.person import PersonLookup, Question, work_out
from vetline.resolve import Resolver, Subject
from vetline.status import load_policy

ROWS = 240


@pytest.fixture(scope="module")
def job(batch_world: BatchWorld, tmp_path_factory: pytest.TempPathFactory
        ) -> tuple[Path, dict[str, Any], pd.DataFrame]:  # fmt: skip
    root = tmp_path_factory.mktemp("job")
    listed = write_list(root / "list.csv", batch_world.facts[:ROWS])
    manifest, results = run(listed, batch_world.data, root / "out")
    return root / "out", manifest, results


def test_one_result_per_row_in_input_order_with_the_contract_columns(
    job: tuple[Path, dict[str, Any], pd.DataFrame],
) -> None:
    out, manifest, results = job
    assert tuple(results.columns) == RESULT_COLUMNS
    assert results["row_number"].tolist() == list(range(ROWS))
    assert results["list_ref"].tolist() == [f"L{n}" for n in range(ROWS)]
    assert set(results["match_band"]) <= {"STRONG", "REVIEW", "WEAK", "NONE", "REJECTED"}
    assert manifest["input_rows"] == ROWS
    assert sum(manifest["counts"].values()) == ROWS
    assert (
        manifest["result_sha256"]
        == hashlib.sha256((out / "results.parquet").read_bytes()).hexdigest()
    )
    assert json.loads((out / "manifest.json").read_text()) == manifest
    for key in ("job_id", "purpose", "authority", "source_name", "source_version",
                "retention_until", "requester", "input_sha256", "model_version",
                "thresholds", "engine", "started_at", "finished_at"):  # fmt: skip
        assert manifest[key], key
    assert manifest["retention_until"] == "2027-11-01"
    assert manifest["thresholds"]["strong_min_probability"] == 0.99
    import pyarrow.parquet as pq

    types = {f.name: str(f.type) for f in pq.read_schema(out / "results.parquet")}
    assert types["row_number"] == "int64" and types["priority"] == "int64"
    assert types["probability"] == "double" and types["lead_candidate"] == "bool"


def test_the_same_person_and_probability_as_the_real_time_resolver(
    job: tuple[Path, dict[str, Any], pd.DataFrame], batch_world: BatchWorld
) -> None:
    """Issue 16 item 2: batch scoring is the real-time path, to 1e-9."""
    _, _, results = job
    resolver = Resolver.load(batch_world.data)
    lookup = PersonLookup.open(batch_world.data)
    policy = load_policy()
    for n in range(0, ROWS, 4):
        f = batch_world.facts[n]
        a_number = f["a_number"] if n % 2 == 0 and f["a_number"] else None
        subject = Subject(last_name=f["true_last_name"], first_name=f["true_first_name"],
                          dob=f["true_dob"], sex=f["sex"], a_number=a_number)  # fmt: skip
        live = resolver.resolve(subject)
        row = results.iloc[n]
        assert (row["person_id"] if pd.notna(row["person_id"]) else None) == live.person_id
        assert abs(float(row["probability"]) - live.probability) < 1e-9
        assert row["identity_basis"] == live.basis.value
        core = work_out(Question(subject), lookup, received=AS_OF, policy=policy)
        if core.found.rows:
            assert row["status_code"] == core.assessment.status.code.value


def test_citizens_are_diverted_and_never_lead_candidates(
    job: tuple[Path, dict[str, Any], pd.DataFrame], batch_world: BatchWorld
) -> None:
    """Issue 16 item 5: any citizenship sign → the citizenship list, never a lead."""
    out, manifest, results = job
    citizenship = pd.read_csv(out / "citizenship.csv", dtype=str)
    signed = results[results["citizenship_sign"]]
    assert citizenship["row_number"].astype(int).tolist() == signed["row_number"].tolist()
    assert manifest["citizenship_rows"] == len(signed) > 0
    assert citizenship["citizenship_reasons"].str.len().min() > 0
    assert not (results["lead_candidate"] & results["citizenship_sign"]).any()
    citizens = {n for n in range(ROWS) if batch_world.facts[n]["us_citizen"] == "Y"}
    leads = set(results.loc[results["lead_candidate"], "row_number"])
    assert citizens, "the world has citizens on the list"
    assert not (citizens & leads), "a U.S. citizen became a lead candidate"
    # Most citizens on the list are caught by a sign (the rest have no record to read).
    caught = set(signed["row_number"]) & citizens
    assert len(caught) >= 0.8 * len(citizens)


def test_lead_candidates_rest_on_a_non_biographic_identity(
    job: tuple[Path, dict[str, Any], pd.DataFrame], batch_world: BatchWorld
) -> None:
    """A biographic look-alike never becomes a lead candidate (the last attempt's bug)."""
    _, manifest, results = job
    leads = results[results["lead_candidate"]]
    assert len(leads) == manifest["lead_candidates"] > 0
    assert set(leads["match_band"]) == {"STRONG"}
    assert set(leads["identity_basis"]) <= {"BIOMETRIC", "IDENTIFIER"}
    assert leads["removable"].all() and not leads["needs_review"].any()
    biographic_strong = results[
        (results["match_band"] == "STRONG") & (results["identity_basis"] == "BIOGRAPHIC")
    ]
    assert len(biographic_strong) > 0 and not biographic_strong["lead_candidate"].any()
    # Every lead candidate is the listed person (ground truth) and removable in truth.
    truth_removable = {n for n in range(ROWS) if batch_world.facts[n]["removable"] == "Y"}
    assert set(leads["row_number"]) <= truth_removable
    assert leads["priority"].notna().all()


def test_audit_sample_is_blind_and_covers_every_band(
    job: tuple[Path, dict[str, Any], pd.DataFrame],
) -> None:
    out, _, results = job
    sample = pd.read_csv(out / "audit_sample.csv", dtype=str)
    key = pd.read_csv(out / "audit_key.csv", dtype=str)
    assert not {"probability", "match_band", "reasons"} & set(sample.columns)
    assert sample["sample_id"].tolist() == key["sample_id"].tolist()
    present = set(results["match_band"]) - {"REJECTED"}
    assert set(key["match_band"]) == present
    assert key.groupby("match_band").size().max() <= 5


def test_bad_rows_go_to_the_rejects_file_and_the_job_still_finishes(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = tmp_path / "bad.csv"
    f = batch_world.facts[0]
    listed.write_text(
        "list_ref,last_name,first_name,dob,birth_country,a_number\n"
        f"G1,{f['true_last_name']},{f['true_first_name']},{f['true_dob']},,\n"
        "B1,,,1980-01-01,XX,\n"
        "B2,SMITH,J0HN,1980-13-01,US,123\n"
        "B3,ONLY,TWO\n",
        encoding="utf-8",
    )
    manifest, results = run(listed, batch_world.data, tmp_path / "out")
    bands = results["match_band"].tolist()
    assert bands[1] == bands[3] == "REJECTED" and bands[2] != "REJECTED"  # SMITH kept
    assert manifest["rejected_rows"] == 2 and manifest["input_rows"] == 4
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv", dtype=str)
    got = set(zip(rejects["line"], rejects["field"], rejects["action"], strict=True))
    assert ("3", "birth_country", "field set aside") in got
    assert ("3", "row", "row rejected") in got
    assert ("4", "first_name", "field set aside") in got
    assert ("4", "dob", "field set aside") in got
    assert ("4", "a_number", "field set aside") in got
    assert ("5", "row", "row rejected") in got
    assert "3 fields where the header has 6" in set(rejects["reason"])


@pytest.mark.parametrize(
    ("content", "suffix", "field"),
    [
        ("list_ref,city\nX,BOSTON\n", ".csv", "list"),
        ("whatever", ".xlsx", "list"),
    ],
)
def test_a_file_that_cannot_be_a_list_is_refused_naming_the_field(
    batch_world: BatchWorld, tmp_path: Path, content: str, suffix: str, field: str
) -> None:
    listed = tmp_path / f"list{suffix}"
    listed.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        run(listed, batch_world.data, tmp_path / "out")
    assert caught.value.field == field


def test_parquet_and_jsonl_lists_give_the_same_results_as_csv(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = write_list(tmp_path / "l.csv", batch_world.facts[:30])
    frame = pd.read_csv(listed, dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "l.parquet")
    (tmp_path / "l.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in frame.to_dict("records")), encoding="utf-8"
    )
    _, a = run(listed, batch_world.data, tmp_path / "a")
    _, b = run(tmp_path / "l.parquet", batch_world.data, tmp_path / "b")
    _, c = run(tmp_path / "l.jsonl", batch_world.data, tmp_path / "c")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_row_numbers_follow_the_file_as_csv_and_json_readers_count_them(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    """A JSONL row number is its line's index (a blank line is a rejected row); a CSV row
    number is ``csv.DictReader``'s (empty lines are no rows, ``,,,`` is one): what another
    reader of the list (``vetline.leads``) counts."""
    f = batch_world.facts[0]
    person = {"last_name": f["true_last_name"], "first_name": f["true_first_name"],
              "dob": f["true_dob"]}  # fmt: skip
    jsonl = tmp_path / "l.jsonl"
    jsonl.write_text(json.dumps(person) + "\n\n" + json.dumps(person) + "\n", encoding="utf-8")
    _, results = run(jsonl, batch_world.data, tmp_path / "j")
    assert results["match_band"].tolist()[1] == "REJECTED" and len(results) == 3
    listed = tmp_path / "l.csv"
    listed.write_text(
        f"last_name,first_name,dob\n{person['last_name']},{person['first_name']},"
        f"{person['dob']}\n\n,,\n",
        encoding="utf-8",
    )
    _, results = run(listed, batch_world.data, tmp_path / "c")
    import csv as csv_module

    with listed.open(newline="", encoding="utf-8") as handle:
        assert len(results) == len(list(csv_module.DictReader(handle))) == 2
    assert results["match_band"].tolist()[1] == "REJECTED"


def test_repeated_rows_get_the_first_answer_and_workers_change_nothing(
    job: tuple[Path, dict[str, Any], pd.DataFrame],
    batch_world: BatchWorld,
    tmp_path: Path,
) -> None:
    """A job remembers typed record sets and identical questions (``scoring.Scorer``) and
    its parent warms the lookup before forking (``engines.run_local``): none of it may
    change an answer. The same persons listed twice, scored by two forked workers, give
    row for row what the one-process job of the ``job`` fixture gave (itself the
    real-time path, previous test)."""
    from vetline.batch import engines

    _, _, alone = job
    engines._SCORERS.clear()  # a fresh lookup: nothing remembered from the fixture's job
    facts = batch_world.facts[:ROWS]
    listed = write_list(tmp_path / "twice.csv", facts + facts)  # even offset: same A-numbers
    _, twice = run(listed, batch_world.data, tmp_path / "out", workers=2)
    assert len(twice) == 2 * ROWS
    own = ["row_number", "list_ref"]
    first = twice.iloc[:ROWS].drop(columns=own).reset_index(drop=True)
    second = twice.iloc[ROWS:].drop(columns=own).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, alone.drop(columns=own).reset_index(drop=True))


def test_a_repeated_question_is_answered_once_per_job(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    """``chunks.prepare`` marks each later row asking an earlier row's very question
    (same identity fields, same booking date) ``same_as`` that row; its chunk holds a
    placeholder, and the assembly gives it the first row's answer under its own row
    number, reference and line. So the person core answers each question once per job,
    whichever worker or Spark task holds the repeat's chunk."""
    import pyarrow.parquet as pq

    from vetline.batch import engines

    engines._SCORERS.clear()
    facts = batch_world.facts[:ROWS]
    listed = write_list(tmp_path / "twice.csv", facts + facts)
    _, results = run(listed, batch_world.data, tmp_path / "out", workers=2)
    prepared = pq.read_table(tmp_path / "out" / "prepared.parquet").to_pylist()
    question = {r["row_number"]: (r["subject"], r["booking_date"]) for r in prepared}
    repeats = {r["row_number"]: r["same_as"] for r in prepared if r["same_as"] is not None}
    assert set(range(ROWS, 2 * ROWS)) - {n for n in repeats} <= {
        r["row_number"] for r in prepared if r["rejected"]
    }
    firsts = [r for r in prepared if r["same_as"] is None and not r["rejected"]]
    assert len({question[r["row_number"]] for r in firsts}) == len(firsts)  # each once
    for row, first in repeats.items():
        assert first < row and question[first] == question[row]
        assert repeats.get(first) is None
    chunks = pq.read_table(tmp_path / "out" / "chunks").to_pylist()
    placeholders = [c for c in chunks if c["same_as"] is not None]
    assert len(placeholders) == len(repeats)
    assert all(c["match_band"] is None and c["person_id"] is None for c in placeholders)
    by_row = results.set_index("row_number")
    answer = [c for c in RESULT_COLUMNS if c not in ("row_number", "list_ref")]
    for row, first in repeats.items():
        assert by_row.loc[row, "list_ref"] == f"L{row}"
        assert by_row.loc[row, answer].equals(by_row.loc[first, answer])
