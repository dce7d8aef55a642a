"""Life histories of citizens and lawfully present people (world-semantics rows
US_BORN_CITIZEN … PAROLE). One function per scenario, each vectorised over its people."""

from __future__ import annotations

from datetime import date

import numpy as np

from vetline.synth import crime
from vetline.synth.dates import NODATE, between, day, years
from vetline.synth.events import Ctx
from vetline.synth.ids import a_numbers
from vetline.synth.immigration import (
    arrival,
    departure,
    encounter,
    lpr_admission,
    status,
    visa_classes,
    visa_days,
)
from vetline.synth.names import wrong_digit

CCA_EFFECTIVE = day(date(2001, 2, 27))  # Child Citizenship Act (INA 320)
EARLIEST = day(date(1975, 1, 1))


def _adult(ctx: Ctx, idx: np.ndarray, age: float = 18) -> np.ndarray:
    return np.asarray(ctx.people.dob[idx] + years(age))


def us_born(ctx: Ctx, idx: np.ndarray) -> None:
    """Citizens by birth: only arrests, bookings and (from bookings) fingerprints."""
    serious = ctx.chance(idx, 0.3)
    crime.removable_conviction(ctx, serious, _adult(ctx, serious))
    rest = np.setdiff1d(idx, serious)
    crime.noise_charges(ctx, rest, _adult(ctx, rest), 1.0)
    crime.noise_charges(ctx, serious, _adult(ctx, serious), 0.3)


def naturalized(ctx: Ctx, idx: np.ndarray) -> None:
    dob = ctx.people.dob[idx]
    lo = np.maximum(dob + years(4), EARLIEST)
    d1, _ = lpr_admission(ctx, idx, lo, np.full(len(idx), ctx.as_of - years(3.3)))
    d2 = between(ctx.rng, d1 + years(3) + 30, np.minimum(d1 + years(15), ctx.as_of - 10))
    status(ctx, idx, "NATURALIZED", "GRANTED", d2)
    crime.noise_charges(ctx, idx, d1, 0.2)


def derived_certificate(ctx: Ctx, idx: np.ndarray) -> None:
    dob = ctx.people.dob[idx]
    d1, _ = lpr_admission(ctx, idx, dob + 30, dob + years(15), child=True)
    cert = between(ctx.rng, d1 + 365, np.full(len(idx), ctx.as_of - 10))
    status(ctx, idx, "CITIZENSHIP_CERTIFICATE", "GRANTED", cert)
    crime.noise_charges(ctx, idx, d1, 0.3)


def child_with_parent(ctx: Ctx, idx: np.ndarray, derived: bool) -> None:
    """The hard case (and its look-alike): a child LPR whose parent naturalized before
    (derived citizen, INA 320) or after (still an LPR) the child's 18th birthday.

    The child's records show only an LPR grant naming the parent's A-number; the
    parent's own status rows carry the naturalization. The child has a conviction that
    would be removable for an LPR: exactly where a database-only check goes wrong.
    """
    rng, p = ctx.rng, ctx.people
    parent = p.parent[idx]
    idx, parent = idx[parent >= 0], parent[parent >= 0]
    dob = p.dob[idx]
    eighteen = dob + years(18)
    d1 = between(rng, np.maximum(dob + years(1), EARLIEST), dob + years(12))
    if derived:
        lo = np.maximum(d1 + years(3) + 30, CCA_EFFECTIVE)
        d2 = between(rng, lo, np.minimum(eighteen - 30, ctx.as_of - 10))
    else:
        d2 = between(rng, eighteen + 60, np.full(len(idx), ctx.as_of - 10))
    # The family immigrates together: same day, immigrant visas.
    arrival(ctx, parent, d1, ctx.pick(("IR5", "F41", "E21", "F21"), len(idx)))
    arrival(ctx, idx, d1, ctx.pick(("IR2", "F22", "E22"), len(idx)))
    status(ctx, parent, "LPR", "GRANTED", d1)
    status(ctx, parent, "NATURALIZED", "GRANTED", d2)
    parent_a = np.asarray(a_numbers(p.base + parent).to_pylist(), dtype=object)
    # The Watson case: the clerk keyed the parent's A-number one digit wrong.
    typo = rng.random(len(idx)) < ctx.noise.parent_a_number
    u = rng.random(len(idx))
    parent_a[typo] = [wrong_digit(a, x) for a, x in zip(parent_a[typo], u[typo], strict=True)]
    ctx.parent_typo[idx[typo]] = True
    status(
        ctx, idx, "LPR", "GRANTED", d1, parents=parent_a, claimed=ctx.pick(["N", None], len(idx))
    )
    crime.removable_conviction(ctx, idx, d1)
    when = "before" if derived else "after"
    ctx.note[idx] = f"parent naturalized {when} the 18th birthday"


