"""Soak a real ``jixiao serve``: many clients, mixed reads and uploads, nothing may be lost.

    python benchmarks/soak.py [--clients 32] [--seconds 60] [--upload-share 0.05]

Loopback only. The five sample documents are ingested into a temporary store and served
on a free 127.0.0.1 port with an API token. Then ``--clients`` threads send, until
``--seconds`` have passed, a mix of SPARQL queries (``/sparql``, named queries), REST
calls (projects, indicators, findings, units), web pages (``/audit``, ``/findings``) and
uploads of distinct synthetic documents (``POST /api/documents`` with the token). Every
answer but a 2xx is an error. The run is bounded: in-flight requests get at most
``--grace`` seconds after the end.

Printed: requests and errors per kind, p50/p99 latency overall and per kind, the peak
RSS of the server process and of its whole process tree (query workers included). The
reference, measured in the same run before the load, is the same mix sent by one client
for ``--reference-seconds``: the load's latencies are given as ratios of it. At the end
the server is stopped and the store opened: every uploaded document must be there with
its SHA-256 and its validation report.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import make_document  # noqa: E402

TOKEN = "soak-token-" + "0123456789abcdef"
SAMPLES = sorted((ROOT / "examples" / "guangzhou").glob("0*.txt"))
SPARQL = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "PREFIX jx: <https://w3id.org/jixiao/ontology#>\n"
    "SELECT ?p ?name WHERE { ?p a jx:Project ; jx:name ?name } ORDER BY ?name LIMIT 50",
    "PREFIX jx: <https://w3id.org/jixiao/ontology#>\n"
    "SELECT ?c (COUNT(?i) AS ?n) WHERE { ?i jx:level1 ?c } GROUP BY ?c",
]
NAMED = ["projects_without_satisfaction", "indicator_count_per_unit", "unmeasurable_targets"]
REST = [
    ("/api/projects", {"year": "2026", "lacks": "satisfaction"}),
    ("/api/projects", {"limit": "50", "offset": "20"}),
    ("/api/indicators", {"category": "satisfaction", "limit": "20"}),
    ("/api/findings", {"limit": "20"}),
    ("/api/units", {}),
]
PAGES = [("/audit", {"lacks": "cost"}), ("/findings", {}), ("/", {})]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    uploads: list[tuple[str, str]] = field(default_factory=list)  # (document IRI, sha256)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error is not None:
                self.errors[kind].append(error)


class Uploads:
    """Distinct small documents (one department each), numbered across all clients."""

    def __init__(self) -> None:
        self.next = 1000
        self.lock = threading.Lock()

    def take(self) -> tuple[str, bytes]:
        with self.lock:
            self.next += 1
            index = self.next
        text = make_document(index, 40, random.Random(index))
        return f"soak_{index}.txt", text.encode("utf-8")


def one_request(
    client: httpx.Client, rng: random.Random, upload_share: float, uploads: Uploads
) -> tuple[str, Callable[[], httpx.Response], bytes | None]:
    roll = rng.random()
    if roll < upload_share:
        name, data = uploads.take()
        files = {"file": (name, data, "text/plain")}
        auth = {"authorization": f"Bearer {TOKEN}"}
        return "upload", lambda: client.post("/api/documents", files=files, headers=auth), data
    roll = rng.random()
    if roll < 0.3:
        query = rng.choice(SPARQL)
        accept = {"accept": "application/sparql-results+json"}
        return "sparql", lambda: client.post("/sparql", data={"query": query}, headers=accept), None
    if roll < 0.45:
        name = rng.choice(NAMED)
        return "named", lambda: client.get(f"/api/queries/{name}"), None
    if roll < 0.85:
        path, params = rng.choice(REST)
        return "rest", lambda: client.get(path, params=params), None
    path, params = rng.choice(PAGES)
    return "page", lambda: client.get(path, params=params), None


def client_loop(
    base: str, seed: int, deadline: float, share: float, uploads: Uploads, tally: Tally
) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, timeout=180) as client:
        while time.monotonic() < deadline:
            kind, send, data = one_request(client, rng, share, uploads)
            start = time.perf_counter()
            error = None
            try:
                response = send()
                if response.status_code >= 300:
                    error = f"{response.status_code}: {response.text[:200]}"
                elif kind == "upload":
                    (doc,) = response.json()["documents"]
                    assert data is not None
                    with tally.lock:
                        tally.uploads.append((doc["document"], hashlib.sha256(data).hexdigest()))
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            tally.add(kind, time.perf_counter() - start, error)


def run_clients(
    base: str, clients: int, seconds: float, share: float, grace: float, uploads: Uploads
) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=client_loop, args=(base, i, deadline, share, uploads, tally), daemon=True
        )
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline + grace - time.monotonic()))
    stuck = sum(t.is_alive() for t in threads)
    if stuck:
        tally.errors["stuck"].append(f"{stuck} clients still waiting after the grace period")
    return tally


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return out


class RssMonitor(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.main_kb, self.tree_kb = pid, 0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            main = _rss_kb(self.pid)
            self.main_kb = max(self.main_kb, main)
            self.tree_kb = max(self.tree_kb, sum(_rss_kb(p) for p in _tree(self.pid)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(store: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JIXIAO_API_TOKEN": TOKEN}
    command = [
        sys.executable,
        "-m",
        "jixiao.api.cmd_serve",
        "--store",
        str(store),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/units", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("server did not start in time")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def check_store(store: Path, uploads: list[tuple[str, str]]) -> list[str]:
    """What is missing in the store after the run: each uploaded document with its
    SHA-256 and its report graph."""
    import pyoxigraph as ox

    from jixiao.graph.store import stored_sha256
    from jixiao.graph.validation import report_graph

    opened = ox.Store.read_only(str(store))
    missing = []
    for iri, sha in uploads:
        if stored_sha256(opened, iri) != sha:
            missing.append(f"{iri}: not stored (or another content)")
        elif not opened.contains_named_graph(ox.NamedNode(report_graph(iri))):
            missing.append(f"{iri}: stored without its report")
    return missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--upload-share", type=float, default=0.05)
    parser.add_argument("--reference-seconds", type=float, default=10.0)
    parser.add_argument("--grace", type=float, default=180.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-soak-") as tmp:
        store = Path(tmp) / "store"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jixiao.api.cli",
                "ingest",
                "-q",
                "--store",
                str(store),
                *map(str, SAMPLES),
            ],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        port = free_port()
        server = start_server(store, port)
        base = f"http://127.0.0.1:{port}"
        monitor = RssMonitor(server.pid)
        monitor.start()
        uploads = Uploads()
        try:
            reference = run_clients(
                base, 1, args.reference_seconds, args.upload_share, args.grace, uploads
            )
            started = time.monotonic()
            load = run_clients(
                base, args.clients, args.seconds, args.upload_share, args.grace, uploads
            )
            elapsed = time.monotonic() - started
        finally:
            monitor.stop.set()
            server.terminate()
            server.wait(60)
        missing = check_store(store, reference.uploads + load.uploads)
    report(args, reference, load, elapsed, monitor, missing)


def report(
    args: argparse.Namespace,
    reference: Tally,
    load: Tally,
    elapsed: float,
    monitor: RssMonitor,
    missing: list[str],
) -> None:
    ref_all = [x for v in reference.latencies.values() for x in v]
    all_ = [x for v in load.latencies.values() for x in v]
    errors = sum(len(v) for v in load.errors.values()) + sum(
        len(v) for v in reference.errors.values()
    )
    ref50 = statistics.median(ref_all) if ref_all else float("nan")
    print(
        f"reference: 1 client, {len(ref_all)} requests in {args.reference_seconds:g} s, "
        f"p50 {ref50 * 1000:.0f} ms, p99 {pct(ref_all, 0.99) * 1000:.0f} ms"
    )
    print(
        f"load: {args.clients} clients, {len(all_)} requests in {elapsed:.0f} s "
        f"({len(all_) / elapsed:.1f}/s), errors {errors}"
    )
    p50, p99 = pct(all_, 0.5), pct(all_, 0.99)
    print(
        f"latency: p50 {p50 * 1000:.0f} ms ({p50 / ref50:.1f}x the reference), "
        f"p99 {p99 * 1000:.0f} ms"
    )
    for kind in sorted(load.latencies):
        values = load.latencies[kind]
        print(
            f"  {kind:7s} {len(values):6d} requests, {len(load.errors.get(kind, [])):3d} errors,"
            f" p50 {pct(values, 0.5) * 1000:6.0f} ms, p99 {pct(values, 0.99) * 1000:6.0f} ms"
        )
    for kind, found in {**reference.errors, **load.errors}.items():
        for line in found[:3]:
            print(f"  error ({kind}): {line}")
    print(
        f"server RSS peak: {monitor.main_kb / 1024:.0f} MB (process), "
        f"{monitor.tree_kb / 1024:.0f} MB (with its query workers)"
    )
    uploaded = len(reference.uploads) + len(load.uploads)
    print(
        f"uploads: {uploaded} accepted, {uploaded - len(missing)} in the store with their "
        f"reports, {len(missing)} lost"
    )
    for line in missing[:5]:
        print(f"  lost: {line}")


if __name__ == "__main__":
    main()
