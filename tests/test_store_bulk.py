"""New graphs written by the bulk loader and committed by a journal (graph/store_bulk.py).

The bulk path must write exactly what one transaction would, keep the default graph the
union of the named graphs, and — since a bulk load is not a transaction — leave a store
killed at any moment of a write with the batch whole or absent once jixiao opens it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.graph import store_bulk
from jixiao.graph.store import JX, open_store
from jixiao.graph.store_bulk import JOURNAL_GRAPH, bulk_write_new, pending, recover
from tests.conftest import ROOT

EX = "https://example.org/"


def document_text(name: str, n: int, shared: bool = True) -> str:
    """A document-like graph of ``n`` indicators: a commit triple (jx:sha256), plain and
    odd literals, a triple shared with other documents, and a report-like blank tree."""
    lines = [f'<{name}> <{JX}sha256> "{"ab" * 32}" .']
    if shared:
        lines.append(f"<{EX}project> <{EX}type> <{EX}Project> .")
    for i in range(n):
        lines.append(f'<{name}/i{i}> <{EX}name> "指标 {i} . _:x ." .')
        lines.append(
            f'<{name}/i{i}> <{EX}value> "{i}"^^<http://www.w3.org/2001/XMLSchema#integer> .'
        )
    lines.append(f"_:r1 <{EX}focus> <{name}/i0> .")
    lines.append(f"_:r1 <{EX}detail> _:r2 .")
    lines.append(f'_:r2 <{EX}message> "a \\"quoted\\" _:r9 ." .')
    return "\n".join(lines) + "\n"


def quads(store: ox.Store) -> set[str]:
    """The store's quads, blank nodes spelt by what they state (labels differ per write)."""
    out = set()
    for q in store:
        s = "_" if isinstance(q.subject, ox.BlankNode) else str(q.subject)
        o = "_" if isinstance(q.object, ox.BlankNode) else str(q.object)
        out.add(f"{s} {q.predicate} {o} {q.graph_name}")
    return out


def union_exact(store: ox.Store) -> bool:
    named = {
        (q.subject, q.predicate, q.object)
        for q in store
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value != JOURNAL_GRAPH
    }
    default = {
        (q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }
    return named == default


@pytest.fixture
def bulk_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_bulk, "BULK_MIN_QUADS", 0)


def test_bulk_write_equals_one_transaction(tmp_path: Path, bulk_always: None) -> None:
    graphs = {f"{EX}d1": document_text(f"{EX}d1", 50), f"{EX}d1/report": document_text(f"{EX}r", 3)}
    bulk = open_store(tmp_path / "bulk")
    bulk_write_new(bulk, graphs)
    plain = ox.Store()
    for name, text in graphs.items():
        plain.load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        plain.load(text, ox.RdfFormat.N_TRIPLES)
    assert quads(bulk) == quads(plain)
    assert union_exact(bulk) and pending(bulk) == []
    assert not bulk.contains_named_graph(ox.NamedNode(JOURNAL_GRAPH))
    # graphs and writes with the same blank node labels keep their nodes apart
    bulk_write_new(bulk, {f"{EX}d2": document_text(f"{EX}d2", 2)})
    messages = list(bulk.quads_for_pattern(None, ox.NamedNode(f"{EX}message"), None, None))
    assert len({q.subject for q in messages}) == 3 and union_exact(bulk)  # one per graph


def test_a_text_that_does_not_parse_leaves_nothing(tmp_path: Path, bulk_always: None) -> None:
    store = open_store(tmp_path / "s")
    before = quads(store)
    bad = document_text(f"{EX}d1", 20) + "<not an iri> <p> <o> .\n"
    with pytest.raises(SyntaxError):
        bulk_write_new(store, {f"{EX}d1": bad})
    assert quads(store) == before and pending(store) == []


