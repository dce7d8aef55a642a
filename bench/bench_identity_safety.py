"""Identity safety on worlds vetline was and was not tuned on (issue 11's outside evaluation).

Run (from the repository root)::

    .venv/bin/python bench/bench_identity_safety.py --world other \
        --world synth:seed=11,label=tuning --world synth:seed=2027

A world is ``KIND[:key=value,...]``: ``other`` is ``bench/otherworld`` (independently
written, never imports vetline; keys ``seed``, ``persons``, ``noise`` = noise scale) and
``synth`` is ``vetline.synth`` (keys ``seed``, ``persons`` and any ``NoiseConfig`` rate or
``generate_extract`` keyword, e.g. ``synth:seed=2027,name_typo=0.05``); ``label`` names
the row. ``--seed``, ``--persons`` and ``--synth-set key=value`` give defaults to worlds
that do not set them. Each world is generated once under ``--work`` and reused; the
store is ingested once; persons are built on every run (the code under test changes).

Every query goes the desk's way, in process: IAQ intake (``accept``) → the person core's
``work_out`` (resolve → the person's records, parents and possibly-same persons →
``assess`` with the identity basis → ``decide``, automatic or analyst), the same function
``DeskService._work_out`` calls, minus the IAR and the database write. Truth
(``truth.csv``, ``person_facts.csv``) is read only to score.

Columns (one row per world):
* merged: citizens with a record in a built person that also holds another true person's
  records (build-time merge), of all citizens in records; apart, the citizens of
  look-alike groups (otherworld: the 200 look-alike pairs, Jr/Sr and twins; synth: every
  ``lookalike_group``), and below the table the merged citizens by look-alike kind;
* persons P/R: pairwise precision/recall of the built persons;
* USC→POS: queries about a citizen (in records or absent) answered POSITIVE as another
  person; USC enf: enforcement recommendations (DETAINER, NOTIFICATION_REQUEST,
  LEAD_REFERRAL) on a citizen; bio enf: enforcement on a BIOGRAPHIC/NONE identity basis;
* POS prec: POSITIVE answers whose person is the true person; top-1: best candidate is
  the true person (people in records); NO_REC absent: absent people answered NO_RECORD
  (the issue's target), and apart, absent citizens with the name, date of birth and sex
  of a loaded removable person (any level but POSITIVE is safe for them; they count in
  USC→POS);
* auto BIO det: BIOMETRIC queries answered automatically, of those whose true status is
  determined and leaves nothing for an analyst (not UNKNOWN, not a citizen, no protected
  or citizenship flag); auto all: automatic share of all queries; auto wrong: automatic
  answers about the wrong person.

Edit here: a new column is a counter on ``Row`` set in ``score_query`` and a cell in
``print_table``; a new query kind for synth worlds goes in ``synth_queries`` (the otherworld
writes its own in ``bench/otherworld/generate.py``).
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import sys
import time
import typing
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from otherworld import Noise, Sizes, write_world
from otherworld.world import make_people
from vetline.desk.intake import accept
from vetline.desk.ori import shipped_agencies
from vetline.desk.problems import InvalidQuery
from vetline.desk.service.question import question_of
from vetline.person import PersonLookup, work_out
from vetline.records import ingest_extract
from vetline.resolve import build_persons
from vetline.resolve.layout import read_person_records
from vetline.status import load_policy
from vetline.vocab import (
    CITIZEN_STATUSES,
    ENFORCEMENT_ACTIONS,
    IdentityBasis,
    MatchLevel,
)

AS_OF = date(2026, 11, 1)
QUERY_ORI = "CA0194200"


@dataclass
class WorldSpec:
    kind: str
    seed: int
    persons: int
    label: str
    options: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        extra = "-".join(f"{k}{v}" for k, v in sorted(self.options.items()))
        return f"{self.kind}-p{self.persons}-s{self.seed}" + (f"-{extra}" if extra else "")


def parse_world(text: str, args: argparse.Namespace) -> WorldSpec:
    kind, _, rest = text.partition(":")
    if kind not in ("other", "synth"):
        raise SystemExit(f"--world: kind is 'other' or 'synth', not {kind!r}")
    opts: dict[str, str] = {}
    if kind == "synth":
        opts.update(dict(kv.split("=", 1) for kv in args.synth_set))
    for part in filter(None, rest.split(",")):
        k, sep, v = part.partition("=")
        if not sep:
            raise SystemExit(f"--world {text!r}: {part!r} is not key=value")
        opts[k.strip()] = v.strip()
    seed = int(
        opts.pop("seed", args.seed if args.seed is not None else (7 if kind == "other" else 11))
    )
    persons = int(opts.pop("persons", args.persons))
    label = opts.pop("label", f"{kind} seed {seed}")
    return WorldSpec(kind, seed, persons, label, opts)


def _number(value: str) -> Any:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(value.lower(), value)


def generate(spec: WorldSpec, extract: Path) -> None:
    t = time.perf_counter()
    if spec.kind == "other":
        unknown = set(spec.options) - {"noise"}
        if unknown:
            raise SystemExit(f"otherworld knows seed, persons, noise, label; not {sorted(unknown)}")
        scale = float(spec.options.get("noise", 1.0))
        write_world(
            extract, seed=spec.seed, sizes=Sizes.scaled(spec.persons), noise=Noise.scaled(scale)
        )
    else:
        from vetline.synth import NoiseConfig, generate_extract

        kwargs = synth_kwargs(generate_extract, NoiseConfig, spec.options)
        generate_extract(extract, persons=spec.persons, seed=spec.seed, **kwargs)
    print(f"  [{spec.label}] generated in {time.perf_counter() - t:.1f} s", flush=True)


def synth_kwargs(func: Any, noise_cls: type, options: dict[str, str]) -> dict[str, Any]:
    """``generate_extract`` keywords from ``key=value`` overrides.

    A key is a ``NoiseConfig`` rate, a plain keyword of ``generate_extract``, or a field of
    a dataclass another keyword takes (look-alike knobs are being added as this bench is
    written, so it discovers them instead of naming them).
    """
    hints = typing.get_type_hints(func)
    groups: dict[str, type] = {"noise": noise_cls}
    plain: set[str] = set()
    for name, param in inspect.signature(func).parameters.items():
        if name in ("out", "persons", "seed", "noise"):
            continue
        kind = type(param.default) if is_dataclass(param.default) else None
        for arg in (hints.get(name), *typing.get_args(hints.get(name))):
            if kind is None and isinstance(arg, type) and is_dataclass(arg):
                kind = arg
        if kind is not None:
            groups[name] = kind
        else:
            plain.add(name)
    values: dict[str, dict[str, Any]] = {name: {} for name in groups}
    kwargs: dict[str, Any] = {}
    for key, raw in options.items():
        owner = next((g for g, cls in groups.items() if key in {f.name for f in fields(cls)}), None)
        if owner is not None:
            values[owner][key] = _number(raw)
        elif key in plain:
            kwargs[key] = date.fromisoformat(raw) if key == "as_of" else _number(raw)
        else:
            known = sorted(plain | {f.name for cls in groups.values() for f in fields(cls)})
            raise SystemExit(f"synth: unknown override {key!r}; known: {', '.join(known)}")
    kwargs["noise"] = noise_cls(**values.pop("noise"))
    kwargs.update({g: groups[g](**v) for g, v in values.items() if v})
    return kwargs


# -- queries for vetline.synth worlds (the otherworld writes its own queries.jsonl) ----------


def _first_id(extract: Path, truth: pd.DataFrame, source: str, column: str) -> dict[str, str]:
    """Each person's most frequent value of ``column`` in ``source`` (raw extract)."""
    path = extract / f"{source}.csv"
    if not path.exists():
        return {}
    rows = pd.read_csv(path, dtype=str, usecols=["record_id", column]).dropna()
    rows = rows.merge(truth[truth["source"] == source], on="record_id")
    top = rows.groupby(["person_id", column]).size().reset_index(name="n")
    top = top.sort_values("n", ascending=False).drop_duplicates("person_id")
    return dict(zip(top["person_id"], top[column], strict=True))


