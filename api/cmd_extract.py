"""``jixiao parse-indicators``: one 绩效指标 cell on stdin → JSON on stdout."""

from __future__ import annotations

import argparse
import json
import sys

from jixiao.api.common import RuntimeFailure, UsageError
from jixiao.extract.indicators import parse_indicators
from jixiao.extract.semantics.pairs import inferred_result
from jixiao.extract.serialize import result_dict


def parse_indicators_cmd(args: argparse.Namespace) -> int:
    """Exits 0 with JSON: malformed text yields issues, not errors. Only an unknown
    ``--encoding`` (usage, 2) or bytes that are not in it (runtime, 3) stop it: the user
    said what the input is."""
    data = sys.stdin.buffer.read()
    if args.encoding:
        try:
            text = data.decode(args.encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {args.encoding!r}") from None
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise RuntimeFailure(
                f"stdin:{line}: byte 0x{data[error.start]:02x} at offset {error.start}"
                f" is not {args.encoding}; expected {args.encoding} text"
            ) from None
        text = text.removeprefix("\ufeff")
    else:
        text = data.decode("utf-8", errors="replace")
    # --infer reads name<TAB>target lines line by line: the table parser runs only
    # when the text is something else
    result = inferred_result(text) if args.infer else result_dict(parse_indicators(text))
    if "\ufffd" in text and not args.encoding:
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
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help="decode stdin in this encoding (e.g. gb18030, utf-16) instead of UTF-8",
    )
    p.add_argument(
        "--infer",
        action="store_true",
        help="fill a missing level1/level2 with the classifier's answer (marked inferred);"
        " input may be one indicator per line: name<TAB>target",
    )
    p.set_defaults(func=parse_indicators_cmd)
