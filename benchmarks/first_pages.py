"""Every auditor query's first page on one store, each in a process of its own with a time cap.

Issue #16 asks for each named query's first page (its ``page=offset`` slot, else the text
with ``LIMIT 100``) within 1 s warm at 10⁶ indicators, the cold figure (the first query
after opening the store) stated. ``bigstore.py --named`` times the same pages but in one
process and without a cap, so one slow query holds up the rest; here each query runs in a
child process that is killed after ``--cap`` seconds, and the table says so instead of
waiting. CPU seconds are the child's own (``time.process_time``); the load average is
printed before and after, because wall time on a shared machine is not the query's alone.

    python benchmarks/first_pages.py --store /tmp/s7-1e6 [--cap 120] [--repeat 2] [NAME …]
    python benchmarks/first_pages.py --store DIR --full NAME     # the whole answer too
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.queries import list_queries, load_query, metadata  # noqa: E402
from jixiao.queries.prepared import prepared  # noqa: E402

PAGE = 100


def auditor_queries() -> list[str]:
    """The named queries not tagged internal (those ``jixiao query`` lists)."""
    return [n for n in list_queries() if "internal" not in metadata(load_query(n)).get("tags", "")]


def page_text(name: str, size: int = PAGE) -> str:
    """The first page: the query's own ``page=offset`` slot, else its text + ``LIMIT``."""
    query = prepared(name)
    if "offset" in query.slots.get("page", ()):
        return query.bind({"limit": size, "offset": 0}, {"page": "offset"})[0]
    return query.bind({})[0] + f"LIMIT {size}\n"


def _run(store: object, text: str) -> tuple[float, float, int]:
    from jixiao.graph.store import query

    start, used = time.perf_counter(), time.process_time()
    rows = sum(1 for _ in query(store, text))  # type: ignore[arg-type, union-attr]
    return time.perf_counter() - start, time.process_time() - used, rows


def child(store_dir: str, name: str, repeat: int, full: bool) -> dict[str, object]:
    """One query's figures on a store opened read-only for it (the first run is cold)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_dir)
    text = page_text(name)
    cold = _run(store, text)
    warm = min(_run(store, text) for _ in range(repeat))
    out: dict[str, object] = {"cold": cold, "warm": warm}
    if full:
        out["full"] = _run(store, prepared(name).bind({})[0])
    return out


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="default: every auditor query")
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per query")
    parser.add_argument("--repeat", type=int, default=2, help="warm runs (best is shown)")
    parser.add_argument("--full", action="store_true", help="also the whole answer")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(str(args.store), args.child, args.repeat, args.full)))
        return
    names = args.names or auditor_queries()
    unknown = sorted(set(names) - set(list_queries()))
    if unknown:
        parser.error(f"no such named query: {', '.join(unknown)}")
    print(f"store {args.store}, load average {_load()}, cap {args.cap:.0f} s", flush=True)
    head = f"{'query':38s} {'cold wall':>9s} {'cpu':>7s} {'warm wall':>9s} {'cpu':>7s} {'rows':>5s}"
    print(head + ("  full wall      cpu    rows" if args.full else "") + "  ≤1 s", flush=True)
    within = 0
    for name in names:
        command = [sys.executable, __file__, "--store", str(args.store), "--child", name,
                   "--repeat", str(args.repeat)] + (["--full"] if args.full else [])  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=args.cap, check=False
            )
        except subprocess.TimeoutExpired:
            print(f"{name:38s} over the cap of {args.cap:.0f} s (load {_load()})", flush=True)
            continue
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            print(f"{name:38s} failed: {last}", flush=True)
            continue
        got = json.loads(done.stdout.strip().splitlines()[-1])
        (cw, cc, _), (ww, wc, rows) = got["cold"], got["warm"]
        line = (f"{name:38s} {cw * 1e3:7.0f}ms {cc * 1e3:5.0f}ms {ww * 1e3:7.0f}ms "
                f"{wc * 1e3:5.0f}ms {rows:5d}")  # fmt: skip
        if "full" in got:
            fw, fc, frows = got["full"]
            line += f" {fw * 1e3:8.0f}ms {fc * 1e3:6.0f}ms {frows:7d}"
        ok = wc <= 1.0
        within += ok
        print(line + ("  yes" if ok else "  no"), flush=True)
    print(f"{within} of {len(names)} first pages within 1 s of CPU warm; load average {_load()}")


if __name__ == "__main__":
    main()
