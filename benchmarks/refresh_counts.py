"""Backfill of the prepared counts (:mod:`graph.prepared_counts`) and unit total checks
(:mod:`graph.prepared_unit_totals`) on a store built before them, for ``bigstore.py
--refresh-counts``: each document graph is read once (by the check's own query, bound to
it), then every unit and year's project graph is prepared again. Only lines are added: the
project graphs' other lines are those already stored, so nothing is removed. Like the rest
of ``bigstore.py`` it bulk-loads (not atomic: for benchmark stores).

    python benchmarks/refresh_counts.py --store DIR [--strip]

``--strip`` first deletes those facts (to time the backfill on a store that has them).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from jixiao.graph.namespaces import JX  # noqa: E402
from jixiao.graph.prepared import facts_graph  # noqa: E402
from jixiao.graph.prepared_projects import unit_year, with_project_facts  # noqa: E402
from jixiao.graph.prepared_unit_totals import unit_total_facts  # noqa: E402

_NEW = ("memberCount", "indicatorCount", "projectCount", "checksUnitTotals", "checkedDocument",
        "checkedUnit", "checkedYear", "checkedProjects", "unitTotal", "projectSum")  # fmt: skip


def strip(store: ox.Store) -> None:
    """Delete the facts this backfill writes, from every graph."""
    for name in _NEW:
        for pattern in (f"?s <{JX[name]}> ?o", f"GRAPH ?g {{ ?s <{JX[name]}> ?o }}"):
            store.update(f"DELETE WHERE {{ {pattern} }}")
    kind = f"<{JX.UnitTotalMismatch}>"
    for pattern in (f"?s a {kind}", f"GRAPH ?g {{ ?s a {kind} }}"):
        store.update(f"DELETE WHERE {{ {pattern} }}")


def _load(store: ox.Store, graph: str, text: str | bytes) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)  # the default graph (union)


def refresh_counts(store: ox.Store) -> dict[str, float]:
    """Add the counts and unit total checks; seconds (wall and CPU) of each part."""
    figures: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    found = store.query(f"SELECT ?d {{ GRAPH ?d {{ ?d a <{JX.SourceDocument}> }} }}")
    documents = [row["d"] for row in found]  # type: ignore[union-attr, index]
    for document in documents:
        facts = facts_graph(document.value)
        lines = unit_total_facts(SimpleNamespace(store=store, name=document), facts)  # type: ignore[arg-type]
        _load(store, facts, "".join(line + "\n" for line in lines))
    figures["documents"] = len(documents)
    figures["unit totals s"] = time.perf_counter() - wall
    figures["unit totals cpu s"] = time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    tally_unit = ox.NamedNode(str(JX.tallyUnit))
    quads = store.quads_for_pattern(None, tally_unit, None, ox.DefaultGraph())
    unit_years = {uy for q in quads if (uy := unit_year(q.subject.value))}
    for graph, text in with_project_facts(store, {}, sorted(unit_years)).items():
        _load(store, graph, text)
    figures["unit-years"] = len(unit_years)
    figures["counts s"] = time.perf_counter() - wall
    figures["counts cpu s"] = time.process_time() - cpu
    store.optimize()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--strip", action="store_true", help="delete those facts first")
    args = parser.parse_args()
    store = ox.Store(str(args.store))
    if args.strip:
        strip(store)
    print(", ".join(f"{k} {v:,.1f}" for k, v in refresh_counts(store).items()), flush=True)


if __name__ == "__main__":
    main()
