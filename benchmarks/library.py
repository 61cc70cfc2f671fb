"""What the indicator library costs the ingest path (run by hand; prints figures).

1. ``concept_key`` over the distinct indicator names of a synthetic corpus (caches
   cleared) against the reference of the same run: ``normalize_name``, the project name
   normalisation every document already pays, on the same names.
2. ``library_triples`` (cold caches) against ``build_document`` (which includes it) and
   against reading and parsing the same documents: the share of ingest the library takes.

    python benchmarks/library.py [--indicators 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.extract import concepts  # noqa: E402
from jixiao.extract.linking import normalize_name  # noqa: E402
from jixiao.graph.build import build_document  # noqa: E402
from jixiao.graph.ingest import read_one  # noqa: E402
from jixiao.graph.library import library_triples  # noqa: E402
from jixiao.graph.semantics import inferences  # noqa: E402


def best(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-library-") as tmp:
        paths = write_corpus(Path(tmp), args.indicators, 5000)
        start = time.perf_counter()
        loaded = [read_one(p) for p in paths]
        t_parse = time.perf_counter() - start
    names = [i.name for item in loaded for p in item.doc.projects for i in p.indicators]
    distinct = sorted(set(names))
    concepts.tokens("预热")  # load jieba's dictionary outside the timings

    def keys() -> None:
        concepts.concept_key.cache_clear()
        concepts.tokens.cache_clear()
        for name in distinct:
            concepts.concept_key(name)

    def reference() -> None:
        for name in distinct:
            normalize_name(name, {})

    t_keys, t_ref = best(args.repeat, keys), best(args.repeat, reference)
    print(f"indicators {len(names)}, distinct names {len(distinct)}, "
          f"concepts {len({concepts.concept_key(n) for n in distinct})}")  # fmt: skip
    print(
        f"concept_key (cold cache)  {t_keys * 1000:8.1f} ms  {len(distinct) / t_keys:10.0f} names/s"
    )
    print(
        f"normalize_name reference  {t_ref * 1000:8.1f} ms  {len(distinct) / t_ref:10.0f} names/s"
    )
    print(f"ratio concept_key / normalize_name: {t_keys / t_ref:.2f}")

    guesses = [(item.doc, inferences(item.doc)) for item in loaded]

    def build() -> None:
        for item in loaded:
            build_document(item.doc, item.sha256)

    def library() -> None:
        concepts.concept_key.cache_clear()
        for doc, inferred in guesses:
            library_triples(doc, inferred)

    t_build, t_lib = best(args.repeat, build), best(args.repeat, library)
    print(f"build_document (with library)  {t_build * 1000:8.1f} ms")
    print(f"library_triples alone (cold)   {t_lib * 1000:8.1f} ms  "
          f"= {100 * t_lib / t_build:.1f} % of the build")  # fmt: skip
    print(f"read and parse the documents     {t_parse * 1000:8.1f} ms  (library = "
          f"{100 * t_lib / (t_parse + t_build):.1f} % of parse + build)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