def interrupted(store: ox.Store, graphs: dict[str, str], stage: int) -> None:
    """What a write killed after ``stage`` of its steps leaves (module notes of
    graph/store_bulk.py): the journal, part or all of the named graphs' ground triples,
    part or all of the second load (the union's copies and both copies of blank-node
    triples), never the commit."""
    journal = "".join(f"<{JOURNAL_GRAPH}> <http://www.w3.org/2000/01/rdf-schema#member> <{n}> .\n"
                      for n in graphs)  # fmt: skip
    store.load(journal, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(JOURNAL_GRAPH))
    for name, text in graphs.items():
        ground, blank, _ = store_bulk._split(text)
        lines = ground.splitlines(keepends=True)
        named = "".join(lines[: len(lines) // 2] if stage == 1 else lines)
        if stage >= 1:
            store.bulk_load(named, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        second = (ground + blank.replace(" .\n", f" <{name}> .\n") + blank).splitlines(True)
        if stage == 3:  # part of the second load, chosen to include union-only blank lines
            store.bulk_load("".join(second[1::2]), ox.RdfFormat.N_QUADS)
        if stage >= 4:
            store.bulk_load("".join(second), ox.RdfFormat.N_QUADS)


@pytest.mark.parametrize("stage", [0, 1, 2, 3, 4])
def test_recover_takes_back_an_interrupted_write(tmp_path: Path, stage: int) -> None:
    store = open_store(tmp_path / "s")
    kept = {f"{EX}d0": document_text(f"{EX}d0", 30)}
    bulk_write_new(store, kept)
    before = quads(store)
    new = {f"{EX}d1": document_text(f"{EX}d1", 40), f"{EX}d1/facts": document_text(f"{EX}f", 5)}
    interrupted(store, new, stage)
    assert sorted(pending(store)) == sorted(new)
    assert sorted(recover(store)) == sorted(new)
    # the other document and the triple it shares with the taken-back one are untouched
    assert quads(store) == before and union_exact(store)
    assert recover(store) == []


def test_opening_the_store_recovers(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    interrupted(store, {f"{EX}d1": document_text(f"{EX}d1", 10)}, 3)
    del store
    reopened = open_store(tmp_path / "s")
    assert pending(reopened) == [] and not reopened.contains_named_graph(ox.NamedNode(f"{EX}d1"))
    assert union_exact(reopened)


@given(st.text(alphabet='_:ab ."\\x<>', max_size=30))
def test_blank_node_renaming_leaves_literals_alone(content: str) -> None:
    literal = content.replace("\\", "\\\\").replace('"', '\\"')
    text = f'_:a <{EX}p> "{literal}" .\n<{EX}s> <{EX}q> _:a .\n'
    renamed = store_bulk._own_blank_nodes(text, "g7x")
    parsed = list(ox.parse(renamed, ox.RdfFormat.N_TRIPLES))
    assert parsed[0].object.value == content  # type: ignore[union-attr]
    assert parsed[0].subject == parsed[1].object == ox.BlankNode("g7xa")
    # a literal that ends like a blank node neither holds its line back nor is renamed
    line = f'<{EX}s> <{EX}p> "{literal}" .\n'
    assert not store_bulk._blank(line) and store_bulk._own_blank_nodes(line, "g7x") == line


WRITER = """
import sys
from jixiao.graph.store import open_store
from jixiao.graph.store_bulk import bulk_write_new
from tests.test_store_bulk import document_text
store = open_store(sys.argv[1])
for k in range(50):
    name = f"https://example.org/w{k}"
    bulk_write_new(store, {name: document_text(name, 20000), name + "/facts": document_text(name + "/f", 50)})
    print(k, flush=True)
"""


def test_sigkill_during_bulk_writes_leaves_each_batch_whole_or_absent(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    whole = {
        len(document_text("x", 20000).splitlines()),
        len(document_text("x/f", 50).splitlines()),
    }
    for attempt, delay in enumerate((0.0, 0.15, 0.4, 0.9)):
        directory = tmp_path / f"s{attempt}"
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(directory)],
                                stdout=subprocess.PIPE, env=env, cwd=ROOT)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline()  # one batch committed
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        store = open_store(directory)
        graphs = [g for g in store.named_graphs() if g.value.startswith(f"{EX}w")]  # type: ignore[union-attr]
        assert graphs
        for graph in graphs:
            size = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
            assert size in whole, (graph, size)
        documents = {g.value for g in graphs if not g.value.endswith("/facts")}  # type: ignore[union-attr]
        assert {g.value for g in graphs} == documents | {d + "/facts" for d in documents}  # type: ignore[union-attr]
        assert union_exact(store) and pending(store) == []
        del store


LINES = st.sampled_from(
    [
        f"<{EX}a> <{EX}p> <{EX}b> .\n",
        f'<{EX}doc> <{JX}sha256> "{"cd" * 32}" .\n',
        f'<{EX}a> <{EX}q> "{JX}sha256 _:x" .\n',
        f"_:r1 <{EX}p> <{EX}b> .\n",
        f"<{EX}a> <{EX}p> _:r2 .\n",
        f'<{EX}a> <{EX}name> "指标 _:r3 ." .\n',
    ]
)


@given(st.lists(LINES, max_size=12))
def test_split_puts_aside_every_commit_and_blank_node_line(lines: list[str]) -> None:
    ground, blank, commit = store_bulk._split("".join(lines))
    parts = ground.splitlines() + blank.splitlines() + commit.splitlines()
    assert sorted(parts) == sorted(x[:-1] for x in lines)
    assert all(f"{JX}sha256> " in line for line in commit.splitlines())
    assert all(line.startswith("_:") or line.endswith(" _:r2 .") for line in blank.splitlines())
    for line in ground.splitlines():
        assert f"<{JX}sha256>" not in line and "_:r" not in line.split('"')[0]


@pytest.mark.parametrize("bulk", [True, False])
def test_a_new_document_beside_graphs_that_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """A new document written with graphs that exist (the project facts of a unit and year
    that another document wrote, graph/prepared_projects.py): the new ones through the bulk
    loader (or one transaction when small), the others replaced in the same commit: the
    same quads as a plain replacement, the union exact."""
    from jixiao.graph.store_batch import replace_graphs

    monkeypatch.setattr(store_bulk, "BULK_MIN_QUADS", 0 if bulk else 10**9)
    shared = f"{EX}u/projects/2026/facts"
    stores = [open_store(tmp_path / "bulk"), ox.Store()]
    first = {f"{EX}d0": document_text(f"{EX}d0", 10), shared: f"<{EX}p0> <{EX}in> <{EX}s> .\n"}
    batch = {f"{EX}d1": document_text(f"{EX}d1", 30), shared: f"<{EX}p1> <{EX}in> <{EX}s> .\n"}
    for store in stores:
        for graphs in (first, batch):
            if store is stores[0]:
                replace_graphs(store, graphs)
                continue
            for name, text in graphs.items():  # the reference: by hand, one graph at a time
                store.remove_graph(ox.NamedNode(name))
                store.load(text, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        if store is stores[1]:  # the union of the named graphs, each triple once
            named = store.quads_for_pattern(None, None, None, None)
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in named}
            store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    assert quads(stores[0]) == quads(stores[1])
    assert union_exact(stores[0]) and pending(stores[0]) == []


def test_a_commit_that_fails_leaves_the_graphs_that_exist(
    tmp_path: Path, bulk_always: None
) -> None:
    """The update run in the commit (``then``) is part of it: if it fails, the new graphs
    are taken back and the graphs that exist are as they were."""
    store = open_store(tmp_path / "s")
    bulk_write_new(store, {f"{EX}d0": document_text(f"{EX}d0", 10)})
    before = quads(store)
    with pytest.raises(SyntaxError):
        bulk_write_new(store, {f"{EX}d1": document_text(f"{EX}d1", 20)}, then="DROP <not")
    assert quads(store) == before and pending(store) == []
