"""Criminal-justice records: charges, jail bookings, fingerprints, INTERPOL, warrants.

Charge codes follow the table of ``docs/world-semantics.md``: each removable category
names the codes that trigger its INA ground for an admitted person, and the noise
charges are arrests that must never make anyone removable (simple assault, DUI,
disorderly conduct, petty theft, one marijuana possession, serious charges dismissed or
acquitted). Every arrest is after the 18th birthday (and after admission where the
ground depends on it); dispositions follow arrests; releases follow bookings.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import numpy as np

from vetline.synth.columns import counties
from vetline.synth.dates import NODATE, between, years
from vetline.synth.events import Ctx
from vetline.synth.names import TABLES_DIR


@dataclass(frozen=True)
class Category:
    codes: tuple[str, ...]
    felony: float  # share recorded as FELONY
    sentence: tuple[int, int]  # days, inclusive
    ground: str
    charges: int = 1  # convictions needed (two CIMTs, two marijuana possessions)


REMOVABLE: dict[str, Category] = {
    "AGGRAVATED_FELONY_VIOLENT": Category(
        (
            "0901",
            "0902",
            "0903",
            "0904",
            "0905",
            "0906",
            "0907",
            "0908",
            "1101",
            "1102",
            "1103",
            "3601",
            "3616",
            "3618",
        ),
        1.0,
        (730, 9000),
        "237(a)(2)(A)(iii)",
    ),
    "DRUG_TRAFFICKING": Category(
        ("3510", "3530", "3560", "3570"), 1.0, (365, 3650), "237(a)(2)(A)(iii); 237(a)(2)(B)(i)"
    ),
    "CONTROLLED_SUBSTANCE": Category(("3512", "3532", "3572"), 0.5, (0, 365), "237(a)(2)(B)(i)"),
    "TWO_MARIJUANA": Category(("3562",), 0.0, (0, 60), "237(a)(2)(B)(i)", charges=2),
    "FIREARM": Category(("5202", "5212", "5214", "5217"), 0.7, (0, 1095), "237(a)(2)(C)"),
    "DOMESTIC_VIOLENCE": Category(
        ("1301", "1302", "1303", "3803", "1316"), 0.4, (0, 730), "237(a)(2)(E)(i)"
    ),
    "CHILD_ABUSE": Category(("3802", "3806"), 0.5, (0, 730), "237(a)(2)(E)(i)"),
    "PROTECTION_ORDER": Category(("5016",), 0.0, (0, 180), "237(a)(2)(E)(ii)"),
    "THEFT_ONE_YEAR": Category(
        ("2202", "2204", "2303", "2404"), 1.0, (365, 1825), "237(a)(2)(A)(iii)"
    ),
    "TWO_CIMT": Category(
        ("2603", "2605", "2608", "2610"), 0.5, (0, 720), "237(a)(2)(A)(ii)", charges=2
    ),
}
#: One fraud felony committed within five years of admission (its window depends on
#: the admission date, so it is drawn separately).
CIMT_WITHIN_5Y = Category(("2603", "2605", "2608", "2610"), 1.0, (0, 720), "237(a)(2)(A)(i)")

#: Noise: (code, level, max sentence days). 3562 is added as at most one per person.
NOISE_CODES = (
    ("1313", "MISDEMEANOR", 90),
    ("5404", "MISDEMEANOR", 30),
    ("5311", "MISDEMEANOR", 10),
    ("2303", "MISDEMEANOR", 180),
)
#: Serious codes that appear as noise only when DISMISSED or ACQUITTED.
DISMISSED_CODES = ("1301", "3530", "5212", "2202", "0903", "3803")
RED_NOTICE_OFFENSES = (
    "MURDER",
    "DRUG TRAFFICKING",
    "KIDNAPPING",
    "ROBBERY",
    "FRAUD",
    "HUMAN TRAFFICKING",
    "MONEY LAUNDERING",
    "SEXUAL ASSAULT",
)


@cache
def charge_text() -> dict[str, str]:
    with (TABLES_DIR / "ncic_offense_codes.csv").open(encoding="utf-8") as fh:
        return {r["ncic_code"]: r["description"] for r in csv.DictReader(fh)}


def _texts(codes: np.ndarray) -> np.ndarray:
    table = charge_text()
    return np.asarray([table.get(c, "") for c in codes], dtype=object)


_DIGITS4 = np.asarray([f"{i:04d}" for i in range(10_000)], dtype=object)


def agency_ori(ctx: Ctx, pidx: np.ndarray, facility: bool = False) -> np.ndarray:
    """A 9-character ORI in the person's state and county (``CA0370000`` for a jail)."""
    c = counties()
    cty = ctx.people.county[pidx]
    prefix = c.state + np.asarray([f[2:] for f in c.fips], dtype=object)
    tail = _DIGITS4[0 if facility else ctx.rng.integers(1, 9999, len(pidx))]
    return np.asarray(prefix[cty] + tail, dtype=object)


