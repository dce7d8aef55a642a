"""Life histories of people without status, in or after removal proceedings, and of
people whose records establish nothing (world-semantics rows OVERSTAY … UNKNOWN)."""

from __future__ import annotations

import numpy as np

from vetline.synth import crime
from vetline.synth.dates import between, years
from vetline.synth.events import Ctx
from vetline.synth.immigration import (
    arrival,
    court,
    departure,
    encounter,
    status,
    visa_classes,
    visa_days,
)

GROUND_OVERSTAY = "237(a)(1)(C)(i); 237(a)(1)(B)"
GROUND_EWI = "212(a)(6)(A)(i)"
GROUND_FINAL_ORDER = "final order of removal (INA 241)"
GROUND_REENTRY = "212(a)(9)(A)/(C); reinstatement 241(a)(5)"


def _entry_day(ctx: Ctx, idx: np.ndarray, latest_years_ago: float) -> np.ndarray:
    dob = ctx.people.dob[idx]
    return between(
        ctx.rng,
        np.maximum(dob + years(16), ctx.as_of - years(25)),
        np.full(len(idx), ctx.as_of - years(latest_years_ago)),
    )


def overstay(ctx: Ctx, idx: np.ndarray) -> None:
    rng, n = ctx.rng, len(idx)
    cls = visa_classes(ctx, n)
    lo = np.maximum(ctx.people.dob[idx] + years(16), ctx.as_of - years(15))
    cls[lo > ctx.as_of - visa_days(cls) - 30] = "B2"  # too young for a long admission
    dur = visa_days(cls)
    d0 = between(rng, lo, ctx.as_of - dur - 30)
    until = d0 + dur
    arrival(ctx, idx, d0, cls, until)
    has_row = np.flatnonzero(cls != "B2")
    state = ctx.pick(["GRANTED", "EXPIRED"], len(has_row))
    status(ctx, idx[has_row], "NONIMMIGRANT", state, d0[has_row], until[has_row], visa=cls[has_row])
    ctx.ground[idx] = GROUND_OVERSTAY
    crime.noise_charges(ctx, idx, d0, 0.3)
    crime.warrant(ctx, ctx.chance(idx, 0.05), "I200", ctx.as_of - 300, "ACTIVE")


def visitor_departed(ctx: Ctx, idx: np.ndarray) -> None:
    """Admitted, left (on time or late): not in the U.S.; no current status."""
    rng, n = ctx.rng, len(idx)
    cls = visa_classes(ctx, n)
    dur = visa_days(cls)
    d0 = between(rng, ctx.people.dob[idx] + years(16), ctx.as_of - dur - 60)
    until = d0 + dur
    arrival(ctx, idx, d0, cls, until)
    left = between(rng, d0 + 5, np.minimum(until + 200, ctx.as_of - 1))
    departure(ctx, idx, left)


def ewi(ctx: Ctx, idx: np.ndarray) -> None:
    """Apprehended between ports and released (or NTA issued, never filed with a court)."""
    n = len(idx)
    e = _entry_day(ctx, idx, 0.2)
    outcome = ctx.pick(["RELEASED", "NTA_ISSUED"], n, [0.6, 0.4])
    encounter(ctx, idx, e, "BORDER_APPREHENSION", outcome)
    ctx.ground[idx] = GROUND_EWI
    crime.noise_charges(ctx, idx, e, 0.4)
    w = ctx.rng.random(n) < 0.1
    crime.warrant(ctx, idx[w], "I200", e[w], "ACTIVE")


def _ordered(
    ctx: Ctx, idx: np.ndarray, latest_order_years_ago: float
) -> tuple[np.ndarray, np.ndarray]:
    """Encounter with NTA, hearings, removal order (in absentia or not).

    Returns the entry (encounter) day and the order day; hearings take at most ~3 years.
    """
    rng, n = ctx.rng, len(idx)
    e = _entry_day(ctx, idx, latest_order_years_ago + 3.1)
    interior = rng.random(n) < 0.35
    encounter(
        ctx, idx, e, np.where(interior, "INTERIOR_ARREST", "BORDER_APPREHENSION"), "NTA_ISSUED"
    )
    hearing = e + rng.integers(30, 400, n)
    had_hearing = rng.random(n) < 0.5
    court(ctx, idx[had_hearing], hearing[had_hearing], "PENDING", None)
    order = hearing + rng.integers(30, 700, n)
    decision = ctx.pick(["REMOVAL_ORDER", "REMOVAL_ORDER_IN_ABSENTIA"], n)
    court(ctx, idx, hearing, decision, order, "N")
    return e, np.asarray(order)


