"""Scenario corpus, part 5 (issue 11): possibly-same persons and the form's law.

Records of a person that MAY be the subject count only towards citizenship or lawful
status; a conviction, order or warrant there is a note, never a ground. A detainer or a
request for notification needs biometric identity (I-247A basis 3) or a final order /
proceedings whose own record carries the identifier that agreed (bases 1-2); a
biographic-only identity never yields any enforcement action or referral.
"""

from __future__ import annotations

from vetline.vocab import Action as A
from vetline.vocab import Assessment as R
from vetline.vocab import Flag as F
from vetline.vocab import IdentityBasis as B
from vetline.vocab import StatusCode as S

from .builders import Case, arr, court, crim, cust, dep, enc, f, g, person, st, warrant

OVERSTAY = g("237(a)(1)(B)", "237(a)(1)(C)(i)")
AF = "237(a)(2)(A)(iii)"
C = f(F.IN_CUSTODY)
CZ = f(F.POSSIBLE_US_CITIZEN, F.IN_CUSTODY)
LOOK = "P-LOOKALIKE"


def overstay_in_jail(*rows: dict[str, str | None]) -> list[dict[str, str | None]]:
    """A removable B-2 overstay with a burglary conviction, booked and in custody."""
    return person(
        arr("2015-03-01", "B2", "2015-09-01"), crim("2202", "2019-01-01"), cust("2026-10-20"), *rows
    )


def us_citizen(*rows: dict[str, str | None]) -> list[dict[str, str | None]]:
    """The look-alike: same name and date of birth, the records of a citizen."""
    return person(*rows, pob="US")


ORDER = court("REMOVAL_ORDER", "2020-03-01")
ORDER_ID = str(ORDER["record_id"])
ORDER2 = court("REMOVAL_ORDER", "2020-03-01")
ORDER3 = court("REMOVAL_ORDER", "2020-03-01")
ORDER3_ID = str(ORDER3["record_id"])
#: The issue-11 look-alike: known only to criminal systems, a foreign birthplace wrongly
#: recorded, no citizenship record at all.
CRIMINAL_ONLY = person(crim("3532", "2021-01-01"), cust("2021-01-01", "2021-01-03"))