def add_charges(
    ctx: Ctx,
    pidx: np.ndarray,
    arrest: np.ndarray,
    code: np.ndarray,
    felony: np.ndarray,
    disposition: np.ndarray,
    sentence: np.ndarray,
    hold_pending: float = 0.5,
) -> None:
    """Criminal rows (one arrest per charge) and, for most, a jail booking at arrest."""
    # People never arrested by construction (a look-alike known to immigration only).
    keep = ~ctx.people.no_arrest[pidx]
    if not keep.all():
        pidx, arrest, code = pidx[keep], arrest[keep], code[keep]
        felony, disposition, sentence = felony[keep], disposition[keep], sentence[keep]
    rng, n = ctx.rng, len(pidx)
    if n == 0:
        return
    decided = disposition != "PENDING"
    disp_date = np.where(decided, arrest + rng.integers(20, 400, n), NODATE)
    disp_date = np.where(decided, np.minimum(disp_date, ctx.as_of - 1), NODATE)
    convicted = disposition == "CONVICTED"
    sentence_txt = sentence.astype(str).astype(object)
    sentence_txt[~convicted] = None
    ctx.ev.add(
        "criminal",
        pidx,
        np.where(decided, disp_date, arrest),
        arrest_date=arrest,
        arresting_ori=agency_ori(ctx, pidx),
        charge_code=code,
        charge_text=_texts(code),
        offense_level=np.where(felony, "FELONY", "MISDEMEANOR"),
        disposition=disposition,
        disposition_date=disp_date,
        sentence_days=sentence_txt,
    )
    booked = rng.random(n) < np.where(convicted | ~decided, 0.8, 0.5)
    release = np.where(convicted, disp_date + sentence, disp_date)
    release = np.where(decided & ~convicted, disp_date, release)
    held = ~decided & (rng.random(n) < hold_pending)
    bailed = ~decided & ~held
    release = np.where(bailed, arrest + rng.integers(0, 4, n), release)
    release = np.where(held | (release > ctx.as_of), NODATE, release)
    b = np.flatnonzero(booked)
    c = counties()
    ctx.ev.add(
        "custody",
        pidx[b],
        arrest[b],
        facility_ori=agency_ori(ctx, pidx[b], facility=True),
        facility_name=np.asarray(c.county[ctx.people.county[pidx[b]]] + " COUNTY JAIL", object),
        booking_date=arrest[b],
        release_date=release[b],
    )


def adult_window(ctx: Ctx, idx: np.ndarray, lo: np.ndarray, margin: int = 420) -> np.ndarray:
    """Arrest days in ``[max(lo, 18th birthday), as_of - margin]`` (two days' slack on the
    birthday so calendar and 365.25-day years agree)."""
    start = np.maximum(lo, ctx.people.dob[idx] + years(18) + 2)
    return between(ctx.rng, start, np.full(len(idx), ctx.as_of - margin))


