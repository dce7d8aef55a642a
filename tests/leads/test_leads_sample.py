"""The audit sample's arithmetic (pure): seeded stratified draw, Wilson interval, the gate."""

from __future__ import annotations

import pytest

from vetline.leads.sample import band_precision, draw, precision_gate, wilson


def test_draw_is_seeded_stratified_and_takes_small_bands_whole() -> None:
    bands = {"STRONG": list(range(1000)), "NONE": list(range(1000, 1003)), "WEAK": []}
    a = draw(bands, {"STRONG": 10, "NONE": 20, "WEAK": 5}, "sha-a")
    assert len(a["STRONG"]) == 10 and set(a["STRONG"]) <= set(range(1000))
    assert a["NONE"] == [1000, 1001, 1002]  # smaller than asked: the whole band
    assert "WEAK" not in a
    assert draw(bands, {"STRONG": 10}, "sha-a")["STRONG"] == a["STRONG"]  # same result, same rows
    assert draw(bands, {"STRONG": 10}, "sha-b")["STRONG"] != a["STRONG"]


def test_one_sample_a_smaller_size_is_inside_the_larger() -> None:
    """The batch job (``per_band``) and the leads import (``sample_per_band``) size their
    samples by two policies; of one result they still draw one sample: each band's smaller
    sample is the start of its larger one, whatever the other bands ask (issue 16 item 4)."""
    bands = {"STRONG": list(range(5000)), "REVIEW": list(range(5000, 5400)), "NONE": [9000]}
    batch = draw(bands, dict.fromkeys(bands, 50), "sha-one")
    leads = draw(bands, {"STRONG": 80, "REVIEW": 40, "NONE": 20}, "sha-one")
    assert set(batch["STRONG"]) < set(leads["STRONG"])  # 50 inside 80
    assert set(leads["REVIEW"]) < set(batch["REVIEW"])  # 40 inside 50
    assert batch["NONE"] == leads["NONE"] == [9000]
    # A band's rows do not depend on what the other bands ask for, nor on their order.
    alone = draw({"REVIEW": list(reversed(bands["REVIEW"]))}, {"REVIEW": 40}, "sha-one")
    assert alone["REVIEW"] == leads["REVIEW"]
    for n in (1, 7, 33, 399):
        small = draw(bands, {"STRONG": n}, "sha-one")["STRONG"]
        assert set(small) <= set(draw(bands, {"STRONG": n + 1}, "sha-one")["STRONG"])


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(80, 80, 0.9542, 1.0), (95, 100, 0.8882, 0.9785), (0, 10, 0.0, 0.2775)],
)
def test_wilson_interval_matches_the_textbook_values(
    k: int, n: int, low: float, high: float
) -> None:
    interval = wilson(k, n, 0.95)
    assert interval is not None
    assert interval[0] == pytest.approx(low, abs=1e-3)
    assert interval[1] == pytest.approx(high, abs=1e-3)
    assert wilson(0, 0, 0.95) is None


def test_band_precision_counts_verdicts_and_misses() -> None:
    p = band_precision("STRONG", 1000, ["SAME"] * 78 + ["DIFFERENT", "UNSURE", None], 0.95)
    assert (p.same, p.different, p.unsure, p.reviewed, p.sampled) == (78, 1, 1, 80, 81)
    assert p.precision == pytest.approx(78 / 79)
    assert not p.complete and not p.census
    none = band_precision("NONE", 50, ["MISSED", "DIFFERENT", "DIFFERENT", "DIFFERENT"], 0.95)
    assert none.miss_rate == pytest.approx(0.25)


def test_gate_needs_a_complete_review_and_a_precision_that_holds() -> None:
    assert "not fully reviewed" in (
        precision_gate(band_precision("STRONG", 9, ["SAME", None], 0.95), 0.95) or ""
    )
    assert precision_gate(None, 0.95) is not None
    # a census (whole band reviewed) is exact: 9 of 9 passes though the interval is wide
    census = band_precision("STRONG", 9, ["SAME"] * 9, 0.95)
    assert census.census and precision_gate(census, 0.95) is None
    # a sample of 80 of 10,000 all SAME: lower end 0.954 passes 0.95, one DIFFERENT fails
    assert precision_gate(band_precision("STRONG", 10_000, ["SAME"] * 80, 0.95), 0.95) is None
    bad = band_precision("STRONG", 10_000, ["SAME"] * 79 + ["DIFFERENT"], 0.95)
    assert "below the policy" in (precision_gate(bad, 0.95) or "")