def derived_claimed(ctx: Ctx, idx: np.ndarray) -> None:
    """Acquired at birth abroad (INA 301): recorded as an LPR child, parent claimed."""
    dob = ctx.people.dob[idx]
    d1 = between(ctx.rng, dob + 60, dob + years(10))
    arrival(ctx, idx, d1, "IR2")
    status(ctx, idx, "LPR", "GRANTED", d1, claimed="Y")
    crime.noise_charges(ctx, idx, d1, 0.5)


def lpr(ctx: Ctx, idx: np.ndarray, kind: str) -> None:
    """LPRs: clean (noise arrests only), with a removable conviction, or with a pending
    ground-triggering charge (removable if convicted)."""
    dob = ctx.people.dob[idx]
    lo = np.maximum(dob + years(4), EARLIEST)
    d1, first = lpr_admission(ctx, idx, lo, np.full(len(idx), ctx.as_of - years(3)))
    if kind == "REMOVABLE":
        crime.removable_conviction(ctx, idx, d1, first=first)
        crime.warrant(ctx, ctx.chance(idx, 0.3), "I200", ctx.as_of - 400, "ACTIVE")
    elif kind == "PENDING":
        crime.pending_charge(ctx, idx)
    crime.noise_charges(ctx, idx, d1, 0.3 if kind == "CLEAN" else 0.15)


def nonimmigrant(ctx: Ctx, idx: np.ndarray, removable: bool) -> None:
    """In status: admitted, admit-until after as-of; some with earlier completed trips."""
    rng, n = ctx.rng, len(idx)
    cls = visa_classes(ctx, n, exclude=("B1", "B2") if removable else ())
    dur = visa_days(cls)
    lo = np.full(n, ctx.as_of) - dur + 30
    hi = np.full(n, ctx.as_of - 10)
    if removable:  # in the U.S. long enough for an arrest and a conviction
        lo = np.minimum(lo, ctx.as_of - years(2.5))
        hi = np.full(n, ctx.as_of - years(1.6))
    d0 = between(rng, np.maximum(lo, ctx.people.dob[idx] + years(16)), hi)
    until = np.maximum(d0 + dur, ctx.as_of + 30)
    arrival(ctx, idx, d0, cls, until)
    status(ctx, idx, "NONIMMIGRANT", "GRANTED", d0, until, visa=cls)
    # An earlier, completed B-2 trip, ending well before this admission.
    lo_prior = ctx.people.dob[idx] + years(16)
    hi_prior = np.minimum(ctx.as_of - years(3), d0 - 200)
    k = np.flatnonzero((lo_prior <= hi_prior) & (rng.random(n) < 0.4))
    if len(k):
        a = between(rng, lo_prior[k], hi_prior[k])
        arrival(ctx, idx[k], a, "B2", a + years(0.5))
        departure(ctx, idx[k], a + rng.integers(5, 170, len(k)))
    if removable:
        # The 5-year CIMT clock runs from the admission this stay rests on (Matter of
        # Alyazji); with an earlier trip on file that reading is for a reviewer, so those
        # people get another category (see the README).
        no_trip = np.ones(n, dtype=bool)
        no_trip[k] = False
        crime.removable_conviction(ctx, idx, d0, cimt_5y=no_trip)


