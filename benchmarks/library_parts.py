"""Where the indicator library's questions spend their time, on a store opened read-only.

``concepts``, ``target_outliers``, ``target_trajectory`` and ``targets_lowered`` (and what the
web concept page and ``/api/concepts/{id}`` run: ``concept_summary`` and ``target_trajectory``
bound to one concept) are cross-document aggregates. For each, this prints the first page
(the named query's text with ``LIMIT 100``; none of them has a ``page=offset`` slot) and the
parts it is made of, each run alone: CPU (``time.process_time``) and wall milliseconds, rows,
and the ratio of its CPU to the reference measured first in the same run — one scan of
``?i jx:concept ?c`` (every indicator's concept link, one index range): what a question
costs in whole-store scans of one predicate. The load average is printed beside every line.

    python benchmarks/library_parts.py --store /tmp/s7-1e6 [--only concepts …] [--repeat 1]

The parts are the sub-patterns of the ``.rq`` files as they are (copied here, one per line
of output, so that a change to a query shows as a change of its parts); ``--whole`` also
times each query's whole answer (at 10⁶ each takes minutes); ``--before REV`` times the concept
page with ``queries/target_trajectory.rq`` as at git revision REV too, and compares the rows.
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

from jixiao.graph.store import PREFIXES  # noqa: E402
from jixiao.queries.prepared import parse, prepared  # noqa: E402

REFERENCE = "SELECT (COUNT(*) AS ?n) WHERE { ?i jx:concept ?c }"
_TARGETS = """?i jx:concept ?concept . ?p jx:hasIndicator ?i ; jx:fiscalYear ?fiscalYear .
  ?i jx:annualTarget ?t . ?t jx:number ?v ; jx:unitText ?unitText ."""
_PROJECT_SCOPE = """SELECT ?project ?concept ?laterYear (MAX(?y) AS ?earlierYear) WHERE {{
  {links}
  ?project jx:hasIndicator/jx:concept ?concept ; jx:fiscalYear ?laterYear .
  ?before jx:fiscalYear ?y ; jx:hasIndicator/jx:concept ?concept .
  FILTER (?y < ?laterYear)
}} GROUP BY ?project ?concept ?laterYear"""
PARTS: dict[str, list[tuple[str, str]]] = {
    "concepts": [
        (
            "indicators per concept (one predicate)",
            "SELECT ?c (COUNT(*) AS ?n) WHERE { ?i jx:concept ?c } GROUP BY ?c",
        ),
        (
            "counts sub-select (name, project, unit, year, inverse per indicator)",
            """SELECT ?concept (COUNT(DISTINCT ?name) AS ?s) (COUNT(DISTINCT ?i) AS ?n)
  (COUNT(DISTINCT ?p) AS ?ps) (COUNT(DISTINCT ?u) AS ?us) (MIN(?year) AS ?y0)
  (MAX(?year) AS ?y1) (MAX(?inverse) AS ?inv) WHERE {
  ?i jx:concept ?concept ; jx:name ?name . ?p jx:hasIndicator ?i ; jx:unit ?u .
  OPTIONAL { ?p jx:fiscalYear ?year } OPTIONAL { ?i jx:lowerIsBetter ?inverse }
} GROUP BY ?concept""",
        ),
        (
            "spelling counts (run twice by the label part)",
            """SELECT ?concept ?spelling (COUNT(DISTINCT ?i) AS ?n) WHERE {
  ?i jx:concept ?concept ; jx:name ?printed . BIND (STR(?printed) AS ?spelling)
} GROUP BY ?concept ?spelling""",
        ),
    ],
    "target_outliers": [
        (
            "targets per concept, year, unit of measure and number (run 3 times)",
            f"SELECT ?concept ?fiscalYear ?unitText ?v (COUNT(DISTINCT ?i) AS ?c) WHERE {{\n"
            f"  {_TARGETS}\n}} GROUP BY ?concept ?fiscalYear ?unitText ?v",
        ),
        (
            "indicators with an annual target (the join alone)",
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {_TARGETS} }}",
        ),
    ],
    "target_trajectory": [
        (
            "projects linked across years (the rows' condition without parameters)",
            """SELECT (COUNT(*) AS ?n) WHERE {
  ?project jx:sameProjectAs|^jx:sameProjectAs|jx:previousYear|^jx:previousYear ?linked }""",
        ),
        (
            "every indicator with its project (first branch, before the filter)",
            """SELECT (COUNT(*) AS ?n) WHERE {
  ?indicator jx:concept ?concept ; jx:name ?name . ?project jx:hasIndicator ?indicator }""",
        ),
    ],
    "targets_lowered": [
        (
            "project scope sub-select, links as a path (before)",
            _PROJECT_SCOPE.format(links="?project jx:previousYear|jx:sameProjectAs ?before ."),
        ),
        (
            "project scope sub-select, links with a bound predicate (now)",
            _PROJECT_SCOPE.format(
                links="VALUES ?link { jx:previousYear jx:sameProjectAs }\n"
                "  ?project ?link ?before ."
            ),
        ),
        (
            "unit scope: groups per unit, concept, measure, comparator, year (run 4 times)",
            """SELECT ?u ?concept ?unitText ?cmp ?y1 WHERE {
  ?i1 jx:concept ?concept . ?p1 jx:hasIndicator ?i1 ; jx:unit ?u ; jx:fiscalYear ?y1 .
  ?i1 jx:annualTarget ?t1 . ?t1 jx:number ?n1 ; jx:unitText ?unitText .
  OPTIONAL { ?t1 jx:comparator ?c1 } BIND (COALESCE(?c1, "") AS ?cmp)
} GROUP BY ?u ?concept ?unitText ?cmp ?y1""",
        ),
        (
            "units printed in more than one year",
            """SELECT ?u WHERE { ?p jx:unit ?u ; jx:fiscalYear ?y }
