"""Scenario corpus, part 3: every removal ground, pending charges, flags and action gates.

The subject is an LPR admitted 2010-05-01 (IR1) unless the case says otherwise, so each
case isolates one conviction rule (INA 237(a)(2)) or one gate of the recommendation.
"""

from __future__ import annotations

from vetline.vocab import Action as A
from vetline.vocab import Assessment as R
from vetline.vocab import Flag as F
from vetline.vocab import MatchLevel as M
from vetline.vocab import StatusCode as S

from .builders import (
    Case,
    arr,
    charge,
    crim,
    cust,
    enc,
    f,
    g,
    jail,
    notice,
    person,
    st,
    street,
    warrant,
)

C = f(F.IN_CUSTODY)
AF = "237(a)(2)(A)(iii)"


def lpr(*rows: dict[str, str | None], custody: bool = True) -> list[dict[str, str | None]]:
    base = [st("LPR", "2010-05-01"), arr("2010-05-01", "IR1")]
    if custody:
        base.append(cust("2026-10-20"))
    return person(*base, *rows)


def ewi(*rows: dict[str, str | None]) -> list[dict[str, str | None]]:
    return person(enc("2016-04-01", "BORDER_APPREHENSION", "RELEASED"), *rows)


def removable(
    name: str, rows: list[dict[str, str | None]], grounds: frozenset[str], why: str
) -> Case:
    return Case(name, rows, S.LPR, R.REMOVABLE, A.DETAINER, why, grounds=grounds, flags=C)


def not_removable(name: str, rows: list[dict[str, str | None]], why: str) -> Case:
    return Case(name, rows, S.LPR, R.NOT_REMOVABLE, A.NO_ACTION, why, flags=C)


