"""Audit answers prepared at ingest: a graph ``<document>/facts`` beside each document graph.

Auditors ask the same questions on every click (which projects lack a category of indicator,
how many per year and unit, how many indicators and findings). Asked of the indicators, each
is a scan of the whole store (seconds at 10⁶ indicators). :func:`prepared_facts` derives the
answers' parts from one document's graph when it is built, and ingest writes them in the
**same transaction** as the document and its report (:mod:`graph.store_batch`): a re-ingest
replaces them whole, and a killed process leaves both or neither.

What a facts graph holds (terms in ``ontology/jx.ttl``):

- for each project of this document with a unit and a fiscal year: ``jx:inSet`` links to the
  prepared project sets of its unit and year that this document alone decides: all projects,
  and those with indicators. Membership is a triple, so a project that two documents list
  counts once in the union default graph — a count is one index range scan. Which projects
  *lack* a category, and their ranks and sort keys, are facts of the union of the documents
  (a project may get its satisfaction indicator from another document): they are kept per
  unit and year by :mod:`graph.prepared_projects` and written in the same transaction
  (:func:`with_project_facts`);
- per unit, year and indicator category (by level 1, as
  ``queries/indicator_counts_by_unit_and_category.rq``): a ``jx:Tally`` named by the three
  (:func:`tally_iri`, the same node in every document) with ``jx:countsIndicator`` and
  ``jx:countsProject`` for each member: a count is a count of distinct members, so a project
  that two documents give indicators is not counted twice (per-document numbers were summed);
- per severity, the findings of the document's report (when validated with it);
- ``jx:sourceDigest``: the SHA-256 of the document graph the facts were computed from, so
  :func:`stale_facts` can tell facts that no longer describe their document.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from jixiao.graph import iris
from jixiao.graph.namespaces import JX
from jixiao.graph.nt_terms import typed
from jixiao.graph.prepared_commitments import commitment_facts
from jixiao.graph.prepared_order import order_facts
from jixiao.graph.prepared_projects import (
    CATEGORIES,
    projects_graph,
    rank_key,
    rank_reference,
    set_iri,
    stale_projects,
    unit_year,
    with_project_facts,
)
from jixiao.graph.prepared_rows import row_facts
from jixiao.graph.prepared_sets import set_facts
from jixiao.graph.prepared_unit_totals import unchecked, unit_total_facts

__all__ = ["CATEGORIES", "rank_key", "rank_reference", "set_iri"]  # with what is defined here

FACTS_SUFFIX = "/facts"
SHACL = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_N = {
    name: ox.NamedNode(str(getattr(JX, name)))
    for name in [
        "Project",
        "hasIndicator",
        "fiscalYear",
        "unit",
        "name",
        "coversCategory",
        "level1",
        "category",
        "sha256",
        "factsOf",
        "sourceDigest",
    ]
}


def facts_graph(document: str) -> str:
    """The name of the facts graph of ``document``."""
    return document + FACTS_SUFFIX


def graph_digest(triples: Iterable[ox.Triple | ox.Quad]) -> str:
    """SHA-256 of the triples as N-Triples lines, sorted (the graph name of a quad is left
    out). Terms are spelt as the store gives them back (``"12.50"`` is stored as ``12.5``),
    so :func:`document_digest` of a stored graph and :func:`prepared_facts` of the text it
    was written from agree."""
    lines = sorted(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def store_digest(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> str:
    """:func:`graph_digest` of one graph of ``store``, from the store's own N-Triples
    writer (which spells each term as ``str`` does): twice as fast as formatting each
    triple in Python."""
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return hashlib.sha256(b"".join(sorted(text.splitlines(keepends=True)))).hexdigest()


def document_digest(store: ox.Store, document: str) -> str:
    """:func:`graph_digest` of the named graph ``document`` as stored."""
    return store_digest(store, ox.NamedNode(document))


@dataclass(slots=True)
class _Project:
    iri: str
    year: str = ""
    unit: str = ""
    names: list[str] | None = None
    indicators: int = 0
    covers: set[str] | None = None


class _Graph:
    """One named graph of a store, read by pattern (the document in the store it was
    validated on, or in a store of its own)."""

    def __init__(self, store: ox.Store, name: ox.NamedNode) -> None:
        self.store, self.name = store, name

    def quads_for_pattern(
        self, s: ox.NamedNode | None, p: ox.NamedNode | None, o: ox.Term | None
    ) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(s, p, o, self.name)


def _one(graph: _Graph, s: ox.NamedNode, p: ox.NamedNode) -> list[ox.Term]:
    return [q.object for q in graph.quads_for_pattern(s, p, None)]


def _projects(graph: _Graph) -> list[_Project]:
    found = []
    for quad in graph.quads_for_pattern(None, _RDF_TYPE, _N["Project"]):
        s = quad.subject
        assert isinstance(s, ox.NamedNode)
        years = _one(graph, s, _N["fiscalYear"])
        units = _one(graph, s, _N["unit"])
        found.append(
            _Project(
                s.value,
                year=min((y.value for y in years), default=""),
                unit=min((u.value for u in units), default=""),
                names=sorted(n.value for n in _one(graph, s, _N["name"])),
                indicators=len(_one(graph, s, _N["hasIndicator"])),
                covers={c.value for c in _one(graph, s, _N["coversCategory"])},
            )
        )
    return found


def _level1_categories(graph: _Graph) -> dict[str, str]:
    """Indicator IRI → category of its level-1 concept (frames from :mod:`graph.iris`)."""
    category = iris.frames().category
    out = {}
    for quad in graph.quads_for_pattern(None, _N["level1"], None):
        found = category.get(quad.object.value)
        if found:
            out[quad.subject.value] = found
    return out


def _severities(report_nt: str | bytes) -> Counter[str]:
    text = report_nt.decode("utf-8") if isinstance(report_nt, bytes) else report_nt
    marker = f" <{SHACL}resultSeverity> <{SHACL}"
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        at = line.find(marker)
        if at >= 0:
            counts[line[at + len(marker) :].split(">", 1)[0]] += 1
    return counts


def prepared_facts(
    document: str,
    ntriples: str | bytes,
    report_nt: str | bytes = b"",
    loaded: ox.Store | None = None,
) -> str:
    """The N-Triples of ``document``'s facts graph (module notes), from the N-Triples of its
    graph and, if it was validated, of its SHACL report. ``loaded``, a store that already
    holds exactly those triples in the named graph ``document`` (the store validation ran
    on), saves loading them again. :class:`SyntaxError` if a text is not N-Triples."""
    name = ox.NamedNode(document)
    if loaded is None:  # in memory: terms spelt as the on-disk store will spell them
        loaded = ox.Store()
        loaded.bulk_load(ntriples, ox.RdfFormat.N_TRIPLES, to_graph=name)
    graph = _Graph(loaded, name)
    digest = store_digest(loaded, name)
    facts = facts_graph(document)
    P = {
        name: f"<{getattr(JX, name)}>"
        for name in [
            "PreparedFacts",
            "Tally",
            "ProjectSet",
            "factsOf",
            "sourceDigest",
            "inSet",
            "tallyUnit",
            "tallyYear",
            "withIndicators",
            "tallyCategory",
            "countsIndicator",
            "countsProject",
            "tallySeverity",
            "findingCount",
        ]
    }
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = [
        f"<{facts}> {a} {P['PreparedFacts']} .",
        f"<{facts}> {P['factsOf']} <{document}> .",
        f"<{facts}> {P['sourceDigest']} {typed(digest)} .",
    ]
    projects = _projects(graph)
    sets: dict[str, tuple[str, str, str]] = {}  # set IRI → (unit, year, kind)
    for proj in projects:
        if not proj.year or not proj.unit:
            continue
        # what this document alone says; what the union says (lacks sets, ranks) is in the
        # project graphs of graph/prepared_projects.py
        for kind in ["all", "indicators"] if proj.indicators else ["all"]:
            node = set_iri(proj.unit, proj.year, kind)
            sets[node] = (proj.unit, proj.year, kind)
            lines.append(f"<{proj.iri}> {P['inSet']} <{node}> .")
    for node, (unit, year, kind) in sets.items():
        lines += [
            f"<{node}> {a} {P['ProjectSet']} .",
            f"<{node}> {P['tallyUnit']} <{unit}> .",
            f"<{node}> {P['tallyYear']} {typed(year, 'gYear')} .",
        ]
        if kind != "all":
            lines.append(f'<{node}> {P["withIndicators"]} "true"^^<{XSD}boolean> .')
    lines += _indicator_tallies(graph, projects, P)
    lines += set_facts(graph)  # indicator-set keys (graph/prepared_sets.py)
    lines += row_facts(graph)  # target sets and keys (graph/prepared_rows.py)
    lines += unit_total_facts(graph, facts)  # unit totals (graph/prepared_unit_totals.py)
    lines += order_facts(graph)  # order keys of two sorted lists (graph/prepared_order.py)
    lines += commitment_facts(graph)  # commitment findings (graph/prepared_commitments.py)
    for severity, count in sorted(_severities(report_nt).items()):
        node = f"<{facts}/findings/{severity}>"
        lines += [
            f"{node} {a} {P['Tally']} .",
            f"{node} {P['tallySeverity']} {typed(severity)} .",
            f'{node} {P["findingCount"]} "{count}"^^<{XSD}integer> .',
        ]
    return "".join(line + "\n" for line in lines)


def _indicator_tallies(graph: _Graph, projects: list[_Project], P: dict[str, str]) -> list[str]:
    """Per unit, year and level-1 category: a tally node named by those three alone (every
    document that counts for it writes the same node) and its members, each indicator and
    each project a triple. Counts are counted members, so an indicator or a project two
    documents give counts once in the union, as the scanning query counts it."""
    by_category = _level1_categories(graph)
    owner = {p.iri: p for p in projects if p.year and p.unit}
    members: defaultdict[tuple[str, str, str], set[tuple[str, str]]] = defaultdict(set)
    for quad in graph.quads_for_pattern(None, _N["hasIndicator"], None):
        proj = owner.get(quad.subject.value)
        found = by_category.get(quad.object.value)
        if proj is None or found is None:
            continue
        members[proj.unit, proj.year, found].add((proj.iri, quad.object.value))
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    lines = []
    for (unit, year, category), pairs in sorted(members.items()):
        node = f"<{tally_iri(unit, year, category)}>"
        lines += [
            f"{node} {a} {P['Tally']} .",
            f"{node} {P['tallyUnit']} <{unit}> .",
            f"{node} {P['tallyYear']} {typed(year, 'gYear')} .",
            f"{node} {P['tallyCategory']} <{category}> .",
        ]
        lines += sorted({f"{node} {P['countsProject']} <{proj}> ." for proj, _ in pairs})
        lines += sorted(f"{node} {P['countsIndicator']} <{ind}> ." for _, ind in pairs)
    return lines


def tally_iri(unit: str, year: str, category: str) -> str:
    """The indicator tally of a unit, year and category (the same in every document)."""
    return f"{unit}/indicators/{year}/{category.rsplit('#', 1)[-1]}"


@dataclass(frozen=True, slots=True)
class Stale:
    """A document whose facts graph does not describe it: ``reason`` is ``missing`` (no
    facts graph), ``changed`` (the document graph's digest is not the one the facts were
    computed from, or the facts are of the layout before the project graphs, or before unit
    totals were checked) or ``orphan``
    (facts of a document graph that is gone). Or a project graph of
    :mod:`graph.prepared_projects` (``document`` is its name) that is not what the union
    says: ``missing``, ``changed`` or ``orphan`` (no project of its unit and year left)."""

    document: str
    reason: str


_DOCUMENTS = f"SELECT ?d WHERE {{ GRAPH ?d {{ ?d a <{JX.SourceDocument}> }} }}"
_FACTS = f"""SELECT ?f ?d ?digest WHERE {{ GRAPH ?f {{
  ?f <{JX.factsOf}> ?d ; <{JX.sourceDigest}> ?digest }} }}"""
_RANK = ox.NamedNode(str(JX.rankKey))


def stale_facts(store: ox.Store) -> list[Stale]:
    """Every document whose prepared facts are not current, and every project graph that is
    not (see :class:`Stale`), sorted. Reads each document graph once and prepares every
    unit and year again (a full check: about a second per 10⁵ triples)."""
    documents = {row["d"].value for row in store.query(_DOCUMENTS)}  # type: ignore[union-attr,index]
    recorded: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_FACTS):  # type: ignore[union-attr]
        if row["f"].value == facts_graph(row["d"].value):  # type: ignore[index]
            recorded[row["d"].value].add(row["digest"].value)  # type: ignore[index]
    out = []
    for document in sorted(documents | set(recorded)):
        digests = recorded.get(document)
        if document not in documents:
            out.append(Stale(document, "orphan"))
        elif not digests:
            out.append(Stale(document, "missing"))
        elif digests != {document_digest(store, document)} or _old_layout(store, document) \
                or unchecked(store, facts_graph(document)):  # fmt: skip
            out.append(Stale(document, "changed"))
    return out + [Stale(graph, reason) for graph, reason in stale_projects(store)]


_SOME_FACTS = f"SELECT ?d WHERE {{ GRAPH ?f {{ ?f <{JX.factsOf}> ?d }} }} LIMIT 5"


def outdated_layout(store: ox.Store) -> bool:
    """Whether the store's prepared facts were written by an older jixiao: before the
    project graphs (ranks inside the documents' facts: the lacks lists are wrong) or before
    the unit-total mark that came with the counts, order keys and commitment findings (their
    pages are empty). Either way they are wrong until ``jixiao check --fix``. Cheap enough
    for every start: a few documents' facts are looked at, one or two seeks each."""
    if not isinstance(store, ox.Store):
        return False
    return any(
        _old_layout(store, row["d"].value) or unchecked(store, facts_graph(row["d"].value))  # type: ignore[index]
        for row in store.query(_SOME_FACTS)  # type: ignore[union-attr]
    )


def _old_layout(store: ox.Store, document: str) -> bool:
    """Whether the facts of ``document`` hold ranks: written before the project graphs."""
    graph = ox.NamedNode(facts_graph(document))
    return next(iter(store.quads_for_pattern(None, _RANK, None, graph)), None) is not None


def _stored_ntriples(store: ox.Store, graph: str) -> bytes:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def refresh_facts(store: ox.Store, documents: Iterable[str]) -> None:
    """Recompute the facts of ``documents`` from their stored graphs (and reports), with the
    project graphs of the units and years they touch, one transaction each; an orphan's
    facts graph is removed. A project graph's name among ``documents`` is prepared again."""
    from jixiao.graph.store_batch import replace_graphs

    unit_years = []
    for document in documents:
        found = unit_year(document)
        if found is not None and document == projects_graph(*found):
            unit_years.append(found)
            continue
        facts: str | bytes = b""
        if store.contains_named_graph(ox.NamedNode(document)):
            text = _stored_ntriples(store, document)
            report = _stored_ntriples(store, document + "/report")
            facts = prepared_facts(document, text, report)
        replace_graphs(store, with_project_facts(store, {facts_graph(document): facts}))
    if unit_years:
        replace_graphs(store, with_project_facts(store, {}, unit_years))
