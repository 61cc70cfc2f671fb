"""Ingest throughput, store size and auditor-query latency: pyoxigraph on disk vs rdflib.

For each size, synthetic documents (``benchmarks/synth.py``) are written to a temporary
directory, then read (parse), built (records → N-Triples) and loaded into an on-disk
``pyoxigraph.Store`` exactly as ``jixiao ingest`` does (one transaction per document); the
store is then compacted (``optimize``, not timed; "data MB" is the size of its ``.sst``
files) and the named auditor queries are timed (best of three). The same triples are loaded
into an rdflib ``Dataset`` (union default graph) up to ``--rdflib-max`` indicators, and the
same queries run there once, in a worker process killed after ``--rdflib-timeout`` seconds.

    python benchmarks/ingest.py --sizes 1000,10000,100000
    python benchmarks/ingest.py --sizes 1000000 --rdflib-max 0      # by hand: ~1 h

``--through-ingest`` measures the real command instead (issue #16): ``jixiao ingest`` (with
validation, ``--engine``) builds the store in a child process; then the store's own bulk
load (``Store.bulk_load``, another child) loads the N-Quads that ingest wrote into a fresh
store on disk. Printed, from the same run: indicators/s of each, and the ratio, by wall
clock and by CPU time (children's user + system: steadier on a shared machine), and a
sample check that pySHACL finds, on documents drawn at random, what the stored reports say.

    python benchmarks/ingest.py --through-ingest --sizes 100000 [--engine pyshacl]
    python benchmarks/ingest.py --through-ingest --checkout DIR --engine default  # before

Measured 7 Dec 2026 (2 shared cores, load average 5–19, so CPU time is the steadier figure):
10,148 indicators (701,848 quads): before (pySHACL, SPARQL update per document) 741 s,
CPU 64.1 s, 9 % of the bulk load's CPU; after (compiled engine, N-Quads load, next document
prepared in a thread) 133 s, CPU 23.4 s, 23 %. 101,509 indicators (6,993,056 quads):
925 s, CPU 259 s against the bulk load's 66 s: 26 % by CPU; pySHACL sample identical.

After new documents went through the bulk loader with a journal (``graph/store_bulk.py``)
and the facts were read off the validation store (commit 594b5dc), same command,
`--sizes 100000 --per-document 5000 --sample 2`, load average 5–6:
101,509 indicators (7,504,164 quads): ingest 234.8 s (432 indicators/s), CPU 165.0 s;
``Store.bulk_load`` of the same quads 148.6 s (683 indicators/s), CPU 78.5 s: ingest =
**63 % of the bulk load by wall clock, 48 % by CPU**; pySHACL sample (2 documents, 4,820
findings) identical. The goal of 3,000 indicators/s at 10⁵ is 4.4× the rate at which
the store itself bulk-loads the same quads in that run (683 indicators/s): no write path
into this store on this machine reaches it; fewer quads per indicator, or more machines
(issue #17), would.

The same command on the **idle** machine (main at 7121e13, load average 0.1–1.3, nothing
else running): 101,509 indicators, 8,149,114 quads (80 an indicator since the lacks ranks
and tallies): ingest 110.0 s (**923 indicators/s**, CPU 189.6 s), ``Store.bulk_load``
41.8 s (2,430 indicators/s, CPU 73.6 s): **38 % by wall clock, 39 % by CPU**. A loaded
machine slows the bulk loader (which uses both cores) more than ingest, so the wall-clock
ratio depends on the load: 63 % at load 5–6, 50 % at load 10–12 (CPU 47 %), 38 % idle.

``--alternatives`` (other write paths' upper bounds, same run, load 10–12, code of 7121e13):
the same quads bulk-loaded **in memory** 2,215 indicators per CPU second; only the **named
graphs** (a layout without the materialised union: 4.6 M quads) on disk 2,228 per CPU
second; the whole store on disk 1,109. Ingest's own work besides the write (read, build,
validate, facts) cost 0.64 ms of CPU an indicator after the cuts of commits 299bf8d–2d7825a
(0.82 before; ``benchmarks/ingest_phases.py --indicators 20000``: build 5.2 → 3.9 s,
validate 8.6 → 6.0 s of CPU). So on these 2 cores even the leanest layout measured gives at most
2 / (0.45 + 0.64 ms) ≈ 1,800 indicators/s, under the 3,000 asked.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_corpus  # noqa: E402
from jixiao.graph import iris  # noqa: E402
from jixiao.graph.build import build_document  # noqa: E402
from jixiao.graph.ingest import read_one  # noqa: E402
from jixiao.graph.store import ensure_ontology, open_store, query, replace_document  # noqa: E402
from jixiao.queries import load_query  # noqa: E402

QUERIES = ("projects_without_satisfaction", "satisfaction_below_90", "indicator_count_per_unit")
SHORT = {"projects_without_satisfaction": "no-satisf", "satisfaction_below_90": "satisf<90",
         "indicator_count_per_unit": "per-unit"}  # fmt: skip


def _data_size(path: Path) -> int:
    """Bytes of RocksDB data files (``*.sst``): the write-ahead log is left out, since it is
    only kept until the memtables are flushed."""
    return sum(f.stat().st_size for f in path.rglob("*.sst"))


def _time_query(run, text: str, repeat: int = 3) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    best, rows = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = sum(1 for _ in run(text))
        best = min(best, time.perf_counter() - start)
    return best, rows


def measure_oxigraph(paths: list[Path], work: Path) -> tuple[dict, list[tuple[str, str]]]:
    store_dir = work / "store"
    store = open_store(store_dir)
    ensure_ontology(store)
    parse = build = load = 0.0
    indicators = triples = 0
    documents: list[tuple[str, str]] = []
    for path in paths:
        t0 = time.perf_counter()
        item = read_one(path)
        t1 = time.perf_counter()
        nt = build_document(item.doc, item.sha256)
        text = nt.text()
        t2 = time.perf_counter()
        graph = iris.document_iri(item.doc)
        replace_document(store, graph, text)
        t3 = time.perf_counter()
        parse, build, load = parse + t1 - t0, build + t2 - t1, load + t3 - t2
        indicators += sum(len(p.indicators) for p in item.doc.projects)
        triples += len(nt)
        documents.append((graph, text))
    store.flush()
    store.optimize()  # compact, so that the size is that of the data
    total = parse + build + load
    row = {
        "engine": "oxigraph",
        "indicators": indicators,
        "triples": triples,
        "parse": parse,
        "build": build,
        "load": load,
        "rate": indicators / total,
        "mb": _data_size(store_dir) / 1e6,
    }
    for name in QUERIES:
        seconds, rows = _time_query(lambda q: query(store, q), load_query(name))
        row[name] = f"{seconds * 1000:.0f} ms ({rows})"
    return row, documents


def _rdflib_worker(documents: list[tuple[str, str]], out: mp.Queue) -> None:
    from rdflib import Dataset, URIRef

    from jixiao.ontology import load_graph

    start = time.perf_counter()
    ds = Dataset(default_union=True)
    onto = ds.graph(URIRef("urn:ontology"))
    for triple in load_graph("jx.ttl", "framework.ttl"):
        onto.add(triple)
    for graph, text in documents:
        ds.graph(URIRef(graph)).parse(data=text, format="nt")
    out.put(("load", time.perf_counter() - start, 0))
    prefixes = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    for name in QUERIES:
        seconds, rows = _time_query(lambda q: ds.query(prefixes + q), load_query(name), repeat=1)
        out.put((name, seconds, rows))


def measure_rdflib(documents: list[tuple[str, str]], timeout: float) -> dict:
    ctx = mp.get_context("spawn")  # fork after RocksDB's threads started can deadlock
    out: mp.Queue = ctx.Queue()
    worker = ctx.Process(target=_rdflib_worker, args=(documents, out))
    worker.start()
    row: dict = {"engine": "rdflib"}
    for name in ("load", *QUERIES):
        try:
            key, seconds, rows = out.get(timeout=timeout)
        except Exception:  # queue.Empty: the worker is still busy
            row[name] = f"> {timeout:.0f} s"
            for rest in QUERIES:
                row.setdefault(rest, "skipped")
            break
        row[key] = seconds if key == "load" else f"{seconds * 1000:.0f} ms ({rows})"
    worker.kill()
    worker.join()
    return row


def _cell(value: object, fmt: str) -> str:
    return format(value, fmt) if isinstance(value, int | float) else str(value or "—")


def print_table(rows: list[dict]) -> None:
    head = ["size", "engine", "indicators", "triples", "parse s", "build s", "load s", "ind/s",
            "data MB", *(SHORT[q] for q in QUERIES)]  # fmt: skip
    fmts = ["", "", ",", ",", ".2f", ".2f", ".2f", ",.0f", ".1f", "", "", ""]
    keys = ["size", "engine", "indicators", "triples", "parse", "build", "load", "rate", "mb",
            *QUERIES]  # fmt: skip
    table = [head] + [[_cell(r.get(k), f) for k, f in zip(keys, fmts, strict=True)] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    for line in table:
        print("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)))


def _site(checkout: Path | None) -> list[str]:
    """Python's flags to run ``checkout`` (another version installed with ``pip install
    --target``) instead of this one: no site hooks, so this editable install is not seen."""
    return [] if checkout is None else ["-S"]


def _child(command: list[str], checkout: Path | None = None) -> tuple[float, float, str]:
    """Run ``command``; its wall-clock and CPU seconds (user + system) and its output."""
    env = dict(os.environ)
    if checkout is not None:
        env["PYTHONPATH"] = f"{checkout}{os.pathsep}{sysconfig.get_paths()['purelib']}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    cwd = checkout  # not here: the repository's own jixiao/ would come first on the path
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:6])} …: exit {done.returncode}\n{done.stderr}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout


_BULK = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2]) if sys.argv[2] != "-" else ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
if sys.argv[2] != "-":
    store.flush()
"""