CASES: list[Case] = [
    # --- aggravated felonies -------------------------------------------------------------
    removable(
        "af_murder",
        lpr(crim("0901", "2015-01-01", sentence=9000)),
        g(AF),
        "murder is an aggravated felony, INA 101(a)(43)(A), any sentence",
    ),
    removable(
        "af_rape",
        lpr(crim("1102", "2015-01-01")),
        g(AF),
        "rape is an aggravated felony, INA 101(a)(43)(A)",
    ),
    removable(
        "af_sexual_abuse_minor",
        lpr(crim("3616", "2015-01-01")),
        g(AF),
        "sexual abuse of a minor, INA 101(a)(43)(A)",
    ),
    removable(
        "af_drug_trafficking",
        lpr(crim("3510", "2015-01-01")),
        g(AF, "237(a)(2)(B)(i)"),
        "heroin sale: illicit trafficking AF (43)(B) and controlled substance 237(a)(2)(B)(i)",
    ),
    removable(
        "af_burglary_1y",
        lpr(crim("2202", "2015-01-01", sentence=400)),
        g(AF),
        "burglary with 400 days' imprisonment: AF (43)(G)",
    ),
    removable(
        "af_theft_suspended_year",
        lpr(crim("2404", "2015-01-01", sentence=365)),
        g(AF),
        "vehicle theft, 365 days (suspended counts, INA 101(a)(48)(B)): AF (43)(G)",
    ),
    not_removable(
        "theft_short_sentence",
        lpr(crim("2303", "2015-01-01", level="MISDEMEANOR", sentence=30)),
        "shoplifting with 30 days is not an AF; no other ground by code",
    ),
    Case(
        "burglary_sentence_unknown",
        lpr(crim("2204", "2015-01-01")),
        S.LPR,
        R.UNDETERMINED,
        A.NO_ACTION,
        "burglary with no sentence recorded: AF (43)(G) turns on the sentence — undetermined",
        flags=C,
    ),
    # --- controlled substances -------------------------------------------------------------
    Case(
        "cocaine_possession_street",
        lpr(crim("3532", "2016-01-01"), custody=False),
        S.LPR,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "possession of cocaine: 237(a)(2)(B)(i); not in custody → lead referral",
        grounds=g("237(a)(2)(B)(i)"),
    ),
    not_removable(
        "single_marijuana_possession",
        lpr(crim("3562", "2016-01-01", level="MISDEMEANOR")),
        "one possession of 30 g or less of marijuana is excepted from 237(a)(2)(B)(i)",
    ),
    removable(
        "second_marijuana_possession",
        lpr(
            crim("3562", "2016-01-01", level="MISDEMEANOR"),
            crim("3562", "2019-01-01", level="MISDEMEANOR"),
        ),
        g("237(a)(2)(B)(i)"),
        "a second marijuana possession is outside the single-offence exception of 237(a)(2)(B)(i)",
    ),
    # --- firearms, DV, protection orders ------------------------------------------------------
    removable(
        "firearm_possession",
        lpr(crim("5212", "2017-01-01")),
        g("237(a)(2)(C)"),
        "unlawful possession of a firearm: 237(a)(2)(C)",
    ),
    removable(
        "firearm_trafficking",
        lpr(crim("5217", "2017-01-01")),
        g(AF, "237(a)(2)(C)"),
        "weapon trafficking: 237(a)(2)(C) and AF (43)(C)",
    ),
    removable(
        "domestic_violence",
        lpr(crim("1301", "2017-01-01")),
        g("237(a)(2)(E)(i)"),
        "aggravated assault on family: crime of domestic violence 237(a)(2)(E)(i)",
    ),
    removable(
        "cruelty_to_spouse",
        lpr(crim("3803", "2017-01-01", level="MISDEMEANOR")),
        g("237(a)(2)(E)(i)"),
        "cruelty toward wife: crime of DV 237(a)(2)(E)(i)",
    ),
    removable(
        "child_abuse",
        lpr(crim("3802", "2017-01-01")),
        g("237(a)(2)(E)(i)"),
        "cruelty toward a child: child abuse 237(a)(2)(E)(i)",
    ),
    removable(
        "stalking",
        lpr(crim("1316", "2017-01-01", level="MISDEMEANOR")),
        g("237(a)(2)(E)(i)"),
        "stalking: 237(a)(2)(E)(i)",
    ),
    removable(
        "protection_order_violation",
        lpr(crim("5016", "2017-01-01", level="MISDEMEANOR")),
        g("237(a)(2)(E)(ii)"),
        "violation of a protection order: 237(a)(2)(E)(ii)",
    ),
    # --- CIMT ----------------------------------------------------------------------------
    removable(
        "cimt_within_5_years",
        lpr(crim("2608", "2013-01-01")),
        g("237(a)(2)(A)(i)"),
        "wire fraud (felony) within 5 years of the 2010 admission: 237(a)(2)(A)(i)",
    ),
    not_removable(
        "cimt_misdemeanor_within_5_years",
        lpr(crim("2605", "2013-01-01", level="MISDEMEANOR")),
        "one CIMT without a possible 1-year sentence is not 237(a)(2)(A)(i)",
    ),
    not_removable(
        "cimt_after_5_years",
        lpr(crim("2603", "2018-01-01")),
        "one CIMT more than 5 years after admission is not 237(a)(2)(A)(i)",
    ),
    removable(
        "two_cimts",
        lpr(
            crim("2610", "2016-01-01", level="MISDEMEANOR"),
            crim("2605", "2019-06-01", level="MISDEMEANOR"),
        ),
        g("237(a)(2)(A)(ii)"),
        "two CIMTs on different dates: 237(a)(2)(A)(ii)",
    ),
    not_removable(
        "two_cimts_same_day",
        lpr(
            crim("2605", "2019-06-01", level="MISDEMEANOR"),
            crim("2605", "2019-06-01", level="MISDEMEANOR"),
        ),
        "two frauds on one day may be a single scheme: 237(a)(2)(A)(ii) not shown",
    ),
    not_removable(
        "cimt_before_admission",
        lpr(crim("2608", "2009-01-01")),
        "a CIMT committed before the 2010 admission is not 237(a)(2)(A)(i)",
    ),
    not_removable(
        "cimt_partial_date_window",
        lpr(crim("2608", "2015")),
        "offence dated only 2015 may fall after the 2015-05-01 end of the 5-year "
        "window: 237(a)(2)(A)(i) not shown",
    ),
    # --- other grounds ---------------------------------------------------------------------
    removable(
        "espionage", lpr(crim("0103", "2018-01-01")), g("237(a)(2)(D)"), "espionage: 237(a)(2)(D)"
    ),
    removable(
        "alien_smuggling",
        lpr(crim("0303", "2018-01-01")),
        g("237(a)(1)(E)"),
        "alien smuggling: 237(a)(1)(E)",
    ),
    Case(
        "review_code_kidnapping",
        lpr(crim("1001", "2018-01-01")),
        S.LPR,
        R.UNDETERMINED,
        A.NO_ACTION,
        "kidnapping: CIMT/AF(F) depend on the statute of conviction (categorical approach)",
        flags=C,
        reason_has="legal review",
    ),
    Case(
        "unknown_charge_code",
        lpr(crim("9998", "2018-01-01")),
        S.LPR,
        R.UNDETERMINED,
        A.NO_ACTION,
        "a code outside the reviewed table is never guessed (ref. §9.4)",
        flags=C,
        reason_has="not in the charge table",
    ),
    not_removable(
        "noise_convictions",
        lpr(
            crim("1313", "2015-01-01", level="MISDEMEANOR"),
            crim("5404", "2016-01-01", level="MISDEMEANOR"),
            crim("5311", "2017-01-01", level="MISDEMEANOR"),
        ),
        "simple assault, DUI (Leocal) and disorderly conduct are no grounds",
    ),
    not_removable(
        "dismissed_murder_charge",
        lpr(crim("0903", "2015-01-01", disp="DISMISSED")),
        "a dismissed charge is no conviction (INA 101(a)(48)(A))",
    ),
    not_removable(
        "acquitted",
        lpr(crim("3510", "2015-01-01", disp="ACQUITTED")),
        "an acquittal is no conviction (INA 101(a)(48)(A))",
    ),
    # --- pending charges -----------------------------------------------------------------
    Case(
        "lpr_pending_drug_sale",
        lpr(crim("3530", "2026-09-01", disp="PENDING"), custody=False),
        S.LPR,
        R.REMOVABLE_IF_CONVICTED,
        A.CONDITIONAL_REFERRAL,
        "pending cocaine sale would be AF (43)(B) and 237(a)(2)(B)(i) if convicted",
        grounds=g(AF, "237(a)(2)(B)(i)"),
    ),
    Case(
        "lpr_current_dv_charge",
        lpr(custody=False),
        S.LPR,
        R.REMOVABLE_IF_CONVICTED,
        A.CONDITIONAL_REFERRAL,
        "current booking for family aggravated assault would be 237(a)(2)(E)(i) if convicted",
        grounds=g("237(a)(2)(E)(i)"),
        flags=C,
        encounter=jail(charge("1301")),
    ),
    Case(
        "recent_lpr_current_fraud_charge",
        person(st("LPR", "2024-01-01"), arr("2024-01-01", "IR1")),
        S.LPR,
        R.REMOVABLE_IF_CONVICTED,
        A.CONDITIONAL_REFERRAL,
        "felony fraud charged within 5 years of the 2024 admission: 237(a)(2)(A)(i) if convicted",
        grounds=g("237(a)(2)(A)(i)"),
        flags=C,
        encounter=jail(charge("2608")),
    ),
    Case(
        "old_lpr_current_fraud_charge",
        lpr(custody=False),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "one CIMT charged 16 years after admission would not be 237(a)(2)(A)(i) even if convicted",
        flags=C,
        encounter=jail(charge("2608")),
    ),
    Case(
        "lpr_pending_simple_assault",
        lpr(crim("1313", "2026-09-01", disp="PENDING", level="MISDEMEANOR")),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a pending simple assault would be no ground even if convicted",
        flags=C,
    ),
    Case(
        "lpr_pending_first_marijuana",
        lpr(crim("3562", "2026-09-01", disp="PENDING", level="MISDEMEANOR")),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a first marijuana possession would fall in the 30 g exception",
        flags=C,
    ),
    Case(
        "nonimmigrant_pending_af",
        person(arr("2025-01-05", "H1B", "2027-12-31"), crim("0903", "2026-09-01", disp="PENDING")),
        S.NONIMMIGRANT_IN_STATUS,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "policy limits REMOVABLE_IF_CONVICTED to LPRs; an arrest is no ground (INA 101(a)(48))",
    ),
    Case(
        "nonimmigrant_drug_conviction",
        person(arr("2025-01-05", "H1B", "2027-12-31"), crim("3532", "2026-01-01")),
        S.NONIMMIGRANT_IN_STATUS,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "admitted nonimmigrant with a drug conviction: 237(a)(2)(B)(i)",
        grounds=g("237(a)(2)(B)(i)"),
    ),
    # --- never admitted: INA 212 grounds --------------------------------------------------
    Case(
        "ewi_drug_possession",
        ewi(crim("3532", "2020-01-01")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "EWI with a drug conviction: 212(a)(6)(A)(i) and 212(a)(2)(A)(i)(II)",
        grounds=g("212(a)(6)(A)(i)", "212(a)(2)(A)(i)(II)"),
    ),
    Case(
        "ewi_drug_sale",
        ewi(crim("3570", "2020-01-01")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "EWI trafficker: 212(a)(6)(A)(i), 212(a)(2)(A)(i)(II), 212(a)(2)(C)",
        grounds=g("212(a)(6)(A)(i)", "212(a)(2)(A)(i)(II)", "212(a)(2)(C)"),
    ),
    Case(
        "ewi_firearm",
        ewi(crim("5202", "2020-01-01")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "no firearm ground of inadmissibility exists (ref. §9.3): only 212(a)(6)(A)(i)",
        grounds=g("212(a)(6)(A)(i)"),
    ),
    Case(
        "ewi_petty_cimt",
        ewi(crim("2605", "2020-01-01", level="MISDEMEANOR", sentence=30)),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "single petty CIMT is excepted (212(a)(2)(A)(ii)(II)): only 212(a)(6)(A)(i)",
        grounds=g("212(a)(6)(A)(i)"),
    ),
    Case(
        "ewi_fraud_felony",
        ewi(crim("2608", "2020-01-01", sentence=400)),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "EWI with a felony fraud: 212(a)(6)(A)(i) and 212(a)(2)(A)(i)(I)",
        grounds=g("212(a)(6)(A)(i)", "212(a)(2)(A)(i)(I)"),
    ),
    # --- flags and gates ---------------------------------------------------------------------
    Case(
        "active_ice_warrant",
        ewi(warrant("I200")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "active I-200 warrant is a flag; the ground is still 212(a)(6)(A)(i)",
        grounds=g("212(a)(6)(A)(i)"),
        flags=f(F.ACTIVE_WARRANT),
    ),
    Case(
        "cleared_warrant",
        ewi(warrant("I200", state="CLEARED")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "a cleared warrant raises no flag",
        grounds=g("212(a)(6)(A)(i)"),
    ),
    Case(
        "lpr_red_notice",
        lpr(notice("RED"), custody=False),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a red notice is never a ground by itself (INA 237 needs a conviction)",
        flags=f(F.INTERPOL_RED_NOTICE),
    ),
    Case(
        "blue_notice",
        lpr(notice("BLUE"), custody=False),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a blue notice raises no flag",
    ),
    Case(
        "released_from_custody",
        person(arr("2023-06-01", "B2", "2023-12-01"), cust("2025-01-01", "2025-02-01")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "released before as_of: not in custody, so a lead rather than a detainer",
        grounds=g("237(a)(1)(B)", "237(a)(1)(C)(i)"),
    ),
    Case(
        "encounter_says_released",
        person(arr("2023-06-01", "B2", "2023-12-01"), cust("2026-10-01")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "the current encounter (not in custody) outranks an old open booking",
        grounds=g("237(a)(1)(B)", "237(a)(1)(C)(i)"),
        encounter=street(),
    ),
    Case(
        "encounter_in_custody_no_booking",
        person(arr("2023-06-01", "B2", "2023-12-01")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.DETAINER,
        "in custody per the current encounter, POSITIVE, overstay 237(a)(1)(B)",
        grounds=g("237(a)(1)(B)", "237(a)(1)(C)(i)"),
        flags=C,
        encounter=jail(),
    ),
    Case(
        "ewi_in_custody_probable",
        person(enc("2019-04-10", "BORDER_APPREHENSION", "RELEASED"), cust("2026-10-28")),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.NOTIFICATION_REQUEST,
        "a detainer needs a POSITIVE identity (Gonzalez); PROBABLE gets a notification request",
        grounds=g("212(a)(6)(A)(i)"),
        flags=C,
        match=M.PROBABLE,
    ),
    Case(
        "overstay_with_us_birthplace",
        person(arr("2023-06-01", "B2", "2023-12-01"), cust("2026-10-28"))
        + person(crim("1313", "2026-10-27", level="MISDEMEANOR", disp="PENDING"), pob="US"),
        S.OVERSTAY,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "a U.S. birthplace on one record blocks enforcement (ref. §6.3): citizenship review",
        grounds=g("237(a)(1)(B)", "237(a)(1)(C)(i)"),
        flags=f(F.POSSIBLE_US_CITIZEN, F.IN_CUSTODY),
        conflict="birthplace",
    ),
    Case(
        "ewi_recorded_us_citizenship",
        person(
            enc("2019-04-10", "BORDER_APPREHENSION", "RELEASED"),
            {
                **crim("1313", "2024-01-01", level="MISDEMEANOR", disp="DISMISSED"),
                "citizenship": "US",
            },
        ),
        S.ENTERED_WITHOUT_INSPECTION,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "citizenship recorded as US on any record is a sign of citizenship: review first",
        grounds=g("212(a)(6)(A)(i)"),
        flags=f(F.POSSIBLE_US_CITIZEN),
    ),
]
