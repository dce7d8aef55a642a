"""A build that fails in predict (at 10M records a full disk did) leaves no DuckDB spill
or Parquet intermediates behind in the data folder's ``model/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from vetline.resolve import build, layout


def test_a_failed_link_removes_its_spill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = layout.model_file(tmp_path).parent

    def fails(*_args: object) -> None:
        for name in ("duckdb.tmp", "duckdb.parquet"):
            (work / name).mkdir(parents=True, exist_ok=True)
            (work / name / "part.tmp").write_bytes(b"x" * 1024)
        raise OSError("No space left on device")

    monkeypatch.setattr(build, "_train_and_link", fails)
    with pytest.raises(OSError, match="No space left"):
        build.link_table(pd.DataFrame(), tmp_path)
    assert not (work / "duckdb.tmp").exists()
    assert not (work / "duckdb.parquet").exists()
