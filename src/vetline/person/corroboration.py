"""Possibly-same persons whose records ARE this person's: tied by an event or by the FIN.

The build keeps records that agree only on name and date of birth apart ("possible same
person" links, issue 11): biographic agreement alone never makes an identity, and the
status engine reads such records only towards citizenship or lawful status (principle 2).
On vetline's own worlds that left most fingerprinted persons with nothing but their
fingerprint record: the arrival and the status records that say who they are sat in a
linked person, and the answer queued (bench/README.md, issue 11 "the synth queue").

An analyst ties an IDENT enrolment to an admission by its event, not by the name: the
fingerprints were taken on the day of the admission (US-VISIT / OBIM biometric entry,
reference §2.3-2.4). So a possibly-same person is read as this person (``same_person``)
when one of these holds, and nothing says otherwise:

* **the event**: the matched person's fingerprint record (``biometric``) was enrolled on
  the very day of the other person's ARRIVAL record, or of its encounter, or of its
  custody booking at the enrolling agency (same ORI) — and the two records agree on the
  full date of birth and on the names (surname and first name, spelling variants
  folded), and the two persons are joined by the build's clean "name and date of birth
  only" link (no conflicting identifier, birth country, sex, date of birth or first name);
* **the FIN**: a record of the other person carries the very FIN of the matched person's
  fingerprint record (one FIN, one set of fingerprints).

and never when: the two persons hold different values of an identifier type (A-number,
FIN, FBI number, SSN, passport, SID — two numbers of one kind are two people); the
records disagree on sex or birth country; the matched person already holds an arrival,
encounter or booking of its own on that day (a second one that day is a companion —
twins arrive together); or two possibly-same persons hold such an event on that day
(which one is it?). Family members travel together but carry other dates of birth and
first names: on the tuning world (synth seed 11) every linked pair of a fingerprint
record and an arrival, encounter or booking on the enrolment day with the same full date
of birth is one true person, while without the date-of-birth check 351 of 3,671 such
pairs were a parent and child.

Pure: store rows in, ``Tie`` values out; ``PersonLookup`` reads the tied persons' records
as this person's and the engine says so (``Direction.SAME_PERSON``).

Edit here: which events tie (``EVENTS``), the name rule (``names_agree``), the guards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import DamerauLevenshtein

from vetline.resolve.cluster import UNCORROBORATED
from vetline.resolve.links import Link
from vetline.resolve.standardise import clean_name, surname_tokens, translit_key

Row = Mapping[str, object]

#: Identifier columns whose values, held by both persons, must share a value.
IDENTIFIERS: Final = ("a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")
#: One per person: every value the other person holds must be one of this person's.
ONE_PER_PERSON: Final = frozenset({"a_number", "fin"})
#: Keystrokes between two values of one identifier that still count as one (a typo).
TYPO: Final = 1
#: Events an enrolment can be taken at: source → (date column, filter column and value,
#: the column that must equal the enrolling ORI, or None), with the words for the note.
EVENTS: Final[dict[str, tuple[str, tuple[str, str] | None, str | None, str]]] = {
    "entry_exit": ("event_date", ("event", "ARRIVAL"), None, "arrival"),
    "encounters": ("encounter_date", None, None, "encounter"),
    "custody": ("booking_date", None, "facility_ori", "booking at the enrolling agency"),
}
#: What every tie's note cites.
LAW: Final = (
    "issue 11 principle 2: records that ARE this person (an event or an identifier ties "
    "them; biographic agreement alone never does); IDENT/OBIM biometric entry, "
    "reference §2.3-2.4"
)


@dataclass(frozen=True, slots=True)
class Tie:
    """Why a possibly-same person's records are read as this person's."""

    person_id: str
    #: The two records that tie them: the fingerprint record, then the other person's.
    evidence: tuple[tuple[str, str], tuple[str, str]]
    text: str
    fields: tuple[str, ...]


def _text(row: Row, column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    text = str(value).strip().upper()
    return text or None


def _full_date(row: Row, column: str) -> str | None:
    """``YYYY-MM-DD`` or None: a partial date ties nothing."""
    value = _text(row, column)
    return value if value is not None and len(value) == 10 and value[4] == "-" else None


def _key(token: str) -> str:
    return translit_key(token) or token


def _names(row: Row) -> tuple[list[str], list[str]]:
    """(surname tokens without particles, then the whole surname written together; given
    names: first name then middle names), cleaned."""
    surname = clean_name(row.get("last_name"))
    given = [clean_name(row.get("first_name")), clean_name(row.get("middle_name"))]
    together = [surname.replace(" ", "")] if surname else []
    return surname_tokens(surname) + together, " ".join(g for g in given if g).split()


def _surnames_agree(a: list[str], b: list[str]) -> bool:
    """A surname token in common, or the same letters without the spaces ("DE VERA" /
    "DEVERA", "GONZALEZ-ORTIZ" / "GONZALEZORTIZ"); spelling variants folded."""
    if not a or not b:
        return False
    return bool({_key(t) for t in a} & {_key(t) for t in b})


def _given_agree(a: list[str], b: list[str]) -> bool:
    """The same given names written together or apart ("LINA MARIA" / "LINAMARIA"), or
    the same first given name and no second one that differs: twins are often "MARIA
    JOSE" and "MARIA FERNANDA", so a second given name on both sides must agree too (an
    initial agrees with its name)."""
    if not a or not b:
        return False
    if _key("".join(a)) == _key("".join(b)):
        return True
    if _key(a[0]) != _key(b[0]):
        return False
    if len(a) == 1 or len(b) == 1:
        return True
    x, y = a[1], b[1]
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    return _key(x) == _key(y)


def _straight(a: Row, b: Row) -> bool:
    sur_a, given_a = _names(a)
    sur_b, given_b = _names(b)
    return _surnames_agree(sur_a, sur_b) and _given_agree(given_a, given_b)


def names_agree(a: Row, b: Row) -> bool:
    """Surnames and given names agree (``_surnames_agree``, ``_given_agree``), as written
    or with surname and first name swapped; a missing name agrees with nothing."""
    swapped = {"last_name": b.get("first_name"), "first_name": b.get("last_name")}
    return _straight(a, b) or _straight(a, swapped)


def _identifiers(rows: Sequence[Row]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in rows:
        for column in IDENTIFIERS:
            if (value := _text(r, column)) is not None:
                out.setdefault(column, set()).add(value)
    return out


def _close(x: str, ys: set[str]) -> bool:
    """``x`` is one of ``ys`` or one keystroke from one (a typo, as the build allows)."""
    return any(DamerauLevenshtein.distance(x, y, score_cutoff=TYPO) <= TYPO for y in ys)


def identifier_conflict(own: Sequence[Row], other: Sequence[Row]) -> str | None:
    """The first identifier type both persons hold with no value in common (a typo apart
    counts as in common, as at build), if any; for one-per-person identifiers (A-number,
    FIN) every value of the other person must be one of this person's."""
    mine, theirs = _identifiers(own), _identifiers(other)
    for column in IDENTIFIERS:
        a, b = mine.get(column), theirs.get(column)
        if not a or not b:
            continue
        shared = [x for x in b if _close(x, a)]
        if not shared or (column in ONE_PER_PERSON and len(shared) < len(b)):
            return column
    return None


