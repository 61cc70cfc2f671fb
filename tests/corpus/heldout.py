"""A generality check on pages the reader was never tuned on: the labelled library.

``tests/corpus/labelled/*.json`` (collected for the classifier) lists real indicators with
their printed categories and targets, page by page. Each page becomes a
一级指标/二级指标/三级指标/指标值 table — labels printed once per block, as merged cells
flatten — rendered in the published text layouts of :mod:`tests.corpus.render`, and read
back with ``parse_indicators``. It scores what the library knows for sure: level 1,
level 2 (score notes such as ``(50分)`` and pinyin glosses dropped, as the corpus README
says) and the name as printed. Rows without a target are left out (templates).

    python -m tests.corpus.heldout [-v]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from jixiao.extract.indicators import parse_indicators
from tests.corpus.render import _table_lines

LIBRARY = Path(__file__).parent / "labelled"
LAYOUTS = ("tab", "pipe", "line", "space", "glued")
_GLOSS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_SCORE = re.compile(r"[(（][\d.\-~]*分?[)）]\s*分?$")

Key = tuple[str, str, str]


def norm(label: str | None) -> str:
    return re.sub(r"\s+", "", _SCORE.sub("", _GLOSS.sub("", label or "")))


def pages() -> list[tuple[str, list[dict[str, str]]]]:
    out = []
    for path in sorted(LIBRARY.glob("*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))["indicators"]
        rows = [r for r in rows if (r.get("target") or "").strip()]
        if rows:
            out.append((path.stem, rows))
    return out


def grid(rows: list[dict[str, str]]) -> list[list[str | None]]:
    out: list[list[str | None]] = [["一级指标", "二级指标", "三级指标", "指标值"]]
    last: tuple[str, str] | None = None
    for r in rows:
        same1 = last is not None and r["level1"] == last[0]
        same2 = same1 and last is not None and r["level2"] == last[1]
        out.append([None if same1 else r["level1"], None if same2 else r["level2"], r["name"],
                    r["target"]])  # fmt: skip
        last = (r["level1"], r["level2"])
    return out


def score(layout: str, verbose: bool = False) -> tuple[int, int]:
    hit = total = 0
    for stem, rows in pages():
        text = "\n".join(["项目支出绩效目标表", *_table_lines(grid(rows), layout, "row")])
        got = Counter(
            (norm(i.level1), norm(i.level2), i.name) for i in parse_indicators(text).indicators
        )
        for r in rows:
            want: Key = (norm(r["level1"]), norm(r["level2"]), r["name"])
            total += 1
            if got[want] > 0:
                got[want] -= 1
                hit += 1
            elif verbose:
                print(f"  {layout} {stem}: {want}")
    return hit, total


def main(argv: list[str]) -> int:
    for layout in LAYOUTS:
        hit, total = score(layout, "-v" in argv)
        print(f"{layout:6} {hit / total:6.1%}  {hit}/{total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
