"""Issue #16, one read model: every SPARQL text the project runs is a ``queries/*.rq`` file,
loaded once into checked query objects (:mod:`queries.prepared`); the categories and
severities are the ontology's and the shapes' (:mod:`graph.categories`)."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.graph.categories import categories, severities
from jixiao.graph.store import PREFIXES
from jixiao.queries import load_query
from jixiao.queries.prepared import QueryDefinitionError, catalog, parse, prepared

ROOT = Path(__file__).resolve().parent.parent
SPARQL = re.compile(
    r"(?is)\b(?:SELECT|CONSTRUCT|ASK|DESCRIBE)\b[^\"'\n]*?\{|\bPREFIX\s+[\w-]*:\s*<"
    r"|\bWHERE\s*\{|\b(?:MINUS|OPTIONAL|GRAPH\s+\?\w+)\s*\{|\bVALUES\s*(?:\?\w+|\()"
)
XSD = "http://www.w3.org/2001/XMLSchema#"


def sparql_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string in Python ``source`` that reads as SPARQL, docstrings
    (which may describe a query) apart."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings and SPARQL.search(node.value)
    ]  # fmt: skip


def test_no_sparql_text_in_api_python() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for path in sorted((ROOT / "api").rglob("*.py"))
        for line, text in sparql_strings(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "SPARQL belongs in queries/*.rq:\n" + "\n".join(found)


def test_the_sparql_detector_finds_what_it_must() -> None:
    planted = '''"""SELECT ?x WHERE { ?x ?p ?o } (a docstring may show a query)"""
A = "SELECT ?x WHERE { ?x ?p ?o }"
B = f"SELECT (COUNT(*) AS ?n) {{ ?d a <{A}> }}"
C = "PREFIX jx: <https://w3id.org/jixiao/ontology#>"
D = "MINUS { ?p jx:coversCategory ?c }"
E = "VALUES ?p { <a> }"
F = ("SELECT", "ASK", "CONSTRUCT")  # the words alone are no query
G = "most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) in one answer"
'''
    assert sorted(line for line, _ in sparql_strings(planted)) == [2, 3, 4, 5, 6]


def _alternatives(query) -> list[dict[str, str]]:
    names = list(query.slots)
    return [dict(zip(names, pick, strict=True))
            for pick in itertools.product(*(query.slots[n] for n in names))]  # fmt: skip


def test_every_query_and_every_alternative_parses() -> None:
    store = ox.Store()
    assert len(catalog()) >= 40
    for query in catalog().values():
        assert query.summary and query.params is not None
        for slots in _alternatives(query):
            text, _ = query.bind({}, slots)
            store.query(text, prefixes=PREFIXES)  # a SyntaxError names the query's text


def _tokens(text: str) -> list[str]:
    """The SPARQL of ``text`` without comments and unbound ``VALUES … { UNDEF }``."""
    text = re.sub(r"VALUES\s*(\?\w+|\([^)]*\))\s*\{\s*(UNDEF|\([\sA-Z]*\))\s*\}", " ", text)
    lines = [re.sub(r"(\s+#\?\s*\w+=[\w,]+)+\s*$", "", line) for line in text.splitlines()]
    return " ".join(line for line in lines if not line.lstrip().startswith("#")).split()


def test_a_file_runs_as_its_default_alternatives() -> None:
    # what any SPARQL tool (and `jixiao query` without --param) runs is the bound default
    for query in catalog().values():
        assert _tokens(load_query(query.name)) == _tokens(query.bind()[0]), query.name
    lenient = prepared("projects_without_satisfaction_lenient")
    assert _tokens(load_query(lenient.name)) != _tokens(lenient.bind({}, {"mode": "strict"})[0])


def test_header_errors_name_the_file_line_and_what_was_expected() -> None:
    head = "#+ summary: 测试 / A test\n"
    cases = {
        "#+ params: year (xsd:gYear)\nSELECT ?x WHERE { ?x ?p ?o }\n": "never uses ?year",
        "#+ params: none\nSELECT ?x WHERE { VALUES ?y { UNDEF } ?x ?p ?y }\n": "no declared parameter y",
        "#+ params: year (xsd:date)\nSELECT ?year WHERE { ?x ?p ?year }\n": "unknown type 'date'",
        "#+ slots: mode = a | b\n#? mode=c FILTER(true)\nSELECT * {}\n": "mode=c is no declared slot",
        "#+ slots: mode = a | b\nSELECT * {}  #? mode=b\n": "only the default mode=a",
        "#+ slots: mode = a | b\n#? mode=b,c FILTER(true)\nSELECT * {}\n": "mode=c is no declared",
    }
    for body, expected in cases.items():
        with pytest.raises(QueryDefinitionError, match=re.escape(expected)) as error:
            parse("broken", head + body)
        assert re.match(r"queries/broken\.rq, line \d+: ", str(error.value))
    with pytest.raises(QueryDefinitionError, match="expected '#\\+ summary: 中文 / English'"):
        parse("broken", "#+ params: none\nSELECT * {}\n")


def test_values_are_bound_as_terms_and_unknown_names_refused() -> None:
    query = prepared("projects")
    year = ox.Literal("2026", datatype=ox.NamedNode(XSD + "gYear"))
    text, substitutions = query.bind({"year": year, "limit": 5, "offset": 10}, {"page": "offset"})
    assert 'VALUES ?year { "2026"^^<http://www.w3.org/2001/XMLSchema#gYear> }' in text
    assert "LIMIT 5 OFFSET 10" in text and "?limit" not in text and substitutions == {}
    assert "VALUES ?unitName" not in text and "UNDEF" not in text
    for bad in ({"nope": year}, {"limit": -1}, {"limit": "5"}, {"year": "2026"}):
        with pytest.raises(ValueError):
            query.bind(bad, {"page": "offset"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no alternative"):
        query.bind({}, {"page": "everything"})
    with pytest.raises(ValueError, match="not a valid gYear"):
        query.term("year", "2026 } ; DROP ALL")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s))
def test_any_unit_name_is_one_literal(name: str) -> None:
    # a unit name from a request reaches the query as one literal, whatever it contains
    store = ox.Store()
    jx = "https://w3id.org/jixiao/ontology#"
    unit, project = ox.NamedNode("https://w3id.org/jixiao/id/u"), ox.NamedNode("urn:p")
    skos = "http://www.w3.org/2004/02/skos/core#"
    for s, p, o in [
        (project, ox.NamedNode(jx + "name"), ox.Literal("项目")),
        (project, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(jx + "Project")),
        (project, ox.NamedNode(jx + "fiscalYear"), ox.Literal("2026", datatype=ox.NamedNode(XSD + "gYear"))),
        (project, ox.NamedNode(jx + "unit"), unit),
        (unit, ox.NamedNode(skos + "prefLabel"), ox.Literal(name)),
    ]:  # fmt: skip
        store.add(ox.Quad(s, p, o))
    query = prepared("projects")
    hit, _ = query.bind({"unitName": query.term("unitName", name)})
    miss, _ = query.bind({"unitName": query.term("unitName", name + "x")})
    assert [s["project"] for s in store.query(hit, prefixes=PREFIXES)] == [project]
    assert list(store.query(miss, prefixes=PREFIXES)) == []


_PARAM_NAMES = st.from_regex(r"[a-z][A-Za-z0-9]{0,8}", fullmatch=True)
_KINDS = st.sampled_from(["gYear", "integer", "decimal", "string", "boolean", "iri"])


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(_PARAM_NAMES, st.tuples(_KINDS, st.booleans()), min_size=1, max_size=5))
def test_declared_parameters_read_back(declared: dict[str, tuple[str, bool]]) -> None:
    header = ", ".join(
        f"{n} ({'' if k == 'iri' else 'xsd:'}{k}{', many' if many else ''}; a note)"
        for n, (k, many) in declared.items()
    )
    body = " ".join(f"VALUES ?{n} {{ UNDEF }}" for n in declared)
    query = parse(
        "generated", f"#+ summary: 生成 / Generated\n#+ params: {header}\nSELECT * {{ {body} }}\n"
    )
    assert {n: (p.kind, p.many) for n, p in query.params.items()} == declared


def test_categories_and_severities_come_from_the_ontology_and_shapes() -> None:
    cats = categories()
    assert [c.key for c in cats] == ["output", "effect", "satisfaction", "cost"]
    assert [c.keyword for c in cats] == ["产出", "效益", "满意", "成本"]
    assert severities() == ("Violation", "Warning", "Info")
    for c in cats:  # one question per category, one query per question
        assert prepared(f"projects_without_{c.key}").slots["mode"] == ("strict", "lenient")
    words = re.compile(
        r"Category(?:Output|Effect|Satisfaction|Cost)|\"(?:产出|效益|满意度?|成本)\""
    )
    listed = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "api").rglob("*.py")
        if words.search(path.read_text(encoding="utf-8"))
    ]
    assert listed == [], "the categories are defined once, in the ontology (graph/categories.py)"


def _body(name: str) -> list[str]:
    return [line for line in load_query(name).splitlines() if not line.startswith("#")]


def test_the_projects_without_family_agrees() -> None:
    # the same text but for the category (and the satisfaction-only exclusions), same columns
    base = prepared("projects")
    columns = re.search(r"SELECT (.*?)  #\? result=rows", load_query("projects")).group(1)
    for c in categories():
        name = f"projects_without_{c.key}"
        query = prepared(name)
        assert query.params.keys() == base.params.keys()
        assert re.search(r"SELECT (.*?)  #\? result=rows", load_query(name)).group(1) == columns
        generic = [line.replace(c.iri.rsplit("#")[1], "CATEGORY") for line in _body(name)]
        assert generic == [line.replace("CategoryOutput", "CATEGORY") for line in
                           _body("projects_without_output")]  # fmt: skip
    strict = prepared("projects_without_satisfaction")
    lenient = prepared("projects_without_satisfaction_lenient")
    assert (
        strict.bind({}, {"mode": "lenient"})[0].split("PREFIX", 1)[1]
        == (lenient.bind()[0].split("PREFIX", 1)[1])
    )
