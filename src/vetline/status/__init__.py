"""Status and removability engine: records of one person + a date → an explained assessment.

Public surface::

    from vetline.status import assess, PersonHistory, Encounter, load_policy
    policy = load_policy()                      # once, at start-up (validates the files)
    result = assess(PersonHistory.from_rows(rows), as_of=date(2026, 11, 1), policy=policy)
    result.to_iar_dict()                        # the IAR's status/removability/flags/recommendation

Where to edit what: legal thresholds, gates and priority tiers in ``data/policy.toml``;
which NCIC code means what in ``data/charge_categories.csv``; status precedence in
``derive.py``, with the rules themselves by what they read: removal history
(``removal.py``), admissions and entries (``entry.py``), grants in effect
(``grants.py``); citizenship signs in ``citizenship.py``; conviction grounds in
``grounds.py``; removability in ``removability.py``; the action gates in
``recommend.py``; what records of a person that MAY be the subject can add
(``possible.py``). See ``README.md`` beside this file.
"""

from vetline.status.engine import assess
from vetline.status.history import Encounter, EncounterCharge, PersonHistory, RecordRef
from vetline.status.policy import Policy, load_policy
from vetline.status.result import AssessmentResult
from vetline.vocab import Action, Assessment, Flag, MatchLevel, StatusCode

__all__ = [
    "Action",
    "Assessment",
    "AssessmentResult",
    "Encounter",
    "EncounterCharge",
    "Flag",
    "MatchLevel",
    "PersonHistory",
    "Policy",
    "RecordRef",
    "StatusCode",
    "assess",
    "load_policy",
]
