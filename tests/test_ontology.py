"""The ontology package: every Turtle file parses, jx.ttl and ``graph.namespaces.JX`` agree,
the frameworks and classifications are well-formed and cover what the sample documents print.

The checks that scan graphs for defects are small functions returning the defects found; each
is run on the real files (expecting none) and on a deliberately broken graph (expecting the
defect), so a check that silently stopped finding anything would fail.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph
import pytest
import rdflib.namespace as rns
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, VANN

from jixiao import ontology
from jixiao.extract.records import COMPARATORS, Indicator, Target
from jixiao.graph.namespaces import (
    CLASS_ECONOMIC_DEPT,
    CLASS_ECONOMIC_GOV,
    CLASS_FUNCTIONAL,
    FRAME,
    JX,
    JX_ONTOLOGY,
    JX_TERMS,
    OBEU_DIMENSION,
    OBEU_MEASURE,
    QUANTITYKIND,
    QUDT,
    UNIT,
)
from tests.conftest import SAMPLES, SEED_002

FILES = ("classifications.ttl", "framework.ttl", "jx.ttl")
JX_NS = str(JX._NS)
JXID_ROOT = "https://w3id.org/jixiao/"

ONTO = ontology.load_graph("jx.ttl")
FRAMEWORKS = ontology.load_graph("framework.ttl")
CLASSES = ontology.load_graph("classifications.ttl")
ALL = ontology.load_graph()

GZ_2026 = FRAME["gz-2026"]
PRE_2021 = FRAME["pre-2021"]
# Guangzhou 2026: code → label exactly as printed (domain primer §2).
GZ_2026_LABELS = {
    "1": "产出指标",
    "11": "数量指标",
    "12": "质量指标",
    "13": "时效指标",
    "2": "效益指标",
    "21": "经济效益",
    "22": "社会效益",
    "23": "生态效益",
    "24": "可持续影响",
    "3": "满意度指标",
    "31": "服务对象满意度",
    "4": "成本指标",
    "41": "经济成本指标",
    "42": "社会成本指标",
    "43": "生态环境成本指标",
}
CATEGORIES = {JX.CategoryOutput, JX.CategoryEffect, JX.CategorySatisfaction, JX.CategoryCost}

SCHEMES = {
    "2": URIRef(str(CLASS_FUNCTIONAL).rstrip("/")),
    "3": URIRef(str(CLASS_ECONOMIC_DEPT).rstrip("/")),
    "5": URIRef(str(CLASS_ECONOMIC_GOV).rstrip("/")),
}
# How many distinct codes the five sample documents print, per scheme (counted by hand from
# the regex's output and spot-checked against the tables).
PRINTED_COUNTS = {"2": 36, "3": 45, "5": 25}

# Closed vocabularies: a term outside them is a typo.
CLOSED = (RDF, RDFS, OWL, rns.XSD, SKOS, ORG, PROV, DCTERMS, VANN, QB)
OPEN_TERMS = {
    QUDT.Unit,
    QUDT.CurrencyUnit,
    QUDT.symbol,
    QUDT.scalingOf,
    QUDT.conversionMultiplier,
    QUDT.hasQuantityKind,
    UNIT.CCY_CNY,
    QUANTITYKIND.Currency,
    OBEU_DIMENSION.organization,
    OBEU_DIMENSION.functionalClassification,
    OBEU_DIMENSION.economicClassification,
    OBEU_DIMENSION.fiscalYear,
    OBEU_DIMENSION.project,
    OBEU_MEASURE.amount,
}
OPEN_NAMESPACES = (str(QUDT), str(UNIT), str(QUANTITYKIND), "http://data.openbudgets.eu/")
# IRIs that are neither vocabulary terms nor our own resources.
OTHER_IRIS = {
    URIRef("https://w3id.org/jixiao/ontology/0.1.0"),
    URIRef("https://www.apache.org/licenses/LICENSE-2.0"),
    URIRef("http://data.openbudgets.eu/ontology"),
}
# Vocabulary namespaces themselves, cited with rdfs:seeAlso.
NAMESPACE_IRIS = {str(ns._NS) for ns in CLOSED} | {str(QUDT)}


# --------------------------------------------------------------------------------------------
# Checks (each returns the defects it finds)
# --------------------------------------------------------------------------------------------


def unknown_iris(graph: Graph) -> set[URIRef]:
    """IRIs that are no known vocabulary term, no jx term and no resource the graph defines."""
    defined = {s for s in graph.subjects() if isinstance(s, URIRef)}
    unknown = set()
    for triple in graph:
        for term in triple:
            if not isinstance(term, URIRef) or str(term) in NAMESPACE_IRIS:
                continue
            iri = str(term)
            if term in OTHER_IRIS:
                known = True
            elif iri.startswith(JX_NS):
                known = term in JX_TERMS
            elif iri.startswith(JXID_ROOT):
                known = term in defined
            elif any(iri.startswith(str(ns._NS)) for ns in CLOSED):
                known = any(iri.startswith(str(ns._NS)) and term in ns for ns in CLOSED)
            elif iri.startswith(OPEN_NAMESPACES):
                known = term in OPEN_TERMS
            else:
                known = False
            if not known:
                unknown.add(term)
    return unknown


def declared_jx_terms(graph: Graph) -> set[URIRef]:
    return {
        s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(JX_NS)
    }


def members(graph: Graph, node: object) -> set[object]:
    """A class expression's named members: the class itself, or the classes of its union."""
    if isinstance(node, BNode):
        union = graph.value(node, OWL.unionOf)
        assert union is not None, f"anonymous class without owl:unionOf: {node}"
        return set(Collection(graph, union))
    return {node}


