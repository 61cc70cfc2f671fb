"""The indicator library in the store (graph.library), on the ingested samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from jixiao.extract.concepts import SATISFACTION_KEY
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.library import SCHEME, concept_iri
from jixiao.graph.store import open_store
from tests.conftest import SAMPLES

PATHS = sorted(SAMPLES.glob("0*.txt"))
JX = "https://w3id.org/jixiao/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
P = f"PREFIX jx: <{JX}>\nPREFIX skos: <{SKOS}>\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ox.Store]:
    st = open_store(tmp_path_factory.mktemp("library"))
    results = ingest_paths(PATHS, st)
    assert [r.status for r in results] == ["stored"] * 5
    yield st


def values(store: ox.Store, text: str) -> list[tuple[str | None, ...]]:
    result = store.query(P + text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(None if s[n] is None else s[n].value for n in names) for s in result]


def test_every_indicator_has_one_concept(store: ox.Store) -> None:
    ((indicators, linked, most),) = values(store, """
        SELECT (COUNT(DISTINCT ?i) AS ?n) (COUNT(DISTINCT ?l) AS ?linked) (MAX(?k) AS ?most) {
          ?i a jx:Indicator .
          OPTIONAL { { SELECT ?l (COUNT(DISTINCT ?c) AS ?k) { ?l jx:concept ?c } GROUP BY ?l }
                     FILTER (?l = ?i) } }""")  # fmt: skip
    assert indicators == linked == "404"
    assert most == "1"


def test_satisfaction_spellings_are_one_concept(store: ox.Store) -> None:
    sat = concept_iri(SATISFACTION_KEY)
    labels = {r[0] for r in values(store, f"SELECT DISTINCT ?l {{ <{sat}> skos:altLabel ?l }}")}
    assert {"群众满意度", "服务对象满意度", "办事群众满意度", "用户满意度"} <= labels
    names = {r[0] for r in values(store, f"SELECT DISTINCT ?n {{ ?i jx:concept <{sat}> ; jx:name ?n }}")}  # fmt: skip
    assert names == labels
    assert not any("不满意" in n or "投诉" in n for n in names)


def test_no_concept_mixes_an_inverse_indicator_with_its_opposite(store: ox.Store) -> None:
    mixed = values(store, """
        SELECT DISTINCT ?c { ?a jx:concept ?c ; jx:lowerIsBetter true .
                             ?b jx:concept ?c . MINUS { ?b jx:lowerIsBetter true } }""")  # fmt: skip
    assert mixed == []
    inverse = values(store, "SELECT DISTINCT ?c { ?a jx:concept ?c ; jx:lowerIsBetter true }")
    assert len(inverse) >= 3  # 有效投诉率, 重大安全事故发生数, 故障率 … have concepts of their own


def test_concepts_are_skos_concepts_in_the_scheme_under_a_level_2(store: ox.Store) -> None:
    rows = values(store, """
        SELECT ?c (COUNT(DISTINCT ?scheme) AS ?schemes) (COUNT(DISTINCT ?key) AS ?keys)
               (SAMPLE(?up) AS ?broader) {
          ?i jx:concept ?c . ?c a skos:Concept ; skos:inScheme ?scheme ; jx:conceptKey ?key .
          OPTIONAL { ?c skos:broader ?up } } GROUP BY ?c""")  # fmt: skip
    assert len(rows) > 200
    assert all(r[1] == "1" and r[2] == "1" for r in rows)
    (scheme,) = values(store, f"SELECT ?s {{ <{SCHEME}> a skos:ConceptScheme ; skos:prefLabel ?s }} ORDER BY ?s")[:1]  # fmt: skip
    assert scheme[0]
    sat = concept_iri(SATISFACTION_KEY)
    ups = values(store, f"""SELECT DISTINCT ?up ?cat ?top {{ <{sat}> skos:broader ?up .
        ?up jx:category ?cat ; skos:broader ?top }}""")  # fmt: skip
    assert JX + "CategorySatisfaction" in {cat for _, cat, _ in ups}
    # a broader concept is where an indicator of the concept was filed (办事群众满意度 of one
    # project is printed under 社会效益), or inferred to be
    unfiled = values(store, f"""SELECT DISTINCT ?c ?up {{ ?c skos:inScheme <{SCHEME}> ;
        skos:broader ?up . MINUS {{ ?i jx:concept ?c ; jx:level2|jx:inferredLevel2 ?up }} }}""")  # fmt: skip
    assert unfiled == []
    # every broader concept is a level-2 concept of a framework (it has a level 1 above it)
    orphans = values(store, f"""SELECT DISTINCT ?up {{ ?c skos:inScheme <{SCHEME}> ; skos:broader ?up .
        MINUS {{ ?up skos:broader ?top }} }}""")  # fmt: skip
    assert orphans == []


def test_each_graph_holds_only_its_own_share(store: ox.Store) -> None:
    """A document stays replaceable whole: the concepts a graph describes are exactly the
    ones its own indicators are linked to."""
    rows = values(store, f"""
        SELECT ?g ?c {{ {{ GRAPH ?g {{ ?c skos:inScheme <{SCHEME}> }}
                          MINUS {{ GRAPH ?g {{ ?i jx:concept ?c }} }} }}
                       UNION {{ GRAPH ?g {{ ?i jx:concept ?c }}
                          MINUS {{ GRAPH ?g {{ ?c skos:altLabel ?l }} }} }} }}""")  # fmt: skip
    assert rows == []
    labels = set(values(store, f"SELECT ?g ?c ?l {{ GRAPH ?g {{ ?c skos:altLabel ?l ; skos:inScheme <{SCHEME}> }} }}"))  # fmt: skip
    names = values(store, "SELECT ?g ?c ?n { GRAPH ?g { ?i jx:concept ?c ; jx:name ?n } }")
    assert labels and labels == {(g, c, (n or "").strip()) for g, c, n in names}


def _quads(store: ox.Store) -> set[str]:
    """Every quad without a blank node (the SHACL reports mint fresh ones on each run)."""
    return {s for q in store.quads_for_pattern(None, None, None, None) if "_:" not in (s := str(q))}


def test_reingest_is_idempotent(store: ox.Store, tmp_path: Path) -> None:
    before = _quads(store)
    again = ingest_paths(PATHS, store, force=True)
    assert [r.status for r in again] == ["stored"] * 5
    assert _quads(store) == before
    other = open_store(tmp_path / "reversed")
    ingest_paths(list(reversed(PATHS)), other)
    concept = f"<{JX}concept>"
    mine = {q for q in before if concept in q or "/id/concept/" in q.split(" ")[0]}
    theirs = {q for q in _quads(other) if concept in q or "/id/concept/" in q.split(" ")[0]}
    assert mine and mine == theirs
