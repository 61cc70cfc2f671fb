"""Cost of the goal-text commitments (run by hand; prints figures, ratios within one run).

1. Reading and matching: the 70 goal texts of sample 002 repeated to ``--goals``, through
   ``find_commitments`` + matching (the cache cleared, so every goal is read), against the
   reference of the same run: the jieba tokenizer alone on the same texts.
2. What commitments add to ``build_document`` of the five Guangzhou samples: the build as
   shipped against the same build with ``add_commitments`` replaced by a no-op.

    python benchmarks/commitments.py [--goals 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.extract.document import read_document  # noqa: E402
from jixiao.extract.semantics import commitment_match, rules  # noqa: E402
from jixiao.graph import build  # noqa: E402

SAMPLES = sorted((ROOT / "examples" / "guangzhou").glob("*.txt"))


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--goals", type=int, default=2000)
    args = parser.parse_args()
    doc = read_document(next(p for p in SAMPLES if p.name.startswith("002_")))
    projects = [p for p in doc.projects if p.goal]
    # distinct texts (a trailing marker), so neither jieba's nor our caches answer
    work = [(f"{p.goal}{n}", p.indicators) for n in range(args.goals // len(projects) + 1)
            for p in projects][: args.goals]  # fmt: skip
    nlp = rules.load()
    nlp.tokenizer("预热")

    def tokens_only() -> None:
        for goal, _ in work:
            nlp.tokenizer._cut_uncached(goal)

    def commitments() -> None:
        commitment_match._checked.cache_clear()
        commitment_match.content_words.cache_clear()
        for goal, indicators in work:
            commitment_match.check_goal(goal, indicators, 2026)

    ref = best(tokens_only)
    got = best(commitments)
    chars = sum(len(g) for g, _ in work)
    print(f"goal texts: {len(work)} ({chars:,} characters)")
    print(f"  jieba alone      {len(work) / ref:8.0f} goals/s")
    print(f"  commitments      {len(work) / got:8.0f} goals/s  ({got / ref:.1f}x jieba)")

    docs = [read_document(p) for p in SAMPLES]

    def build_all() -> None:
        commitment_match._checked.cache_clear()
        for d in docs:
            build.build_document(d, "0" * 64)

    shipped = best(build_all)
    original = build.add_commitments
    build.add_commitments = lambda *a, **k: []
    try:
        without = best(build_all)
    finally:
        build.add_commitments = original
    print(f"build_document, 5 samples: {without * 1000:.0f} ms without commitments, "
          f"{shipped * 1000:.0f} ms with ({(shipped / without - 1) * 100:+.0f} %)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
