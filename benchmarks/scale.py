"""One scale benchmark: the store built through the real ingest, against two limits, in one run.

    python benchmarks/scale.py --indicators 100000 [--no-validate] [--work DIR] [--repeat 3]
    python benchmarks/scale.py --indicators 1000000 [--skip-bulk] [--skip-compare]
    python benchmarks/scale.py --indicators 1000000 --bulk [--store DIR --reuse]

1. Synthetic documents (``benchmarks/synth.py``) are ingested with :func:`graph.ingest.ingest_paths`
   — the code of ``jixiao ingest``, with its defaults: read, build, validate with the compiled
   SHACL engine (``--no-validate`` to leave validation out, as ``jixiao ingest --no-validate``),
   prepared facts, one transaction per document. One progress line per document (wall, CPU
   time of this process, load average), so a run stopped early still gives its rate.
   ``--bulk`` builds through ``benchmarks/bigstore.py``'s bulk path instead; the output says which.
2. Limit (a): the store's own bulk load of the same quads (dumped from the ingested store into
   a fresh directory): ingest rate ÷ bulk-load rate. ``--skip-bulk`` leaves it out (the output
   says so).
3. The records (extract output, not RDF) are written as a Parquet table, one row per indicator
   (project, unit, department, year, level 1 and 2 as printed and their categories, name,
   comparator, number, unit, flags), and limit (b): the same audit questions asked of DuckDB
   over that table, warm and cold, with the ratio store ÷ DuckDB and the row counts of both.
   ``--skip-compare`` stops after the build (time the questions later with ``--reuse``).
4. Cold = the first run after opening (store) or connecting (DuckDB), in this process (the OS
   page cache stays warm); warm = best of ``--repeat`` after it; rows/s of each full answer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from benchmarks.scale_table import (  # noqa: E402
    COPIED_SQL,
    DUCK,
    SAT,
    SATISFACTION_BELOW_SQL,
    check_counts,
    duck_runner,
    export_table,
)
from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.graph.ingest import DocResult, ingest_paths  # noqa: E402
from jixiao.graph.prepared import CATEGORIES  # noqa: E402
from jixiao.queries import load_query  # noqa: E402
from jixiao.queries.prepared import prepared  # noqa: E402

GYEAR = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
T = TypeVar("T")


def _params(**kw: str) -> dict[str, ox.Term]:
    out: dict[str, ox.Term] = {}
    for k, v in kw.items():
        out[k] = ox.Literal(v, datatype=GYEAR) if k == "year" else ox.NamedNode(v)
    return out


STORE: dict[str, list[tuple[str, dict[str, object]]]] = {
    **{
        f"lacks {c}": [("projects_lacking", _params(category=CATEGORIES[c]))]
        for c in ("satisfaction", "effect", "cost")
    },
    # what GET /api/projects?lacks=satisfaction&year=2026 runs (api/listing.py): the first
    # page of projects_lacking_list.rq (ranked members of the prepared sets) and its count
    "REST lacks=satisfaction&year page+total": [
        (
            "projects_lacking_list",
            {**_params(category=SAT, year="2026"), "limit": 100, "offset": 0, "page": "offset"},
        ),
        ("projects_lacking_list", {**_params(category=SAT, year="2026"), "result": "count"}),
    ],
    "indicators per unit and category": [("prepared_indicator_counts", {})],
    "totals per year and unit": [("prepared_totals", {})],
    "satisfaction targets below 90": [("satisfaction_below_90", {})],
    "unmeasurable targets": [("unmeasurable_targets", {})],
}
SCANNING: dict[str, list[tuple[str, dict[str, object]]]] = {
    # the same questions asked without the prepared facts, or as asked before
    "lacks satisfaction (scanning query)": [("projects_without_satisfaction", {})],
    "indicators per unit and category (scanning)": [
        ("indicator_counts_by_unit_and_category_scan", {})
    ],
    "REST page+total, string sort key (before)": [
        ("projects_lacking_page", _params(category=SAT, year="2026")),
        ("projects_lacking_total", _params(category=SAT, year="2026")),
    ],
    # the first page's cost against the list's length (the 'lacks <c>' rows above)
    **{
        f"REST lacks={c} page+total (ranked)": [
            (
                "projects_lacking_list",
                {**_params(category=CATEGORIES[c]), "limit": 100, "offset": 0, "page": "offset"},
            ),
            ("projects_lacking_list", {**_params(category=CATEGORIES[c]), "result": "count"}),
        ]
        for c in ("effect", "cost", "satisfaction")
    },
    "overview coverage (prepared sets)": [("prepared_unit_coverage", {})],
    "overview coverage (scanning)": [("unit_coverage", {})],
}


def _timed(run: Callable[[], int], repeat: int) -> tuple[float, float, float, int]:
    """(cold s, warm s: best of ``repeat`` after the first, CPU s of this process in the best
    warm run, rows). The store answers on one thread, so its CPU time is what a quiet machine
    would take; DuckDB uses both cores, so only its wall time means anything."""
    start = time.perf_counter()
    rows = run()
    cold = time.perf_counter() - start
    warm = cpu = float("inf")
    for _ in range(repeat):
        start, used = time.perf_counter(), time.process_time()
        rows = run()
        if time.perf_counter() - start < warm:
            warm, cpu = time.perf_counter() - start, time.process_time() - used
    return cold, warm, cpu, rows


def store_runner(store_dir: Path, steps: list[tuple[str, dict[str, object]]]) -> Callable[[], int]:
    store = ox.Store.read_only(str(store_dir))  # a fresh instance: its block cache is cold

    def run() -> int:
        rows = 0
        for name, params in steps:
            query = prepared(name)
            if query.slots or "limit" in params:  # bound as the REST API binds it
                slots = {k: v for k, v in params.items() if k in query.slots}
                values = {k: v for k, v in params.items() if k not in query.slots}
                text, bound = query.bind(values, slots)  # type: ignore[arg-type]
                subst = {ox.Variable(k): v for k, v in bound.items()} or None
            else:
                text = load_query(name)
                subst = {ox.Variable(k): v for k, v in params.items()} or None  # type: ignore[misc]
            rows += sum(1 for _ in store.query(text, substitutions=subst))  # type: ignore[union-attr]
        return rows

    return run


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def ingest_store(paths: list[Path], store_dir: Path, validate: bool) -> dict[str, float]:
    """Ingest ``paths`` into a store at ``store_dir`` (module notes, 1), printing one line
    per document; seconds (wall and CPU), quads and indicators."""
    store = ox.Store(str(store_dir))
    start, used = time.perf_counter(), time.process_time()
    done_indicators = 0

    def progress(done: int, total: int, result: DocResult) -> None:
        nonlocal done_indicators
        done_indicators += result.indicators
        wall, cpu = time.perf_counter() - start, time.process_time() - used
        print(
            f"  {done}/{total} {Path(result.path).name} {result.status}: {done_indicators:,} "
            f"indicators in {wall:.0f} s wall ({done_indicators / wall:,.0f}/s), {cpu:.0f} s CPU "
            f"({done_indicators / max(cpu, 1e-6):,.0f}/CPU s); {_load()}",
            flush=True,
        )

    results = ingest_paths(paths, store, progress=progress, validate=validate)
    seconds, cpu = time.perf_counter() - start, time.process_time() - used
    failed = [r.error for r in results if r.status == "error"]
    if failed:
        raise SystemExit(f"ingest failed: {failed[:3]}")
    store.flush()
    quads = len(store)
    del store
    return {
        "ingest s": seconds,
        "ingest cpu s": cpu,
        "quads": quads,
        "indicators": sum(r.indicators for r in results),
    }


def bulk_limit(store_dir: Path, work: Path) -> float:
    """Seconds for the store's own bulk load of ``store_dir``'s quads into a fresh store."""
    dump = work / "quads.nq"
    ox.Store.read_only(str(store_dir)).dump(str(dump), ox.RdfFormat.N_QUADS)
    fresh = work / "bulk-store"
    shutil.rmtree(fresh, ignore_errors=True)
    start = time.perf_counter()
    target = ox.Store(str(fresh))
    target.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    target.flush()
    seconds = time.perf_counter() - start
    del target
    shutil.rmtree(fresh, ignore_errors=True)
    dump.unlink()
    return seconds


def _chosen(questions: dict[str, T], only: list[str] | None) -> dict[str, T]:
    """The questions whose label contains one of ``only`` (all when it is empty)."""
    return {k: v for k, v in questions.items() if not only or any(w in k for w in only)}


def compare(store_dir: Path, parquet: Path, repeat: int, only: list[str] | None = None) -> None:
    """Print one line per question (module notes); ratio = store warm ÷ DuckDB warm (wall),
    and the same with the store's CPU time (its quiet-machine time); last, DuckDB's CPU time
    (both its threads) and store CPU ÷ DuckDB CPU, the ratio the machine's load moves least."""
    print(
        f"{'question':42s} {'store warm':>10s} {'cpu':>7s} {'cold':>7s} {'duckdb':>7s} "
        f"{'cold':>6s} {'ratio':>6s} {'cpu/duck':>8s} {'rows':>6s} {'duck':>6s} {'rows/s cpu':>10s}"
        f" {'duck cpu':>8s} {'cpu/cpu':>7s}"
    )
    for label, steps in _chosen(STORE, only).items():
        s_cold, s_warm, s_cpu, s_rows = _timed(store_runner(store_dir, steps), repeat)
        d_cold, d_warm, d_cpu, d_rows = _timed(duck_runner(parquet, DUCK[label]), repeat)
        print(
            f"{label:42s} {s_warm * 1e3:8.0f}ms {s_cpu * 1e3:5.0f}ms {s_cold * 1e3:5.0f}ms "
            f"{d_warm * 1e3:5.0f}ms {d_cold * 1e3:4.0f}ms {s_warm / d_warm:5.1f}× "
            f"{s_cpu / d_warm:7.1f}× {s_rows:6d} {d_rows:6d} {s_rows / max(s_cpu, 1e-6):10,.0f}"
            f" {d_cpu * 1e3:6.0f}ms {s_cpu / max(d_cpu, 1e-6):6.1f}×",
            flush=True,
        )
    for label, steps in _chosen(SCANNING, only).items():
        s_cold, s_warm, s_cpu, s_rows = _timed(store_runner(store_dir, steps), repeat)
        print(
            f"{label:42s} {s_warm * 1e3:8.0f}ms {s_cpu * 1e3:5.0f}ms {s_cold * 1e3:5.0f}ms "
            f"{'':>7s} {'':>6s} {'':>6s} {'':>8s} {s_rows:6d}",
            flush=True,
        )