def noise_charges(ctx: Ctx, idx: np.ndarray, lo: np.ndarray, p: float) -> None:
    """With probability ``p`` per person, 1-3 arrests that trigger no ground."""
    rng = ctx.rng
    chosen = rng.random(len(idx)) < p
    idx, lo = idx[chosen], lo[chosen]
    counts = 1 + rng.binomial(2, 0.3, len(idx))
    first = np.repeat(np.cumsum(counts) - counts, counts)
    row_is_first = np.arange(counts.sum()) == first
    pidx = np.repeat(idx, counts)
    lo = np.repeat(lo, counts)
    adult = ctx.people.dob[pidx] + years(18) + 2
    fits = np.maximum(lo, adult) <= ctx.as_of - 30  # too young (or too recent) for an arrest
    pidx, lo, row_is_first = pidx[fits], lo[fits], row_is_first[fits]
    arrest = adult_window(ctx, pidx, lo, margin=30)
    n = len(pidx)
    kind = rng.random(n)
    which = rng.integers(len(NOISE_CODES), size=n)
    code = np.asarray([NOISE_CODES[w][0] for w in which], dtype=object)
    sentence = (rng.random(n) * np.asarray([NOISE_CODES[w][2] for w in which])).astype(np.int64)
    felony = np.zeros(n, dtype=bool)
    disposition = ctx.pick(["CONVICTED", "DISMISSED", "PENDING"], n, [0.7, 0.2, 0.1])
    mj = row_is_first & (kind < 0.15)
    code[mj] = "3562"
    sentence[mj] = 0
    serious = ~row_is_first & (kind > 0.8)
    code[serious] = ctx.pick(DISMISSED_CODES, int(serious.sum()))
    felony[serious] = True
    disposition[serious] = ctx.pick(["DISMISSED", "ACQUITTED"], int(serious.sum()))
    # A pending charge must be recent; older ones are decided.
    recent = arrest > ctx.as_of - 300
    disposition[(disposition == "PENDING") & ~recent] = "DISMISSED"
    add_charges(ctx, pidx, arrest, code, felony, disposition, sentence)


def removable_conviction(
    ctx: Ctx,
    idx: np.ndarray,
    admitted: np.ndarray,
    first: np.ndarray | None = None,
    cimt_5y: np.ndarray | None = None,
) -> None:
    """One removable category per person, convicted after ``admitted``; records the ground.

    ``first`` is the first admission (default ``admitted``): the 5-year clock of
    237(a)(2)(A)(i) runs from it, not from a later LPR grant (Matter of Alyazji).
    ``cimt_5y`` (default all) says who may draw that category at all. Categories that
    need two convictions get them on different days, so they cannot be one scheme.
    """
    rng = ctx.rng
    first = admitted if first is None else first
    names = list(REMOVABLE)
    cat = np.asarray(names, dtype=object)[rng.integers(len(names), size=len(idx))]
    # The 5-year CIMT ground needs an adult offence within 5 years of the first admission
    # (three days' slack so calendar years and 365.25-day years agree).
    adult = ctx.people.dob[idx] + years(18) + 2
    cimt_end = np.minimum(first + years(5) - 3, ctx.as_of - 420)
    fits_5y = np.maximum(first, adult) <= cimt_end
    if cimt_5y is not None:
        fits_5y &= cimt_5y
    cimt5 = fits_5y & (rng.random(len(idx)) < 0.08)
    cat[cimt5] = "CIMT_WITHIN_5Y"
    for name in (*names, "CIMT_WITHIN_5Y"):
        sel = np.flatnonzero(cat == name)
        if not len(sel):
            continue
        spec = CIMT_WITHIN_5Y if name == "CIMT_WITHIN_5Y" else REMOVABLE[name]
        who = idx[sel]
        if name == "CIMT_WITHIN_5Y":
            arrest = between(rng, np.maximum(first[sel], adult[sel]), cimt_end[sel])
        elif spec.charges == 2:
            # Two offences on different days, at least a week apart.
            one = adult_window(ctx, who, admitted[sel], margin=450)
            two = between(rng, one + 7, np.full(len(sel), ctx.as_of - 420))
            who, arrest = np.concatenate([who, who]), np.concatenate([one, two])
        else:
            arrest = adult_window(ctx, who, admitted[sel])
        n = len(who)
        code = ctx.pick(spec.codes, n)
        felony = rng.random(n) < spec.felony
        lo_s, hi_s = spec.sentence
        sentence = rng.integers(lo_s, hi_s + 1, n)
        add_charges(ctx, who, arrest, code, felony, np.full(n, "CONVICTED", object), sentence)
        ctx.ground[idx[sel]] = spec.ground


