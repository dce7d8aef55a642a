"""From people to records: which systems hold each person, with which identifiers.

Why this shape: what separates look-alikes in the real systems is which identifier
*types* each system carries (criminal systems: FBI number and SID; DHS systems: A-number
and FIN), so each source has its own identifier mix (``CARRIES``), drawn per record. Event
rows are built per scenario with NumPy, one frame per (scenario, event kind); identity
columns are then copied from the person by index.

Edit here: ``CARRIES`` (identifier mix per source), ``_events`` (which records a
scenario leaves), the charge lists.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Final

import numpy as np
import pandas as pd

from .world import AS_OF, PLACES, People, days, full_last, iso

#: source -> {identity field: probability a record carries it (when the person has it)}
CARRIES: Final[dict[str, dict[str, float]]] = {
    "status": {"a_number": 1.0, "ssn": 0.5, "fin": 0.2, "address": 0.9, "citizenship": 0.6},
    "entry_exit": {"passport": 0.95, "fin": 0.6, "a_number": 0.3},
    "encounters": {"a_number": 0.9, "fin": 0.95, "fbi": 0.15, "address": 0.3},
    "court": {"a_number": 1.0, "address": 0.7},
    "criminal": {"fbi": 0.92, "sid": 0.9, "ssn": 0.3, "a_number": 0.08, "address": 0.8},
    "custody": {"fbi": 0.95, "sid": 0.7, "address": 0.5},
    "biometric": {"fin": 1.0, "a_number": 0.7},
    "interpol": {"passport": 0.4},
    "warrants": {"a_number": 0.95, "fbi": 0.3, "fin": 0.2},
}

MISDEMEANORS: Final = (
    ("1313", "SIMPLE ASSLT"),
    ("5404", "DRIVING UNDER INFLUENCE LIQUOR"),
    ("5707", "TRESPASSING"),
)
FELONIES: Final = (("2299", "BURGLARY"), ("2404", "VEHICLE THEFT"), ("1399", "ASSAULT"))
IMMIGRANT_CLASSES: Final = ("IR1", "CR1", "F21", "IR5", "F11", "E21")
NONIMMIGRANT_CLASSES: Final = ("F1", "H1B", "J1", "L1")
PORTS: Final = ("LAX", "JFK", "MIA", "SYS", "ELP", "IAH", "ORD", "ATL", "NYC", "HOU")


class Events:
    """Event rows per source, gathered as column dicts and concatenated at the end."""

    def __init__(self) -> None:
        self.parts: dict[str, list[pd.DataFrame]] = defaultdict(list)

    def add(self, source: str, who: np.ndarray, **cols: object) -> None:
        if len(who) == 0:
            return
        frame = {"_p": who}
        for name, value in cols.items():
            frame[name] = (
                value if isinstance(value, np.ndarray) else np.full(len(who), value, object)
            )
        self.parts[source].append(pd.DataFrame(frame))

    def frames(self) -> dict[str, pd.DataFrame]:
        return {s: pd.concat(p, ignore_index=True) for s, p in self.parts.items()}


def _sub(rng: np.random.Generator, idx: np.ndarray, share: float) -> np.ndarray:
    return idx[rng.random(len(idx)) < share]


def _choose(rng: np.random.Generator, pool: tuple[object, ...], n: int) -> np.ndarray:
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), n)]


def _crimes(
    rng: np.random.Generator,
    ev: Events,
    who: np.ndarray,
    *,
    felony: float,
    start: np.ndarray | None = None,
) -> None:
    """One charge (criminal row) per element of ``who``, and a custody booking for some."""
    n = len(who)
    if n == 0:
        return
    lo = start if start is not None else np.full(n, days("2005-01-01"))
    arrest = lo + (rng.random(n) * np.maximum(int(AS_OF.astype(np.int64)) - 30 - lo, 1)).astype(
        np.int64
    )
    fel = rng.random(n) < felony
    mis = _choose(rng, MISDEMEANORS, n)
    fe = _choose(rng, FELONIES, n)
    code = np.where(fel, [c[0] for c in fe], [c[0] for c in mis]).astype(object)
    text = np.where(fel, [c[1] for c in fe], [c[1] for c in mis]).astype(object)
    disp = _choose(rng, ("CONVICTED", "CONVICTED", "DISMISSED", "PENDING"), n)
    decided = disp != "PENDING"
    disp_date = np.where(decided, iso(arrest + rng.integers(20, 200, n)), "").astype(object)
    sentence = np.where(disp == "CONVICTED", rng.integers(0, 180, n).astype(str), "").astype(object)
    _criminal_rows(
        ev,
        who,
        arrest,
        code,
        text,
        np.where(fel, "FELONY", "MISDEMEANOR"),
        disp,
        disp_date,
        sentence,
    )
    booked = rng.random(n) < 0.45
    _custody(rng, ev, who[booked], arrest[booked])


def _criminal_rows(
    ev: Events,
    who: np.ndarray,
    arrest: np.ndarray,
    code: np.ndarray,
    text: np.ndarray,
    level: np.ndarray,
    disp: np.ndarray,
    disp_date: np.ndarray,
    sentence: np.ndarray,
) -> None:
    ev.add(
        "criminal",
        who,
        _when=arrest,
        arrest_date=iso(arrest),
        charge_code=code,
        charge_text=text,
        offense_level=np.asarray(level, object),
        disposition=np.asarray(disp, object),
        disposition_date=disp_date,
        sentence_days=sentence,
    )


def _custody(rng: np.random.Generator, ev: Events, who: np.ndarray, booking: np.ndarray) -> None:
    n = len(who)
    held = rng.random(n) < 0.15
    release = np.where(held, "", iso(booking + rng.integers(1, 60, n))).astype(object)
    ev.add(
        "custody",
        who,
        _when=booking,
        booking_date=iso(booking),
        release_date=release,
        facility_name="COUNTY DETENTION CENTER",
    )


def _arrival(
    rng: np.random.Generator,
    ev: Events,
    who: np.ndarray,
    when: np.ndarray,
    klass: np.ndarray | str,
    until: np.ndarray | None = None,
) -> None:
    admit = iso(until) if until is not None else np.full(len(who), "", object)
    ev.add(
        "entry_exit",
        who,
        _when=when,
        event="ARRIVAL",
        event_date=iso(when),
        port=_choose(rng, PORTS, len(who)),
        admission_class=klass,
        admit_until=admit,
    )


def _status(
    ev: Events,
    who: np.ndarray,
    when: np.ndarray,
    klass: str,
    state: str = "GRANTED",
    end: np.ndarray | None = None,
    visa: np.ndarray | str = "",
) -> None:
    n = len(who)
    case = np.asarray([f"{klass[:3]}{w:07d}{i % 97:02d}" for i, w in enumerate(who)], object)
    ev.add(
        "status",
        who,
        _when=when,
        status_class=klass,
        visa_class=visa,
        status_state=state,
        start_date=iso(when),
        end_date=iso(end) if end is not None else np.full(n, "", object),
        case_number=case,
    )


def _biometric(rng: np.random.Generator, ev: Events, who: np.ndarray, when: np.ndarray) -> None:
    ev.add(
        "biometric",
        who,
        _when=when,
        enrolled_date=iso(when),
        enrolling_ori=_choose(rng, ("TX0720000", "CA0370000", "AZ0130000"), len(who)),
    )


def _past(rng: np.random.Generator, n: int, lo_years: float, hi_years: float) -> np.ndarray:
    today = int(AS_OF.astype(np.int64))
    return today - (rng.uniform(lo_years, hi_years, n) * 365.25).astype(np.int64)


def events(rng: np.random.Generator, people: People) -> dict[str, pd.DataFrame]:
    """Every event row of every person, by source (``_p``: the person's index)."""
    ev = Events()
    sc, construct = people["scenario"], people["construct"]
    absent = construct.astype(str) == "ABSENT"
    absent |= construct.astype(str) == "ABSENT_LOOKALIKE"
    stranger = np.char.startswith(construct.astype(str), "LOOKALIKE_STRANGER")
    dob = people["dob"]

    def of(name: str) -> np.ndarray:
        return np.flatnonzero((sc == name) & ~absent)

    # citizens by birth: one to three charges
    usc = of("USC_BOOKED")
    for share in (1.0, 0.45, 0.2):
        _crimes(rng, ev, _sub(rng, usc, share), felony=0.2, start=None)
    la = of("USC_LOOKALIKE")  # the look-alike citizen: one charge, nothing else
    arrest = _past(rng, len(la), 0.2, 8)
    _criminal_rows(
        ev,
        la,
        arrest,
        _choose(rng, ("5404", "1313"), len(la)),
        np.full(len(la), "CHARGE", object),
        np.full(len(la), "MISDEMEANOR", object),
        np.full(len(la), "PENDING", object),
        np.full(len(la), "", object),
        np.full(len(la), "", object),
    )

    # lawful permanent residents and the citizens who were LPRs first
    for name in ("NATURALIZED", "LPR", "LPR_REMOVABLE", "DERIVED"):
        who = of(name)
        n = len(who)
        if name == "DERIVED":
            arrive = dob[who] + rng.integers(2, 12, n) * 365
        else:
            # adults: at least 19 (a grant before 18 is, rightly, a citizenship sign)
            arrive = np.maximum(_past(rng, n, 6, 30), dob[who] + 19 * 366)
        _arrival(rng, ev, who, arrive, _choose(rng, IMMIGRANT_CLASSES, n))
        _status(ev, who, arrive + rng.integers(0, 30, n), "LPR")
        if name == "NATURALIZED":
            nat = arrive + rng.integers(5 * 365, 9 * 365, n)
            nat = np.minimum(nat, int(AS_OF.astype(np.int64)) - 30)
            _status(ev, who, nat, "NATURALIZED")
        if name == "DERIVED":
            _status(ev, who, arrive + rng.integers(7 * 365, 15 * 365, n), "CITIZENSHIP_CERTIFICATE")
        bio = rng.random(n) < 0.5
        _biometric(rng, ev, who[bio], arrive[bio] + 3)
        if name == "LPR_REMOVABLE":
            conv = np.maximum(arrive + 400, _past(rng, n, 1, 10))
            _criminal_rows(
                ev,
                who,
                conv,
                np.full(n, "3501", object),
                np.full(n, "HALLUCINOGEN - MFR", object),
                np.full(n, "FELONY", object),
                np.full(n, "CONVICTED", object),
                iso(conv + 120),
                rng.integers(400, 3000, n).astype(str).astype(object),
            )
            booked = rng.random(n) < 0.7
            _custody(rng, ev, who[booked], conv[booked] + 121)
        else:
            _crimes(rng, ev, _sub(rng, who, 0.15), felony=0.0)

    # nonimmigrants, in status and overstayed
    who = of("NONIMMIGRANT")
    n = len(who)
    arrive = _past(rng, n, 0.1, 2.5)
    until = int(AS_OF.astype(np.int64)) + rng.integers(120, 900, n)
    klass = _choose(rng, NONIMMIGRANT_CLASSES, n)
    _arrival(rng, ev, who, arrive, klass, until)
    sub = rng.random(n) < 0.5
    _status(ev, who[sub], arrive[sub], "NONIMMIGRANT", end=until[sub], visa=klass[sub])
    who = of("OVERSTAY")
    n = len(who)
    arrive = _past(rng, n, 1.5, 12)
    _arrival(rng, ev, who, arrive, "B2", arrive + 180)
    bio = rng.random(n) < 0.4
    _biometric(rng, ev, who[bio], arrive[bio])
    _crimes(rng, ev, _sub(rng, who, 0.3), felony=0.0)

    # entered without inspection; final orders
    for name in ("EWI", "FINAL_ORDER"):
        who = of(name)
        n = len(who)
        when = _past(rng, n, 1, 12)
        kind = "BORDER_APPREHENSION" if name == "EWI" else "INTERIOR_ARREST"
        outcome = _choose(rng, ("NTA_ISSUED", "RELEASED"), n) if name == "EWI" else "NTA_ISSUED"
        ev.add(
            "encounters",
            who,
            _when=when,
            encounter_date=iso(when),
            encounter_type=kind,
            outcome=outcome,
            outcome_date=iso(when),
        )
        _biometric(rng, ev, who, when)
        if name == "FINAL_ORDER":
            order = when + rng.integers(200, 900, n)
            order = np.minimum(order, int(AS_OF.astype(np.int64)) - 20)
            ev.add(
                "court",
                who,
                _when=order,
                proceeding_date=iso(when + 60),
                decision="REMOVAL_ORDER",
                decision_date=iso(order),
                appeal_pending="N",
            )
            w = rng.random(n) < 0.5
            ev.add(
                "warrants",
                who[w],
                _when=order[w] + 30,
                warrant_type="I205",
                nic=np.asarray([f"W{x:09d}" for x in who[w]], object),
                issued_date=iso(order[w] + 30),
                warrant_state="ACTIVE",
            )
        _crimes(rng, ev, _sub(rng, who[~stranger[who]], 0.3), felony=0.1)

    # protected and humanitarian
    for name, klass_ in (("TPS", "TPS"), ("ASYLEE", "ASYLEE"), ("REFUGEE", "REFUGEE")):
        who = of(name)
        n = len(who)
        start = _past(rng, n, 1, 10)
        end = int(AS_OF.astype(np.int64)) + rng.integers(100, 700, n) if name == "TPS" else None
        _status(ev, who, start, klass_, end=end)
        if name == "REFUGEE":
            _arrival(rng, ev, who, start - 1, "RE")
        _biometric(rng, ev, who, start - 30)
        _crimes(rng, ev, _sub(rng, who, 0.1), felony=0.0)

    # a few INTERPOL notices on non-citizens
    noncit = np.flatnonzero(
        np.isin(sc, ["OVERSTAY", "EWI", "FINAL_ORDER", "LPR"]) & ~absent & ~stranger
    )
    red = _sub(rng, noncit, 0.01)
    when = _past(rng, len(red), 0.5, 8)
    ev.add(
        "interpol",
        red,
        _when=when,
        notice_type="RED",
        notice_id=np.asarray([f"A-{x % 99999:05d}/{2026 - (x % 8)}" for x in red], object),
        issuing_country=people["pob"][red],
        offense="FRAUD",
        issued_date=iso(when),
    )
    return ev.frames()


def identities(
    rng: np.random.Generator, people: People, source: str, frame: pd.DataFrame
) -> pd.DataFrame:
    """Identity columns of each record, copied from its person (before noise)."""
    p = frame["_p"].to_numpy()
    n = len(p)
    carries = CARRIES[source]

    def maybe(field: str, values: np.ndarray) -> np.ndarray:
        keep = (rng.random(n) < carries.get(field, 0.0)) & (values != "")
        return np.where(keep, values, "").astype(object)

    place = people["place"][p]
    st = np.asarray([x[0] for x in PLACES], object)[place]
    out = pd.DataFrame(
        {
            "last_name": full_last(people)[p],
            "first_name": people["first"][p],
            "middle_name": people["middle"][p],
            "dob": iso(people["dob"][p]),
            "sex": people["sex"][p],
            "birth_country": people["pob"][p],
            "citizenship": maybe(
                "citizenship",
                np.where(people["pob"][p] == "US", "", people["pob"][p]).astype(object),
            ),
            "a_number": maybe("a_number", people["a_number"][p]),
            "fin": maybe("fin", people["fin"][p]),
            "fbi_number": maybe("fbi", people["fbi"][p]),
            "ssn": maybe("ssn", people["ssn"][p]),
            "passport_number": maybe("passport", people["passport"][p]),
            "sid": maybe("sid", people["sid"][p]),
        }
    )
    out["passport_country"] = np.where(out["passport_number"] != "", people["pob"][p], "").astype(
        object
    )
    has_addr = rng.random(n) < (1.0 if source == "custody" else carries.get("address", 0.0))
    street = has_addr & (rng.random(n) < (0.5 if source == "custody" else 1.0))
    addr = (
        people["street_no"][p].astype(str).astype(object)
        + " "
        + people["street"][p]
        + " "
        + people["street_kind"][p]
    )
    out["address"] = np.where(street, addr, "").astype(object)
    out["city"] = np.where(has_addr, np.asarray([x[1] for x in PLACES], object)[place], "").astype(
        object
    )
    out["state"] = np.where(has_addr, st, "").astype(object)
    out["zip"] = np.where(has_addr, np.asarray([x[2] for x in PLACES], object)[place], "").astype(
        object
    )
    out["county_fips"] = np.where(
        has_addr & (source == "custody"), np.asarray([x[3] for x in PLACES], object)[place], ""
    ).astype(object)
    if source == "custody":
        out["facility_ori"] = st + np.asarray([x[3][2:] for x in PLACES], object)[place] + "0000"
    if source == "criminal":
        out["arresting_ori"] = (
            st + "0" + np.asarray([x[3][2:] for x in PLACES], object)[place] + "000"
        )
    return out
