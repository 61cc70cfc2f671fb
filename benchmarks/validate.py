"""Benchmark: SHACL validation per document (in worker processes) vs one whole-graph run.

Builds a synthetic corpus with ``benchmarks/synth.py`` (documents shaped like seed 002),
ingests it into a temporary store, then times ``validate_store`` (per document, parallel)
and, where ``--whole`` is given, one pySHACL run on the union of all document graphs, and
checks that both find the same results.

    python benchmarks/validate.py --indicators 1000 10000 --per-document 1000 [--whole]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import write_corpus  # noqa: E402

from graph.ingest import ingest_paths  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.validate import (  # noqa: E402
    all_findings,
    data_graph,
    document_graphs,
    document_ntriples,
    validate_graph,
    validate_store,
)


def run(indicators: int, per_document: int, workers: int | None, whole: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(Path(tmp) / "docs", indicators, per_document)
        store = open_store(Path(tmp) / "store")
        ingest_paths(paths, store)
        triples = len(store)
        start = time.perf_counter()
        validations = validate_store(store, workers=workers)
        per_doc = time.perf_counter() - start
        found = all_findings(validations)
        row: dict[str, object] = {
            "indicators": indicators,
            "documents": len(validations),
            "triples": triples,
            "per_document_s": round(per_doc, 2),
            "findings": len(found),
        }
        if whole:
            text = b"".join(document_ntriples(store, d) for d in document_graphs(store))
            start = time.perf_counter()
            union = validate_graph(data_graph(text))
            row["whole_graph_s"] = round(time.perf_counter() - start, 2)
            row["ratio"] = round(float(row["whole_graph_s"]) / per_doc, 2)  # type: ignore[arg-type]
            row["identical"] = {f.key() for f in union.findings} == {f.key() for f in found}
        return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--indicators", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--per-document", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--whole", action="store_true", help="also one whole-graph run")
    args = parser.parse_args(argv)
    for n in args.indicators:
        print(run(n, args.per_document, args.workers, args.whole), flush=True)


if __name__ == "__main__":
    main()
