"""Immigration-system records: status grants, arrivals and departures, enforcement
encounters and immigration-court proceedings, each written the way
``docs/world-semantics.md`` says the status engine will read it."""

from __future__ import annotations

import numpy as np

from vetline.synth.dates import NODATE, between, years
from vetline.synth.events import Ctx

IMMIGRANT_ADULT = ("IR1", "CR1", "F21", "E21", "F41", "DV1", "IR5", "E11")
IMMIGRANT_CHILD = ("IR2", "CR2", "F21", "F22", "E22", "IR4")
AIR_PORTS = ("LAX", "JFK", "MIA", "SFO", "ORD", "IAH", "ATL", "EWR", "DFW", "IAD", "BOS", "SEA")
LAND_PORTS = ("SYS", "OTM", "ELP", "LRD", "HID", "NOG", "CXL", "BRO")
#: Nonimmigrant classes and the length of one admission, in years.
VISA_YEARS: dict[str, float] = {
    "B2": 0.5,
    "B1": 0.5,
    "F1": 4.0,
    "H1B": 3.0,
    "L1": 3.0,
    "J1": 2.0,
    "TN": 3.0,
    "E2": 2.0,
    "O1": 3.0,
}
VISA_WEIGHTS: dict[str, float] = {
    "B2": 40,
    "B1": 5,
    "F1": 20,
    "H1B": 15,
    "L1": 5,
    "J1": 6,
    "TN": 3,
    "E2": 3,
    "O1": 3,
}
_DIGITS5 = np.asarray([f"{i:05d}" for i in range(100_000)], dtype=object)
_CASE_PREFIX = ("IOE", "MSC", "NBC", "EAC", "WAC", "LIN", "SRC")


def case_numbers(ctx: Ctx, n: int) -> np.ndarray:
    prefix = ctx.pick(_CASE_PREFIX, n)
    hi, lo = ctx.rng.integers(10, 100_000, n), ctx.rng.integers(0, 100_000, n)
    return np.asarray(prefix + _DIGITS5[hi] + _DIGITS5[lo], dtype=object)


def status(
    ctx: Ctx,
    idx: np.ndarray,
    cls: str,
    state: str | np.ndarray,
    start: np.ndarray,
    end: np.ndarray | None = None,
    visa: np.ndarray | str | None = None,
    parents: np.ndarray | None = None,
    claimed: np.ndarray | str | None = None,
) -> None:
    ctx.ev.add(
        "status",
        idx,
        start,
        status_class=cls,
        visa_class=visa,
        status_state=state,
        start_date=start,
        end_date=end,
        case_number=case_numbers(ctx, len(idx)),
        parent_a_numbers=parents,
        us_citizen_parent_claimed=claimed,
    )


def arrival(
    ctx: Ctx,
    idx: np.ndarray,
    when: np.ndarray,
    cls: np.ndarray | str,
    admit_until: np.ndarray | None = None,
    land: float = 0.2,
) -> None:
    n = len(idx)
    port = np.where(ctx.rng.random(n) < land, ctx.pick(LAND_PORTS, n), ctx.pick(AIR_PORTS, n))
    ctx.ev.add(
        "entry_exit",
        idx,
        when,
        event="ARRIVAL",
        event_date=when,
        port=port,
        admission_class=cls,
        admit_until=admit_until,
    )


def departure(ctx: Ctx, idx: np.ndarray, when: np.ndarray) -> None:
    ctx.ev.add(
        "entry_exit",
        idx,
        when,
        event="DEPARTURE",
        event_date=when,
        port=ctx.pick(AIR_PORTS, len(idx)),
    )


def encounter(
    ctx: Ctx,
    idx: np.ndarray,
    when: np.ndarray,
    kind: str | np.ndarray,
    outcome: str | np.ndarray,
    outcome_date: np.ndarray | None = None,
) -> None:
    out_date = when if outcome_date is None else outcome_date
    ctx.ev.add(
        "encounters",
        idx,
        out_date,
        encounter_date=when,
        encounter_type=kind,
        outcome=outcome,
        outcome_date=out_date,
    )


def court(
    ctx: Ctx,
    idx: np.ndarray,
    proceeding: np.ndarray,
    decision: str | np.ndarray,
    decided: np.ndarray | None,
    appeal: str | np.ndarray = "N",
) -> None:
    when = proceeding if decided is None else np.where(decided == NODATE, proceeding, decided)
    ctx.ev.add(
        "court",
        idx,
        when,
        proceeding_date=proceeding,
        decision=decision,
        decision_date=decided,
        appeal_pending=appeal,
    )


def visa_classes(ctx: Ctx, n: int, exclude: tuple[str, ...] = ()) -> np.ndarray:
    keys = [k for k in VISA_WEIGHTS if k not in exclude]
    return ctx.pick(keys, n, [VISA_WEIGHTS[k] for k in keys])


def visa_days(cls: np.ndarray) -> np.ndarray:
    return years(np.asarray([VISA_YEARS[c] for c in cls], dtype=np.float64))


def lpr_admission(
    ctx: Ctx, idx: np.ndarray, lo: np.ndarray, hi: np.ndarray, child: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Make people LPRs on a day in ``[lo, hi]``; return that day and the first admission.

    Three paths, as in DHS yearbooks: an immigrant visa at a port (arrival with an
    immigrant class on the day), adjustment of status after a nonimmigrant admission
    (adults only), or two years of conditional residence (marriage, adults only) first.
    The first admission is what starts the 5-year CIMT clock of 237(a)(2)(A)(i): the
    nonimmigrant or CR1 arrival, not the later grant (Matter of Alyazji).
    """
    rng, n = ctx.rng, len(idx)
    d1 = between(rng, lo, hi)
    path = rng.random(n)
    adult = d1 >= ctx.people.dob[idx] + years(20)
    consular = np.ones(n, dtype=bool) if child else (path < 0.65) | ~adult
    adjust = ~consular & (path < 0.85)
    conditional = ~consular & ~adjust
    c = np.flatnonzero(consular)
    arrival(ctx, idx[c], d1[c], ctx.pick(IMMIGRANT_CHILD if child else IMMIGRANT_ADULT, len(c)))
    first = d1.copy()
    a = np.flatnonzero(adjust)
    cls = ctx.pick(["H1B", "F1", "B2", "L1", "J1"], len(a), [4, 3, 2, 1, 1])
    dur = visa_days(cls)
    d0 = d1[a] - (dur * (0.2 + 0.6 * rng.random(len(a)))).astype(np.int64)
    arrival(ctx, idx[a], d0, cls, d0 + dur)
    status(ctx, idx[a], "NONIMMIGRANT", "GRANTED", d0, d0 + dur, visa=cls)
    first[a] = d0
    k = np.flatnonzero(conditional)
    d0 = d1[k] - years(2)
    arrival(ctx, idx[k], d0, "CR1")
    status(ctx, idx[k], "CONDITIONAL_LPR", "GRANTED", d0, d1[k])
    first[k] = d0
    status(ctx, idx, "LPR", "GRANTED", d1)
    return d1, first
