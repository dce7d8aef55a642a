"""Import layering between vetline's packages (issue 12 item 3): no upward import, no cycle.

Why: the domain packages (``records``, ``resolve``, ``status``, ``synth``, the ``person``
core) are pure and shared by every workflow; an import from a workflow (``desk``), an
adapter (``db``, ``api``) or the trust packages (``auth``, ``audit``) would drag those
into every caller and hide a cycle. Every import counts, at module level, inside a
function or under ``TYPE_CHECKING``: a function-level import hides a cycle from Python,
not from the design. Read from the source with ``ast`` (nothing is imported).

Edit here: a package's forbidden imports in ``FORBIDDEN``; an edge that closes a cycle
today and is scheduled to go in ``KNOWN_CYCLE_EDGES`` (shrink it, never grow it).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "vetline"

#: The workflows, adapters and entry points above the domain packages.
_UPPER = frozenset(
    {
        "desk",
        "api",
        "db",
        "auth",
        "audit",
        "cli",
        "cli_common",
        "demo_cli",
        "serve",
        "demo",
        "tables",
        "web",
        "updates",
        "encounters",
    }
)

#: unit → the units it must never import (a unit is a package or a top-level module).
FORBIDDEN: dict[str, frozenset[str]] = {
    "vocab": frozenset({"*"}),  # the leaf vocabulary imports nothing of vetline
    "actor": frozenset({"*"}),  # who acts: named by persistence, audit, auth and workflows
    # Persistence sits under the trust packages and every workflow; the unit of work
    # writes audit events through a port the audit trail installs (``db/events.py``).
    "db": frozenset({"audit", "auth", "desk", "person", "status", "resolve", "api", "tables"}),
    "errors": frozenset({"*"}),
    # The one settings object (item 7) is received by persistence, trust and workflows
    # alike, so it reads only ``errors``: the objects built from it live with their owners.
    "settings": frozenset(
        {p.name.removesuffix(".py") for p in SRC.iterdir() if p.name != "__pycache__"}
        - {"errors", "settings", "__init__"}
    ),
    # Free-text checks are a leaf every entry point shares (it reads only ``errors``).
    "text": _UPPER | {"person", "records", "resolve", "status", "synth", "documents", "vocab"},
    "records": _UPPER | {"person", "resolve", "status", "synth"},
    # resolve and synth read the vocabulary, never the status engine (item 3).
    "resolve": _UPPER | {"person", "status", "synth"},
    "synth": _UPPER | {"person", "status", "resolve"},
    "status": _UPPER | {"person", "resolve", "synth"},
    # The person core serves every workflow, so it imports none of them.
    "person": _UPPER | {"synth"},
    # The documents are a leaf under the workflows that render them (vetting, leads).
    "documents": _UPPER
    | {"person", "records", "resolve", "status", "synth", "vetting", "leads", "batch", "web"},
    # The audit sample, shared by batch and leads: pure arithmetic (``core``) and the one
    # table of blind verdicts (``reviews``, on ``db``); it imports neither workflow.
    "sampling": _UPPER - {"db"}
    | {"person", "records", "resolve", "status", "synth", "batch", "leads", "vetting"},
    # Lead priority is pure: plain rows in, a score out; it imports nothing of vetline.
    "priority": frozenset({"*"}),
    # Batch vetting calls the person core and stores its jobs (db, audit); it never
    # imports the entry points or the other workflows (leads reads its result files).
    "batch": frozenset(
        {
            "api",
            "cli",
            "serve",
            "demo",
            "tables",
            "desk",
            "web",
            "leads",
            "vetting",
            "synth",
            "encounters",
        }
    ),
    # Leads sit beside the other workflows: they reach vetting through their ports
    # (``leads/ports.py``, wired by the caller) and never an entry point or the batch runner
    # (they read its result files, docs/batch-results.md).
    "leads": frozenset({"api", "cli", "serve", "demo", "web", "batch", "vetting"}),
    # The vetting centre rides on the desk and the person core; nothing it serves (the
    # API, the CLI) and no other workflow may be imported by it.
    "vetting": frozenset(
        {"api", "cli", "serve", "demo", "tables", "leads", "batch", "web", "synth"}
    ),
}

#: Upward edges that close a cycle today, scheduled to go (shrink it, never grow it).
#: Empty since issue 12 item 3: the unit of work writes audit events through the port
#: ``db/events.py``, work items name their own events, and the metadata of every table
#: moved from ``db/models.py`` to the top-level ``tables`` module.
KNOWN_CYCLE_EDGES: frozenset[tuple[str, str]] = frozenset()


def _unit(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _imported(tree: ast.AST, path: Path) -> Iterator[tuple[str, int]]:
    """Every ``vetline.X`` unit ``tree`` imports, with its line."""
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                base = list(path.relative_to(SRC.parent).with_suffix("").parts)
                base = base[: len(base) - node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names = [module]
            if module == "vetline":  # ``from vetline import status``
                names = [f"vetline.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "vetline" and len(parts) > 1:
                yield parts[1], node.lineno


def _edges() -> dict[tuple[str, str], list[str]]:
    """(importer unit, imported unit) → where, over every module of the package."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        unit = _unit(path)
        for target, line in _imported(ast.parse(path.read_text(encoding="utf-8")), path):
            if target != unit:
                edges.setdefault((unit, target), []).append(f"{path.relative_to(SRC)}:{line}")
    return edges


EDGES = _edges()


@pytest.mark.parametrize("unit", sorted(FORBIDDEN))
def test_domain_packages_do_not_import_upwards(unit: str) -> None:
    banned = FORBIDDEN[unit]
    wrong = [
        f"{unit} imports {target} at {', '.join(where)}"
        for (source, target), where in sorted(EDGES.items())
        if source == unit and ("*" in banned or target in banned)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for source, target in EDGES:
        if (source, target) not in KNOWN_CYCLE_EDGES:
            graph.setdefault(source, set()).add(target)
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(unit: str, path: list[str]) -> None:
        if unit in path:
            cycles.append([*path[path.index(unit) :], unit])
            return
        if unit in done:
            return
        for nxt in sorted(graph.get(unit, ())):
            visit(nxt, [*path, unit])
        done.add(unit)

    for unit in sorted(graph):
        visit(unit, [])
    shown = [
        " → ".join(c) + "  (" + "; ".join(EDGES[pair][0] for pair in itertools.pairwise(c)) + ")"
        for c in cycles
    ]
    assert not cycles, "import cycles between packages:\n" + "\n".join(shown)


def test_the_checker_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    """The walk finds an import hidden in a function, under TYPE_CHECKING, or relative."""
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from vetline.desk import iaq\n"
        "def f():\n    import vetline.api.app\n"
        "from ..db import engine\n"
    )
    path = SRC / "person" / "example.py"  # never written: only its place in the tree counts
    found = {unit for unit, _ in _imported(ast.parse(code), path)}
    assert found == {"desk", "api", "db"}


def test_work_item_events_are_audit_event_types() -> None:
    """``db.work`` names its own events (no import of the audit trail): the same strings."""
    from vetline.audit.events import EventType
    from vetline.db.work import WorkEvent

    assert {event.value for event in WorkEvent} <= {event.value for event in EventType}
