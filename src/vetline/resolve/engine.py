"""The SQL engines that run Splink: DuckDB (embedded default) or Spark (optional).

Only this module knows how to open an engine; everything else receives Splink's
``db_api``. Spark is imported lazily so ``import vetline`` and the DuckDB path never need
pyspark; asking for Spark without it is a user error naming what to install.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from rapidfuzz.distance import Jaro

from vetline.errors import BadInput
from vetline.progress import ProgressFn, no_progress
from vetline.resolve import splink_model
from vetline.resolve.cluster import classify, possible_links, weight_columns
from vetline.resolve.model import MatchModel
from vetline.resolve.standardise import INT_COLUMNS, LIST_COLUMNS
from vetline.resolve.union_find import components

Engine = Literal["duckdb", "spark"]
#: Spark's master when none is given: local mode on this machine's two cores.
DEFAULT_SPARK_MASTER = "local[2]"
ENGINES: tuple[str, ...] = ("duckdb", "spark")


def check_engine(engine: str) -> Engine:
    if engine not in ENGINES:
        raise BadInput("--engine", f"must be one of {', '.join(ENGINES)}, not {engine!r}")
    return engine  # type: ignore[return-value]


#: DuckDB's own memory budget for the build (its default is 80 % of the machine's RAM,
#: which at 10M records let predict hold every blocked pair in memory beside the
#: build's frames). Over it, DuckDB spills to ``temp_directory``; results are the same.
DUCKDB_MEMORY_LIMIT = "4GB"


def open_engine(
    engine: str,
    spark_master: str = DEFAULT_SPARK_MASTER,
    *,
    work_dir: Path | None = None,
    to_parquet: bool = False,
) -> Any:
    """A Splink ``db_api`` for ``engine``; DuckDB spills to ``work_dir`` (if given).

    Spark writes the tables Splink materialises under ``work_dir`` (``spark.parquet``),
    which on a cluster must be storage every executor sees at the same path, like the
    data folder itself (README "Running on a Spark cluster").

    ``to_parquet`` (with ``work_dir``): Splink writes each intermediate table (the
    records with term frequencies, the blocked pairs, the scored pairs) as compressed
    Parquet files under ``work_dir`` instead of DuckDB tables. At 3M records the scored
    pairs as a table spilled 3.4 GB uncompressed to the temporary directory.
    """
    engine = check_engine(engine)
    logging.getLogger("splink").setLevel(logging.ERROR)
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        con = duckdb.connect(":memory:")
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        if work_dir is None:
            return DuckDBAPI(con)
        spill = work_dir / "duckdb.tmp"
        spill.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{spill.as_posix()}'")
        if not to_parquet:
            return DuckDBAPI(con)
        tables = work_dir / "duckdb.parquet"
        tables.mkdir(parents=True, exist_ok=True)
        return DuckDBAPI(con, materialisation="parquet", materialisation_dir=tables)
    return spark_api(spark_master, None if work_dir is None else work_dir / SPARK_TABLES)


def close(db_api: Any, work_dir: Path | None = None) -> None:
    """Release a DuckDB ``db_api``'s memory and its files under ``work_dir``."""
    con = getattr(db_api, "duckdb_con", None)
    if con is not None:
        con.close()
    if work_dir is not None:
        remove_spill(work_dir)


def remove_spill(work_dir: Path) -> None:
    """Remove DuckDB's spill and Splink's Parquet intermediates under ``work_dir``."""
    for name in ("duckdb.tmp", "duckdb.parquet", SPARK_TABLES):
        shutil.rmtree(work_dir / name, ignore_errors=True)


