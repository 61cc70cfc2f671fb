"""Commitment findings prepared at ingest (graph/prepared_commitments.py): their keys order as
the queries sort, the pages they cut are the whole answer's slices when two documents state
one commitment differently, and the backfill writes what ingest writes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.graph.ingest import ingest_paths
from jixiao.graph.namespaces import JX
from jixiao.graph.prepared import facts_graph, prepared_facts
from jixiao.graph.prepared_commitments import (
    order_key,
    position_code,
    refresh_commitment_facts,
)
from jixiao.graph.store import PREFIXES, open_store
from jixiao.queries.prepared import prepared
from tests.conftest import SAMPLES

BASE = "https://w3id.org/jixiao/id/project/"
XSD = "http://www.w3.org/2001/XMLSchema#"
KEYS = ox.NamedNode(str(JX.unmeasuredKey))
I128 = Decimal(2**127 - 1).scaleb(-18)  # the largest xsd:decimal the store keeps inline

YEARS = st.integers(min_value=1000, max_value=9999)
HEX = st.text(alphabet="0123456789abcdef", min_size=16, max_size=16)
STARTS = st.integers(min_value=0, max_value=10**7 - 1)
POSITIONS = st.integers(min_value=0, max_value=999_999).map(str)
ROW = st.tuples(YEARS, HEX, STARTS, st.none() | POSITIONS)


def _sort(year: int, hexa: str, start: int, position: str | None) -> tuple:
    project = f"{BASE}{year}/{hexa}"
    indicator = "" if position is None else f"{project}/i{position}"
    return year, project, start, indicator


def _key(year: int, hexa: str, start: int, position: str | None) -> Decimal:
    project = f"{BASE}{year}/{hexa}"
    key = order_key(year, project, start, None if position is None else f"{project}/i{position}")
    assert key is not None
    literal = ox.Literal(key, datatype=ox.NamedNode(XSD + "decimal"))
    assert Decimal(literal.value) == Decimal(key) <= I128  # kept exactly
    assert len(key.partition(".")[2]) <= 18
    return Decimal(key)


@settings(max_examples=400, deadline=None)
@given(a=ROW, b=ROW)
def test_keys_order_as_year_project_iri_start_and_indicator_iri(a: tuple, b: tuple) -> None:
    ka, kb = _key(*a), _key(*b)
    if _sort(*a) < _sort(*b):
        assert ka < kb
    elif _sort(*a) == _sort(*b):
        assert ka == kb
    else:
        assert ka > kb


@settings(max_examples=300, deadline=None)
@given(a=POSITIONS, b=POSITIONS)
def test_position_codes_order_digit_strings_as_strings(a: str, b: str) -> None:
    assert (position_code(a) < position_code(b)) == (a < b)
    assert (position_code(a) == position_code(b)) == (a == b)


def test_keys_refuse_iris_and_numbers_they_cannot_order() -> None:
    project = BASE + "2026/0123456789abcdef"
    assert order_key(2026, project, 5) is not None
    assert order_key(2025, project, 5) is None  # the IRI's year is not the fiscal year
    assert order_key(2026, "https://example.org/p", 5) is None
    assert order_key(2026, project, 10**7) is None
    assert order_key(2026, project, 5, BASE + "2026/0123456789abcdee/i1") is None
    assert order_key(2026, project, 5, project + "/i1234567") is None


P1, P2 = BASE + "2026/00000000000000a1", BASE + "2026/00000000000000b2"
P3 = BASE + "unknown/00000000000000c3"  # no fiscal year: in no answer, with no key


def _document(matched: dict[str, list[tuple[str, str]]], year: bool = True) -> str:
    """N-Triples of a document graph: per project, commitments ``c<n>`` with the given
    (predicate, indicator position) links."""
    jx = str(JX)
    lines = []
    for project, links in matched.items():
        lines.append(f'<{project}> <{jx}name> "第{project[-2:]}号项目" .')
        if year:
            lines.append(f'<{project}> <{jx}fiscalYear> "2026"^^<{XSD}gYear> .')
        for n, (predicate, position) in enumerate(links, start=1):
            c = f"{project}/c{n}"
            ind = f"{project}/i{position}"
            lines += [
                f"<{project}> <{jx}commits> <{c}> .",
                f'<{c}> <{jx}rawText> "完成{n}个系统改造" .',
                f'<{c}> <{jx}object> "系统改造" .',
                f'<{c}> <{jx}quantity> "{n}"^^<{XSD}decimal> .',
                f'<{c}> <{jx}spanStart> "{10 * n}"^^<{XSD}integer> .',
                f'<{ind}> <{jx}name> "改造数量{position}" .',
            ]
            if predicate:
                lines.append(f"<{c}> <{jx}{predicate}> <{ind}> .")
    return "".join(line + "\n" for line in lines)


def _load(documents: dict[str, str]) -> ox.Store:
    store = ox.Store()
    for doc, text in documents.items():
        facts = prepared_facts(doc, text)
        for data, graph in ((text, doc), (facts, facts_graph(doc))):
            for g in (ox.NamedNode(graph), ox.DefaultGraph()):
                store.load(data.encode(), ox.RdfFormat.N_TRIPLES, to_graph=g)
    return store


def _rows(store: ox.Store, name: str, page: str, **values: int) -> list[tuple]:
    text, _ = prepared(name).bind(values, {"page": page})  # type: ignore[arg-type]
    result = store.query(text, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(None if s[v] is None else str(s[v]) for v in names) for s in result]


def test_pages_follow_the_union_when_two_documents_disagree() -> None:
    # document A: P1/c1 unmeasured, P1/c2 disagrees with i10 and i2, P2/c1 disagrees with i3;
    # document B states P2 again and measures P2/c1 there; P1/c3 is unmeasured in A only
    a = _document({P1: [("", "1"), ("disagreesWith", "10"), ("", "4")]})
    a += f'<{P1}/c2> <{JX.disagreesWith}> <{P1}/i2> .\n<{P1}/i2> <{JX.name}> "改造数量" .\n'
    a += _document({P2: [("disagreesWith", "3")]})
    b = _document({P2: [("measuredBy", "3")]})
    b += _document({P1: [("", "1"), ("", "9"), ("measuredBy", "4")]}, year=False)
    b += _document({P3: [("", "1"), ("disagreesWith", "2")]}, year=False)
    assert not [line for line in prepared_facts("https://example.org/docB", b).splitlines()
                if P3 in line and "Key>" in line]  # fmt: skip
    store = _load({"https://example.org/docA": a, "https://example.org/docB": b})
    for name, expected in (("unmeasured_commitments", 1), ("disagreeing_commitments", 2)):
        whole = _rows(store, name, "all")
        assert len(whole) == expected, (name, whole)
        for limit in (1, 2, 5):
            pages = []
            for offset in range(0, 6, limit):
                pages += _rows(store, name, "offset", limit=limit, offset=offset)
            assert pages == whole, (name, limit)
    disagreeing = _rows(store, "disagreeing_commitments", "all")
    assert [r[8].rsplit("/", 1)[-1] for r in disagreeing] == ["i10>", "i2>"]  # IRI order
    assert _rows(store, "unmeasured_commitments", "all")[0][3] == f"<{P1}/c1>"


def test_the_backfill_writes_what_ingest_writes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    results = ingest_paths(sorted(SAMPLES.glob("0*.txt")), store)
    assert [r.status for r in results] == ["stored"] * 5

    def written() -> set[str]:
        out = set()
        for quad in store:
            if "/disagrees/" in str(quad.subject) or quad.predicate == KEYS:
                out.add(f"{quad.subject} {quad.predicate} {quad.object} {quad.graph_name}")
        return out

    at_ingest = written()
    assert any(str(JX.unmeasuredKey) in line for line in at_ingest)
    assert any(str(JX.disagreementKey) in line for line in at_ingest)
    count = refresh_commitment_facts(store, facts_graph)
    assert written() == at_ingest
    assert count == len({line.rsplit(" ", 1)[0] for line in at_ingest})  # once per document
