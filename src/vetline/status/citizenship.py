"""The citizenship screen: runs before everything else, because a citizen is never removable.

Documents (naturalization, a certificate) and a U.S. birthplace with no immigration
history make the person a citizen. Weaker signs (a derivation path through a parent's
naturalization, a claimed U.S.-citizen parent, a U.S. birthplace on one record among
foreign ones, a U.S. passport recorded, a minor LPR whose parents cannot be checked)
raise POSSIBLE_US_CITIZEN, which blocks every enforcement recommendation and routes to
citizenship review (reference §5.7, §6.1-6.3).

Edit here: each check is one :class:`CitizenshipCheck` (label, citation, run) in
:data:`CITIZENSHIP_CHECKS`; order matters (documents first: the first status set stays).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from vetline.status.dates import DateSpan
from vetline.status.facts import US_BIRTHPLACES, Facts
from vetline.status.history import PersonHistory, RecordRef, StatusRec
from vetline.status.policy import Thresholds
from vetline.status.result import Conflict, StatusFinding
from vetline.vocab import StatusCode


@dataclass(frozen=True)
class CitizenshipSign:
    """One reason to think the person may be a U.S. citizen, with its records."""

    label: str
    text: str
    evidence: tuple[RecordRef, ...]


@dataclass(frozen=True)
class Grant:
    """Evidence of permanent residence: the record and when it began."""

    ref: RecordRef
    start: DateSpan | None


@dataclass
class CitizenshipScreen:
    status: StatusFinding | None = None
    #: True when the citizenship is documented (not merely derivable or claimed).
    documented: bool = False
    signs: list[CitizenshipSign] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    to_resolve: list[str] = field(default_factory=list)


def _revoked_after(facts: Facts, grant: StatusRec) -> StatusRec | None:
    for s in facts.status:
        if (
            s.status_class == grant.status_class
            and s.state in {"REVOKED", "TERMINATED"}
            and (
                grant.start is None or s.start is None or not s.start.certainly_before(grant.start)
            )
        ):
            return s
    return None


def _naturalized(facts: Facts) -> tuple[StatusRec | None, list[StatusRec]]:
    """The earliest standing naturalization, and any revocations found."""
    revoked: list[StatusRec] = []
    standing: list[StatusRec] = []
    for s in facts.status_of("NATURALIZED", states=("GRANTED", None)):
        rev = _revoked_after(facts, s)
        if rev is None:
            standing.append(s)
        else:
            revoked.append(rev)
    standing.sort(key=lambda s: s.start.lo if s.start else facts.as_of)
    return (standing[0] if standing else None), revoked


@dataclass(frozen=True, slots=True)
class Screening:
    """What every citizenship check reads: the person's facts, related persons, policy."""

    facts: Facts
    related: Mapping[str, PersonHistory]
    t: Thresholds
    immigrant_classes: frozenset[str]


@dataclass(frozen=True, slots=True)
class CitizenshipCheck:
    """One citizenship check, with its label and citation.

    ``run`` adds its signs, conflicts and open questions to the screen, and sets the status
    only where none is set yet: the checks run in :data:`CITIZENSHIP_CHECKS` order, strongest
    proof first, so a documented citizenship is never overwritten by a weaker one.
    """

    label: str
    citation: str
    run: Callable[[Screening, CitizenshipScreen], None]


def screen_citizenship(
    facts: Facts,
    related: Mapping[str, PersonHistory],
    t: Thresholds,
    immigrant_classes: frozenset[str] = frozenset(),
) -> CitizenshipScreen:
    """All signs of citizenship in the records, and a citizen status where they establish one."""
    screen = CitizenshipScreen()
    ctx = Screening(facts, related, t, immigrant_classes)
    for check in CITIZENSHIP_CHECKS:
        check.run(ctx, screen)
    return screen


