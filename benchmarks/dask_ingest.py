"""Ingest on Dask with 1 and with 2 workers, in one run: time per stage and speed-up.

Synthetic documents (``benchmarks/synth.py``) are ingested into a fresh embedded store by a
local cluster of 1 worker, then of 2 (each run: a new store, a new cluster, started before
the clock). Per stage the seconds summed over documents are printed — read, build and
validate run on the workers, link and write in the client, the one writer of the store —
with the wall-clock time, the rate, and the speed-up of 2 workers against 1 measured in
the same run. The *parallel* speed-up is that of the worker stages (their summed seconds
over the time they had), the store's write being serial by design (graph/distributed.py).
Two measures per worker count:

- **workers alone**: the workers' tasks of :mod:`graph.distributed` (read, link here,
  build and validate), their results gathered and dropped: the speed-up where the store
  is not the bottleneck;
- **ingest**: :func:`graph.distributed.ingest_on_cluster` into a fresh embedded store,
  the client the one writer.

Before the clock each worker is warmed up (it reads, builds and validates one sample
document: imports, compiled shapes and the tokenizer's dictionary are one-off costs per
process, printed). The load average of the machine is printed before and after each run
(other work on it slows either run), and, since a shared machine's wall clock says little,
CPU time: the worker processes' (``process_time`` on each, asked before and after the
run: everything a worker did, Dask's own work and the transfers included) and the
client's (link and write). The CPU-based speed-up is ``N × (worker CPU s with 1) /
(worker CPU s with N)``: what N workers would give with a core each, if nothing else
ran. ``span`` is the wall time from the start to the last document built on a worker.

    python benchmarks/dask_ingest.py --indicators 100000 [--per-document 2000]
        [--only workers|ingest]
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
from jixiao.graph.distributed import (  # noqa: E402
    Built,
    Stages,
    build_task,
    cluster,
    ingest_on_cluster,
    read_task,
    summary_task,
)
from jixiao.graph.ingest import link_documents  # noqa: E402
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
    warm: float  # CPU seconds of a worker's warm-up, the mean over workers


WARM = ROOT / "examples" / "guangzhou" / "002_6706784a82fb7692.txt"  # a sample (101 projects)


def _warm() -> float:
    """On a worker: read, build and validate one sample document; its CPU seconds."""
    start = time.process_time()
    loaded = read_task(str(WARM))
    assert not isinstance(loaded, str), loaded
    build_task(loaded, [], True)
    return time.process_time() - start


def _started(client: object) -> tuple[dict[str, float], float]:
    warm = client.run(_warm)  # type: ignore[attr-defined]
    before = client.run(time.process_time)  # type: ignore[attr-defined]
    return before, sum(warm.values()) / len(warm)


def run(paths: list[Path], workers: int, root: Path, validate: bool) -> Run:
    store = open_store(root / f"store-{workers}")
    stages = Stages()
    with cluster(workers) as client:
        before, warm = _started(client)
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
    return Run(stages, worker_cpu, client_cpu, load(), warm)


def workers_alone(paths: list[Path], workers: int, validate: bool) -> Run:
    """The workers' tasks as :func:`ingest_on_cluster` runs them, nothing written."""
    from distributed import as_completed

    stages = Stages()
    with cluster(workers) as client:
        before, warm = _started(client)
        client_before = time.process_time()
        start = time.perf_counter()
        began = time.time()
        reads = client.map(read_task, [str(p) for p in paths], pure=False)  # type: ignore[attr-defined]
        summaries = client.gather(client.map(summary_task, reads, pure=False))  # type: ignore[attr-defined]
        assert not [s for s in summaries if isinstance(s, str)], "a document was not read"
        stages.read = sum(s.seconds for s in summaries)
        linked = time.perf_counter()
        links = link_documents([s.doc for s in summaries])
        stages.link = time.perf_counter() - linked
        builds = [
            client.submit(build_task, r, links.get(s.doc.path, []), validate, pure=False)  # type: ignore[attr-defined]
            for r, s in zip(reads, summaries, strict=True)
        ]
        del reads
        for future in as_completed(builds):
            built: Built = future.result()
            stages.build += built.build_seconds
            stages.validate += built.validate_seconds
            stages.written_triples += built.triples  # built, not written
            stages.workers_span = max(stages.workers_span, built.finished - began)
            future.release()
        stages.wall = time.perf_counter() - start
        client_cpu = time.process_time() - client_before
        after = client.run(time.process_time)  # type: ignore[attr-defined]
    assert set(after) == set(before), "a worker was replaced during the run"
    worker_cpu = sum(after[w] - before[w] for w in after)
    return Run(stages, worker_cpu, client_cpu, load(), warm)


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
    parser.add_argument("--only", choices=("workers", "ingest"), help="one measure only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-dask-") as tmp:
        root = Path(tmp)
        paths = write_corpus(root / "corpus", args.indicators, args.per_document)
        print(f"{len(paths)} documents, {args.indicators} indicators; before: {load()}")
        head = (
            f"{'workers':<8} {'read s':>7} {'build s':>7} {'valid. s':>8} {'link s':>6} "
            f"{'write s':>7} {'span s':>7} {'wall s':>7} {'ind./s':>7} {'wkr cpu':>8} "
            f"{'cli cpu':>8} {'wall':>7} {'span':>7} {'cpu':>7}  (speed-ups)"
        )
        validate = not args.no_validate
        for mode in ("workers", "ingest"):
            if args.only and mode != args.only:
                continue
            print(f"\n{mode}:" if mode == "ingest" else "\nworkers alone (nothing written):")
            print(head, flush=True)
            reference = None
            for workers in range(1, args.max_workers + 1):
                if mode == "workers":
                    got = workers_alone(paths, workers, validate)
                else:
                    got = run(paths, workers, root, validate)
                print(row(f"{workers}", got, args.indicators, reference), flush=True)
                reference = reference or got
                stages = got.stages
                write = (
                    f"write (the store: the client, one writer) {stages.write:.1f} s = "
                    f"{stages.write / stages.wall:.0%} of the wall time, "
                    f"{stages.written_triples / max(stages.write, 1e-9):,.0f} triples/s; "
                    if mode == "ingest"
                    else ""
                )
                print(
                    f"{'':<8} {write}worker CPU {got.worker_cpu / args.indicators * 1e3:.2f} ms "
                    f"per indicator (warm-up {got.warm:.1f} s per worker, before the clock); "
                    f"after: {got.load}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
