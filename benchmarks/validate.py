"""Benchmark: full validation of the store — the shapes compiled to SPARQL on pyoxigraph
(``--engine sparql``) against pySHACL per document (in worker processes) and one pySHACL run
on the whole graph; findings compared wherever both ran.

The store is built from a synthetic corpus (``benchmarks/synth.py``, documents shaped like
seed 002): by default each document is read and built with the project's own functions
(``graph.ingest.read_one``, ``graph.build.build_document``) in worker processes and
bulk-loaded (``Store.bulk_load``, N-Quads, one named graph per document; then
``Store.optimize``, whose compaction the bulk-loaded files need) — much faster than
``ingest_paths``, which validates each document (``--ingest`` uses it). Documents are not
linked to each other (no ``jx:previousYear``/``jx:sameProjectAs``; no shape reads them).

    python benchmarks/validate.py --indicators 100000 1000000 --engine sparql \\
        --pyshacl-max 10000 --whole-max 10000 [--store-dir DIR]

``sparql_s`` includes writing the ``<document>/report`` graphs: those whose report changed
(a fresh store: all), or all with ``--rewrite``, many in one transaction
(``graph.store_batch``); ``--no-write`` also times the findings alone. pySHACL runs only up
to ``--pyshacl-max`` / ``--whole-max`` indicators (it costs 10–20 ms per indicator here);
above, its time is extrapolated linearly from the largest size it ran at, and the row says
so; ``--pyshacl-sample K`` runs it on K random documents of the store and compares their
findings with the compiled engine's. With ``--store-dir`` a built store is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyoxigraph as ox  # noqa: E402
from synth import write_corpus  # noqa: E402

from jixiao.graph.store import ensure_ontology, open_store  # noqa: E402
from jixiao.graph.validation import (  # noqa: E402
    all_findings,
    document_graphs,
    document_ntriples,
    validate_store,
)
from jixiao.graph.validation.compiled import validate_store_sparql  # noqa: E402
from jixiao.graph.validation.reference import data_graph, validate_graph  # noqa: E402

_BATCH_BYTES = 64 << 20


def _nquads(path: str) -> bytes:
    from jixiao.graph.build import build_document
    from jixiao.graph.ingest import read_one
    from jixiao.graph.iris import document_iri

    loaded = read_one(Path(path))
    graph = f" <{document_iri(loaded.doc)}> .\n"
    return build_document(loaded.doc, loaded.sha256).text().replace(" .\n", graph).encode()


def build_store(target: Path, indicators: int, per_document: int, workers: int) -> int:
    """Synthetic documents → store at ``target`` (bulk load); the number of quads loaded
    (``len(store)`` counts twice after ``bulk_load`` in pyoxigraph 0.5)."""
    quads = 0
    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(p) for p in write_corpus(Path(tmp) / "docs", indicators, per_document)]
        store = open_store(target)
        batch: list[bytes] = []
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for data in pool.map(_nquads, paths):
                quads += data.count(b"\n")
                batch.append(data)
                if sum(map(len, batch)) >= _BATCH_BYTES:
                    store.bulk_load(b"".join(batch), ox.RdfFormat.N_QUADS)
                    batch = []
        if batch:
            store.bulk_load(b"".join(batch), ox.RdfFormat.N_QUADS)
        ensure_ontology(store)
        store.optimize()  # compaction: bulk-loaded files overlap, which slows every scan
        del store
    return quads


def ingest_store(target: Path, indicators: int, per_document: int) -> int:
    from jixiao.graph.ingest import ingest_paths

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(target)
        ingest_paths(write_corpus(Path(tmp) / "docs", indicators, per_document), store)
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        quads = int(next(iter(store.query(count)))["n"].value)  # type: ignore[index, union-attr]
        del store
    return quads


def size_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def _keys(findings: list) -> Counter:
    return Counter((*f.key(), f.message_zh, f.message_en) for f in findings)


def compare_sample(store: ox.Store, done: list, k: int, workers: int) -> dict[str, object]:
    """pySHACL on ``k`` documents drawn at random (seed 0) from a store too big for it:
    are their findings those of the compiled engine (``done``)?"""
    picked = random.Random(0).sample(range(len(done)), min(k, len(done)))
    start = time.perf_counter()
    reference = validate_store(
        store, [done[i].document for i in picked], workers, write=False, engine="pyshacl"
    )
    compiled = [f for i in picked for f in done[i].findings]
    return {
        "sample_documents": len(picked),
        "sample_findings": len(compiled),
        "sample_pyshacl_s": round(time.perf_counter() - start, 1),
        "identical_keys_sample": _keys(compiled) == _keys(all_findings(reference)),
    }


def run(n: int, args: argparse.Namespace, base: Path, rates: dict[str, float]) -> dict:
    target = base / f"store-{n}-{args.per_document}"
    row: dict[str, object] = {"indicators": n}
    built = target / "BUILT.json"
    if not built.exists():
        start = time.perf_counter()
        if args.ingest:
            quads = ingest_store(target, n, args.per_document)
        else:
            quads = build_store(target, n, args.per_document, args.workers)
        seconds = round(time.perf_counter() - start, 1)
        built.write_text(json.dumps({"build_s": seconds, "quads": quads, "ingest": args.ingest}))
    row.update(json.loads(built.read_text()))
    row["store_mb_before_validation"] = size_mb(target)
    store = open_store(target)
    row["documents"] = len(document_graphs(store))
    if args.build_only:
        return row
    found = None
    if args.engine in ("sparql", "both") and args.no_write:
        start = time.perf_counter()
        validate_store(store, workers=args.workers, engine="sparql", path=target, write=False)
        row["sparql_no_write_s"] = round(time.perf_counter() - start, 1)
    if args.engine in ("sparql", "both"):
        start = time.perf_counter()
        done = validate_store_sparql(store, None, args.workers, path=target, rewrite=args.rewrite)
        row["sparql_s"] = round(time.perf_counter() - start, 1)
        row["reports_rewritten"] = args.rewrite
        found = all_findings(done)
        row["findings"] = len(found)
        row["store_mb"] = size_mb(target)
        row["sparql_ms_per_indicator"] = round(1000 * float(row["sparql_s"]) / n, 3)  # type: ignore[arg-type]
        if args.pyshacl_sample:
            row.update(compare_sample(store, done, args.pyshacl_sample, args.workers))
    if args.engine in ("pyshacl", "both") and n <= args.pyshacl_max:
        start = time.perf_counter()
        reference = all_findings(
            validate_store(store, workers=args.workers, write=False, engine="pyshacl")
        )
        row["pyshacl_per_document_s"] = seconds = round(time.perf_counter() - start, 1)
        rates["per_document"] = seconds / n
        if found is not None:
            row["identical_per_document"] = found == reference
            row["identical_keys_per_document"] = _keys(found) == _keys(reference)
        found = found if found is not None else reference
    elif "per_document" in rates:
        row["pyshacl_per_document_s"] = f"~{rates['per_document'] * n:.0f} (extrapolated)"
    if n <= args.whole_max:
        text = b"".join(document_ntriples(store, d) for d in document_graphs(store))
        start = time.perf_counter()
        union = validate_graph(data_graph(text))
        row["whole_graph_s"] = seconds = round(time.perf_counter() - start, 1)
        rates["whole"] = seconds / n
        if found is not None:
            row["identical_whole_graph"] = _keys(union.findings) == _keys(found)
    elif "whole" in rates:
        row["whole_graph_s"] = f"~{rates['whole'] * n:.0f} (extrapolated)"
    if "sparql_s" in row:
        for key, rate in (("per_document", "ratio_per_document"), ("whole", "ratio_whole")):
            if key in rates:
                row[rate] = round(rates[key] * n / max(float(row["sparql_s"]), 1e-9), 1)  # type: ignore[arg-type]
    del store
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--per-document", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: CPUs)")
    parser.add_argument("--engine", choices=("sparql", "pyshacl", "both"), default="both")
    parser.add_argument("--pyshacl-max", type=int, default=10_000)
    parser.add_argument("--whole-max", type=int, default=10_000)
    parser.add_argument(
        "--pyshacl-sample",
        type=int,
        default=0,
        metavar="K",
        help="sparql: also run pySHACL on K random documents and compare their findings",
    )
    parser.add_argument("--ingest", action="store_true", help="build with ingest_paths")
    parser.add_argument("--store-dir", type=Path, help="keep (and reuse) the stores here")
    parser.add_argument("--build-only", action="store_true", help="build the stores, no more")
    parser.add_argument(
        "--no-write",
        action="store_true",
        help="also time the sparql engine without storing reports",
    )
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="sparql: write every report, even those already stored (else only changed ones)",
    )
    args = parser.parse_args(argv)
    args.workers = args.workers or os.cpu_count() or 1
    load = os.getloadavg()
    print(json.dumps({"uptime": subprocess.getoutput("uptime").strip(), "load": load}))
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = args.store_dir or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        for n in sorted(args.indicators):
            print(json.dumps(run(n, args, base, rates), ensure_ascii=False), flush=True)
    print(json.dumps({"uptime": subprocess.getoutput("uptime").strip()}))


if __name__ == "__main__":
    main()