def _naturalization(ctx: Screening, screen: CitizenshipScreen) -> None:
    natz, revoked = _naturalized(ctx.facts)
    for r in revoked:
        screen.conflicts.append(
            Conflict(
                f"naturalization {r.state.lower() if r.state else 'revoked'} "
                f"{r.start or ''}".strip()
                + ": citizenship no longer shown",
                (r.ref,),
            )
        )
    if natz is None:
        return
    screen.signs.append(
        CitizenshipSign("naturalized", f"naturalized {natz.start or ''}".strip(), (natz.ref,))
    )
    screen.status = StatusFinding(
        StatusCode.NATURALIZED_CITIZEN,
        f"U.S. citizen: naturalization granted {natz.start or '(date not recorded)'}.",
        (natz.ref,),
        "naturalization (INA 310-337)",
    )
    screen.documented = natz.state == "GRANTED"
    if natz.state is None:
        screen.to_resolve.append("naturalization record has no status_state: confirm it")


def _certificate(ctx: Screening, screen: CitizenshipScreen) -> None:
    certs = [
        s
        for s in ctx.facts.history.status
        if s.status_class == "CITIZENSHIP_CERTIFICATE"
        and s.state in {"GRANTED", None}
        and _revoked_after(ctx.facts, s) is None
    ]
    if not certs:
        return
    screen.signs.append(
        CitizenshipSign(
            "certificate", "certificate of citizenship on file", tuple(c.ref for c in certs)
        )
    )
    if screen.status is None:
        screen.status = StatusFinding(
            StatusCode.DERIVED_CITIZEN,
            "U.S. citizen: certificate of citizenship (derived or acquired) granted "
            f"{certs[0].start or '(date not recorded)'}.",
            tuple(c.ref for c in certs),
            "certificate of citizenship (INA 341)",
        )
        screen.documented = all(c.state == "GRANTED" for c in certs)


def _derivation(ctx: Screening, screen: CitizenshipScreen) -> None:
    """INA 320 / former 321: LPR before 18 and a parent naturalized before the child's 18th.

    Permanent residence shows either as a benefits grant or, when the benefits record is
    missing, as an admission in an immigrant class (entry/exit): both count. Missing the
    second let a person admitted as an immigrant child, whose parent later naturalized,
    be answered "removable" automatically (found by the desk benchmark on the 1M world).
    """
    facts = ctx.facts
    lpr: list[Grant] = [
        Grant(s.ref, s.start)
        for s in facts.status_of("LPR", "CONDITIONAL_LPR", states=("GRANTED", None))
    ]
    lpr += [
        Grant(a.ref, a.when) for a in facts.arrivals() if a.admission_class in ctx.immigrant_classes
    ]
    if not lpr:
        return
    dob = facts.dob()
    if dob is None:
        _derivation_without_dob(ctx, screen, lpr)
        return
    adult = dob.add_years(ctx.t.derivation_age_years)
    minor_grants = [s for s in lpr if s.start is None or s.start.possibly_before(adult)]
    if not minor_grants:
        return
    parent_numbers = sorted({a for s in facts.status for a in s.parent_a_numbers})
    naturalized_parents: list[tuple[str, StatusRec]] = []
    for a in parent_numbers:
        parent = ctx.related.get(a)
        for s in parent.status if parent is not None else ():
            if (
                s.status_class == "NATURALIZED"
                and s.state in {"GRANTED", None}
                and (s.start is None or s.start.possibly_before(adult))
            ):
                naturalized_parents.append((a, s))
                break
    lpr_refs = tuple(dict.fromkeys(s.ref for s in minor_grants))
    if naturalized_parents:
        found = _derived(ctx, screen, adult, lpr_refs, naturalized_parents)
        if screen.status is None:
            screen.status = found
        return
    unchecked = [a for a in parent_numbers if a not in ctx.related]
    if ctx.t.flag_minor_lpr_unchecked_parents and (unchecked or not parent_numbers):
        who = (
            f"parents A{', A'.join(unchecked)} not checked"
            if unchecked
            else "no parent named in the records"
        )
        screen.signs.append(
            CitizenshipSign(
                "minor LPR",
                f"LPR before age {ctx.t.derivation_age_years} and {who}: a parent's "
                "naturalization before the 18th birthday would have made the person a "
                "citizen (reference §6.3)",
                lpr_refs,
            )
        )
        screen.to_resolve.append(
            "check whether a parent naturalized before the person's 18th birthday "
            "(INA 320 / former 321; the Watson and Makowski cases)"
        )


