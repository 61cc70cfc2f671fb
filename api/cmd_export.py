"""``jixiao export``: a view of the store as GEXF 1.3 (Gephi) or GraphML."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from jixiao.api.common import open_store_or_report
from jixiao.graph.export import FORMATS, VIEWS


def _write(chunks: Iterable[bytes], output: str | None) -> None:
    """Write ``chunks`` to ``output`` (removed again if writing fails), or to stdout."""
    if output is None or output == "-":
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    try:
        with target.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def export_cmd(args: argparse.Namespace) -> int:
    from jixiao.graph.export import iter_export

    store = open_store_or_report(args.store, "export")
    if store is None:
        return 2
    try:
        chunks = iter_export(store, args.format, args.view, args.year)
        del store  # the view is read: release the store's lock before writing
        _write(chunks, args.output)
    except (OSError, ValueError) as exc:
        print(f"jixiao export: {exc}", file=sys.stderr)
        return 2
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="a view of the graph as GEXF 1.3 (Gephi) or GraphML",
        description="Views: full (departments, units, projects, indicators, categories); "
        "categories (projects-categories, weight = indicators); shared-indicators (projects "
        "linked by shared indicator names); units (units-projects-fiscal years).",
    )
    p.add_argument("--format", choices=FORMATS, default="gexf", help="default: gexf")
    p.add_argument("--view", choices=VIEWS, default="full", help="default: full")
    p.add_argument("-o", "--output", metavar="FILE", help="default: standard output")
    p.add_argument("--year", type=int, metavar="Y", help="only projects of fiscal year Y")
    p.add_argument(
        "--store",
        metavar="DIR|URL",
        help="store directory or SPARQL server URL (default $JIXIAO_STORE)",
    )
    p.set_defaults(func=export_cmd)
