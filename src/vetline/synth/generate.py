"""``generate_extract``: the synthetic world, written as an extract with its ground truth.

People are generated in fixed-size chunks (25,000 people ≈ 101,000 records), each from
its own seeded random stream, so memory stays bounded (10 M records ≈ 2.45 M people ≈ 98
chunks) and the output depends only on seed, people, noise, format and as-of — not on
how many worker processes made the chunks. A worker generates *and encodes* a chunk
(``make_part``); record ids carry the chunk number (``render.record_ids``), so no chunk
waits for another and the main process only appends bytes. Look-alikes and parent-child
pairs live within a chunk.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vetline.errors import BadInput
from vetline.progress import ProgressFn, no_progress
from vetline.records.contract import (
    PERSON_FACTS_COLUMNS,
    PERSON_FACTS_FILE,
    SOURCE_NAMES,
    TRUTH_COLUMNS,
    TRUTH_FILE,
    columns_of,
)
from vetline.synth import catalogue, histories, people
from vetline.synth.config import (
    DEFAULT_AS_OF,
    GENERATOR_VERSION,
    LOOKALIKE_KINDS,
    LookalikeConfig,
    NoiseConfig,
)
from vetline.synth.dates import day, to_iso
from vetline.synth.events import Ctx, Events
from vetline.synth.identity import holds_a_number
from vetline.synth.ids import a_numbers
from vetline.synth.names import NamePools, load_pools
from vetline.synth.render import NoiseTally, Renderer, person_ids, record_ids
from vetline.synth.writer import (
    FORMATS,
    Encoded,
    TableWriter,
    clear_stale_sources,
    encode,
    string_schema,
)

CHUNK_PERSONS = 25_000
EARLIEST_AS_OF = date(2015, 1, 1)
NOISE_FILE = "truth_noise.csv"
WORLD_FILE = "world.json"
FACT_EXTRA_COLUMNS: tuple[str, ...] = (
    "scenario",
    "true_last_name",
    "true_first_name",
    "true_middle_name",
    "true_dob",
    "sex",
    "birth_country",
    "a_number",
    "lookalike_group",
    "lookalike_kind",
    "lookalike_variant",
    "parent_person_ids",
    "removal_ground",
    "expected_flags",
)
FACT_COLUMNS = (*PERSON_FACTS_COLUMNS, *FACT_EXTRA_COLUMNS)


@dataclass(frozen=True)
class SynthReport:
    persons: int
    records_per_source: dict[str, int]
    seconds: float
    out: Path


@dataclass
class Chunk:
    """One chunk of the world, rendered, with its final record ids (``record_ids``)."""

    sources: dict[str, pa.Table]
    truth: dict[str, pa.Table]
    noise_log: pa.Table
    facts: pa.Table
    eligible: Counter[str]
    applied: Counter[str]


@dataclass
class Part:
    """One chunk encoded for writing (see ``writer.encode``), and what ``world.json``
    needs from it. This, not the chunk, crosses the process boundary."""

    files: dict[str, Encoded]
    records: dict[str, int]
    scenarios: Counter[str]
    statuses: Counter[str]
    lookalikes: Counter[str]
    eligible: Counter[str]
    applied: Counter[str]
    persons: int


NOISE_COLUMNS = ("source", "record_id", "noise", "field")


def make_chunk(
    seed: int,
    index: int,
    base: int,
    persons: int,
    noise: NoiseConfig,
    as_of_day: int,
    lookalikes: LookalikeConfig | None = None,
) -> Chunk:
    """Generate chunk ``index`` (people ``base`` onwards) from its own random stream: the
    same arguments always give the same chunk, in any process. Record ids are final: the
    chunk number is part of them (``record_ids``), so no chunk waits for another."""
    pools = load_pools()
    rng = np.random.default_rng([seed, index])
    codes = catalogue.allocate(persons, rng)
    folk = people.build(rng, pools, codes, as_of_day, base, lookalikes)
    ctx = Ctx(rng, folk, Events(), as_of_day, noise)
    histories.run(ctx)
    tally = NoiseTally()
    renderer = Renderer(ctx, pools, noise, tally)
    sources, truth = {}, {}
    for source in SOURCE_NAMES:
        table, rows = renderer.source(source)
        rid = record_ids(source, table.column("record_id").combine_chunks(), index)
        sources[source] = table.set_column(0, "record_id", rid)
        truth[source] = rows.set_column(1, "record_id", rid)
    logs = []
    for log in tally.log:
        source = log.column("source")[0].as_py()
        rid = record_ids(source, log.column("record_id").combine_chunks(), index)
        logs.append(log.set_column(1, "record_id", rid))
    schema = string_schema(NOISE_COLUMNS)
    noise_log = pa.concat_tables(logs) if logs else schema.empty_table()
    return Chunk(sources, truth, noise_log, _facts(ctx, pools), tally.eligible, tally.applied)


def encode_chunk(chunk: Chunk, fmt: str) -> Part:
    """The chunk's bytes per output file (the extract in ``fmt``, the truth files in CSV)."""
    files: dict[str, Encoded] = {}
    for source in SOURCE_NAMES:
        files[source] = encode(chunk.sources[source], string_schema(columns_of(source)), fmt)
    truth_schema = string_schema(TRUTH_COLUMNS)
    truth = [chunk.truth[s] for s in SOURCE_NAMES if chunk.truth[s].num_rows]
    files[TRUTH_FILE] = encode(
        pa.concat_tables(truth) if truth else truth_schema.empty_table(), truth_schema, "csv"
    )
    files[PERSON_FACTS_FILE] = encode(chunk.facts, string_schema(FACT_COLUMNS), "csv")
    files[NOISE_FILE] = encode(chunk.noise_log, string_schema(NOISE_COLUMNS), "csv")
    return Part(
        files=files,
        records={s: chunk.sources[s].num_rows for s in SOURCE_NAMES},
        scenarios=Counter(chunk.facts.column("scenario").to_pylist()),
        statuses=Counter(chunk.facts.column("true_status").to_pylist()),
        lookalikes=Counter(
            k for k in chunk.facts.column("lookalike_kind").to_pylist() if k is not None
        ),
        eligible=chunk.eligible,
        applied=chunk.applied,
        persons=chunk.facts.num_rows,
    )


