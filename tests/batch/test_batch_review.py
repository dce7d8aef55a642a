"""Measured precision per band from a blind-reviewed sample (issue 16 item 4)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from helpers import run

from conftest import BatchWorld, write_list
from vetline.batch.review import measure, wilson
from vetline.errors import BadInput


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(0, 0, 0.0, 1.0), (10, 10, 0.7225, 1.0), (0, 10, 0.0, 0.2775), (45, 50, 0.7864, 0.9565)],
)
def test_wilson_interval(k: int, n: int, low: float, high: float) -> None:
    got = wilson(k, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_a_reviewed_sample_gives_precision_per_band_with_an_interval(
    batch_world: BatchWorld, tmp_path: Path
) -> None:
    listed = write_list(tmp_path / "l.csv", batch_world.facts[600:700])
    run(listed, batch_world.data, tmp_path / "out")
    sample = pd.read_csv(tmp_path / "out" / "audit_sample.csv", dtype=str)
    key = pd.read_csv(tmp_path / "out" / "audit_key.csv", dtype=str)
    # A reviewer who (in this test) finds every sampled candidate right but one STRONG.
    strong = key.loc[key["match_band"] == "STRONG", "sample_id"].tolist()
    sample["same_person"] = ["N" if s == strong[0] else "Y" for s in sample["sample_id"]]
    sample["reviewer"] = "analyst.a"
    judged = tmp_path / "judged.csv"
    sample.to_csv(judged, index=False)
    result = measure(tmp_path / "out", judged)
    s = result["bands"]["STRONG"]
    assert s["judged"] == len(strong) and s["same_person"] == len(strong) - 1
    assert s["ci95"][0] < s["share_same_person"] < s["ci95"][1] <= 1.0
    assert result["reviewers"] == ["analyst.a"]
    assert (tmp_path / "out" / "precision.json").exists()
    sample.loc[0, "same_person"] = "maybe"
    sample.to_csv(judged, index=False)
    with pytest.raises(BadInput) as caught:
        measure(tmp_path / "out", judged)
    assert caught.value.field == "judged line 2"
    with judged.open("w", newline="") as handle:
        csv.writer(handle).writerow(["sample_id"])
    with pytest.raises(BadInput):
        measure(tmp_path / "out", judged)
