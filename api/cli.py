"""The ``jixiao`` command line. It only composes ``extract`` and ``graph``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import jixiao
from jixiao.api import cmd_export, cmd_extract, cmd_graph, cmd_ingest, cmd_serve, cmd_validate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao", description="Budget performance-indicator knowledge graph."
    )
    parser.add_argument("--version", action="version", version=f"jixiao {jixiao.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (cmd_extract, cmd_ingest, cmd_graph, cmd_validate, cmd_export, cmd_serve):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
