"""Thresholds and knobs of identity resolution, with defaults and where they came from.

Read from ``<data>/resolve.toml`` when present (keys as below), then ``VETLINE_RESOLVE_*``
environment variables. The precision each level gives on the benchmarks is in
``bench/README.md`` (identity resolution); change a threshold only with a new benchmark
run beside it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from vetline.errors import BadInput

SETTINGS_FILE = "resolve.toml"


class ResolveSettings(BaseSettings):
    """Match levels are probability thresholds on the best candidate person."""

    model_config = SettingsConfigDict(env_prefix="VETLINE_RESOLVE_", extra="forbid")

    #: 0.995, measured (bench/README.md): precision of POSITIVE 1.000 on FEBRL3 (6,480
    #: pairs, recall 0.991), FEBRL4 (4,989, recall 0.998) and the 1M-record world (2,270
    #: POSITIVE subjects, 0 citizen look-alikes); at 0.9999 the same three gave 1.000 with
    #: FEBRL3 recall 0.982. What keeps look-alikes below POSITIVE is not this number but
    #: the rules beside it (margin over the runner-up, birth country or identifier,
    #: uncommon name); a stricter policy may raise it in ``resolve.toml``.
    positive_threshold: float = Field(0.995, gt=0, lt=1)
    probable_threshold: float = Field(0.99, gt=0, lt=1)
    possible_threshold: float = Field(0.5, gt=0, lt=1)
    #: A name is "common" when the index would hold this many same-name records by
    #: chance (N · tf(surname) · tf(forename)); name + DOB alone is then not POSITIVE.
    common_name_expected_records: float = Field(1.0, gt=0)
    #: Without an agreeing identifier, POSITIVE also needs the subject's birth country to
    #: agree with the record's (see ``levels.py`` for the look-alike measurement).
    biographic_positive_requires_birth_country: bool = True
    #: Biographic POSITIVE also needs the runner-up person this many bits (log2) lower.
    positive_margin_bits: float = Field(10.0, ge=0)
    #: Pairs at or above this probability join records into one person at build time.
    cluster_threshold: float = Field(0.999, gt=0, lt=1)
    #: Pairs below this are not kept by the build's predict step.
    predict_threshold: float = Field(0.5, gt=0, lt=1)
    #: The build's candidate pairs are scored by Splink in slices of at most this many
    #: (``bulk.pair_slices``): one predict's materialised pairs and spill stay bounded
    #: as the world grows (the 1M world's ≈ 3M pairs: one slice; 10M: a few).
    predict_slice_pairs: int = Field(30_000_000, ge=1_000)
    #: …and by blocks of rows: a slice's pairs join at most this many records a side
    #: (``bulk.pair_slices``), so DuckDB's hash join of each side stays in memory (at
    #: 10M records one side of every record spilled: 39 µs a pair against 4 at 3M).
    predict_block_rows: int = Field(3_000_000, ge=1_000)
    #: Real-time candidate lookups skip a name block larger than this.
    max_block_size: int = Field(5_000, ge=10)
    #: Candidates (persons) returned with a resolution.
    max_candidates: int = Field(5, ge=1)
    #: The population a subject may come from (``population.py``): U.S. bookings a year,
    #: ≈ 10.5 million (FBI UCR arrests ≈ 10.1 M, BJS jail admissions ≈ 10.3 M, 2019). The
    #: expected namesakes of the candidate in it lower a biographic match's probability;
    #: 0 switches the population prior off (the loaded records' frequencies only).
    population_size: float = Field(10_500_000, ge=0)
    #: National share assumed for a surname / first name in no table (``population.py``).
    surname_floor: float = Field(1e-5, gt=0, lt=1)
    forename_floor: float = Field(1e-4, gt=0, lt=1)
    #: Days over which the population's births spread: exact date-of-birth agreement by
    #: chance is 1 in this (50 years of arrest ages; ``population.py``).
    dob_spread_days: float = Field(18_250, ge=365)
    em_max_pairs: float = Field(2e6, gt=1000)
    seed: int = 42

    @classmethod
    def load(cls, data_dir: Path | None = None, **overrides: Any) -> ResolveSettings:
        values: dict[str, Any] = {}
        path = data_dir / SETTINGS_FILE if data_dir else None
        if path and path.exists():
            try:
                values = tomllib.loads(path.read_text())
            except tomllib.TOMLDecodeError as exc:
                raise BadInput(str(path), f"not valid TOML: {exc}") from exc
        values.update(overrides)
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or SETTINGS_FILE
            raise BadInput(field, first["msg"]) from exc
