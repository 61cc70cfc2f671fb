"""Validation of the ingested samples: per-document findings equal one whole-graph run,
reports are stored per document, and ``jixiao validate`` prints bilingual JSON findings."""

from __future__ import annotations

import argparse
import gc
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.api import cmd_validate
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store
from jixiao.graph.validation import (
    Finding,
    all_findings,
    document_graphs,
    document_ntriples,
    report_graph,
    validate_and_store,
    validate_store,
)
from jixiao.graph.validation.reference import data_graph, validate_graph

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples" / "guangzhou").glob("*.txt"))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("store")
    st = open_store(path)
    ingest_paths(SAMPLES, st)
    del st
    gc.collect()  # pyoxigraph releases the RocksDB lock when the Store is freed
    yield path


@pytest.fixture(scope="module")
def findings(store_dir: Path) -> list[Finding]:
    st = open_store(store_dir)
    validations = validate_store(st, workers=2, engine="pyshacl")
    del st
    gc.collect()  # pyoxigraph releases the RocksDB lock when the Store is freed
    return all_findings(validations)


def test_counts_per_severity_and_shape(findings: list[Finding]) -> None:
    severities = Counter(f.severity for f in findings)
    assert severities == {"Violation": 15, "Warning": 33, "Info": 3}
    shapes = Counter(f.shape.rsplit("#", 1)[-1] for f in findings)
    assert shapes["ProjectSatisfactionShape"] == 25
    assert shapes["ClassifiedTextShape"] == 3
    assert shapes["SatisfactionUnitShape"] == 1
    assert all(f.message_zh and f.message_en for f in findings)


def test_per_document_equals_whole_graph(store_dir: Path, findings: list[Finding]) -> None:
    st = open_store(store_dir)
    whole = b"".join(document_ntriples(st, d) for d in document_graphs(st))
    del st
    gc.collect()  # pyoxigraph releases the RocksDB lock when the Store is freed
    union = validate_graph(data_graph(whole))
    assert {f.key() for f in union.findings} == {f.key() for f in findings}
    assert len(union.findings) == len(findings)


def test_reports_stored_per_document(store_dir: Path, findings: list[Finding]) -> None:
    st = open_store(store_dir)
    documents = document_graphs(st)
    assert len(documents) == 5
    stored = 0
    for document in documents:
        name = ox.NamedNode(report_graph(document))
        assert st.contains_named_graph(name)
        stored += sum(
            1
            for _ in st.quads_for_pattern(
                None, ox.NamedNode("http://www.w3.org/ns/shacl#result"), None, name
            )
        )
    assert stored == len(findings)
    # the ingest hook: one document again, its report replaced, not duplicated
    sizes = {d: len(document_ntriples(st, d)) for d in documents}
    busy = max(sizes, key=sizes.__getitem__)
    again = validate_and_store(st, busy)
    assert len(again.findings) == 51
    report = ox.NamedNode(report_graph(busy))
    result = ox.NamedNode("http://www.w3.org/ns/shacl#result")
    assert sum(1 for _ in st.quads_for_pattern(None, result, None, report)) == 51
    del st
    gc.collect()  # pyoxigraph releases the RocksDB lock when the Store is freed


def test_cli_json(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cmd_validate.register(parser.add_subparsers())
    args = parser.parse_args(["validate", "--store", str(store_dir), "--format", "json"])
    assert args.func(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["conforms"] is False
    assert {r["severity"] for r in payload["results"]} == {"Violation", "Warning", "Info"}
    first = payload["results"][0]
    assert set(first) == {"severity", "focus", "focus_label", "shape", "path", "value", "message"}
    assert set(first["message"]) == {"zh", "en"}
    assert payload["summary"]["by_severity"] == {"Violation": 15, "Warning": 33, "Info": 3}


def test_cli_text_and_ttl(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cmd_validate.register(parser.add_subparsers())
    args = parser.parse_args(["validate", "--store", str(store_dir), "--no-write"])
    assert args.func(args) == 0
    text = capsys.readouterr().out
    assert "广州市数字政府运营中心" in text and text.rstrip().endswith("in 5 documents")
    args = parser.parse_args(
        ["validate", "--store", str(store_dir), "--format", "ttl", "--no-write"]
    )
    assert args.func(args) == 0
    from rdflib import Graph
    from rdflib.namespace import SH

    report = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(list(report.subjects(None, SH.ValidationReport))) == 1
    assert len(list(report.objects(None, SH.result))) == 51