def make_part(
    seed: int,
    index: int,
    base: int,
    persons: int,
    noise: NoiseConfig,
    as_of_day: int,
    fmt: str,
    lookalikes: LookalikeConfig | None = None,
) -> Part:
    """A worker's whole job: generate a chunk and encode it."""
    chunk = make_chunk(seed, index, base, persons, noise, as_of_day, lookalikes)
    return encode_chunk(chunk, fmt)


def _parts(
    seed: int,
    persons: int,
    noise: NoiseConfig,
    as_of_day: int,
    fmt: str,
    workers: int,
    lookalikes: LookalikeConfig,
) -> Iterator[Part]:
    """Parts in chunk order; with ``workers`` > 1, made ahead in worker processes (at most
    ``2 * workers`` in flight, so memory stays bounded whatever the world's size)."""
    bases = list(range(0, persons, CHUNK_PERSONS))
    jobs = [
        (seed, i, b, min(CHUNK_PERSONS, persons - b), noise, as_of_day, fmt, lookalikes)
        for i, b in enumerate(bases)
    ]
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            yield make_part(*job)
        return
    # fork on Linux: workers inherit the loaded name pools and skip ~1.5 s of imports each
    # (Arrow re-creates its thread pools after fork); spawn elsewhere.
    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_one_thread_each
    ) as pool:
        pending: deque[Future[Part]] = deque()
        for job in jobs:
            pending.append(pool.submit(make_part, *job))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _one_thread_each() -> None:
    """Workers are the parallelism: Arrow's own thread pool in each would oversubscribe."""
    pa.set_cpu_count(1)


