"""What ``vetline query`` and ``vetline serve`` call: the same service the API uses.

Kept out of ``vetline/cli.py`` so the command blocks there stay a few lines each.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetline.audit.anchor import AnchorLog
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db.engine import Database
from vetline.db.migrate import upgrade
from vetline.db.uow import Actor
from vetline.desk.problems import InvalidQuery
from vetline.desk.service.service import DeskService
from vetline.errors import BadInput
from vetline.person import PersonLookup
from vetline.settings import Settings
from vetline.status import load_policy

CONSOLE = RowScope(ScopeKind.ALL)


@dataclass(frozen=True)
class NotJson:
    """A ``--file`` line that is not a JSON object: refused as such, not parsed as Nlets.

    A line cannot hold an Nlets message (a header line, then the tags), so a line that
    is not JSON is a mistake in the file, and saying "bad Nlets header" misled.
    """

    text: str


def open_desk(data_dir: Path, settings: Settings | None = None) -> DeskService:
    """The desk over the data folder's database (migrated) and its built person index.

    ``settings``: the command's own, built at its entry (``Settings.load``); without
    them, the environment's for ``data_dir``. The status policy is loaded here, at the
    console's composition, and handed to the desk (it loads nothing itself).

    No warm-up: a command answers its queries once, so its first query pays the
    first-call costs instead of a made-up one (``vetline query`` cold, bench/README.md).
    """
    if not data_dir.is_dir():
        raise BadInput("--data", f"{data_dir} is not a data folder (run `vetline ingest`)")
    settings = settings or Settings.load(data_dir)
    database = Database.from_url(settings.resolved_database_url())
    database.anchor = AnchorLog.for_settings(settings)
    upgrade(database.engine)
    return DeskService(database, PersonLookup.open(data_dir, warm=False), policy=load_policy())


def console_actor() -> Actor:
    """An operator at the console (audited as ``cli:<login>``)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return Actor(user_id=None, username=f"cli:{login}", via="cli")


def bodies(
    json_text: str | None, file: Path | None, samples_from: Path | None = None
) -> Iterator[str | NotJson]:
    """The bodies to answer: one ``--json`` body, each non-blank line of ``--file``, or the
    demo's sample queries drawn from the data folder ``samples_from`` (``--samples``)."""
    given = [x for x in (json_text, file, samples_from) if x is not None]
    if len(given) != 1:
        raise BadInput("--json/--file/--samples", "give exactly one of --json, --file, --samples")
    if samples_from is not None:
        from vetline.desk.service.samples import sample_queries
        from vetline.person.records import MemoryRecords

        yield from sample_queries(MemoryRecords.load(samples_from))
        return
    if json_text is not None:
        yield json_text
        return
    assert file is not None
    if not file.is_file():
        raise BadInput("--file", f"{file} is not a file")
    with file.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield line if line.lstrip().startswith("{") else NotJson(line)


def answer_all(desk: DeskService, texts: Iterable[str | NotJson]) -> Iterator[dict[str, Any]]:
    """One IAR (or one refusal naming the line and fields) per body, in input order."""
    actor = console_actor()
    for n, text in enumerate(texts, start=1):
        if isinstance(text, NotJson):
            problem = "is not a JSON object (--file takes one JSON IAQ per line)"
            yield {"line": n, "error": {"code": "not_json", "message": f"line {n} {problem}"}}
            continue
        try:
            sub = desk.submit(text, actor, CONSOLE)
        except InvalidQuery as exc:
            yield {"line": n, "error": {"code": "invalid_query", "fields": exc.errors}}
            continue
        except BadInput as exc:
            yield {
                "line": n,
                "error": {"code": "bad_input", "field": exc.field, "message": exc.problem},
            }
            continue
        yield sub.iar or {"line": n, "state": sub.state.name}


def dumps(obj: dict[str, Any]) -> str:
    """One JSON line."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_lines(results: Iterable[dict[str, Any]], out: Path | None) -> int:
    """Write each result as a JSON line to ``out`` (stdout when None); returns refusals."""
    refused = 0
    handle = out.open("w", encoding="utf-8") if out is not None else sys.stdout
    try:
        for result in results:
            refused += "error" in result
            handle.write(dumps(result) + "\n")
            handle.flush()
    finally:
        if out is not None:
            handle.close()
    return refused
