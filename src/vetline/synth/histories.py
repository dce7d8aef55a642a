"""Run every scenario's life histories, then the cross-cutting events (fingerprints,
INTERPOL, criminal warrants), and derive each person's ground truth."""

from __future__ import annotations

from datetime import date

import numpy as np

from vetline.synth import edgecases, enforcement, lawful
from vetline.synth.catalogue import CATALOGUE
from vetline.synth.crime import fingerprints
from vetline.synth.dates import NODATE, add_years, day
from vetline.synth.events import DATE_COLUMNS, Ctx

#: Scenarios holding a protected status or application (world-semantics: PROTECTED_STATUS).
_PROTECTED = frozenset({"TPS", "DACA", "ASYLUM_PENDING", "U_VISA", "T_VISA", "VAWA_PENDING"})

#: IDENT began enrolling visitors' prints in 2004; older prints were loaded at that time.
IDENT_START = day(date(2004, 1, 5))


def run(ctx: Ctx) -> None:
    p = ctx.people
    lawful.us_born(ctx, p.of("US_BORN"))
    lawful.naturalized(ctx, p.of("NATURALIZED"))
    unpaired = np.setdiff1d(p.of("NATURALIZED_PARENT"), p.parent[p.parent >= 0])
    lawful.naturalized(ctx, unpaired)
    lawful.derived_certificate(ctx, p.of("DERIVED_CERTIFICATE"))
    lawful.child_with_parent(ctx, p.of("DERIVED_VIA_PARENT"), derived=True)
    lawful.child_with_parent(ctx, p.of("LPR_PARENT_NATURALIZED_LATE"), derived=False)
    lawful.derived_claimed(ctx, p.of("DERIVED_CLAIMED"))
    lawful.lpr(ctx, p.of("LPR"), "CLEAN")
    lawful.lpr(ctx, p.of("LPR_REMOVABLE"), "REMOVABLE")
    lawful.lpr(ctx, p.of("LPR_PENDING_CHARGE"), "PENDING")
    lawful.nonimmigrant(ctx, p.of("NONIMMIGRANT"), removable=False)
    lawful.nonimmigrant(ctx, p.of("NONIMMIGRANT_REMOVABLE"), removable=True)
    enforcement.overstay(ctx, p.of("OVERSTAY"))
    enforcement.visitor_departed(ctx, p.of("VISITOR_DEPARTED"))
    enforcement.ewi(ctx, p.of("EWI"))
    lawful.tps(ctx, p.of("TPS"))
    lawful.daca(ctx, p.of("DACA"))
    lawful.asylum(ctx, p.of("ASYLUM_PENDING"), granted=False)
    lawful.asylum(ctx, p.of("ASYLEE"), granted=True)
    lawful.refugee(ctx, p.of("REFUGEE"))
    lawful.parole(ctx, p.of("PAROLE"))
    enforcement.final_order(ctx, p.of("FINAL_ORDER"))
    enforcement.removed_reentered(ctx, p.of("REMOVED_AND_REENTERED"))
    enforcement.in_proceedings(ctx, p.of("IN_PROCEEDINGS"))
    enforcement.unknown_foreign_pob(ctx, p.of("UNKNOWN_FOREIGN_POB"))
    enforcement.interpol_only(ctx, p.of("INTERPOL_ONLY"))
    edgecases.victim_visa(ctx, p.of("U_VISA"), "U_VISA")
    edgecases.victim_visa(ctx, p.of("T_VISA"), "T_VISA")
    edgecases.vawa_pending(ctx, p.of("VAWA_PENDING"))
    edgecases.naturalized_after_order(ctx, p.of("NATURALIZED_AFTER_ORDER"))
    edgecases.conditional_terminated(ctx, p.of("CONDITIONAL_TERMINATED"))
    enforcement.overlays(ctx)
    _biometrics(ctx)
    check_times(ctx)


#: Validity limits, not events: they may run past as-of.
VALIDITY_COLUMNS = frozenset({"end_date", "admit_until"})


def check_times(ctx: Ctx) -> None:
    """Refuse a world with an event before the person's birth or after as-of.

    The invariant (docs/world-semantics.md: nothing is dated after as-of) is cheap to
    check on the day-number arrays, and a violation is a generator defect that would
    silently turn into a wrong status (a grant the engine cannot see yet)."""
    dob = ctx.people.dob
    for source, cols in DATE_COLUMNS.items():
        f = ctx.ev.frame(source)
        born = dob[f["_pidx"]]
        for col in ("_when", *sorted(cols - VALIDITY_COLUMNS)):
            v = f[col]
            dated = v != NODATE
            bad = dated & ((v > ctx.as_of) | (v <= born))
            if bad.any():
                raise RuntimeError(
                    f"synth defect: {int(bad.sum())} {source}.{col} dates outside "
                    f"(date of birth, as-of], e.g. person index {int(f['_pidx'][bad][0])}"
                )
        for col in sorted(cols & VALIDITY_COLUMNS):
            start = f["start_date" if source == "status" else "event_date"]
            v = f[col]
            bad = (v != NODATE) & (start != NODATE) & (v < start)
            if bad.any():
                raise RuntimeError(f"synth defect: {int(bad.sum())} {source}.{col} before start")


