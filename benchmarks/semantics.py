"""Throughput of the semantics layer on one core (run by hand; prints figures).

Every figure is set against a reference measured in the same run (the machine is shared,
so only ratios carry over from one run to another):

1. ``parse-indicators --infer`` on the real labelled lines as ``name<TAB>target`` (the
   corpus documents, the labelled library, the held-out pages, the samples; each
   distinct line once, every cache emptied before each round): the plain parse path on
   the same text (reference), the --infer path, and classifier + rules alone — numpy
   scoring (``classifier.scores_with``) and the spaCy pipeline per doc it replaced
   (``scores_with_spacy``), both decoded in order.
2. The same lines repeated to ``--indicators`` (names repeat across projects and years:
   the caches fill as they would on a large document set).
3. Tables that print their labels: ``parse-indicators`` with and without ``--infer`` on
   the same four-column tables (nothing is missing, so nothing should be inferred).
4. ``build_document`` of the Guangzhou samples against the inverse rule inside it.

    python benchmarks/semantics.py [--indicators 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.extract.document import read_document  # noqa: E402
from jixiao.extract.indicators import parse_indicators  # noqa: E402
from jixiao.extract.semantics import classifier, cues, pipeline, scoring  # noqa: E402
from jixiao.extract.semantics.direction import is_inverse  # noqa: E402
from jixiao.extract.semantics.labels import labelled_examples  # noqa: E402
from jixiao.extract.semantics.pairs import inferred_result  # noqa: E402
from jixiao.extract.semantics.train import collect  # noqa: E402
from jixiao.extract.serialize import result_dict  # noqa: E402
from jixiao.graph.build import build_document  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
SAMPLES = sorted((ROOT / "examples" / "guangzhou").glob("*.txt"))


def clear_caches() -> None:
    """Every cache on the inference path, so a round sees each text for the first time."""
    pipeline.load().tokenizer._cut.cache_clear()
    cues._fired_cached.cache_clear()
    pipeline.word_kind.cache_clear()
    scoring.scorer(pipeline.load()).forget()


def best_of(rounds: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The fastest of ``rounds`` runs of each, in seconds; the runs take turns within a
    round (a load that comes and goes hits them alike) and start from empty caches."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            clear_caches()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    real, sample = collect(CORPUS / "docs", ROOT / "examples" / "guangzhou")
    held = list(labelled_examples(CORPUS / "labelled" / "classifier-heldout"))
    examples = real + held + sample
    items = list(dict.fromkeys((e.name.replace("\t", " "), e.target) for e in examples))
    text = "".join(f"{name}\t{target or ''}\n" for name, target in items)
    nlp = pipeline.load()
    classifier.infer_with(nlp, items[:50])  # warm: jieba's dictionary, the weights
    n, rounds = len(items), args.rounds

    t = best_of(
        rounds,
        {
            "plain": lambda: result_dict(parse_indicators(text)),
            "infer": lambda: inferred_result(text),
            "fast": lambda: classifier.decode(classifier.scores_with(nlp, items)),
            "slow": lambda: classifier.decode(classifier.scores_with_spacy(nlp, items)),
        },
    )
    plain, infer_path, fast, slow = t["plain"], t["infer"], t["fast"], t["slow"]
    print(f"{n} distinct real name<TAB>target lines, caches emptied, best of {rounds}:")
    print(f"  plain parse path (reference)   {n / plain:8,.0f} lines/s")
    print(
        f"  parse-indicators --infer       {n / infer_path:8,.0f} lines/s"
        f"  ({infer_path / plain:.2f}x the plain parse time)"
    )
    print(f"  classifier + rules, numpy      {n / fast:8,.0f} indicators/s")
    print(
        f"  classifier + rules, spaCy/doc  {n / slow:8,.0f} indicators/s"
        f"  (numpy is {slow / fast:.2f}x faster)"
    )

    many = (items * (args.indicators // n + 1))[: args.indicators]
    t = best_of(
        1,
        {
            "fast": lambda: classifier.decode(classifier.scores_with(nlp, many)),
            "slow": lambda: classifier.decode(classifier.scores_with_spacy(nlp, many)),
        },
    )
    fast_many, slow_many = t["fast"], t["slow"]
    print(f"{len(many)} lines (the real lines repeated), one pass from empty caches:")
    print(
        f"  classifier + rules, numpy {len(many) / fast_many:8,.0f}/s;"
        f" spaCy/doc {len(many) / slow_many:8,.0f}/s ({slow_many / fast_many:.2f}x)"
    )

    labelled = [e for e in examples if e.level1 and e.level2]
    table = "一级指标\t二级指标\t三级指标\t指标值\n" + "".join(
        f"{e.level1}\t{e.level2}\t{e.name.replace(chr(9), ' ')}\t{e.target}\n" for e in labelled
    )
    t = best_of(
        rounds,
        {
            "bare": lambda: result_dict(parse_indicators(table)),
            "infer": lambda: inferred_result(table),
        },
    )
    bare, with_infer = t["bare"], t["infer"]
    print(
        f"labelled table ({len(labelled)} rows): parse {bare * 1000:.1f} ms,"
        f" with --infer {with_infer * 1000:.1f} ms (ratio {with_infer / bare:.3f})"
    )

    docs = [read_document(p) for p in SAMPLES]
    indicators = [i for d in docs for p in d.projects for i in p.indicators]
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
