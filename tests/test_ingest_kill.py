"""A document and its validation report are stored together (issue #18, item 7).

A kill between storing a document and writing its report used to leave it unvalidated for
good: the next ingest said "unchanged" and the findings pages showed it as clean. Here a
real ``jixiao ingest`` (validating) is killed with SIGKILL at several moments; afterwards
every document present has its report, and a new ingest completes the store.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from benchmarks.synth import write_corpus
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.prepared import FACTS_SUFFIX, facts_graph, stale_facts
from jixiao.graph.prepared_projects import is_projects_graph
from jixiao.graph.store import ONTOLOGY_GRAPH, open_store, stored_sha256
from jixiao.graph.validation import REPORT_SUFFIX, report_graph
from tests.conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def ingest_command(store: Path, corpus: list[Path], *flags: str) -> list[str]:
    return [sys.executable, "-m", "jixiao.api.cli", "ingest", *flags, "--store", str(store)] + [
        str(p) for p in corpus
    ]


def kill_during_ingest(corpus: list[Path], store: Path, delay: float) -> bool:
    """Start a validating ingest, wait until its first document is committed, then
    ``delay`` seconds more, and SIGKILL it; False if it had ended by then."""
    proc = subprocess.Popen(
        ingest_command(store, corpus),
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=ENV, cwd=ROOT,
    )  # fmt: skip
    assert proc.stderr is not None
    line = ""
    while f"1/{len(corpus)}" not in line:
        line = proc.stderr.readline().decode()
        assert line, "ingest ended before its first document"
    time.sleep(delay)
    if proc.poll() is not None:  # a fast machine: done before the kill
        assert proc.returncode == 0
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return True


def documents_and_reports(store_dir: Path) -> tuple[set[str], set[str]]:
    store = open_store(store_dir)  # as jixiao opens it: a killed bulk write taken back
    named = {g.value for g in store.named_graphs()} - {ONTOLOGY_GRAPH}
    named -= {g for g in named if is_projects_graph(g)}
    assert stale_facts(store) == []  # the project graphs too: as the union says
    graphs = {g for g in named if not g.endswith(FACTS_SUFFIX)}
    documents = {g for g in graphs if not g.endswith(REPORT_SUFFIX)}
    assert all(stored_sha256(store, d) for d in documents)  # each one whole
    assert named - graphs == {facts_graph(d) for d in documents}  # with its prepared facts
    reported = {g.removesuffix(REPORT_SUFFIX) for g in graphs - documents}
    del store
    gc.collect()
    return documents, reported


def test_sigkill_leaves_each_document_with_its_report_or_absent(tmp_path: Path) -> None:
    # enough documents that a kill up to 2 s after the first one still finds work to do
    corpus = write_corpus(tmp_path / "docs", 3000, per_document=250, seed=11)
    interrupted = 0
    store = tmp_path / "store"
    for attempt, delay in enumerate((0.0, 0.3, 0.8, 1.4, 2.0)):
        store = tmp_path / f"store{attempt}"
        kill_during_ingest(corpus, store, delay)
        documents, reported = documents_and_reports(store)
        assert documents, "the first document was committed before the kill"
        assert documents == reported, f"kill after {delay} s: {documents ^ reported}"
        interrupted += len(documents) < len(corpus)
    assert interrupted >= 2, "most kills came after the last document was stored"
    # a new ingest completes the last store; each document has its report
    done = subprocess.run(
        ingest_command(store, corpus, "-q"), capture_output=True, text=True, env=ENV, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    documents, reported = documents_and_reports(store)
    assert len(documents) == len(corpus) and documents == reported


def test_a_document_without_its_report_is_validated_at_the_next_ingest(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "docs", 400, per_document=200, seed=5)
    store = open_store(tmp_path / "store")
    first = ingest_paths(corpus, store, validate=False)
    assert [r.status for r in first] == ["stored", "stored"]
    missing = [r.document for r in first]
    assert not any(store.contains_named_graph(ox.NamedNode(report_graph(d))) for d in missing)
    second = ingest_paths(corpus, store)
    assert [r.status for r in second] == ["validated", "validated"]
    assert all(store.contains_named_graph(ox.NamedNode(report_graph(d))) for d in missing)
    assert [r.status for r in ingest_paths(corpus, store)] == ["unchanged", "unchanged"]
    # a document stored again without validation loses its old report (it would be stale)
    forced = ingest_paths(corpus[:1], store, force=True, validate=False)
    assert forced[0].status == "stored"
    assert not store.contains_named_graph(ox.NamedNode(report_graph(missing[0])))
    del store
    gc.collect()
