"""The person core: subject → person → records → status → decision, for every workflow.

The query desk answers IAQs with it; the vetting centre, batch vetting and the leads'
re-checks call the same path, so a rule changed here changes all of them alike. It reads
and decides; it never writes, audits or queues (the workflow around it does), and it
imports no workflow (``desk``, ``api``, ``db``): ``tests/test_layering.py`` fails if it
does.

Public surface:

* ``work_out(question, lookup, received=, policy=)`` → ``Outcome`` (``found``,
  ``assessment``, ``decision``; ``draft()`` its JSON): the one path;
  ``assess_question`` → ``Assessed``: its first steps, without the decision (batch).
* ``Question(subject, kind, encounter)``: who is asked about, which answer rules apply,
  the encounter (its date, else the received day, is the assessment date).
* ``PersonLookup.open(data_dir)`` (resolver + in-memory records) → ``find`` / ``person``
  → ``Found``; ``RecordSource`` and ``ResolverLike``: what it needs of its adapters.
* ``assess_found``: the status engine on a ``Found`` (an analyst's choice of person too).
* ``decide`` (pure: the automatic-or-analyst gate) → ``Decision`` with its ``Answer``;
  ``reviewed``: the answer once an analyst has decided.
* ``candidates_of(resolution)`` → ``Candidate`` values (person, probability, possibly the
  same person, the build's ``LinkNote``): who else the subject may be, one rule for every
  workflow (``Outcome.candidates``).
* ``review(question, lookup, resolution, person_id, received=, policy=)`` → ``Reviewed``:
  the same path once a human settled the identity (another person, or no record);
  ``resolution_of_draft`` reads a stored draft's resolution back; ``UnknownPerson``
  when the chosen person has no records.

Edit here: see ``README.md`` (which module holds which rule).
"""

from vetline.person.answers import Answer, Decision, decide, reviewed
from vetline.person.assessing import assess_found
from vetline.person.candidates import Candidate, LinkNote, candidates_of
from vetline.person.lookup import Found, PersonLookup, RecordSource, ResolverLike
from vetline.person.question import Question
from vetline.person.review import Reviewed, UnknownPerson, resolution_of_draft, review
from vetline.person.working import Assessed, Outcome, assess_question, work_out

__all__ = [
    "Answer",
    "Assessed",
    "Candidate",
    "Decision",
    "Found",
    "LinkNote",
    "Outcome",
    "PersonLookup",
    "Question",
    "RecordSource",
    "ResolverLike",
    "Reviewed",
    "UnknownPerson",
    "assess_found",
    "assess_question",
    "candidates_of",
    "decide",
    "resolution_of_draft",
    "review",
    "reviewed",
    "work_out",
]
