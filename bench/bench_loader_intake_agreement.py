"""Loader/intake agreement on a dirty extract: what is stored, and can intake reach it?

Issue 11 found stored values that IAQ intake refused (an 11-character FBI number, births
1850-1899) and records lost whole to one bad optional field. This injects those faults into
a synthetic extract at fixed rates, ingests it, and asks IAQ intake about every stored
identity value (and every stored record's identity as one subject). Run the second step
with ``PYTHONPATH`` pointing at the code to measure, to compare two versions::

    vetline synth --persons 20000 --seed 7 --out /tmp/w20k
    python bench/bench_loader_intake_agreement.py make /tmp/w20k /tmp/dirty
    PYTHONPATH=src python bench/bench_loader_intake_agreement.py run /tmp/dirty /tmp/dirty-data

Faults per row (seeded, one at most): 1 % impossible date of birth (``YYYY-02-30``), 1 %
a 19xx birth year written 18xx, 1 % an FBI number two characters too long, 1 % last name
blanked (first name only), 1 % a FIN written with a dash.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import sys
from datetime import date
from pathlib import Path

TODAY = date(2026, 12, 4)
FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "birth_country",
    "a_number",
    "fin",
    "fbi_number",
    "ssn",
    "passport_number",
    "sid",
)
#: Fields that need an identifier beside them to make a valid subject on their own.
NEEDS_ANCHOR = ("first_name", "middle_name", "dob", "sex", "birth_country")
_FAULTS = (
    ("dob_impossible", "dob", lambda v: v[:4] + "-02-30"),
    ("dob_18xx", "dob", lambda v: "18" + v[2:]),
    ("fbi_11", "fbi_number", lambda v: v + "12"),
    ("first_only", "last_name", lambda v: ""),
    ("fin_dash", "fin", lambda v: v[:4] + "-" + v[4:]),
)


def make(world: Path, out: Path) -> dict[str, int]:
    """Copy the world's source files into ``out`` with faults injected; counts per fault."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rng = random.Random(11)
    counts = dict.fromkeys((name for name, _, _ in _FAULTS), 0)
    for path in sorted(world.glob("*.csv")):
        if path.stem in ("truth", "person_facts", "truth_noise"):
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            index = int(rng.random() * 100)
            if index < len(_FAULTS):
                name, field, change = _FAULTS[index]
                if row.get(field):
                    row[field] = change(row[field])
                    counts[name] += 1
        with (out / path.name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return counts


def run(extract: Path, data: Path) -> dict[str, object]:
    """Ingest ``extract`` and ask intake about every stored identity value."""
    from vetline.desk import InvalidQuery, parse_iaq_json
    from vetline.records import RecordStore, ingest_extract

    def ask(subject: dict[str, str]) -> object:
        doc = {"query_type": "IAQ", "ori": "CA0194200", "subject": subject}
        return parse_iaq_json(doc).subject

    shutil.rmtree(data, ignore_errors=True)
    report = ingest_extract(extract, data, today=TODAY)
    refused: dict[str, int] = {}
    differs: dict[str, int] = {}
    values = records = whole_refused = 0
    store = RecordStore(data)
    for source in store.sources():
        for record in store.read_source(source).to_pylist():
            records += 1
            subject = {f: record[f] for f in FIELDS if record.get(f) is not None}
            try:
                ask(subject)
            except InvalidQuery:
                whole_refused += 1
            for field, value in subject.items():
                values += 1
                anchor = {"a_number": "A12345678"} if field in NEEDS_ANCHOR else {}
                try:
                    if getattr(ask({field: value, **anchor}), field) != value:
                        differs[field] = differs.get(field, 0) + 1
                except InvalidQuery:
                    refused[field] = refused.get(field, 0) + 1
    return {
        "accepted": report.total_accepted,
        "rejected": report.total_rejected,
        "fields_set_aside": getattr(report, "total_set_aside", None),
        "stored_records": records,
        "stored_values": values,
        "stored_values_intake_refuses": refused,
        "stored_values_intake_canonicalises_differently": differs,
        "stored_records_intake_refuses_as_a_subject": whole_refused,
    }


if __name__ == "__main__":
    mode, first, second = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    result = make(first, second) if mode == "make" else run(first, second)
    print(json.dumps(result, indent=1))
