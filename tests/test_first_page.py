"""First pages cut before their rows are looked up (issue #16): each named query's
``page=offset`` answer is the slice of its whole answer, on the samples and on generated
stores; the target keys prepared at ingest (graph/prepared_rows.py) order and compare as the
numbers they stand for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.graph.ingest import ingest_paths
from jixiao.graph.prepared import prepared_facts
from jixiao.graph.prepared_rows import target_key
from jixiao.graph.store import PREFIXES, open_store
from jixiao.queries.prepared import prepared
from tests.conftest import SAMPLES

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PAGED = [
    "implausible_rates",
    "projects_lacking",
    "satisfaction_below_90",
    "satisfaction_targets_below",
    "unmeasurable_targets",
    "unmeasured_commitments",
    "disagreeing_commitments",
]
Row = tuple[str | None, ...]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    st_ = open_store(tmp_path_factory.mktemp("first-page"))
    results = ingest_paths(sorted(SAMPLES.glob("0*.txt")), st_)
    assert [r.status for r in results] == ["stored"] * 5
    yield st_


def _rows(store: ox.Store, name: str, values: dict[str, object], page: str) -> list[Row]:
    text, subs = prepared(name).bind(values, {"page": page})  # type: ignore[arg-type]
    result = store.query(text, prefixes=PREFIXES, substitutions=subs or None)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(None if s[v] is None else str(s[v]) for v in names) for s in result]


def _columns(store: ox.Store, name: str) -> list[int]:
    """Positions of the query's sort variables (``#+ sorted:``) among its columns."""
    result = store.query(prepared(name).bind({})[0], prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [names.index(k) for k in re.findall(r"\?(\w+)", prepared(name).sorted.split("(")[0])]


@pytest.mark.parametrize("name", PAGED)
def test_pages_are_slices_of_the_whole_answer(store: ox.Store, name: str) -> None:
    whole = _rows(store, name, {}, "all")
    assert len(whole) > 3, f"{name}: too few rows on the samples to cut pages"
    keys = _columns(store, name)
    cuts = [(100, 0), (2, 0), (2, 1), (1, len(whole) - 1), (50, len(whole) - 3)]
    cuts.append((5, len(whole) + 2))
    for limit, offset in cuts:
        page = _rows(store, name, {"limit": limit, "offset": offset}, "offset")
        want = whole[offset : offset + limit]
        # the same sort keys in the same order; rows that tie on them may be any of the tied
        assert [[r[k] for k in keys] for r in page] == [[r[k] for k in keys] for r in want]
        assert len(set(page)) == len(page) and set(page) <= set(whole), (name, limit, offset)
        if len({tuple(r[k] for k in keys) for r in whole}) == len(whole):
            assert page == want, (name, limit, offset)  # no ties: the very rows


# numbers as a document states them: up to 12 decimals (the exact grid), and past it
NUMBERS = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), allow_nan=False, allow_infinity=False
)
THRESHOLDS = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=12, allow_nan=False
)
TARGETS = st.text(min_size=0, max_size=30).map(lambda t: "https://w3id.org/jixiao/id/t/" + t)


@settings(max_examples=300, deadline=None)
@given(a=NUMBERS, b=NUMBERS, t=THRESHOLDS, ta=TARGETS, tb=TARGETS)
def test_target_keys_order_and_compare_as_their_numbers(
    a: Decimal, b: Decimal, t: Decimal, ta: str, tb: str
) -> None:
    ka, kb = target_key(str(a), ta), target_key(str(b), tb)
    assert ka is not None and kb is not None
    da, db = Decimal(ka), Decimal(kb)
    if a < b:
        assert da <= db
        grid = Decimal("1e-12")
        cell_a, cell_b = (x.quantize(grid, rounding=ROUND_FLOOR) for x in (a, b))
        if a % grid == 0 or b % grid == 0 or cell_a != cell_b:
            assert da < db  # only numbers past 12 decimals in one cell of 10^-12 tie
    assert (da < t) == (a < t)
    assert abs(da - a) < Decimal("1e-12")
    # the key is an xsd:decimal the store keeps exactly (18 decimals at most)
    literal = ox.Literal(ka, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert Decimal(literal.value) == da and len(ka.partition(".")[2]) <= 18


def test_target_keys_break_ties_and_refuse_what_is_no_number() -> None:
    keys = {target_key("90", f"https://example.org/t{i}") for i in range(200)}
    assert len(keys) > 190  # equal numbers, different targets: (almost) different keys
    assert all(Decimal(k) - 90 < Decimal("1e-12") for k in keys if k)
    assert target_key("9O", "t") is None and target_key("NaN", "t") is None
    assert target_key("1e40", "t") is None  # no xsd:decimal the store keeps
    assert target_key("1e-15", "t") == "0.000000000000999999"  # past the grid: its cell's last
    assert target_key("1e16", "t") == "10000000000000000.0"  # beyond 10^15: itself


def test_the_keys_are_written_at_ingest(store: ox.Store) -> None:
    text = "SELECT (COUNT(*) AS ?n) { ?s jx:memberKey ?k }"
    rows = list(store.query(text, prefixes=PREFIXES))  # type: ignore[union-attr]
    assert int(rows[0]["n"].value) > 0  # type: ignore[index]


def test_targets_without_a_number_are_marked_and_listed() -> None:
    jx = "https://w3id.org/jixiao/ontology#"
    doc, t = "https://example.org/doc", "https://example.org/p/i1/target"
    triples = f"""<https://example.org/p> <{jx}hasIndicator> <https://example.org/p/i1> .
<https://example.org/p> <{jx}fiscalYear> "2026"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<https://example.org/p/i1> <{jx}annualTarget> <{t}> .
<https://example.org/p/i1> <{jx}name> "指标" .
<{t}> <{RDF_TYPE}> <{jx}Target> .
<{t}> <{jx}rawText> "达标" .
<https://example.org/p/i1> <{jx}periodTarget> <{t}2> .
<{t}2> <{RDF_TYPE}> <{jx}Target> .
<{t}2> <{jx}rawText> "良好" .
<{t}2> <{jx}qualitative> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
"""
    facts = prepared_facts(doc, triples)
    assert f'<{t}> <{jx}noNumber> "true"' in facts and f"<{t}2> <{jx}noNumber>" not in facts
    st_ = ox.Store()
    for text, graph in ((triples, doc), (facts, doc + "/facts")):
        for g in (ox.NamedNode(graph), ox.DefaultGraph()):
            st_.load(text.encode(), ox.RdfFormat.N_TRIPLES, to_graph=g)
    whole = _rows(st_, "unmeasurable_targets", {}, "all")
    assert len(whole) == 2 and _rows(st_, "unmeasurable_targets", {"limit": 5}, "offset") == whole
    assert {r[-1] for r in whole} == {'"no-number"', '"qualitative"'}