GROUP BY ?u HAVING (COUNT(DISTINCT ?y) > 1)""",
        ),
    ],
}


def _run(
    store: ox.Store, text: str, subs: dict[str, object] | None = None, limit: int | None = None
) -> tuple[int, float, float]:
    """(rows, CPU ms, wall ms) of one run, reading at most ``limit`` rows."""
    wall, cpu = time.perf_counter(), time.process_time()
    variables = {ox.Variable(k): v for k, v in (subs or {}).items()}
    result = store.query(text, prefixes=PREFIXES, substitutions=variables or None)
    rows = 0
    for _ in result:  # type: ignore[union-attr]
        rows += 1
        if limit is not None and rows >= limit:
            break
    return rows, (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def _line(
    store: ox.Store, label: str, text: str, reference: float, repeat: int, **kw: object
) -> float:
    best = min((_run(store, text, **kw) for _ in range(repeat)), key=lambda r: r[1])  # type: ignore[arg-type]
    rows, cpu, wall = best
    ratio = f"{cpu / reference:8.1f}×" if reference > 0 else "        -"
    load = os.getloadavg()[0]
    print(f"  {label[:70]:70s} {rows:8d} rows {cpu:9.0f} ms cpu {wall:9.0f} ms wall"
          f" {ratio} ref  load {load:.1f}", flush=True)  # fmt: skip
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--only", nargs="*", default=list(PARTS), choices=list(PARTS))
    parser.add_argument("--repeat", type=int, default=2, help="runs per line (best CPU shown)")
    parser.add_argument("--whole", action="store_true", help="also each whole answer")
    parser.add_argument("--no-pages", action="store_true", help="parts only")
    parser.add_argument("--before", metavar="REV", help="concept page: also the text at REV")
    args = parser.parse_args()
    store = ox.Store.read_only(str(args.store))
    _run(store, REFERENCE)  # first query after opening: not the reference
    print(f"store {args.store}; uptime load {os.getloadavg()}")
    reference = _line(store, "reference: one scan of ?i jx:concept ?c", REFERENCE, 0, args.repeat)
    for name in args.only:
        print(name)
        text, subs = prepared(name).bind({})
        if not args.no_pages:
            _line(store, "first page (text + LIMIT 100)", text, reference, args.repeat,
                  subs=subs, limit=100)  # fmt: skip
        for label, part in PARTS[name]:
            _line(store, label, part, reference, args.repeat)
        if args.whole:
            _line(store, "whole answer", text, reference, 1, subs=subs)
    if "target_trajectory" in args.only:
        _concept_pages(store, reference, args.repeat, args.before)


def _rows(store: ox.Store, text: str, subs: dict[str, object]) -> list[tuple[str, ...]]:
    variables = {ox.Variable(k): v for k, v in subs.items()}
    result = store.query(text, prefixes=PREFIXES, substitutions=variables)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [tuple(str(s[n]) for n in names) for s in result]  # type: ignore[union-attr]


def _concept_pages(store: ox.Store, reference: float, repeat: int, before: str | None) -> None:
    """The concept page (``concept_summary`` and ``target_trajectory`` bound to one concept)
    for the largest, the median and the smallest concept; with ``before``, the
    ``target_trajectory`` text of that git revision too, and whether the rows are equal."""
    counts = list(store.query(  # type: ignore[union-attr]
        "SELECT ?c (COUNT(*) AS ?n) WHERE { ?i jx:concept ?c } GROUP BY ?c "
        "ORDER BY DESC(?n) ?c", prefixes=PREFIXES))  # fmt: skip
    if not counts:
        return
    old = None
    if before:
        shown = subprocess.run(
            ["git", "show", f"{before}:queries/target_trajectory.rq"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )  # fmt: skip
        old = parse("target_trajectory", shown.stdout)
    for pick in (counts[0], counts[len(counts) // 2], counts[-1]):
        concept = pick["c"]
        print(f"concept page of a concept with {pick['n'].value} indicators")
        for name in ("concept_summary", "target_trajectory"):
            text, subs = prepared(name).bind({"concept": concept})
            _line(store, f"{name} (whole, as the page runs it)", text, reference, repeat,
                  subs=subs)  # fmt: skip
        if old is not None:
            text, subs = old.bind({"concept": concept})
            _line(store, f"target_trajectory as at {before}", text, reference, repeat, subs=subs)
            now, then = (q.bind({"concept": concept}) for q in (prepared("target_trajectory"), old))
            same = _rows(store, *now) == _rows(store, *then)
            print(f"  same rows, in the same order: {same}")


if __name__ == "__main__":
    main()
