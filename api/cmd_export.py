"""``jixiao export``: a view of the store as GEXF 1.3 (Gephi) or GraphML."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from jixiao.api.common import STORE_HELP, RuntimeFailure, reading_store
from jixiao.graph.export import FORMATS, VIEWS
from jixiao.graph.gexf import LAYOUTS


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
    from jixiao.graph.export import iter_export, iter_gexf

    if args.layout and args.format != "gexf":
        raise RuntimeFailure(f"--layout writes viz:position, a GEXF element; not {args.format}")
    with reading_store(args.store, "export") as store:
        if args.layout:  # positions are computed before the output file is opened
            chunks = iter_gexf(store, args.view, args.year, args.layout)
        else:
            chunks = iter_export(store, args.format, args.view, args.year)
        try:
            _write(chunks, args.output)
        except OSError as exc:
            raise RuntimeFailure(f"cannot write {args.output}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise RuntimeFailure(str(exc)) from None
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
        "--layout",
        choices=LAYOUTS,
        help="GEXF only: write node positions (viz:position) from a networkx layout; "
        "default: none (Gephi lays the graph out itself)",
    )
    p.add_argument("--store", metavar="DIR", help=STORE_HELP)
    p.set_defaults(func=export_cmd)
