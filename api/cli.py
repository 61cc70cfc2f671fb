"""The ``jixiao`` command line. It only composes ``extract`` and ``graph``.

Errors end a command with one line on stderr, ``jixiao COMMAND: message``, and the exit
status of :data:`api.common.EXIT_CODES` (argparse's own usage errors exit 2 as well).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import jixiao
from jixiao.api import (
    cmd_check,
    cmd_export,
    cmd_extract,
    cmd_graph,
    cmd_ingest,
    cmd_serve,
    cmd_validate,
)
from jixiao.api.common import EXIT_CODES, run_command


def build_parser() -> argparse.ArgumentParser:
    codes = "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES)
    parser = argparse.ArgumentParser(
        prog="jixiao",
        description="Budget performance-indicator knowledge graph.",
        epilog=f"exit status of every command:\n{codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"jixiao {jixiao.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = (cmd_extract, cmd_ingest, cmd_graph, cmd_validate, cmd_export, cmd_serve, cmd_check)
    for module in modules:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(build_parser().parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
