"""Load on a local ``jixiao serve``: a project lookup and a simple SPARQL SELECT.

    python benchmarks/serve.py [--base http://127.0.0.1:8000] [--seconds 30] [--connections 32]

Loopback only; each phase is bounded by time and by a request count. Prints req/s and
latency percentiles (ms) per phase.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from urllib.parse import urlsplit

import httpx

SIMPLE_SELECT = (
    "PREFIX jx: <https://w3id.org/jixiao/ontology#> "
    "SELECT ?p ?name WHERE { ?p a jx:Project ; jx:name ?name } LIMIT 10"
)
MAX_REQUESTS = 2_000_000


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
            result = await phase(client, url, params, seconds, connections)
            print(
                f"{name:15s} {result['req_per_s']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
                f"p90 {result['p90_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
                f"({result['requests']} ok, {result['errors']} errors)"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if urlsplit(args.base).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("loopback only")
    asyncio.run(main(args.base, min(args.seconds, 300.0), min(args.connections, 256)))
