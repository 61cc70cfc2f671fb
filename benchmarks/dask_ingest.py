"""Ingest on Dask with 1 and with 2 workers, in one run: time per stage and speed-up.

Synthetic documents (``benchmarks/synth.py``) are ingested into a fresh embedded store by a
local cluster of 1 worker, then of 2 (each run: a new store, a new cluster, started before
the clock). Per stage the seconds summed over documents are printed — read, build and
validate run on the workers, link and write in the client, the one writer of the store —
with the wall-clock time, the rate, and the speed-up of 2 workers against 1 measured in
the same run. The *parallel* speed-up is that of the worker stages (their summed seconds
over the time they had), the store's write being serial by design (graph/distributed.py).
The load average of the machine before and after is printed too (other work on it slows
either run), and, since a shared machine's wall clock says little, CPU time: the worker
processes' (``process_time`` on each, asked before and after the run: everything a worker
did, Dask's own work and the transfers included) and the client's (link and write). The
CPU-based speed-up is ``workers × (worker CPU s with 1) / (worker CPU s with N)``: what N
workers would give with a core each, if nothing else ran. ``span`` is the wall time from
the start to the last document built on a worker: the worker stages' own wall clock,
which the client's writes do not hold back unless they share its cores.

    python benchmarks/dask_ingest.py --indicators 100000 [--per-document 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.graph.distributed import Stages, cluster, ingest_on_cluster  # noqa: E402
from jixiao.graph.store import open_store  # noqa: E402


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


@dataclass
class Run:
    stages: Stages
    worker_cpu: float  # seconds, summed over the worker processes
    client_cpu: float
    load: str


def run(paths: list[Path], workers: int, root: Path, validate: bool) -> Run:
    store = open_store(root / f"store-{workers}")
    stages = Stages()
    with cluster(workers) as client:
        before = client.run(time.process_time)  # type: ignore[attr-defined]  # workers up
        client_before = time.process_time()
        results = ingest_on_cluster(
            paths, store, client, progress=_progress, validate=validate, stages=stages
        )
        client_cpu = time.process_time() - client_before
        after = client.run(time.process_time)  # type: ignore[attr-defined]
    failed = [r for r in results if r.status != "stored"]
    assert not failed, failed[:3]
    assert set(after) == set(before), "a worker was replaced during the run"
    store.flush()
    worker_cpu = sum(after[w] - before[w] for w in after)
    return Run(stages, worker_cpu, client_cpu, load())


def _progress(done: int, total: int, result: object) -> None:
    if done % 10 == 0 or done == total:
        print(f"  {done}/{total} documents, {load()}", file=sys.stderr, flush=True)


def row(name: str, got: Run, indicators: int, reference: Run | None) -> str:
    stages = got.stages
    ref = reference or got
    workers = int(name)
    cpu_up = workers * ref.worker_cpu / got.worker_cpu
    return (
        f"{name:<8} {stages.read:>7.1f} {stages.build:>7.1f} {stages.validate:>8.1f} "
        f"{stages.link:>6.1f} {stages.write:>7.1f} {stages.workers_span:>7.1f} "
        f"{stages.wall:>7.1f} {indicators / stages.wall:>7.0f} {got.worker_cpu:>8.1f} "
        f"{got.client_cpu:>8.1f} {ref.stages.wall / stages.wall:>6.2f}x "
        f"{ref.stages.workers_span / stages.workers_span:>6.2f}x {cpu_up:>6.2f}x"
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
            f"{'workers':<8} {'read s':>7} {'build s':>7} {'valid. s':>8} {'link s':>6} "
            f"{'write s':>7} {'span s':>7} {'wall s':>7} {'ind./s':>7} {'wkr cpu':>8} "
            f"{'cli cpu':>8} {'wall':>7} {'span':>7} {'cpu':>7}  (speed-ups)"
        )
        reference = None
        for workers in range(1, args.max_workers + 1):
            got = run(paths, workers, root, not args.no_validate)
            print(row(f"{workers}", got, args.indicators, reference), flush=True)
            reference = reference or got
            stages = got.stages
            print(
                f"{'':<8} write (the store: the client, one writer) {stages.write:.1f} s = "
                f"{stages.write / stages.wall:.0%} of the wall time, "
                f"{stages.written_triples / max(stages.write, 1e-9):,.0f} triples/s; worker "
                f"CPU {got.worker_cpu / args.indicators * 1e3:.2f} ms per indicator; "
                f"after: {got.load}",
                flush=True,
            )


if __name__ == "__main__":
    main()
