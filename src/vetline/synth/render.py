"""Render event rows into contract records: identity columns, noise, record ids.

Everything is column-wise (NumPy index arrays into the name pools, Arrow compute for
strings); only the rare per-record edits (typos, punctuation variants, aliases, wrong
digits) loop in Python, over the few rows they touch. Every noise applied is logged
(``truth_noise.csv``) and counted against the rows where it could apply, so evaluation
can see exactly what was done and tests can compare realised with configured rates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vetline.records.contract import columns_of
from vetline.synth.catalogue import COUNTRY_MIX
from vetline.synth.config import NoiseConfig
from vetline.synth.dates import to_iso
from vetline.synth.events import DATE_COLUMNS, EVENT_COLUMNS, Ctx
from vetline.synth.identity import CAPTURE, PersonIdentity
from vetline.synth.names import NamePools, punct_variant, typo, wrong_digit

PREFIX = {
    "status": "ST",
    "entry_exit": "EE",
    "encounters": "EN",
    "court": "CT",
    "criminal": "CR",
    "custody": "CU",
    "biometric": "BI",
    "interpol": "IP",
    "warrants": "WR",
}
ALIAS_SOURCES = frozenset({"criminal", "custody", "encounters", "warrants", "interpol"})
ADDRESS_FIELDS = ("address", "city", "state", "zip", "county_fips")
ID_FIELDS = ("a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")
MISSABLE = (
    "middle_name",
    "dob",
    "sex",
    "birth_country",
    "citizenship",
    *ID_FIELDS,
    *ADDRESS_FIELDS,
)
_NULL = pa.scalar(None, pa.string())


def person_ids(g: np.ndarray) -> pa.Array:
    """``P`` + 9 digits of the 1-based global person number."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(g) + 1, pa.int64()), pa.string()), 9, "0")
    return pc.binary_join_element_wise("P", digits, "")


#: Record ids are ``<prefix><chunk><row>``: the chunk number, then the row in the chunk in
#: six digits (``ST003000042`` is row 42 of chunk 3), so every chunk can name its records
#: without knowing how many the chunks before it hold.
ROWS_PER_CHUNK_ID = 1_000_000


def record_ids(source: str, local: pa.Array, chunk: int) -> pa.Array:
    """File-wide record ids from chunk-local row numbers (1-based) and the chunk index."""
    if len(local) >= ROWS_PER_CHUNK_ID:
        raise ValueError(f"{source}: {len(local)} rows in one chunk; lower CHUNK_PERSONS")
    if not len(local):
        return pa.array([], pa.string())
    seq = pc.add(local, pa.scalar(chunk * ROWS_PER_CHUNK_ID, pa.int64()))
    return pc.binary_join_element_wise(
        PREFIX[source], pc.utf8_lpad(pc.cast(seq, pa.string()), 9, "0"), ""
    )


@dataclass
class NoiseTally:
    """Realised noise: rows eligible for each kind and rows it was applied to."""

    eligible: Counter[str] = field(default_factory=Counter)
    applied: Counter[str] = field(default_factory=Counter)
    log: list[pa.Table] = field(default_factory=list)

    def record(
        self,
        kind: str,
        eligible: np.ndarray,
        applied: np.ndarray,
        source: str,
        rid: pa.Array,
        fld: str | np.ndarray,
        log: bool = True,
    ) -> None:
        self.eligible[kind] += int(np.count_nonzero(eligible))
        hit = np.flatnonzero(applied)
        self.applied[kind] += len(hit)
        if len(hit) and log:
            idx = pa.array(hit)
            if isinstance(fld, str):
                f = pa.repeat(pa.scalar(fld, pa.string()), len(hit))
            else:
                f = pa.array(fld[hit], pa.string())
            self.log.append(
                pa.table(
                    {
                        "source": pa.repeat(pa.scalar(source, pa.string()), len(hit)),
                        "record_id": rid.take(idx),
                        "noise": pa.repeat(pa.scalar(kind, pa.string()), len(hit)),
                        "field": f,
                    }
                )
            )


