"""The written batch results contract (``docs/batch-results.md``) names every column the
runner writes, in order, and every manifest key the leads import requires: the document
the leads side and outside readers rely on cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from vetline.batch.bands import RESULT_COLUMNS
from vetline.leads.results import MANIFEST_KEYS

DOC = Path(__file__).resolve().parents[2] / "docs" / "batch-results.md"


def test_every_result_column_is_documented_in_order() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## `results.parquet`", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert tuple(documented) == RESULT_COLUMNS


def test_every_manifest_key_the_import_requires_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## `manifest.json`", 1)[1].split("\n## ", 1)[0]
    missing = [k for k in MANIFEST_KEYS if f"`{k}`" not in section]
    assert not missing