def synth_queries(
    extract: Path, facts: pd.DataFrame, truth: pd.DataFrame, persons: int, seed: int
) -> list[dict[str, Any]]:
    """The otherworld's query mix, built from a ``vetline.synth`` world's truth files."""
    rng = np.random.default_rng(seed + 1)
    sizes = Sizes.scaled(persons)
    fin = _first_id(extract, truth, "biometric", "fin")
    fbi = {
        **_first_id(extract, truth, "custody", "fbi_number"),
        **_first_id(extract, truth, "criminal", "fbi_number"),
    }
    facts = facts.set_index("person_id", drop=False)
    queries: list[dict[str, Any]] = []

    def add(
        row: Any,
        kind: str,
        *,
        qtype: str = "IAQ",
        ids: dict[str, str] | None = None,
        absent: bool = False,
        pob: str | None = None,
    ) -> None:
        subject = {
            "last_name": row.true_last_name,
            "first_name": row.true_first_name,
            "dob": row.true_dob,
            "sex": row.sex,
        }
        birth = row.birth_country if pob is None else pob
        if isinstance(birth, str) and birth:
            subject["birth_country"] = birth
        subject = {k: v for k, v in subject.items() if isinstance(v, str) and v}
        subject.update(ids or {})
        queries.append(
            {
                "qid": f"SQ{len(queries) + 1:07d}",
                "kind": kind,
                "query_type": qtype,
                "subject": subject,
                "encounter": {"date": AS_OF.isoformat()},
                "custody": {"in_custody": True},
                "true_person": None if absent else row.person_id,
                "absent": absent,
                "citizen": row.us_citizen == "Y",
                "group": None,
            }
        )

    row: Any  # itertuples() rows (fields by column name) and, for the absent, a Series
    for row in facts.sample(
        n=min(sizes.biographic_queries, len(facts)), random_state=seed
    ).itertuples():
        ids = (
            {"fbi_number": fbi[row.person_id]}
            if row.person_id in fbi and rng.random() < 0.5
            else {}
        )
        add(row, "biographic", ids=ids)
    with_fin = facts[facts["person_id"].isin(fin)]
    for row in with_fin.sample(
        n=min(sizes.biometric_queries, len(with_fin)), random_state=seed
    ).itertuples():
        add(row, "biometric", qtype="BIOMETRIC", ids={"fin": fin[row.person_id]})
    group = facts[facts["lookalike_group"].notna() & (facts["us_citizen"] == "Y")]
    for row in group.itertuples():
        if row.person_id in fbi:
            add(row, "lookalike_citizen_fbi", ids={"fbi_number": fbi[row.person_id]})
        add(row, "lookalike_citizen_bio")
    # absent citizens: the otherworld's name pools, and look-alikes of removable people
    absent = make_people(rng, sizes.absent)
    iso_dob = np.datetime_as_string(absent["dob"].astype("datetime64[D]"))
    for i in range(absent.n):
        last = absent["last1"][i] + (" " + absent["last2"][i] if absent["last2"][i] else "")
        row = pd.Series(
            {
                "true_last_name": last,
                "true_first_name": absent["first"][i],
                "true_dob": iso_dob[i],
                "sex": absent["sex"][i],
                "birth_country": "US",
                "person_id": None,
                "us_citizen": "Y",
            }
        )
        add(row, "absent", absent=True)
    removable = facts[facts["removable"] == "Y"]
    for row in removable.sample(
        n=min(sizes.absent_lookalikes, len(removable)), random_state=seed
    ).itertuples():
        add(row._replace(us_citizen="Y"), "absent_lookalike", absent=True, pob="US")
    return queries


