"""Identity resolution: records → persons, and one subject → a person, with reasons.

Public surface:

* ``build_persons(data_dir, engine="duckdb", progress=None)`` → ``BuildReport``: train
  (or reuse) the Splink model, link and cluster all records into persons with stable
  ids, write ``persons/`` and the real-time ``index/``.
* ``Resolver.load(data_dir)`` → ``resolver.resolve(Subject(...))`` → ``Resolution``
  (level, person_id, probability, explanation, records, candidates);
  ``resolver.add_records(rows)`` grows the live index without a rebuild.
* ``ResolveSettings``: thresholds (``<data>/resolve.toml``, ``VETLINE_RESOLVE_*``).

Where to edit what: name/date handling in ``standardise.py`` (given-name symbols in
``given_names.py``, identifier canon and SSN halves in ``identifiers.py``); comparison
levels and blocking rules in ``comparisons.py``; Splink training in ``splink_model.py``;
engines in ``engine.py``; the level rules in ``levels.py``; stable ids in ``ids.py``.
"""

from typing import TYPE_CHECKING, Any

from vetline.resolve.config import ResolveSettings
from vetline.resolve.resolver import Resolution, Resolver, Subject

if TYPE_CHECKING:
    from vetline.resolve.build import BuildReport, build_persons


def __getattr__(name: str) -> Any:
    """The build (Splink, pandas: 0.5 s of imports) is imported when first named: the
    real-time resolver (``vetline query``, a server) never needs it."""
    if name in ("BuildReport", "build_persons"):
        from vetline.resolve import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BuildReport",
    "Resolution",
    "ResolveSettings",
    "Resolver",
    "Subject",
    "build_persons",
]
