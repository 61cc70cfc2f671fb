"""Ingest on Dask (issue #17, graph/distributed.py): the same store as a serial ingest, a
bad document reported while the others go on, and a worker killed mid-run losing nothing.

Real parts throughout: a local Dask cluster of worker processes on 127.0.0.1, the on-disk
store, ``jixiao ingest`` run as a command.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.synth import write_corpus
from jixiao.graph.distributed import Stages, cluster, ingest_on_cluster
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.remote import open_remote
from jixiao.graph.store import open_store
from jixiao.graph.store_batch import same_graph
from tests import servers
from tests.conftest import ROOT, SAMPLES

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SAMPLE_PATHS = sorted(SAMPLES.glob("*.txt"))


def ingest(store: Path, paths: list[Path], *flags: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "jixiao.api.cli", "ingest", "-q", *flags]
    return subprocess.run(
        [*command, "--store", str(store), *map(str, paths)],
        capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=600,
    )  # fmt: skip


def contents(store: ox.Store) -> dict[str, bytes]:
    """Every graph of the store as N-Triples, the default graph (the union) under ``""``."""
    out = {"": store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""}
    for graph in store.named_graphs():
        assert isinstance(graph, ox.NamedNode)
        out[graph.value] = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return out


def assert_same_contents(a: dict[str, bytes], b: dict[str, bytes]) -> None:
    assert sorted(a) == sorted(b)
    different = [g for g in a if not same_graph(a[g], b[g])]
    assert not different, different


def test_two_workers_store_the_same_quads_as_a_serial_ingest(tmp_path: Path) -> None:
    serial = ingest(tmp_path / "serial", SAMPLE_PATHS, "--json")
    assert serial.returncode == 0, serial.stderr
    dask = ingest(tmp_path / "dask", SAMPLE_PATHS, "--workers", "2", "--json")
    assert dask.returncode == 0, dask.stderr
    reports = [json.loads(done.stdout) for done in (serial, dask)]
    for report in reports:
        for entry in report:
            assert entry.pop("seconds") > 0
    assert [r["status"] for r in reports[1]] == ["stored"] * 5
    assert reports[1] == reports[0]  # counts, issues, commitments: the same report
    again = ingest(tmp_path / "dask", SAMPLE_PATHS, "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert "0 stored, 5 unchanged" in again.stdout
    a = contents(open_store(tmp_path / "serial"))
    b = contents(open_store(tmp_path / "dask"))
    # the samples link projects across documents and years (000, 002, 004): the links
    # are in the dask store too, so linking saw every document of the run
    links = b"<https://w3id.org/jixiao/ontology#previousYear>"
    assert sum(text.count(links) for g, text in b.items() if g) > 0
    assert_same_contents(a, b)


def test_an_existing_scheduler_by_address(tmp_path: Path) -> None:
    with cluster(1) as client:
        address = client.scheduler.address  # type: ignore[attr-defined]
        assert address.startswith("tcp://127.0.0.1:")
        done = ingest(tmp_path / "store", SAMPLE_PATHS[1:3], "--scheduler", address)
        assert done.returncode == 0, done.stderr
        ran = client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.task_prefixes))  # type: ignore[attr-defined]
    assert "2 stored, 0 unchanged, 0 failed" in done.stdout
    assert ran >= 3  # read, summary and build tasks ran on this scheduler's worker


def test_a_scheduler_that_does_not_answer_is_a_clear_error(tmp_path: Path) -> None:
    address = f"tcp://127.0.0.1:{servers.free_port()}"  # nothing listens there
    done = ingest(tmp_path / "store", SAMPLE_PATHS[:1], "--scheduler", address)
    assert done.returncode == 3, done.stderr
    assert f"no Dask scheduler answers at {address}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "store").exists()  # nothing written, not even an empty store


def test_a_bad_document_is_reported_and_the_others_are_stored(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01 not a budget document")
    done = ingest(tmp_path / "store", [SAMPLE_PATHS[2], bad, SAMPLE_PATHS[0]], "--workers", "2")
    assert done.returncode == 3, done.stdout + done.stderr
    assert str(bad) in done.stderr
    assert "2 stored, 0 unchanged, 1 failed" in done.stdout


def test_workers_must_be_a_positive_number(tmp_path: Path) -> None:
    done = ingest(tmp_path / "store", SAMPLE_PATHS[:1], "--workers", "0")
    assert done.returncode == 2
    assert "argument --workers: expected a number of workers of at least 1, not '0'" in done.stderr
    assert not (tmp_path / "store").exists()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, bytes]]:
    """Eight synthetic documents and the store contents a serial ingest gives them."""
    root = tmp_path_factory.mktemp("kill")
    paths = write_corpus(root / "corpus", 8 * 150, per_document=150)
    store = open_store(root / "serial")
    results = ingest_paths(paths, store)
    assert [r.status for r in results] == ["stored"] * 8
    return paths, contents(store)


def test_a_worker_killed_mid_run_loses_no_document(
    tmp_path: Path, corpus: tuple[list[Path], dict[str, bytes]]
) -> None:
    paths, reference = corpus
    store = open_store(tmp_path / "store")
    killed: list[int] = []
    stages = Stages()
    with cluster(2) as client:
        pids = sorted(client.run(os.getpid).values())  # type: ignore[attr-defined]
        assert len(pids) == 2

        def kill_one(done: int, total: int, result: object) -> None:
            if not killed:  # after the first document written: the others are in flight
                os.kill(pids[0], signal.SIGKILL)
                killed.append(done)

        results = ingest_on_cluster(paths, store, client, progress=kill_one, stages=stages)
        assert killed == [1]
        after = sorted(client.run(os.getpid).values())  # type: ignore[attr-defined]
        assert pids[0] not in after  # that worker process is gone for good
    assert len(results) == len(paths)
    for r in results:  # stored whole, or reported with the reason
        assert r.status == "stored" or (r.status == "error" and r.path in r.error), r
    stored = {r.document for r in results if r.status == "stored"}
    assert len(stored) == len(paths) - len(stages.lost)
    got = contents(store)
    for document in stored:
        for graph in (document, document + "/report"):
            assert same_graph(got[graph], reference[graph]), graph
    if not stages.lost:  # Dask ran the lost worker's tasks again: nothing lost at all
        assert_same_contents(got, reference)


def _canonical(store: object, graph: str) -> bytes:
    """One graph of a store as pyoxigraph spells N-Triples (a server may spell terms its
    own way)."""
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""  # type: ignore[attr-defined]
    parsed = ox.parse(data, ox.RdfFormat.N_TRIPLES)
    return ox.serialize(parsed, format=ox.RdfFormat.N_TRIPLES) or b""


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_two_workers_into_a_server_store_what_a_serial_ingest_stores(
    kind: str, tmp_path: Path
) -> None:
    why = servers.missing(kind)
    if why:
        if servers.required():
            pytest.fail(f"JIXIAO_REQUIRE_SERVERS is set but {kind} cannot run: needs {why}")
        pytest.skip(f"needs {why}")
    reference = open_store(tmp_path / "reference")
    assert {r.status for r in ingest_paths(SAMPLE_PATHS, reference)} == {"stored"}
    want = {g.value: _canonical(reference, g.value) for g in reference.named_graphs()}  # type: ignore[union-attr]
    with servers.server(kind, tmp_path) as running, cluster(2) as client:
        store = open_remote(running.url, env=running.env, write=True)
        results = ingest_on_cluster(SAMPLE_PATHS, store, client)  # type: ignore[arg-type]
        assert [r.status for r in results] == ["stored"] * 5, [r.error for r in results]
        got = {name: _canonical(store, name) for name in want}
        again = ingest_on_cluster(SAMPLE_PATHS, store, client)  # type: ignore[arg-type]
        assert [r.status for r in again] == ["unchanged"] * 5, [r.error for r in again]
        union = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
        counts = [int(next(iter(s.query(union)))["n"].value) for s in (store, reference)]  # type: ignore[index, union-attr]
    assert counts[0] == counts[1]
    for name, text in want.items():
        assert got[name].count(b"\n") == text.count(b"\n"), name
        if kind == "oxigraph":  # Virtuoso spells some literals its own way (decimals)
            assert same_graph(got[name], text), name


def test_a_worker_validates_with_the_engine_asked_for() -> None:
    # --engine reaches the workers: both engines find the same violations in a sample (the
    # reports' blank nodes differ, so compare the focus nodes and the named shapes)
    from jixiao.graph.distributed import build_task
    from jixiao.graph.ingest import read_one
    from jixiao.graph.validation import report_graph

    loaded = read_one(sorted(SAMPLES.glob("002_*.txt"))[0])
    found = {}
    for engine in ("compiled", "pyshacl"):
        built = build_task(loaded, [], True, engine)
        report = next(nt for name, nt in built.graphs.items()
                      if any(report_graph(other) == name for other in built.graphs))  # fmt: skip
        graph = ox.Store()
        graph.load(report, format=ox.RdfFormat.N_TRIPLES)
        sh = "http://www.w3.org/ns/shacl#"
        found[engine] = {
            (str(r["focus"]), str(r["shape"]))
            for r in graph.query(
                f"SELECT ?focus ?shape {{ ?r <{sh}focusNode> ?focus ; <{sh}sourceShape> ?shape "
                "FILTER (isIRI(?shape)) }"
            )
        }
    assert found["compiled"] and found["compiled"] == found["pyshacl"]
    with pytest.raises(ValueError, match="engine"):  # the name is used, not ignored
        build_task(loaded, [], True, "no-such-engine")