def spark_api(master: str = DEFAULT_SPARK_MASTER, tables_dir: Path | None = None) -> Any:
    """A Splink ``SparkAPI`` on a (cached) Spark session with Splink's similarity jar.

    ``tables_dir``: where Splink writes the tables it materialises (as Parquet, to cut
    Spark's lineage); a fresh temporary folder when not given (local mode only: a
    cluster's executors cannot see the driver's temporary folder).
    """
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise BadInput(
            "--engine spark", "pyspark is not installed; run `pip install 'vetline[spark]'`"
        ) from exc
    from splink import SparkAPI

    if tables_dir is None and not is_local(master):
        raise BadInput("--spark-master", "a cluster needs a shared work folder (the data folder)")
    session = spark_session(master)
    folder = tables_dir or Path(tempfile.mkdtemp(prefix="vetline-spark-ckpt-"))
    folder.mkdir(parents=True, exist_ok=True)
    session.sparkContext.setCheckpointDir(folder.as_posix())
    api = SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=session, break_lineage_method="parquet"
    )
    register_jaro_winkler(session)  # after SparkAPI, which registers the jar's own
    return api


def duckdb_jaro_winkler(left: str, right: str) -> float:
    """DuckDB's ``jaro_winkler_similarity(left, right)``, bit for bit.

    Why not RapidFuzz's ``JaroWinkler.similarity``: the Jaro part is the same to the bit,
    but DuckDB adds the prefix bonus ``prefix × 0.1 × (1 − jaro)`` with one rounding (a
    fused multiply-add), RapidFuzz's Python with two — one unit in the last place apart
    in ≈ 1.6 % of name pairs, and at a level's threshold that is a level:
    JEANBAPTISTE/JNBAPTISTE is 0.92 on DuckDB, 0.9199999999999999 in RapidFuzz, so the 10M
    Spark build lost 4 "possible same person" links and 37 pairs ≥ 0.5 (bench/README.md,
    "The build on Spark at 3M and 10M"). The sum is done exactly (``Fraction``) and
    rounded once; checked equal to DuckDB's on 615,303 name pairs of the 10M world.
    """
    jaro = Jaro.similarity(left, right)
    if jaro <= 0.7:  # DuckDB's (and Winkler's) boost threshold
        return jaro
    prefix = 0
    for a, b in zip(left[:4], right[:4], strict=False):
        if a != b:
            break
        prefix += 1
    if not prefix:
        return jaro
    return float(Fraction(jaro) + Fraction(prefix * 0.1) * Fraction(1.0 - jaro))


def register_jaro_winkler(session: Any) -> None:
    """Spark's ``jaro_winkler`` becomes DuckDB's (``duckdb_jaro_winkler``), as a pandas UDF.

    Why: Splink's similarity jar computes another Jaro similarity than DuckDB's
    ``jaro_winkler_similarity`` for some typos — GUERRIER/GUERDIER 0.907 on Spark, 0.921
    on DuckDB — so at the 0.92 levels the two engines put a pair in different levels: at
    1M records the Spark build scored 4 pairs fewer ≥ 0.5 and 6 of 125,053 "possible same
    person" links differed (bench/README.md, "The build on Spark beside DuckDB"). A null
    stays null (a ``NaN`` would compare as greater than any threshold in Spark SQL).
    """
    from pyspark.sql.functions import pandas_udf  # type: ignore[attr-defined]

    @pandas_udf("double")  # type: ignore[untyped-decorator]
    def jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
        values = [
            None if a is None or b is None else duckdb_jaro_winkler(a, b)
            for a, b in zip(left.tolist(), right.tolist(), strict=True)
        ]
        return pd.Series(values, dtype="Float64")

    session.udf.register("jaro_winkler", jaro_winkler)


#: Splink's materialised tables on Spark, under the build's work folder.
SPARK_TABLES = "spark.parquet"

_SESSIONS: dict[str, Any] = {}


def is_local(master: str) -> bool:
    """Spark's local mode (``local``, ``local[N]``, ``local[*]``): driver and executor in
    one JVM on this machine."""
    return master == "local" or master.startswith("local[")


