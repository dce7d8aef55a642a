"""An independently written world generator: the outside evaluator of issue 11.

Imports nothing from ``vetline``. ``write_world(out, seed=, sizes=, noise=)`` writes an
extract in the contract of ``shared/spec/data-contract.md`` with ``truth.csv``,
``person_facts.csv``, ``queries.jsonl`` and ``world.json``; run
``python bench/otherworld --out DIR --persons N`` from the repository root.

Edit here: ``names.py`` (pools), ``world.py`` (people and look-alike constructions),
``records.py`` (systems per person), ``noise.py`` (errors), ``generate.py`` (files, queries).
"""

from .generate import Sizes, write_world
from .noise import Noise

__all__ = ["Noise", "Sizes", "write_world"]