def _derivation_without_dob(ctx: Screening, screen: CitizenshipScreen, lpr: list[Grant]) -> None:
    """No date of birth: derivation can be ruled out by nothing, so say what is unknown."""
    t = ctx.t
    screen.to_resolve.append(
        "date of birth unknown: cannot rule out derived citizenship (INA 320 / former 321)"
    )
    named = {a for s in ctx.facts.status for a in s.parent_a_numbers}
    naturalized = [
        s.ref
        for a in named
        if (p := ctx.related.get(a)) is not None
        for s in p.status
        if s.status_class == "NATURALIZED" and s.state in {"GRANTED", None}
    ]
    if naturalized:
        screen.signs.append(
            CitizenshipSign(
                "derivation not ruled out",
                "LPR whose named parent naturalized; without a date of birth derivation "
                "(INA 320 / former 321) cannot be ruled out",
                tuple(s.ref for s in lpr) + tuple(naturalized),
            )
        )
        return
    unchecked = sorted(a for a in named if a not in ctx.related)
    if t.flag_minor_lpr_unchecked_parents and (unchecked or not named):
        # No date of birth is the widest span: the grant may have come before 18, and
        # a protection may hold on any day the record allows (dates.py).
        who = f"parents A{', A'.join(unchecked)} not checked" if unchecked else "no parent named"
        screen.signs.append(
            CitizenshipSign(
                "minor LPR not ruled out",
                f"no record gives a date of birth, so the LPR grant may have come before "
                f"age {t.derivation_age_years}, and {who}: derived citizenship (INA 320 / "
                "former 321) cannot be ruled out",
                tuple(s.ref for s in lpr),
            )
        )


def _derived(
    ctx: Screening,
    screen: CitizenshipScreen,
    adult: DateSpan,
    lpr_refs: tuple[RecordRef, ...],
    naturalized_parents: list[tuple[str, StatusRec]],
) -> StatusFinding:
    """An LPR child whose parent naturalized in time: which statute, and what is unproven."""
    t = ctx.t
    statute = (
        "INA 320 (Child Citizenship Act)"
        if not adult.certainly_before(t.ina_320_effective)
        else "former INA 321"
    )
    caveat = (
        "legal and physical custody and residence with the citizen parent are not in the records"
        if statute.startswith("INA 320")
        else "former 321 needs both parents naturalized, or the custodial or surviving "
        "parent, which the records do not show"
    )
    if statute == "former INA 321" and len(naturalized_parents) >= 2:
        caveat = "residence as an LPR before 18 is in the records; custody is not"
    refs = lpr_refs + tuple(s.ref for _, s in naturalized_parents)
    parents = ", ".join(
        f"A{a} naturalized {s.start or 'on an unknown date'}" for a, s in naturalized_parents
    )
    screen.signs.append(
        CitizenshipSign(
            "derivation",
            f"LPR before age {t.derivation_age_years} and parent {parents} before the "
            f"child turned {t.derivation_age_years}: derived citizenship under {statute}",
            refs,
        )
    )
    screen.to_resolve.append(
        f"confirm derived citizenship under {statute} ({caveat}); check N-600 records"
    )
    return StatusFinding(
        StatusCode.DERIVED_CITIZEN,
        f"Probably a U.S. citizen by derivation ({statute}): LPR as a minor, parent {parents} "
        f"before the child's {t.derivation_age_years}th birthday; no certificate on file.",
        refs,
        "derived citizenship through a parent's naturalization (INA 320 / former 321)",
    )


def _parent_claimed(ctx: Screening, screen: CitizenshipScreen) -> None:
    claimed = [s for s in ctx.facts.history.status if s.parent_claimed]
    if not claimed:
        return
    refs = tuple(s.ref for s in claimed)
    screen.signs.append(
        CitizenshipSign(
            "parent claimed", "a U.S.-citizen parent is claimed on an application", refs
        )
    )
    screen.to_resolve.append(
        "verify the claimed U.S.-citizen parent and the transmission rules in force at "
        "birth (acquisition, INA 301/309)"
    )
    if screen.status is None:
        screen.status = StatusFinding(
            StatusCode.DERIVED_CITIZEN,
            "Possibly a U.S. citizen at birth (acquisition, INA 301/309): a U.S.-citizen "
            "parent is claimed; no certificate on file.",
            refs,
            "acquired citizenship claimed (INA 301/309)",
        )


