"""Records → RDF: IRIs, counts on the samples, and records → graph → SPARQL → records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.document import read_document
from jixiao.extract.linking import normalize_name
from jixiao.extract.records import Indicator, Target
from jixiao.graph import iris
from jixiao.graph.build import Triples, add_indicator, build_document
from jixiao.graph.ingest import ingest_paths
from jixiao.graph.store import open_store, query
from tests.conftest import SAMPLES

PATHS = sorted(SAMPLES.glob("0*.txt"))
JX = "https://w3id.org/jixiao/ontology#"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    s = open_store(tmp_path_factory.mktemp("store"))
    results = ingest_paths(PATHS, s)
    assert [r.status for r in results] == ["stored"] * 5
    return s


def scalar(store: ox.Store, text: str) -> int:
    return int(next(iter(query(store, text)))["n"].value)


def test_projects_per_year(store: ox.Store) -> None:
    rows = query(
        store,
        "SELECT ?y (COUNT(DISTINCT ?p) AS ?n) { ?p a jx:Project ; jx:fiscalYear ?y } GROUP BY ?y",
    )
    counts = {r["y"].value: int(r["n"].value) for r in rows}
    assert counts == {"2026": 70, "2024": 21, "2025": 13, "2020": 10}
    assert sum(counts.values()) == 114


def test_000_and_002_share_project_iris() -> None:
    a, b = read_document(PATHS[0]), read_document(PATHS[2])
    iris_a = {iris.project_iri(p.fiscal_year, p.unit, p.name) for p in a.projects}
    iris_b = {iris.project_iri(p.fiscal_year, p.unit, p.name) for p in b.projects}
    assert len(iris_a) == 70 and iris_a == iris_b


def test_indicators_have_framework_concepts_and_targets(store: ox.Store) -> None:
    assert (
        scalar(
            store,
            """SELECT (COUNT(DISTINCT ?i) AS ?n) {
                 ?p jx:fiscalYear "2026"^^xsd:gYear ; jx:hasIndicator ?i .
                 ?i a jx:Indicator ; jx:level1 ?c1 ; jx:level2 ?c2 .
                 ?c1 skos:inScheme <https://w3id.org/jixiao/id/frame/gz-2026> .
                 ?c2 skos:broader ?c1 }""",
        )
        == 404
    )
    # every quantitative target carries comparator or number, and its printed unit
    assert (
        scalar(
            store,
            """SELECT (COUNT(DISTINCT ?t) AS ?n) {
                 ?i jx:annualTarget ?t . ?t jx:number ?v .
                 FILTER NOT EXISTS { ?t jx:rawText ?raw } }""",
        )
        == 0
    )
    assert scalar(store, 'SELECT (COUNT(*) AS ?n) { ?t jx:comparator "≥" ; jx:unitText "%" }') > 50


def test_projects_have_year_unit_label(store: ox.Store) -> None:
    missing = """SELECT (COUNT(DISTINCT ?p) AS ?n) {
        ?p a jx:Project .
        MINUS { ?p jx:fiscalYear ?y ; jx:unit ?u ; rdfs:label ?l . ?u a jx:Unit } }"""
    assert scalar(store, missing) == 0


def test_provenance_and_qudt(store: ox.Store) -> None:
    assert scalar(store, "SELECT (COUNT(*) AS ?n) { ?d a jx:SourceDocument ; jx:sha256 ?h }") == 5
    lines = """SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?p a jx:Project ; jx:sourceLine ?l ;
               prov:wasDerivedFrom ?g } }"""
    assert scalar(store, lines) == 70 + 21 + 70 + 13 + 10
    assert scalar(store, "SELECT (COUNT(*) AS ?n) { ?t jx:qudtUnit unit:PERCENT }") > 100


def test_cross_year_links_and_renames(store: ox.Store) -> None:
    assert scalar(store, "SELECT (COUNT(*) AS ?n) { ?a jx:sameProjectAs ?b }") >= 8
    renamed = """SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?new ?old {
        ?new jx:renamedFrom ?old .
        ?new skos:prefLabel "广州市数字政府运营中心"@zh .
        ?old skos:prefLabel "广州市电子政务服务中心"@zh } }"""
    assert scalar(store, renamed) == 1


def test_lost_prefix_points_to_level1(store: ox.Store) -> None:
    rows = query(
        store,
        """SELECT ?c1 { ?i jx:level2 <https://w3id.org/jixiao/id/frame/gz-2026/31> ;
                            jx:level1 ?c1 }""",
    )
    assert {r["c1"].value for r in rows} == {"https://w3id.org/jixiao/id/frame/gz-2026/3"}


# --- records → graph → SPARQL → records -------------------------------------------------

_TARGET_FIELDS = {
    "rawText": "raw",
    "comparator": "comparator",
    "number": "number",
    "upperNumber": "upper",
    "unitText": "unit",
    "scale": "scale",
    "baseUnit": "base_unit",
    "value": "value",
    "qualifier": "qualifier",
    "qualitative": "qualitative",
    "classified": "classified",
    "placeholder": "placeholder",
}


def _python(term: ox.Literal) -> object:
    dt = term.datatype.value.rsplit("#", 1)[-1]
    if dt == "decimal":
        return Decimal(term.value)
    if dt == "integer":
        return int(term.value)
    if dt == "boolean":
        return term.value == "true"
    return term.value


def read_target(store: ox.Store, node: ox.NamedNode) -> Target:
    values: dict[str, object] = {}
    for q in store.quads_for_pattern(node, None, None):
        field = _TARGET_FIELDS.get(q.predicate.value.removeprefix(JX))
        if field and isinstance(q.object, ox.Literal):
            values[field] = _python(q.object)
    return Target(**values)  # type: ignore[arg-type]


def read_indicators(store: ox.Store, project: str) -> list[Indicator]:
    rows = query(
        store,
        f"""SELECT ?i ?name ?pos ?l1 ?c1 ?l2 ?c2 ?raw ?pt ?at {{
              <{project}> jx:hasIndicator ?i . ?i jx:name ?name ; jx:position ?pos .
              OPTIONAL {{ ?i jx:level1Text ?l1 }} OPTIONAL {{ ?i jx:level1Code ?c1 }}
              OPTIONAL {{ ?i jx:level2Text ?l2 }} OPTIONAL {{ ?i jx:level2Code ?c2 }}
              OPTIONAL {{ ?i jx:rawText ?raw }}
              OPTIONAL {{ ?i jx:periodTarget ?pt }} OPTIONAL {{ ?i jx:annualTarget ?at }}
            }} ORDER BY ?pos""",
    )
    out = []
    for r in rows:

        def text(key: str, row: ox.QuerySolution = r) -> str | None:
            return row[key].value if row[key] is not None else None

        out.append(
            Indicator(
                name=r["name"].value,
                level1=text("l1"),
                level1_code=text("c1"),
                level2=text("l2"),
                level2_code=text("c2"),
                period_target=read_target(store, r["pt"]) if r["pt"] else None,
                annual_target=read_target(store, r["at"]) if r["at"] else None,
                position=int(r["pos"].value),
                raw=text("raw") or "",
            )
        )
    return out


def test_round_trip_seed_002(store: ox.Store) -> None:
    doc = read_document(PATHS[2])
    for project in doc.projects:
        node = iris.project_iri(project.fiscal_year, project.unit, project.name)
        back = read_indicators(store, node)
        expected = [_comparable(i) for i in project.indicators]
        assert [_comparable(i) for i in back] == expected, project.name


def _comparable(ind: Indicator) -> tuple:
    def t(x: Target | None) -> tuple | None:
        if x is None:
            return None
        return (
            x.raw, x.comparator, x.number, x.upper, x.unit, x.scale, x.base_unit,
            x.value, x.qualifier, x.qualitative, x.classified, x.placeholder,
        )  # fmt: skip

    return (
        ind.name, ind.level1, ind.level1_code, ind.level2, ind.level2_code, ind.position,
        ind.raw, t(ind.period_target), t(ind.annual_target),
    )  # fmt: skip


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_numbers = st.decimals(
    allow_nan=False, allow_infinity=False, places=3, min_value=-1e9, max_value=1e9
)


@given(
    name=_text,
    raw=_text,
    comparator=st.sampled_from([None, "≥", "≤", "=", ">", "<"]),
    number=st.none() | _numbers,
    unit=st.none() | _text,
    qualitative=st.booleans(),
)
def test_round_trip_any_indicator(
    name: str,
    raw: str,
    comparator: str | None,
    number: Decimal | None,
    unit: str | None,
    qualitative: bool,
) -> None:
    target = Target(
        raw=raw, comparator=comparator, number=number, unit=unit, qualitative=qualitative
    )
    ind = Indicator(name=name, level1="满意度指标", level1_code="3", level2="服务对象满意度",
                    level2_code="31", period_target=target, annual_target=Target(raw=raw + "x"),
                    position=2, raw=raw)  # fmt: skip
    out = Triples()
    project = "<https://w3id.org/jixiao/id/project/2026/test>"
    add_indicator(out, project, ind, 7, 2026)
    s = ox.Store()
    s.load(out.text().encode(), ox.RdfFormat.N_TRIPLES)
    assert [_comparable(i) for i in read_indicators(s, project[1:-1])] == [_comparable(ind)]


def test_build_is_deterministic() -> None:
    doc = read_document(PATHS[2])
    assert build_document(doc, "0" * 64).text() == build_document(doc, "0" * 64).text()


def test_org_keys_fold_spacing() -> None:
    assert iris.unit_iri("广州市 政务服务中心") == iris.unit_iri("广州市政务服务中心")
    assert normalize_name("改造改造项目") == "改造"
    assert iris.document_iri(read_document(PATHS[0])) != iris.document_iri(
        read_document(Path(PATHS[2]))
    )
