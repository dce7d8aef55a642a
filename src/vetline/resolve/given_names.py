"""Given-name symbols: rigour's name ids and nickname groups, plus the ``nicknames``
table for the English nicknames rigour misses.

Split from ``standardise.py`` because these names carry their own state and cost: the
name library loads once (8-15 s) and a table of symbols already known (primed from the
index or ``symbol_cache.py``) lets a query skip that load for every name a build saw.
``standardise`` reads ``given_symbols`` for each record's given name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _rigour() -> tuple[Any, Any, Any]:
    """Load rigour's name tagger once (≈5 s): its data is the cost, not the calls."""
    from rigour.names import NamePartTag, NameTypeTag, analyze_names

    return analyze_names, NameTypeTag, NamePartTag


#: Symbols already known for given names (primed from the index at load time), so a
#: resolver answers names seen at build time without loading rigour's data (~5 s).
_KNOWN_SYMBOLS: dict[str, tuple[str, ...]] = {}


def remember_symbols(table: dict[str, tuple[str, ...]]) -> None:
    """Prime the given-name symbol table (see ``_KNOWN_SYMBOLS``)."""
    _KNOWN_SYMBOLS.update(table)


def is_known(given: str) -> bool:
    """Whether ``given``'s symbols are primed (no name library needed for it)."""
    return given in _KNOWN_SYMBOLS


@lru_cache(maxsize=200_000)
def given_symbols(given: str | None) -> tuple[str, ...]:
    """Sorted rigour name symbols (Wikidata name ids, nickname groups) of given names.

    Two spellings share a symbol when rigour knows them as one name across scripts or
    as nickname and formal name: ``MOHAMMED``/``MUHAMMAD`` (Q5837762), ``ROBERT``/``BOB``
    (NICK:BOB), ``ABDUL RAHMAN``/``ABDELRAHMAN`` (Q307378).
    """
    if not given:
        return ()
    known = _KNOWN_SYMBOLS.get(given)
    if known is not None:
        return known
    analyze_names, type_tag, part_tag = _rigour()
    names = analyze_names(type_tag.PER, [given], {part_tag.GIVEN: [given]})
    symbols = {str(span.symbol) for name in names for span in name.spans}
    symbols = {s for s in symbols if s.startswith(("[NAME:", "[NICK:", "[SYMBOL:"))}
    return tuple(sorted(symbols | nickname_symbols(given)))


@lru_cache(maxsize=1)
def _nicknamer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


def nickname_symbols(given: str) -> set[str]:
    """``[NICKNAMES:<FORMAL>]`` for each formal name a given-name token is a shorter
    form of (``PEGGY`` → ``MARGARET``…), and for the token itself when it is a formal
    name with nicknames. Shorter forms only, as ``synth/names.py`` does: the table also
    lists longer "nicknames" (``MARGARET`` of ``MARGE``) that would make every formal
    name a nickname of its own diminutives' other formal names."""
    namer = _nicknamer()
    out: set[str] = set()
    for token in given.lower().split():
        formal = {c for c in namer.canonicals_of(token) if len(token) < len(c)}
        if any(len(n) < len(token) for n in namer.nicknames_of(token)):
            formal.add(token)
        out |= {f"[NICKNAMES:{c.upper()}]" for c in formal}
    return out
