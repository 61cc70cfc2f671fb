"""Goal-text commitments in the graph (graph/commitments.py) and in the ingest report."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = next((ROOT / "examples/guangzhou").glob("002_*.txt"))
BUDGET = next((ROOT / "examples/guangzhou").glob("000_*.txt"))
GOLDEN = json.loads((ROOT / "tests/golden/seed002_commitments.json").read_text(encoding="utf-8"))
JX = "https://w3id.org/jixiao/ontology#"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ox.Store, list]]:
    store = open_store(tmp_path_factory.mktemp("commitments"))
    yield store, ingest_paths([BUDGET, SAMPLE], store)


def _golden_commitments() -> list[tuple[int, str, str, list[str], list[str]]]:
    return [
        (
            p["line"],
            c["text"],
            c["status"],
            sorted(c["measured_by"]),
            sorted(d["indicator"] for d in c["disagreeing"]),
        )
        for p in GOLDEN["projects"]
        for c in p["commitments"]
    ]


def test_the_ingest_report_lists_commitments_per_project(ingested) -> None:
    _, results = ingested
    budget, table = results
    assert budget.commitments == []  # goal texts, but no indicators to measure them
    got = [
        (p["line"], c["text"], c["status"], sorted(c["measured_by"]),
         sorted(d["indicator"] for d in c["disagreeing"]))
        for p in table.commitments
        for c in p["commitments"]
    ]  # fmt: skip
    assert got == _golden_commitments()
    with_some = [p["line"] for p in GOLDEN["projects"] if p["commitments"]]
    assert [p["line"] for p in table.commitments] == with_some and len(with_some) == 19


def test_commitments_are_stored_with_their_links(ingested) -> None:
    store, _ = ingested
    rows = store.query(
        f"""SELECT ?text ?start ?end ?goal
                   (GROUP_CONCAT(DISTINCT ?m; separator="|") AS ?measured)
                   (GROUP_CONCAT(DISTINCT ?d; separator="|") AS ?disagrees) WHERE {{
          GRAPH ?g {{ ?p <{JX}commits> ?c ; <{JX}goalText> ?goal }}  # the goal of its document
          ?c a <{JX}Commitment> ; <{JX}rawText> ?text ; <{JX}spanStart> ?start ;
             <{JX}spanEnd> ?end ; <{JX}object> ?o ; <{JX}quantity> ?q .
          OPTIONAL {{ ?c <{JX}measuredBy>/<{JX}name> ?m }}
          OPTIONAL {{ ?c <{JX}disagreesWith>/<{JX}name> ?d }}
        }} GROUP BY ?c ?text ?start ?end ?goal""",
        use_default_graph_as_union=True,
    )
    found = []
    for r in rows:
        goal, start, end = r["goal"].value, int(r["start"].value), int(r["end"].value)
        assert goal[start:end] == r["text"].value
        measured = sorted(filter(None, (r["measured"] or ox.Literal("")).value.split("|")))
        disagrees = sorted(filter(None, (r["disagrees"] or ox.Literal("")).value.split("|")))
        found.append((r["text"].value, measured, disagrees))
    expected = [(t, m, d) for _, t, _, m, d in _golden_commitments()]
    assert sorted(found) == sorted(expected)


def test_cli_ingest_json_carries_the_commitments(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "jixiao", "ingest", str(SAMPLE), "--store", str(tmp_path / "s"), "--json"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    (report,) = json.loads(out.stdout)
    statuses = [c["status"] for p in report["commitments"] for c in p["commitments"]]
    assert len(statuses) == GOLDEN["figures"]["commitments_found"]
    assert statuses.count("unmeasured") == 11 and statuses.count("disagreeing") == 5
