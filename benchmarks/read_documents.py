"""Documents per second for the whole reader (decode, tables, indicators, checks).

Run: ``python benchmarks/read_documents.py [ROUNDS]`` from the project root.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.extract.document import read_document  # noqa: E402
from jixiao.extract.linking import link_across_years, link_same_year  # noqa: E402


def main(rounds: int = 20) -> None:
    paths = sorted((ROOT / "examples" / "guangzhou").glob("0*.txt"))
    docs = [read_document(p) for p in paths]  # warm up (imports, regexes)
    link_same_year(docs)
    start = time.perf_counter()
    for _ in range(rounds):
        docs = [read_document(p) for p in paths]
    read = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(rounds):
        link_same_year(docs)
        link_across_years(docs)
    linked = time.perf_counter() - start
    count = rounds * len(paths)
    projects = sum(len(d.projects) for d in docs)
    print(f"read_document: {count} documents in {read:.2f} s = {count / read:.1f} documents/s")
    print(
        f"linking {len(paths)} documents ({projects} projects):"
        f" {linked / rounds * 1000:.1f} ms per run"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
