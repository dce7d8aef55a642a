"""generate_extract as a service: determinism, formats, chunking, bad input, the CLI."""

from __future__ import annotations

import filecmp
import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from vetline.cli import app
from vetline.errors import BadInput
from vetline.records.contract import SOURCE_NAMES, columns_of
from vetline.synth import NoiseConfig, SynthReport, generate_extract
from vetline.synth import generate as gen

ALL_FILES = (
    *(f"{s}.csv" for s in SOURCE_NAMES),
    "truth.csv",
    "person_facts.csv",
    "truth_noise.csv",
    "world.json",
)


def _same(a: Path, b: Path, files: tuple[str, ...] = ALL_FILES) -> bool:
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def test_same_seed_same_bytes_other_seed_other_world(tmp_path: Path) -> None:
    runs = [tmp_path / name for name in ("a", "b", "c")]
    for out, seed in zip(runs, (11, 11, 12), strict=True):
        generate_extract(out, persons=400, seed=seed, noise=NoiseConfig())
    assert _same(runs[0], runs[1])
    assert not filecmp.cmp(runs[0] / "status.csv", runs[2] / "status.csv", shallow=False)


def test_chunks_and_workers_do_not_change_the_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gen, "CHUNK_PERSONS", 300)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    generate_extract(serial, persons=700, seed=4, noise=NoiseConfig(), workers=1)
    generate_extract(parallel, persons=700, seed=4, noise=NoiseConfig(), workers=2)
    assert _same(serial, parallel)
    facts = pacsv.read_csv(serial / "person_facts.csv")
    assert facts.num_rows == 700
    assert pc.count_distinct(facts.column("person_id")).as_py() == 700
    truth = pacsv.read_csv(serial / "truth.csv")
    keys = pc.binary_join_element_wise(truth.column("source"), truth.column("record_id"), "/")
    assert pc.count_distinct(keys).as_py() == truth.num_rows


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_every_format_holds_the_same_records(tmp_path: Path, fmt: str) -> None:
    csv_dir, other = tmp_path / "csv", tmp_path / fmt
    generate_extract(csv_dir, persons=300, seed=9, noise=NoiseConfig())
    report = generate_extract(other, persons=300, seed=9, noise=NoiseConfig(), fmt=fmt)
    for source in SOURCE_NAMES:
        want = pacsv.read_csv(
            csv_dir / f"{source}.csv",
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns_of(source)}, strings_can_be_null=True
            ),
        )
        path = other / f"{source}.{fmt}"
        if fmt == "parquet":
            got = pq.read_table(path)
        else:
            rows = [json.loads(line) for line in path.read_text().splitlines()]
            got = pa.Table.from_pylist(rows, schema=want.schema)
        assert got.column_names == list(columns_of(source))
        assert got.num_rows == want.num_rows == report.records_per_source[source]
        assert got.equals(want.cast(got.schema)), source
        assert not (csv_dir / f"{source}.{fmt}").exists()


def test_switching_format_removes_stale_source_files(tmp_path: Path) -> None:
    out = tmp_path / "w"
    generate_extract(out, persons=50, seed=1, noise=NoiseConfig())
    generate_extract(out, persons=50, seed=1, noise=NoiseConfig(), fmt="parquet")
    assert not list(out.glob("status.csv")) and (out / "status.parquet").exists()


def test_report(tmp_path: Path) -> None:
    report = generate_extract(tmp_path / "w", persons=120, seed=2, noise=NoiseConfig())
    assert isinstance(report, SynthReport)
    assert report.persons == 120 and report.out == tmp_path / "w"
    assert list(report.records_per_source) == list(SOURCE_NAMES)
    assert report.seconds > 0
    meta = json.loads((tmp_path / "w" / "world.json").read_text())
    assert meta["records_per_source"] == report.records_per_source


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"persons": 0}, "persons"), ({"persons": 10, "fmt": "xml"}, "format")],
)
def test_bad_input_names_the_field(tmp_path: Path, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(BadInput) as err:
        generate_extract(tmp_path, seed=1, noise=NoiseConfig(), **kwargs)
    assert err.value.field == field


def test_cli_synth(tmp_path: Path) -> None:
    noise = tmp_path / "noise.toml"
    noise.write_text("name_typo = 0.2\n[lookalikes]\njr_sr = 0.03\n")
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        app, ["synth", "--persons", "150", "--seed", "3", "--out", str(out), "--noise", str(noise)]
    )
    assert result.exit_code == 0, result.output
    assert "records/s" in result.output
    world = json.loads((out / "world.json").read_text())
    assert world["noise"]["name_typo"] == 0.2
    assert world["lookalikes"]["jr_sr"] == 0.03


def test_small_shared_world_loads(small_extract: Path) -> None:
    """The session world every package uses is a complete extract."""
    for source in SOURCE_NAMES:
        assert (small_extract / f"{source}.csv").stat().st_size > 0
    assert (small_extract / "person_facts.csv").exists()


def test_as_of_moves_the_whole_world(tmp_path: Path) -> None:
    out = tmp_path / "past"
    generate_extract(out, persons=400, seed=8, noise=NoiseConfig(), as_of=date(2018, 6, 30))
    assert json.loads((out / "world.json").read_text())["as_of"] == "2018-06-30"
    for source in SOURCE_NAMES:
        table = pacsv.read_csv(out / f"{source}.csv")
        dates = pc.cast(table.column("record_date"), pa.string())
        assert pc.max(dates).as_py() <= "2018-06-30", source
    with pytest.raises(BadInput) as err:
        generate_extract(out, persons=10, seed=8, noise=NoiseConfig(), as_of=date(2010, 1, 1))
    assert err.value.field == "as_of"


@pytest.mark.parametrize("persons", [1, 7, 51])
def test_tiny_worlds_are_complete(tmp_path: Path, persons: int) -> None:
    report = generate_extract(tmp_path / "tiny", persons=persons, seed=persons, noise=NoiseConfig())
    facts = pacsv.read_csv(tmp_path / "tiny" / "person_facts.csv")
    truth = pacsv.read_csv(tmp_path / "tiny" / "truth.csv")
    assert facts.num_rows == persons
    assert set(facts.column("person_id").to_pylist()) == set(truth.column("person_id").to_pylist())
    assert truth.num_rows == sum(report.records_per_source.values())
