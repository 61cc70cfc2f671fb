"""A full ``/sparql`` answer against the same query run directly on pyoxigraph, same run.

    python benchmarks/sparql_full.py [--copies N] [--rounds 3]

Ingests the five samples (examples/guangzhou) into a temporary store, and with ``--copies N``
adds N renamed copies of their union (every ``…/jixiao/id/`` IRI moved under ``c<k>/``), so
``SELECT * { ?s ?p ?o }`` has (N + 1) × the samples' rows. Then, per format (JSON, CSV):

- *direct*: the query serialised by pyoxigraph in this process, on a read-only checkpoint
  of the same store (what a worker does, without the pipe and HTTP);
- *served*: ``jixiao serve`` on a free loopback port, the answer read whole over HTTP (one
  client, no cache hit: each round's query text differs by a comment), plain and gzipped.

Prints rows/s of each (best of ``--rounds``) and their ratio. Issue #16 asks ≥ 50,000 rows/s
for a full answer. ``--store DIR`` runs on an existing store instead (e.g. a 10⁶-indicator one
built by ``bigstore.py``), never written: the run reads a private copy of it (its SST files,
which the store never changes, hard-linked; the rest copied). ``--limit N`` asks for the first
N rows of the query only; ``--query NAME`` sends a named query (``queries/NAME.rq``, its
parameters unbound) instead of ``SELECT *``, its rows counted on the direct side.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.queries.prepared import prepared  # noqa: E402

SAMPLES = ROOT / "examples" / "guangzhou"
ALL = "SELECT * { ?s ?p ?o }"
FORMATS = {"json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
           "csv": ("text/csv", ox.QueryResultsFormat.CSV)}  # fmt: skip
ID = "https://w3id.org/jixiao/id/"
ENCODINGS = ("identity", "gzip")
CPU: dict[ox.QueryResultsFormat, float] = {}


def build(store_dir: Path, copies: int) -> int:
    """The store: samples ingested (by ``jixiao ingest``), plus ``copies`` renamed unions."""
    jixiao = str(Path(sys.executable).parent / "jixiao")
    paths = sorted(str(p) for p in SAMPLES.glob("*.txt"))
    command = [jixiao, "ingest", "--store", str(store_dir), *paths]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    store = ox.Store(str(store_dir))
    union = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    for k in range(copies):
        moved = union.replace(ID.encode(), f"{ID}c{k}/".encode())
        moved = re.sub(rb"_:(\w+)", lambda m, k=k: b"_:c%d%s" % (k, m[1]), moved)
        store.bulk_load(moved, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    rows = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value)  # type: ignore[index, union-attr, arg-type]
    store.flush()
    del store
    return rows


def private_copy(store_dir: Path, work: Path) -> Path:
    """A copy of ``store_dir`` under ``work`` that this run may open for writing (the server
    and a checkpoint do): SST files hard-linked (never changed in place, only added and
    unlinked), every other file copied, so the original is not touched."""
    copy = work / "store-copy"
    copy.mkdir()
    for path in store_dir.iterdir():
        if path.suffix == ".sst":
            os.link(path, copy / path.name)
        elif path.name != "LOCK":
            shutil.copy2(path, copy / path.name)
    return copy


def count_rows(store_dir: Path, text: str) -> int:
    """Rows of ``text``'s answer on a read-only opening of ``store_dir``."""
    found = ox.Store.read_only(str(store_dir)).query(text)
    return sum(1 for _ in found)  # type: ignore[union-attr]


def direct(
    store_dir: Path, fmt: ox.QueryResultsFormat, rounds: int, work: Path, text: str = ALL
) -> float:
    """Best seconds to run and serialise the query on a read-only checkpoint."""
    checkpoint = work / f"direct-{fmt}"
    if not checkpoint.exists():
        primary = ox.Store(str(store_dir))
        primary.backup(str(checkpoint))
        del primary
    store = ox.Store.read_only(str(checkpoint))
    best, cpu = float("inf"), float("inf")
    for _ in range(rounds):
        start, used = time.perf_counter(), time.process_time()
        body = store.query(text).serialize(format=fmt)  # type: ignore[union-attr]
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - used)
        assert body
    CPU[fmt] = cpu  # the machine is shared: this process's CPU time is a quiet machine's time
    return best


