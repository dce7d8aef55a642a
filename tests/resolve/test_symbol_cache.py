"""The given-name symbol cache: kept per data folder and library version, and the worker
process computes exactly what the in-process function does (``resolve/symbol_cache.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vetline.resolve import symbol_cache
from vetline.resolve.given_names import given_symbols, is_known


def test_cache_round_trip_and_a_stale_library_is_ignored(tmp_path: Path) -> None:
    table = {"ZORBLAXIA": ("[NAME:Q1]",), "QUENTRIX": ()}
    symbol_cache.save(tmp_path, table)
    assert symbol_cache.load(tmp_path) == table
    path = symbol_cache.cache_path(tmp_path)
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["library"]["rigour"] = "0.0.1"  # computed by another version: not trusted
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert symbol_cache.load(tmp_path) == {}
    path.write_text("not json", encoding="utf-8")
    assert symbol_cache.load(tmp_path) == {}


def test_prime_takes_cached_names_without_computing(tmp_path: Path) -> None:
    symbol_cache.save(tmp_path, {"VELMORAQ": ("[NAME:Q42]",)})
    assert symbol_cache.prime(tmp_path, ["VELMORAQ"]) == 0
    assert is_known("VELMORAQ") and given_symbols("VELMORAQ") == ("[NAME:Q42]",)


@pytest.mark.slow
def test_worker_computes_what_the_process_computes(tmp_path: Path) -> None:
    names = ["MOHAMMED", "PEGGY", "ROBERT", "ANA LUCIA"]
    worker = symbol_cache.SymbolWorker()
    seen: list[tuple[int, int]] = []
    try:
        computed = worker.compute(names, lambda _s, done, total: seen.append((done, total)))
    finally:
        worker.close()
    assert computed == {n: given_symbols(n) for n in names}
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    assert "[NAME:Q5837762]" in computed["MOHAMMED"]


def test_build_progress_moves_within_stages_and_keeps_the_symbols(world_copy: Any) -> None:
    """Issue 14: per-iteration training, per-step predict + cluster, names per chunk; a
    rebuild of the folder computes no given name again (the cache holds them)."""
    from vetline.resolve import build_persons

    seen: dict[str, list[tuple[int, int]]] = {}
    build_persons(
        world_copy.data,
        retrain=True,
        progress=lambda s, d, t: seen.setdefault(s, []).append((d, t)),
    )
    assert len({d for d, _ in seen["train model"]}) > 4  # prior, u, EM iterations
    assert [d for d, _ in seen["predict + cluster"]] == [0, 1, 2, 3, 4, 5]
    assert symbol_cache.load(world_copy.data)
    given = {g for g in symbol_cache.load(world_copy.data)}
    assert symbol_cache.prime(world_copy.data, given) == 0