def label_defects(graph: Graph, term: URIRef) -> list[str]:
    defects = []
    for lang in ("zh", "en"):
        labels = [
            o for o in graph.objects(term, RDFS.label) if getattr(o, "language", None) == lang
        ]
        if len(labels) != 1:
            defects.append(f"{len(labels)} rdfs:label @{lang}")
    definitions = {getattr(o, "language", None) for o in graph.objects(term, SKOS.definition)}
    if "en" not in definitions:
        defects.append("no skos:definition @en")
    if (term, RDFS.isDefinedBy, JX_ONTOLOGY) not in graph:
        defects.append("no rdfs:isDefinedBy")
    return defects


def property_defects(graph: Graph, prop: URIRef) -> list[str]:
    defects = []
    domains = list(graph.objects(prop, RDFS.domain))
    ranges = list(graph.objects(prop, RDFS.range))
    if len(domains) != 1:  # several rdfs:domain mean their intersection: use owl:unionOf
        defects.append(f"{len(domains)} rdfs:domain")
    if len(ranges) != 1:
        defects.append(f"{len(ranges)} rdfs:range")
    datatype = (prop, RDF.type, OWL.DatatypeProperty) in graph
    for rng in ranges:
        is_datatype = (
            str(rng).startswith(str(rns.XSD._NS)) or (rng, RDF.type, RDFS.Datatype) in graph
        )
        if datatype != is_datatype:
            kind = "a datatype" if datatype else "an object"
            defects.append(f"range {rng} does not suit {kind} property")
    return defects


def notations(graph: Graph, concept: object) -> list[str]:
    return [str(n) for n in graph.objects(concept, SKOS.notation)]


