"""Backfill and check the order keys of :mod:`graph.prepared_order` on a bigstore store.

    python benchmarks/order_keys.py --store DIR            # add the keys (replaces old ones)
    python benchmarks/order_keys.py --store DIR --check [NAME…]  # pages against the whole

The backfill reads each document graph once, computes its keys as ingest does, and writes
them into the document's facts graph and the default graph (the union), as
``bigstore.py --refresh-order`` does; it prints its seconds (wall and CPU). ``--check``
compares, for each keyed query, the page of every cut it tries with the slice of the whole
answer (sort keys and rows), on a store opened read-only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from jixiao.graph.namespaces import JX  # noqa: E402
from jixiao.graph.prepared import facts_graph  # noqa: E402
from jixiao.graph.prepared_order import order_facts  # noqa: E402
from jixiao.graph.store import PREFIXES  # noqa: E402
from jixiao.queries.prepared import prepared  # noqa: E402

KEYED = ("unmeasurable_targets", "implausible_rates")
_DOCUMENTS = f"SELECT ?d {{ GRAPH ?d {{ ?d a <{JX.SourceDocument}> }} }}"


def refresh_order_keys(store_dir: Path) -> tuple[float, float, int]:
    """Replace every document's order keys with those computed from its stored graph;
    (wall s, CPU s, key triples written)."""
    start, used = time.perf_counter(), time.process_time()
    store = ox.Store(str(store_dir))
    for key in (JX.unmeasurableKey, JX.implausibleKey):
        for pattern in (f"?s <{key}> ?k", f"GRAPH ?g {{ ?s <{key}> ?k }}"):
            store.update(f"DELETE WHERE {{ {pattern} }}")
    documents = [r["d"] for r in store.query(_DOCUMENTS)]  # type: ignore[union-attr,index]
    written = 0
    for document in documents:
        graph = ox.Store()
        graph.extend(
            ox.Quad(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, document)  # type: ignore[arg-type]
        )
        lines = order_facts(graph)
        written += len(lines)
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        name = ox.NamedNode(facts_graph(document.value))  # type: ignore[union-attr]
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=name)
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    store.optimize()
    return time.perf_counter() - start, time.process_time() - used, written


def _rows(store: ox.Store, name: str, values: dict[str, object], page: str) -> list[tuple]:
    text, subs = prepared(name).bind(values, {"page": page})  # type: ignore[arg-type]
    result = store.query(text, prefixes=PREFIXES, substitutions=subs or None)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [tuple(None if s[v] is None else str(s[v]) for v in names) for s in result]  # type: ignore[union-attr]


def _variables(store: ox.Store, name: str) -> list[str]:
    result = store.query(
        prepared(name).bind({"limit": 0}, {"page": "offset"})[0], prefixes=PREFIXES
    )
    return [v.value for v in result.variables]  # type: ignore[union-attr]


def check_pages(store_dir: Path, names: tuple[str, ...] = KEYED) -> bool:
    """Whether every page tried equals its slice of the whole answer (printed per query)."""
    store = ox.Store.read_only(str(store_dir))
    ok = True
    for name in names:
        whole = _rows(store, name, {}, "all")
        n = len(whole)
        cuts = [(100, 0), (1, 0), (7, 3), (100, n // 3), (250, n // 2), (100, n - 50), (10, n)]
        sort = [i for i, v in enumerate(_variables(store, name)) if v in prepared(name).sorted]
        same = 0
        for limit, offset in cuts:
            page = _rows(store, name, {"limit": limit, "offset": max(offset, 0)}, "offset")
            want = whole[max(offset, 0) : max(offset, 0) + limit]
            keys = [[r[i] for i in sort] for r in page] == [[r[i] for i in sort] for r in want]
            same += keys and set(page) <= set(whole) and len(set(page)) == len(page)
        print(f"{name}: {n} rows whole; {same}/{len(cuts)} pages equal their slice", flush=True)
        ok = ok and same == len(cuts)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--check", nargs="*", metavar="NAME", help="compare pages with the whole")
    args = parser.parse_args()
    if args.check is not None:
        raise SystemExit(0 if check_pages(args.store, tuple(args.check) or KEYED) else 1)
    wall, cpu, written = refresh_order_keys(args.store)
    print(f"order keys: {written:,} triples in {wall:,.1f} s wall, {cpu:,.1f} s CPU; "
          f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
