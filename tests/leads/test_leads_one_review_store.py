"""One store of blind verdicts for batch and leads (issue 16 item 4), on SQLite and
PostgreSQL: a batch job's console review (``vetline batch --judged``) and the leads'
review of the same imported result read and write the same verdicts; the samples are the
same rows (drawn with the same seed); a row is judged once, whichever side asks first."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from leadhelpers import Clock

from vetline.db import Actor, Database, UnitOfWork
from vetline.errors import BadInput
from vetline.leads import LeadsService, load_leads_policy
from vetline.leads.person_check import PersonCoreCheck

ANALYST = Actor(user_id=None, username="lead.one", role="lead_analyst", via="cli")


def test_console_and_leads_reviews_are_one_store(
    built_world: tuple[Path, list[dict[str, str]]],
    core_check: PersonCoreCheck,
    database: Database,
    tmp_path: Path,
) -> None:
    from vetline.batch import JobRequest, load_batch_policy, run_job
    from vetline.batch.review import measure, record_judged, stored_precision

    data, facts = built_world
    listed = tmp_path / "list.csv"
    with listed.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["list_ref", "last_name", "first_name", "dob", "sex", "a_number"])
        for n, f in enumerate(facts[100:130]):
            out.writerow([f"L{n}", f["true_last_name"], f["true_first_name"], f["true_dob"],
                          f["sex"], f["a_number"] if n % 2 else ""])  # fmt: skip
    request = JobRequest(
        list_path=listed, purpose="review store test", authority="test", requester="lead.one",
        data_dir=data, ref_column="list_ref", as_of=date(2026, 11, 1), job_id="store-1",
    )  # fmt: skip
    out_dir = tmp_path / "out"
    run_job(request, out_dir, load_batch_policy())
    service = LeadsService(database, core_check, policy=load_leads_policy(), clock=Clock())
    service.import_folder(out_dir, ANALYST, listed)

    # Same seed (the result's SHA-256), bands smaller than the sizes: the same rows.
    key = pd.read_csv(out_dir / "audit_key.csv", dtype={"row_number": int})
    items = service.sample("store-1", ANALYST)
    leads_rows = {i.row_number for i in items}
    results = pd.read_parquet(out_dir / "results.parquet")
    rejected = set(results.loc[results["match_band"] == "REJECTED", "row_number"])
    assert len(key) > 0 and leads_rows == set(key["row_number"]) | rejected  # leads: + REJECTED

    # The leads review one row first…
    first = next(i for i in items if i.candidate_person_id)
    service.review_sample("store-1", first.item_id, ANALYST, "SAME", None)
    # …then the console judges the whole file sample: Y where there is a candidate.
    sample = pd.read_csv(out_dir / "audit_sample.csv", dtype=str).fillna("")
    sample["same_person"] = ["Y" if c else "N" for c in sample["candidate_person_id"]]
    sample["reviewer"] = "analyst.file"
    judged = tmp_path / "judged.csv"
    sample.to_csv(judged, index=False)
    with UnitOfWork(database, ANALYST, write=True) as uow:
        new = record_judged(uow, out_dir, judged)
        uow.commit()
    assert new == len(sample) - 1  # the leads' verdict on that row stands, same answer

    # The leads see the console's verdicts; nothing is left to review; no second verdict.
    seen = {i.row_number: i for i in service.sample("store-1", ANALYST)}
    for row in key["row_number"]:
        assert seen[row].verdict in ("SAME", "DIFFERENT")
    assert seen[first.row_number].reviewed_by == "lead.one"
    assert {seen[r].reviewed_by for r in key["row_number"]} == {"lead.one", "analyst.file"}
    with pytest.raises(BadInput, match="already reviewed"):
        service.review_sample("store-1", first.item_id, ANALYST, "DIFFERENT", None)
    # The job's precision reads the same verdicts as the console's figures.
    job = service.job("store-1", ANALYST)
    assert job is not None
    with UnitOfWork(database, ANALYST, read_only=True) as uow:
        stored = stored_precision(uow, out_dir)
    assert stored is not None and stored["reviewers"] == ["analyst.file", "lead.one"]
    alone = measure(out_dir, judged)
    assert {b: m["same_person"] for b, m in stored["bands"].items()} == {
        b: m["same_person"] for b, m in alone["bands"].items()
    }
    # One measurement: the leads' job shows, band for band, the very figures the batch
    # job shows (precision, Wilson interval, census), both from ``sampling.reviews.measure``.
    counts = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))["counts"]
    for band, figures in stored["bands"].items():
        leads_view = job.precision[band].model_dump()
        assert figures["measured"] == leads_view, band
        assert figures["measured"]["band_rows"] == counts[band]
        assert figures["measured"]["complete"] and figures["sampled"] == len(
            key[key["match_band"] == band]
        )
    assert alone["bands"] == stored["bands"] | {
        b: alone["bands"][b] for b in alone["bands"] if b not in stored["bands"]
    }

    # A file that says otherwise about a reviewed row is refused, naming its line.
    sample.loc[sample["sample_id"] == sample["sample_id"].iloc[0], "same_person"] = (
        "N" if sample["same_person"].iloc[0] == "Y" else "U"
    )
    sample.to_csv(judged, index=False)
    with UnitOfWork(database, ANALYST, write=True) as uow, pytest.raises(BadInput) as caught:
        record_judged(uow, out_dir, judged)
    assert caught.value.field == "judged line 2" and "already reviewed" in str(caught.value)
