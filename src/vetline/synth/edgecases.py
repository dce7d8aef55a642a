"""Life histories that test the engine's edges: victim-based statuses (U and T visas, a
pending VAWA self-petition), a naturalization granted after a removal order, and
conditional residence that was terminated. Each follows ``docs/world-semantics.md`` and
the law; where the engine cannot express the law, the README says so.
"""

from __future__ import annotations

import numpy as np

from vetline.synth import crime
from vetline.synth.dates import between, years
from vetline.synth.enforcement import GROUND_OVERSTAY
from vetline.synth.events import Ctx
from vetline.synth.immigration import arrival, court, encounter, lpr_admission, status

GROUND_CONDITIONAL_TERMINATED = "237(a)(1)(D)(i)"
#: Validity of a U or T nonimmigrant grant (INA 214(p)(6), 214(o)(7)): four years.
VICTIM_VISA_YEARS = 4.0


def _entry(ctx: Ctx, idx: np.ndarray, lo_years_ago: float, hi_years_ago: float) -> np.ndarray:
    dob = ctx.people.dob[idx]
    n = len(idx)
    return between(
        ctx.rng,
        np.maximum(dob + years(16), ctx.as_of - years(lo_years_ago)),
        np.full(n, ctx.as_of - years(hi_years_ago)),
    )


def victim_visa(ctx: Ctx, idx: np.ndarray, cls: str) -> None:
    """U (crime victim) or T (trafficking victim) nonimmigrant, granted and current.

    Most entered without inspection or overstayed a visitor visa before the grant; the
    grant is a current nonimmigrant status (engine: NONIMMIGRANT_IN_STATUS) and a
    protected one (flag PROTECTED_STATUS)."""
    rng, n = ctx.rng, len(idx)
    entry = _entry(ctx, idx, 20, 3)
    border = rng.random(n) < 0.6
    encounter(ctx, idx[border], entry[border], "BORDER_APPREHENSION", "RELEASED")
    v = np.flatnonzero(~border)
    arrival(ctx, idx[v], entry[v], "B2", entry[v] + years(0.5))
    start = between(
        rng,
        np.maximum(entry + 365, ctx.as_of - years(VICTIM_VISA_YEARS) + 30),
        np.full(n, ctx.as_of - 10),
    )
    visa = "U1" if cls == "U_VISA" else "T1"
    status(ctx, idx, cls, "GRANTED", start, start + years(VICTIM_VISA_YEARS), visa=visa)
    crime.noise_charges(ctx, idx, entry, 0.1)


def vawa_pending(ctx: Ctx, idx: np.ndarray) -> None:
    """A visitor who overstayed and later self-petitioned under VAWA (I-360), pending.

    A pending self-petition is not a status: the records show an overstay (ground
    237(a)(1)(B)), and the petition is a protection (8 U.S.C. 1367) that sends any action
    to supervisory review (flag PROTECTED_STATUS)."""
    rng, n = ctx.rng, len(idx)
    entry = _entry(ctx, idx, 15, 2)
    until = entry + years(0.5)
    arrival(ctx, idx, entry, "B2", until)
    filed = between(rng, until + 90, np.full(n, ctx.as_of - 30))
    status(ctx, idx, "VAWA_PENDING", "PENDING", filed)
    ctx.ground[idx] = GROUND_OVERSTAY
    crime.noise_charges(ctx, idx, entry, 0.1)


def naturalized_after_order(ctx: Ctx, idx: np.ndarray) -> None:
    """An LPR ordered removed in absentia who later naturalized (the order was missed).

    A conflict the engine must surface: the citizen wins (a naturalization stands until a
    court revokes it), and the ICE warrant left ACTIVE must not lead to enforcement."""
    rng, n = ctx.rng, len(idx)
    dob = ctx.people.dob[idx]
    d1, _ = lpr_admission(ctx, idx, dob + years(18), np.full(n, ctx.as_of - years(12)), child=False)
    met = d1 + rng.integers(365, 4 * 365, n)
    encounter(ctx, idx, met, "INTERIOR_ARREST", "NTA_ISSUED")
    order = met + rng.integers(60, 700, n)
    court(ctx, idx, met + 30, "REMOVAL_ORDER_IN_ABSENTIA", order, "N")
    natz = between(rng, np.maximum(order + 60, d1 + years(3) + 30), np.full(n, ctx.as_of - 10))
    status(ctx, idx, "NATURALIZED", "GRANTED", natz)
    w = rng.random(n) < 0.5
    crime.warrant(ctx, idx[w], "I205", order[w] + 1, "ACTIVE", hi=natz[w] - 1)
    ctx.note[idx] = "naturalized after a removal order: conflict, citizenship prevails"


def conditional_terminated(ctx: Ctx, idx: np.ndarray) -> None:
    """Conditional resident (CR1, INA 216) whose status was terminated: no I-751, or it
    was denied. Deportable under 237(a)(1)(D)(i); there is no status code for it."""
    rng = ctx.rng
    dob = ctx.people.dob[idx]
    d0 = between(rng, np.maximum(dob + years(20), ctx.as_of - years(12)), ctx.as_of - years(3))
    arrival(ctx, idx, d0, "CR1")
    end = d0 + years(2)
    status(ctx, idx, "CONDITIONAL_LPR", "GRANTED", d0, end)
    ended = between(rng, end + 30, np.minimum(end + 600, ctx.as_of - 30))
    status(ctx, idx, "CONDITIONAL_LPR", "TERMINATED", ended)
    ctx.ground[idx] = GROUND_CONDITIONAL_TERMINATED
    crime.noise_charges(ctx, idx, d0, 0.15)