def spark_session(master: str = DEFAULT_SPARK_MASTER) -> Any:
    """One Spark session per process and master (Spark start-up costs ~7 s).

    Local mode gets settings sized for this machine (4 shuffle partitions instead of
    200: a 2-core machine spends more on 200 tiny tasks than on the work; 4 GB for the
    driver, which is also the executor). On a cluster (``spark://…``, ``yarn``,
    ``k8s://…``) the cluster's own ``spark-defaults.conf`` decides partitions and
    memory: vetline only ships Splink's similarity functions (``spark.jars``).
    """
    if master in _SESSIONS:
        return _SESSIONS[master]
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # The Python workers (``register_jaro_winkler``'s UDF) run this interpreter, which
    # has vetline's dependencies; a cluster's own PYSPARK_PYTHON is kept.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("vetline")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.showConsoleProgress", "false")  # the console shows Rich's
    )
    if is_local(master):
        builder = (
            builder.config("spark.sql.shuffle.partitions", "4")
            .config("spark.default.parallelism", "4")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "4g")
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    # Stopped before the interpreter exits: a cluster's executors are told the job ended
    # instead of finding their driver gone (a screen of stack traces at every exit).
    atexit.register(session.stop)
    _SESSIONS[master] = session
    return session


@dataclass(frozen=True)
class Linkage:
    """Scored pairs at or above the predict threshold, record → cluster, and the
    "possible same person" links: the strongest pair ≥ the cluster threshold between
    two clusters it did not join, with the reason (``cluster.possible_links``)."""

    pairs: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, mw_*
    clusters: pd.DataFrame  # unique_id, cluster_id
    links: pd.DataFrame  # cluster.LINK_COLUMNS


def _engine_frame(db_api: Any, frame: pd.DataFrame) -> Any:
    """Spark wants its own DataFrame with an explicit schema; DuckDB takes pandas."""
    if type(db_api).__name__ != "SparkAPI":
        return frame
    from pyspark.sql import types as T

    fields = []
    for column in frame.columns:
        if column in INT_COLUMNS:
            kind: Any = T.IntegerType()
        elif column in LIST_COLUMNS:
            kind = T.ArrayType(T.StringType())
        else:
            kind = T.StringType()
        fields.append(T.StructField(column, kind, True))
    rows = [
        tuple(_spark_value(column, value) for column, value in zip(frame.columns, row, strict=True))
        for row in frame.itertuples(index=False, name=None)
    ]
    return db_api.spark.createDataFrame(rows, T.StructType(fields))


def _spark_value(column: str, value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if column in INT_COLUMNS:
        return int(value)
    if column in LIST_COLUMNS:
        return [str(v) for v in value]
    return str(value)


def link(
    db_api: Any,
    frame: pd.DataFrame,
    model: MatchModel,
    *,
    predict_threshold: float,
    cluster_threshold: float,
    progress: ProgressFn = no_progress,
) -> Linkage:
    """Predict with the trained ``model`` on the engine; cluster clean edges and list the
    links between clusters (``cluster``). Pairs come back to pandas on either engine, so
    DuckDB and Spark cluster and link with the same code. ``progress`` moves per step
    (predict, pairs read back, classify, cluster, links)."""
    stage = "predict + cluster"
    progress(stage, 0, 5)
    linker = splink_model.make_linker(db_api, _engine_frame(db_api, frame), model)
    predictions = linker.inference.predict(threshold_match_probability=predict_threshold)
    progress(stage, 1, 5)
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    columns += weight_columns()
    sql = f"select {', '.join(columns)} from {predictions.physical_name}"
    pairs = linker.misc.query_sql(sql, output_type="pandas")
    progress(stage, 2, 5)
    scored = classify(pairs, cluster_threshold, model)
    progress(stage, 3, 5)
    edges = scored[scored["clean"]]
    refused: dict[tuple[str, str], str] = {}
    cluster_ids = components(frame, edges, refused)
    progress(stage, 4, 5)
    clusters = pd.DataFrame({"unique_id": frame["unique_id"], "cluster_id": cluster_ids})
    by_record = pd.Series(cluster_ids.to_numpy(), index=frame["unique_id"].to_numpy())
    links = possible_links(scored, by_record, refused)
    progress(stage, 5, 5)
    return Linkage(pairs, clusters, links)