def _soft_conflict(a: Row, b: Row) -> bool:
    return any(
        (x := _text(a, c)) is not None and (y := _text(b, c)) is not None and x != y
        for c in ("sex", "birth_country")
    )


def _event_on(row: Row, day: str, ori: str | None) -> str | None:
    """The event words when ``row`` is an event of its kind on ``day`` (else None)."""
    spec = EVENTS.get(str(row.get("source")))
    if spec is None:
        return None
    column, only, ori_column, words = spec
    if only is not None and _text(row, only[0]) != only[1]:
        return None
    if _full_date(row, column) != day:
        return None
    if ori_column is not None and (ori is None or _text(row, ori_column) != ori):
        return None
    return words


def _ref(row: Row) -> tuple[str, str]:
    return str(row["source"]), str(row["record_id"])


def _event_ties(
    own: Sequence[Row], possible: Mapping[str, Sequence[Row]], clean: set[str]
) -> dict[str, Tie]:
    ties: dict[str, Tie] = {}
    for bio in (r for r in own if r.get("source") == "biometric"):
        day, dob = _full_date(bio, "enrolled_date"), _full_date(bio, "dob")
        if day is None or dob is None:
            continue
        ori = _text(bio, "enrolling_ori")
        if any(_event_on(r, day, ori) for r in own):
            continue  # this person's own event that day: another one is a companion's
        found: dict[str, Tie] = {}
        holders = set()
        for pid, rows in possible.items():
            for r in rows:
                words = _event_on(r, day, ori)
                if words is None:
                    continue
                holders.add(pid)
                if (
                    pid in clean
                    and _full_date(r, "dob") == dob
                    and names_agree(bio, r)
                    and not _soft_conflict(bio, r)
                ):
                    found.setdefault(pid, _event_tie(pid, bio, r, day, words))
        if len(holders) == 1 and found:  # one person's event that day, and it agrees
            ties.update(found)
    return ties


def _event_tie(pid: str, bio: Row, other: Row, day: str, words: str) -> Tie:
    src, rid = _ref(other)
    return Tie(
        pid,
        (_ref(bio), (src, rid)),
        f"records of {pid} read as this person's: this person's fingerprints were "
        f"enrolled on {day} (biometric/{bio['record_id']}), the day of the {words} "
        f"{src}/{rid}, which has the same names and date of birth and no conflicting "
        "identifier",
        ("enrolled_date", "enrolling_ori", str(EVENTS[src][0]), "last_name", "first_name",
         "dob"),
    )  # fmt: skip


def _fin_ties(own: Sequence[Row], possible: Mapping[str, Sequence[Row]]) -> dict[str, Tie]:
    ties: dict[str, Tie] = {}
    for bio in (r for r in own if r.get("source") == "biometric"):
        fin = _text(bio, "fin")
        if fin is None:
            continue
        for pid, rows in possible.items():
            hit = next((r for r in rows if _text(r, "fin") == fin), None)
            if hit is not None and pid not in ties:
                src, rid = _ref(hit)
                ties[pid] = Tie(
                    pid,
                    (_ref(bio), (src, rid)),
                    f"records of {pid} read as this person's: {src}/{rid} carries the FIN "
                    f"of this person's fingerprint record biometric/{bio['record_id']}",
                    ("fin",),
                )
    return ties


def same_person(
    own: Sequence[Row], possible: Mapping[str, Sequence[Row]], links: Sequence[Link]
) -> dict[str, Tie]:
    """The possibly-same persons whose records are this person's (module docstring)."""
    if not possible or not any(r.get("source") == "biometric" for r in own):
        return {}
    clean = {k.other_person_id for k in links if k.reason == UNCORROBORATED}
    ties = _fin_ties(own, possible)
    for pid, tie in _event_ties(own, possible, clean).items():
        ties.setdefault(pid, tie)
    return {p: t for p, t in ties.items() if identifier_conflict(own, possible[p]) is None}
