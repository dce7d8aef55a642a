"""The IAR as typed models: the shape of ``shared/spec/interfaces.md`` "IAR (response) JSON".

Why models and not dictionaries (issue 12 item 2): the IAR travels from the desk's
assembly to the API, the CLI, the stored IAR column, the Nlets text and the vetting
centre's intake; as ``dict[str, Any]`` every reader guessed its keys (``(iar.get("match")
or {}).get("level")``) and the OpenAPI schema said only "object". Now the desk builds an
``IAR`` once, the renderer and the intake read its attributes, and ``/openapi.json`` names
every part.

The wire format is fixed, so the models serialise to exactly the JSON the desk wrote
before (``IAR.to_json``): keys in the same order, ``null`` where a value was ``null``, and
the keys that were present only sometimes (``match.confirmed_by``, a candidate's
``possible_same_person`` and ``link``, ``removability.before_the_court`` and
``withheld``, ``answer.citation``, ``recommendation`` — absent from the agency's view —,
``tf_adjustment`` of an explanation step) still absent when unset (``exclude_if``),
never ``null``. Unknown keys are kept (``extra="allow"``): an IAR stored by another
version, or amended by the vetting centre (``amended``), reads back and is served
unchanged.

Fields the renderer tolerates missing (an IAR built by hand, an older stored one) have
defaults; the spec's required keys (``iar_id``, ``match.level``) do not. A default is
never written out for a key the document did not have (``to_json``: ``exclude_unset``).

Edit here: a new IAR key is a new field (with a default, so stored IARs still read; with
``exclude_if=_unset`` when it is present only sometimes), added after the fields it
followed in the JSON. ``tests/desk_service/test_iar_model.py`` checks the round trip.
"""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from vetline.vocab import Action, Assessment, IdentityBasis, MatchLevel, StatusCode


def _unset(value: object) -> bool:
    """A key present only sometimes: left out of the JSON when it has no value."""
    return value is None


