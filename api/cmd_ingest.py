"""``jixiao ingest``: read documents into the store; with ``--dry-run`` only report them.

Documents may be PDF, XLSX/XLS/ODS, HTML, DOCX or text (UTF-8, UTF-16, GB18030/GBK);
``--encoding`` forces a text or HTML file's encoding."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from jixiao.api.common import EXIT_RUNTIME, STORE_HELP, RuntimeFailure, open_writable
from jixiao.extract.doc_records import DocumentError
from jixiao.extract.summary import read_each, summarize_documents

# What a write beside a running server should do instead.
_BESIDE_SERVE = "stop it first, or upload the documents through its API (POST /api/documents)"


def _print_text(summaries: list[dict]) -> None:
    for s in summaries:
        if s.get("status") == "error":  # said on stderr, as by a real ingest
            continue
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
    read = [s for s in summaries if s.get("status") != "error"]
    failed = len(summaries) - len(read)
    every = (i["code"] for s in read for i in s["issues"])
    print(
        f"{len(read)} documents read"
        + (f", {failed} could not be read" if failed else "")
        + f" (nothing written); {issue_totals(every)}"
    )


def dry_run_summaries(paths: list[str], encoding: str | None = None) -> list[dict]:
    """One entry per path, in order: the summary of a document that reads, or
    ``{"file", "status": "error", "error"}`` for one that does not (the others still count)."""
    read = read_each(paths, encoding)
    good = iter(summarize_documents([d for d in read if not isinstance(d, DocumentError)]))
    return [
        {"file": str(path), "status": "error", "error": str(d)}
        if isinstance(d, DocumentError)
        else next(good)
        for path, d in zip(paths, read, strict=True)
    ]


def _dry_run(args: argparse.Namespace) -> int:
    summaries = dry_run_summaries(args.paths, args.encoding)
    failed = [s for s in summaries if s.get("status") == "error"]
    for s in failed:  # each unreadable file on its own line; the others are still reported
        print(f"jixiao ingest: {s['error']}", file=sys.stderr)
    if args.json:
        json.dump(summaries, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        _print_text(summaries)
    return EXIT_RUNTIME if failed else 0


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

    path = store_spec(args.store)
    options = {
        "progress": _Bar(not args.quiet),
        "force": args.force,
        "validate": not args.no_validate,
        "encoding": args.encoding,
    }
    if args.workers or args.scheduler:
        from jixiao.graph.distributed import SchedulerUnreachable, cluster, ingest_on_cluster

        try:  # the cluster first: a scheduler that does not answer leaves no store behind
            with cluster(args.workers, args.scheduler) as client:
                store = open_writable(args.store, _BESIDE_SERVE)
                results = ingest_on_cluster(
                    args.paths, store, client, engine=args.engine, **options
                )  # type: ignore[arg-type]
        except SchedulerUnreachable as error:
            raise RuntimeFailure(str(error)) from None
    else:
        store = open_writable(args.store, _BESIDE_SERVE)
        results = ingest_paths(args.paths, store, engine=args.engine, **options)  # type: ignore[arg-type]
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
        validated = sum(r.status == "validated" for r in results)
        print(
            f"store {path}: {stored} stored, {unchanged} unchanged, "
            + (f"{validated} validated (report was missing), " if validated else "")
            + f"{sum(r.status == 'error' for r in results)} failed; "
            + issue_totals(code for r in results for code in r.issues)
        )
    return EXIT_RUNTIME if any(r.status == "error" for r in results) else 0


def issue_totals(codes: Iterable[str]) -> str:
    """``issues: D003×1, D007×14 (README: ingest issue codes)`` or ``no issues``."""
    counts = Counter(codes)
    if not counts:
        return "no issues"
    listed = ", ".join(f"{k}×{v}" for k, v in sorted(counts.items()))
    return f"issues: {listed} (codes: README, 'Ingest issue codes'; messages: --dry-run --json)"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a number of workers of at least 1, not {text!r}"
        )
    return value


def ingest_cmd(args: argparse.Namespace) -> int:
    if args.dry_run:
        return _dry_run(args)
    return _store_run(args)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="read budget documents into the store")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dry-run", action="store_true", help="read and report; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--store", metavar="DIR", help=STORE_HELP)
    p.add_argument("--force", action="store_true", help="rebuild documents even if unchanged")
    p.add_argument(
        "--no-validate",
        action="store_true",
        help="skip the SHACL validation of each stored document (run 'jixiao validate' later)",
    )
    p.add_argument(
        "--engine",
        choices=("compiled", "pyshacl"),
        default="compiled",
        help="validation engine: compiled (the shapes compiled to SPARQL, default) or "
        "pyshacl (the reference; same findings, ≈ 20× slower)",
    )
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="read text and HTML files in this encoding (e.g. gb18030, utf-16);"
        " default: detected (UTF-8, UTF-16 with BOM, else GB18030)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="read, build and validate on a local Dask cluster of N worker processes"
        " (this process writes the store)",
    )
    where.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="read, build and validate on the workers of this running Dask scheduler",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=ingest_cmd)
