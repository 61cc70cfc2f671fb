"""What a first page of ``copied_indicator_sets`` costs, part by part (issue #16, branch checks7).

The query (queries/copied_indicator_sets.rq) is: keys held by two projects or more (a
``GROUP BY`` over every ``jx:setKey``), the pairs of projects sharing one (candidates), the
names each candidate pair shares (a ``GROUP BY`` over the pairs), the 75 % test, then the
names and years. Each stage is timed alone on a store opened read-only (CPU and wall, with
the load average), and the candidate pairs are counted in Python from the keys, with how
many of them share a name set that comes from the synthetic corpus' one seed::

    python benchmarks/copied_sets_cost.py --store /tmp/s7-checks7-1e5
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox

from jixiao.graph.namespaces import JX
from jixiao.graph.store import PREFIXES
from jixiao.queries.prepared import prepared

SHARED_KEYS = "SELECT ?key WHERE { ?p jx:setKey ?key } GROUP BY ?key HAVING (COUNT(?p) > 1)"
PAIRS = f"""SELECT DISTINCT ?project ?other WHERE {{
  {{ {SHARED_KEYS} }}
  ?project jx:setKey ?key . ?other jx:setKey ?key . FILTER (STR(?project) < STR(?other)) }}"""
STAGES = {
    "set keys (all)": "SELECT ?p ?key WHERE { ?p jx:setKey ?key }",
    "keys held by ≥ 2 projects (GROUP BY)": SHARED_KEYS,
    "candidate pairs (join on keys)": PAIRS,
    "split projects (two signatures)": """SELECT ?split WHERE { ?split jx:setSignature ?s }
        GROUP BY ?split HAVING (COUNT(?s) > 1)""",
}


def _run(store: ox.Store, text: str) -> tuple[float, float, int]:
    start, used = time.perf_counter(), time.process_time()
    result = store.query(text, prefixes=PREFIXES)
    rows = sum(1 for _ in result)  # type: ignore[union-attr]
    return time.perf_counter() - start, time.process_time() - used, rows


def _python_pairs(store: ox.Store) -> None:
    """Candidate pairs counted from the keys in Python, and the shape of the key groups."""
    start, used = time.perf_counter(), time.process_time()
    holders: defaultdict[str, list[str]] = defaultdict(list)
    for quad in store.quads_for_pattern(
        None, ox.NamedNode(str(JX.setKey)), None, ox.DefaultGraph()
    ):
        holders[quad.object.value].append(quad.subject.value)
    projects = {p for group in holders.values() for p in group}
    shared = {k: sorted(set(g)) for k, g in holders.items() if len(set(g)) > 1}
    pairs = {(a, b) for g in shared.values() for i, a in enumerate(g) for b in g[i + 1 :]}
    sizes = Counter(min(len(g), 10**6) for g in shared.values())
    biggest = sorted(sizes.items(), key=lambda kv: -kv[0])[:5]
    print(f"keys {len(holders):,} held by {len(projects):,} projects; shared by ≥ 2: "
          f"{len(shared):,}; candidate pairs {len(pairs):,}; largest key groups "
          f"(size × count) {biggest}; {time.process_time() - used:.1f} s CPU, "
          f"{time.perf_counter() - start:.1f} s wall", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--whole", action="store_true", help="also the whole query")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    _python_pairs(store)
    stages = dict(STAGES)
    whole = prepared("copied_indicator_sets").bind({})[0]
    head, _, rest = whole.partition("WHERE {\n  {\n")  # the query's first sub-select
    common = rest.split("HAVING (COUNT(DISTINCT ?shared) >= 3)")[0]
    stages["pairs sharing ≥ 3 names (COUNT per pair)"] = (
        head.split("SELECT")[0] + common + "HAVING (COUNT(DISTINCT ?shared) >= 3)"
    )
    if args.whole:
        stages["copied_indicator_sets (whole)"] = whole
    for label, text in stages.items():
        wall, cpu, rows = _run(store, text)
        print(f"{label:40s} {cpu * 1e3:9.0f} ms CPU {wall * 1e3:9.0f} ms wall {rows:10,d} rows"
              f"  (load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
