"""Ingest on Dask with 1 and with 2 workers, in one run: time per stage and speed-up.

Synthetic documents (``benchmarks/synth.py``) are ingested into a fresh embedded store by a
local cluster of 1 worker, then of 2 (each run: a new store, a new cluster, started before
the clock). Per stage the seconds summed over documents are printed — read, build and
validate run on the workers, link and write in the client, the one writer of the store —
with the wall-clock time, the rate, and the speed-up of 2 workers against 1 measured in
the same run. The *parallel* speed-up is that of the worker stages (their summed seconds
over the time they had), the store's write being serial by design (graph/distributed.py).
The load average of the machine before and after is printed too (other work on it slows
either run).

    python benchmarks/dask_ingest.py --indicators 100000 [--per-document 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.graph.distributed import Stages, cluster, ingest_on_cluster  # noqa: E402
from jixiao.graph.store import open_store  # noqa: E402


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def run(paths: list[Path], workers: int, root: Path, validate: bool) -> Stages:
    store = open_store(root / f"store-{workers}")
    stages = Stages()
    with cluster(workers) as client:
        client.run(lambda: None)  # type: ignore[attr-defined]  # workers up before the clock
        results = ingest_on_cluster(
            paths, store, client, progress=_progress, validate=validate, stages=stages
        )
    failed = [r for r in results if r.status != "stored"]
    assert not failed, failed[:3]
    store.flush()
    return stages


def _progress(done: int, total: int, result: object) -> None:
    if done % 10 == 0 or done == total:
        print(f"  {done}/{total} documents, {load()}", file=sys.stderr, flush=True)


def row(name: str, stages: Stages, indicators: int, reference: Stages | None) -> str:
    worker = stages.read + stages.build + stages.validate
    busy = stages.wall - stages.link
    ratio = f"{reference.wall / stages.wall:>6.2f}x" if reference else "  1.00x"
    return (
        f"{name:<10} {stages.read:>7.1f} {stages.build:>7.1f} {stages.validate:>8.1f} "
        f"{stages.link:>6.1f} {stages.write:>7.1f} {stages.wall:>7.1f} "
        f"{indicators / stages.wall:>8.0f} {worker / busy:>8.2f} {ratio}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=100_000)
    parser.add_argument("--per-document", type=int, default=2000)
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--max-workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-dask-") as tmp:
        root = Path(tmp)
        paths = write_corpus(root / "corpus", args.indicators, args.per_document)
        print(f"{len(paths)} documents, {args.indicators} indicators; before: {load()}")
        print(
            f"{'workers':<10} {'read s':>7} {'build s':>7} {'valid. s':>8} {'link s':>6} "
            f"{'write s':>7} {'wall s':>7} {'ind./s':>8} {'busy':>8} {'speed-up':>7}"
        )
        reference = None
        for workers in range(1, args.max_workers + 1):
            stages = run(paths, workers, root, not args.no_validate)
            print(row(f"{workers}", stages, args.indicators, reference), flush=True)
            reference = reference or stages
            worker = stages.read + stages.build + stages.validate
            print(
                f"{'':<10} worker stages {worker:.1f} s of work in {stages.wall:.1f} s; "
                f"write (the store, one writer) {stages.write / stages.wall:.0%} of the wall "
                f"time; {stages.written_triples / max(stages.write, 1e-9):,.0f} triples/s "
                f"written; after: {load()}",
                flush=True,
            )


if __name__ == "__main__":
    main()
