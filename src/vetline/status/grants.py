"""Current grants and the working record of the status rules (shared by the rule modules).

A grant is in effect on ``as_of`` when it is GRANTED (or, for the protected pending
classes, PENDING), not past its end date where the class expires, and not ended by a
later REVOKED/TERMINATED/DENIED/EXPIRED record of the same class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vetline.status.dates import DateSpan
from vetline.status.facts import Facts, sort_key
from vetline.status.history import StatusRec
from vetline.status.result import Conflict, Ground, StatusFinding
from vetline.vocab import StatusCode

#: Status classes that are a current grant, with the status code they give.
GRANT_CODES: dict[str, StatusCode] = {
    "LPR": StatusCode.LPR,
    "CONDITIONAL_LPR": StatusCode.LPR,
    "ASYLEE": StatusCode.ASYLEE,
    "REFUGEE": StatusCode.REFUGEE,
    "TPS": StatusCode.TPS,
    "DACA": StatusCode.DACA,
    "PAROLE": StatusCode.PAROLE,
    "NONIMMIGRANT": StatusCode.NONIMMIGRANT_IN_STATUS,
    "U_VISA": StatusCode.NONIMMIGRANT_IN_STATUS,
    "T_VISA": StatusCode.NONIMMIGRANT_IN_STATUS,
    "ASYLUM_PENDING": StatusCode.ASYLUM_PENDING,
}
#: The law each grant rests on, for the status rule's label.
GRANT_CITATIONS: dict[str, str] = {
    "LPR": "INA 101(a)(20)",
    "CONDITIONAL_LPR": "INA 216",
    "ASYLEE": "INA 208",
    "REFUGEE": "INA 207",
    "TPS": "INA 244",
    "DACA": "8 CFR 236.21",
    "PAROLE": "INA 212(d)(5)",
    "NONIMMIGRANT": "INA 214",
    "U_VISA": "INA 101(a)(15)(U)",
    "T_VISA": "INA 101(a)(15)(T)",
    "ASYLUM_PENDING": "INA 208",
}
#: Classes whose end_date ends the status (an LPR card's expiry does not end LPR status).
EXPIRING = frozenset({"TPS", "DACA", "PAROLE", "NONIMMIGRANT", "U_VISA", "T_VISA"})
#: Classes that are protected from removal or need supervisory review (reference §5.8).
PROTECTED_CLASSES = frozenset({"TPS", "DACA", "ASYLUM_PENDING", "U_VISA", "T_VISA", "VAWA_PENDING"})
PENDING_CLASSES = frozenset({"ASYLUM_PENDING", "VAWA_PENDING", "ADJUSTMENT_PENDING"})
ADMITTED_GRANTS = frozenset(
    {"LPR", "CONDITIONAL_LPR", "NONIMMIGRANT", "REFUGEE", "U_VISA", "T_VISA"}
)


@dataclass
class Derivation:
    """What the status rules found besides the status itself."""

    status: StatusFinding | None = None
    grounds: list[Ground] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    to_resolve: list[str] = field(default_factory=list)
    #: Conflicts that make the status unsafe to act on (assessment becomes UNDETERMINED).
    blocking: bool = False


def _cancelled(facts: Facts, grant: StatusRec) -> StatusRec | None:
    """A later record of the same class that ended the grant (revoked, terminated...)."""
    for s in facts.status:
        if (
            s is grant
            or s.status_class != grant.status_class
            or s.state not in {"REVOKED", "TERMINATED", "DENIED", "EXPIRED"}
        ):
            continue
        when = s.start or s.end
        if grant.start is None or when is None or not when.certainly_before(grant.start):
            return s
    return None


def current_grants(facts: Facts) -> list[StatusRec]:
    """Grants (and pending protected applications) in effect on ``as_of``, newest first."""
    out = []
    for s in facts.status:
        if s.status_class in PENDING_CLASSES:
            if s.state not in {"PENDING", "GRANTED", None}:
                continue
        elif s.state not in {"GRANTED", None}:  # a missing state may be a grant
            continue
        if s.status_class in EXPIRING and s.end is not None and s.end.hi < facts.as_of:
            continue
        if _cancelled(facts, s) is not None:
            continue
        out.append(s)
    out.sort(key=lambda s: sort_key(s.start), reverse=True)
    return out


def after(d: DateSpan | None, ref: DateSpan | None) -> bool:
    """Certainly after ``ref`` (both known); used only for enforcement-direction facts."""
    return d is not None and ref is not None and ref.hi < d.lo
