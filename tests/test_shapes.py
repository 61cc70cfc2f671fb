"""The SHACL shapes on small hand-built graphs: one conforming project, and per shape a
variant that breaks exactly that shape (asserting its exact shape, severity and focus)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from jixiao.graph.validation.reference import validate_graph
from jixiao.graph.validation.shapes import framework_triples, shapes_graph

PREFIXES = """
@prefix jx:   <https://w3id.org/jixiao/ontology#> .
@prefix gz:   <https://w3id.org/jixiao/id/frame/gz-2026/> .
@prefix pre:  <https://w3id.org/jixiao/id/frame/pre-2021/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <https://example.org/> .
"""

BASE = """
ex:doc a jx:SourceDocument ; jx:documentKind "项目支出绩效目标表" .
ex:p a jx:Project ; jx:name "示例项目" ; jx:fiscalYear "2026"^^xsd:gYear ; jx:amountTotal 100.0 ;
    prov:wasDerivedFrom ex:doc ; jx:hasIndicator ex:i1, ex:i2, ex:i3, ex:i4 .
ex:i1 a jx:Indicator ; jx:name "会议活动保障次数" ; jx:level1 gz:1 ; jx:level2 gz:11 ;
    jx:periodTarget ex:t1p ; jx:annualTarget ex:t1 .
ex:t1p a jx:Target ; jx:rawText "≥60场" ; jx:comparator "≥" ; jx:number 60.0 ; jx:value 60.0 ; jx:unitText "场" .
ex:t1 a jx:Target ; jx:rawText "≥20场" ; jx:comparator "≥" ; jx:number 20.0 ; jx:value 20.0 ; jx:unitText "场" .
ex:i2 a jx:Indicator ; jx:name "系统正常运行率" ; jx:level1 gz:2 ; jx:level2 gz:22 ; jx:annualTarget ex:t2 .
ex:t2 a jx:Target ; jx:rawText "≥99.5%" ; jx:comparator "≥" ; jx:number 99.5 ; jx:unitText "%" .
ex:i3 a jx:Indicator ; jx:name "服务对象满意度" ; jx:level1 gz:3 ; jx:level2 gz:31 ; jx:annualTarget ex:t3 .
ex:t3 a jx:Target ; jx:rawText "≥90%" ; jx:comparator "≥" ; jx:number 90.0 ; jx:unitText "%" .
ex:i4 a jx:Indicator ; jx:name "项目采购成本" ; jx:level1 gz:4 ; jx:level2 gz:41 ; jx:annualTarget ex:t4 .
ex:t4 a jx:Target ; jx:rawText "≤50万元" ; jx:comparator "≤" ; jx:number 50.0 ; jx:unitText "万元" ;
    jx:baseUnit "元" ; jx:value 500000.0 .