def minor_lpr_unchecked(ctx: Ctx) -> np.ndarray:
    """People who became LPRs before 18 and whose parent cannot be checked (none named, or
    named by a mistyped A-number): world-semantics says the engine flags them
    POSSIBLE_US_CITIZEN (reference §6.3; policy ``flag_minor_lpr_unchecked_parents``)."""
    p = ctx.people
    f = ctx.ev.frame("status")
    pidx = f["_pidx"]
    lpr = np.isin(f["status_class"], ["LPR", "CONDITIONAL_LPR"]) & (f["status_state"] == "GRANTED")
    minor = lpr & (f["start_date"] < add_years(p.dob[pidx], 18))
    named = np.zeros(p.n, dtype=bool)
    named[pidx[f["parent_a_numbers"] != None]] = True  # noqa: E711 (object array)
    checked = named & ~ctx.parent_typo
    who = np.unique(pidx[minor])
    return np.asarray(who[~checked[who]])


def _first_print(ctx: Ctx) -> np.ndarray:
    """Day of each person's first fingerprinted event (arrival, encounter, booking,
    benefit application); ``NODATE`` when none."""
    big = np.iinfo(np.int64).max
    first = np.full(ctx.people.n, big, dtype=np.int64)
    for source, col in (
        ("entry_exit", "event_date"),
        ("encounters", "encounter_date"),
        ("custody", "booking_date"),
        ("status", "start_date"),
    ):
        f = ctx.ev.frame(source)
        ok = f[col] != NODATE
        if source == "entry_exit":
            ok &= f["event"] == "ARRIVAL"
        np.minimum.at(first, f["_pidx"][ok], f[col][ok])
    return np.where(first == big, NODATE, first)


def _biometrics(ctx: Ctx) -> None:
    """Everyone foreign-born with a printed event gets a FIN; U.S.-born people only from a
    booking (Secure Communities), for most of them."""
    p = ctx.people
    first = _first_print(ctx)
    has = first != NODATE
    us = p.birth_country == "US"
    chosen = np.flatnonzero(has & (~us | (ctx.rng.random(p.n) < 0.6)) & ~p.no_prints)
    when = np.minimum(np.maximum(first[chosen], IDENT_START), ctx.as_of - 1)
    when = np.maximum(when, first[chosen])
    fingerprints(ctx, chosen, when)


_FLAG_BITS = (
    "ACTIVE_WARRANT",
    "INTERPOL_RED_NOTICE",
    "IN_CUSTODY",
    "POSSIBLE_US_CITIZEN",
    "PROTECTED_STATUS",
)  # alphabetical, so joined flags come out sorted


def flags(ctx: Ctx) -> np.ndarray:
    """Flags the status engine should raise on a perfect identity (ground truth), as a
    ``|``-joined string per person (None when there are none)."""
    p = ctx.people
    bits = np.zeros(p.n, dtype=np.int64)

    def mark(flag: str, who: np.ndarray) -> None:
        np.bitwise_or.at(bits, who, 1 << _FLAG_BITS.index(flag))

    cust = ctx.ev.frame("custody")
    mark("IN_CUSTODY", cust["_pidx"][cust["release_date"] == NODATE])
    war = ctx.ev.frame("warrants")
    mark("ACTIVE_WARRANT", war["_pidx"][war["warrant_state"] == "ACTIVE"])
    red = ctx.ev.frame("interpol")
    mark("INTERPOL_RED_NOTICE", red["_pidx"][red["notice_type"] == "RED"])
    citizen = np.asarray([s.us_citizen for s in CATALOGUE])[p.scenario]
    mark("POSSIBLE_US_CITIZEN", np.flatnonzero(citizen))
    mark("POSSIBLE_US_CITIZEN", minor_lpr_unchecked(ctx))
    protected = np.asarray([s.key in _PROTECTED for s in CATALOGUE])[p.scenario]
    mark("PROTECTED_STATUS", np.flatnonzero(protected))
    table = np.asarray(
        ["|".join(f for k, f in enumerate(_FLAG_BITS) if b >> k & 1) or None for b in range(32)],
        dtype=object,
    )
    return np.asarray(table[bits])
