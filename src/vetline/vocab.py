"""The vocabulary of an IAQ and its IAR (``shared/spec/interfaces.md``): query types,
status codes, assessments, flags, actions and match levels.

These are the product's outside edges, shared by the status engine, the synthetic world's
ground truth and the query desk; add values, never rename them.
"""

from __future__ import annotations

from enum import StrEnum


class StatusCode(StrEnum):
    """Current immigration status, as of a given date."""

    LPR = "LPR"
    NATURALIZED_CITIZEN = "NATURALIZED_CITIZEN"
    DERIVED_CITIZEN = "DERIVED_CITIZEN"
    NONIMMIGRANT_IN_STATUS = "NONIMMIGRANT_IN_STATUS"
    OVERSTAY = "OVERSTAY"
    ENTERED_WITHOUT_INSPECTION = "ENTERED_WITHOUT_INSPECTION"
    TPS = "TPS"
    DACA = "DACA"
    ASYLUM_PENDING = "ASYLUM_PENDING"
    ASYLEE = "ASYLEE"
    REFUGEE = "REFUGEE"
    PAROLE = "PAROLE"
    FINAL_ORDER = "FINAL_ORDER"
    REMOVED_AND_REENTERED = "REMOVED_AND_REENTERED"
    IN_PROCEEDINGS = "IN_PROCEEDINGS"
    UNKNOWN = "UNKNOWN"
    #: Added to the v1 list: born in the U.S. (or PR, GU, VI, MP), so a citizen by birth.
    US_BORN_CITIZEN = "US_BORN_CITIZEN"


class Assessment(StrEnum):
    """Whether the person appears removable. Decision support, never a finding."""

    REMOVABLE = "REMOVABLE"
    REMOVABLE_IF_CONVICTED = "REMOVABLE_IF_CONVICTED"
    NOT_REMOVABLE = "NOT_REMOVABLE"
    UNDETERMINED = "UNDETERMINED"


class Flag(StrEnum):
    """What an officer must see before acting."""

    POSSIBLE_US_CITIZEN = "POSSIBLE_US_CITIZEN"
    PROTECTED_STATUS = "PROTECTED_STATUS"
    ACTIVE_WARRANT = "ACTIVE_WARRANT"
    INTERPOL_RED_NOTICE = "INTERPOL_RED_NOTICE"
    IN_CUSTODY = "IN_CUSTODY"


class Action(StrEnum):
    """Recommended action. Every recommendation requires a named officer's review."""

    DETAINER = "DETAINER"
    NOTIFICATION_REQUEST = "NOTIFICATION_REQUEST"
    LEAD_REFERRAL = "LEAD_REFERRAL"
    CONDITIONAL_REFERRAL = "CONDITIONAL_REFERRAL"
    CITIZENSHIP_REVIEW = "CITIZENSHIP_REVIEW"
    NO_ACTION = "NO_ACTION"
    #: Added: the identity rests on biographic agreement only (name, date of birth,
    #: birthplace), which never supports enforcement (I-247A basis 3 needs biometrics):
    #: confirm identity by fingerprints first; the IAR lists the candidates.
    BIOMETRIC_CONFIRMATION = "BIOMETRIC_CONFIRMATION"


#: Actions that put enforcement in motion; never for a citizen or a possible citizen.
#: The conditional referral (an LPR who would be removable if convicted) counts: it sends
#: the person's name to a field office, which for a citizen is already the harm.
ENFORCEMENT_ACTIONS: frozenset[Action] = frozenset(
    {
        Action.DETAINER,
        Action.NOTIFICATION_REQUEST,
        Action.LEAD_REFERRAL,
        Action.CONDITIONAL_REFERRAL,
    }
)

#: Status codes that mean the person is a U.S. citizen.
CITIZEN_STATUSES: frozenset[StatusCode] = frozenset(
    {StatusCode.NATURALIZED_CITIZEN, StatusCode.DERIVED_CITIZEN, StatusCode.US_BORN_CITIZEN}
)


class MatchLevel(StrEnum):
    """How sure identity resolution is that the subject is a known person."""

    POSITIVE = "POSITIVE"
    PROBABLE = "PROBABLE"
    POSSIBLE = "POSSIBLE"
    NO_RECORD = "NO_RECORD"


class IdentityBasis(StrEnum):
    """What ties the queried subject to the matched person, strongest first.

    Enforcement follows the form's law (I-247A box 1): a detainer rests on biometric
    confirmation (basis 3) or on a final order / pending proceedings tied to the person
    by an identifier (bases 1-2); biographic agreement alone supports none of them.
    """

    #: The FIN of a fingerprint search is in the matched person's records.
    BIOMETRIC = "BIOMETRIC"
    #: A document or system identifier (A-number, FBI number, SSN, passport, SID) agrees
    #: exactly and no identifier of the same type contradicts it.
    IDENTIFIER = "IDENTIFIER"
    #: Name, date of birth, sex, birthplace or address only.
    BIOGRAPHIC = "BIOGRAPHIC"
    #: No person matched.
    NONE = "NONE"


class QueryType(StrEnum):
    """What the agency asks (issue 5, part 2).

    Here, not in ``vetline.desk.iaq``, because the person core's answer rules
    (``vetline.person.decide``) are per query type and must not import the desk.
    """

    IAQ = "IAQ"
    BIOMETRIC = "BIOMETRIC"
    NCIC_WARRANT = "NCIC_WARRANT"
    NICS = "NICS"
    CRITICAL_INFRASTRUCTURE = "CRITICAL_INFRASTRUCTURE"