"""

EX = "https://example.org/"

# name: (text replaced in BASE, replacement, extra triples, expected (shape, severity, focus))
CASES: dict[str, tuple[str, str, str, set[tuple[str, str, str]]]] = {
    "no_output": (
        "jx:level1 gz:1 ; jx:level2 gz:11",
        "jx:level1 gz:2 ; jx:level2 gz:21",
        "",
        {("ProjectOutputShape", "Violation", "p")},
    ),
    "no_effect": (
        "jx:level1 gz:2 ; jx:level2 gz:22",
        "jx:level1 gz:1 ; jx:level2 gz:12",
        "",
        {("ProjectEffectShape", "Violation", "p")},
    ),
    "no_satisfaction": (
        "jx:level1 gz:3 ; jx:level2 gz:31",
        "jx:level1 gz:2 ; jx:level2 gz:21",
        "",
        {("ProjectSatisfactionShape", "Warning", "p")},
    ),
    "inverse_is_no_satisfaction": (
        'ex:i3 a jx:Indicator ; jx:name "服务对象满意度"',
        'ex:i3 a jx:Indicator ; jx:name "服务对象有效投诉率" ; jx:lowerIsBetter true',
        "",
        {("ProjectSatisfactionShape", "Warning", "p")},
    ),
    "no_cost_2026": (
        "jx:level1 gz:4 ; jx:level2 gz:41",
        "jx:level1 gz:1 ; jx:level2 gz:11",
        "",
        {("ProjectCostShape", "Violation", "p")},
    ),
    "no_cost_2021_is_fine": (
        "jx:level1 gz:4 ; jx:level2 gz:41 ; jx:annualTarget ex:t4",
        "jx:level1 gz:1 ; jx:level2 gz:11 ; jx:annualTarget ex:t4",
        "",
        set(),
    ),
    "no_indicators": (
        "jx:hasIndicator ex:i1, ex:i2, ex:i3, ex:i4 .",
        ".",
        "",
        {("ProjectIndicatorsShape", "Info", "p")},
    ),
    "no_name": (
        'jx:name "会议活动保障次数" ;',
        "",
        "",
        {("IndicatorNameShape", "Violation", "i1")},
    ),
    "placeholder_name": (
        '"会议活动保障次数"',
        '"待单位补充"',
        "",
        {("IndicatorPlaceholderNameShape", "Violation", "i1")},
    ),
    "no_level1": (
        "jx:level1 gz:1 ; jx:level2 gz:11",
        "jx:level2 gz:11",
        "",
        {
            ("IndicatorLevel1Shape", "Violation", "i1"),
            ("IndicatorLevel2BroaderShape", "Violation", "i1"),
        },
    ),
    "no_level2": (
        "jx:level1 gz:1 ; jx:level2 gz:11",
        "jx:level1 gz:1",
        "",
        {("IndicatorLevel2Shape", "Violation", "i1")},
    ),
    "level2_elsewhere": (
        "jx:level1 gz:1 ; jx:level2 gz:11",
        "jx:level1 gz:1 ; jx:level2 gz:21",
        "",
        {("IndicatorLevel2BroaderShape", "Violation", "i1")},
    ),
    "no_target": (
        "jx:periodTarget ex:t1p ; jx:annualTarget ex:t1 .",
        ".",
        "",
        {("IndicatorTargetShape", "Violation", "i1")},
    ),
    "bad_comparator": (
        'jx:comparator "≥" ; jx:number 20.0',
        'jx:comparator "≧" ; jx:number 20.0',
        "",
        {("TargetComparatorShape", "Violation", "t1")},
    ),
    "three_decimals": (
        "jx:number 99.5 ;",
        "jx:number 99.125 ;",
        "",
        {("TargetDecimalsShape", "Warning", "t2")},
    ),
    "comparator_no_number": (
        'jx:comparator "≥" ; jx:number 20.0 ; jx:value 20.0 ; jx:unitText "场" .',
        'jx:comparator "≥" .',
        "",
        {("QuantitativeTargetShape", "Violation", "t1")},
    ),
    "qualitative_with_number": (
        "",
        "",
        "ex:t1 jx:qualitative true .",
        {("QualitativeTargetShape", "Violation", "t1")},
    ),
    "placeholder_target": (
        "",
        "",
        "ex:t1 jx:placeholder true .",
        {("PlaceholderTextShape", "Violation", "t1")},
    ),
    "classified_target": (
        "",
        "",
        "ex:t1 jx:classified true .",
        {("ClassifiedTextShape", "Info", "t1")},
    ),
    "rate_not_percent": (
        'jx:rawText "≥99.5%" ; jx:comparator "≥" ; jx:number 99.5 ; jx:unitText "%"',
        'jx:rawText "≥99.5" ; jx:comparator "≥" ; jx:number 99.5',
        "",
        {("RateUnitShape", "Violation", "i2")},
    ),
    "rate_above_100": (
        "jx:number 99.5 ;",
        "jx:number 292 ;",
        "",
        {("RateRangeShape", "Warning", "t2")},
    ),
    "satisfaction_counts_copies": (
        'jx:rawText "≥90%" ; jx:comparator "≥" ; jx:number 90.0 ; jx:unitText "%"',
        'jx:rawText "≤1份" ; jx:comparator "≤" ; jx:number 1.0 ; jx:unitText "份"',
        "",
        {("SatisfactionUnitShape", "Warning", "i3")},
    ),
    "satisfaction_below_80": (
        'jx:rawText "≥90%" ; jx:comparator "≥" ; jx:number 90.0',
        'jx:rawText "≥70%" ; jx:comparator "≥" ; jx:number 70.0',
        "",
        {("SatisfactionLevelShape", "Warning", "i3")},
    ),
    "annual_above_period": (
        'jx:rawText "≥20场" ; jx:comparator "≥" ; jx:number 20.0 ; jx:value 20.0',
        'jx:rawText "≥80场" ; jx:comparator "≥" ; jx:number 80.0 ; jx:value 80.0',
        "",
        {("AnnualAbovePeriodShape", "Warning", "i1")},
    ),
    "cost_above_budget": (
        "jx:value 500000.0",
        "jx:value 5000000.0",
        "",
        {("CostWithinBudgetShape", "Warning", "i4")},
    ),
}


# jx:coversCategory as the build derives it (graph.build.add_indicator/add_coverage; the
# store test checks the build against this same rule): the categories of the indicators'
# level concepts, satisfaction never from an inverse indicator.
COVERAGE = """
PREFIX jx: <https://w3id.org/jixiao/ontology#>
CONSTRUCT { ?p jx:coversCategory ?c } WHERE {
  ?p jx:hasIndicator ?i . ?i jx:level1|jx:level2 ?k . ?k jx:category ?c
  FILTER (?c != jx:CategorySatisfaction || NOT EXISTS { ?i jx:lowerIsBetter true })
}"""


def run(turtle: str) -> set[tuple[str, str, str]]:
    graph = Graph().parse(data=PREFIXES + turtle, format="turtle")
    for triple in framework_triples():
        graph.add(triple)
    for triple in graph.query(COVERAGE):
        graph.add(triple)
    validation = validate_graph(graph)
    return {
        (f.shape.rsplit("#", 1)[-1], f.severity, f.focus.removeprefix(EX))
        for f in validation.findings
    }


def test_base_project_conforms() -> None:
    assert run(BASE) == set()


def test_case_count() -> None:
    assert len(CASES) == 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str) -> None:
    old, new, extra, expected = CASES[name]
    assert old in BASE, f"{name}: {old!r} is not in the base graph"
    data = BASE.replace(old, new, 1) + extra
    if name == "no_cost_2021_is_fine":
        data = data.replace('"2026"^^xsd:gYear', '"2021"^^xsd:gYear')
    assert run(data) == expected


def test_every_shape_is_named_with_severity_and_bilingual_message() -> None:
    from rdflib import URIRef
    from rdflib.namespace import RDF, SH

    shapes = shapes_graph()
    with_severity = set(shapes.subjects(SH.severity, None))
    assert with_severity and all(isinstance(s, URIRef) for s in with_severity)
    for shape in with_severity:
        languages = {m.language for m in shapes.objects(shape, SH.message)}
        assert languages == {"zh", "en"}, shape
    tested = {shape for case in CASES.values() for shape, _, _ in case[3]}
    named = {str(s).rsplit("#", 1)[-1] for s in with_severity}
    assert named == tested, named ^ tested
    assert (
        URIRef("https://w3id.org/jixiao/ontology#ProjectShape"),
        RDF.type,
        SH.NodeShape,
    ) in shapes
