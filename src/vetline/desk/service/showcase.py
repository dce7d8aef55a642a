"""The demo's first answers, chosen by outcome so a newcomer sees the system's range.

The first sample queries of each kind (``samples.py``) mostly landed in the analysts'
queue (5 of 6 were ``UNKNOWN / UNDETERMINED / PENDING_REVIEW``): true to how careful the
desk is, but it hid what an automatic answer, a ``NO_RECORD`` and a citizenship review
look like. Here queries drawn from the data folder's records are sent through the desk —
the same ``submit`` as every query, stored and audited — until one of each outcome has
been seen (or the pool is spent):

* ``positive``: an automatic answer on a POSITIVE identity (with its legal grounds when
  one such has them);
* ``no_record``: a subject no record matches (and the IAR saying what that does not mean);
* ``citizenship``: a sign of U.S. citizenship, routed to citizenship review;
* ``queued``: an identity not confirmed, queued for an analyst with its candidates.

Nothing is read from ground truth; the outcome is read off each IAR. Each is printed as a
block of at most 80 columns with the API call that opens it (``render``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vetline.db.uow import Actor
from vetline.desk.service.cli import CONSOLE
from vetline.desk.service.samples import DEMO_ORI, ENCOUNTER
from vetline.desk.service.service import DeskService
from vetline.person.records import MemoryRecords

#: Outcome → the heading of its block, in the order they are printed.
OUTCOMES: dict[str, str] = {
    "positive": "automatic answer, identity POSITIVE",
    "no_record": "no record found",
    "citizenship": "sign of U.S. citizenship: citizenship review",
    "queued": "identity not confirmed: queued for an analyst",
}
#: Queries sent at most while looking for the four outcomes.
MAX_SENT = 40
WIDTH = 80


@dataclass(frozen=True)
class Shown:
    """One chosen answer: its outcome and the IAR (full, the console operator's view)."""

    outcome: str
    iar: dict[str, Any]


def outcome_of(iar: dict[str, Any]) -> str | None:
    """Which of :data:`OUTCOMES` an IAR shows (None: a refusal, or another outcome)."""
    match = iar.get("match") or {}
    action = (iar.get("recommendation") or {}).get("action")
    if match.get("level") == "NO_RECORD":
        return "no_record"
    if action == "CITIZENSHIP_REVIEW" or "POSSIBLE_US_CITIZEN" in (iar.get("flags") or []):
        return "citizenship"
    if iar.get("state") == "ANSWERED" and match.get("level") == "POSITIVE":
        return "positive"
    if iar.get("state") == "QUEUED" and match.get("candidates"):
        return "queued"
    return None


def _rows(records: MemoryRecords, source: str, **where: object) -> Iterator[dict[str, Any]]:
    table = records.tables.get(source)
    if table is None:
        return
    for row in table.slice(0, 5000).to_pylist():
        if (
            row.get("last_name")
            and row.get("dob")
            and all(row.get(k) == v for k, v in where.items())
        ):
            yield dict(row)


def _body(n: int, query_type: str, row: dict[str, Any], ids: tuple[str, ...], **extra: Any) -> str:
    subject = {k: row[k] for k in ("last_name", "first_name", "dob", "sex") if row.get(k)}
    subject.update({k: row[k] for k in ids if row.get(k)})
    return json.dumps({"iaq_id": f"DEMO-{n}", "query_type": query_type, "ori": DEMO_ORI,
                       "subject": subject, "encounter": ENCOUNTER, **extra})  # fmt: skip


def candidates(records: MemoryRecords, known_given: str | None) -> Iterator[str]:
    """Query bodies to try, the kinds interleaved so each outcome comes up early."""
    charge = {"charge_code": "1313", "charge_text": "ASSAULT", "offense_level": "MISDEMEANOR"}
    custody = {"custody": {"in_custody": True}, "charges": [charge]}
    streams = [
        ("NCIC_WARRANT", _rows(records, "warrants", warrant_state="ACTIVE"), ("a_number",), {}),
        ("IAQ", _rows(records, "status"), ("a_number",), custody),
        ("BIOMETRIC", (r for r in _rows(records, "biometric") if r.get("fin")), ("fin",), {}),
        ("IAQ", _rows(records, "custody"), (), custody),
        ("IAQ", _rows(records, "criminal"), (), {}),
    ]
    n = 0
    # a subject no record matches: a surname no source has, with a given name the index
    # knows (an unknown one costs the name library's load, seconds, for nothing here)
    row = {"last_name": "QUIXLEY-ORMSBY", "first_name": known_given or "", "dob": "1961-02-28"}
    n += 1
    yield _body(n, "IAQ", row, ())
    while True:
        sent = False
        for query_type, rows, ids, extra in streams:
            found = next(rows, None)
            if found is not None:
                n += 1
                sent = True
                yield _body(n, query_type, found, ids, **extra)
        if not sent:
            return


def choose(desk: DeskService, records: MemoryRecords, actor: Actor) -> tuple[list[Shown], int]:
    """Send candidates through ``desk.submit`` until each outcome is seen; (chosen, sent)."""
    chosen: dict[str, dict[str, Any]] = {}
    sent = 0
    for body in candidates(records, desk.lookup().known_given_name()):
        if sent >= MAX_SENT or _complete(chosen):
            break
        sent += 1
        iar = desk.submit(body, actor, CONSOLE).iar
        kind = outcome_of(iar) if iar is not None else None
        if iar is None or kind is None:
            continue
        better = kind == "positive" and _grounds(iar) and not _grounds(chosen.get(kind, {}))
        if kind not in chosen or better:
            chosen[kind] = iar
    return [Shown(k, chosen[k]) for k in OUTCOMES if k in chosen], sent


def _complete(chosen: dict[str, dict[str, Any]]) -> bool:
    """Every outcome seen, the automatic answer with its legal grounds."""
    return len(chosen) == len(OUTCOMES) and bool(_grounds(chosen["positive"]))


def _grounds(iar: dict[str, Any]) -> list[dict[str, Any]]:
    return list((iar.get("removability") or {}).get("grounds") or [])


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(shown: Shown, number: int, api: str) -> list[str]:
    """The block of one answer, every line at most :data:`WIDTH` columns."""
    iar = shown.iar
    match, status = iar.get("match") or {}, iar.get("status") or {}
    removal, action = iar.get("removability") or {}, iar.get("recommendation") or {}
    answer = iar.get("answer") or {}
    head = f"── {number}. {OUTCOMES[shown.outcome]} "
    lines = [head + "─" * max(0, WIDTH - len(head))]
    prob = match.get("probability")
    sure = ""
    if isinstance(prob, float) and match.get("level") != "NO_RECORD":
        sure = " " + f"{prob * 100:.4f}".rstrip("0").rstrip(".") + "%"
    rows = [
        ("query", f"{answer.get('query_type', '')} {iar.get('iaq_id', '')}"
                  f" → {iar.get('state', '')}"),
        ("match", f"{match.get('level', '')}{sure} ({match.get('basis', '')}) "
                  f"{match.get('person_id') or ''}".rstrip()),
        ("status", f"{status.get('code', '')}: {status.get('summary') or ''}".rstrip(": ")),
        ("removal", str(removal.get("assessment", ""))
         + (f" ({removal['withheld']})" if removal.get("withheld") else "")),
    ]  # fmt: skip
    rows += [
        ("ground", f"INA {g.get('ina', '')}: {g.get('reason', '')}") for g in _grounds(iar)[:2]
    ]
    rows.append(("action", str(action.get("action", ""))))
    rows.append(("answer", f"{answer.get('result', '')}: {answer.get('reason', '')}"))
    if shown.outcome == "queued":
        people = [
            f"{c.get('person_id')} " + f"{c['probability'] * 100:.4f}".rstrip("0").rstrip(".") + "%"
            if isinstance(c.get("probability"), float) else str(c.get("person_id"))
            for c in (match.get("candidates") or [])[:3]
        ]  # fmt: skip
        rows.append(("candidates", ", ".join(people)))
    lines += [_cut(f"  {label:<10} {value}", WIDTH) for label, value in rows if value.strip()]
    iar_id = iar.get("iar_id", "")
    if iar.get("state") == "QUEUED":
        lines += ["  open it (analyst session):",
                  "    curl -sS -b analyst.jar \\",
                  f"      {api}/v1/queue/iaq/{iar_id}"]  # fmt: skip
    else:
        lines += ["  open it (agency token):",
                  '    curl -sS -H "Authorization: Bearer $TOKEN" \\',
                  f"      {api}/v1/iar/{iar_id}"]  # fmt: skip
    return lines