def default_workers(persons: int) -> int:
    """Worker processes worth starting: one per core, for worlds of four chunks or more
    (below that, forking costs more than it saves)."""
    return min(os.cpu_count() or 1, 4) if persons >= 4 * CHUNK_PERSONS else 1


def generate_extract(
    out: Path,
    *,
    persons: int,
    seed: int,
    noise: NoiseConfig,
    fmt: str = "csv",
    progress: ProgressFn | None = None,
    as_of: date = DEFAULT_AS_OF,
    workers: int | None = None,
    lookalikes: LookalikeConfig | None = None,
) -> SynthReport:
    """Write a synthetic world into ``out``: one file per source, truth and person facts.

    The files depend only on ``persons``, ``seed``, ``noise``, ``lookalikes``, ``fmt``
    and ``as_of`` (byte-identical reruns), not on ``workers``. ``lookalikes`` (default
    ``LookalikeConfig()``) sets the share of each look-alike construction.
    """
    lookalikes = lookalikes or LookalikeConfig()
    started = time.perf_counter()
    if fmt not in FORMATS:
        raise BadInput("format", f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if isinstance(persons, bool) or not isinstance(persons, int) or persons < 1:
        raise BadInput("persons", f"must be a positive integer, got {persons!r}")
    if as_of < EARLIEST_AS_OF:
        # DACA (2012) and two-year grants need history before the reference date.
        raise BadInput("as_of", f"must be on or after {EARLIEST_AS_OF.isoformat()}, got {as_of}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clear_stale_sources(out, fmt)
    report = progress or no_progress
    load_pools()  # once here, so forked workers inherit it
    as_of_day = day(as_of)
    paths = {s: out / f"{s}.{fmt}" for s in SOURCE_NAMES}
    writers = {s: TableWriter(paths[s], string_schema(columns_of(s)), fmt) for s in SOURCE_NAMES}
    writers[TRUTH_FILE] = TableWriter(out / TRUTH_FILE, string_schema(TRUTH_COLUMNS), "csv")
    writers[PERSON_FACTS_FILE] = TableWriter(
        out / PERSON_FACTS_FILE, string_schema(FACT_COLUMNS), "csv"
    )
    writers[NOISE_FILE] = TableWriter(out / NOISE_FILE, string_schema(NOISE_COLUMNS), "csv")
    counts = dict.fromkeys(SOURCE_NAMES, 0)
    scenario_counts: Counter[str] = Counter()
    status_counts: Counter[str] = Counter()
    lookalike_counts: Counter[str] = Counter()
    eligible: Counter[str] = Counter()
    applied: Counter[str] = Counter()
    done = 0
    n_workers = default_workers(persons) if workers is None else workers
    try:
        for part in _parts(seed, persons, noise, as_of_day, fmt, n_workers, lookalikes):
            for name, data in part.files.items():
                writers[name].write_encoded(data)
            for source in SOURCE_NAMES:
                counts[source] += part.records[source]
            scenario_counts.update(part.scenarios)
            status_counts.update(part.statuses)
            lookalike_counts.update(part.lookalikes)
            eligible.update(part.eligible)
            applied.update(part.applied)
            done += part.persons
            report("synthesising people", done, persons)
    finally:
        for w in writers.values():
            w.close()
    seconds = time.perf_counter() - started
    world = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "persons": persons,
        "as_of": as_of.isoformat(),
        "format": fmt,
        "noise": noise.as_dict(),
        "lookalikes": lookalikes.as_dict(),
        "lookalike_persons": {k: lookalike_counts[k] for k in LOOKALIKE_KINDS},
        "records_per_source": counts,
        "records": sum(counts.values()),
        "scenarios": dict(sorted(scenario_counts.items())),
        "statuses": dict(sorted(status_counts.items())),
        "noise_realised": {
            k: {
                "eligible": eligible[k],
                "applied": applied[k],
                "rate": round(applied[k] / eligible[k], 6) if eligible[k] else None,
            }
            for k in sorted(eligible)
        },
        "catalogue": {
            s.key: {
                "status": str(s.status),
                "us_citizen": s.us_citizen,
                "removable": s.removable,
                "notes": s.notes,
            }
            for s in catalogue.CATALOGUE
        },
    }
    (out / WORLD_FILE).write_text(json.dumps(world, indent=2) + "\n", encoding="utf-8")
    return SynthReport(persons=persons, records_per_source=counts, seconds=seconds, out=out)


def _facts(ctx: Ctx, pools: NamePools) -> pa.Table:
    """One row per person: the contract's truth columns, then scoring aids."""
    p = ctx.people
    cat = catalogue.CATALOGUE
    code = pa.array(p.scenario.astype(np.int64))

    def per_scenario(values: list[str]) -> pa.Array:
        return pa.array(values, pa.string()).take(code)

    citizen = per_scenario(["Y" if s.us_citizen else "N" for s in cat])
    removable = per_scenario(["Y" if s.removable else "N" for s in cat])
    is_removable = np.asarray([s.removable for s in cat])[p.scenario]
    ground = pa.array(ctx.ground, pa.string())
    no_ground = pa.scalar(None, pa.string())
    removal_ground = pc.if_else(pa.array(is_removable), ground, no_ground)
    ground_note = pc.if_else(
        pa.array(is_removable),
        pc.binary_join_element_wise("removable: ", ground, ""),
        pc.binary_join_element_wise(
            "conviction in a removable category (", ground, ") but not removable", ""
        ),
    )
    notes = pc.binary_join_element_wise(
        per_scenario([s.notes for s in cat]),
        pa.array(ctx.note, pa.string()),
        ground_note,
        "; ",
        null_handling="skip",
    )
    last1 = pools.upper[p.last1]
    last2 = np.where(p.last2 >= 0, pools.upper[np.maximum(p.last2, 0)], None)
    last = pc.binary_join_element_wise(
        pa.array(last1, pa.string()), pa.array(last2, pa.string()), " ", null_handling="skip"
    )
    middle = np.where(p.middle >= 0, pools.upper[np.maximum(p.middle, 0)], None)
    group = pc.binary_join_element_wise(
        "L",
        pc.utf8_lpad(
            pc.cast(pa.array(p.lookalike_group, mask=p.lookalike_group < 0), pa.string()), 7, "0"
        ),
        "",
    )
    parent = person_ids(p.base + p.parent)
    parent = pc.if_else(pa.array(p.parent >= 0), parent, no_ground)
    g = p.base + np.arange(p.n)
    keys = per_scenario([s.key for s in cat])
    has_a = holds_a_number(catalogue.KEY_ARRAY[p.scenario])
    cols: dict[str, pa.Array] = {
        "person_id": person_ids(g),
        "true_status": per_scenario([str(s.status) for s in cat]),
        "us_citizen": citizen,
        "removable": removable,
        "notes": notes,
        "scenario": keys,
        "true_last_name": last,
        "true_first_name": pa.array(pools.upper[p.first], pa.string()),
        "true_middle_name": pa.array(middle, pa.string()),
        "true_dob": to_iso(p.dob),
        "sex": pa.array(p.sex, pa.string()),
        "birth_country": pa.array(p.birth_country, pa.string()),
        "a_number": pc.if_else(pa.array(has_a), a_numbers(g), no_ground),
        "lookalike_group": group,
        "lookalike_kind": pa.array(p.lookalike_kind, pa.string()),
        "lookalike_variant": pa.array(p.lookalike_variant, pa.string()),
        "parent_person_ids": parent,
        "removal_ground": removal_ground,
        "expected_flags": pa.array(histories.flags(ctx), pa.string()),
    }
    return pa.table({c: cols[c] for c in (*PERSON_FACTS_COLUMNS, *FACT_EXTRA_COLUMNS)})
