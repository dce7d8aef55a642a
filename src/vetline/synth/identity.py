"""Who carries which identifier, and which systems record it.

An identifier exists for a person only where life would have produced it (an A-number
once an immigration file is opened, an FBI number and SID once arrested, a FIN once
fingerprinted, an SSN with work authorisation or citizenship); a source shows it only
as often as that system captures it. Noise comes on top of this, in ``render``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vetline.synth import ids
from vetline.synth.catalogue import KEY_ARRAY, in_scenarios
from vetline.synth.columns import counties
from vetline.synth.dates import to_iso, ymd
from vetline.synth.events import Ctx
from vetline.synth.names import FAMILY_FIRST

#: Share of a source's records that capture each identity field (when the person has it).
CAPTURE: dict[str, dict[str, float]] = {
    "status": {
        "a_number": 1.0,
        "fin": 0.2,
        "ssn": 0.6,
        "passport_number": 0.5,
        "citizenship": 1.0,
        "address": 0.9,
    },
    "entry_exit": {"a_number": 0.3, "fin": 0.5, "passport_number": 1.0, "citizenship": 1.0},
    "encounters": {
        "a_number": 0.95,
        "fin": 0.9,
        "fbi_number": 0.4,
        "ssn": 0.1,
        "passport_number": 0.2,
        "sid": 0.2,
        "citizenship": 0.9,
        "address": 0.6,
    },
    "court": {"a_number": 1.0, "citizenship": 0.8, "address": 0.8},
    "criminal": {
        "a_number": 0.1,
        "fin": 0.3,
        "fbi_number": 0.95,
        "ssn": 0.5,
        "sid": 0.95,
        "citizenship": 0.5,
        "address": 0.9,
    },
    "custody": {
        "a_number": 0.05,
        "fin": 0.2,
        "fbi_number": 0.8,
        "ssn": 0.3,
        "sid": 0.9,
        "citizenship": 0.4,
        "address": 0.7,
    },
    "biometric": {"a_number": 0.6, "fin": 1.0, "fbi_number": 0.5, "citizenship": 0.5},
    "interpol": {"passport_number": 0.7, "citizenship": 0.9},
    "warrants": {"a_number": 0.9, "fin": 0.5, "fbi_number": 0.7, "sid": 0.4, "address": 0.5},
}

_NO_A_NUMBER = frozenset(
    {
        "US_BORN",
        "NONIMMIGRANT",
        "NONIMMIGRANT_REMOVABLE",
        "OVERSTAY",
        "VISITOR_DEPARTED",
        "UNKNOWN_FOREIGN_POB",
        "INTERPOL_ONLY",
    }
)
#: Probability of holding an SSN, by scenario (citizens, LPRs, work-authorised people).
_SSN = {
    "US_BORN": 1.0,
    "NATURALIZED": 1.0,
    "NATURALIZED_PARENT": 1.0,
    "DERIVED_CERTIFICATE": 1.0,
    "DERIVED_VIA_PARENT": 1.0,
    "DERIVED_CLAIMED": 1.0,
    "LPR": 1.0,
    "LPR_REMOVABLE": 1.0,
    "LPR_PENDING_CHARGE": 1.0,
    "LPR_PARENT_NATURALIZED_LATE": 1.0,
    "TPS": 0.9,
    "DACA": 0.95,
    "ASYLEE": 0.9,
    "REFUGEE": 0.8,
    "PAROLE": 0.6,
    "NONIMMIGRANT": 0.5,
    "NONIMMIGRANT_REMOVABLE": 0.5,
    "ASYLUM_PENDING": 0.5,
}
#: Scenarios whose criminal-side records know the person as a U.S. citizen.
_KNOWN_CITIZEN = frozenset({"US_BORN", "NATURALIZED", "NATURALIZED_PARENT", "DERIVED_CERTIFICATE"})


class PersonIdentity:
    """Per-person identity columns as Arrow arrays (null where the person has none), taken
    by record rows with ``pidx``."""

    def __init__(self, ctx: Ctx) -> None:
        p, rng = ctx.people, ctx.rng
        g = p.base + np.arange(p.n, dtype=np.int64)
        keys = KEY_ARRAY[p.scenario]
        has_a = holds_a_number(keys)
        has_fin = np.zeros(p.n, bool)
        has_fin[ctx.ev.persons_in("biometric")] = True
        arrested = np.zeros(p.n, bool)
        arrested[ctx.ev.persons_in("criminal")] = True
        ssn_p = np.asarray([_SSN.get(k, 0.0) for k in keys])
        has_ssn = rng.random(p.n) < ssn_p
        foreign = p.birth_country != "US"
        has_pp = rng.random(p.n) < np.where(foreign, 0.85, 0.4)
        c = counties()
        state = c.state[p.county]
        self.columns: dict[str, pa.Array] = {
            "a_number": _masked(ids.a_numbers(g), has_a),
            "fin": _masked(ids.fins(g), has_fin),
            "fbi_number": _masked(ids.fbi_numbers(g), arrested),
            "ssn": _masked(ids.ssns(g), has_ssn),
            "passport_number": _masked(ids.passports(g), has_pp),
            "passport_country": _masked(p.birth_country, has_pp),
            "sid": _masked(ids.sids(g, state), arrested),
            "citizenship": pa.array(p.birth_country, pa.string()),
            "address": pa.array(p.street, pa.string()),
            "city": pa.array(c.city[p.county], pa.string()),
            "state": pa.array(state, pa.string()),
            "zip": pa.array(c.zip[p.county], pa.string()),
            "county_fips": pa.array(c.fips[p.county], pa.string()),
            "birth_country": pa.array(p.birth_country, pa.string()),
            "sex": pa.array(p.sex, pa.string()),
        }
        self.valid = {k: np.asarray(v.is_valid()) for k, v in self.columns.items()}
        self.known_citizen = in_scenarios(p.scenario, _KNOWN_CITIZEN)
        self.family_first = np.isin(p.name_country.astype(str), list(FAMILY_FIRST))
        self.is_us_born = keys == "US_BORN"
        self.name_country = p.name_country
        # Recording forms, per person, so a record's form is one ``take`` (index + k * n):
        # A-numbers as written, without the leading zero, with an ``A`` prefix; SSNs
        # plain or dashed; citizenship as the criminal systems know it (``US`` for
        # people known to be citizens).
        a = self.columns["a_number"]
        self.a_forms = pa.concat_arrays(
            [a, pc.utf8_ltrim(a, "0"), pc.binary_join_element_wise("A", a, "")]
        )
        ssn = self.columns["ssn"]
        dashed = pc.binary_join_element_wise(
            pc.utf8_slice_codeunits(ssn, 0, 3),
            pc.utf8_slice_codeunits(ssn, 3, 5),
            pc.utf8_slice_codeunits(ssn, 5, 9),
            "-",
        )
        self.ssn_forms = pa.concat_arrays([ssn, dashed])
        # Dates of birth as written: true, day and month swapped (where both are ≤ 12 and
        # differ), year and month, year.
        y, mo, d = ymd(p.dob)
        self.dob_swappable = (d <= 12) & (d != mo)
        months = (y - 1970) * 12 + (d - 1)
        swapped = (months.astype("datetime64[M]").astype("datetime64[D]") + (mo - 1)).astype(
            np.int64
        )
        iso = to_iso(p.dob)
        self.dob_forms = pa.concat_arrays(
            [
                iso,
                to_iso(np.where(self.dob_swappable, swapped, p.dob)),
                pc.utf8_slice_codeunits(iso, 0, 7),
                pc.utf8_slice_codeunits(iso, 0, 4),
            ]
        )
        self.citizenship_known = pc.if_else(
            pa.array(self.known_citizen), pa.scalar("US"), self.columns["citizenship"]
        )


def holds_a_number(scenario_keys: np.ndarray) -> np.ndarray:
    """Whether people of these scenarios have an A-file (and so an A-number)."""
    return np.asarray(~np.isin(scenario_keys, list(_NO_A_NUMBER)))


def _masked(values: np.ndarray | pa.Array, present: np.ndarray) -> pa.Array:
    arr = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    return pc.if_else(pa.array(np.asarray(present, dtype=bool)), arr, pa.scalar(None, pa.string()))
