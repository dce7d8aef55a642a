"""The resolver's question and answer: the IAQ ``Subject`` and its ``Resolution``.

Why apart from ``resolver.py``: every caller (the desk, batch, the person lookup, the
status engine) reads these two shapes, and few need the resolver's scoring to do so.
``vetline.resolve.resolver`` re-exports both, as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from vetline.errors import BadInput
from vetline.resolve.links import Link
from vetline.vocab import IdentityBasis, MatchLevel

_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...]:
    """A dataclass's field names, looked up once (``fields`` costs microseconds a call)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass(frozen=True)
class Subject:
    """The IAQ subject: who the requesting officer says this is."""

    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    dob: str | None = None
    sex: str | None = None
    birth_country: str | None = None
    a_number: str | None = None
    fin: str | None = None
    fbi_number: str | None = None
    ssn: str | None = None
    passport_number: str | None = None
    sid: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Subject:
        """From IAQ ``subject`` JSON; unknown keys are ignored, values must be text."""
        known = _field_names(cls)
        values: dict[str, str | None] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if value is not None and not isinstance(value, str):
                raise BadInput(f"subject.{key}", "must be a string or null")
            values[key] = value or None
        return cls(**values)

    def as_row(self) -> dict[str, str | None]:
        """The fields as a contract-shaped row (``asdict`` without its deep copy)."""
        return {name: getattr(self, name) for name in _field_names(type(self))}

    def check(self) -> None:
        has_name = bool(self.last_name or self.first_name)
        ids = (self.a_number, self.fin, self.fbi_number, self.ssn, self.passport_number)
        if not has_name and not any(ids) and not self.sid:
            raise BadInput("subject", "needs a name or an identifier")
        if self.dob and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", self.dob.strip()):
            raise BadInput("subject.dob", f"must be YYYY-MM-DD, YYYY-MM or YYYY, not {self.dob!r}")


@dataclass
class Resolution:
    """The answer: level, best person, probability, why, and the alternatives."""

    level: MatchLevel
    person_id: str | None
    probability: float
    match_weight: float | None
    explanation: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[tuple[str, float]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: What ties the subject to ``person_id`` (biometric, identifier or biographic only);
    #: the status engine withholds enforcement from a biographic-only identity.
    basis: IdentityBasis = IdentityBasis.NONE
    #: Other persons that *may* be this subject: "possible same person" links of the
    #: chosen person (``links.parquet``) and close candidates. Their records count
    #: towards citizenship or lawful status, never towards removal (issue 11).
    possible: list[str] = field(default_factory=list)
    #: True when an analyst must look before any answer leaves: two persons above
    #: PROBABLE, or the chosen person has a "possible same person" link.
    needs_review: bool = False
    #: The chosen person's "possible same person" links (their other persons are in
    #: ``possible`` and ``candidates``).
    links: list[Link] = field(default_factory=list)
    #: With a decisive FIN: linked or close persons whose records carry another FIN
    #: (beyond a typo). Fingerprints say they are someone else, so they are not in
    #: ``possible`` (their records are not read for this subject); still candidates.
    other_fingerprints: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        # Built by hand, not with ``asdict``: its recursive deep copy was a visible share
        # of the desk's CPU per IAQ. The explanation's dicts are copied one level down,
        # which is all they have (field name → plain values).
        return {
            "level": str(self.level),
            "person_id": self.person_id,
            "probability": self.probability,
            "match_weight": self.match_weight,
            "basis": str(self.basis),
            "explanation": [dict(step) for step in self.explanation],
            "records": [{"source": s, "record_id": r} for s, r in self.records],
            "candidates": [self._candidate(p, q) for p, q in self.candidates],
            "reasons": list(self.reasons),
            "possible": list(self.possible),
            "needs_review": self.needs_review,
        }

    def _candidate(self, person_id: str, probability: float) -> dict[str, Any]:
        """One candidate entry; a linked person says so (``link``) and why (``reason``)."""
        entry: dict[str, Any] = {"person_id": person_id, "probability": round(probability, 6)}
        for link in self.links:
            if link.other_person_id == person_id:
                entry["link"] = True
                entry["reason"] = (
                    f"possible same person as {link.person_id} "
                    f"(link p = {link.match_probability:.4f}): {link.reason}"
                ).rstrip(": ")
                break
        return entry
