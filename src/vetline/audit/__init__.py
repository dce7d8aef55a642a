"""The tamper-evident audit trail: append-only, hash-chained, written in the business transaction.

Edit here: event types (``events.py``), the chain hash (``chain.py``, pure), appending
(``writer.py``, called through ``UnitOfWork.audit``), the keyed checkpoints outside the
database (``anchor.py``), verification (``verify.py``), the auditor's three commands as
one service function each for the API and the CLI (``service.py``), the queries behind
them (``search.py``) and the ``vetline audit`` CLI (``cli.py``).
"""

from __future__ import annotations

from vetline.audit.anchor import AnchorLog  # installs the console's anchor factory
from vetline.audit.chain import canonical_json, event_hash
from vetline.audit.events import EventType, Outcome
from vetline.audit.models import AuditChainHead, AuditEvent
from vetline.audit.search import AuditFilter, export_csv, export_jsonl, iter_events, search
from vetline.audit.verify import VerifyResult, verify_chain
from vetline.audit.writer import append_events  # installs the unit of work's writer

__all__ = [
    "AnchorLog",
    "AuditChainHead",
    "AuditEvent",
    "AuditFilter",
    "EventType",
    "Outcome",
    "VerifyResult",
    "append_events",
    "canonical_json",
    "event_hash",
    "export_csv",
    "export_jsonl",
    "iter_events",
    "search",
    "verify_chain",
]
