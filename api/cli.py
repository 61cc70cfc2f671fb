"""The ``jixiao`` command line. It only composes ``extract`` (and later ``graph``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from extract.indicators import parse_indicators
from extract.scan import scan_document
from extract.serialize import result_dict


def _parse_indicators_cmd(args: argparse.Namespace) -> int:
    data = sys.stdin.buffer.read()
    text = data.decode("utf-8", errors="replace")
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


def _summary_cmd(args: argparse.Namespace) -> int:
    status = 0
    for path in args.paths:
        try:
            scan = scan_document(Path(path))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"{path}: error: {exc}", file=sys.stderr)
            status = 1
            continue
        n_ind = sum(len(c.result.indicators) for c in scan.cells)
        lacking: Counter[str] = Counter()
        for cell in scan.cells:
            present = {ind.level1_code for ind in cell.result.indicators}
            for code, name in (("1", "产出"), ("2", "效益"), ("3", "满意度"), ("4", "成本")):
                if code not in present:
                    lacking[name] += 1
        codes = Counter(i.code for c in scan.cells for i in c.result.issues)
        print(
            f"{Path(path).name}: {scan.lines} lines, {len(scan.cells)} indicator cells, "
            f"{n_ind} indicators"
        )
        if scan.cells:
            print(
                "  cells lacking a category: "
                + ", ".join(f"{k} {lacking[k]}" for k in ("产出", "效益", "满意度", "成本"))
            )
        if codes:
            print("  issues: " + ", ".join(f"{k}×{v}" for k, v in sorted(codes.items())))
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jixiao", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse-indicators", help="parse one 绩效指标 cell from stdin, print JSON")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p.set_defaults(func=_parse_indicators_cmd)
    s = sub.add_parser("summary", help="parse the indicator cells of documents, print a summary")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.set_defaults(func=_summary_cmd)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
