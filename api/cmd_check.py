"""``jixiao check``: are the audit answers prepared at ingest current (graph/prepared.py)?"""

from __future__ import annotations

import argparse
import json

from jixiao.api.common import STORE_HELP, open_writable, reading_store


def check_cmd(args: argparse.Namespace) -> int:
    """Exit 0 when every document's facts are current, 1 when some are stale (listed)."""
    from jixiao.graph.prepared import refresh_facts, stale_facts

    if args.fix:
        store = open_writable(args.store, "stop it to refresh the prepared facts")
        stale = stale_facts(store)
        refresh_facts(store, [s.document for s in stale])
    else:
        with reading_store(args.store, "check") as store:
            stale = stale_facts(store)
    if args.json:
        print(json.dumps([{"document": s.document, "reason": s.reason} for s in stale]))
    else:
        for s in stale:
            print(f"{s.document}: prepared facts {s.reason}" + (" (refreshed)" if args.fix else ""))
        print(f"{len(stale)} document(s) with stale prepared facts")
    return 1 if stale and not args.fix else 0


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("check", help="list documents whose prepared audit facts are stale")
    c.add_argument("--store", metavar="DIR", help=STORE_HELP)
    c.add_argument("--json", action="store_true", help="print the stale documents as JSON")
    c.add_argument("--fix", action="store_true", help="recompute the stale facts")
    c.set_defaults(func=check_cmd)
