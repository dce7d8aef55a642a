"""Reference code lists the loader validates against.

Countries come from ``pycountry`` (ISO 3166-1, kept current by its maintainers) plus ``XK``
(Kosovo), the user-assigned code that the EU, the U.S. State Department and passports use.
NCIC's own country codes are *not* ISO: those that are not ISO codes at all (``EL`` for El
Salvador, ``HD`` for Honduras) are rejected, but those that collide with an ISO code (NCIC
``MM`` Mexico is ISO Myanmar) cannot be told apart row by row. The contract says ISO; an
extract written in NCIC codes is a contract violation the loader can only partly detect.

USPS codes: the 50 states and DC, the territories (pycountry's U.S. subdivisions less
``UM``, which USPS does not deliver to), the freely associated states and the military
"states" (USPS Publication 28, Appendix B).
"""

from __future__ import annotations

from functools import cache

import pycountry

_USPS_NOT_IN_ISO = frozenset({"FM", "MH", "PW", "AA", "AE", "AP"})


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (upper case), plus ``XK``."""
    return frozenset({c.alpha_2 for c in pycountry.countries} | {"XK"})


@cache
def usps_states() -> frozenset[str]:
    """USPS state, district, territory and military codes (upper case)."""
    subdivisions = pycountry.subdivisions.get(country_code="US") or []  # type: ignore[no-untyped-call]
    iso = {s.code.split("-", 1)[1] for s in subdivisions}
    return frozenset((iso - {"UM"}) | _USPS_NOT_IN_ISO)
