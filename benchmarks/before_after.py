"""Named queries' texts of an earlier commit against today's, on one store, in one run:
whole answers compared row for row (order included), first page (100 rows) and whole
answer timed warm (best of ``--repeat``), CPU (``time.process_time``) and wall, with the
load average beside.

    python benchmarks/before_after.py --store DIR --before c2b7d27 NAME...

The earlier text is read from git (``git show REV:queries/NAME.rq``); the store is opened
read-only. A query whose earlier text reads facts the store lacks gives different rows: the
line says so (``differ``) with the first difference.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from jixiao.queries.prepared import parse, prepared  # noqa: E402


def earlier_text(name: str, rev: str) -> str:
    """The text ``name`` had at ``rev``, as it would run with no parameters."""
    shown = subprocess.run(["git", "show", f"{rev}:queries/{name}.rq"], cwd=ROOT,
                           capture_output=True, text=True, check=True)  # fmt: skip
    return parse(name, shown.stdout).bind({})[0]


def _rows(store: ox.Store, text: str, limit: int | None = None) -> list[tuple[str, ...]]:
    found = store.query(text + (f"LIMIT {limit}\n" if limit else ""))
    names = [v.value for v in found.variables]  # type: ignore[union-attr]
    return [tuple(str(s[n]) for n in names) for s in found]  # type: ignore[union-attr]


def timed(store: ox.Store, text: str, limit: int | None, repeat: int) -> tuple[float, float, int]:
    """(best wall s, best CPU s, rows) of ``text`` (its first ``limit`` rows)."""
    best_wall = best_cpu = float("inf")
    rows = 0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        rows = len(_rows(store, text, limit))
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--before", required=True, help="the git revision of the earlier texts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("names", nargs="+")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    print(f"{'query':38s} {'text':6s} {'page wall':>9s} {'cpu':>7s} {'whole wall':>10s} "
          f"{'cpu':>7s} {'rows':>7s}  load", flush=True)  # fmt: skip
    for name in args.names:
        texts = {"before": earlier_text(name, args.before), "after": prepared(name).bind({})[0]}
        answers = {}
        for label, text in texts.items():
            page = timed(store, text, 100, args.repeat)
            whole = timed(store, text, None, args.repeat)
            answers[label] = _rows(store, text)
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"{name:38s} {label:6s} {page[0] * 1e3:7.0f}ms {page[1] * 1e3:5.0f}ms "
                  f"{whole[0] * 1e3:8.0f}ms {whole[1] * 1e3:5.0f}ms {whole[2]:7d}  {load}",
                  flush=True)  # fmt: skip
        same = answers["before"] == answers["after"]
        note = "same rows, same order" if same else "differ"
        if not same:
            pairs = zip(answers["before"], answers["after"], strict=False)
            first = next((i for i, (a, b) in enumerate(pairs) if a != b), None)
            note += f" (first at row {first}; {len(answers['before'])} vs {len(answers['after'])})"
        print(f"{name:38s} {note}", flush=True)


if __name__ == "__main__":
    main()
