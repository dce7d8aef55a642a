"""Write the outside evaluator's world: an extract, its truth, and the queries to ask.

Files (the extract contract, ``shared/spec/data-contract.md``): one CSV per source;
``truth.csv`` (source, record_id, person_id) and ``person_facts.csv`` (person → status,
citizenship, removability, look-alike kind and group, absent) in the spirit of
``vetline.synth``'s; ``queries.jsonl``, one IAQ per line with the true person and the kind
of query; ``world.json``, the parameters and counts.

Queries are what police send: a booked person's name, date of birth, sex and birthplace
as the booking recorded them, with the FBI number or SID the police hold when the person
was booked before; a BIOMETRIC query carries the FIN the fingerprint search returned.
People absent from every system are asked about too (the IAQ population is everyone
police book, mostly citizens in no immigration system).

Edit here: ``Sizes`` (counts of each construction and query kind), ``_queries``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from . import noise as noise_mod
from .names import NICKNAMES
from .records import events, identities
from .world import (
    AS_OF,
    EXTRA_SCENARIOS,
    PLACES,
    SCENARIOS,
    People,
    absent,
    assign_ids,
    full_last,
    iso,
    juniors,
    lookalikes,
    make_people,
    renumber,
    twins,
)

IDENTITY: Final = (
    "record_id",
    "last_name",
    "first_name",
    "middle_name",
    "aliases",
    "dob",
    "sex",
    "birth_country",
    "citizenship",
    "a_number",
    "fin",
    "fbi_number",
    "ssn",
    "passport_number",
    "passport_country",
    "sid",
    "address",
    "city",
    "state",
    "zip",
    "county_fips",
    "record_date",
)
EVENT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "status": (
        "status_class",
        "visa_class",
        "status_state",
        "start_date",
        "end_date",
        "case_number",
        "parent_a_numbers",
        "us_citizen_parent_claimed",
    ),
    "entry_exit": ("event", "event_date", "port", "admission_class", "admit_until"),
    "encounters": ("encounter_date", "encounter_type", "outcome", "outcome_date"),
    "court": ("proceeding_date", "decision", "decision_date", "appeal_pending"),
    "criminal": (
        "arrest_date",
        "arresting_ori",
        "charge_code",
        "charge_text",
        "offense_level",
        "disposition",
        "disposition_date",
        "sentence_days",
    ),
    "custody": ("facility_ori", "facility_name", "booking_date", "release_date"),
    "biometric": ("enrolled_date", "enrolling_ori"),
    "interpol": ("notice_type", "notice_id", "issuing_country", "offense", "issued_date"),
    "warrants": ("warrant_type", "nic", "issued_date", "warrant_state"),
}
PREFIX: Final = {
    "status": "BEN",
    "entry_exit": "ADIS",
    "encounters": "ENC",
    "court": "EOIR",
    "criminal": "III",
    "custody": "JAIL",
    "biometric": "IDN",
    "interpol": "ICPO",
    "warrants": "NCIC",
}
#: The ORI queries are sent under (a real-format ORI the desk's directory knows).
QUERY_ORI: Final = "CA0194200"
LOOKALIKE_CONSTRUCTS: Final = ("LOOKALIKE_CITIZEN", "LOOKALIKE_STRANGER")


@dataclass(frozen=True)
class Sizes:
    """How many of each construction and query kind (issue 11's outside evaluation)."""

    persons: int = 20_000
    lookalikes: int = 200
    twins: int = 150
    juniors: int = 150
    absent: int = 1_500
    absent_lookalikes: int = 200
    biographic_queries: int = 3_000
    biometric_queries: int = 2_000

    @classmethod
    def scaled(cls, persons: int) -> Sizes:
        """Default proportions for ``persons`` (200 look-alike pairs per 20,000 people)."""
        f = persons / 20_000
        lk = max(5, round(200 * f))
        return cls(
            persons=persons,
            lookalikes=lk,
            twins=max(3, int(150 * f)),
            juniors=max(3, int(150 * f)),
            absent=max(20, int(1500 * f)),
            absent_lookalikes=max(5, int(200 * f)),
            biographic_queries=max(30, min(3000, int(3000 * f))),
            biometric_queries=max(20, min(2000, int(2000 * f))),
        )


def build_people(rng: np.random.Generator, sizes: Sizes) -> People:
    """The random mix, then the constructions appended, then ids numbered and assigned."""
    base = sizes.persons - sizes.lookalikes - sizes.twins - sizes.juniors
    people = make_people(rng, base)
    lookalikes(rng, people, sizes.lookalikes)
    twins(rng, people, sizes.twins)
    juniors(rng, people, sizes.juniors)
    absent(rng, people, sizes.absent, sizes.absent_lookalikes)
    renumber(people)
    assign_ids(rng, people)
    return people


def _records(
    rng: np.random.Generator, people: People, noise: noise_mod.Noise
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Each source's rows with identity (noised) and event columns, and ``_p``.

    One source at a time, so a caller that writes and drops each keeps memory to the
    largest source rather than the whole world (1M people).
    """
    construct = people["construct"].astype(str)
    pair = np.char.startswith(construct, "LOOKALIKE")
    us_born = np.isin(people["scenario"], ["USC_BOOKED", "USC_LOOKALIKE"])
    frames = events(rng, people)
    for source in list(frames):
        frame = frames.pop(source)
        ident = identities(rng, people, source, frame)
        p = frame["_p"].to_numpy()
        _lookalike_overrides(people, source, p, ident)
        ident = noise_mod.apply(rng, ident, pair[p], us_born[p], source, noise)
        rows = pd.concat([frame.reset_index(drop=True), ident.reset_index(drop=True)], axis=1)
        rows["record_date"] = iso(
            frame["_when"].to_numpy(np.int64) + rng.integers(0, 20, len(rows))
        )
        order = rng.permutation(len(rows))  # file order says nothing about persons
        rows = rows.iloc[order].reset_index(drop=True)
        rows["record_id"] = [f"{PREFIX[source]}-{i:09d}" for i in range(1, len(rows) + 1)]
        yield source, rows


def _lookalike_overrides(people: People, source: str, p: np.ndarray, ident: pd.DataFrame) -> None:
    """The look-alike pairs exactly as the outside evaluator built them (see ``lookalikes``)."""
    construct = people["construct"][p].astype(str)
    citizen = np.char.startswith(construct, "LOOKALIKE_CITIZEN")
    stranger = np.char.startswith(construct, "LOOKALIKE_STRANGER")
    if citizen.any():  # the citizen's one criminal record: FBI number and SID, foreign birthplace
        ident.loc[citizen, "fbi_number"] = people["fbi"][p][citizen]
        ident.loc[citizen, "sid"] = people["sid"][p][citizen]
        ident.loc[citizen, "birth_country"] = people["wrong_pob"][p][citizen]
        for col in ("ssn", "a_number", "fin", "passport_number", "passport_country", "citizenship"):
            ident.loc[citizen, col] = ""
        _address(people, p, ident, citizen)
    if stranger.any():  # FIN and A-number only; the truncated side carries the first surname
        for col in ("fbi_number", "sid", "ssn"):
            ident.loc[stranger, col] = ""
        trunc = stranger & (construct == "LOOKALIKE_STRANGER_TRUNCATED")
        ident.loc[trunc, "last_name"] = people["last1"][p][trunc]
        if source == "biometric":
            ident.loc[stranger, "a_number"] = people["a_number"][p][stranger]
        if source in ("encounters", "court"):
            _address(people, p, ident, stranger)


def _address(people: People, p: np.ndarray, ident: pd.DataFrame, rows: np.ndarray) -> None:
    """The person's address on ``rows`` (the constructions' states must be on record)."""
    place = people["place"][p][rows]
    street = (
        people["street_no"][p][rows].astype(str).astype(object) + " " + people["street"][p][rows]
    )
    ident.loc[rows, "address"] = street + " " + people["street_kind"][p][rows]
    for col, k in (("city", 1), ("state", 0), ("zip", 2)):
        ident.loc[rows, col] = np.asarray([x[k] for x in PLACES], object)[place]


def write_world(
    out: Path, *, seed: int = 7, sizes: Sizes | None = None, noise: noise_mod.Noise | None = None
) -> dict[str, object]:
    """Generate and write the world into ``out``; returns the ``world.json`` content."""
    started = time.perf_counter()
    sizes = sizes or Sizes()
    noise = noise or noise_mod.Noise()
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    people = build_people(rng, sizes)
    truth = []
    counts = {}
    holders: dict[str, np.ndarray] = {}  # source -> person index of each record (queries)
    for source, rows in _records(rng, people, noise):
        cols = [*IDENTITY, *EVENT_COLUMNS[source]]
        for c in cols:
            if c not in rows:
                rows[c] = ""
        rows[cols].to_csv(out / f"{source}.csv", index=False)
        counts[source] = len(rows)
        holders[source] = rows["_p"].to_numpy()
        truth.append(
            pd.DataFrame(
                {
                    "source": source,
                    "record_id": rows["record_id"],
                    "person_id": people["pid"][rows["_p"].to_numpy()],
                }
            )
        )
    pd.concat(truth).to_csv(out / "truth.csv", index=False)
    _facts(people).to_csv(out / "person_facts.csv", index=False)
    queries = _queries(np.random.default_rng(seed + 1), people, holders, sizes)
    with open(out / "queries.jsonl", "w", encoding="utf-8") as fh:
        for q in queries:
            fh.write(json.dumps(q) + "\n")
    world: dict[str, object] = {
        "generator": "bench/otherworld (independent of vetline.synth)",
        "seed": seed,
        "sizes": asdict(sizes),
        "noise": asdict(noise),
        "as_of": str(AS_OF),
        "records_per_source": counts,
        "records": sum(counts.values()),
        "people_in_records": int(
            sum(1 for c in people["construct"] if not str(c).startswith("ABSENT"))
        ),
        "queries": len(queries),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "world.json").write_text(json.dumps(world, indent=2) + "\n", encoding="utf-8")
    return world


def _facts(people: People) -> pd.DataFrame:
    sc = people["scenario"]
    info = {k: (v[1], v[2], v[3]) for k, v in SCENARIOS.items()} | dict(EXTRA_SCENARIOS)
    construct = people["construct"].astype(str)
    kind = np.where(construct == "", "", construct).astype(object)
    flags = np.where(sc == "TPS", "PROTECTED_STATUS", "").astype(object)
    return pd.DataFrame(
        {
            "person_id": people["pid"],
            "true_status": [info[s][0] for s in sc],
            "us_citizen": ["Y" if info[s][1] else "N" for s in sc],
            "removable": ["Y" if info[s][2] else "N" for s in sc],
            "notes": [f"otherworld scenario {s}" for s in sc],
            "scenario": sc,
            "true_last_name": full_last(people),
            "true_first_name": people["first"],
            "true_middle_name": people["middle"],
            "true_dob": iso(people["dob"]),
            "sex": people["sex"],
            "birth_country": people["pob"],
            "a_number": people["a_number"],
            "lookalike_group": people["group_id"],
            "lookalike_kind": kind,
            "parent_person_ids": "",
            "removal_ground": "",
            "expected_flags": flags,
            "absent": np.where(np.char.startswith(construct, "ABSENT"), "Y", "N"),
        }
    )


def _police_name(rng: np.random.Generator, first: str, last: str) -> tuple[str, str]:
    """The name as a booking officer writes it: mostly as is, sometimes shortened."""
    r = rng.random()
    if r < 0.15 and " " in last and not last.startswith(("DE ", "DEL ", "DELA ")):
        last = last.split(" ")[0]
    elif r < 0.18 and first in NICKNAMES:
        first = NICKNAMES[first][0]
    return first, last


def _queries(
    rng: np.random.Generator, people: People, holders: dict[str, np.ndarray], sizes: Sizes
) -> list[dict[str, object]]:
    pid, construct = people["pid"], people["construct"].astype(str)
    info = {k: v[2] for k, v in SCENARIOS.items()} | {k: v[1] for k, v in EXTRA_SCENARIOS.items()}
    citizen = np.asarray([info[s] for s in people["scenario"]])
    full = full_last(people)
    dob = iso(people["dob"])
    states = np.asarray([x[0] for x in PLACES], object)[people["place"]]
    county = np.asarray([x[3] for x in PLACES], object)[people["place"]]
    booked = set()
    for src in ("criminal", "custody"):
        booked.update(holders.get(src, np.empty(0, np.int64)).tolist())
    with_fin = np.unique(holders["biometric"]).astype(np.int64)
    in_records = np.flatnonzero(~np.char.startswith(construct, "ABSENT"))
    queries: list[dict[str, object]] = []

    def add(
        i: int,
        kind: str,
        *,
        qtype: str = "IAQ",
        last: str | None = None,
        pob: str | None = None,
        ids: dict[str, str] | None = None,
        absent_: bool = False,
        police_noise: bool = True,
    ) -> None:
        first, last_ = str(people["first"][i]), str(full[i] if last is None else last)
        if police_noise:
            first, last_ = _police_name(rng, first, last_)
        subject: dict[str, str] = {
            "last_name": last_,
            "first_name": first,
            "dob": str(dob[i]),
            "sex": str(people["sex"][i]),
        }
        birth = people["pob"][i] if pob is None else pob
        if birth:
            subject["birth_country"] = str(birth)
        subject.update(ids or {})
        queries.append(
            {
                "qid": f"OQ{len(queries) + 1:07d}",
                "kind": kind,
                "query_type": qtype,
                "subject": subject,
                "encounter": {
                    "state": str(states[i]),
                    "county_fips": str(county[i]),
                    "date": str(AS_OF),
                },
                "custody": {"in_custody": True},
                "true_person": None if absent_ else str(pid[i]),
                "absent": absent_,
                "citizen": bool(citizen[i]),
                "group": str(people["group_id"][i]) or None,
            }
        )

    def police_ids(i: int) -> dict[str, str]:
        got: dict[str, str] = {}
        if i in booked and rng.random() < 0.5:
            got["fbi_number"] = str(people["fbi"][i])
        if i in booked and rng.random() < 0.2:
            got["sid"] = str(people["sid"][i])
        return got

    for i in rng.choice(in_records, min(sizes.biographic_queries, len(in_records)), replace=False):
        add(int(i), "biographic", ids=police_ids(int(i)))
    for i in rng.choice(with_fin, min(sizes.biometric_queries, len(with_fin)), replace=False):
        add(int(i), "biometric", qtype="BIOMETRIC", ids={"fin": str(people["fin"][i])})
    for i in np.flatnonzero(np.char.startswith(construct, "LOOKALIKE_CITIZEN")):
        own = str(full[i])  # the name exactly as the citizen's record (and booking) has it
        wrong = str(people["wrong_pob"][i])
        add(
            int(i),
            "lookalike_citizen_fbi",
            last=own,
            pob=wrong,
            ids={"fbi_number": str(people["fbi"][i])},
            police_noise=False,
        )
        add(int(i), "lookalike_citizen_bio", last=own, pob=wrong, police_noise=False)
    for i in np.flatnonzero(np.char.startswith(construct, "LOOKALIKE_STRANGER")):
        add(
            int(i),
            "lookalike_stranger_biometric",
            qtype="BIOMETRIC",
            ids={"fin": str(people["fin"][i])},
            police_noise=False,
        )
    for i in np.flatnonzero(construct == "TWIN"):
        add(int(i), "twin", ids=police_ids(int(i)))
    for i in np.flatnonzero(construct == "JUNIOR"):
        add(int(i), "junior", ids=police_ids(int(i)), police_noise=False)
    for i in np.flatnonzero(construct == "SENIOR"):
        add(int(i), "senior", police_noise=False)
    for i in np.flatnonzero(np.char.startswith(construct, "ABSENT")):
        pob = "US" if rng.random() < 0.85 else str(rng.choice(["MX", "GT", "PH", "IN"]))
        ids = {"fbi_number": str(people["fbi"][i])} if rng.random() < 0.3 else {}
        kind = "absent_lookalike" if construct[i] == "ABSENT_LOOKALIKE" else "absent"
        add(int(i), kind, pob=pob, ids=ids, absent_=True, police_noise=False)
    return queries
