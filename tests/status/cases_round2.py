"""Scenario corpus, part 4: pending applications under an overstay, terminated conditional
residence, U and T status after an unlawful entry, and the admission the CIMT clock runs from.
"""

from __future__ import annotations

from vetline.vocab import Action as A
from vetline.vocab import Assessment as R
from vetline.vocab import Flag as F
from vetline.vocab import IdentityBasis
from vetline.vocab import StatusCode as S

from .builders import Case, arr, crim, cust, dep, enc, f, g, person, st

P = f(F.PROTECTED_STATUS)
OVERSTAY = g("237(a)(1)(B)", "237(a)(1)(C)(i)")
D_I = g("237(a)(1)(D)(i)")
BORDER = "BORDER_APPREHENSION"
CIMT5 = "237(a)(2)(A)(i)"


def visitor(*rows: dict[str, str | None]) -> list[dict[str, str | None]]:
    """A B-2 visitor admitted in 2018 for six months, no departure recorded."""
    return person(arr("2018-03-01", "B2", "2018-09-01"), *rows)


def cr1(*rows: dict[str, str | None]) -> list[dict[str, str | None]]:
    """A conditional resident (CR1, INA 216) whose conditions were terminated in 2018."""
    return person(
        arr("2016-04-01", "CR1"),
        st("CONDITIONAL_LPR", "2016-04-01", end_date="2018-04-01"),
        st("CONDITIONAL_LPR", "2018-09-01", "TERMINATED"),
        *rows,
    )


def worker(*rows: dict[str, str | None]) -> list[dict[str, str | None]]:
    """An H-1B worker admitted 2016-01-01, in status until 2027."""
    return person(arr("2016-01-01", "H1B", "2027-06-01"), *rows)