def _us_birthplace(ctx: Screening, screen: CitizenshipScreen) -> None:
    everything = ctx.facts.history.records
    us_pob = [r for r in everything if r.birth_country in US_BIRTHPLACES]
    if not us_pob:
        return
    foreign_pob = [
        r for r in everything if r.birth_country and r.birth_country not in US_BIRTHPLACES
    ]
    refs = tuple(r.ref for r in us_pob)
    places = sorted({r.birth_country or "" for r in us_pob})
    screen.signs.append(
        CitizenshipSign("U.S. birthplace", f"birthplace {'/'.join(places)} recorded", refs)
    )
    if foreign_pob:
        screen.conflicts.append(
            Conflict(
                f"birthplace recorded as {'/'.join(places)} on {len(us_pob)} record(s) and as "
                f"{'/'.join(sorted({r.birth_country or '' for r in foreign_pob}))} on "
                f"{len(foreign_pob)}: a foreign birthplace in one database is not proof of "
                "alienage (Gonzalez v. ICE)",
                refs + tuple(r.ref for r in foreign_pob),
            )
        )
        screen.to_resolve.append("obtain a birth record to settle the birthplace conflict")
    if screen.status is None and not ctx.facts.has_immigration_records:
        national = places == ["AS"]
        screen.status = StatusFinding(
            StatusCode.US_BORN_CITIZEN,
            (
                "U.S. national by birth in American Samoa"
                if national
                else f"U.S. citizen by birth ({'/'.join(places)} birthplace)"
            )
            + "; no immigration records.",
            refs,
            "birth in the United States (14th Amendment; INA 301(a), 302-307)",
        )
        screen.documented = True


def _citizenship_recorded(ctx: Screening, screen: CitizenshipScreen) -> None:
    us_cz = [r for r in ctx.facts.history.records if r.citizenship == "US"]
    if not us_cz:
        return
    refs = tuple(r.ref for r in us_cz)
    screen.signs.append(
        CitizenshipSign("U.S. citizenship recorded", "citizenship recorded as US", refs)
    )
    if screen.status is None and not ctx.facts.has_immigration_records:
        screen.status = StatusFinding(
            StatusCode.US_BORN_CITIZEN,
            "Recorded as a U.S. citizen and no immigration records: presumed a citizen "
            "at birth; the birthplace is not confirmed.",
            refs,
            "citizenship recorded, no immigration history",
        )
        screen.to_resolve.append("confirm the birthplace (birth record or passport)")


def _us_passport(ctx: Screening, screen: CitizenshipScreen) -> None:
    us_pp = [r for r in ctx.facts.history.records if r.passport_country == "US"]
    if not us_pp:
        return
    # A U.S. passport is proof of citizenship (22 U.S.C. 2705): a sign, not a status
    # here, because the record may carry a passport wrongly keyed to the person.
    screen.signs.append(
        CitizenshipSign("U.S. passport", "U.S. passport recorded", tuple(r.ref for r in us_pp))
    )
    screen.to_resolve.append("verify the U.S. passport with the Department of State")


#: The checks in the order they run: documents first, then derivation, claims and signs.
CITIZENSHIP_CHECKS: tuple[CitizenshipCheck, ...] = (
    CitizenshipCheck("naturalized", "INA 310-337", _naturalization),
    CitizenshipCheck("certificate", "INA 341", _certificate),
    CitizenshipCheck("derivation", "INA 320 / former INA 321", _derivation),
    CitizenshipCheck("parent claimed", "INA 301/309", _parent_claimed),
    CitizenshipCheck("U.S. birthplace", "14th Amendment; INA 301(a), 302-307", _us_birthplace),
    CitizenshipCheck("U.S. citizenship recorded", "INA 301", _citizenship_recorded),
    CitizenshipCheck("U.S. passport", "22 U.S.C. 2705", _us_passport),
)
