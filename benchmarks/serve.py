"""Load on a local ``jixiao serve``: a project lookup and a simple SPARQL SELECT.

    python benchmarks/serve.py [--base http://127.0.0.1:8000] [--seconds 30] [--connections 32]
    python benchmarks/serve.py --compare [--seconds 15] [--connections 32]

Loopback only; each phase is bounded by time and by a request count. Prints req/s and
latency percentiles (ms) per phase. The load comes from ``wrk`` (Debian package ``wrk``) when
it is installed — a C client that leaves the cores to the servers; otherwise from an
asyncio httpx client, which itself saturates a core at a few hundred requests a second here.

Two SPARQL phases: the *same* query again and again (what a dashboard or a web page sends;
jixiao answers repeats from its answer cache) and *distinct* queries (the same query text
with a different comment each time, so every request runs in a worker process). Against a
server started elsewhere (``--base``), set ``JIXIAO_CLIENT_QUERIES`` to its worker count:
all the load comes from one address, which by default may use one worker fewer.

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
import shutil
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

WRK_SCRIPT = """
local counter = 0
id = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  base = args[1]
  distinct = args[2] == "distinct"
end
function request()
  counter = counter + 1
  local path = base
  if distinct then path = base .. "%0A%23" .. id .. "-" .. counter end
  return wrk.format("GET", path)
end
"""

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


JSON = "application/sparql-results+json"


def run_phase(
    base: str, path: str, params: dict, seconds: float, connections: int, distinct: bool = False
) -> dict[str, float]:
    """One phase with wrk when installed, else with the httpx client (distinct: a comment)."""
    url = str(httpx.URL(base + path, params=params))
    if shutil.which("wrk"):
        return wrk_phase(url, seconds, connections, distinct, JSON)

    async def go() -> dict[str, float]:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(limits=limits, timeout=60, headers={"Accept": JSON}) as c:
            return await phase(c, url, {}, seconds, connections)

    if distinct:
        print("  (without wrk the distinct phase sends the same query)")
    return asyncio.run(go())


def main(base: str, seconds: float, connections: int) -> None:
    first = httpx.get(base + "/api/projects", params={"limit": 1}, timeout=60).json()["items"][0]
    local = first["id"].removeprefix("https://w3id.org/jixiao/id/project/")
    report("project lookup", run_phase(base, f"/api/projects/{local}", {}, seconds, connections))
    for distinct in (False, True):
        result = run_phase(
            base, "/sparql", {"query": SIMPLE_SELECT}, seconds, connections, distinct
        )
        report(f"sparql {'distinct' if distinct else 'same'}", result)


def _ms(text: str) -> float:
    for suffix, scale in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * scale
    return float(text)


def wrk_phase(
    url: str, seconds: float, connections: int, distinct: bool, accept: str
) -> dict[str, float]:
    """``wrk`` on ``url`` (``distinct``: a different comment appended to the last parameter
    of each request); the same figures as :func:`phase`."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency",
             "-H", f"Accept: {accept}", "-s", script.name,
             f"{parts.scheme}://{parts.netloc}", "--", path, "distinct" if distinct else "same"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    out = done.stdout
    cuts = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[0] in ("50%", "90%", "99%"):
            cuts[fields[0]] = _ms(fields[1])
    total = int(out.split(" requests in ")[0].split()[-1])
    rate = float(out.split("Requests/sec:")[1].split()[0])
    errors = 0
    for line in out.splitlines():
        if "Non-2xx" in line or "Socket errors" in line:
            errors += sum(int(x) for x in line.replace(",", " ").split() if x.isdigit())
    return {
        "requests": total - errors,
        "errors": errors,
        "req_per_s": rate * (total - errors) / max(total, 1),
        "p50_ms": cuts.get("50%", 0.0),
        "p90_ms": cuts.get("90%", 0.0),
        "p99_ms": cuts.get("99%", 0.0),
    }


def report(name: str, result: dict[str, float]) -> None:
    print(
        f"{name:26s} {result['req_per_s']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
        f"p90 {result['p90_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
        f"({result['requests']} ok, {result['errors']} errors)"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(command: list[str], base: str, check: str) -> Iterator[None]:
    """Run ``command`` until ``base + check`` answers 200 (at most 120 s), stop it after.
    The load comes from one address: jixiao may give it every worker (by default a client
    runs one query fewer than there are workers, to leave one for other clients)."""
    env = {"JIXIAO_CLIENT_QUERIES": "64", **os.environ, "PYTHONPATH": str(ROOT)}
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

    from jixiao.graph.ingest import ingest_paths

    store_dir = folder / "store"
    store = ox.Store(str(store_dir))
    ingest_paths(sorted(SAMPLES.glob("*.txt")), store)
    store.flush()
    triples = {q.triple for q in store.quads_for_pattern(None, None, None, None)}
    del store
    nt = folder / "samples.nt"
    nt.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return store_dir, nt, len(triples)


def check_select(base: str) -> None:
    check = httpx.get(base + "/sparql", params={"query": SIMPLE_SELECT},
                      headers={"Accept": JSON}, timeout=60)  # fmt: skip
    rows = check.json()["results"]["bindings"]
    assert check.status_code == 200 and len(rows) == 10, (check.status_code, len(rows))


def compare(seconds: float, connections: int) -> None:
    client = "wrk" if shutil.which("wrk") else "httpx (install wrk: figures bound by the client)"
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        store_dir, nt, count = prepare(Path(tmp))
        documents = len(list(SAMPLES.glob("*.txt")))
        print(f"{count} triples from {documents} sample documents; client: {client}")
        results: dict[str, dict[str, dict[str, float]]] = {}
        servers = {
            "jixiao": lambda port: [sys.executable, "-m", "jixiao.api.cmd_serve", "--store",
                                    str(store_dir), "--host", "127.0.0.1", "--port", str(port)],
            "rdflib-endpoint": lambda port: [sys.executable, "-c", RDFLIB_SERVER, str(nt),
                                             str(port)],
        }  # fmt: skip
        for name, command in servers.items():
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with serving(command(port), base, "/sparql?query=ASK%7B%7D"):
                check_select(base)
                results[name] = {
                    kind: run_phase(base, "/sparql", {"query": SIMPLE_SELECT}, seconds,
                                    connections, kind == "distinct")
                    for kind in ("same", "distinct")
                }  # fmt: skip
    print(f"sparql select, {connections} connections, {seconds:g} s each:")
    for kind in ("same", "distinct"):
        for name, by_kind in results.items():
            report(f"{name} {kind}", by_kind[kind])
        ours, theirs = results["jixiao"][kind], results["rdflib-endpoint"][kind]
        print(
            f"  jixiao / rdflib-endpoint ({kind}): "
            f"{ours['req_per_s'] / max(theirs['req_per_s'], 1e-9):.2f}x req/s, "
            f"p99 {ours['p99_ms'] / max(theirs['p99_ms'], 1e-9):.2f}x"
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
    main(args.base, min(args.seconds, 300.0), min(args.connections, 256))
