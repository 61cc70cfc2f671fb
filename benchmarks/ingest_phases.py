"""Where ingest's CPU goes: its phases run one after another on synthetic documents.

    python benchmarks/ingest_phases.py --indicators 20000 [--per-document 5000] [--profile F]

Each phase is the code ``jixiao ingest`` runs (:mod:`graph.ingest`): read (parse the file
into records), build (records → N-Triples), validate (compiled shapes on the in-memory
staging store), facts (the prepared audit answers) and write (journalled bulk load into a
fresh store on disk). Printed: CPU seconds of each (process time: steady on a shared
machine) and per indicator. ``--profile F`` writes a cProfile of build, validate and facts.
Ingest itself overlaps preparing one document with writing the one before.
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.graph import ingest  # noqa: E402
from jixiao.graph.prepared import facts_graph, prepared_facts  # noqa: E402
from jixiao.graph.store import ensure_ontology, open_store  # noqa: E402
from jixiao.graph.store_batch import replace_graphs  # noqa: E402
from jixiao.graph.validation import report_graph  # noqa: E402
from jixiao.graph.validation import validate as validate_text  # noqa: E402


def phases(size: int, per_document: int, profile: Path | None) -> tuple[dict[str, float], int]:
    """CPU seconds per phase, and the number of indicators."""
    work = Path(tempfile.mkdtemp(prefix="jixiao-phases-"))
    seconds = dict.fromkeys(("read", "build", "validate", "facts", "write"), 0.0)
    profiler = cProfile.Profile()
    try:
        paths = write_corpus(work / "docs", size, per_document)
        store = open_store(str(work / "store"))
        ensure_ontology(store)
        loaded = []
        for path in paths:
            start = time.process_time()
            loaded.append(ingest.read_one(Path(path)))
            seconds["read"] += time.process_time() - start
        links = ingest.link_documents([item.doc for item in loaded])
        indicators = 0
        for item in loaded:
            result = ingest.doc_result(item.doc, 0.0)
            indicators += result.indicators
            document = result.document
            marks = [time.process_time()]
            if profile:
                profiler.enable()
            text = ingest.build_document(item.doc, item.sha256, links.get(item.doc.path, []))
            text = text.text()
            marks.append(time.process_time())
            validation = validate_text(text, document, "compiled", keep=True)
            marks.append(time.process_time())
            report = validation.report_nt
            facts = prepared_facts(document, text, report, validation.staged)
            marks.append(time.process_time())
            profiler.disable()
            replace_graphs(
                store,
                {document: text, report_graph(document): report, facts_graph(document): facts},
            )
            marks.append(time.process_time())
            steps = ("build", "validate", "facts", "write")
            for name, a, b in zip(steps, marks[:-1], marks[1:], strict=True):
                seconds[name] += b - a
        if profile:
            profiler.dump_stats(str(profile))
        return seconds, indicators
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=20_000)
    parser.add_argument("--per-document", type=int, default=5000)
    parser.add_argument("--profile", type=Path, help="cProfile output of build+validate+facts")
    args = parser.parse_args()
    seconds, indicators = phases(args.indicators, args.per_document, args.profile)
    print(f"{indicators:,} indicators; CPU seconds (ms per indicator):")
    for name, value in seconds.items():
        print(f"  {name:9} {value:7.2f} s  {value / indicators * 1000:6.3f} ms")
    total = sum(seconds.values())
    print(f"  {'total':9} {total:7.2f} s  {total / indicators * 1000:6.3f} ms")


if __name__ == "__main__":
    main()
