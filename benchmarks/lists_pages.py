"""First pages of the project lists, before and after (issue #16), in one run.

    python benchmarks/lists_pages.py --store DIR [--before REV] [--repeat 3]

On a store opened read-only: the REST page + total of
``GET /api/projects?lacks=satisfaction&year=2026`` (the query and slots ``api/`` runs: the
``page=offset`` page of 100 rows, then the ``result=count`` total), and each project list's
first page (its ``page=offset`` slot, else its text with ``LIMIT 100``), cold (the first
query after opening the store) and warm (best of ``--repeat``), CPU (``time.process_time``)
and wall, with the load average beside. ``--before REV`` runs the same with the query texts
of git revision ``REV`` (read with ``git show``), so each ratio is measured in one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from jixiao.queries.prepared import Query, parse, prepared  # noqa: E402

JX = "https://w3id.org/jixiao/ontology#"
YEAR = ox.Literal("2026", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
LISTS = [
    "projects_without_satisfaction",
    "projects_without_cost",
    "projects_without_effect",
    "projects_without_output",
    "projects_without_satisfaction_lenient",
    "projects_without_indicators",
    "projects",
    "projects_lacking",
]


def _query(name: str, rev: str | None) -> Query:
    if rev is None:
        return prepared(name)
    text = subprocess.run(["git", "show", f"{rev}:queries/{name}.rq"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    return parse(name, text)


def _count(store: ox.Store, query: Query, values: dict, slots: dict[str, str]) -> int:
    text, subs = query.bind(values, slots)
    found = store.query(text, substitutions={ox.Variable(k): v for k, v in subs.items()})
    return sum(1 for _ in found)  # type: ignore[union-attr]


def rest_page(rev: str | None) -> Callable[[ox.Store], int]:
    """What GET /api/projects?lacks=satisfaction&year=2026 runs (api/select.page)."""
    query = _query("projects_lacking_list", rev)
    values = {"category": ox.NamedNode(JX + "CategorySatisfaction"), "year": YEAR}

    def run(store: ox.Store) -> int:
        rows = _count(store, query, {**values, "limit": 100, "offset": 0}, {"page": "offset"})
        return rows + _count(store, query, values, {"result": "count"})

    return run


def first_page(name: str, rev: str | None) -> Callable[[ox.Store], int]:
    query = _query(name, rev)
    if "offset" in query.slots.get("page", ()):
        return lambda store: _count(store, query, {"limit": 100, "offset": 0}, {"page": "offset"})
    text = query.bind({})[0] + "LIMIT 100\n"
    return lambda store: sum(1 for _ in store.query(text))  # type: ignore[union-attr]


def _timed(run: Callable[[ox.Store], int], store: ox.Store) -> tuple[float, float, int]:
    start, used = time.perf_counter(), time.process_time()
    rows = run(store)
    return time.perf_counter() - start, time.process_time() - used, rows


def measure(store_dir: Path, label: str, run: Callable[[ox.Store], int], repeat: int) -> None:
    store = ox.Store.read_only(str(store_dir))
    cold = _timed(run, store)
    warm = min((_timed(run, store) for _ in range(repeat)), key=lambda t: t[1])
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{label:52s} cold {cold[0] * 1e3:7.0f} ms cpu {cold[1] * 1e3:7.0f} ms | warm "
          f"{warm[0] * 1e3:7.0f} ms cpu {warm[1] * 1e3:7.0f} ms | rows {warm[2]:4d} | load {load}",
          flush=True)  # fmt: skip
    del store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--before", metavar="REV", help="also time the texts of this revision")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="lists to time (default: all)")
    parser.add_argument("--no-rest", action="store_true")
    args = parser.parse_args()
    revs = [args.before, None] if args.before else [None]
    if not args.no_rest:
        for rev in revs:
            label = f"REST lacks=satisfaction&year page+total ({rev or 'now'})"
            measure(args.store, label, rest_page(rev), args.repeat)
    for name in args.only if args.only is not None else LISTS:
        for rev in revs:
            measure(args.store, f"{name} ({rev or 'now'})", first_page(name, rev), args.repeat)


if __name__ == "__main__":
    main()
