"""The band rules and the lead-candidate guard, as a table (pure)."""

from __future__ import annotations

import pytest

from vetline.batch.bands import band_of, is_lead_candidate
from vetline.batch.policy import Bands
from vetline.vocab import Action, IdentityBasis, MatchLevel

B = Bands()
P, PR, PO, NR = MatchLevel.POSITIVE, MatchLevel.PROBABLE, MatchLevel.POSSIBLE, MatchLevel.NO_RECORD


@pytest.mark.parametrize(
    ("level", "p", "review", "band"),
    [
        (P, 1.0, False, "STRONG"),
        (PR, 0.995, False, "STRONG"),
        (PR, 0.995, True, "REVIEW"),  # the resolver asks for an analyst: never STRONG
        (PO, 0.995, False, "REVIEW"),  # a POSSIBLE level is never STRONG
        (PR, 0.7, False, "REVIEW"),
        (PO, 0.3, False, "WEAK"),
        (NR, 0.02, False, "WEAK"),
        (NR, 0.001, False, "NONE"),
        (NR, 0.0, False, "NONE"),
    ],
)
def test_band(level: MatchLevel, p: float, review: bool, band: str) -> None:
    assert band_of(level, p, review, B) == band


BIO, IDN, BIOM = IdentityBasis.BIOGRAPHIC, IdentityBasis.IDENTIFIER, IdentityBasis.BIOMETRIC
LEAD = Action.LEAD_REFERRAL


@pytest.mark.parametrize(
    ("band", "basis", "removable", "action", "citizen", "review", "lead"),
    [
        ("STRONG", IDN, True, LEAD, False, False, True),
        ("STRONG", BIOM, True, Action.DETAINER, False, False, True),
        ("STRONG", BIO, True, LEAD, False, False, False),  # biographic look-alike: never
        ("STRONG", BIO, True, Action.BIOMETRIC_CONFIRMATION, False, False, False),
        ("STRONG", IDN, True, LEAD, True, False, False),  # any citizenship sign: never
        ("STRONG", IDN, True, Action.CITIZENSHIP_REVIEW, False, False, False),
        ("STRONG", IDN, False, LEAD, False, False, False),
        ("STRONG", IDN, None, LEAD, False, False, False),  # no record is never removable
        ("STRONG", IDN, True, LEAD, False, True, False),
        ("REVIEW", IDN, True, LEAD, False, False, False),
        ("WEAK", IDN, True, LEAD, False, False, False),
    ],
)
def test_lead_candidate_guard(
    band: str, basis: IdentityBasis, removable: bool | None, action: Action,
    citizen: bool, review: bool, lead: bool,
) -> None:  # fmt: skip
    assert is_lead_candidate(band, basis, removable, action, citizen, review) is lead
