"""``jixiao query`` and ``jixiao stats``: read the store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jixiao.api.common import STORE_HELP, RuntimeFailure, UsageError, reading_store

FORMATS = ("json", "csv", "tsv", "xml", "ttl", "nt")


XSD = "http://www.w3.org/2001/XMLSchema#"


def _query_text(spec: str) -> str:
    """A ``.rq`` file, or the name of a packaged query (``queries/NAME.rq``)."""
    from jixiao.queries import load_query

    path = Path(spec)
    if _is_file(spec):
        return path.read_text(encoding="utf-8")
    return load_query(spec)


def _is_file(spec: str) -> bool:
    path = Path(spec)
    return path.suffix == ".rq" or path.is_file()


def _bindings(text: str, pairs: list[str]) -> dict[str, object]:
    """``NAME=VALUE`` pairs as typed terms of a query file's declared parameters."""
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


def _named(name: str, pairs: list[str]) -> tuple[str, dict[str, object]]:
    """The text of packaged query ``name`` with ``NAME=VALUE`` pairs bound: its declared
    parameters as typed terms (``limit``/``offset`` as whole numbers) and its slots'
    alternatives (``mode=lenient``); the substitutions of the parameters that need them."""
    from jixiao.queries.prepared import prepared

    query = prepared(name)
    values: dict[str, object] = {}
    slots: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        try:
            if not sep:
                raise ValueError("expected NAME=VALUE")
            if key in query.slots:
                if value not in query.slots[key]:
                    raise ValueError(f"expected {' | '.join(query.slots[key])}")
                slots[key] = value
            elif key in ("limit", "offset") and key in query.params:
                values[key] = int(str(query.term(key, value).value))
            else:
                values[key] = query.term(key, value)
        except ValueError as exc:
            known = [f"{p.name} ({p.kind})" for p in query.params.values()]
            known += [f"{k} ({' | '.join(v)})" for k, v in query.slots.items()]
            raise ValueError(
                f"--param {pair!r}: {exc}; parameters: {', '.join(known) or 'none'}"
            ) from None
    text, substitutions = query.bind(values, slots)  # type: ignore[arg-type]
    return text, dict(substitutions)


def query_cmd(args: argparse.Namespace) -> int:
    from jixiao.graph.store import query, serialize

    try:
        text = _query_text(args.query)
        named = None if _is_file(args.query) else _named(args.query, args.param or [])
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise RuntimeFailure(f"cannot read {args.query}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RuntimeFailure(f"{args.query}: not UTF-8 text ({exc.reason})") from None
    if named is not None:
        text, bindings = named
    else:
        try:
            bindings = _bindings(text, args.param or [])
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    with reading_store(args.store, "query") as store:
        try:
            result = query(store, text, bindings)
            data = serialize(result, args.format)
        except SyntaxError as exc:
            raise UsageError(f"SPARQL syntax error in {args.query}: {exc}") from None
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    sys.stdout.buffer.write(data)
    if data and not data.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    return 0


def stats_cmd(args: argparse.Namespace) -> int:
    from jixiao.graph.store import stats

    with reading_store(args.store, "stats") as store:
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
    q = sub.add_parser("query", help="run a SPARQL query (a .rq file or a packaged NAME)")
    q.add_argument("query", metavar="FILE.rq|NAME")
    q.add_argument("--store", metavar="DIR", help=STORE_HELP)
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
        help="a declared parameter (#+ params, e.g. threshold=80, year=2026) or slot (#+ slots, "
        "e.g. mode=lenient) of the query; repeatable",
    )
    q.set_defaults(func=query_cmd)
    s = sub.add_parser("stats", help="counts of documents, triples and records per fiscal year")
    s.add_argument("--store", metavar="DIR", help=STORE_HELP)
    s.add_argument("--json", action="store_true", help="print the counts as JSON")
    s.set_defaults(func=stats_cmd)
