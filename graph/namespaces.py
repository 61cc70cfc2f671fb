"""RDF namespaces of jixiao, and every term of the jx ontology as a closed Python namespace.

``JX`` lists exactly the terms that ``ontology/jx.ttl`` declares (a test checks both agree):
a misspelt term (``JX.fiscalyear``) raises :class:`AttributeError` instead of minting a new
IRI. W3C vocabularies that rdflib ships as closed namespaces (ORG, SKOS, PROV, DCTERMS) are
re-exported from rdflib so they fail the same way; QUDT and OpenBudgets.eu are open.
"""

from __future__ import annotations

import inspect
from typing import TypeVar

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, QB, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = [
    "CLASS_ECONOMIC_DEPT",
    "CLASS_ECONOMIC_GOV",
    "CLASS_FUNCTIONAL",
    "DCTERMS",
    "FRAME",
    "JX",
    "JXID",
    "JX_ONTOLOGY",
    "JX_TERMS",
    "OBEU",
    "OBEU_DIMENSION",
    "OBEU_MEASURE",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "QUANTITYKIND",
    "QUDT",
    "RDF",
    "RDFS",
    "SKOS",
    "UNIT",
    "XSD",
    "bind_prefixes",
]


class JX(DefinedNamespace):
    """Terms of the jixiao ontology (``https://w3id.org/jixiao/ontology#``)."""

    _NS = Namespace("https://w3id.org/jixiao/ontology#")
    _fail = True

    # Classes
    Department: URIRef  # 部门: a government department (org:Organization)
    Unit: URIRef  # 预算单位: a budget unit of a department (org:Organization)
    Project: URIRef  # 项目: one project in one fiscal year's budget of one unit
    Indicator: URIRef  # 绩效指标: one 三级指标 of a project
    Target: URIRef  # 指标值: one target value, as printed and as parsed
    Commitment: URIRef  # 目标承诺: quantity + unit + object stated in a goal text
    BudgetLine: URIRef  # 预算科目行: one row of a budget table
    SourceDocument: URIRef  # 来源文件: a published document (prov:Entity)
    DepartmentPerformanceTarget: URIRef  # 部门整体绩效目标: a key indicator of a department
    IndicatorFramework: URIRef  # 绩效指标体系: a frame (skos:ConceptScheme)

    # Datatype of comparators (≥ ≤ = > <)
    ComparatorSymbol: URIRef

    # Cross-framework categories (skos:ConceptScheme and its concepts)
    CategoryScheme: URIRef
    CategoryOutput: URIRef
    CategoryEffect: URIRef
    CategorySatisfaction: URIRef
    CategoryCost: URIRef

    # Unit of measure of amounts: 万元 (qudt:Unit)
    TenThousandYuan: URIRef

    # Object properties
    unit: URIRef  # project → budget unit
    organization: URIRef  # budget line / document / department target → organisation
    renamedFrom: URIRef  # organisation (new name) → organisation (earlier name)
    hasIndicator: URIRef  # project → indicator
    commits: URIRef  # project → jx:Commitment of its goal text
    measuredBy: URIRef  # commitment → indicator that measures it (numbers agree)
    disagreesWith: URIRef  # commitment → indicator that measures it with another number
    coversCategory: URIRef  # project → jx:Category… concept (derived from its indicators)
    lowerIsBetter: URIRef  # an inverse indicator (不满意率, 投诉率): derived from its name
    concept: URIRef  # indicator → its concept in the indicator library (graph.library)
    conceptKey: URIRef  # library concept → its normalised key
    inferredLevel1: URIRef  # classifier's level-1 concept where none was printed
    inferredLevel2: URIRef
    level1Confidence: URIRef
    level2Confidence: URIRef
    sameProjectAs: URIRef  # project ↔ the same project in another year
    previousYear: URIRef  # project → the same project in the previous year
    functionalClass: URIRef  # budget line → functional classification concept
    economicClass: URIRef  # budget line → economic classification concept
    level1: URIRef  # indicator → level-1 framework concept
    level2: URIRef  # indicator → level-2 framework concept
    periodTarget: URIRef  # indicator → whole-period target
    annualTarget: URIRef  # indicator / department target → annual target
    qudtUnit: URIRef  # target → QUDT unit of the printed unit
    baseQudtUnit: URIRef  # target → QUDT unit of the base unit
    category: URIRef  # framework concept → jx:Category… concept

    # Datatype properties: projects, organisations, budget lines
    fiscalYear: URIRef  # xsd:gYear
    name: URIRef  # as printed
    goalText: URIRef  # 绩效目标
    projectCategory: URIRef
    unitCode: URIRef
    classCode: URIRef
    tableTitle: URIRef
    section: URIRef

    # Datatype properties: amounts, xsd:decimal in 万元
    amount: URIRef  # abstract super-property
    amountTotal: URIRef  # 总计
    amountFiscal: URIRef  # 财政拨款
    amountGeneralBudget: URIRef  # 一般公共预算
    amountGovFund: URIRef  # 政府性基金预算
    amountStateCapital: URIRef  # 国有资本经营预算
    amountSpecialAccount: URIRef  # 财政专户拨款
    amountOther: URIRef  # 其他资金
    amountBasic: URIRef  # 基本支出
    amountProject: URIRef  # 项目支出

    # Datatype properties: indicators
    level1Code: URIRef
    level2Code: URIRef
    level1Text: URIRef
    level2Text: URIRef
    position: URIRef
    weight: URIRef
    actual: URIRef
    score: URIRef

    # Datatype properties: goal-text commitments
    quantity: URIRef
    object: URIRef
    deadline: URIRef  # ISO 8601 date or period, as a string
    spanStart: URIRef
    spanEnd: URIRef

    # Datatype properties: targets
    rawText: URIRef
    comparator: URIRef
    number: URIRef
    upperNumber: URIRef
    unitText: URIRef
    scale: URIRef
    baseUnit: URIRef
    value: URIRef
    qualifier: URIRef
    qualitative: URIRef
    classified: URIRef
    placeholder: URIRef

    # Datatype properties: provenance
    sourceLine: URIRef
    sha256: URIRef
    documentKind: URIRef

    # Prepared facts (graph/prepared.py): a graph <document>/facts per document
    PreparedFacts: URIRef
    Tally: URIRef
    ProjectSet: URIRef
    factsOf: URIRef
    sourceDigest: URIRef
    sortKey: URIRef  # project → "year U+0001 unit U+0001 name U+0001 IRI"
    inSet: URIRef  # project → jx:ProjectSet
    rankKey: URIRef  # project → xsd:decimal, its place in its unit's lists
    memberRank: URIRef  # lacks set → the jx:rankKey of a member
    memberCount: URIRef  # project set → members in the union (graph/prepared_counts.py)
    indicatorCount: URIRef  # tally → its jx:countsIndicator members in the union
    projectCount: URIRef  # tally → its jx:countsProject members in the union
    unitProjectCount: URIRef  # all set → projects with that unit and year in the union
    unitIndicatorCount: URIRef  # all set → their distinct indicators
    UnitTotalMismatch: URIRef  # a unit's total row against its projects (prepared_unit_totals)
    checkedDocument: URIRef
    checkedUnit: URIRef
    checkedYear: URIRef
    checkedProjects: URIRef
    unitTotal: URIRef
    projectSum: URIRef
    checksUnitTotals: URIRef  # facts node → true: written by code that checks unit totals
    tallyUnit: URIRef
    tallyYear: URIRef
    lacksCategory: URIRef
    withIndicators: URIRef
    coversAllCategories: URIRef
    tallyCategory: URIRef
    countsIndicator: URIRef  # jx:Tally → an indicator it counts
    countsProject: URIRef  # jx:Tally → a project with indicators it counts
    tallySeverity: URIRef
    findingCount: URIRef
    setKey: URIRef  # project → key of its indicator names (graph/prepared_sets.py)
    setSignature: URIRef  # project → SHA-1 of its sorted indicator names
    Disagreement: URIRef  # a prepared disagreeing row (graph/prepared_commitments.py)
    unmeasuredKey: URIRef  # commitment → its sort key, unmeasured in a document
    disagreementKey: URIRef  # jx:Disagreement → its sort key
    disagreementOf: URIRef  # jx:Disagreement → the commitment
    disagreeingIndicator: URIRef  # jx:Disagreement → the indicator
    # Row facts (graph/prepared_rows.py): satisfaction target sets, targets without a number
    TargetSet: URIRef
    targetProperty: URIRef  # jx:TargetSet → jx:annualTarget or jx:periodTarget
    setUnitText: URIRef  # jx:TargetSet → "%" or "分"
    satisfactionBy: URIRef  # jx:TargetSet → jx:level2 or jx:level1
    memberKey: URIRef  # jx:TargetSet → the jx:targetKey of a member
    targetKey: URIRef  # target → xsd:decimal: its number and a tie-break
    inTargetSet: URIRef  # target → jx:TargetSet
    noNumber: URIRef  # target → true: no jx:number and not qualitative
    # Order keys (graph/prepared_order.py): inline keys of two string-sorted lists
    unmeasurableKey: URIRef  # target → xsd:decimal, its place in unmeasurable_targets
    implausibleKey: URIRef  # indicator → xsd:decimal, its place in implausible_rates


