"""The typed IAR (issue 12 item 2) writes exactly the JSON of the interface, and names it.

The spec (``shared/spec/interfaces.md``, "IAR (response) JSON") has no JSON schema, only
its example and the enumerations in it; both are copied here (the spec is read-only and
outside the repository). The desk's own IARs are checked against the forms they had as
dictionaries: the engine's parts key for key against ``AssessmentResult.to_iar_dict``,
and every IAR sent equal, key order included, to what is stored and read back.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from deskhelpers import DeskWorld, dumps, iaq
from pydantic import ValidationError

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, UnitOfWork
from vetline.desk.iaq import IAQ
from vetline.desk.iar_model import IAR
from vetline.desk.service import DeskService, QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.question import question_of
from vetline.person import PersonLookup, work_out
from vetline.status import load_policy
from vetline.vocab import Action, Assessment, MatchLevel, StatusCode

OPERATOR = Actor(user_id=None, username="cli:test", via="cli")
ALL = RowScope(ScopeKind.ALL)
AGENCY = RowScope(ScopeKind.OWN_ORI, "CA0194200")

#: The spec's example IAR, its placeholders filled in with values it allows.
SPEC_EXAMPLE = """{
  "iar_id": "I-1", "iaq_id": "Q-1", "received_at": "2026-11-20T10:00:00Z",
  "responded_at": "2026-11-20T10:00:01Z",
  "match": {
    "level": "POSITIVE",
    "person_id": "P1", "probability": 0.9991,
    "explanation": [{"field": "dob", "comparison": "exact", "weight": 6.2}],
    "records": [{"source": "status", "record_id": "S1"}],
    "candidates": [{"person_id": "P2", "probability": 0.31}]
  },
  "status": {"code": "LPR", "summary": "one sentence",
             "evidence": [{"source": "status", "record_id": "S1"}]},
  "removability": {"assessment": "REMOVABLE",
                   "grounds": [{"ina": "237(a)(2)(A)(iii)", "reason": "an aggravated felony",
                                "evidence": [{"source": "criminal", "record_id": "C1"}]}]},
  "flags": ["IN_CUSTODY"],
  "recommendation": {"action": "DETAINER", "requires_review": true, "reason": "why"},
  "routing": {"aor": "LOS", "field_office": "Los Angeles"},
  "nlets_text": "the response as the plain-text message a terminal shows"
}"""

#: The spec's enumerations, as written there.
SPEC_ENUMS = {
    "match.level": "POSITIVE | PROBABLE | POSSIBLE | NO_RECORD",
    "status.code": "LPR | NATURALIZED_CITIZEN | DERIVED_CITIZEN | NONIMMIGRANT_IN_STATUS | "
    "OVERSTAY | ENTERED_WITHOUT_INSPECTION | TPS | DACA | ASYLUM_PENDING | ASYLEE | REFUGEE | "
    "PAROLE | FINAL_ORDER | REMOVED_AND_REENTERED | IN_PROCEEDINGS | UNKNOWN",
    "removability.assessment": "REMOVABLE | REMOVABLE_IF_CONVICTED | NOT_REMOVABLE | UNDETERMINED",
    "recommendation.action": "DETAINER | NOTIFICATION_REQUEST | LEAD_REFERRAL | "
    "CONDITIONAL_REFERRAL | CITIZENSHIP_REVIEW | NO_ACTION",
}


def _text(document: Any) -> str:
    """JSON text, key order kept: equal texts mean equal keys, values and order."""
    return json.dumps(document, ensure_ascii=False)


def test_the_spec_example_round_trips_exactly() -> None:
    """The spec's IAR reads as the model and writes back the same text: no key added,
    none dropped, none reordered, no value changed."""
    document = json.loads(SPEC_EXAMPLE)
    iar = IAR.model_validate_json(SPEC_EXAMPLE)
    assert _text(iar.to_json()) == _text(document)
    assert iar.match.level is MatchLevel.POSITIVE
    assert iar.removability is not None and iar.removability.grounds[0].ina == "237(a)(2)(A)(iii)"


@pytest.mark.parametrize("path", sorted(SPEC_ENUMS))
def test_every_value_the_spec_lists_is_accepted(path: str) -> None:
    enum = {
        "match.level": MatchLevel,
        "status.code": StatusCode,
        "removability.assessment": Assessment,
        "recommendation.action": Action,
    }[path]
    listed = [v.strip() for v in SPEC_ENUMS[path].split("|")]
    assert set(listed) <= {e.value for e in enum}
    part, key = path.split(".")
    for value in listed:
        document = json.loads(SPEC_EXAMPLE)
        document[part][key] = value
        if part == "match" and value == "NO_RECORD":
            document["removability"] = {"assessment": "UNDETERMINED", "grounds": []}
        assert IAR.model_validate(document).to_json()[part][key] == value


def test_a_malformed_iar_names_the_field() -> None:
    document = json.loads(SPEC_EXAMPLE)
    document["match"]["level"] = "CERTAIN"
    with pytest.raises(ValidationError) as caught:
        IAR.model_validate(document)
    assert caught.value.errors()[0]["loc"] == ("match", "level")


def test_keys_present_only_sometimes_stay_absent() -> None:
    """``null`` is written where the desk wrote ``null`` (``person_id`` of NO_RECORD, an
    unscored candidate); a key the desk leaves out (``confirmed_by``, ``withheld``,
    ``citation``, ``link``…) is left out, never ``null``; unknown keys are kept."""
    document = json.loads(SPEC_EXAMPLE)
    document["match"].update(level="NO_RECORD", person_id=None, records=[], explanation=[])
    document["match"]["candidates"] = [{"person_id": "P9", "probability": None}]
    document["removability"] = {"assessment": "UNDETERMINED", "grounds": []}
    document["amended"] = {"by": "vetting", "reason": "a citizenship claim"}
    out = IAR.model_validate(document).to_json()
    assert _text(out) == _text(document)
    agency = IAR.model_validate(document).agency_view().to_json()
    assert "recommendation" not in agency and agency["match"]["candidates"] == []
    assert agency["amended"] == document["amended"]


def test_the_engine_parts_are_to_iar_dict_key_for_key(
    desk_world: DeskWorld, lookup: PersonLookup
) -> None:
    """The typed status, removability, flags and recommendation write back the engine's
    own IAR dictionary, text for text, over real people of every kind in the small world."""
    policy = load_policy()
    seen = set()
    for n, fact in enumerate(desk_world.facts[:60]):
        query = IAQ.model_validate(iaq(fact, iaq_id=f"T{n}"))
        outcome = work_out(question_of(query), lookup, received=date(2026, 11, 2), policy=policy)
        engine = outcome.assessment.to_iar_dict()
        document = {"iar_id": "I", "match": {"level": "POSITIVE"}, **engine}
        typed = IAR.model_validate(document)
        assert _text(typed.to_json()) == _text(document)
        assert typed.status is not None and typed.status.code == engine["status"]["code"]
        seen.add(typed.status.code)
    assert len(seen) >= 4  # several kinds of status, not one path


def test_what_is_sent_is_what_is_stored_and_served(
    desk: DeskService, desk_world: DeskWorld, database: Database
) -> None:
    """Every IAR the desk sends equals, key order included, the typed reading of its stored
    text (what ``GET /v1/iar`` and a resubmission serve); the agency's view of the typed
    IAR is the agency view of the JSON."""
    from vetline.desk.nlets_iar import agency_view

    states = set()
    for n, fact in enumerate(desk_world.facts[:25]):
        sub = desk.submit(dumps(iaq(fact, iaq_id=f"RT{n}")), OPERATOR, ALL)
        assert sub.record is not None and sub.iar is not None
        states.add(sub.state)
        with UnitOfWork(database, OPERATOR) as uow:
            row = uow.session.get(DeskQuery, sub.query_id)
            assert row is not None and row.iar_json is not None
            stored = IAR.model_validate_json(row.iar_json)
        assert _text(stored.to_json()) == _text(sub.iar) == _text(sub.record.to_json())
        assert stored.agency_view().to_json() == agency_view(sub.iar) == sub.view(AGENCY)
        again = desk.submit(dumps(iaq(fact, iaq_id=f"RT{n}")), OPERATOR, ALL)
        assert not again.created and _text(again.iar) == _text(sub.iar)
    assert states == {QueryState.ANSWERED, QueryState.QUEUED}


def test_openapi_names_the_iar(sqlite_database: Database) -> None:
    """``/openapi.json`` describes the IAR endpoints' answers with the model, not "object"."""
    from vetline.api import Settings, create_app

    app = create_app(Settings(demo_mode=True), database=sqlite_database)
    schema = app.openapi()
    paths, components = schema["paths"], schema["components"]["schemas"]

    def refs(route: str, method: str, status: str) -> str:
        content = paths[route][method]["responses"][status]["content"]["application/json"]
        return str(content["schema"]["$ref"])

    assert refs("/v1/iar/{iar_id}", "get", "200").endswith("/IAR")
    assert refs("/v1/iaq", "post", "201").endswith("/IAR")
    assert refs("/v1/iaq", "post", "200").endswith("/IAR")
    assert refs("/v1/queue/iaq/{query_id}/answer", "post", "200").endswith("/IAR")
    listed = paths["/v1/iar"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["items"]["$ref"].endswith("/IARListing")
    item = paths["/v1/queue/iaq/{query_id}"]["get"]["responses"]["200"]["content"]
    assert item["application/json"]["schema"]["$ref"].endswith("/QueueItem")
    iar = components["IAR"]
    assert {"iar_id", "match", "status", "removability", "flags", "recommendation"} <= set(
        iar["properties"]
    )
    assert set(iar["required"]) >= {"iar_id", "match"}
    level = components["Match"]["properties"]["level"]
    assert components[level["$ref"].rsplit("/", 1)[1]]["enum"] == [m.value for m in MatchLevel]
    candidate = components["Candidate"]["properties"]
    assert {"person_id", "probability", "possible_same_person", "link"} <= set(candidate)
