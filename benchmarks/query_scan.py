"""What the endpoint's safety scan costs per query, next to parsing the same text.

    python benchmarks/query_scan.py [--repeat 5]

For each kind of query: the scan (api/sparql_scan.py, which every /sparql request pays
before a worker sees it), pyoxigraph parsing and planning it on an empty in-memory store
(the reference: what the worker pays anyway), and rdflib's SPARQL parser (pyparsing), the
other way to know where SERVICE is. Prints the best of ``--repeat`` runs in milliseconds and
the ratios to the reference measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao import queries  # noqa: E402
from jixiao.api.sparql_scan import scan_query  # noqa: E402
from jixiao.graph.store import PREFIXES  # noqa: E402

PROLOGUE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def cases() -> list[tuple[str, str]]:
    named = [(n, PROLOGUE + queries.load_query(n)) for n in queries.list_queries()[:4]]
    values = " ".join(f"<https://w3id.org/jixiao/id/p{i}>" for i in range(7_000))
    return [
        *named,
        ("250 KB comment", "SELECT * { ?s ?p ?o } LIMIT 1\n#" + "x" * 250_000),
        ("VALUES of 7,000 IRIs", f"SELECT * {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"),
        ("5,000 chained additions", "ASK { FILTER(" + "+".join(["1"] * 5_000) + " > 0) }"),
        ("nested 60 levels", "SELECT * " + "{" * 60 + " ?s ?p ?o " + "}" * 60),
    ]


def best(function: Callable[[], object], repeat: int) -> float | None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            function()
        except RecursionError:
            return None
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    from rdflib.plugins.sparql.parser import parseQuery

    store = ox.Store()
    print(f"{'query':34} {'chars':>8} {'pyoxigraph':>11} {'scan':>9} {'rdflib':>10} "
          f"{'scan/oxi':>9} {'rdflib/scan':>12}")  # fmt: skip
    for name, text in cases():
        reference = best(lambda t=text: store.query(t), args.repeat)
        scan = best(lambda t=text: scan_query(t), args.repeat)
        rdflib = best(lambda t=text: parseQuery(t), min(args.repeat, 2))
        shown = "recursion" if rdflib is None else f"{rdflib:8.2f}ms"
        ratio = "-" if rdflib is None else f"{rdflib / scan:11.1f}x"
        print(f"{name:34} {len(text):8} {reference:9.2f}ms {scan:7.2f}ms {shown:>10} "
              f"{scan / reference:8.2f}x {ratio:>12}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
