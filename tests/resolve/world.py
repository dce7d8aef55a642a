"""A tiny hand-made world for resolve tests, written as a real extract (CSV files).

Independent of the synthetic-world generator on purpose: each phenomenon the model must
handle is put in deliberately (typos, nicknames, swaps, partial dates, missing and
conflicting identifiers, a very common name), and the truth is known row by row.

Each person has a home address, as records in real systems mostly do; since issue 11 a
record that shares no identifier joins its person only with such corroboration (birth
country no longer counts), so without addresses the tiny world would be a world of
split persons. Addresses come from their own random stream, so the names, dates and
identifiers are the same as before they were added; some records carry an old address
(the person moved) or none.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from vetline.records.contract import columns_of

SURNAMES = (
    ["GARCIA"] * 12
    + ["HERNANDEZ"] * 6
    + ["NGUYEN"] * 4
    + [
        "SMITH",
        "JOHNSON",
        "OKAFOR",
        "KOWALSKI",
        "MUELLER",
        "ROSSI",
        "TANAKA",
        "PETROV",
        "HASSAN",
        "SINGH",
        "DUBOIS",
        "FERREIRA",
        "LINDQVIST",
        "OCONNOR",
        "MBEKI",
        "HAUGEN",
        "CASTELLANOS",
        "VILLANUEVA",
        "ACHTERBERG",
        "ZHOU",
        "BRANDSTETTER",
        "QUISPE",
        "MONTGOMERY",
        "YILMAZ",
        "NAKAMURA",
        "OYELARAN",
    ]
)
FORENAMES = (
    ["JUAN"] * 10
    + ["MARIA"] * 6
    + [
        "ROBERT",
        "WILLIAM",
        "ELIZABETH",
        "MOHAMMED",
        "ANA",
        "LUIS",
        "CARLOS",
        "SOFIA",
        "PETER",
        "AMINA",
        "OLUWASEUN",
        "KATARZYNA",
        "HIROSHI",
        "DMITRI",
        "PRIYA",
        "FATIMA",
        "JOSE",
        "GRETA",
        "TOMAS",
        "IGNACIO",
    ]
)
NICKNAMES = {"ROBERT": "BOB", "WILLIAM": "BILL", "ELIZABETH": "LIZ", "MOHAMMED": "MUHAMMAD"}


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def make_people(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    people = []
    for p in range(n):
        people.append(
            {
                "pid": f"T{p:05d}",
                "last_name": rng.choice(SURNAMES),
                "first_name": rng.choice(FORENAMES),
                "dob": f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                "sex": rng.choice("MF"),
                "birth_country": rng.choice(["MX", "GT", "VN", "NG", "PL", "IN"]),
                "a_number": f"{rng.randint(10_000_000, 299_999_999):09d}",
                "fin": f"{rng.randint(10**9, 10**10 - 1)}",
                "ssn": f"{rng.randint(100, 665):03d}{rng.randint(10, 99)}{rng.randint(1000, 9999)}",
            }
        )
    return people


STREETS = ("OAK ST", "MAPLE AVE", "ELM ST", "MAIN ST", "CEDAR LN", "PINE RD", "LAKE DR")
STATES = ("CA", "TX", "IL", "FL", "NY", "AZ")


def _address(rng: random.Random) -> dict[str, str]:
    state = rng.choice(STATES)
    return {
        "address": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
        "city": f"CITY{rng.randint(1, 40)}",
        "state": state,
        "zip": f"{STATES.index(state) + 1}{rng.randint(0, 9999):04d}",
    }


def _home(person: dict[str, str], where: random.Random) -> dict[str, str]:
    """Where this record says the person lives: home (80 %), an old address, or none."""
    r = where.random()
    if r < 0.8:
        return _address(random.Random(person["pid"]))
    if r < 0.9:
        return _address(where)
    return {}


def _record(
    person: dict[str, str], rng: random.Random, noisy: bool, where: random.Random | None = None
) -> dict[str, str]:
    row = {k: v for k, v in person.items() if k != "pid"}
    if where is not None:
        row.update(_home(person, where))
    if rng.random() < 0.4:
        row["fin"] = ""
    if rng.random() < 0.3:
        row["a_number"] = ""
    if rng.random() < 0.6:
        row["ssn"] = ""
    if noisy:
        r = rng.random()
        if r < 0.15:
            row["last_name"] = _typo(row["last_name"], rng)
        elif r < 0.25 and row["first_name"] in NICKNAMES:
            row["first_name"] = NICKNAMES[row["first_name"]]
        elif r < 0.30:
            row["dob"] = row["dob"][:7]
        elif r < 0.35:
            y, m, d = row["dob"].split("-")
            if int(d) <= 12:
                row["dob"] = f"{y}-{d}-{m}"
        elif r < 0.40:
            row["last_name"], row["first_name"] = row["first_name"], row["last_name"]
    return row


SOURCES = ("status", "criminal", "biometric")
EVENTS = {
    "status": {"status_class": "LPR", "status_state": "GRANTED"},
    "criminal": {"charge_code": "1313", "disposition": "PENDING"},
    "biometric": {},
}


def write_extract(
    out: Path, people: list[dict[str, str]], seed: int, prefix: str = "r"
) -> dict[tuple[str, str], str]:
    """Write 1-3 records per person; returns truth (source, record_id) → pid."""
    rng = random.Random(seed)
    where = random.Random(seed * 7919 + 1)
    rows: dict[str, list[dict[str, str]]] = {s: [] for s in SOURCES}
    truth: dict[tuple[str, str], str] = {}
    for person in people:
        for k in range(rng.randint(1, 3)):
            source = rng.choice(SOURCES)
            row = _record(person, rng, noisy=k > 0, where=where)
            if source == "biometric" and not row["fin"]:
                row["fin"] = person["fin"]
            rid = f"{prefix}{len(truth):06d}"
            row.update(EVENTS[source], record_id=rid)
            rows[source].append(row)
            truth[(source, rid)] = person["pid"]
    out.mkdir(parents=True, exist_ok=True)
    for source, source_rows in rows.items():
        with (out / f"{source}.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(columns_of(source)), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(source_rows)
    return truth