CASES: list[Case] = [
    # --- citizenship evidence on a possibly-same person: blocks enforcement ------------------
    Case(
        "possible_person_naturalized_blocks_detainer",
        overstay_in_jail(),
        S.OVERSTAY,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "a naturalization on a possibly-same person is a sign of citizenship: no detainer "
        "even on a biometric identity; citizenship review (ICE Directive 16001.2; issue 11)",
        grounds=OVERSTAY,
        flags=CZ,
        basis=B.BIOMETRIC,
        possible={LOOK: person(st("NATURALIZED", "2012-06-01"), pob="MX")},
        reason_has=f"possibly-same person {LOOK}",
        note_has="blocks enforcement",
    ),
    Case(
        "possible_person_us_birth_blocks_lead",
        person(enc("2016-04-01", "BORDER_APPREHENSION", "RELEASED"), crim("3532", "2020-01-01")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "a U.S. birthplace recorded on a possibly-same person (Gonzalez: a foreign birthplace "
        "in one database is not proof of alienage): no lead",
        grounds=g("212(a)(6)(A)(i)", "212(a)(2)(A)(i)(II)"),
        flags=f(F.POSSIBLE_US_CITIZEN),
        basis=B.IDENTIFIER,
        possible={LOOK: us_citizen(crim("2404", "2021-05-01", disp="DISMISSED"))},
        reason_has="birthplace US",
    ),
    Case(
        "possible_person_certificate_blocks_detainer",
        overstay_in_jail(),
        S.OVERSTAY,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "a certificate of citizenship (INA 341) on a possibly-same person",
        grounds=OVERSTAY,
        flags=CZ,
        basis=B.BIOMETRIC,
        possible={LOOK: person(st("CITIZENSHIP_CERTIFICATE", "2005-01-01"))},
        reason_has="certificate of citizenship",
    ),
    Case(
        "possible_person_us_passport_blocks_detainer",
        overstay_in_jail(),
        S.OVERSTAY,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "a U.S. passport (22 U.S.C. 2705) recorded on a possibly-same person",
        grounds=OVERSTAY,
        flags=CZ,
        basis=B.BIOMETRIC,
        possible={LOOK: [{**person(cust("2024-01-01"))[0], "passport_country": "US"}]},
        reason_has="U.S. passport",
    ),
    Case(
        "possible_person_citizen_parent_blocks_detainer",
        overstay_in_jail(),
        S.OVERSTAY,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "a U.S.-citizen parent claimed (acquisition, INA 301/309) on a possibly-same person",
        grounds=OVERSTAY,
        flags=CZ,
        basis=B.BIOMETRIC,
        possible={LOOK: person(st("LPR", "2001-01-01", us_citizen_parent_claimed="Y"))},
        reason_has="U.S.-citizen parent",
    ),
    # --- lawful status on a possibly-same person: removability withheld --------------------
    Case(
        "possible_person_lpr_withholds_removability",
        overstay_in_jail(),
        S.OVERSTAY,
        R.UNDETERMINED,
        A.NO_ACTION,
        "a current LPR grant on a possibly-same person: the stay may rest on it, so no "
        "removability conclusion and no detainer until the identity is settled",
        flags=C,
        basis=B.BIOMETRIC,
        possible={LOOK: person(st("LPR", "2016-01-01"), arr("2016-01-01", "IR1"))},
        reason_has="Lawful status is recorded",
        note_has="lawful status LPR",
        resolve_has="candidate grounds once the identity is settled",
    ),
    Case(
        "possible_person_lpr_withholds_conditional_referral",
        person(
            st("LPR", "2010-05-01"), arr("2010-05-01", "IR1"), crim("3530", "2026-09-01", "PENDING")
        ),
        S.LPR,
        R.UNDETERMINED,
        A.NO_ACTION,
        "a conditional referral is a removal-direction conclusion too: withheld while a "
        "possibly-same person holds asylum",
        basis=B.IDENTIFIER,
        possible={LOOK: person(st("ASYLEE", "2018-01-01"))},
        note_has="lawful status ASYLEE",
    ),
    # --- removal-direction records on a possibly-same person: notes, never grounds --------
    Case(
        "possible_person_conviction_is_a_note",
        person(st("LPR", "2010-05-01"), arr("2010-05-01", "IR1"), cust("2026-10-20")),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "an aggravated felony on a possibly-same person is shown to the analyst, never a "
        "ground (evidence towards removal only from records that are this person)",
        flags=C,
        basis=B.BIOMETRIC,
        possible={LOOK: person(crim("1313", "2019-01-01", sentence=730))},
        note_has="not a ground",
    ),
    Case(
        "possible_person_order_and_warrant_are_notes",
        person(arr("2025-01-05", "H1B", "2027-12-31"), cust("2026-10-20")),
        S.NONIMMIGRANT_IN_STATUS,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a removal order and an active I-205 on a possibly-same person change neither the "
        "status, nor the flags, nor the assessment",
        flags=C,
        basis=B.BIOMETRIC,
        possible={LOOK: person(court("REMOVAL_ORDER", "2019-01-01"), warrant("I205"))},
        note_has="removal order",
    ),
    Case(
        "criminal_only_lookalike_blocks_the_lead",
        person(arr("2015-03-01", "B2", "2015-09-01"), crim("2202", "2019-01-01")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.BIOMETRIC_CONFIRMATION,
        "a possibly-same person known only to criminal systems carries no citizenship record "
        "to find (issue 11): without fingerprints the identity is ambiguous, so no lead",
        grounds=OVERSTAY,
        basis=B.IDENTIFIER,
        possible={LOOK: CRIMINAL_ONLY},
        reason_has="fingerprint comparison must settle",
    ),
    Case(
        "criminal_only_lookalike_blocks_even_an_identifier_tied_order",
        person(ORDER3, cust("2026-10-20")),
        S.FINAL_ORDER,
        R.REMOVABLE,
        A.BIOMETRIC_CONFIRMATION,
        "an order carrying the identifier is basis 1, but a possibly-same person is on file: "
        "fingerprints first",
        grounds=g("241(a)"),
        flags=C,
        basis=B.IDENTIFIER,
        tied=(ORDER3_ID,),
        possible={LOOK: CRIMINAL_ONLY},
        reason_has=f"possibly-same person {LOOK}",
    ),
    Case(
        "criminal_only_lookalike_and_fingerprints_detainer",
        overstay_in_jail(),
        S.OVERSTAY,
        R.REMOVABLE,
        A.DETAINER,
        "fingerprints tie the subject to this person (basis 3): the look-alike is another "
        "person, and nothing in its records points to citizenship",
        grounds=OVERSTAY,
        flags=C,
        basis=B.BIOMETRIC,
        possible={LOOK: CRIMINAL_ONLY},
        note_has="not a ground",
    ),
    # --- the form's law: I-247A box 1 -------------------------------------------------------
    Case(
        "identifier_on_the_order_record_supports_detainer",
        person(ORDER, cust("2026-10-20")),
        S.FINAL_ORDER,
        R.REMOVABLE,
        A.DETAINER,
        "I-247A basis 1: a final order whose own record carries the identifier that agreed",
        grounds=g("241(a)"),
        flags=C,
        basis=B.IDENTIFIER,
        tied=(ORDER_ID,),
        reason_has="basis 1",
    ),
    Case(
        "identifier_elsewhere_than_the_order_needs_fingerprints",
        person(ORDER2, cust("2026-10-20")),
        S.FINAL_ORDER,
        R.REMOVABLE,
        A.BIOMETRIC_CONFIRMATION,
        "the identifier agreed on another record, not on the order: the order is not tied "
        "to the subject, so only fingerprints (basis 3) can support a detainer",
        grounds=g("241(a)"),
        flags=C,
        basis=B.IDENTIFIER,
        reason_has="does not carry the identifier",
    ),
    Case(
        "identifier_overstay_in_custody_needs_fingerprints",
        overstay_in_jail(),
        S.OVERSTAY,
        R.REMOVABLE,
        A.BIOMETRIC_CONFIRMATION,
        "no final order or proceedings (bases 1-2) and no biometric identity (basis 3): no "
        "detainer and no notification request (I-247A replaced I-247N)",
        grounds=OVERSTAY,
        flags=C,
        basis=B.IDENTIFIER,
        reason_has="no final order",
    ),
    Case(
        "biometric_overstay_in_custody_detainer",
        overstay_in_jail(),
        S.OVERSTAY,
        R.REMOVABLE,
        A.DETAINER,
        "biometric confirmation of identity and a records check: I-247A basis 3",
        grounds=OVERSTAY,
        flags=C,
        basis=B.BIOMETRIC,
        reason_has="basis 3",
    ),
    Case(
        "identifier_overstay_street_lead",
        person(arr("2015-03-01", "B2", "2015-09-01"), crim("2202", "2019-01-01")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "not in custody, identity by an uncontradicted identifier: a lead for field review, "
        "where fingerprints confirm identity before any arrest (reference §11.3)",
        grounds=OVERSTAY,
        basis=B.IDENTIFIER,
        reason_has="identifier basis",
    ),
    Case(
        "biographic_overstay_street_no_lead",
        person(arr("2015-03-01", "B2", "2015-09-01"), crim("2202", "2019-01-01")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.BIOMETRIC_CONFIRMATION,
        "biographic agreement only: no lead either (principle 2)",
        grounds=OVERSTAY,
        basis=B.BIOGRAPHIC,
        reason_has="biographic agreement only",
    ),
    Case(
        "biographic_lpr_pending_charge_no_conditional_referral",
        person(
            st("LPR", "2010-05-01"), arr("2010-05-01", "IR1"), crim("3530", "2026-09-01", "PENDING")
        ),
        S.LPR,
        R.REMOVABLE_IF_CONVICTED,
        A.BIOMETRIC_CONFIRMATION,
        "the LPR removable-if-convicted referral (reference §5.6) needs a confirmed identity "
        "too: biographic agreement only asks for fingerprints",
        grounds=g(AF, "237(a)(2)(B)(i)"),
        basis=B.BIOGRAPHIC,
        reason_has="INA 101(a)(48)",
    ),
    # --- a removal conclusion must hold whether or not a possibly-same person is this one --
    Case(
        "possible_person_own_lpr_admission_does_not_withhold",
        person(
            st("LPR", "2010-05-01"),
            arr("2010-05-01", "IR1"),
            crim("0901", "2015-01-01", sentence=9000),
            cust("2026-10-20"),
        ),
        S.LPR,
        R.REMOVABLE,
        A.DETAINER,
        "the LPR's own admission split off by name and date of birth: read as this person's it "
        "gives the same status and the same aggravated felony, so the lawful status there "
        "takes nothing away (issue 11, the synth queue); the note is still shown",
        grounds=g(AF),
        flags=C,
        basis=B.BIOMETRIC,
        possible={LOOK: person(arr("2010-05-01", "IR1"))},
        note_has="lawful status LPR",
    ),
    Case(
        "possible_person_departure_withholds_the_overstay",
        overstay_in_jail(),
        S.OVERSTAY,
        R.UNDETERMINED,
        A.NO_ACTION,
        "a departure on a possibly-same person ends the stay the overstay rests on: read as "
        "this person's it takes the conclusion away, so no detainer until an analyst settles "
        "the identity (evidence towards lawful status counts from any record that may be "
        "this person)",
        flags=C,
        basis=B.BIOMETRIC,
        possible={LOOK: person(dep("2015-08-01"))},
        reason_has="would take this conclusion away",
        resolve_has="candidate grounds once the identity is settled",
    ),
    Case(
        "possible_person_order_takes_no_conclusion_away",
        person(enc("2019-01-03", "BORDER_APPREHENSION", "RELEASED"), cust("2026-10-20")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.DETAINER,
        "an order on a possibly-same person, read as this person's, replaces the entry "
        "without inspection by the order: still removable, nothing taken away, and the order "
        "is never a ground here",
        grounds=g("212(a)(6)(A)(i)"),
        flags=C,
        basis=B.BIOMETRIC,
        possible={LOOK: person(court("REMOVAL_ORDER", "2020-03-01"))},
        note_has="removal order",
    ),
]
