"""What the command modules share: opening the store with a clear error."""

from __future__ import annotations

import sys

import pyoxigraph as ox


def open_store_or_report(store: str | None, command: str) -> ox.Store | None:
    """The existing store at ``store`` (or ``JIXIAO_STORE``/default), or None after
    printing ``jixiao COMMAND: <why>`` to stderr (the caller exits with status 2)."""
    from jixiao.graph.store import open_existing

    try:
        return open_existing(store)
    except OSError as exc:  # FileNotFoundError included
        print(f"jixiao {command}: {exc}", file=sys.stderr)
        return None
