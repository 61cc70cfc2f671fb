"""Huge 绩效指标 cells: time and memory of ``parse_indicators`` (run by hand; prints figures).

Issue #18 (item 3): one numbered item once held thousands of indicators when numbering
restarted or passed 999, each keeping the text to the end of the item — a 300k-character
cell needed 1.5 GB. Acceptance: a 1 MB cell in ≤ 2 s with ≤ 200 MB.

The reference, measured in the same run, is the same number of characters of ordinary
cells (seed 002's items, numbered 1…7 per cell) parsed cell by cell: the ratio says how
much dearer a character of a huge cell is than a character of a normal one. Peak memory
is tracemalloc's (a separate run: tracing slows the parse several-fold).

    python benchmarks/parse_large.py [--chars 1000000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import huge_cell  # noqa: E402
from jixiao.extract import target as target_module  # noqa: E402
from jixiao.extract.indicators import parse_indicators  # noqa: E402


def _clear_caches() -> None:
    for obj in vars(target_module).values():
        clear = getattr(obj, "cache_clear", None)
        if callable(clear):
            clear()


def _seconds(cells: list[str]) -> tuple[float, int]:
    _clear_caches()
    gc.collect()
    start = time.perf_counter()
    found = sum(len(parse_indicators(cell).indicators) for cell in cells)
    return time.perf_counter() - start, found


def _peak_mb(text: str) -> float:
    _clear_caches()
    gc.collect()
    tracemalloc.start()
    parse_indicators(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1_000_000)
    args = parser.parse_args()
    # the reference: ordinary cells of 7 items each, as many characters in all
    normal = huge_cell(args.chars, restart_every=7)
    cells = ["1、" + c for c in normal.removeprefix("1、").split("。1、")]
    ref, ref_found = _seconds(cells)
    print(f"reference: {len(cells)} ordinary cells, {len(normal):,} chars, "
          f"{ref_found} indicators: {ref:.2f} s")  # fmt: skip
    for label, restart in (("numbering restarts every 50", 50), ("numbering past 999", None)):
        text = huge_cell(args.chars, restart_every=restart)
        seconds, found = _seconds([text])
        peak = _peak_mb(text)
        print(f"one cell, {label}: {len(text):,} chars, {found} indicators: {seconds:.2f} s "
              f"({seconds / ref:.1f}x the reference), peak {peak:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
