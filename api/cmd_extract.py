"""``jixiao parse-indicators``: one 绩效指标 cell on stdin → JSON on stdout."""

from __future__ import annotations

import argparse
import json
import sys

from jixiao.extract.indicators import parse_indicators
from jixiao.extract.serialize import result_dict


def parse_indicators_cmd(args: argparse.Namespace) -> int:
    """Always exits 0 with JSON: malformed text yields issues, not errors."""
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    result = result_dict(parse_indicators(text))
    if "\ufffd" in text:
        result["issues"].insert(
            0,
            {
                "code": "X000",
                "message": "input is not valid UTF-8; bad bytes were replaced",
                "at": "stdin",
            },
        )
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parse-indicators", help="parse one 绩效指标 cell from stdin, print JSON")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p.set_defaults(func=parse_indicators_cmd)