JX_ONTOLOGY = URIRef("https://w3id.org/jixiao/ontology")
JX_TERMS: frozenset[URIRef] = frozenset(JX[name] for name in inspect.get_annotations(JX))

JXID = Namespace("https://w3id.org/jixiao/id/")
FRAME = Namespace("https://w3id.org/jixiao/id/frame/")
CLASS_FUNCTIONAL = Namespace("https://w3id.org/jixiao/id/class/functional/")
CLASS_ECONOMIC_DEPT = Namespace("https://w3id.org/jixiao/id/class/economic-dept/")
CLASS_ECONOMIC_GOV = Namespace("https://w3id.org/jixiao/id/class/economic-gov/")

QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
QUANTITYKIND = Namespace("http://qudt.org/vocab/quantitykind/")
OBEU = Namespace("http://data.openbudgets.eu/ontology/")
OBEU_DIMENSION = Namespace("http://data.openbudgets.eu/ontology/dsd/dimension/")
OBEU_MEASURE = Namespace("http://data.openbudgets.eu/ontology/dsd/measure/")

PREFIXES: dict[str, str] = {
    "jx": str(JX._NS),
    "jxid": str(JXID),
    "frame": str(FRAME),
    "org": str(ORG._NS),
    "skos": str(SKOS._NS),
    "prov": str(PROV._NS),
    "dcterms": str(DCTERMS._NS),
    "qb": str(QB._NS),
    "qudt": str(QUDT),
    "unit": str(UNIT),
    "obeu": str(OBEU),
    "obeu-dimension": str(OBEU_DIMENSION),
    "obeu-measure": str(OBEU_MEASURE),
    "owl": str(OWL._NS),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "xsd": str(XSD._NS),
}


_G = TypeVar("_G", bound=Graph)


def bind_prefixes(graph: _G) -> _G:
    """Bind :data:`PREFIXES` on ``graph`` (an rdflib Graph or Dataset) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph
