"""Bulk write rate of each store backend, in one run: the embedded store, Oxigraph server,
Virtuoso (both started on loopback by ``tests/servers.py``; a backend whose server is not
installed is left out and said so).

Synthetic documents (``benchmarks/synth.py``) are read and built first (not timed); then
each backend, emptied, receives every document the way ``jixiao ingest`` writes it
(:func:`graph.backend.replace_graphs`: the document's graph and its share of the union,
all or nothing — one update on the embedded store and Oxigraph server, a staged swap on
Virtuoso), and a second time (every graph replaced: the old share of the union removed
first). Quads written = each triple twice (its graph and the union). Rates are printed
with their ratio to the embedded store's, measured in the same run.

    python benchmarks/backends.py --indicators 20000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.graph import iris  # noqa: E402
from jixiao.graph.backend import replace_graphs  # noqa: E402
from jixiao.graph.build import build_document  # noqa: E402
from jixiao.graph.ingest import read_one  # noqa: E402
from jixiao.graph.remote import open_remote  # noqa: E402
from jixiao.graph.store import open_store, query  # noqa: E402
from tests import servers  # noqa: E402


def _documents(indicators: int, per_document: int, root: Path) -> list[tuple[str, str]]:
    out = []
    for path in write_corpus(root / "corpus", indicators, per_document):
        loaded = read_one(path)
        text = build_document(loaded.doc, loaded.sha256, []).text()
        out.append((iris.document_iri(loaded.doc), text))
    return out


def _write_all(store: object, documents: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for name, text in documents:
        replace_graphs(store, {name: text})  # type: ignore[arg-type]
    return time.perf_counter() - start


def _union(store: object) -> int:
    rows = query(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")  # type: ignore[arg-type]
    return int(next(iter(rows))["n"].value)  # type: ignore[index, union-attr, arg-type]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=20000)
    parser.add_argument("--per-document", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-backends-") as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        documents = _documents(args.indicators, args.per_document, root)
        triples = sum(text.count("\n") for _, text in documents)
        print(
            f"{len(documents)} documents, {args.indicators} indicators, {triples} triples "
            f"(read and built in {time.perf_counter() - start:.1f} s)"
        )
        print(f"{'backend':<10} {'write s':>8} {'quads/s':>9} {'x embedded':>10} "
              f"{'rewrite s':>9} {'quads/s':>9} {'x embedded':>10} {'union':>8}")  # fmt: skip
        reference: tuple[float, float] | None = None
        for kind in servers.BACKENDS:
            why = None if kind == "embedded" else servers.missing(kind)
            if why:
                print(f"{kind:<10} left out: needs {why}")
                continue
            if kind == "embedded":
                store = open_store(root / "embedded")
                first, again = _write_all(store, documents), _write_all(store, documents)
                union = _union(store)
            else:
                with servers.server(kind, root) as running:
                    store = open_remote(running.url, env=running.env, write=True)
                    first, again = _write_all(store, documents), _write_all(store, documents)
                    union = _union(store)
            rates = (2 * triples / first, 2 * triples / again)
            reference = reference or rates
            print(
                f"{kind:<10} {first:>8.2f} {rates[0]:>9.0f} {rates[0] / reference[0]:>10.2f} "
                f"{again:>9.2f} {rates[1]:>9.0f} {rates[1] / reference[1]:>10.2f} {union:>8}"
            )


if __name__ == "__main__":
    main()
