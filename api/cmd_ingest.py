"""``jixiao ingest``: read documents into the store; with ``--dry-run`` only report them."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from jixiao.extract.doc_records import DocumentError
from jixiao.extract.summary import summarize


def _print_text(summaries: list[dict]) -> None:
    for s in summaries:
        total = s["total"]
        print(
            f"{Path(str(s['file'])).name}: {s['kind']}, {s['department']}, {s['fiscal_year']}: "
            f"{s['units']} units, {s['projects']} projects, total "
            f"{'—' if total is None else f'{total:,.2f}'} 万元, {s['indicators']} indicators, "
            f"{s['linked_projects']} linked"
        )
        codes = Counter(i["code"] for i in s["issues"])
        if codes:
            print("  issues: " + ", ".join(f"{k}×{v}" for k, v in sorted(codes.items())))


def _dry_run(args: argparse.Namespace) -> int:
    try:
        summaries = summarize([Path(p) for p in args.paths])
    except DocumentError as exc:
        print(f"jixiao ingest: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(summaries, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(summaries)
    return 0


class _Bar:
    """A one-line progress bar on stderr (redrawn in place on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int, result: object) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * done // max(total, 1)
        name = Path(str(getattr(result, "path", ""))).name
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name}"
        if self.tty:
            sys.stderr.write("\r\x1b[2K" + line + ("\n" if done == total else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _store_run(args: argparse.Namespace) -> int:
    from jixiao.graph.backend import store_spec
    from jixiao.graph.ingest import ingest_paths
    from jixiao.graph.store import open_store

    path = store_spec(args.store)
    try:
        store = open_store(path)
    except OSError as exc:
        print(f"jixiao ingest: cannot open the store at {path}: {exc}", file=sys.stderr)
        return 2
    results = ingest_paths(
        args.paths,
        store,
        progress=_Bar(not args.quiet),
        force=args.force,
        validate=not args.no_validate,
    )
    store.flush()
    if args.json:
        json.dump([r.as_dict() for r in results], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    for r in results:
        if r.status == "error":
            print(f"jixiao ingest: {r.error}", file=sys.stderr)
        elif not args.json:
            codes = Counter(r.issues)
            print(
                f"{Path(r.path).name}: {r.status}: {r.kind}, {r.department}, {r.fiscal_year}: "
                f"{r.projects} projects, {r.indicators} indicators, {r.triples} triples, "
                f"{r.seconds:.2f} s"
                + (
                    "; issues: " + ", ".join(f"{k}×{v}" for k, v in sorted(codes.items()))
                    if codes
                    else ""
                )
            )
    if not args.json:
        stored = sum(r.status == "stored" for r in results)
        unchanged = sum(r.status == "unchanged" for r in results)
        print(
            f"store {path}: {stored} stored, {unchanged} unchanged, "
            f"{sum(r.status == 'error' for r in results)} failed"
        )
    return 2 if any(r.status == "error" for r in results) else 0


def ingest_cmd(args: argparse.Namespace) -> int:
    if args.dry_run:
        return _dry_run(args)
    return _store_run(args)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="read budget documents into the store")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dry-run", action="store_true", help="read and report; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--store",
        metavar="DIR|URL",
        help="store directory or SPARQL server URL (default $JIXIAO_STORE or ./jixiao-data)",
    )
    p.add_argument("--force", action="store_true", help="rebuild documents even if unchanged")
    p.add_argument(
        "--no-validate",
        action="store_true",
        help="skip the SHACL validation of each stored document (run 'jixiao validate' later)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=ingest_cmd)