class Part(BaseModel):
    """Every IAR part: frozen, unknown keys kept (and served back unchanged)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    def to_json(self) -> dict[str, Any]:
        """The part as the JSON object the spec shows (plain values, keys in order).

        Only the keys that were given (``exclude_unset``): the desk gives every key it
        writes, so its IARs come out whole; a stored or hand-made IAR comes out with the
        keys it had, none added (the wire format is the spec's, extended only by adding).
        """
        return self.model_dump(mode="json", exclude_unset=True)


class RecordRef(Part):
    """One record: its source system and its id there."""

    source: str
    record_id: str


class Comparison(Part):
    """One step of the match explanation: a field, how it compared, its weight."""

    field: str
    comparison: str
    weight: float | None = None
    #: Added: the term-frequency adjustment inside ``weight`` (the waterfall shows it).
    tf_adjustment: float | None = Field(default=None, exclude_if=_unset)


class CandidateLink(Part):
    """The build's "possible same person" link to a candidate: its probability and why
    the two persons were kept apart (issue 11)."""

    probability: float
    reason: str


class Candidate(Part):
    """A person the subject may be, with the resolver's probability.

    ``probability`` is ``null`` for a linked person the query was not scored against;
    ``possible_same_person`` (``true``) and ``link`` are present only for such persons.
    """

    person_id: str
    probability: float | None = None
    possible_same_person: bool | None = Field(default=None, exclude_if=_unset)
    link: CandidateLink | None = Field(default=None, exclude_if=_unset)


class PossiblePerson(Part):
    """A person that MAY be the subject and the records read for it (issue 11)."""

    person_id: str
    records: list[RecordRef] = []


class Match(Part):
    """Who the subject is: the level, the person, why, the records and the alternatives."""

    level: MatchLevel
    person_id: str | None = None
    probability: float | None = None
    explanation: list[Comparison] = []
    records: list[RecordRef] = []
    candidates: list[Candidate] = []
    possible_same_person: list[PossiblePerson] = []
    #: What ties the subject to the person (added: issue 11).
    basis: IdentityBasis | None = Field(default=None, exclude_if=_unset)
    #: The analyst who confirmed the identity (an analyst's answer only).
    confirmed_by: str | None = Field(default=None, exclude_if=_unset)


class Status(Part):
    """The status code with its one-sentence summary and evidence."""

    code: StatusCode
    summary: str | None = None
    evidence: list[RecordRef] = []


class Ground(Part):
    """One legal ground of removability with its INA section and evidence."""

    ina: str
    reason: str | None = None
    evidence: list[RecordRef] = []


class Removability(Part):
    """The removability assessment; ``before_the_court`` says the judge decides an
    UNDETERMINED, ``withheld`` why no ground is shown (a sign of U.S. citizenship); each
    present only then."""

    assessment: Assessment
    grounds: list[Ground] = []
    #: An UNDETERMINED whose removal proceedings are pending with nothing else open: the
    #: judge decides (a sentence; added, present only then).
    before_the_court: str | None = Field(default=None, exclude_if=_unset)
    withheld: str | None = Field(default=None, exclude_if=_unset)


class Recommendation(Part):
    """The recommended action (internal: the agency's view leaves it out)."""

    action: Action
    requires_review: bool = True
    reason: str = ""


class Answer(Part):
    """The query type's own answer (added: ``vetline.person.Answer`` on the wire)."""

    query_type: str
    result: str
    reason: str
    evidence: list[RecordRef] = []
    citation: str | None = Field(default=None, exclude_if=_unset)


class Routing(Part):
    """The ICE area of responsibility and field office the query was routed to."""

    aor: str | None = None
    field_office: str | None = None


class IAR(Part):
    """An Immigration Alien Response, as the desk stores and sends it."""

    iar_id: str
    iaq_id: str | None = None
    received_at: str | None = None
    responded_at: str | None = None
    #: ANSWERED or QUEUED (added).
    state: str | None = Field(default=None, exclude_if=_unset)
    match: Match
    status: Status | None = None
    removability: Removability | None = None
    flags: list[str] = []
    #: Internal: absent from the requesting agency's view.
    recommendation: Recommendation | None = Field(default=None, exclude_if=_unset)
    answer: Answer | None = Field(default=None, exclude_if=_unset)
    routing: Routing | None = None
    #: Intake notes (added).
    notes: list[str] = []
    nlets_text: str | None = Field(default=None, exclude_if=_unset)

    def agency_view(self) -> IAR:
        """The IAR as the requesting agency may see it: no ``recommendation`` (internal),
        nothing about any person other than the one matched (``candidates`` and
        ``possible_same_person`` emptied; the keys stay, so the shape is unchanged)."""
        match = self.match.model_copy(update={key: [] for key in OTHER_PEOPLE})
        return self.model_copy(update={"recommendation": None, "match": match})


#: Parts of ``match`` naming OTHER people (candidate person ids and probabilities, the
#: possibly-same persons and their records): emptied in the agency view (least data,
#: issue 13 item 9).
OTHER_PEOPLE: Final = ("candidates", "possible_same_person")


class IARListing(Part):
    """One row of ``GET /v1/iar``: a recent query of the caller's and its IAR's state.

    ``query_id`` (ICE staff work the queue by it) is present only in staff's listings.
    """

    iar_id: str | None
    iaq_id: str
    ori: str
    query_type: str
    state: str
    received_at: str
    responded_at: str | None = None
    aor: str | None = None
    subject_name: str = ""
    query_id: str | None = Field(default=None, exclude_if=_unset)


class QueueItem(Part):
    """``GET /v1/queue/iaq/{id}``: a query in the analysts' queue, its current IAR (the
    interim one while queued) and the engine's working (``draft``: the person core's
    ``Outcome.draft()``, the analyst's answer starts from it)."""

    query_id: str
    iar_id: str | None = None
    iaq_id: str
    state: str
    iaq: dict[str, Any]
    draft: dict[str, Any] | None = None
    iar: IAR | None = None
    reasons: list[str] = []
    due_at: str | None = None
    form: str | None = None