# The named graphs' quads only: what a store without the materialised union would write.
_NAMED_ONLY = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
quads = (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
ox.serialize(quads, sys.argv[2], ox.RdfFormat.N_QUADS)
"""


def alternatives(store: Path, dump: Path, work: Path, indicators: int) -> list[dict]:
    """Other write paths' upper bounds, measured in the same run as ingest: the same quads
    bulk-loaded into a store in memory (no disk), and only the named graphs' quads
    bulk-loaded on disk (the leaner layout without the union copy)."""
    rows = []
    wall, cpu, _ = _child([sys.executable, "-c", _BULK, str(dump), "-"])
    rows.append({"what": "bulk load, same quads, in memory", "s": wall, "cpu_s": cpu})
    named = work / "named.nq"
    _child([sys.executable, "-c", _NAMED_ONLY, str(store), str(named)])
    wall, cpu, _ = _child([sys.executable, "-c", _BULK, str(named), str(work / "named")])
    rows.append({"what": "bulk load, named graphs only (no union copy), on disk",
                 "s": wall, "cpu_s": cpu})  # fmt: skip
    for row in rows:
        row["rate"] = indicators / row["s"]
        row["cpu_rate"] = indicators / row["cpu_s"]
    return rows


def sample_check(store_dir: Path, k: int) -> tuple[int, int, bool]:
    """pySHACL on ``k`` documents drawn at random (seed 0): (documents, findings, are they
    those of the stored reports?) — focus, path, shape, severity and value compared."""
    import pyoxigraph as ox
    from rdflib import Graph

    from jixiao.graph.validation import (
        document_graphs,
        document_ntriples,
        report_graph,
        shapes_graph,
        validate,
    )
    from jixiao.graph.validation.findings import read_findings
    from jixiao.graph.validation.reference import data_graph

    store = ox.Store.read_only(str(store_dir))
    names = document_graphs(store)
    picked = random.Random(0).sample(names, min(k, len(names)))
    same, count = True, 0
    for name in picked:
        text = document_ntriples(store, name)
        stored = store.dump(
            format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(report_graph(name))
        )
        report = Graph().parse(data=stored or b"", format="nt")
        mine = read_findings(report, shapes_graph(), data_graph(text), name)
        theirs = validate(text, name, engine="pyshacl").findings
        same = same and Counter(f.key() for f in mine) == Counter(f.key() for f in theirs)
        count += len(theirs)
    return len(picked), count, same


def through_ingest(
    size: int,
    per_document: int,
    engine: str,
    sample: int,
    checkout: Path | None = None,
    compare: bool = False,
) -> dict:
    """The real ``jixiao ingest`` against the store's own bulk load of the same quads."""
    work = Path(tempfile.mkdtemp(prefix=f"jixiao-ingest-{size}-"))
    try:
        paths = write_corpus(work / "docs", size, per_document)
        store = work / "store"
        chosen = ["--engine", engine] if engine != "default" else []
        command = [sys.executable, *_site(checkout), "-m", "jixiao.api.cli", "ingest", "-q",
                   "--json", *chosen, "--store", str(store), *map(str, paths)]  # fmt: skip
        wall, cpu, out = _child(command, checkout)
        results = json.loads(out)
        assert all(r["status"] == "stored" for r in results), "a document was not stored"
        indicators = sum(r["indicators"] for r in results)
        import pyoxigraph as ox

        dump = work / "store.nq"
        opened = ox.Store.read_only(str(store))
        opened.dump(str(dump), ox.RdfFormat.N_QUADS)
        quads = len(opened)
        del opened
        bulk_wall, bulk_cpu, _ = _child(
            [sys.executable, "-c", _BULK, str(dump), str(work / "bulk")]
        )
        others = alternatives(store, dump, work, indicators) if compare else []
        documents, findings, same = sample_check(store, sample)
        return {
            "alternatives": others,
            "indicators": indicators, "quads": quads, "engine": engine,
            "ingest_s": wall, "ingest_cpu_s": cpu,
            "bulk_s": bulk_wall, "bulk_cpu_s": bulk_cpu,
            "ingest_rate": indicators / wall, "bulk_rate": indicators / bulk_wall,
            "ratio_wall": bulk_wall / wall, "ratio_cpu": bulk_cpu / cpu,
            "sample": f"{documents} documents, {findings} findings, identical: {same}",
        }  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_ingest(row: dict) -> None:
    print(
        f"{row['indicators']:,} indicators, {row['quads']:,} quads ({row['engine']}):\n"
        f"  jixiao ingest   {row['ingest_s']:8.1f} s  {row['ingest_rate']:8,.0f} indicators/s"
        f"  (CPU {row['ingest_cpu_s']:.1f} s)\n"
        f"  Store.bulk_load {row['bulk_s']:8.1f} s  {row['bulk_rate']:8,.0f} indicators/s"
        f"  (CPU {row['bulk_cpu_s']:.1f} s)\n"
        f"  ingest / bulk load: {row['ratio_wall']:.0%} by wall clock, "
        f"{row['ratio_cpu']:.0%} by CPU time\n"
        f"  pySHACL sample check: {row['sample']}"
    )
    for other in row.get("alternatives", []):
        print(
            f"  {other['what']}: {other['s']:.1f} s, {other['rate']:,.0f} indicators/s"
            f" (CPU {other['cpu_s']:.1f} s, {other['cpu_rate']:,.0f} indicators per CPU s)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="indicator counts")
    parser.add_argument("--per-document", type=int, default=5000)
    parser.add_argument("--rdflib-max", type=int, default=10_000)
    parser.add_argument("--rdflib-timeout", type=float, default=120.0)
    parser.add_argument("--through-ingest", action="store_true", help="the real command")
    parser.add_argument(
        "--engine",
        choices=("compiled", "pyshacl", "default"),
        default="compiled",
        help="default: pass no --engine",
    )
    parser.add_argument("--sample", type=int, default=2, help="documents checked by pySHACL")
    parser.add_argument(
        "--alternatives",
        action="store_true",
        help="also bulk-load the same quads in memory, and the named graphs only on disk",
    )
    parser.add_argument(
        "--checkout",
        type=Path,
        help="time another version's ingest: its `pip install --no-deps --target DIR`",
    )
    args = parser.parse_args()
    if args.through_ingest:
        for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
            row = through_ingest(
                size, args.per_document, args.engine, args.sample, args.checkout, args.alternatives
            )
            print_ingest(row)
        return
    rows = []
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        work = Path(tempfile.mkdtemp(prefix=f"jixiao-bench-{size}-"))
        try:
            paths = write_corpus(work / "docs", size, args.per_document)
            row, documents = measure_oxigraph(paths, work)
            rows.append({"size": f"{size:,}", **row})
            if size <= args.rdflib_max:
                rdf = measure_rdflib(documents, args.rdflib_timeout)
                if isinstance(rdf.get("load"), float):  # same parse and build, rdflib load
                    seconds = row["parse"] + row["build"] + rdf["load"]
                    rdf["rate"] = row["indicators"] / seconds
                rows.append({"size": f"{size:,}", "indicators": row["indicators"],
                             "triples": row["triples"], **rdf})  # fmt: skip
            print(f"done {size:,}", file=sys.stderr)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print_table(rows)


if __name__ == "__main__":
    main()
