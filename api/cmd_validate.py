"""``jixiao validate``: re-validate every document of the store with the SHACL shapes.

Documents are validated in parallel worker processes; each report is stored in the named
graph ``<document>/report``. ``--engine sparql`` (the default) runs the shapes compiled to
SPARQL on the store; ``--engine pyshacl`` runs pySHACL, the reference, on each document
(same findings and reports, ≈ 20–40× slower). Output: text grouped by unit and project (counts per
severity), JSON (``{"conforms", "results", "summary"}``) or the Turtle
``sh:ValidationReport``. Exit status 0 whether or not findings are reported; 2 on errors.
"""

from __future__ import annotations

import argparse
import sys

from jixiao.api.common import open_store_or_report


def validate_cmd(args: argparse.Namespace) -> int:
    from jixiao.graph.findings import render_json, render_text
    from jixiao.graph.shacl_sparql import UnsupportedShape
    from jixiao.graph.store import store_path
    from jixiao.graph.validate import all_findings, merged_report, validate_store

    store = open_store_or_report(args.store, "validate")
    if store is None:
        return 2
    try:
        validations = validate_store(
            store,
            workers=args.workers,
            write=not args.no_write,
            engine=args.engine,
            path=store_path(args.store),
        )
    except (UnsupportedShape, ValueError) as error:
        print(f"jixiao validate: {error}", file=sys.stderr)
        return 2
    findings = all_findings(validations)
    if args.format == "json":
        sys.stdout.write(render_json(findings, len(validations)) + "\n")
    elif args.format == "ttl":
        data = merged_report(validations).serialize(format="turtle", encoding="utf-8")
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(render_text(findings, len(validations)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate every document with the SHACL shapes")
    p.add_argument(
        "--store",
        metavar="DIR|URL",
        help="store directory or SPARQL server URL (default $JIXIAO_STORE)",
    )
    p.add_argument("--format", choices=("text", "json", "ttl"), default="text")
    p.add_argument(
        "--engine",
        choices=("sparql", "pyshacl"),
        default="sparql",
        help="sparql: the shapes compiled to SPARQL, run on the store (default); "
        "pyshacl: the reference validator, per document",
    )
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: CPUs)")
    p.add_argument(
        "--no-write", action="store_true", help="do not store the reports in <document>/report"
    )
    p.set_defaults(func=validate_cmd)