CASES: list[Case] = [
    # --- pending applications do not erase an overstay -------------------------------------
    Case(
        "vawa_pending_overstay",
        visitor(st("VAWA_PENDING", "2021-02-01", "PENDING")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.NO_ACTION,
        "a pending VAWA self-petition (INA 204(a)(1)(A)(iii)) is not a status: the overstay "
        "(237(a)(1)(B), (C)(i)) stands; 8 U.S.C. 1367 sends it to a supervisor",
        grounds=OVERSTAY,
        flags=P,
        rule="overstay of a nonimmigrant admission (INA 237(a)(1)(B), (C)(i))",
        reason_has="supervisor",
        resolve_has="vawa pending",
    ),
    Case(
        "vawa_pending_filed_in_status",
        visitor(st("VAWA_PENDING", "2018-06-01", "PENDING")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.NO_ACTION,
        "a self-petition filed during the admission still confers no status (only approval "
        "brings deferred action); protected under 8 U.S.C. 1367",
        grounds=OVERSTAY,
        flags=P,
        reason_has="supervisor",
    ),
    Case(
        "vawa_pending_overstay_in_custody",
        visitor(st("VAWA_PENDING", "2021-02-01", "PENDING"), cust("2026-10-20")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.NO_ACTION,
        "in custody with a pending VAWA self-petition: never an automatic detainer "
        "(8 U.S.C. 1367, 1229(e)); supervisory review",
        grounds=OVERSTAY,
        flags=f(F.PROTECTED_STATUS, F.IN_CUSTODY),
        reason_has="supervisor",
    ),
    Case(
        "vawa_denied_overstay",
        visitor(st("VAWA_PENDING", "2021-02-01", "DENIED")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "a denied self-petition protects no longer: overstay 237(a)(1)(B), (C)(i)",
        grounds=OVERSTAY,
    ),
    Case(
        "adjustment_filed_after_overstay",
        visitor(st("ADJUSTMENT_PENDING", "2020-05-01", "PENDING")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "an adjustment application filed after the stay ended does not restore status "
        "(INA 245(c)(2), 237(a)(1)(C)(i)); its decision is listed to check",
        grounds=OVERSTAY,
        resolve_has="adjustment pending",
    ),
    Case(
        "asylum_filed_after_overstay",
        visitor(st("ASYLUM_PENDING", "2019-01-15", "PENDING")),
        S.ASYLUM_PENDING,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a pending asylum application is its own protected status code (INA 208; "
        "docs/world-semantics.md precedence) above OVERSTAY",
        flags=P,
    ),
    # --- conditional residence terminated: 237(a)(1)(D)(i) ---------------------------------
    Case(
        "conditional_terminated",
        cr1(),
        S.UNKNOWN,
        R.REMOVABLE,
        A.NO_ACTION,
        "conditional residence terminated (INA 216(c)(2)) with no later grant: 237(a)(1)(D)(i); "
        "an IJ reviews the termination (8 CFR 216.5(f)), so no automatic action",
        grounds=D_I,
        reason_has="I-751",
        rule="conditional residence terminated (INA 216)",
        resolve_has="I-751",
    ),
    Case(
        "conditional_terminated_in_custody",
        cr1(cust("2026-10-20")),
        S.UNKNOWN,
        R.REMOVABLE,
        A.NO_ACTION,
        "in custody, POSITIVE identity, 237(a)(1)(D)(i): still no automatic detainer while "
        "the status is unestablished; the A-file decides (INA 216(c)(3)(D))",
        grounds=D_I,
        flags=f(F.IN_CUSTODY),
        resolve_has="I-751",
    ),
    Case(
        "conditional_terminated_no_arrival",
        person(
            st("CONDITIONAL_LPR", "2016-04-01", end_date="2018-04-01"),
            st("CONDITIONAL_LPR", "2018-09", "TERMINATED"),
        ),
        S.UNKNOWN,
        R.REMOVABLE,
        A.NO_ACTION,
        "the termination record alone is the ground (INA 216(c)(2), 237(a)(1)(D)(i))",
        grounds=D_I,
    ),
    Case(
        "conditional_terminated_then_lpr",
        cr1(st("LPR", "2020-01-01")),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a later LPR grant (I-751 approved on review, INA 216(c)(3)(D)) ends the ground",
    ),
    Case(
        "conditional_terminated_vawa_pending",
        cr1(st("VAWA_PENDING", "2019-03-01", "PENDING")),
        S.UNKNOWN,
        R.REMOVABLE,
        A.NO_ACTION,
        "an abused spouse's self-petition (INA 204(a)(1)(A)(iii), 8 U.S.C. 1367): "
        "237(a)(1)(D)(i) noted, supervisor decides",
        grounds=D_I,
        flags=P,
        reason_has="supervisor",
    ),
    Case(
        "conditional_terminated_departed",
        cr1(dep("2019-02-01")),
        S.UNKNOWN,
        R.UNDETERMINED,
        A.NO_ACTION,
        "left after the termination: presence unknown, no ground rests on a record of it",
        rule="admitted and departed",
    ),
    Case(
        "conditional_terminated_us_birthplace",
        person(
            arr("2016-04-01", "CR1"),
            st("CONDITIONAL_LPR", "2016-04-01", end_date="2018-04-01"),
            st("CONDITIONAL_LPR", "2018-09-01", "TERMINATED"),
            pob="US",
        ),
        S.UNKNOWN,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "a U.S. birthplace puts alienage in doubt: citizenship review before any ground "
        "(ICE Directive 16001.2)",
        grounds=D_I,
        flags=f(F.POSSIBLE_US_CITIZEN),
    ),
    # --- U and T status after an unlawful entry or overstay --------------------------------
    Case(
        "u_visa_after_ewi",
        person(
            enc("2015-06-01", BORDER, "RELEASED"),
            st("U_VISA", "2023-03-01", end_date="2027-03-01", visa_class="U1"),
        ),
        S.NONIMMIGRANT_IN_STATUS,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "U nonimmigrant status (INA 101(a)(15)(U)) granted after an entry without "
        "inspection is a current status; protected (8 U.S.C. 1367)",
        flags=P,
        rule="current u visa (u1) grant (INA 101(a)(15)(U))",
    ),
    Case(
        "t_visa_after_overstay",
        visitor(st("T_VISA", "2024-02-01", end_date="2028-02-01", visa_class="T1")),
        S.NONIMMIGRANT_IN_STATUS,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "T nonimmigrant status (INA 101(a)(15)(T)) supersedes the earlier overstay; protected",
        flags=P,
    ),
    Case(
        "u_visa_expired_after_ewi",
        person(
            enc("2012-06-01", BORDER, "RELEASED"),
            st("U_VISA", "2019-03-01", end_date="2023-03-01", visa_class="U1"),
        ),
        S.ENTERED_WITHOUT_INSPECTION,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "U status ended 2023 (INA 214(p)(6)); the border apprehension shows 212(a)(6)(A)(i)",
        grounds=g("212(a)(6)(A)(i)"),
    ),
    # --- the admission the 5-year CIMT clock runs from (Matter of Alyazji) -----------------
    Case(
        "cimt_clock_from_current_stay",
        worker(
            arr("2012-01-01", "B2", "2012-07-01"), dep("2012-02-15"), crim("2608", "2019-06-01")
        ),
        S.NONIMMIGRANT_IN_STATUS,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "the clock runs from the 2016 admission this stay rests on, not the 2012 trip that "
        "ended (Matter of Alyazji, 25 I&N Dec. 397): CIMT in 2019 is 237(a)(2)(A)(i)",
        grounds=g(CIMT5),
    ),
    Case(
        "cimt_clock_no_departure_recorded",
        worker(arr("2010-01-01", "B2", "2010-07-01"), crim("2608", "2019-06-01")),
        S.NONIMMIGRANT_IN_STATUS,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "no departure after the 2010 admission: the stay may rest on it, and a 2019 CIMT "
        "is not within 5 years of it (237(a)(2)(A)(i) not shown)",
    ),
    Case(
        "cimt_clock_departure_date_ambiguous",
        person(
            arr("2012-01-01", "B2", "2012-07-01"),
            arr("2014-06-01", "B2", "2014-12-01"),
            dep("2014"),
            arr("2017-01-01", "H1B", "2027-06-01"),
            crim("2608", "2020-06-01"),
        ),
        S.NONIMMIGRANT_IN_STATUS,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "a departure dated only 2014 may fall before or after the 2014-06-01 arrival: the "
        "clock may start in 2014 or 2017, so 237(a)(2)(A)(i) must hold on both and does not",
    ),
    Case(
        "cimt_clock_departure_date_certain",
        person(
            arr("2012-01-01", "B2", "2012-07-01"),
            arr("2014-06-01", "B2", "2014-12-01"),
            dep("2014-09-01"),
            arr("2017-01-01", "H1B", "2027-06-01"),
            crim("2608", "2020-06-01"),
        ),
        S.NONIMMIGRANT_IN_STATUS,
        R.REMOVABLE,
        A.LEAD_REFERRAL,
        "the 2014 stay certainly ended: the clock runs from the 2017 admission (Matter of "
        "Alyazji), so a 2020 felony CIMT is 237(a)(2)(A)(i)",
        grounds=g(CIMT5),
    ),
    Case(
        "cimt_clock_not_from_adjustment",
        person(
            arr("2009-01-01", "B2", "2009-07-01"),
            st("LPR", "2013-01-01"),
            crim("2608", "2016-01-01"),
        ),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "adjustment in 2013 is not the admission when there was one in 2009 (Matter of "
        "Alyazji): a 2016 CIMT is outside the 5-year window",
    ),
    # --- an LPR with no date of birth on any record ---------------------------------------
    Case(
        "lpr_no_dob_removable_conviction",
        person(
            st("LPR", "1995-11-24"), arr("1995-11-24", "IR2"), crim("3530", "2020-01-01"), dob=None
        ),
        S.LPR,
        R.UNDETERMINED,
        A.CITIZENSHIP_REVIEW,
        "without a date of birth the grant may have come before 18: derivation (INA 320 / "
        "former 321) is not ruled out, so no enforcement before citizenship review",
        grounds=g("237(a)(2)(A)(iii)", "237(a)(2)(B)(i)"),
        flags=f(F.POSSIBLE_US_CITIZEN),
        resolve_has="date of birth unknown",
    ),
    Case(
        "lpr_no_dob_parent_checked",
        person(
            st("LPR", "1995-11-24", parent_a_numbers="123456789"),
            arr("1995-11-24", "IR2"),
            dob=None,
        ),
        S.LPR,
        R.NOT_REMOVABLE,
        A.NO_ACTION,
        "the named parent's records are checked and show no naturalization: nothing points to "
        "derived citizenship (INA 320)",
        related={
            "123456789": person(st("LPR", "1990-01-01"), dob="1960-01-01", a_number="123456789")
        },
    ),
    Case(
        "overstay_in_custody_biographic_only",
        person(arr("2023-06-01", "B2", "2023-12-01"), cust("2026-10-20")),
        S.OVERSTAY,
        R.REMOVABLE,
        A.BIOMETRIC_CONFIRMATION,
        "removable overstay in custody, but the identity rests on name and date of birth "
        "only: no detainer without fingerprints (I-247A basis 3; brief principle 2)",
        grounds=g("237(a)(1)(B)", "237(a)(1)(C)(i)"),
        flags=f(F.IN_CUSTODY),
        basis=IdentityBasis.BIOGRAPHIC,
        reason_has="fingerprint",
    ),
]