def tps(ctx: Ctx, idx: np.ndarray) -> None:
    rng, n = ctx.rng, len(idx)
    adult = _adult(ctx, idx, 16)
    entry = between(rng, np.maximum(adult, EARLIEST), np.full(n, ctx.as_of - years(3)))
    border = ctx.chance(idx, 0.5)
    bi = np.isin(idx, border)
    encounter(ctx, idx[bi], entry[bi], "BORDER_APPREHENSION", "RELEASED")
    visa = np.flatnonzero(~bi & (rng.random(n) < 0.5))
    arrival(ctx, idx[visa], entry[visa], "B2", entry[visa] + years(0.5))
    start = between(rng, entry + 60, np.full(n, ctx.as_of - years(1)))
    earlier = ctx.chance(np.flatnonzero(start - years(1.5) > entry + 30), 0.4)
    status(ctx, idx[earlier], "TPS", "GRANTED", start[earlier] - years(1.5), start[earlier])
    end = np.where(rng.random(n) < 0.3, NODATE, ctx.as_of + rng.integers(30, 540, n))
    status(ctx, idx, "TPS", "GRANTED", start, end)
    crime.noise_charges(ctx, idx, entry, 0.15)


def daca(ctx: Ctx, idx: np.ndarray) -> None:
    rng, n = ctx.rng, len(idx)
    dob = ctx.people.dob[idx]
    entry = between(rng, dob + 30, np.minimum(dob + years(15), day(date(2007, 6, 15))))
    visa = ctx.chance(np.arange(n), 0.3)
    arrival(ctx, idx[visa], entry[visa], "B2", entry[visa] + years(0.5))
    first = between(
        rng, np.maximum(dob + years(15), day(date(2012, 8, 15))), np.full(n, ctx.as_of - years(2.1))
    )
    status(ctx, idx, "DACA", "GRANTED", first, first + years(2))
    renewed = between(
        rng, np.maximum(first + years(2), ctx.as_of - years(2) + 30), np.full(n, ctx.as_of - 10)
    )
    status(ctx, idx, "DACA", "GRANTED", renewed, renewed + years(2))
    crime.noise_charges(ctx, idx, entry, 0.15)


def asylum(ctx: Ctx, idx: np.ndarray, granted: bool) -> None:
    rng, n = ctx.rng, len(idx)
    dob = ctx.people.dob[idx]
    entry = between(
        rng, np.maximum(dob + years(16), ctx.as_of - years(8)), np.full(n, ctx.as_of - 400)
    )
    arrival(ctx, idx, entry, "B2", entry + years(0.5))
    # A grant comes at least 90 days after filing and before as-of, so filing is earlier.
    latest = ctx.as_of - (120 if granted else 30)
    filed = between(rng, entry + 30, np.minimum(entry + 365, latest))
    if granted:
        grant = between(rng, filed + 90, np.full(n, ctx.as_of - 5))
        status(ctx, idx, "ASYLEE", "GRANTED", grant)
    else:
        status(ctx, idx, "ASYLUM_PENDING", "PENDING", filed)
    crime.noise_charges(ctx, idx, entry, 0.1)


def refugee(ctx: Ctx, idx: np.ndarray) -> None:
    n = len(idx)
    d0 = between(ctx.rng, np.full(n, ctx.as_of - 360), np.full(n, ctx.as_of - 10))
    arrival(ctx, idx, d0, "RE")
    status(ctx, idx, "REFUGEE", "GRANTED", d0)


def parole(ctx: Ctx, idx: np.ndarray) -> None:
    n = len(idx)
    d0 = between(ctx.rng, np.full(n, ctx.as_of - years(2) + 30), np.full(n, ctx.as_of - 10))
    arrival(ctx, idx, d0, "PAROLE", d0 + years(2))
    status(ctx, idx, "PAROLE", "GRANTED", d0, d0 + years(2))
    crime.noise_charges(ctx, idx, d0, 0.05)