class Renderer:
    def __init__(self, ctx: Ctx, pools: NamePools, noise: NoiseConfig, tally: NoiseTally):
        self.ctx, self.rng, self.pools, self.noise, self.tally = (ctx, ctx.rng, pools, noise, tally)
        self.ident = PersonIdentity(ctx)
        self.person_id = person_ids(ctx.people.base + np.arange(ctx.people.n))
        self.upper = pa.array(pools.upper, pa.string())
        self.both = pa.concat_arrays([self.upper, pa.array(pools.ascii, pa.string())])

    def source(self, source: str) -> tuple[pa.Table, pa.Table]:
        """The records of ``source`` (contract columns) and their truth rows.

        ``record_id`` is still the chunk-local row number (int64, from 1); ``record_ids``
        turns it into the file-wide id."""
        f = self.ctx.ev.frame(source)
        n = len(f["_pidx"])
        order = self.rng.permutation(n)
        f = {k: v[order] for k, v in f.items()}
        pidx = f["_pidx"]
        rid = pa.array(np.arange(1, n + 1, dtype=np.int64))
        cols: dict[str, pa.Array] = {"record_id": rid}
        cols.update(self._names(source, pidx, rid))
        cols["dob"] = self._dob(source, pidx, rid)
        cols.update(self._identity(source, pidx, rid))
        when = np.minimum(f["_when"] + self.rng.integers(0, 31, n), self.ctx.as_of)
        cols["record_date"] = to_iso(when)
        for name in EVENT_COLUMNS[source]:
            v = f[name]
            cols[name] = to_iso(v) if name in DATE_COLUMNS[source] else pa.array(v, pa.string())
        if source == "status":
            # Keyed into the history (lawful.child_with_parent); logged here with record ids.
            named = np.asarray(cols["parent_a_numbers"].is_valid())
            typo = named & self.ctx.parent_typo[pidx]
            self.tally.record("parent_a_number", named, typo, source, rid, "parent_a_numbers")
        table = pa.table({c: cols[c] for c in columns_of(source)})
        truth = pa.table(
            {
                "source": pa.repeat(pa.scalar(source, pa.string()), n),
                "record_id": rid,
                "person_id": self.person_id.take(pa.array(pidx)),
            }
        )
        return table, truth

    # --- names ---------------------------------------------------------------------------
    def _names(self, source: str, pidx: np.ndarray, rid: pa.Array) -> dict[str, pa.Array]:
        p, pools, rng, nz, t = self.ctx.people, self.pools, self.rng, self.noise, self.tally
        n = len(pidx)
        first, middle = p.first[pidx].copy(), p.middle[pidx]
        l1, l2 = p.last1[pidx].copy(), p.last2[pidx]

        el = pools.translit.has(first) | pools.translit.has(l1)
        m = el & (rng.random(n) < nz.translit)
        on_first = m & pools.translit.has(first) & (~pools.translit.has(l1) | (rng.random(n) < 0.5))
        on_last = m & ~on_first
        first[on_first] = pools.translit.pick(first[on_first], rng)
        l1[on_last] = pools.translit.pick(l1[on_last], rng)
        t.record("translit", el, m, source, rid, np.where(on_first, "first_name", "last_name"))

        el = pools.nickname.has(first)
        m = el & (rng.random(n) < nz.nickname)
        first[m] = pools.nickname.pick(first[m], rng)
        t.record("nickname", el, m, source, rid, "first_name")

        has2, hasm = l2 >= 0, middle >= 0
        acc = pools.has_accent
        el = (
            acc[first]
            | acc[l1]
            | (has2 & acc[np.maximum(l2, 0)])
            | (hasm & acc[np.maximum(middle, 0)])
        )
        strip = el & (rng.random(n) < nz.accent_strip)
        t.record("accent_strip", el, strip, source, rid, "name")

        shift = np.where(strip, len(pools.upper), 0)

        def text(idx: np.ndarray) -> pa.Array:
            # One take from [upper-case pool | ASCII pool]; -1 (no such name) becomes null.
            return self.both.take(pa.array(np.maximum(idx, 0) + shift, mask=idx < 0))

        f_s, m_s, l1_s, l2_s = text(first), text(middle), text(l1), text(l2)

        m = has2 & (rng.random(n) < nz.surname_variant)
        kind = rng.random(n)
        # Both surnames where there are two; variants are built only for the rows they hit.
        last = pc.binary_join_element_wise(l1_s, l2_s, " ", null_handling="skip")
        for sel, a, b, sep in (
            (m & (kind < 0.6), l1_s, None, ""),
            (m & (kind >= 0.6) & (kind < 0.85), l2_s, l1_s, " "),
            (m & (kind >= 0.85), l1_s, l2_s, "-"),
        ):
            if sel.any():
                mask = pa.array(sel)
                value = a.filter(mask)
                if b is not None:
                    value = pc.binary_join_element_wise(value, b.filter(mask), sep)
                last = pc.replace_with_mask(last, mask, value)
        t.record("surname_variant", has2, m, source, rid, "last_name")

        pf, pl = pools.has_punct[first], pools.has_punct[l1]
        el = pf | pl
        m = el & (rng.random(n) < nz.punct_variant)
        last = self._edit(last, m & pl, punct_variant)
        f_s = self._edit(f_s, m & ~pl, punct_variant)
        t.record("punct_variant", el, m, source, rid, np.where(pl, "last_name", "first_name"))

        el = self.ident.family_first[pidx]
        m = el & (rng.random(n) < nz.name_order_swap)
        if m.any():
            pm = pa.array(m)
            f_sel, l_sel = f_s.filter(pm), last.filter(pm)
            f_s, last = pc.replace_with_mask(f_s, pm, l_sel), pc.replace_with_mask(last, pm, f_sel)
        t.record("name_order_swap", el, m, source, rid, "name")

        m = rng.random(n) < nz.name_typo
        on_last = rng.random(n) < 0.5
        last = self._edit(last, m & on_last, typo)
        f_s = self._edit(f_s, m & ~on_last, typo)
        t.record(
            "name_typo",
            np.ones(n, bool),
            m,
            source,
            rid,
            np.where(on_last, "last_name", "first_name"),
        )

        m_s = self._missing("middle_name", m_s, source, rid)
        aliases = pa.nulls(n, pa.string())
        if source in ALIAS_SOURCES:
            m = rng.random(n) < nz.alias
            aliases = self._aliases(aliases, m, pidx, last, f_s)
            t.record("alias", np.ones(n, bool), m, source, rid, "aliases")
        return {"last_name": last, "first_name": f_s, "middle_name": m_s, "aliases": aliases}

    def _aliases(
        self, col: pa.Array, m: np.ndarray, pidx: np.ndarray, last: pa.Array, first: pa.Array
    ) -> pa.Array:
        """1-2 other names: another surname of the person's country with the recorded
        first name (a street alias), and sometimes the full true name."""
        hit = np.flatnonzero(m)
        if not len(hit):
            return col
        p, pools, rng = self.ctx.people, self.pools, self.rng
        person = pidx[hit]
        country = p.name_country[person]
        other = np.empty(len(hit), dtype=np.int64)
        for cc in np.unique(country):
            sel = country == cc
            other[sel] = pools.last_sampler(cc).draw(rng, int(sel.sum()))
        h = pa.array(hit)
        alias1 = pc.binary_join_element_wise(self.upper.take(pa.array(other)), first.take(h), ", ")
        true_name = pc.binary_join_element_wise(
            last.take(h), self.upper.take(pa.array(p.first[person])), ", "
        )
        both = pc.binary_join_element_wise(alias1, true_name, "|")
        values = pc.if_else(pa.array(rng.random(len(hit)) < 0.4), both, alias1)
        return pc.replace_with_mask(col, pa.array(m), values)

    # --- dates of birth --------------------------------------------------------------------
    def _dob(self, source: str, pidx: np.ndarray, rid: pa.Array) -> pa.Array:
        """The DOB as recorded: day and month swapped, only ``YYYY-MM`` or ``YYYY``, or
        blank. The written forms are per person (``PersonIdentity``), so each record is
        one ``take`` of ``[true | swapped | year-month | year]``."""
        rng, nz, t, n = self.rng, self.noise, self.tally, len(pidx)
        ident = self.ident
        el = ident.dob_swappable[pidx]
        swap = el & (rng.random(n) < nz.dob_swap)
        t.record("dob_swap", el, swap, source, rid, "dob")
        part = ~swap & (rng.random(n) < nz.dob_partial)
        year_only = rng.random(n) < 0.3
        t.record("dob_partial", ~swap, part, source, rid, "dob")
        form = np.where(swap, 1, np.where(part, np.where(year_only, 3, 2), 0))
        iso = ident.dob_forms.take(pa.array(pidx + form * self.ctx.people.n))
        return self._missing("dob", iso, source, rid)

    # --- identity fields -------------------------------------------------------------------
    def _identity(self, source: str, pidx: np.ndarray, rid: pa.Array) -> dict[str, pa.Array]:
        """Identity fields: what the system captured of what the person has, minus blanks,
        then wrong values. Presence is decided on NumPy masks first, so each column is one
        ``take`` with null indices where the field is absent (no ``if_else`` over strings),
        and recording forms (A-number prefix, dashed SSN) are picked by the same take."""
        rng, nz, t, n = self.rng, self.noise, self.tally, len(pidx)
        ident, npeople = self.ident, self.ctx.people.n
        capture = CAPTURE[source]
        got_address = rng.random(n) < capture.get("address", 0.0)
        criminal_side = source in ("criminal", "custody", "biometric", "warrants")
        form = rng.random(n)
        a_form = np.where(form < 0.2, 1, np.where(form < 0.5, 2, 0))
        ssn_dashed = rng.random(n) < 0.5
        out: dict[str, pa.Array] = {}
        for name, full in ident.columns.items():
            present = ident.valid[name][pidx]
            if name in ADDRESS_FIELDS:
                present = present & got_address
            elif name in (*ID_FIELDS, "citizenship", "passport_country"):
                key = "passport_number" if name == "passport_country" else name
                present = present & (rng.random(n) < capture.get(key, 0.0))
            if name in MISSABLE and not (source == "biometric" and name == "fin"):
                blank = present & (rng.random(n) < nz.missing_field)
                # Blanks are visible in the data itself; only their count is kept.
                t.record("missing_field", present, blank, source, rid, name, log=False)
                present = present & ~blank
            index = pidx
            if name == "a_number":
                full, index = ident.a_forms, pidx + a_form * npeople
            elif name == "ssn":
                full, index = ident.ssn_forms, pidx + ssn_dashed * npeople
            elif name == "citizenship" and criminal_side:
                full = ident.citizenship_known
            out[name] = full.take(pa.array(index, mask=~present))
        # The Gonzalez error: a U.S.-born citizen's arrest record with a foreign POB.
        el = (
            ident.is_us_born[pidx]
            & (source in ("criminal", "custody"))
            & np.asarray(out["birth_country"].is_valid())
        )
        m = el & (rng.random(n) < nz.citizen_wrong_pob)
        if m.any():
            mix = COUNTRY_MIX["BASE"]
            wrong = self.ctx.pick(list(mix), int(m.sum()), list(mix.values()))
            out["birth_country"] = pc.replace_with_mask(
                out["birth_country"], pa.array(m), pa.array(wrong, pa.string())
            )
        t.record("citizen_wrong_pob", el, m, source, rid, "birth_country")
        if source in ("criminal", "custody"):
            # Look-alike construction, not noise (person_facts names it): every arrest
            # of this citizen carries the stranger's birth country.
            forced = self.ctx.people.recorded_pob[pidx]
            m = forced.astype(bool) & np.asarray(out["birth_country"].is_valid())
            if m.any():
                out["birth_country"] = pc.replace_with_mask(
                    out["birth_country"], pa.array(m), pa.array(forced[m], pa.string())
                )
        sex = out["sex"]
        el = np.asarray(sex.is_valid())
        m = el & (rng.random(n) < nz.wrong_sex)
        if m.any():
            flipped = pc.if_else(pc.equal(sex, "M"), pa.scalar("F"), pa.scalar("M"))
            out["sex"] = pc.replace_with_mask(sex, pa.array(m), flipped.filter(pa.array(m)))
        t.record("wrong_sex", el, m, source, rid, "sex")
        for name in ID_FIELDS:
            out[name] = self._digit(name, out[name], source, rid)
        return out

    def _digit(self, name: str, col: pa.Array, source: str, rid: pa.Array) -> pa.Array:
        """Off-by-one-digit: one digit of the identifier keyed one higher or lower."""
        el = np.asarray(pc.is_valid(col))
        m = el & (self.rng.random(len(col)) < self.noise.id_digit)
        self.tally.record("id_digit", el, m, source, rid, name)
        return self._edit(col, m, wrong_digit)

    def _missing(self, name: str, col: pa.Array, source: str, rid: pa.Array) -> pa.Array:
        el = np.asarray(pc.is_valid(col))
        m = el & (self.rng.random(len(col)) < self.noise.missing_field)
        # Blanks are visible in the data itself; only their count is kept (world.json).
        self.tally.record("missing_field", el, m, source, rid, name, log=False)
        return pc.if_else(pa.array(m), _NULL, col)

    def _edit(self, col: pa.Array, mask: np.ndarray, fn: Callable[[str, float], str]) -> pa.Array:
        """Apply a per-string edit to the masked rows (the only per-record Python loop)."""
        hit = np.flatnonzero(mask & np.asarray(pc.is_valid(col)))
        if not len(hit):
            return col
        u = self.rng.random(len(hit)).tolist()
        values = [fn(s, x) for s, x in zip(col.take(pa.array(hit)).to_pylist(), u, strict=True)]
        full = np.zeros(len(col), bool)
        full[hit] = True
        return pc.replace_with_mask(col, pa.array(full), pa.array(values, pa.string()))