def final_order(ctx: Ctx, idx: np.ndarray) -> None:
    entry, order = _ordered(ctx, idx, 0.05)
    ctx.ground[idx] = GROUND_FINAL_ORDER
    w = ctx.rng.random(len(idx)) < 0.5
    crime.warrant(ctx, idx[w], "I205", order[w] + 1, "ACTIVE")
    crime.noise_charges(ctx, idx, entry, 0.3)


def removed_reentered(ctx: Ctx, idx: np.ndarray) -> None:
    """Ordered, removed, and then placed in the U.S. again by an arrest or encounter."""
    rng, n = ctx.rng, len(idx)
    _, order = _ordered(ctx, idx, 1.0)
    removed = order + rng.integers(10, 200, n)
    kind = ctx.pick(["INTERIOR_ARREST", "JAIL_SCREENING"], n)
    encounter(ctx, idx, removed - 5, kind, "REMOVED", removed)
    crime.warrant(ctx, idx, "I205", order + 1, "CLEARED", hi=removed - 6)
    adult = ctx.people.dob[idx] + years(18)
    back = between(rng, np.maximum(removed + 60, adult), np.full(n, ctx.as_of - 30))
    by_arrest = rng.random(n) < 0.6
    a = np.flatnonzero(by_arrest)
    code = np.where(rng.random(len(a)) < 0.5, "0301", ctx.pick(["1313", "5404", "2303"], len(a)))
    crime.add_charges(
        ctx,
        idx[a],
        back[a],
        code,
        np.zeros(len(a), bool),
        ctx.pick(["CONVICTED", "PENDING"], len(a), [0.6, 0.4]),
        rng.integers(0, 180, len(a)),
    )
    e = np.flatnonzero(~by_arrest)
    encounter(ctx, idx[e], back[e], "INTERIOR_ARREST", "DETAINED")
    ctx.ground[idx] = GROUND_REENTRY
    w = rng.random(n) < 0.4
    crime.warrant(ctx, idx[w], "I205", back[w], "ACTIVE")


def in_proceedings(ctx: Ctx, idx: np.ndarray) -> None:
    rng, n = ctx.rng, len(idx)
    e = between(
        rng,
        np.maximum(ctx.people.dob[idx] + years(16), ctx.as_of - years(6)),
        np.full(n, ctx.as_of - 120),
    )
    encounter(
        ctx,
        idx,
        e,
        ctx.pick(["BORDER_APPREHENSION", "INTERIOR_ARREST"], n, [0.7, 0.3]),
        "NTA_ISSUED",
    )
    hearing = between(rng, e + 30, np.full(n, ctx.as_of - 10))
    appeal = rng.random(n) < 0.2
    court(ctx, idx[~appeal], hearing[~appeal], "PENDING", None)
    a = np.flatnonzero(appeal)
    decided = between(rng, hearing[a], np.full(len(a), ctx.as_of - 5))
    court(ctx, idx[a], hearing[a], "REMOVAL_ORDER", decided, "Y")
    crime.noise_charges(ctx, idx, e, 0.2)


def unknown_foreign_pob(ctx: Ctx, idx: np.ndarray) -> None:
    """Only arrests and bookings, foreign birthplace: the Gonzalez trap, other way round."""
    serious = ctx.chance(idx, 0.3)
    dob = ctx.people.dob[serious]
    crime.removable_conviction(ctx, serious, dob + years(18))
    rest = np.setdiff1d(idx, serious)
    crime.noise_charges(ctx, rest, ctx.people.dob[rest] + years(18), 1.0)


def interpol_only(ctx: Ctx, idx: np.ndarray) -> None:
    crime.interpol(ctx, idx, "RED", ctx.people.dob[idx] + years(20))


def overlays(ctx: Ctx) -> None:
    """Flags that cut across scenarios: INTERPOL notices, criminal warrants."""
    p = ctx.people
    foreign = np.flatnonzero(p.birth_country != "US")
    red = ctx.chance(foreign, 0.01)
    crime.interpol(ctx, red, "RED", p.dob[red] + years(20))
    other = ctx.chance(foreign, 0.005)
    crime.interpol(
        ctx, other, str(ctx.pick(["BLUE", "YELLOW", "DIFFUSION"], 1)[0]), p.dob[other] + years(18)
    )
    arrested = ctx.ev.persons_in("criminal")
    crim = ctx.chance(arrested, 0.04)
    crime.warrant(
        ctx, crim, "CRIMINAL", p.dob[crim] + years(19), ctx.pick(["ACTIVE", "CLEARED"], len(crim))
    )
