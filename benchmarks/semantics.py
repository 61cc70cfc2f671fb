"""Throughput of the semantics layer on one core (run by hand; prints figures).

1. The category classifier (spaCy pipeline: jieba tokenizer, jx_direction, two textcats)
   on the real labelled indicators repeated to ``--indicators``, against the reference
   of the same run: jieba alone cutting the same texts (the pipeline cannot be faster).
2. What the semantics add to the parse-and-build path of tables that print their labels:
   ``build_document`` of the Guangzhou samples (404 indicators, all labelled, so no
   classifier runs) against the time the inverse rule takes on the same indicators.

    python benchmarks/semantics.py [--indicators 20000]
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
from jixiao.extract.semantics import pipeline  # noqa: E402
from jixiao.extract.semantics.classifier import infer_with  # noqa: E402
from jixiao.extract.semantics.direction import is_inverse  # noqa: E402
from jixiao.extract.semantics.features import as_text  # noqa: E402
from jixiao.extract.semantics.train import collect  # noqa: E402
from jixiao.graph.build import build_document  # noqa: E402

SAMPLES = sorted((ROOT / "examples" / "guangzhou").glob("*.txt"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=20000)
    args = parser.parse_args()
    real, sample = collect(ROOT / "tests" / "corpus" / "docs", ROOT / "examples" / "guangzhou")
    items = [(e.name, e.target) for e in real + sample]
    items = (items * (args.indicators // len(items) + 1))[: args.indicators]
    nlp = pipeline.load()
    infer_with(nlp, items[:100])  # warm: jieba's dictionary
    tokenizer = nlp.tokenizer
    start = time.perf_counter()
    for name, target in items:
        tokenizer(as_text(name, target))
    jieba_s = time.perf_counter() - start
    start = time.perf_counter()
    infer_with(nlp, items)
    infer_s = time.perf_counter() - start
    print(
        f"classifier: {len(items) / infer_s:,.0f} indicators/s "
        f"({len(items)} in {infer_s:.2f} s); jieba tokenizer alone {len(items) / jieba_s:,.0f}/s;"
        f" pipeline/jieba time ratio {infer_s / jieba_s:.2f}"
    )

    docs = [read_document(p) for p in SAMPLES]
    indicators = [i for d in docs for p in d.projects for i in p.indicators]
    rounds = 5
    start = time.perf_counter()
    for _ in range(rounds):
        for index, doc in enumerate(docs):
            build_document(doc, f"{index:064d}")
    build_s = (time.perf_counter() - start) / rounds
    start = time.perf_counter()
    for _ in range(rounds):
        for ind in indicators:
            is_inverse(ind.name)
    rule_s = (time.perf_counter() - start) / rounds
    print(
        f"build of the samples ({len(indicators)} labelled indicators): {build_s * 1000:.1f} ms;"
        f" the inverse rule inside it {rule_s * 1000:.2f} ms ({rule_s / build_s:.1%} of build)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
