"""First pages of the project lists cut on the prepared lacks sets (issue #16): the strict
``page=offset`` of ``projects_without_<category>``, ``projects_lacking_list`` and
``projects_lacking`` read only
the sets up to the one where the page ends, and each page is the slice of the whole answer
(row for row, order included), on the samples and on generated documents whose projects and
units are printed two ways; the marks that choose those lines (nested slot marks,
``?pageEnd``)."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.graph.categories import categories
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import PREFIXES, open_store
from jixiao.queries.prepared import parse, prepared
from tests.conftest import SAMPLES
from tests.crossdoc_docs import INDICATOR, OTHER_UNIT, UNIT, document_text, project_name

XSD = "http://www.w3.org/2001/XMLSchema#"
Row = tuple[str | None, ...]


def _rows(store: ox.Store, name: str, values: dict, slots: dict[str, str]) -> list[Row]:
    text, subs = prepared(name).bind(values, slots)
    found = store.query(text, prefixes=PREFIXES, substitutions=subs or None)
    assert isinstance(found, ox.QuerySolutions)
    names = [v.value for v in found.variables]
    return [tuple(None if s[v] is None else str(s[v]) for v in names) for s in found]


def _lists() -> Iterator[tuple[str, dict, dict[str, str]]]:
    """Every strict list with a prepared page: query, parameters, slots."""
    yield "projects_lacking", {}, {}
    for c in categories():
        yield f"projects_without_{c.key}", {}, {"mode": "strict"}
        yield "projects_lacking_list", {"category": ox.NamedNode(c.iri)}, {}
        yield "projects_lacking", {"category": ox.NamedNode(c.iri)}, {}
    year = ox.Literal("2026", datatype=ox.NamedNode(XSD + "gYear"))
    yield "projects_without_satisfaction", {"year": year}, {"mode": "strict"}
    yield "projects_without_satisfaction_lenient", {}, {"mode": "strict"}
    yield "projects_without_satisfaction", {}, {"mode": "lenient"}  # the scanning page


def _mismatches(store: ox.Store, cuts: list[tuple[int, int]]) -> list[str]:
    out = []
    for name, values, slots in _lists():
        whole = _rows(store, name, values, {**slots, "page": "all"})
        for limit, offset in cuts:
            cut = {**values, "limit": limit, "offset": offset}
            page = _rows(store, name, cut, {**slots, "page": "offset"})
            if page != whole[offset : offset + limit]:
                out.append(f"{name} {values} {slots} limit {limit} offset {offset}: {page}")
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    store = open_store(tmp_path_factory.mktemp("first-page-lists"))
    results = ingest_paths(sorted(SAMPLES.glob("0*.txt")), store)
    assert [r.status for r in results] == ["stored"] * 5
    yield store


def test_strict_pages_are_slices_of_the_whole_answer_on_the_samples(samples: ox.Store) -> None:
    whole = _rows(samples, "projects_without_satisfaction", {}, {"page": "all"})
    assert len(whole) > 10  # enough rows to cut pages across sets
    n = len(whole)
    cuts = [(100, 0), (1, 0), (2, 1), (3, 5), (1, n - 1), (10, n - 3), (5, n + 2)]
    assert _mismatches(samples, cuts) == []


def test_nested_marks_and_the_page_end() -> None:
    text = (
        "#+ summary: 测试 / Test\n#+ params: limit (xsd:integer), offset (xsd:integer)\n"
        "#+ slots: mode = strict | lenient; page = all | offset\n"
        "SELECT * WHERE {\n"
        "#? page=offset BIND (?pageEnd AS ?end) #? mode=strict\n"
        "#? page=offset BIND (0 AS ?scan) #? mode=lenient\n"
        "  BIND (1 AS ?all)  #? page=all #? mode=strict,lenient\n"
        "} LIMIT ?limit OFFSET ?offset\n"
        "#? page=offset # LIMIT ?pageEnd\n"
    )
    query = parse("nested", text)
    strict, _ = query.bind({"limit": 10, "offset": 30}, {"page": "offset"})
    assert "BIND (40 AS ?end)" in strict and "?scan" not in strict and "?all" not in strict
    assert "LIMIT 10 OFFSET 30" in strict and "# LIMIT 40" in strict
    lenient, _ = query.bind({"limit": 10}, {"page": "offset", "mode": "lenient"})
    assert "?scan" in lenient and "?end" not in lenient and "?all" not in lenient
    whole, _ = query.bind({}, {})
    assert "BIND (1 AS ?all)" in whole and "?end" not in whole
    unbounded, _ = query.bind({}, {"page": "offset"})  # no limit: no end, the page is all
    assert "BIND (?pageEnd AS ?end)" in unbounded and "# \n" in unbounded


# generated documents: projects of two units, each project and unit printed one of two ways
# (one IRI), names that share their first code points, Chinese text; any categories or none
POOL = [(UNIT, k) for k in range(1, 8)] + [(OTHER_UNIT, k) for k in range(11, 16)]
PROJECT = st.tuples(
    st.lists(st.sampled_from(sorted(INDICATOR)), max_size=3, unique=True), st.integers(0, 3)
)
DOCUMENT = st.dictionaries(st.integers(0, len(POOL) - 1), PROJECT, min_size=1, max_size=8)


def _printed(unit: str, k: int, variant: int) -> tuple[str, str]:
    name = project_name(unit, k)
    return (unit if variant < 2 else unit[:3] + " " + unit[3:],
            name if variant % 2 == 0 else name.removesuffix("项目"))  # fmt: skip


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents=st.lists(DOCUMENT, min_size=1, max_size=3), cut=st.tuples(
    st.integers(1, 4), st.integers(0, 12)))  # fmt: skip
def test_strict_pages_are_slices_on_generated_documents(
    documents: list[dict], cut: tuple[int, int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        for n, projects in enumerate(documents):
            path = Path(tmp) / f"budget_{n}.txt"
            text = {_printed(*POOL[k], v): kinds for k, (kinds, v) in projects.items()}
            path.write_text(document_text(text), encoding="utf-8")
            (result,) = ingest_paths([path], store, validate=False)
            assert result.status == "stored", result.error
        assert _mismatches(store, [cut, (100, 0)]) == []
        del store
        gc.collect()