def pending_charge(ctx: Ctx, idx: np.ndarray) -> None:
    """A recent ground-triggering arrest not yet decided (removable *if* convicted)."""
    rng = ctx.rng
    names = [k for k, v in REMOVABLE.items() if v.charges == 1]
    ci = rng.integers(len(names), size=len(idx))
    cat = np.asarray(names, dtype=object)[ci]
    code = np.empty(len(idx), dtype=object)
    felony = np.zeros(len(idx), dtype=bool)
    for name in names:
        sel = np.flatnonzero(cat == name)
        code[sel] = ctx.pick(REMOVABLE[name].codes, len(sel))
        felony[sel] = rng.random(len(sel)) < REMOVABLE[name].felony
    arrest = between(rng, np.full(len(idx), ctx.as_of - 200), np.full(len(idx), ctx.as_of - 2))
    add_charges(
        ctx,
        idx,
        arrest,
        code,
        felony,
        np.full(len(idx), "PENDING", object),
        np.zeros(len(idx), np.int64),
        hold_pending=0.7,
    )
    grounds = np.asarray([REMOVABLE[n].ground for n in names], dtype=object)
    ctx.note[idx] = "removable if convicted: " + grounds[ci]


def fingerprints(ctx: Ctx, idx: np.ndarray, when: np.ndarray) -> None:
    """A biometric enrolment (FIN issued) at the person's first fingerprinted event."""
    ctx.ev.add(
        "biometric",
        idx,
        when,
        enrolled_date=when,
        enrolling_ori=agency_ori(ctx, idx, facility=True),
    )


def interpol(ctx: Ctx, idx: np.ndarray, notice: str, lo: np.ndarray) -> None:
    rng, n = ctx.rng, len(idx)
    hi = np.full(n, ctx.as_of - 1)
    issued = between(rng, np.minimum(np.broadcast_to(lo, (n,)), hi), hi)
    year = (issued / 365.25 + 1970).astype(np.int64)
    serial = rng.integers(1, 99999, n)
    letter = {"RED": "A", "BLUE": "C", "YELLOW": "D", "DIFFUSION": "F"}[notice]
    ctx.ev.add(
        "interpol",
        idx,
        issued,
        notice_type=notice,
        notice_id=np.asarray(
            [f"{letter}-{s}/{y}" for s, y in zip(serial, year, strict=True)], dtype=object
        ),
        issuing_country=ctx.people.birth_country[idx],
        offense=ctx.pick(RED_NOTICE_OFFENSES, n),
        issued_date=issued,
    )


def warrant(
    ctx: Ctx,
    idx: np.ndarray,
    kind: str,
    lo: np.ndarray | int,
    state: str | np.ndarray,
    hi: np.ndarray | None = None,
) -> None:
    """Warrants issued in ``[lo, hi]`` (default: up to the day before as-of)."""
    rng, n = ctx.rng, len(idx)
    top = np.full(n, ctx.as_of - 1) if hi is None else np.minimum(hi, ctx.as_of - 1)
    start = np.minimum(np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,)), top)
    issued = between(rng, start, top)
    nic = np.asarray([f"W{x:09d}" for x in rng.integers(0, 999_999_999, n)], dtype=object)
    ctx.ev.add(
        "warrants", idx, issued, warrant_type=kind, nic=nic, issued_date=issued, warrant_state=state
    )
