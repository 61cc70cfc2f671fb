"""Load on a local ``jixiao serve``: a project lookup and a simple SPARQL SELECT.

    python benchmarks/serve.py [--base http://127.0.0.1:8000] [--seconds 30] [--connections 32]
    python benchmarks/serve.py --compare [--seconds 15] [--connections 32]

Loopback only; each phase is bounded by time and by a request count. Prints req/s and
latency percentiles (ms) per phase.

``--compare`` ingests the sample documents (examples/guangzhou) into a temporary store, starts
``jixiao serve`` on it and rdflib-endpoint (``pip install rdflib-endpoint``) on the same
triples (the union of the store's graphs, as N-Triples in an rdflib Graph), both on free
loopback ports, and runs the same SELECT at the same concurrency against each.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx

SIMPLE_SELECT = (
    "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
    "SELECT ?p ?name WHERE { ?p a jx:Project ; jx:name ?name } LIMIT 10"
)
MAX_REQUESTS = 2_000_000
ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "guangzhou"
RDFLIB_SERVER = """
import sys, uvicorn
from rdflib import Graph
from rdflib_endpoint import SparqlEndpoint
graph = Graph()
graph.parse(sys.argv[1], format="nt")
app = SparqlEndpoint(graph=graph, path="/sparql")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


async def phase(
    client: httpx.AsyncClient, url: str, params: dict, seconds: float, connections: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal errors
        while time.monotonic() < deadline and len(latencies) + errors < MAX_REQUESTS:
            start = time.perf_counter()
            try:
                response = await client.get(url, params=params)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - start)
            else:
                errors += 1

    start = time.monotonic()
    await asyncio.gather(*(loop() for _ in range(connections)))
    elapsed = time.monotonic() - start
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "requests": len(latencies),
        "errors": errors,
        "req_per_s": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p90_ms": cuts[89] * 1000,
        "p99_ms": cuts[98] * 1000,
    }


async def main(base: str, seconds: float, connections: int) -> None:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        first = (await client.get("/api/projects", params={"limit": 1})).json()["items"][0]
        local = first["id"].removeprefix("https://w3id.org/jixiao/id/project/")
        phases = {
            "project lookup": (f"/api/projects/{local}", {}),
            "sparql select": ("/sparql", {"query": SIMPLE_SELECT}),
        }
        for name, (url, params) in phases.items():
            report(name, await phase(client, url, params, seconds, connections))


def report(name: str, result: dict[str, float]) -> None:
    print(
        f"{name:15s} {result['req_per_s']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
        f"p90 {result['p90_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
        f"({result['requests']} ok, {result['errors']} errors)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(command: list[str], base: str, check: str) -> Iterator[None]:
    """Run ``command`` until ``base + check`` answers 200 (at most 120 s), stop it after."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:3]} exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + check, timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[:3]} did not start in time")
            time.sleep(0.3)
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def prepare(folder: Path) -> tuple[Path, Path, int]:
    """The samples in a jixiao store, and the union of its graphs as N-Triples."""
    import pyoxigraph as ox

    from graph.ingest import ingest_paths

    store_dir = folder / "store"
    store = ox.Store(str(store_dir))
    ingest_paths(sorted(SAMPLES.glob("*.txt")), store)
    store.flush()
    triples = {q.triple for q in store.quads_for_pattern(None, None, None, None)}
    del store
    nt = folder / "samples.nt"
    nt.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return store_dir, nt, len(triples)


async def select_phase(base: str, seconds: float, connections: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"Accept": "application/sparql-results+json"}
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=60, headers=headers
    ) as client:
        check = await client.get("/sparql", params={"query": SIMPLE_SELECT})
        rows = check.json()["results"]["bindings"]
        assert check.status_code == 200 and len(rows) == 10, (check.status_code, len(rows))
        return await phase(client, "/sparql", {"query": SIMPLE_SELECT}, seconds, connections)


def compare(seconds: float, connections: int) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        store_dir, nt, count = prepare(Path(tmp))
        print(f"{count} triples from {len(list(SAMPLES.glob('*.txt')))} sample documents")
        results = {}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        jixiao = [sys.executable, "-m", "api.cmd_serve", "--store", str(store_dir),
                  "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
        with serving(jixiao, base, "/sparql"):
            results["jixiao"] = asyncio.run(select_phase(base, seconds, connections))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        rdflib = [sys.executable, "-c", RDFLIB_SERVER, str(nt), str(port)]
        with serving(rdflib, base, "/sparql?query=ASK%7B%7D"):
            results["rdflib-endpoint"] = asyncio.run(select_phase(base, seconds, connections))
    print(f"sparql select, {connections} connections, {seconds:g} s each:")
    for name, result in results.items():
        report(name, result)
    ours, theirs = results["jixiao"], results["rdflib-endpoint"]
    print(
        f"jixiao / rdflib-endpoint: {ours['req_per_s'] / max(theirs['req_per_s'], 1e-9):.2f}x "
        f"req/s, p99 {ours['p99_ms'] / max(theirs['p99_ms'], 1e-9):.2f}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--compare", action="store_true", help="jixiao against rdflib-endpoint on the samples"
    )
    args = parser.parse_args()
    if args.compare:
        compare(min(args.seconds, 300.0), min(args.connections, 256))
        sys.exit(0)
    if urlsplit(args.base).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only")
    asyncio.run(main(args.base, min(args.seconds, 300.0), min(args.connections, 256)))
