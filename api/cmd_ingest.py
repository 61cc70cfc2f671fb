"""``jixiao ingest``: read documents; with ``--dry-run`` only report what was read."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from extract.doc_records import DocumentError
from extract.summary import summarize


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


def ingest_cmd(args: argparse.Namespace) -> int:
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
    if not args.dry_run:
        print("jixiao ingest: the store is not built yet; nothing was written", file=sys.stderr)
        return 2
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="read budget documents (into the store)")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dry-run", action="store_true", help="read and report; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=ingest_cmd)
