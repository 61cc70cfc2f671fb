"""Records → RDF: the triples of one document's named graph, as N-Triples text.

Triples are written as N-Triples lines, not as rdflib or pyoxigraph term objects: building a
Python object per term costs ten times more than formatting a line, and pyoxigraph parses
N-Triples in Rust when it loads them (see ``benchmarks/ingest.py``). Terms are formatted by
the small helpers of :mod:`graph.nt_terms`; every IRI is built by :mod:`graph.iris`.

Conventions (see ``ontology/jx.ttl``): texts as printed are ``xsd:string``; labels of
organisations and projects are ``@zh``; amounts and numbers are ``xsd:decimal``; the flags
``jx:qualitative``, ``jx:classified`` and ``jx:placeholder`` are written only when true; a
whole-period target identical to the annual one is one ``jx:Target`` node.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import PurePath

from jixiao.extract.doc_records import Amounts, Document, Project
from jixiao.extract.linking import renames_of
from jixiao.extract.records import Indicator, Target
from jixiao.extract.semantics.direction import is_inverse
from jixiao.extract.target import parse_target
from jixiao.graph import iris
from jixiao.graph.commitments import add_commitments
from jixiao.graph.library import library_triples
from jixiao.graph.namespaces import JX as JX_NS
from jixiao.graph.nt_terms import TRUE, decimal, integer, iri, string, year, zh
from jixiao.graph.semantics import Key, inferences, inferred_levels

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS_PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
ORG_SUB = "<http://www.w3.org/ns/org#subOrganizationOf>"
PROV_FROM = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
PROV_ENTITY = "<http://www.w3.org/ns/prov#Entity>"
DCT_SOURCE = "<http://purl.org/dc/terms/source>"


SATISFACTION_CATEGORY = "https://w3id.org/jixiao/ontology#CategorySatisfaction"

_AMOUNTS = (
    ("total", "amountTotal"),
    ("fiscal", "amountFiscal"),
    ("general", "amountGeneralBudget"),
    ("fund", "amountGovFund"),
    ("state_capital", "amountStateCapital"),
    ("special", "amountSpecialAccount"),
    ("other", "amountOther"),
)
# Predicates and classes as N-Triples terms, formatted once. Every name is looked up in the
# closed jx namespace (graph.namespaces.JX), so a term that jx.ttl does not declare fails here.
_TERMS = """
Project Indicator Target Unit Department BudgetLine SourceDocument DepartmentPerformanceTarget
name fiscalYear unit unitCode projectCategory goalText rawText sourceLine hasIndicator position
level1 level2 level1Code level2Code level1Text level2Text periodTarget annualTarget weight actual
score comparator number upperNumber unitText scale baseUnit value qudtUnit baseQudtUnit qualifier
qualitative classified placeholder organization tableTitle classCode functionalClass amountBasic
amountProject section sha256 documentKind renamedFrom sameProjectAs previousYear coversCategory
lowerIsBetter inferredLevel1 inferredLevel2 level1Confidence level2Confidence
"""
P = {name: f"<{getattr(JX_NS, name)}>" for name in _TERMS.split()}
for _field, _term in _AMOUNTS:
    P[_term] = f"<{getattr(JX_NS, _term)}>"


class Triples:
    """A growing list of N-Triples lines."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, s: str, pred: str, o: str) -> None:
        self.lines.append(f"{s} {pred} {o} .\n")

    def text(self) -> str:
        return "".join(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


def add_amounts(out: Triples, s: str, amounts: Amounts | None) -> None:
    if amounts is None:
        return
    for field, term in _AMOUNTS:
        value = getattr(amounts, field)
        if value is not None:
            out.add(s, P[term], decimal(value))


def add_target(out: Triples, s: str, t: Target) -> None:
    add = out.add
    add(s, RDF_TYPE, P["Target"])
    add(s, P["rawText"], string(t.raw))
    if t.comparator is not None:
        add(s, P["comparator"], string(t.comparator))
    if t.number is not None:
        add(s, P["number"], decimal(t.number))
    if t.upper is not None:
        add(s, P["upperNumber"], decimal(t.upper))
    if t.unit is not None:
        add(s, P["unitText"], string(t.unit))
        mapped = iris.QUDT_UNITS.get(t.unit)
        if mapped:
            add(s, P["qudtUnit"], iri(mapped))
    if t.scale != 1:
        add(s, P["scale"], integer(t.scale))
    if t.base_unit is not None:
        add(s, P["baseUnit"], string(t.base_unit))
        mapped = iris.QUDT_UNITS.get(t.base_unit)
        if mapped:
            add(s, P["baseQudtUnit"], iri(mapped))
    if t.value is not None:
        add(s, P["value"], decimal(t.value.normalize() if t.value else Decimal(0)))
    if t.qualifier is not None:
        add(s, P["qualifier"], string(t.qualifier))
    if t.qualitative:
        add(s, P["qualitative"], TRUE)
    if t.classified:
        add(s, P["classified"], TRUE)
    if t.placeholder:
        add(s, P["placeholder"], TRUE)


def add_indicator(
    out: Triples,
    project: str,
    ind: Indicator,
    line: int,
    fiscal_year: int | None,
    inference: object | None = None,
) -> list[str]:
    """The indicator's triples; returns the concepts its project's coverage counts:
    printed level 1 and 2, else inferred ones; none for satisfaction when inverse."""
    s = iri(iris.indicator_iri(project[1:-1], ind.position))
    add = out.add
    add(project, P["hasIndicator"], s)
    add(s, RDF_TYPE, P["Indicator"])
    add(s, P["name"], string(ind.name))
    add(s, P["position"], integer(ind.position))
    add(s, P["sourceLine"], integer(line))
    frames = iris.frames()
    level2 = frames.concept(ind.level2_code, ind.level2, fiscal_year)
    level1 = frames.concept(ind.level1_code, ind.level1, fiscal_year)
    if level1 is None and level2 is not None:
        level1 = frames.broader.get(level2)
    if level1 is not None:
        add(s, P["level1"], iri(level1))
    if level2 is not None:
        add(s, P["level2"], iri(level2))
    covered = [c for c in (level1, level2) if c]
    if is_inverse(ind.name):
        add(s, P["lowerIsBetter"], TRUE)
    for level, label, confidence in inferred_levels(inference):
        concept = frames.concept(None, label, fiscal_year)
        if concept:
            add(s, P[f"inferredLevel{level}"], iri(concept))
            add(s, P[f"level{level}Confidence"], decimal(confidence))
            covered.append(concept)
    if is_inverse(ind.name):  # never satisfaction coverage, whatever it was filed under
        covered = [c for c in covered if frames.category.get(c) != SATISFACTION_CATEGORY]
    for value, term in (
        (ind.level1_code, "level1Code"),
        (ind.level2_code, "level2Code"),
        (ind.level1, "level1Text"),
        (ind.level2, "level2Text"),
        (ind.actual, "actual"),
        (ind.score, "score"),
    ):
        if value is not None:
            add(s, P[term], string(value))
    if ind.weight is not None:
        add(s, P["weight"], decimal(ind.weight))
    if ind.raw:
        add(s, P["rawText"], string(ind.raw))
    period, annual = ind.period_target, ind.annual_target
    if period is not None and period == annual:
        node = iri(iris.target_iri(s[1:-1], "target"))
        add(s, P["periodTarget"], node)
        add(s, P["annualTarget"], node)
        add_target(out, node, period)
        return covered
    for target, which, term in (
        (period, "period", "periodTarget"),
        (annual, "annual", "annualTarget"),
    ):
        if target is not None:
            node = iri(iris.target_iri(s[1:-1], which))
            add(s, P[term], node)
            add_target(out, node, target)
    return covered


def add_project(
    out: Triples, doc_node: str, proj: Project, unit: str, inferred: Mapping[Key, object]
) -> str:
    s = iri(iris.project_iri(proj.fiscal_year, proj.unit, proj.name))
    add = out.add
    add(s, RDF_TYPE, P["Project"])
    add(s, P["name"], string(proj.name))
    add(s, RDFS_LABEL, zh(proj.name))
    if proj.fiscal_year is not None:
        add(s, P["fiscalYear"], year(proj.fiscal_year))
    add(s, P["unit"], unit)
    if proj.unit_code:
        add(s, P["unitCode"], string(proj.unit_code))
    if proj.category:
        add(s, P["projectCategory"], string(proj.category))
    if proj.goal:
        add(s, P["goalText"], string(proj.goal))
    if proj.indicator_text:
        add(s, P["rawText"], string(proj.indicator_text))
    add_amounts(out, s, proj.amounts)
    add(s, P["sourceLine"], integer(proj.line))
    add(s, PROV_FROM, doc_node)
    concepts: set[str] = set()
    for ind in proj.indicators:
        guess = inferred.get((proj.line, ind.position))
        concepts.update(add_indicator(out, s, ind, proj.line, proj.fiscal_year, guess))
    add_coverage(out, s, concepts)
    add_commitments(out.add, s, proj)
    return s


def add_coverage(out: Triples, project: str, concepts: set[str]) -> None:
    """``jx:coversCategory`` for each category of the indicators' level-1/level-2 concepts
    (derived, so that "lacks a category" is one lookup per project; see jx.ttl)."""
    category = iris.frames().category
    for covered in sorted({category[c] for c in concepts if c in category}):
        out.add(project, P["coversCategory"], iri(covered))


def _row(out: Triples, s: str, doc_node: str, line: int, fiscal_year: int | None) -> None:
    out.add(s, P["sourceLine"], integer(line))
    out.add(s, PROV_FROM, doc_node)
    if fiscal_year is not None:
        out.add(s, P["fiscalYear"], year(fiscal_year))


def add_organisations(out: Triples, doc: Document, dept: str | None) -> dict[str, str]:
    """Department, units, renames; returns unit name → unit node."""
    units: dict[str, str] = {}
    if doc.department:
        out.add(dept or "", RDF_TYPE, P["Department"])
        out.add(dept or "", SKOS_PREF, zh(doc.department))
    names = [u.name for u in doc.units] + [q.unit for q in doc.projects]
    by_name = {u.name: u for u in doc.units}
    for name in dict.fromkeys(names):
        node = units[name] = iri(iris.unit_iri(name))
        out.add(node, RDF_TYPE, P["Unit"])
        out.add(node, SKOS_PREF, zh(name))
        record = by_name.get(name)
        if record is not None and record.code:
            out.add(node, P["unitCode"], string(record.code))
        parent = record.parent if record is not None else None
        if parent and parent != doc.department:
            out.add(node, ORG_SUB, iri(iris.unit_iri(parent)))
        elif dept:
            out.add(node, ORG_SUB, dept)
    table = renames_of([doc])
    for old, new in table.items():
        if old == doc.department:
            out.add(iri(iris.department_iri(new)), P["renamedFrom"], dept or "")
        if old in units or (old, new) in doc.renames:
            out.add(iri(iris.unit_iri(new)), P["renamedFrom"], iri(iris.unit_iri(old)))
    return units


def build_document(
    doc: Document, sha256: str, links: Iterable[tuple[str, str, str]] = ()
) -> Triples:
    """All triples of ``doc``'s named graph. ``links`` are extra (subject IRI, jx term,
    object IRI) triples between projects, from the cross-document linking."""
    out = Triples()
    add = out.add
    doc_node = iri(iris.document_iri(doc))
    dept = iri(iris.department_iri(doc.department)) if doc.department else None
    add(doc_node, RDF_TYPE, P["SourceDocument"])
    add(doc_node, RDF_TYPE, PROV_ENTITY)
    add(doc_node, DCT_SOURCE, string(PurePath(doc.path).name))
    add(doc_node, RDFS_LABEL, string(PurePath(doc.path).name))
    add(doc_node, P["sha256"], string(sha256))
    add(doc_node, P["documentKind"], string(doc.kind))
    if doc.fiscal_year is not None:
        add(doc_node, P["fiscalYear"], year(doc.fiscal_year))
    if dept:
        add(doc_node, P["organization"], dept)
    units = add_organisations(out, doc, dept)
    project_title = next((t.title for t in doc.tables if "项目" in t.title), "")
    for index, unit in enumerate(doc.units):
        if unit.amounts is None:
            continue
        s = iri(iris.line_iri(doc_node[1:-1], unit.line, f"unit{index}"))
        add(s, RDF_TYPE, P["BudgetLine"])
        add(s, P["organization"], units[unit.name])
        add(s, P["tableTitle"], string(project_title))
        add_amounts(out, s, unit.amounts)
        _row(out, s, doc_node, unit.line, doc.fiscal_year)
    inferred = inferences(doc)
    for proj in doc.projects:
        add_project(out, doc_node, proj, units[proj.unit], inferred)
    out.lines.extend(library_triples(doc, inferred))
    add_budget_lines(out, doc, doc_node, dept)
    for s_iri, term, o_iri in links:
        add(iri(s_iri), P[term], iri(o_iri))
    return out


def add_budget_lines(out: Triples, doc: Document, doc_node: str, dept: str | None) -> None:
    add = out.add
    known = iris.functional_codes()
    for b in doc.budget_lines:
        s = iri(iris.line_iri(doc_node[1:-1], b.line, b.table))
        add(s, RDF_TYPE, P["BudgetLine"])
        add(s, P["tableTitle"], string(b.table))
        add(s, P["name"], string(b.name))
        if b.code:
            add(s, P["classCode"], string(b.code))
            if b.code in known:
                add(s, P["functionalClass"], iri(iris.functional_class(b.code)))
        for value, term in ((b.total, "amountTotal"), (b.basic, "amountBasic")):
            if value is not None:
                add(s, P[term], decimal(value))
        if b.project is not None:
            add(s, P["amountProject"], decimal(b.project))
        if dept:
            add(s, P["organization"], dept)
        _row(out, s, doc_node, b.line, doc.fiscal_year)
    three_title = next((t.title for t in doc.tables if "三公" in t.title), "三公经费")
    for t in doc.three_public:
        s = iri(iris.line_iri(doc_node[1:-1], t.line, three_title))
        add(s, RDF_TYPE, P["BudgetLine"])
        add(s, P["tableTitle"], string(three_title))
        add(s, P["name"], string(t.name))
        fields: Mapping[str, Decimal | None] = {
            "amountTotal": t.total,
            "amountGeneralBudget": t.general,
            "amountGovFund": t.fund,
            "amountStateCapital": t.state_capital,
        }
        for term, value in fields.items():
            if value is not None:
                add(s, P[term], decimal(value))
        if dept:
            add(s, P["organization"], dept)
        _row(out, s, doc_node, t.line, doc.fiscal_year)
    for index, d in enumerate(doc.dept_indicators, start=1):
        s = iri(iris.dept_target_iri(doc_node[1:-1], index))
        add(s, RDF_TYPE, P["DepartmentPerformanceTarget"])
        add(s, P["section"], string(d.section))
        add(s, P["goalText"], string(d.goal))
        add(s, P["name"], string(d.name))
        add(s, P["position"], integer(index))
        node = iri(iris.target_iri(s[1:-1], "annual"))
        add(s, P["annualTarget"], node)
        add_target(out, node, parse_target(d.value))
        if dept:
            add(s, P["organization"], dept)
        _row(out, s, doc_node, d.line, doc.fiscal_year)