def hierarchy_defects(graph: Graph, scheme: URIRef) -> list[str]:
    """Classification concepts whose notation, IRI or place in the hierarchy is wrong."""
    by_code = {}
    defects = []
    for concept in graph.subjects(SKOS.inScheme, scheme):
        codes = notations(graph, concept)
        if len(codes) != 1 or not codes[0].isdigit():
            defects.append(f"{concept}: notations {codes}")
            continue
        by_code[codes[0]] = concept
        if str(concept) != f"{scheme}/{codes[0]}":
            defects.append(f"{concept}: IRI does not end with its notation {codes[0]}")
    for code, concept in by_code.items():
        broader = set(graph.objects(concept, SKOS.broader))
        if len(code) == 3:
            if broader or (concept, SKOS.topConceptOf, scheme) not in graph:
                defects.append(f"{code}: a 3-digit code must be a top concept without broader")
            if (scheme, SKOS.hasTopConcept, concept) not in graph:
                defects.append(f"{code}: missing from skos:hasTopConcept")
        else:
            parent = by_code.get(code[:-2])
            if parent is None or broader != {parent}:
                defects.append(f"{code}: broader {broader} is not the code {code[:-2]}")
        narrower = set(graph.objects(concept, SKOS.narrower))
        inverse = set(graph.subjects(SKOS.broader, concept))
        if narrower != inverse:
            defects.append(f"{code}: skos:narrower is not the inverse of skos:broader")
    return defects


def printed_codes() -> dict[str, set[str]]:
    """Classification codes printed in the sample documents, by first digit (= scheme)."""
    bracketed = re.compile(r"\[(\d{3}|\d{5}|\d{7})\]")
    # Functional codes without brackets: at the start of a row, the name after blanks or
    # on the next line (003 wraps cells), never digits (amounts).
    bare = re.compile(
        r"^[ \t\u3000]*(2\d{2}|2\d{4}|2\d{6})[ \t\u3000]*\n?[ \t\u3000]*[\u4e00-\u9fff]", re.M
    )
    codes: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for match in (*bracketed.finditer(text), *bare.finditer(text)):
            codes[match.group(1)[0]].add(match.group(1))
    return dict(codes)


PRINTED = printed_codes()


def concepts_by_notation(graph: Graph, scheme: URIRef) -> dict[str, URIRef]:
    return {
        str(n): c
        for c in graph.subjects(SKOS.inScheme, scheme)
        for n in graph.objects(c, SKOS.notation)
    }


# --------------------------------------------------------------------------------------------
# Files and loaders
# --------------------------------------------------------------------------------------------


def test_package_lists_the_three_turtle_files() -> None:
    assert set(FILES) <= set(ontology.turtle_files())


