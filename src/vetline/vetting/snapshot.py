"""Evidence snapshots: what a decision rested on, frozen at the moment it was taken.

Why: identity resolution moves records between persons on a rebuild (Senzing's caution,
style.md), and a source may change a record on re-ingest. A past decision must keep
showing the records, their contents and versions, the model and match weights, the status
engine's output and the policy it rested on, whatever the live data says later;
``changes`` then shows what differs now ("what changed since"), and ``revet`` flags open
cases whose records changed.

Edit here: what a snapshot holds (``content``), how the live data is compared (``changes``).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy import select

from vetline.db.base import utc_iso
from vetline.db.uow import Actor, UnitOfWork
from vetline.vetting.events import VettingEvent
from vetline.vetting.models import EvidenceSnapshot, RecordMark, VettingCase
from vetline.vetting.service import VettingService, dumps, new_id, sha256_text


def policy_fingerprint() -> str:
    """SHA-256 of the shipped policy file the status engine read."""
    text = (resources.files("vetline") / "data" / "policy.toml").read_text(encoding="utf-8")
    return sha256_text(text)


def record_hash(row: dict[str, object]) -> str:
    return sha256_text(dumps(row))


def content(svc: VettingService, uow: UnitOfWork, case: VettingCase) -> dict[str, Any]:
    """The evidence of ``case`` now: marked records with contents and hashes, the working."""
    marks = uow.session.execute(
        select(RecordMark.source, RecordMark.record_id, RecordMark.mark)
        .where(RecordMark.case_id == case.id)
        .order_by(RecordMark.source, RecordMark.record_id)
    ).all()
    keys = [(s, r) for s, r, _ in marks]
    rows = (
        {(str(r["source"]), str(r["record_id"])): r for r in svc.lookup().store.fetch(keys)}
        if keys
        else {}
    )
    working = json.loads(case.working_json)
    resolution = working.get("resolution", {})
    return {
        "records": [
            {
                "source": s,
                "record_id": r,
                "mark": m,
                "sha256": record_hash(rows[(s, r)]) if (s, r) in rows else None,
                "content": json.loads(dumps(rows[(s, r)])) if (s, r) in rows else None,
            }
            for s, r, m in marks
        ],
        "model": {
            "fingerprint": svc.model_fingerprint(),
            "probability": resolution.get("probability"),
            "match_weight": resolution.get("match_weight"),
            "explanation": resolution.get("explanation"),
        },
        "assessment": working.get("assessment"),
        "policy_sha256": policy_fingerprint(),
        "case": {
            "state": case.state,
            "citizenship_sign": case.citizenship_sign,
            "checklist_version": case.checklist_version,
        },
    }


def take(
    svc: VettingService, uow: UnitOfWork, case: VettingCase, decision: str, actor: Actor
) -> str:
    """Freeze the evidence of ``decision`` in the caller's unit; the snapshot's id."""
    body = content(svc, uow, case)
    text = dumps(body)
    snap = EvidenceSnapshot(
        id=new_id(),
        case_id=case.id,
        decision=decision[:64],
        taken_at=utc_iso(uow.now()),
        taken_by=actor.username,
        content_json=text,
        sha256=sha256_text(text),
    )
    uow.session.add(snap)
    uow.audit(
        VettingEvent.SNAPSHOT_TAKEN,
        object_type="case",
        object_id=case.id,
        details={"snapshot_id": snap.id, "decision": decision, "sha256": snap.sha256},
    )
    return snap.id


def latest(uow: UnitOfWork, case_id: str) -> EvidenceSnapshot | None:
    return uow.session.scalar(
        select(EvidenceSnapshot)
        .where(EvidenceSnapshot.case_id == case_id)
        .order_by(EvidenceSnapshot.taken_at.desc(), EvidenceSnapshot.id)
        .limit(1)
    )


def changes(svc: VettingService, uow: UnitOfWork, case: VettingCase) -> dict[str, Any]:
    """What differs between the latest snapshot and the live records (and the live person)."""
    snap = latest(uow, case.id)
    if snap is None:
        return {"snapshot_id": None, "changed": []}
    then = json.loads(snap.content_json)
    keys = [(r["source"], r["record_id"]) for r in then["records"]]
    now = (
        {(str(r["source"]), str(r["record_id"])): r for r in svc.lookup().store.fetch(keys)}
        if keys
        else {}
    )
    changed = []
    for rec in then["records"]:
        live = now.get((rec["source"], rec["record_id"]))
        live_hash = record_hash(live) if live is not None else None
        if live_hash != rec["sha256"]:
            changed.append(
                {
                    "source": rec["source"],
                    "record_id": rec["record_id"],
                    "what": "removed" if live is None else "changed",
                    "before": rec["content"],
                    "after": json.loads(dumps(live)) if live else None,
                }
            )
    moved = _moved(svc, case, then["records"])
    return {
        "snapshot_id": snap.id,
        "taken_at": snap.taken_at,
        "decision": snap.decision,
        "changed": changed,
        "moved_out_of_person": moved,
    }


def _moved(
    svc: VettingService, case: VettingCase, records: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """Records marked "same person" that a rebuild no longer gives to the case's person."""
    if case.person_id is None:
        return []
    now = svc.lookup().keys_of(case.person_id)
    if now is None:
        return []
    held = set(now)
    return [
        {"source": r["source"], "record_id": r["record_id"]}
        for r in records
        if r["mark"] == "SAME_PERSON" and (r["source"], r["record_id"]) not in held
    ]
