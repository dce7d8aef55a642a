"""From status + grounds to an assessment, in the order that keeps people safe.

Citizens first (never removable), then any sign of citizenship (alienage in doubt), then
no established status (absence of evidence is not evidence; the one exception is an UNKNOWN
whose status rule found a positive ground, terminated conditional residence), then conflicting or
incomplete records, then protected statuses (the protection must be withdrawn first), then
lawful status recorded on a possibly-same person (withholds), and only then the grounds.
Each branch states its reason in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from vetline.status.result import Ground
from vetline.vocab import CITIZEN_STATUSES, Assessment, StatusCode

#: Statuses whose holders were admitted: INA 237 deportability grounds apply.
ADMITTED_STATUSES = frozenset(
    {StatusCode.LPR, StatusCode.NONIMMIGRANT_IN_STATUS, StatusCode.REFUGEE, StatusCode.OVERSTAY}
)
#: Statuses whose protection must be withdrawn before removal: what ends it.
SHIELDS: dict[StatusCode, str] = {
    StatusCode.TPS: "withdrawal of TPS (INA 244(c)(3))",
    StatusCode.DACA: "termination of deferred action (8 CFR 236.23)",
    StatusCode.ASYLUM_PENDING: "the asylum decision (INA 208)",
    StatusCode.ASYLEE: "termination of asylum (INA 208(c)(2))",
    StatusCode.PAROLE: "termination of parole (8 CFR 212.5(e))",
}


@dataclass(frozen=True)
class RemovabilityInput:
    status: StatusCode
    citizenship_documented: bool
    possible_citizen: bool
    blocking_conflict: bool
    status_grounds: Sequence[Ground]
    conviction_grounds: Sequence[Ground]
    pending_grounds: Sequence[Ground]
    open_questions: int
    removable_if_convicted_statuses: Sequence[str]
    #: Lawful status or protection recorded on a possibly-same person (``possible.py``):
    #: the stay may rest on it, so no removability conclusion is drawn here.
    possible_lawful: Sequence[str] = ()
    #: Other possibly-same persons whose records, read as this person's, would take the
    #: conclusion away (a departure that ends an overstay...): withheld the same way.
    possible_other: Sequence[str] = ()


@dataclass
class Decision:
    assessment: Assessment
    grounds: list[Ground]
    reason: str
    to_resolve: list[str] = field(default_factory=list)
    #: Removal proceedings are pending and nothing else is open: the judge decides.
    before_the_court: bool = False


def decide(i: RemovabilityInput) -> Decision:
    """The assessment, the grounds it rests on and why."""
    A = Assessment
    if i.status in CITIZEN_STATUSES:
        if i.citizenship_documented:
            return Decision(A.NOT_REMOVABLE, [], "A U.S. citizen is not removable.")
        return Decision(
            A.UNDETERMINED,
            [],
            "Citizenship is probable but not documented; a citizen is never removable.",
        )
    every = [*i.status_grounds, *i.conviction_grounds]
    if i.possible_citizen:
        return Decision(
            A.UNDETERMINED,
            every,
            "Alienage is in doubt (signs of U.S. citizenship); any grounds below apply only "
            "if the person is confirmed not to be a citizen.",
        )
    if i.status is StatusCode.UNKNOWN and not i.status_grounds:
        extra = []
        if i.conviction_grounds:
            extra.append(
                "convictions on file would be candidate grounds once status and admission "
                "are established: " + ", ".join(g.ina for g in i.conviction_grounds)
            )
        return Decision(
            A.UNDETERMINED,
            [],
            "The records establish no immigration status; absence of evidence is not "
            "evidence of removability.",
            extra,
        )
    if i.blocking_conflict:
        return Decision(
            A.UNDETERMINED,
            every,
            "Conflicting or incomplete records (see conflicts): not safe to conclude.",
        )
    if i.status in SHIELDS:
        if i.conviction_grounds or i.open_questions:
            return Decision(
                A.UNDETERMINED,
                list(i.conviction_grounds),
                f"{i.status.value} protects against removal until {SHIELDS[i.status]}; the "
                "convictions may end that protection.",
                [SHIELDS[i.status]],
            )
        return Decision(
            A.NOT_REMOVABLE, [], f"{i.status.value} in effect; no conviction that is a ground."
        )
    maybe = [*i.possible_lawful, *i.possible_other]
    if maybe and (
        every or (i.pending_grounds and i.status.value in i.removable_if_convicted_statuses)
    ):
        candidates = ", ".join(g.ina for g in [*every, *i.pending_grounds])
        what = (
            "Lawful status is recorded on a person who may be this one ("
            if i.possible_lawful
            else "Records of a person who may be this one would take this conclusion away ("
        )
        return Decision(
            A.UNDETERMINED,
            [],
            what + "; ".join(maybe) + "): no removability conclusion until an analyst settles "
            "the identity (issue 11: evidence towards lawful status counts from any record "
            "that may be this person).",
            [f"candidate grounds once the identity is settled: {candidates}"],
        )
    if every:
        return Decision(
            A.REMOVABLE,
            every,
            "Appears removable on the grounds below (decision support, not a finding).",
        )
    if i.pending_grounds and i.status.value in i.removable_if_convicted_statuses:
        return Decision(
            A.REMOVABLE_IF_CONVICTED,
            list(i.pending_grounds),
            "Not removable today; pending charges would be grounds if they end in conviction.",
        )
    if i.open_questions:
        return Decision(
            A.UNDETERMINED,
            [],
            "No ground established, but a conviction needs facts the records lack (see what "
            "would resolve it).",
        )
    if i.status is StatusCode.IN_PROCEEDINGS:
        return Decision(
            A.UNDETERMINED,
            [],
            "Before the immigration court: removability is for the judge to decide.",
            # lawful status on a possibly-same person is for an analyst to weigh first
            before_the_court=not (i.possible_lawful or i.possible_other),
        )
    return Decision(
        A.NOT_REMOVABLE, [], f"{i.status.value}: no ground of removability found in the records."
    )
