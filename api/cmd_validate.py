"""``jixiao validate``: re-validate every document of the store with the SHACL shapes.

Documents are validated in parallel worker processes; each report is stored in the named
graph ``<document>/report``. ``--engine compiled`` (the default; ``sparql`` is its older
name) runs the shapes compiled to SPARQL on the store; ``--engine pyshacl`` runs pySHACL,
the reference, on each document (same findings and reports, ≈ 20–40× slower). Output:
text grouped by unit and project (counts per severity), JSON (``{"conforms", "results",
"summary"}``) or the Turtle ``sh:ValidationReport``.

Exit status 0 whether or not findings are reported, unless ``--fail-on LEVEL``: then 1
when a finding of that severity or a more severe one is reported (Violation > Warning >
Info). 2 on usage errors, 3 when the store cannot be read or written. With ``--no-write``
the store is only read, so it also works beside a running ``jixiao serve`` (on its newest
checkpoint); writing the reports needs the store to itself.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pyoxigraph as ox

from jixiao.api.common import (
    EXIT_FINDINGS,
    STORE_HELP,
    RuntimeFailure,
    UsageError,
    open_writable,
    reading,
)
from jixiao.graph.categories import SHACL_SEVERITIES

SEVERITIES = SHACL_SEVERITIES  # most severe first (graph/categories.py)


def failing(severities: Sequence[str], level: str) -> int:
    """How many of ``severities`` are ``level`` or more severe."""
    worst = SEVERITIES.index(level)
    return sum(1 for s in severities if s in SEVERITIES and SEVERITIES.index(s) <= worst)


@contextmanager
def _store(args: argparse.Namespace) -> Iterator[tuple[ox.Store, bool]]:
    """The store, and whether it is a local primary (a checkpoint or a SPARQL server is
    validated in-process)."""
    if args.no_write:
        with reading(args.store, "validate") as (store, checkpoint):
            yield store, checkpoint is None
        return
    from jixiao.graph.backend import store_spec
    from jixiao.graph.store import store_path

    if isinstance(store_spec(args.store), str):
        yield open_writable(args.store, "stop the other writer"), False
        return
    path = store_path(args.store)
    if not path.is_dir():
        raise RuntimeFailure(f"no store at {path} (run `jixiao ingest` first)")
    yield open_writable(path, "stop it, or validate without writing (--no-write)"), True


def validate_cmd(args: argparse.Namespace) -> int:
    from jixiao.graph.store import store_path
    from jixiao.graph.validation import (
        UnsupportedShape,
        all_findings,
        merged_report,
        render_json,
        render_text,
        validate_store,
    )

    with _store(args) as (store, primary):
        try:
            validations = validate_store(
                store,
                workers=args.workers,
                write=not args.no_write,
                engine=args.engine,
                path=store_path(args.store) if primary else None,
            )
        except UnsupportedShape as error:
            raise UsageError(str(error)) from None
        except ValueError as error:
            raise RuntimeFailure(str(error)) from None
    findings = all_findings(validations)
    if args.format == "json":
        sys.stdout.write(render_json(findings, len(validations)) + "\n")
    elif args.format == "ttl":
        data = merged_report(validations).serialize(format="turtle", encoding="utf-8")
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(render_text(findings, len(validations)))
    if args.fail_on:
        n = failing([f.severity for f in findings], args.fail_on)
        if n:
            print(
                f"jixiao validate: {n} findings at or above {args.fail_on} (--fail-on)",
                file=sys.stderr,
            )
            return EXIT_FINDINGS
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="validate every document with the SHACL shapes",
        description="Exit status: 0 done (findings or not), 1 with --fail-on when a finding "
        "at or above the level is reported, 2 usage, 3 runtime (no store, store in use).",
    )
    p.add_argument("--store", metavar="DIR", help=STORE_HELP)
    p.add_argument("--format", choices=("text", "json", "ttl"), default="text")
    p.add_argument(
        "--engine",
        choices=("compiled", "sparql", "pyshacl"),
        default="compiled",
        help="compiled (or sparql): the shapes compiled to SPARQL, run on the store "
        "(default); pyshacl: the reference validator, per document",
    )
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: CPUs)")
    p.add_argument(
        "--no-write",
        action="store_true",
        help="do not store the reports in <document>/report (reads only: works beside serve)",
    )
    p.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        metavar="LEVEL",
        help="exit 1 when a finding of LEVEL or more severe is reported "
        "(Violation > Warning > Info)",
    )
    p.set_defaults(func=validate_cmd)
