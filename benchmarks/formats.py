"""Documents per second per format, and pages per second of the PDF reader on real PDFs.

Part 1 writes the first 项目支出绩效目标表 of sample 002 in every format (``tests/writers.py``)
and times ``read_document`` on each (read the blocks, render them as text, read the text);
the reference, timed in the same run, is the same document as UTF-8 text, and the five
Guangzhou samples give the text goal (≥ 20 documents/s).

Part 2 (``--pdf DIR``) times ``read_blocks`` on every PDF in DIR against two references
timed in the same run on the same files: pdfplumber's bare ``extract_text`` (the same
parser without tables) and pypdfium2's text (a C library: the floor). Goal ≥ 5 pages/s.

Run: ``python benchmarks/formats.py [--rounds N] [--pdf DIR]`` from the project root.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.extract.document import read_document  # noqa: E402
from jixiao.extract.readers import read_blocks  # noqa: E402
from tests.writers import WRITERS, seed_002_first_table, write  # noqa: E402


def rate(action: Callable[[], object], rounds: int) -> float:
    """Calls per second over ``rounds`` calls, after one warm-up call."""
    action()
    start = time.perf_counter()
    for _ in range(rounds):
        action()
    return rounds / (time.perf_counter() - start)


def documents(rounds: int) -> None:
    samples = sorted((ROOT / "examples" / "guangzhou").glob("0*.txt"))
    per_sample = rate(lambda: [read_document(p) for p in samples], max(rounds // 5, 2))
    print(f"text, 5 Guangzhou samples: {per_sample * len(samples):.1f} documents/s (goal ≥ 20)")
    with tempfile.TemporaryDirectory() as folder:
        doc = seed_002_first_table()
        paths = {kind: write(kind, doc, Path(folder), "s002") for kind in WRITERS}
        reference = rate(lambda: read_document(paths["text-utf8"]), rounds)
        print(f"\nsample 002, first table (6 projects) — reference UTF-8 text: {reference:.1f}/s")
        print(f"{'format':<14}{'documents/s':>12}{'× text':>9}{'bytes':>9}")
        for kind, path in paths.items():
            speed = rate(lambda path=path: read_document(path), rounds)
            print(f"{kind:<14}{speed:>12.1f}{speed / reference:>9.2f}{path.stat().st_size:>9,}")


def pdfs(folder: Path) -> None:
    import pdfplumber
    import pypdfium2

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    files = sorted(folder.glob("*.pdf"))
    totals = {"read_blocks": 0.0, "pdfplumber text": 0.0, "pypdfium2 text": 0.0}
    pages_total = 0
    print(f"\n{'PDF':<10}{'pages':>6}{'read_blocks p/s':>17}{'plumber text':>14}{'pdfium':>9}")
    for path in files:

        def plumber_text(path: Path = path) -> int:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    page.close()
                return len(pdf.pages)

        def pdfium_text(path: Path = path) -> int:
            document = pypdfium2.PdfDocument(path)
            for page in document:
                page.get_textpage().get_text_range()
            return len(document)

        timings = {}
        for name, action in (
            ("read_blocks", lambda path=path: read_blocks(path)),
            ("pdfplumber text", plumber_text),
            ("pypdfium2 text", pdfium_text),
        ):
            start = time.perf_counter()
            action()
            timings[name] = time.perf_counter() - start
            totals[name] += timings[name]
        pages = pdfium_text()
        pages_total += pages
        print(
            f"{path.name:<10}{pages:>6}{pages / timings['read_blocks']:>17.1f}"
            f"{pages / timings['pdfplumber text']:>14.1f}{pages / timings['pypdfium2 text']:>9.1f}"
        )
    if not files:
        print(f"no PDF in {folder}")
        return
    ours = pages_total / totals["read_blocks"]
    print(f"\n{len(files)} PDFs, {pages_total} pages:")
    for name, seconds in totals.items():
        speed = pages_total / seconds
        print(f"  {name:<16}{speed:>8.1f} pages/s   read_blocks at {ours / speed:.2f}× this")
    print("  goal: read_blocks ≥ 5 pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pdf", type=Path, metavar="DIR", help="a folder of real PDFs")
    args = parser.parse_args()
    documents(args.rounds)
    if args.pdf:
        pdfs(args.pdf)


if __name__ == "__main__":
    main()