@pytest.mark.parametrize("name", FILES)
def test_file_parses_with_rdflib_and_pyoxigraph(name: str) -> None:
    path = ontology.ontology_path(name)
    graph = Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    store = pyoxigraph.Store()
    store.load(path.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(graph) > 100
    assert len(store) == len(graph)


def test_load_graph_is_cached_and_unions_the_files() -> None:
    assert ontology.load_graph() is ALL
    assert ontology.load_graph("jx.ttl") is ONTO
    assert len(ALL) == sum(len(ontology.load_graph(name)) for name in ontology.turtle_files())


def test_missing_file_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        ontology.ontology_path("nope.ttl")


# --------------------------------------------------------------------------------------------
# jx.ttl and the namespace module
# --------------------------------------------------------------------------------------------


def test_namespace_module_and_jx_ttl_declare_the_same_terms() -> None:
    declared = declared_jx_terms(ONTO)
    assert sorted(declared - JX_TERMS) == [], "declared in jx.ttl, missing from JX"
    assert sorted(JX_TERMS - declared) == [], "listed in JX, not declared in jx.ttl"
    assert len(JX_TERMS) > 50  # the sets above are equal; a fixed count only made conflicts


def test_only_jx_ttl_declares_jx_terms() -> None:
    assert declared_jx_terms(FRAMEWORKS) == set()
    assert declared_jx_terms(CLASSES) == set()


def test_misspelt_jx_term_fails_in_python() -> None:
    with pytest.raises(AttributeError):
        _ = JX.fiscalyear


def test_ontology_header() -> None:
    assert (JX_ONTOLOGY, RDF.type, OWL.Ontology) in ONTO
    titles = {t.language for t in ONTO.objects(JX_ONTOLOGY, DCTERMS.title)}
    assert titles == {"zh", "en"}
    assert ONTO.value(JX_ONTOLOGY, OWL.versionInfo) is not None
    created = ONTO.value(JX_ONTOLOGY, DCTERMS.created)
    assert isinstance(created, Literal) and created.datatype == rns.XSD.date


def test_required_classes_and_their_parents() -> None:
    for cls in (JX.Department, JX.Unit):
        assert (cls, RDFS.subClassOf, ORG.Organization) in ONTO
    assert (JX.SourceDocument, RDFS.subClassOf, PROV.Entity) in ONTO
    for cls in (JX.Project, JX.Indicator, JX.Target, JX.BudgetLine):
        assert (cls, RDF.type, OWL.Class) in ONTO


@pytest.mark.parametrize("term", sorted(JX_TERMS), ids=lambda t: t.removeprefix(JX_NS))
def test_jx_term_has_labels_in_zh_and_en_and_a_definition(term: URIRef) -> None:
    assert label_defects(ONTO, term) == []


JX_PROPERTIES = sorted(
    p
    for p in JX_TERMS
    if (p, RDF.type, OWL.ObjectProperty) in ONTO or (p, RDF.type, OWL.DatatypeProperty) in ONTO
)


def test_every_property_is_used() -> None:
    """Each declared property is written or read somewhere (graph/, api/, extract/, the
    queries or the shapes): a property nothing uses is a dead term. (This replaced a fixed
    count of properties, which every branch adding a term had to edit.)"""
    root = Path(__file__).resolve().parent.parent
    sources = [
        *root.glob("graph/**/*.py"),
        *root.glob("api/**/*.py"),
        *root.glob("extract/**/*.py"),
    ]
    sources += [*root.glob("queries/*.rq"), *root.glob("ontology/shapes/*.ttl")]
    sources = [path for path in sources if path.name != "namespaces.py"]  # it lists them all
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", text))
    unused = [p.removeprefix(JX_NS) for p in JX_PROPERTIES if p.removeprefix(JX_NS) not in words]
    # declared for budget lines' economic codes (301…, 501…), which build does not link yet
    assert len(JX_PROPERTIES) > 50 and unused == ["economicClass"]


@pytest.mark.parametrize("prop", JX_PROPERTIES, ids=lambda t: t.removeprefix(JX_NS))
def test_jx_property_has_one_domain_and_one_suitable_range(prop: URIRef) -> None:
    assert property_defects(ONTO, prop) == []
    for domain in ONTO.objects(prop, RDFS.domain):
        for cls in members(ONTO, domain):
            assert cls in JX_TERMS or cls in (SKOS.Concept, ORG.Organization), cls


def test_checks_find_missing_labels_and_intersected_domains() -> None:
    broken = Graph()
    broken.add((JX.unit, RDFS.label, Literal("unit", lang="en")))
    broken.add((JX.unit, RDF.type, OWL.ObjectProperty))
    broken.add((JX.unit, RDFS.domain, JX.Project))
    broken.add((JX.unit, RDFS.domain, JX.BudgetLine))
    broken.add((JX.unit, RDFS.range, rns.XSD.string))
    assert "0 rdfs:label @zh" in label_defects(broken, JX.unit)
    assert "no skos:definition @en" in label_defects(broken, JX.unit)
    defects = property_defects(broken, JX.unit)
    assert "2 rdfs:domain" in defects
    assert any("does not suit an object property" in d for d in defects)


def test_amounts_are_decimals_under_jx_amount() -> None:
    amounts = {p for p in JX_TERMS if p.removeprefix(JX_NS).startswith("amount")} - {JX.amount}
    assert len(amounts) == 9
    for prop in amounts:
        assert (prop, RDFS.subPropertyOf, JX.amount) in ONTO
        assert ONTO.value(prop, RDFS.range) == rns.XSD.decimal


def test_comparator_datatype_lists_the_parsers_comparators() -> None:
    assert ONTO.value(JX.comparator, RDFS.range) == JX.ComparatorSymbol
    definition = ONTO.value(JX.ComparatorSymbol, OWL.equivalentClass)
    symbols = [str(s) for s in Collection(ONTO, ONTO.value(definition, OWL.oneOf))]
    assert symbols == list(COMPARATORS)


def test_ten_thousand_yuan_scales_the_yuan() -> None:
    assert ONTO.value(JX.TenThousandYuan, QUDT.scalingOf) == UNIT.CCY_CNY
    assert ONTO.value(JX.TenThousandYuan, QUDT.conversionMultiplier).toPython() == 10000


# Every field of the parser's records has a home in the ontology.
TARGET_FIELDS = {
    "raw": JX.rawText,
    "comparator": JX.comparator,
    "number": JX.number,
    "upper": JX.upperNumber,
    "unit": JX.unitText,
    "scale": JX.scale,
    "base_unit": JX.baseUnit,
    "value": JX.value,
    "qualifier": JX.qualifier,
    "qualitative": JX.qualitative,
    "classified": JX.classified,
    "placeholder": JX.placeholder,
}
INDICATOR_FIELDS = {
    "name": JX.name,
    "level1": JX.level1Text,
    "level1_code": JX.level1Code,
    "level2": JX.level2Text,
    "level2_code": JX.level2Code,
    "period_target": JX.periodTarget,
    "annual_target": JX.annualTarget,
    "position": JX.position,
    "weight": JX.weight,
    "actual": JX.actual,
    "score": JX.score,
    "raw": JX.rawText,
}


@pytest.mark.parametrize(
    ("record", "fields", "cls"),
    [(Target, TARGET_FIELDS, JX.Target), (Indicator, INDICATOR_FIELDS, JX.Indicator)],
    ids=["Target", "Indicator"],
)
def test_every_record_field_has_a_property(record: type, fields: dict, cls: URIRef) -> None:
    if dataclasses.is_dataclass(record):
        names = {f.name for f in dataclasses.fields(record)}
    else:  # a NamedTuple
        names = set(record._fields)
    assert names == set(fields)
    for prop in fields.values():
        assert cls in members(ONTO, ONTO.value(prop, RDFS.domain)), prop


# --------------------------------------------------------------------------------------------
# No unknown IRIs anywhere
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_file_uses_no_unknown_iri(name: str) -> None:
    assert sorted(unknown_iris(ontology.load_graph(name))) == []


def test_unknown_iri_check_catches_typos() -> None:
    broder = URIRef(str(SKOS._NS) + "broder")
    catgory = URIRef(JX_NS + "catgory")
    classs = URIRef(str(OWL._NS) + "Classs")
    concept = FRAME["gz-2026/31"]
    broken = Graph()
    broken.add((concept, broder, FRAME["gz-2026/3"]))
    broken.add((concept, catgory, JX.CategorySatisfaction))
    broken.add((concept, RDF.type, classs))
    broken.add((concept, QUDT.unitt, UNIT.PERCENT))
    expected = {broder, catgory, classs, QUDT.unitt, UNIT.PERCENT, FRAME["gz-2026/3"]}
    assert unknown_iris(broken) == expected  # gz-2026/3 is referenced, never defined


# --------------------------------------------------------------------------------------------
# Indicator frameworks
# --------------------------------------------------------------------------------------------


def framework_schemes() -> list[URIRef]:
    return sorted(FRAMEWORKS.subjects(RDF.type, JX.IndicatorFramework))


def test_frameworks_are_concept_schemes() -> None:
    assert framework_schemes() == sorted([GZ_2026, PRE_2021])
    for scheme in framework_schemes():
        assert (scheme, RDF.type, SKOS.ConceptScheme) in FRAMEWORKS
        assert FRAMEWORKS.value(scheme, OWL.versionInfo) is not None
        assert FRAMEWORKS.value(scheme, DCTERMS.valid) is not None
        assert {lb.language for lb in FRAMEWORKS.objects(scheme, SKOS.prefLabel)} == {"zh", "en"}


def test_gz_2026_has_exactly_the_printed_codes_and_labels() -> None:
    concepts = concepts_by_notation(FRAMEWORKS, GZ_2026)
    assert set(concepts) == set(GZ_2026_LABELS)
    assert len(set(FRAMEWORKS.subjects(SKOS.inScheme, GZ_2026))) == len(GZ_2026_LABELS)
    for code, concept in concepts.items():
        assert concept == FRAME[f"gz-2026/{code}"]
        assert len(notations(FRAMEWORKS, concept)) == 1
        zh = [lb for lb in FRAMEWORKS.objects(concept, SKOS.prefLabel) if lb.language == "zh"]
        assert zh == [Literal(GZ_2026_LABELS[code], lang="zh")], code


def test_gz_2026_labels_match_seed_002() -> None:
    text = SEED_002.read_text(encoding="utf-8")
    printed = set(re.findall(r"(?<![\d.])(\d{1,2})-([\u4e00-\u9fff]+)[；;]", text))
    assert len(printed) == 13  # 23 and 24 are not printed in the seed
    concepts = concepts_by_notation(FRAMEWORKS, GZ_2026)
    for code, label in printed:
        assert Literal(label, lang="zh") in set(FRAMEWORKS.objects(concepts[code], SKOS.prefLabel))


def test_gz_2026_levels_follow_the_codes() -> None:
    concepts = concepts_by_notation(FRAMEWORKS, GZ_2026)
    for code, concept in concepts.items():
        broader = set(FRAMEWORKS.objects(concept, SKOS.broader))
        if len(code) == 1:
            assert broader == set()
            assert (concept, SKOS.topConceptOf, GZ_2026) in FRAMEWORKS
            assert (GZ_2026, SKOS.hasTopConcept, concept) in FRAMEWORKS
        else:
            assert broader == {concepts[code[0]]}, code


@pytest.mark.parametrize("scheme", [GZ_2026, PRE_2021], ids=["gz-2026", "pre-2021"])
def test_every_level_2_has_a_level_1_in_its_scheme(scheme: URIRef) -> None:
    tops = set(FRAMEWORKS.objects(scheme, SKOS.hasTopConcept))
    assert tops == set(FRAMEWORKS.subjects(SKOS.topConceptOf, scheme))
    for concept in FRAMEWORKS.subjects(SKOS.inScheme, scheme):
        broader = set(FRAMEWORKS.objects(concept, SKOS.broader))
        if concept in tops:
            assert broader == set()
        else:
            assert len(broader) == 1 and broader <= tops, concept
        assert set(FRAMEWORKS.objects(concept, SKOS.narrower)) == set(
            FRAMEWORKS.subjects(SKOS.broader, concept)
        )


def test_every_framework_concept_has_one_category() -> None:
    concepts = set(FRAMEWORKS.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 15 + 13
    for concept in concepts:
        assert len(list(FRAMEWORKS.objects(concept, SKOS.inScheme))) == 1
        categories = list(FRAMEWORKS.objects(concept, JX.category))
        assert len(categories) == 1 and categories[0] in CATEGORIES, concept
    for category in CATEGORIES:
        assert (category, SKOS.inScheme, JX.CategoryScheme) in ONTO


def test_pre_2021_frame_prints_no_codes_and_puts_cost_under_output() -> None:
    concepts = set(FRAMEWORKS.subjects(SKOS.inScheme, PRE_2021))
    assert all(notations(FRAMEWORKS, c) == [] for c in concepts)  # never invent a code
    cost = [c for c in concepts if FRAMEWORKS.value(c, JX.category) == JX.CategoryCost]
    assert [FRAMEWORKS.value(c, SKOS.broader) for c in cost] == [FRAME["pre-2021/output"]]
    satisfaction_under_effect = [
        c
        for c in concepts
        if FRAMEWORKS.value(c, JX.category) == JX.CategorySatisfaction
        and FRAMEWORKS.value(c, SKOS.broader) == FRAME["pre-2021/effect"]
    ]
    assert len(satisfaction_under_effect) == 1


def test_cross_frame_mappings_link_concepts_of_the_same_category() -> None:
    pairs = list(FRAMEWORKS.subject_objects(SKOS.exactMatch))
    assert len(pairs) >= 10
    for a, b in pairs:
        assert FRAMEWORKS.value(a, SKOS.inScheme) != FRAMEWORKS.value(b, SKOS.inScheme)
        assert FRAMEWORKS.value(a, JX.category) == FRAMEWORKS.value(b, JX.category)
    for prop in (SKOS.closeMatch, SKOS.broadMatch):
        for a, b in FRAMEWORKS.subject_objects(prop):
            assert (b, RDF.type, SKOS.Concept) in FRAMEWORKS
            assert FRAMEWORKS.value(a, SKOS.inScheme) != FRAMEWORKS.value(b, SKOS.inScheme)
    gz_satisfaction = FRAME["gz-2026/31"]
    matches = set(FRAMEWORKS.objects(gz_satisfaction, SKOS.exactMatch)) | set(
        FRAMEWORKS.objects(gz_satisfaction, SKOS.closeMatch)
    )
    assert FRAME["pre-2021/effect-satisfaction"] in matches


# --------------------------------------------------------------------------------------------
# Budget classifications
# --------------------------------------------------------------------------------------------


def test_sample_documents_print_the_expected_number_of_codes() -> None:
    assert set(PRINTED) == set(SCHEMES), "a printed code starts with an unexpected digit"
    assert {k: len(v) for k, v in PRINTED.items()} == PRINTED_COUNTS


@pytest.mark.parametrize("first", sorted(SCHEMES), ids=lambda d: f"{d}xx")
def test_classification_contains_every_printed_code(first: str) -> None:
    scheme = SCHEMES[first]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in CLASSES
    codes = set(concepts_by_notation(CLASSES, scheme))
    assert sorted(PRINTED[first] - codes) == []
    assert all(code.startswith(first) for code in codes)


@pytest.mark.parametrize("first", sorted(SCHEMES), ids=lambda d: f"{d}xx")
def test_classification_hierarchy_follows_the_code_prefixes(first: str) -> None:
    scheme = SCHEMES[first]
    assert hierarchy_defects(CLASSES, scheme) == []
    for concept in CLASSES.subjects(SKOS.inScheme, scheme):
        zh = [lb for lb in CLASSES.objects(concept, SKOS.prefLabel) if lb.language == "zh"]
        assert len(zh) == 1 and not re.search(r"\s", str(zh[0])), concept


def test_hierarchy_check_catches_a_wrong_broader() -> None:
    scheme = SCHEMES["2"]
    broken = Graph()
    broken += CLASSES
    assert hierarchy_defects(broken, scheme) == []
    broken.remove((CLASS_FUNCTIONAL["2010301"], SKOS.broader, None))
    broken.add((CLASS_FUNCTIONAL["2010301"], SKOS.broader, CLASS_FUNCTIONAL["206"]))
    defects = hierarchy_defects(broken, scheme)
    assert any(d.startswith("2010301: broader") for d in defects)


def test_printed_labels_are_pref_or_alt_labels() -> None:
    # Rows such as "[30101]基本工资<TAB>1,797.16" or "[50203] 培训费<TAB>5.31".
    row = re.compile(r"\[(\d{3}|\d{5}|\d{7})\][ \u3000]*([^\t\d\[\]]+?)[ \t]+[\d,]+\.\d\d")
    checked = 0
    for path in sorted(SAMPLES.glob("*.txt")):
        for code, label in row.findall(path.read_text(encoding="utf-8")):
            concept = concepts_by_notation(CLASSES, SCHEMES[code[0]])[code]
            names = {
                str(x) for p in (SKOS.prefLabel, SKOS.altLabel) for x in CLASSES.objects(concept, p)
            }
            assert re.sub(r"\s", "", label) in names, (path.name, code, label)
            checked += 1
    assert checked > 200