def serve(store_dir: Path) -> tuple[subprocess.Popen[str], str]:
    jixiao = str(Path(sys.executable).parent / "jixiao")
    env = {**os.environ, "JIXIAO_CACHE_MB": "0"}
    process = subprocess.Popen(
        [jixiao, "serve", "--store", str(store_dir), "--port", "0", "--query-timeout", "600"],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:
        found = re.search(r"serving (http://\S+)/ ", line)
        if found:
            return process, found[1]
    raise RuntimeError("jixiao serve did not start")


def served(base: str, media: str, rounds: int, encoding: str, text: str = ALL) -> tuple[float, int]:
    """Best seconds for the whole answer over HTTP, and its size in bytes as sent."""
    best, size = float("inf"), 0
    for n in range(rounds):
        start = time.perf_counter()
        with httpx.stream(
            "GET", base + "/sparql", params={"query": f"{text} # {n}"},
            headers={"accept": media, "accept-encoding": encoding}, timeout=600,
        ) as response:  # fmt: skip
            response.raise_for_status()
            size = sum(len(chunk) for chunk in response.iter_raw())
        best = min(best, time.perf_counter() - start)
    return best, size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=0, help="renamed copies of the samples")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--store", type=Path, help="an existing store (not built here)")
    parser.add_argument("--limit", type=int, help="the first N rows only")
    parser.add_argument("--query", metavar="NAME", help="a named query instead of SELECT *")
    args = parser.parse_args(argv)
    text = ALL if args.query is None else prepared(args.query).bind({})[0]
    text = text if args.limit is None else f"{text} LIMIT {args.limit}"
    with tempfile.TemporaryDirectory(
        prefix="jixiao-sparql-full-", dir=args.store and args.store.parent
    ) as tmp:
        work = Path(tmp)
        if args.store:
            start = time.perf_counter()
            store_dir = private_copy(args.store, work)
            print(f"private copy of {args.store} in {time.perf_counter() - start:.1f} s")
            start, used = time.perf_counter(), time.process_time()
            rows = count_rows(store_dir, text)
            print(
                f"{args.query or text}: {rows:,} rows of {args.store} (counted in "
                f"{time.perf_counter() - start:.1f} s, {time.process_time() - used:.1f} s CPU); "
                f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
                flush=True,
            )
        else:
            store_dir = work / "store"
            rows = build(store_dir, args.copies)
            if args.query or args.limit:
                rows = count_rows(store_dir, text)
            print(f"{args.query or text}: {rows:,} rows ({args.copies} copies of the samples)")
        times = {
            name: direct(store_dir, fmt, args.rounds, work, text)
            for name, (_, fmt) in FORMATS.items()
        }
        process, base = serve(store_dir)
        try:
            for (name, (media, _)), encoding in itertools.product(FORMATS.items(), ENCODINGS):
                seconds, size = served(base, media, args.rounds, encoding, text)
                own = times[name]
                print(
                    f"{name:4} {encoding:8}  served {rows / seconds:>10,.0f} rows/s "
                    f"({seconds:.3f} s, {size / 2**20:.1f} MiB)   "
                    f"direct pyoxigraph {rows / own:>10,.0f} rows/s ({own:.3f} s)   "
                    f"served/direct {own / seconds:.2f}   "
                    f"direct by CPU time {rows / CPU[FORMATS[name][1]]:>10,.0f} rows/s",
                    flush=True,
                )
        finally:
            process.terminate()
            process.wait(30)


if __name__ == "__main__":
    main()
