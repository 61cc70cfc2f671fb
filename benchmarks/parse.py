"""Throughput of ``parse_indicators`` on one core (run by hand; prints figures).

The 70 indicator cells of seed 002 (404 indicators) are parsed repeatedly until at
least ``--indicators`` indicators have been produced. Two figures are printed:
with the target cache warm (value strings such as ``≥90%`` repeat a lot in real
documents) and with every cache cleared before each cell (a pessimistic bound).

    python benchmarks/parse.py [--indicators 100000]

A third figure: whole documents read per second (``ingest``'s reader, no store) on the
real corpus rendered in its published layouts, against the five Guangzhou samples read
in the same run (the reference).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.extract import target as target_module  # noqa: E402
from jixiao.extract.indicators import parse_indicators  # noqa: E402

SEED = ROOT / "examples" / "guangzhou" / "002_6706784a82fb7692.txt"


def seed_cells() -> list[str]:
    cells = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 7 and "、" in fields[6] and "指标" in fields[6]:
            cells.append(fields[6])
    return cells


def _clear_caches() -> None:
    for obj in vars(target_module).values():
        clear = getattr(obj, "cache_clear", None)
        if callable(clear):
            clear()


def run(cells: list[str], goal: int, cold: bool) -> tuple[int, float]:
    produced = 0
    start = time.perf_counter()
    while produced < goal:
        for cell in cells:
            if cold:
                _clear_caches()
            produced += len(parse_indicators(cell).indicators)
    return produced, time.perf_counter() - start


def documents_per_second() -> None:
    from jixiao.extract.doc_records import DocumentError
    from jixiao.extract.document import read_text
    from tests.corpus.render import documents, render

    texts = [render(doc) for _, doc in documents()]
    samples = [p.read_text(encoding="utf-8") for p in sorted(SEED.parent.glob("*.txt"))]
    figures = {}
    for label, batch in (("guangzhou samples", samples), ("corpus renderings", texts)):
        start = time.perf_counter()
        rounds = 0
        while time.perf_counter() - start < 3.0:
            for text in batch:
                with contextlib.suppress(DocumentError):
                    read_text(text)
            rounds += 1
        seconds = time.perf_counter() - start
        figures[label] = rounds * len(batch) / seconds
        print(f"{label:>18}: {figures[label]:,.1f} documents/s ({len(batch)} documents)")
    ratio = figures["corpus renderings"] / figures["guangzhou samples"]
    print(f"{'ratio':>18}: corpus {ratio:.2f}x the samples' documents/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=100_000)
    args = parser.parse_args()
    cells = seed_cells()
    per_round = sum(len(parse_indicators(c).indicators) for c in cells)
    print(f"seed 002: {len(cells)} cells, {per_round} indicators per round")
    for label, cold in (("warm target cache", False), ("cold caches", True)):
        produced, seconds = run(cells, args.indicators, cold)
        print(
            f"{label:>18}: {produced:,} indicators in {seconds:.2f} s "
            f"= {produced / seconds:,.0f} indicators/s"
        )
    documents_per_second()


if __name__ == "__main__":
    main()
