"""Indicator-set keys (graph/prepared_sets.py) and the copied-sets query that joins on them:
every qualifying pair shares a key, and the query gives the scanning query's rows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synth import write_corpus
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.namespaces import JX
from jixiao.graph.prepared_sets import set_facts, set_keys
from jixiao.graph.store import open_store
from jixiao.queries import load_query

VOCABULARY = [f"指标{i}" for i in range(45)]


def qualifies(a: set[str], b: set[str]) -> bool:
    """The condition of copied_indicator_sets.rq, in Python."""
    common = len(a & b)
    return common >= 3 and common >= 0.75 * max(len(a), len(b))


@st.composite
def overlapping_pair(draw: st.DrawFn) -> tuple[set[str], set[str]]:
    """Two sets of names, the second made from the first by dropping and adding a few."""
    size = draw(st.integers(min_value=0, max_value=32))
    first = set(draw(st.permutations(VOCABULARY))[:size])
    dropped = draw(st.sets(st.sampled_from(sorted(first)), max_size=4)) if first else set()
    added = draw(st.sets(st.sampled_from(VOCABULARY), max_size=5))
    return first, (first - dropped) | added


@settings(max_examples=600, deadline=None)
@given(overlapping_pair())
def test_every_qualifying_pair_shares_a_key(pair: tuple[set[str], set[str]]) -> None:
    a, b = pair
    if qualifies(a, b):
        assert set(set_keys(a)) & set(set_keys(b)), (sorted(a), sorted(b))


@settings(max_examples=200, deadline=None)
@given(st.sets(st.sampled_from(VOCABULARY), max_size=30))
def test_keys_depend_on_the_set_only(names: set[str]) -> None:
    keys = set_keys(names)
    assert keys == set_keys(set(reversed(sorted(names))))
    assert (len(names) >= 3) == bool(keys)


def _rows(store: ox.Store, name: str) -> list[tuple[str | None, ...]]:
    result = store.query(load_query(name))
    assert isinstance(result, ox.QuerySolutions)
    return [tuple(None if t is None else t.value for t in row) for row in result]


def _copies(source: Path, out: Path) -> None:
    """``source`` under another department (so other units and projects), with every third
    project's last indicator dropped: near copies of its indicator sets."""
    lines = source.read_text(encoding="utf-8").splitlines()
    copied = []
    for n, line in enumerate(lines):
        line = line.replace("政务服务和数据管理局", "数据资源局")
        fields = line.split("\t")
        if len(fields) == 7 and n % 3 == 0 and fields[6].count("、") > 4:
            fields[6] = re.sub(r"\d+、[^。]*。(</p>)?$", r"\1", fields[6])
        copied.append("\t".join(fields))
    out.write_text("\n".join(copied) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    tmp = tmp_path_factory.mktemp("copies")
    paths = write_corpus(tmp / "docs", 1200, per_document=600)
    _copies(paths[0], tmp / "docs" / "copy.txt")
    store = open_store(tmp / "store")
    results = ingest_paths([*paths, tmp / "docs" / "copy.txt"], store, validate=False)
    assert [r.status for r in results] == ["stored"] * 3
    yield store


def test_copied_sets_as_the_scanning_query_on_a_synthetic_store(synthetic: ox.Store) -> None:
    found = _rows(synthetic, "copied_indicator_sets")
    assert len(found) > 20  # the copy's projects pair with their originals
    assert found == _rows(synthetic, "copied_indicator_sets_scan")


def _names(store: ox.Store, project: str) -> set[str]:
    text = f"SELECT DISTINCT ?n {{ <{project}> <{JX.hasIndicator}>/<{JX.name}> ?n }}"
    return {row["n"].value for row in store.query(text)}  # type: ignore[union-attr, index]


def test_a_project_listed_twice_with_different_sets(synthetic: ox.Store) -> None:
    """A second document lists a project with more indicators: the union of its names pairs
    it with a project that neither document's keys alone pair it with."""
    projects = [r["p"].value for r in synthetic.query(f"SELECT ?p {{ ?p a <{JX.Project}> }}")]  # type: ignore[union-attr, index]
    sizes = {p: _names(synthetic, p) for p in projects}
    small = next(p for p, n in sizes.items() if len(n) == 3)
    large = next(p for p, n in sizes.items() if len(n) >= 9 and not n & sizes[small])
    assert not set(set_keys(sizes[small])) & set(set_keys(sizes[large]))
    second = ox.Store()
    graph = ox.NamedNode("https://example.org/second-document")
    for i, name in enumerate(sorted(sizes[large])):
        indicator = ox.NamedNode(f"{small}/second/i{i}")
        second.add(ox.Quad(ox.NamedNode(small), ox.NamedNode(str(JX.hasIndicator)), indicator))
        second.add(ox.Quad(indicator, ox.NamedNode(str(JX.name)), ox.Literal(name)))
    text = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in second)
    text += "".join(line + "\n" for line in set_facts(second))
    for target in (graph, None):  # the document's graph and the union default graph
        synthetic.load(text.encode(), ox.RdfFormat.N_TRIPLES, to_graph=target or ox.DefaultGraph())
    found = _rows(synthetic, "copied_indicator_sets")
    assert {small, large} in [{row[0], row[3]} for row in found]
    assert found == _rows(synthetic, "copied_indicator_sets_scan")
