"""The query desk service: intake to stored IAR, the analyst queue, the operations data.

Public surface:

* ``DeskService(database, lookup, policy=...)`` (the status policy is loaded by the entry
  point and handed in): ``submit(body, actor, scope)`` → ``Submission`` (the
  one path API and CLI share), ``recover()`` (answer queries a crash left RECEIVED),
  ``get_iar`` / ``list_iars`` (row-scoped reads).
* The person lookup and the working-out (resolve, records, assess, decide) are the
  person core's: ``vetline.person`` (``PersonLookup``, ``work_out``); the desk bridges an
  IAQ to its ``Question`` in ``question.py``.
* ``vetline.desk.service.queue``: ``list_queue``, ``claim``, ``release``, ``answer``.
* ``vetline.desk.service.ops``: ``desk_stats``.
* ``vetline.desk.service.samples``: ``sample_queries`` (every query type, for the demo).

Where to edit what: the per-type answer rules in ``vetline.person.answers``; priorities and
clocks in ``triage.py``; the lifecycle in ``lifecycle.py``; the IAR shape in ``iar.py``;
storage and row-scoped reads in ``store.py``, what an answer writes in ``writing.py``; a
query's row and its working-out into the IAR in ``working.py``; the reads behind
``get_iar`` / ``iaq_as_sent`` / ``list_iars`` in ``reading.py``; the ``on_answered`` port
in ``hook.py``; the order of the submit path and its transactions in ``service.py``, the
desk's state, writer and the answer of a RECEIVED row (``process``, ``recover``) in
``answering.py``; an analyst's read of a person's records in ``person_view.py``; agencies'
expedite/explain asks in ``asks.py`` (tables ``asks_models.py``); the console commands in
``cli.py`` and the demo's chosen answers in ``showcase.py``; tables in ``models.py`` (and a
migration in ``vetline/db/migrations/versions``). See ``README.md`` beside this file.
"""

from vetline.desk.service.lifecycle import TRANSITIONS, IllegalTransition, QueryState
from vetline.desk.service.service import DeskService, DeskUnavailable
from vetline.desk.service.submission import Submission, typed_view, view_for

__all__ = [
    "TRANSITIONS",
    "DeskService",
    "DeskUnavailable",
    "IllegalTransition",
    "QueryState",
    "Submission",
    "typed_view",
    "view_for",
]
