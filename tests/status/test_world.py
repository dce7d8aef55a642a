"""The engine on the shared small synthetic world, identities from ground truth."""

from __future__ import annotations

import sys
from pathlib import Path

from vetline.status import Policy

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from status_world import evaluate_extract  # the bench's evaluator (not in the package)


def test_small_world_agreement_and_citizen_safety(small_extract: Path, policy: Policy) -> None:
    ev = evaluate_extract(small_extract, policy)
    assert ev.persons >= 2_900
    misses = {k: n for k, n in ev.confusion.items() if k[0] != k[1]}
    assert ev.agreement >= 0.99, misses
    assert ev.citizens_enforced == []
    # Every true status in the world is predicted at least once.
    assert {t for t, _ in ev.confusion} <= {p for _, p in ev.confusion}
