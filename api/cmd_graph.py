"""``jixiao query`` and ``jixiao stats``: read the store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jixiao.api.common import open_store_or_report

FORMATS = ("json", "csv", "tsv", "xml", "ttl", "nt")


XSD = "http://www.w3.org/2001/XMLSchema#"


def _query_text(spec: str) -> str:
    """A ``.rq`` file, or the name of a packaged query (``queries/NAME.rq``)."""
    from jixiao.queries import load_query

    path = Path(spec)
    if path.suffix == ".rq" or path.is_file():
        return path.read_text(encoding="utf-8")
    return load_query(spec)


def _bindings(text: str, pairs: list[str]) -> dict[str, object]:
    """``NAME=VALUE`` pairs as typed terms of the query's declared parameters."""
    import pyoxigraph as ox

    from jixiao.queries import check_parameter, parameters

    declared = parameters(text)
    out: dict[str, object] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or name not in declared:
            known = ", ".join(f"{k} ({v})" for k, v in declared.items()) or "none"
            raise ValueError(f"--param {pair!r}: expected NAME=VALUE; parameters: {known}")
        kind = declared[name]
        problem = check_parameter(value, kind)
        if problem:
            raise ValueError(f"--param {name}: {problem}")
        if kind == "iri":
            out[name] = ox.NamedNode(value)
        elif kind == "string":
            out[name] = ox.Literal(value)
        else:
            out[name] = ox.Literal(value, datatype=ox.NamedNode(XSD + kind))
    return out


def query_cmd(args: argparse.Namespace) -> int:
    from jixiao.graph.store import query, serialize

    try:
        text = _query_text(args.query)
    except (OSError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else str(exc)
        print(f"jixiao query: {message}", file=sys.stderr)
        return 2
    try:
        bindings = _bindings(text, args.param or [])
    except ValueError as exc:
        print(f"jixiao query: {exc}", file=sys.stderr)
        return 2
    store = open_store_or_report(args.store, "query")
    if store is None:
        return 2
    try:
        result = query(store, text, bindings)
        data = serialize(result, args.format)
    except SyntaxError as exc:
        print(f"jixiao query: SPARQL syntax error in {args.query}: {exc}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:  # OSError: a server's store refused the query
        print(f"jixiao query: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(data)
    if data and not data.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    return 0


def stats_cmd(args: argparse.Namespace) -> int:
    from jixiao.graph.store import stats

    store = open_store_or_report(args.store, "stats")
    if store is None:
        return 2
    s = stats(store)
    if args.json:
        json.dump(s.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"documents {s.documents}, graphs {s.graphs}, triples {s.triples:,}")
    print(f"{'year':>6} {'departments':>11} {'units':>6} {'projects':>9} {'indicators':>10}")
    for y in s.years:
        print(
            f"{y.fiscal_year:>6} {y.departments:>11} {y.units:>6} {y.projects:>9} "
            f"{y.indicators:>10}"
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    store_help = "store directory or SPARQL server URL (default $JIXIAO_STORE or ./jixiao-data)"
    q = sub.add_parser("query", help="run a SPARQL query (a .rq file or a packaged NAME)")
    q.add_argument("query", metavar="FILE.rq|NAME")
    q.add_argument("--store", metavar="DIR|URL", help=store_help)
    q.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="json/csv/tsv/xml for SELECT and ASK (default json); ttl/nt/xml for CONSTRUCT "
        "(default ttl)",
    )
    q.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="a declared parameter of the query (#+ params), e.g. threshold=80; repeatable",
    )
    q.set_defaults(func=query_cmd)
    s = sub.add_parser("stats", help="counts of documents, triples and records per fiscal year")
    s.add_argument("--store", metavar="DIR|URL", help=store_help)
    s.add_argument("--json", action="store_true", help="print the counts as JSON")
    s.set_defaults(func=stats_cmd)