# -- scoring -----------------------------------------------------------------------------------


def pairwise(records: pd.DataFrame) -> tuple[float, float]:
    def n_pairs(counts: pd.Series) -> int:
        return int((counts * (counts - 1) // 2).sum())

    tp = n_pairs(records.groupby(["person_id", "truth"]).size())
    return tp / max(n_pairs(records.groupby("person_id").size()), 1), tp / max(
        n_pairs(records.groupby("truth").size()), 1
    )


@dataclass
class Row:
    label: str
    records: int = 0
    rejects: int = 0
    build_s: float = 0.0
    citizens: int = 0
    merged: int = 0
    la_citizens: int = 0
    la_merged: int = 0
    precision: float = 0.0
    recall: float = 0.0
    queries: int = 0
    refused: int = 0
    usc_queries: int = 0
    usc_pos_other: int = 0
    usc_enf: int = 0
    bio_enf: int = 0
    positive: int = 0
    positive_ok: int = 0
    known: int = 0
    top1: int = 0
    absent: int = 0
    absent_norecord: int = 0
    absent_like: int = 0
    absent_like_norecord: int = 0
    bio_det: int = 0
    bio_det_auto: int = 0
    automatic: int = 0
    auto_wrong: int = 0
    by_kind: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    refusals: Counter[str] = field(default_factory=Counter)
    merged_kinds: Counter[str] = field(default_factory=Counter)
    status_n: int = 0
    status_ok: int = 0
    status_miss: Counter[str] = field(default_factory=Counter)
    bio_queued: Counter[str] = field(default_factory=Counter)
    bio_queued_detail: list[dict[str, Any]] = field(default_factory=list)


def run_world(spec: WorldSpec, work: Path, fresh: bool, reuse: bool = False) -> Row:
    root = work / spec.key
    extract, data = root / "extract", root / "data"
    if fresh:
        shutil.rmtree(root, ignore_errors=True)
    if not (extract / "truth.csv").exists():
        generate(spec, extract)
    row = Row(spec.label)
    if not (data / "store").exists():
        report = ingest_extract(extract, data, today=AS_OF)
        row.rejects = report.reject_lines
        (root / "ingest.json").write_text(json.dumps({"reject_lines": report.reject_lines}))
    else:
        row.rejects = json.loads((root / "ingest.json").read_text())["reject_lines"]
    if reuse and (data / "persons" / "records.parquet").exists():
        records = read_person_records(data, ["person_id"]).to_pandas()
        row.records = len(records)
        print(f"  [{spec.label}] reusing the existing build ({row.records:,} records)", flush=True)
    else:
        for stale in ("persons", "index", "model"):
            shutil.rmtree(data / stale, ignore_errors=True)
        t = time.perf_counter()
        build = build_persons(data)
        row.build_s = time.perf_counter() - t
        row.records = build.records
        print(
            f"  [{spec.label}] built {build.records:,} records → {build.persons:,} persons "
            f"in {row.build_s:.1f} s",
            flush=True,
        )

    truth = pd.read_csv(extract / "truth.csv", dtype=str)
    facts = pd.read_csv(extract / "person_facts.csv", dtype=str)
    built = read_person_records(data, ["source", "record_id", "person_id"]).to_pandas()
    built = built.merge(truth.rename(columns={"person_id": "truth"}), on=["source", "record_id"])
    row.precision, row.recall = pairwise(built)
    citizen = set(facts.loc[facts["us_citizen"] == "Y", "person_id"])
    la_kind = facts["lookalike_kind"].fillna("")
    la_citizens = set(
        facts.loc[
            (facts["us_citizen"] == "Y")
            & facts["lookalike_group"].notna()
            & (la_kind != "")
            & ~la_kind.str.startswith("ABSENT"),
            "person_id",
        ]
    )
    impure = built.groupby("person_id")["truth"].nunique()
    impure_ids = set(impure[impure > 1].index)
    in_records = set(built["truth"])
    merged = set(built.loc[built["person_id"].isin(impure_ids), "truth"])
    row.citizens = len(citizen & in_records)
    row.merged = len(citizen & merged)
    row.la_citizens = len(la_citizens & in_records)
    row.la_merged = len(la_citizens & merged)
    kinds = facts.set_index("person_id")["lookalike_kind"].fillna("")
    for pid in citizen & merged:
        row.merged_kinds[kinds.get(pid, "") or "(none)"] += 1
    owner = (
        built.groupby(["person_id", "truth"])
        .size()
        .reset_index(name="n")
        .sort_values("n", ascending=False)
        .drop_duplicates("person_id")
        .set_index("person_id")["truth"]
        .to_dict()
    )

    qpath = extract / "queries.jsonl"
    if qpath.exists():
        queries = [json.loads(line) for line in qpath.read_text().splitlines()]
    else:
        queries = synth_queries(extract, facts, truth, spec.persons, spec.seed)
    fact = facts.set_index("person_id")
    lookup = PersonLookup.open(data)
    policy = load_policy()
    directory = shipped_agencies()
    for q in queries:
        score_query(q, row, lookup, policy, directory, owner, fact)
    return row


def score_query(
    q: dict[str, Any],
    row: Row,
    lookup: PersonLookup,
    policy: Any,
    directory: Any,
    owner: dict[str, str],
    fact: pd.DataFrame,
) -> None:
    kind = q["kind"]
    body = {
        "query_type": q["query_type"],
        "ori": QUERY_ORI,
        "subject": q["subject"],
        "custody": q.get("custody"),
        "encounter": q.get("encounter"),
    }
    body = {k: v for k, v in body.items() if v is not None}
    row.queries += 1
    try:
        intake = accept(json.dumps(body), received=AS_OF, directory=directory)
    except InvalidQuery as exc:
        row.refused += 1
        row.refusals[str(exc)[:80]] += 1
        row.by_kind[kind]["REFUSED"] += 1
        return
    outcome = work_out(question_of(intake.iaq), lookup, received=AS_OF, policy=policy)
    result, decision = outcome.assessment, outcome.decision
    res = outcome.resolution
    best = res.person_id
    true = q["true_person"]
    matched = owner.get(best) if best and res.level is not MatchLevel.NO_RECORD else None
    top = owner.get(res.candidates[0][0]) if res.candidates else None
    action = result.recommendation.action
    enforcement = action in ENFORCEMENT_ACTIONS
    stats = row.by_kind[kind]
    stats["n"] += 1
    stats[res.level.value] += 1
    if q["citizen"]:
        row.usc_queries += 1
        if res.level is MatchLevel.POSITIVE and matched != true:
            row.usc_pos_other += 1
            stats["USC_POS_OTHER"] += 1
        if enforcement:
            row.usc_enf += 1
            stats["USC_ENFORCEMENT"] += 1
    if enforcement and res.basis in (IdentityBasis.BIOGRAPHIC, IdentityBasis.NONE):
        row.bio_enf += 1
        stats["BIOGRAPHIC_ENFORCEMENT"] += 1
    if res.level is MatchLevel.POSITIVE:
        row.positive += 1
        row.positive_ok += matched == true
        if matched != true:
            stats["POS_WRONG"] += 1
    if q["absent"] and kind == "absent_lookalike":
        row.absent_like += 1
        row.absent_like_norecord += res.level is MatchLevel.NO_RECORD
    elif q["absent"]:
        row.absent += 1
        row.absent_norecord += res.level is MatchLevel.NO_RECORD
    else:
        row.known += 1
        row.top1 += top == true
        if top != true:
            stats["TOP1_MISS"] += 1
    if decision.automatic:
        row.automatic += 1
        stats["AUTO"] += 1
        if matched != true:
            row.auto_wrong += 1
            stats["AUTO_WRONG"] += 1
    if q["query_type"] == "BIOMETRIC" and true is not None and true in fact.index:
        f = fact.loc[true]
        flags = f.get("expected_flags")
        open_ = isinstance(flags, str) and (
            "PROTECTED_STATUS" in flags or "POSSIBLE_US_CITIZEN" in flags
        )
        if f["true_status"] != "UNKNOWN" and f["true_status"] not in CITIZEN_STATUSES and not open_:
            row.bio_det += 1
            row.bio_det_auto += decision.automatic
            stats["BIO_DET"] += 1  # the BIOMETRIC automation share, per query kind
            stats["BIO_DET_AUTO"] += decision.automatic
            if not decision.automatic:
                for why in decision.queue_reasons:
                    row.bio_queued[why.split(" (")[0].split(":")[0]] += 1
                row.bio_queued_detail.append(
                    {
                        "true_person": true,
                        "true_status": f["true_status"],
                        "got": result.status.code.value,
                        "level": res.level.value,
                        "matched_true": matched == true,
                        "reasons": list(decision.queue_reasons),
                        "removability": result.removability.reason,
                        "status_rule": result.status.rule,
                    }
                )
    if res.level is MatchLevel.POSITIVE and matched == true and true in fact.index:
        expected, got = fact.loc[true, "true_status"], result.status.code.value
        row.status_n += 1
        row.status_ok += got == expected
        if got != expected:
            row.status_miss[f"{expected}→{got}"] += 1


def _share(a: int, b: int, digits: int = 3) -> str:
    return f"{a / b:.{digits}f}" if b else "—"


def print_table(rows: list[Row]) -> None:
    head = (
        "world",
        "records",
        "rejects",
        "build s",
        "USC merged",
        "look-alike USC merged",
        "persons P / R",
        "queries (refused)",
        "USC→POS other",
        "USC enf",
        "bio-only enf",
        "POS prec",
        "top-1",
        "NO_REC absent",
        "NO_REC absent look-alike",
        "auto BIO det",
        "auto all",
        "auto wrong",
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        cells = (
            r.label,
            f"{r.records:,}",
            str(r.rejects),
            f"{r.build_s:.0f}",
            f"{r.merged} / {r.citizens:,}",
            f"{r.la_merged} / {r.la_citizens}",
            f"{r.precision:.4f} / {r.recall:.4f}",
            f"{r.queries:,} ({r.refused})",
            f"{r.usc_pos_other} / {r.usc_queries:,}",
            str(r.usc_enf),
            str(r.bio_enf),
            f"{_share(r.positive_ok, r.positive, 4)} ({r.positive:,})",
            _share(r.top1, r.known),
            f"{_share(r.absent_norecord, r.absent)} ({r.absent:,})",
            f"{_share(r.absent_like_norecord, r.absent_like)} ({r.absent_like:,})",
            f"{_share(r.bio_det_auto, r.bio_det)} ({r.bio_det:,})",
            _share(r.automatic, r.queries),
            str(r.auto_wrong),
        )
        print("| " + " | ".join(cells) + " |")


def print_kinds(rows: list[Row]) -> None:
    for r in rows:
        print(f"\n{r.label}: citizens merged at build, by look-alike kind: {dict(r.merged_kinds)}")
        print(f"{r.label}: by query kind")
        for kind, c in sorted(r.by_kind.items()):
            rest = {k: v for k, v in sorted(c.items()) if k != "n"}
            print(f"  {kind:32s} n={c['n']:5d} {rest}")
        print(
            f"  status agreement on correct POSITIVE answers: "
            f"{_share(r.status_ok, r.status_n)} ({r.status_n:,}); "
            f"most common misses {dict(r.status_miss.most_common(6))}"
        )
        print(f"  BIOMETRIC, status determined, sent to an analyst because: {dict(r.bio_queued)}")
        for why, n in r.refusals.most_common(5):
            print(f"  refused ×{n}: {why}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--world", action="append", help="KIND[:key=value,...] (repeatable)")
    parser.add_argument("--seed", type=int, default=None, help="default seed (other 7, synth 11)")
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--synth-set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--work", type=Path, default=Path("/tmp/vetline-identity"))
    parser.add_argument("--fresh", action="store_true", help="regenerate and re-ingest")
    parser.add_argument(
        "--reuse-build", action="store_true", help="query the existing build (no rebuild)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    specs = [parse_world(w, args) for w in (args.world or ["other"])]
    rows = []
    for spec in specs:
        print(f"world {spec.label} ({spec.key})", flush=True)
        rows.append(run_world(spec, args.work, args.fresh, args.reuse_build))
    print()
    print_table(rows)
    print_kinds(rows)
    if args.json:
        out = [
            {
                k: v
                for k, v in vars(r).items()
                if k
                not in (
                    "by_kind",
                    "refusals",
                    "merged_kinds",
                    "status_miss",
                    "bio_queued",
                    "bio_queued_detail",
                )
            }
            | {"by_kind": {k: dict(v) for k, v in r.by_kind.items()}}
            for r in rows
        ]
        args.json.write_text(json.dumps(out, indent=2) + "\n")
        detail = {r.label: r.bio_queued_detail for r in rows}
        args.json.with_suffix(".queued.json").write_text(json.dumps(detail, default=str) + "\n")


if __name__ == "__main__":
    main()