def compare_reformulated(
    store_dir: Path, parquet: Path, repeat: int, scans: set[str], only: list[str] | None = None
) -> None:
    """Issue #16's questions not in :func:`compare` (copied indicator sets on prepared keys;
    satisfaction targets below a threshold, in % or 分), beside DuckDB and beside the scanning
    texts (``queries/NAME_scan.rq``) for the names in ``scans`` (copied sets': quadratic)."""
    steps = [("copied indicator sets", "copied_indicator_sets", COPIED_SQL),
             ("satisfaction targets below (% or 分)", "satisfaction_targets_below",
              SATISFACTION_BELOW_SQL)]  # fmt: skip
    print(f"{'question':42s} {'store warm':>10s} {'cpu':>7s} {'cold':>7s} {'duckdb':>7s} "
          f"{'cold':>6s} {'ratio':>6s} {'cpu/duck':>8s} {'rows':>6s} {'duck':>6s} "
          f"{'rows/s cpu':>10s} {'duck cpu':>8s} {'cpu/cpu':>7s}")  # fmt: skip
    for label, name, sql in [s for s in steps if _chosen({s[0]: s}, only)]:
        names = [name, name + "_scan"] if name in scans else [name]
        d_cold, d_warm, d_cpu, d_rows = _timed(duck_runner(parquet, sql), repeat)
        for each in names:
            s_cold, s_warm, s_cpu, s_rows = _timed(store_runner(store_dir, [(each, {})]), repeat)
            print(
                f"{label + (' (scanning)' if each != name else ''):42s} {s_warm * 1e3:8.0f}ms "
                f"{s_cpu * 1e3:5.0f}ms {s_cold * 1e3:5.0f}ms {d_warm * 1e3:5.0f}ms "
                f"{d_cold * 1e3:4.0f}ms {s_warm / d_warm:5.1f}× {s_cpu / d_warm:7.1f}× "
                f"{s_rows:6d} {d_rows:6d} {s_rows / max(s_cpu, 1e-6):10,.0f} "
                f"{d_cpu * 1e3:6.0f}ms {s_cpu / max(d_cpu, 1e-6):6.1f}×",
                flush=True,
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=100_000)
    parser.add_argument("--per-document", type=int, default=5000)
    parser.add_argument("--work", type=Path, help="keep the documents, table and store here")
    parser.add_argument("--store", type=Path, help="the store directory (default under --work)")
    parser.add_argument("--reuse", action="store_true", help="the store exists: time queries only")
    parser.add_argument("--bulk", action="store_true", help="build through bigstore's bulk path")
    parser.add_argument("--no-validate", dest="validate", action="store_false",
                        help="no validation, as jixiao ingest --no-validate")  # fmt: skip
    parser.add_argument("--skip-bulk", action="store_true", help="leave out limit (a), bulk load")
    parser.add_argument("--skip-compare", action="store_true", help="stop after the build")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reformulated", action="store_true", help="issue #16's questions only")
    parser.add_argument("--only", nargs="*", metavar="WORD",
                        help="only the questions whose label contains one of these")  # fmt: skip
    parser.add_argument("--scans", nargs="*", default=[], metavar="NAME",
                        help="also the scanning texts these queries replace")  # fmt: skip
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="jixiao-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    store_dir = args.store or work / "store"
    paths = write_corpus(work / "docs", args.indicators, args.per_document)
    print(f"{args.indicators:,} indicators in {len(paths)} documents; {work}", flush=True)
    if not args.reuse:
        shutil.rmtree(store_dir, ignore_errors=True)
        if args.bulk:
            from benchmarks.bigstore import build

            figures = build(store_dir, args.indicators, args.per_document)
            print(
                "built through the BULK path (not ingest): "
                + ", ".join(f"{k} {v:,.1f}" for k, v in figures.items()),
                flush=True,
            )
        else:
            print(f"ingest starts; {_load()}", flush=True)
            figures = ingest_store(paths, store_dir, args.validate)
            seconds, cpu, quads = figures["ingest s"], figures["ingest cpu s"], figures["quads"]
            n = figures["indicators"]
            print(
                f"ingest ({'validated, compiled engine' if args.validate else '--no-validate'}): "
                f"{n:,.0f} indicators, {quads:,.0f} quads; {seconds:.1f} s wall, "
                f"{n / seconds:,.0f} indicators/s, {quads / seconds:,.0f} quads/s; "
                f"{cpu:.1f} s CPU, "
                f"{n / cpu:,.0f} indicators/CPU s; "
                f"{_load()}",
                flush=True,
            )
            if args.skip_bulk:
                print("limit (a) SKIPPED (--skip-bulk): no bulk load of the same quads", flush=True)
            else:
                bulk = bulk_limit(store_dir, work)
                rate, limit = quads / seconds, quads / bulk
                print(
                    f"bulk load of the same {quads:,.0f} quads: {bulk:.1f} s, {limit:,.0f} "
                    f"quads/s; ingest = {rate / limit:.0%} of bulk; {_load()}",
                    flush=True,
                )
    if args.skip_compare:
        print("limit (b) SKIPPED (--skip-compare): no table, no DuckDB", flush=True)
        return
    parquet = work / "indicators.parquet"
    if args.reuse and parquet.exists():  # the table of an earlier run (same seed, documents)
        print(f"table: {parquet} of an earlier run", flush=True)
    else:
        rows, seconds = export_table(paths, parquet)
        print(
            f"table: {rows:,} rows from the records in {seconds:.1f} s, "
            f"{parquet.stat().st_size / 1e6:.1f} MB Parquet",
            flush=True,
        )
    check_counts(store_dir, parquet)
    if args.reformulated:
        compare_reformulated(store_dir, parquet, args.repeat, set(args.scans), args.only)
    else:
        compare(store_dir, parquet, args.repeat, args.only)


if __name__ == "__main__":
    main()
