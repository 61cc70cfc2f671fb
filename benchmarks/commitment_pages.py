"""First pages of the commitment lists on a store opened read-only (issue #16, branch checks7).

For ``unmeasured_commitments`` and ``disagreeing_commitments``: the prepared candidates
(:mod:`graph.prepared_commitments`), the first page of 100 before (the ``page=all`` text with
``LIMIT 100``) and after (the ``page=offset`` slot), cold and warm, the whole answer, and with
``--check`` every page of ``--size`` rows compared with its slice of the whole answer (order
included: the keys are unique per row of the sort)::

    python benchmarks/commitment_pages.py --store /tmp/s7-checks7-1e4 --check
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox

from jixiao.graph.namespaces import JX
from jixiao.graph.store import PREFIXES
from jixiao.queries.prepared import prepared

QUERIES = ["unmeasured_commitments", "disagreeing_commitments"]
Row = tuple[str | None, ...]


def _run(store: ox.Store, text: str) -> tuple[float, float, list[Row]]:
    """(wall s, CPU s, rows) of one run of ``text``, its answer read whole."""
    start, used = time.perf_counter(), time.process_time()
    result = store.query(text, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = [tuple(None if s[v] is None else str(s[v]) for v in names) for s in result]
    return time.perf_counter() - start, time.process_time() - used, rows


def _page(name: str, limit: int, offset: int) -> str:
    return prepared(name).bind({"limit": limit, "offset": offset}, {"page": "offset"})[0]


def _count(store: ox.Store, predicate: str) -> int:
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?k }}"
    return int(next(iter(store.query(text)))["n"].value)  # type: ignore[arg-type,index,call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="every page against the whole")
    parser.add_argument("--size", type=int, default=100, help="rows per page with --check")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    print(f"load average {os.getloadavg()[0]:.1f}; candidates: "
          f"{_count(store, str(JX.unmeasuredKey)):,} unmeasured keys, "
          f"{_count(store, str(JX.disagreementKey)):,} disagreement rows", flush=True)  # fmt: skip
    print(f"{'query':26s} {'before cpu':>10s} {'wall':>8s} {'after cold':>10s} {'cpu':>8s}"
          f" {'wall':>8s} {'whole cpu':>10s} {'rows':>7s} load", flush=True)  # fmt: skip
    for name in QUERIES:
        after = _page(name, 100, 0)
        cold = _run(store, after)
        before = min(_run(store, prepared(name).bind({})[0] + "LIMIT 100\n")[:2]
                     for _ in range(args.repeat))  # fmt: skip
        warm = min(_run(store, after)[:2] for _ in range(args.repeat))
        whole = _run(store, prepared(name).bind({})[0])
        print(f"{name:26s} {before[1] * 1e3:8.0f}ms {before[0] * 1e3:6.0f}ms "
              f"{cold[0] * 1e3:8.0f}ms {warm[1] * 1e3:6.0f}ms {warm[0] * 1e3:6.0f}ms "
              f"{whole[1] * 1e3:8.0f}ms {len(whole[2]):7d} {os.getloadavg()[0]:.1f}",
              flush=True)  # fmt: skip
        if args.check:
            pages: list[Row] = []
            for offset in range(0, len(whole[2]) + args.size, args.size):
                pages += _run(store, _page(name, args.size, offset))[2]
            same = pages == whole[2]
            print(f"  {name}: pages of {args.size} joined = whole answer, row for row: {same}"
                  f" ({len(pages)} vs {len(whole[2])} rows)", flush=True)  # fmt: skip
            if not same:
                sys.exit(1)


if __name__ == "__main__":
    main()
