"""The order keys prepared at ingest (graph/prepared_order.py) never decrease along the order
of the lists they page (year, then the sort string), and the pages of ``implausible_rates``
and ``unmeasurable_targets`` cut on them are the slices of the whole answer on generated
documents (equal strings, Chinese text, missing values)."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.graph.prepared import prepared_facts
from jixiao.graph.prepared_order import BASE, SEP, order_key
from jixiao.graph.store import PREFIXES
from jixiao.queries.prepared import prepared

JX = "https://w3id.org/jixiao/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
YEARS = st.sampled_from(["2024", "2025", "2026", "0999", "9999"])
TEXT = st.text(alphabet="ab/率分%é\u0001\u4e00", max_size=20)
SORTS = st.one_of(
    TEXT,
    st.tuples(YEARS, TEXT).map(lambda t: f"{BASE}project/{t[0]}/{t[1]}"),
    TEXT.map(lambda t: f"{BASE}project/{t}"),
)


@settings(max_examples=400, deadline=None)
@given(a=st.tuples(YEARS, SORTS), b=st.tuples(YEARS, SORTS))
def test_keys_never_decrease_along_the_order(a: tuple[str, str], b: tuple[str, str]) -> None:
    (ya, sa), (yb, sb) = sorted([a, b], key=lambda r: (int(r[0]), r[1]))
    ka, kb = order_key(ya, sa), order_key(yb, sb)
    assert ka is not None and kb is not None
    assert Decimal(ka) <= Decimal(kb)
    if int(ya) < int(yb):
        assert Decimal(ka) < Decimal(kb)  # the year leads
    literal = ox.Literal(ka, datatype=ox.NamedNode(XSD + "decimal"))
    assert Decimal(literal.value) == Decimal(ka)  # kept exactly by the store


def test_keys_tell_projects_apart_and_refuse_odd_years() -> None:
    first = order_key("2026", f"{BASE}project/2026/0123456789abcdef{SEP}x")
    second = order_key("2026", f"{BASE}project/2026/0123456789acdef0{SEP}x")
    assert first is not None and second is not None and Decimal(first) < Decimal(second)
    same = order_key("2026", f"{BASE}project/2026/0123456789abcdf0{SEP}x")
    assert same == first  # past 13 bytes of the project digest: a tie, sorted exactly
    assert order_key("2026Z", "x") is None and order_key("26", "x") is None


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["2025", "2026"]),
        st.sampled_from(["a", "b", "项目", "c/d"]),  # project
        st.integers(0, 12),  # indicator position
        st.sampled_from(["完成率", "满意度", "数量", ""]),  # name ("" none)
        st.sampled_from(["annualTarget", "periodTarget"]),
        st.sampled_from(["%", "分", "个", None]),
        st.one_of(st.none(), st.sampled_from(["-1", "0", "50", "100", "100.5", "130"])),
        st.sampled_from([None, "150", "80"]),  # upper number
        st.sampled_from([None, "qualitative", "placeholder", "classified"]),
    ),
    min_size=1,
    max_size=25,
)


def _document(rows: list[tuple]) -> str:
    """One indicator per project and position, with one name and one target per property
    (as built: a page is cut on candidates, and a second raw text or name would be a tie
    row the page and the whole answer may order either way)."""
    lines, seen = [], set()
    for year, proj, pos, name, prop, unit, number, upper, flag in rows:
        p = f"{BASE}project/{year}/{proj}" if proj != "c/d" else "https://example.org/c/d"
        if (p, pos) in seen:
            continue
        seen.add((p, pos))
        i, t = f"{p}/i{pos}", f"{p}/i{pos}/{prop}"
        lines += [
            f"<{p}> <{JX}hasIndicator> <{i}> .",
            f'<{p}> <{JX}fiscalYear> "{year}"^^<{XSD}gYear> .',
            f"<{i}> <{JX}{prop}> <{t}> .",
            f"<{t}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{JX}Target> .",
            f'<{t}> <{JX}rawText> "{number or "达标"}{unit or ""}" .',
        ]
        lines += [f'<{i}> <{JX}name> "{name}" .'] if name else []
        lines += [f'<{t}> <{JX}unitText> "{unit}" .'] if unit else []
        lines += [f'<{t}> <{JX}number> "{number}"^^<{XSD}decimal> .'] if number else []
        lines += [f'<{t}> <{JX}upperNumber> "{upper}"^^<{XSD}decimal> .'] if upper else []
        lines += [f'<{t}> <{JX}{flag}> "true"^^<{XSD}boolean> .'] if flag else []
    return "".join(line + "\n" for line in lines)


def _rows(store: ox.Store, name: str, values: dict[str, object], page: str) -> list[tuple]:
    text, _ = prepared(name).bind(values, {"page": page})  # type: ignore[arg-type]
    result = store.query(text, prefixes=PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    rows = [[None if s[v] is None else str(s[v]) for v in names] for s in result]
    if "reasons" in names:  # GROUP_CONCAT's order is the plan's: compared as a set
        at = names.index("reasons")
        for row in rows:
            row[at] = " ".join(sorted(str(row[at]).strip('"').split()))
    return [tuple(row) for row in rows]


@settings(max_examples=40, deadline=None)
@given(rows=ROWS, cuts=st.lists(st.tuples(st.integers(1, 6), st.integers(0, 30)), max_size=4))
def test_pages_on_the_keys_are_slices_of_the_whole(rows: list[tuple], cuts: list) -> None:
    doc = "https://example.org/doc"
    triples = _document(rows)
    facts = prepared_facts(doc, triples)
    store = ox.Store()
    for text, graph in ((triples, doc), (facts, doc + "/facts")):
        for g in (ox.NamedNode(graph), ox.DefaultGraph()):
            store.load(text.encode(), ox.RdfFormat.N_TRIPLES, to_graph=g)
    for name, key in (("unmeasurable_targets", (1, 0, 2, 4)), ("implausible_rates", (1, 0, 2))):
        whole = _rows(store, name, {}, "all")
        for limit, offset in [(100, 0), (1, 0), *cuts]:
            page = _rows(store, name, {"limit": limit, "offset": offset}, "offset")
            want = whole[offset : offset + limit]
            assert [[r[k] for k in key] for r in page] == [[r[k] for k in key] for r in want]
            assert len(set(page)) == len(page) and set(page) <= set(whole), (name, limit, offset)
