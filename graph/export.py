"""Views of the store as property graphs, for Gephi (GEXF 1.3) and GraphML.

A view is a small property graph read from the store by a few SPARQL queries (union default
graph) and assembled in Python:

- ``full``: departments, units, projects, indicators and categories, typed directed edges
  (``subOrganizationOf``, ``unit``, ``hasIndicator``, ``category``, ``previousYear``);
- ``categories``: projects ↔ categories, weight = the project's indicators in the category;
- ``shared-indicators``: projects linked by the indicator names they share (weight = their
  number); a name used by more than ``max_share`` projects links nothing;
- ``units``: units → projects → fiscal years.

An indicator category is the framework concept (``skos:Concept`` of ``framework.ttl``) of the
indicator's level 2, else of its level 1; its ``category`` attribute is the cross-framework
category (产出, 效益, 满意度, 成本). Node ids are the IRIs; a fiscal year is
``https://w3id.org/jixiao/id/year/<YYYY>``. Attributes are scalars with one type each
(:data:`graph.gexf.NODE_ATTRIBUTES`); amounts are in 万元. :func:`iter_gexf` and
:func:`iter_graphml` write a view (see :mod:`graph.gexf`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from jixiao.graph.gexf import Edge, Node, Scalar, View, clean_label
from jixiao.graph.gexf import iter_gexf_view as iter_gexf_view
from jixiao.graph.gexf import iter_graphml_view as iter_graphml_view

VIEWS = ("full", "categories", "shared-indicators", "units")
FORMATS = ("gexf", "graphml")
YEAR_BASE = "https://w3id.org/jixiao/id/year/"
DEFAULT_MAX_SHARE = 10
CHUNK = 1 << 16

SEVERITIES = ("violation", "warning", "info")

PREFIXES = {
    "jx": "https://w3id.org/jixiao/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "sh": "http://www.w3.org/ns/shacl#",
}


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _Project:
    label: str = ""
    year: int | None = None
    unit: str | None = None
    amount: float | None = None
    indicators: list[tuple[str, str, str | None]] = field(default_factory=list)


def _rows(store: ox.Store, query: str) -> list[list[str]]:
    """The rows of a SELECT query as strings (IRIs and lexical forms; ``""`` when unbound).

    Read through the CSV serialisation: turning a row into Python term objects costs about
    ten times more than parsing its CSV line, and exports read 10⁵ rows per query.
    """
    result = store.query(query, prefixes=PREFIXES)
    data = result.serialize(format=ox.QueryResultsFormat.CSV) or b""  # type: ignore[union-attr]
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))[1:]


def _year(text: str) -> int | None:
    head = text[:4]
    return int(head) if len(head) == 4 and head.isascii() and head.isdecimal() else None


def _amount(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


# One query per property, without a type pattern or DISTINCT (the subjects are filtered,
# and repeated rows merged, in Python): OPTIONALs side by side would multiply the rows, and
# the joins cost more than the rows they remove.
_Q_PROJECTS = "SELECT ?s ?v WHERE { ?s a jx:Project OPTIONAL { ?s jx:fiscalYear ?v } }"
_Q_VALUE = "SELECT ?s ?v WHERE { ?s %s ?v }"
_Q_LEVEL1_ONLY = "SELECT ?s ?v WHERE { ?s jx:level1 ?v MINUS { ?s jx:level2 ?x } }"
_Q_ORGS = """SELECT ?o ?kind ?pref ?label ?parent WHERE {
  VALUES ?kind { jx:Department jx:Unit } ?o a ?kind .
  OPTIONAL { ?o skos:prefLabel ?pref } OPTIONAL { ?o rdfs:label ?label }
  OPTIONAL { ?o org:subOrganizationOf ?parent } }"""
_Q_ORG_YEARS = """SELECT DISTINCT ?o ?year WHERE {
  VALUES ?kind { jx:Department jx:Unit } GRAPH ?g { ?o a ?kind } ?g jx:fiscalYear ?year }"""
_Q_PREVIOUS = "SELECT ?a ?b WHERE { ?a jx:previousYear ?b }"
_Q_FINDINGS = """SELECT ?n ?severity (COUNT(?r) AS ?k) WHERE {
  ?r sh:focusNode ?n ; sh:resultSeverity ?severity } GROUP BY ?n ?severity"""
_Q_CONCEPTS = """SELECT ?c ?label ?cat ?catlabel WHERE { ?c jx:category ?cat .
  OPTIONAL { ?c skos:prefLabel ?label FILTER(langMatches(lang(?label), "zh")) }
  OPTIONAL { ?cat skos:prefLabel ?catlabel FILTER(langMatches(lang(?catlabel), "zh")) } }"""


def _pick(current: str, candidate: str | None) -> str:
    """The first of two labels in a fixed order (shortest, then smallest), never empty."""
    if not candidate:
        return current
    if not current:
        return candidate
    return min(current, candidate, key=lambda s: (len(s), s))


def _values(rows: list[list[str]], keys: Container[str]) -> dict[str, str]:
    """Subject → value for the subjects in ``keys``; of several values, the one that
    :func:`_pick` prefers, so the result does not depend on the order of the rows."""
    found: dict[str, str] = {}
    for subject, value in rows:
        if subject in keys:
            found[subject] = _pick(found.get(subject, ""), value) if subject in found else value
    return found


@lru_cache(maxsize=1)
def _packaged_concepts() -> dict[str, tuple[str, str]]:
    """Framework concepts of the packaged ``framework.ttl`` and ``jx.ttl``: IRI → (label,
    category label); used when the store does not hold the frameworks."""
    from jixiao.ontology import ontology_path

    store = ox.Store()
    for name in ("jx.ttl", "framework.ttl"):
        store.load(ontology_path(name).read_bytes(), ox.RdfFormat.TURTLE)
    return _concepts(store)


def _concepts(store: ox.Store) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for c, label, _cat, catlabel in _rows(store, _Q_CONCEPTS):
        old = found.get(c, ("", ""))
        found[c] = (_pick(old[0], label), _pick(old[1], catlabel))
    return found


@dataclass(slots=True)
class Snapshot:
    """What the views need from the store, read once."""

    projects: dict[str, _Project]
    orgs: dict[str, tuple[str, str, str | None]]  # IRI → (type, label, parent)
    org_years: dict[str, set[int]]
    previous: list[tuple[str, str]]
    findings: dict[str, list[int]]  # IRI → counts in the order of SEVERITIES
    concepts: dict[str, tuple[str, str]]


def read_snapshot(
    store: ox.Store, year: int | None = None, *, names: bool = True, levels: bool = True
) -> Snapshot:
    """Projects (of ``year`` if given) and their indicators (with their names and framework
    concepts unless ``names`` or ``levels`` is false), organisations, findings, concepts."""
    projects: dict[str, _Project] = {}
    for p, fy in _rows(store, _Q_PROJECTS):
        y = _year(fy)
        if year is None or y == year:
            rec = projects.setdefault(p, _Project())
            rec.year = y if rec.year is None else min(rec.year, y or rec.year)
    name_rows = _rows(store, _Q_VALUE % "jx:name")
    labels = _values(name_rows, projects)
    labels.update(_values(_rows(store, _Q_VALUE % "rdfs:label"), projects))  # display label first
    for p, label in labels.items():
        projects[p].label = clean_label(label)
    for p, unit in _values(_rows(store, _Q_VALUE % "jx:unit"), projects).items():
        projects[p].unit = unit
    for p, text in _rows(store, _Q_VALUE % "jx:amountTotal"):
        rec = projects.get(p)
        value = _amount(text)
        if rec is not None and value is not None:
            rec.amount = value if rec.amount is None else max(rec.amount, value)
    owner = {i: p for p, i in _rows(store, _Q_VALUE % "jx:hasIndicator") if p in projects}
    ind_names = _values(name_rows, owner) if names else {}
    frame: dict[str, str] = {}
    if levels:
        frame = _values(_rows(store, _Q_VALUE % "jx:level2"), owner)  # the narrower first
        frame.update(_values(_rows(store, _Q_LEVEL1_ONLY), owner))
    for i in sorted(owner):
        projects[owner[i]].indicators.append((i, clean_label(ind_names.get(i, "")), frame.get(i)))
    orgs: dict[str, tuple[str, str, str | None]] = {}
    for o, kind, pref, label, parent in _rows(store, _Q_ORGS):
        kind_name = "department" if kind.endswith("Department") else "unit"
        old = orgs.get(o)
        text = _pick(old[1] if old else "", clean_label(pref or label))
        orgs[o] = (kind_name, text, (old[2] if old else None) or parent or None)
    org_years: dict[str, set[int]] = defaultdict(set)
    for o, fy in _rows(store, _Q_ORG_YEARS):
        y = _year(fy)
        if y is not None:
            org_years[o].add(y)
    findings: dict[str, list[int]] = {}
    for n, severity, k in _rows(store, _Q_FINDINGS):
        local = severity.rsplit("#", 1)[-1].lower()
        if local in SEVERITIES:
            findings.setdefault(n, [0, 0, 0])[SEVERITIES.index(local)] += int(k)
    concepts = dict(_packaged_concepts())
    concepts.update(_concepts(store))
    previous = [(a, b) for a, b in _rows(store, _Q_PREVIOUS)]
    return Snapshot(projects, orgs, dict(org_years), previous, findings, concepts)


# --------------------------------------------------------------------------- views


_FINDING_KEYS = tuple(f"findings_{s}" for s in SEVERITIES)
_NO_FINDINGS: dict[str, Scalar] = dict.fromkeys(_FINDING_KEYS, 0)


def _findings(snap: Snapshot, *iris: str) -> dict[str, Scalar]:
    """Findings counts by severity whose focus node is one of ``iris``."""
    if not snap.findings:
        return dict(_NO_FINDINGS)
    total = [0, 0, 0]
    for iri in iris:
        counts = snap.findings.get(iri)
        if counts:
            total = [a + b for a, b in zip(total, counts, strict=True)]
    return dict(zip(_FINDING_KEYS, total, strict=True))


def _project_node(snap: Snapshot, iri: str, rec: _Project) -> Node:
    attrs: dict[str, Scalar] = {"type": "project"}
    if rec.year is not None:
        attrs["fiscal_year"] = rec.year
    if rec.amount is not None:
        attrs["amount"] = rec.amount
    attrs["indicator_count"] = len(rec.indicators)
    attrs.update(_findings(snap, iri, *(i for i, _, _ in rec.indicators)))
    unit = snap.orgs.get(rec.unit or "")
    if unit is not None and unit[1]:
        attrs["unit"] = unit[1]
    return Node(iri, rec.label or iri, "project", attrs)


def _category_node(snap: Snapshot, iri: str) -> Node:
    label, category = snap.concepts.get(iri, ("", ""))
    attrs: dict[str, Scalar] = {"type": "category", "indicator_count": 0, "project_count": 0}
    if category:
        attrs["category"] = category
    return Node(iri, label or iri.rsplit("/", 1)[-1], "category", attrs)


def _org_nodes(snap: Snapshot, year: int | None, nodes: dict[str, Node]) -> list[Edge]:
    """Units and departments of the view (those of its projects, those printed in a document
    of ``year``, and their parents), with amounts, project counts and the findings on the
    projects and their indicators summed up the ``subOrganizationOf`` chain; returns the
    ``subOrganizationOf`` edges."""
    wanted = [o for o in snap.orgs if year is None or year in snap.org_years.get(o, ())]
    wanted += [rec.unit for rec in snap.projects.values() if rec.unit in snap.orgs]
    edges: list[Edge] = []
    queue = list(dict.fromkeys(wanted))
    while queue:
        iri = queue.pop()
        if iri in nodes or iri not in snap.orgs:
            continue
        kind, label, parent = snap.orgs[iri]
        attrs: dict[str, Scalar] = {"type": kind, "project_count": 0}
        attrs.update(_findings(snap, iri))
        nodes[iri] = Node(iri, label or iri, kind, attrs)
        if parent and parent in snap.orgs and parent != iri:
            edges.append(Edge(iri, parent, "subOrganizationOf"))
            queue.append(parent)
    for p, rec in snap.projects.items():
        found = _findings(snap, p, *(i for i, _, _ in rec.indicators))
        org, hops = rec.unit, 0
        while org in nodes and hops < 16:  # hops: a cycle in the data must not hang us
            attrs = nodes[org].attrs
            attrs["project_count"] = int(attrs["project_count"]) + 1
            attrs.update({k: int(attrs[k]) + int(n) for k, n in found.items()})
            if rec.amount is not None:
                attrs["amount"] = round(float(attrs.get("amount", 0.0)) + rec.amount, 6)
            org, hops = snap.orgs[org][2], hops + 1
    return sorted(edges, key=lambda e: (e.source, e.target))


def _count_categories(snap: Snapshot) -> tuple[dict[str, Node], Counter[tuple[str, str]]]:
    """Category nodes, and (project, category) → number of indicators."""
    nodes: dict[str, Node] = {}
    pairs: Counter[tuple[str, str]] = Counter()
    for p, rec in snap.projects.items():
        for _, _, concept in rec.indicators:
            if concept is None:
                continue
            node = nodes.get(concept) or nodes.setdefault(concept, _category_node(snap, concept))
            node.attrs["indicator_count"] = int(node.attrs["indicator_count"]) + 1
            pairs[(p, concept)] += 1
    for _, concept in pairs:
        node = nodes[concept]
        node.attrs["project_count"] = int(node.attrs["project_count"]) + 1
    return nodes, pairs


def view_full(snap: Snapshot, year: int | None) -> View:
    nodes: dict[str, Node] = {}
    edges = _org_nodes(snap, year, nodes)
    categories, _ = _count_categories(snap)
    group = {c: n.attrs["category"] for c, n in categories.items() if "category" in n.attrs}
    indicator_edges: list[Edge] = []
    for p in sorted(snap.projects):
        rec = snap.projects[p]
        nodes[p] = _project_node(snap, p, rec)
        if rec.unit in nodes:
            edges.append(Edge(p, rec.unit, "unit"))
        for i, name, concept in rec.indicators:
            attrs: dict[str, Scalar] = {"type": "indicator"}
            if concept in group:
                attrs["category"] = group[concept]
            attrs.update(_findings(snap, i))
            nodes[i] = Node(i, name or i, "indicator", attrs)
            indicator_edges.append(Edge(p, i, "hasIndicator"))
            if concept is not None:
                indicator_edges.append(Edge(i, concept, "category"))
    nodes.update(sorted(categories.items()))
    for a, b in sorted(snap.previous):
        if a in snap.projects and b in snap.projects and a != b:
            edges.append(Edge(a, b, "previousYear"))
    return View("full", True, nodes, edges + indicator_edges)


def view_categories(snap: Snapshot, year: int | None) -> View:
    nodes = {p: _project_node(snap, p, snap.projects[p]) for p in sorted(snap.projects)}
    categories, pairs = _count_categories(snap)
    nodes.update(sorted(categories.items()))
    edges = [Edge(p, c, "category", float(k)) for (p, c), k in sorted(pairs.items())]
    return View("categories", False, nodes, edges)


def view_shared_indicators(
    snap: Snapshot, year: int | None, max_share: int = DEFAULT_MAX_SHARE
) -> View:
    users: dict[str, set[str]] = defaultdict(set)
    for p, rec in snap.projects.items():
        for _, name, _ in rec.indicators:
            if name:
                users[name].add(p)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    ignored = 0
    for name in sorted(users):
        group = sorted(users[name])
        if len(group) > max_share:
            ignored += 1
            continue
        for k, a in enumerate(group):
            for b in group[k + 1 :]:
                shared[(a, b)].append(name)
    nodes = {p: _project_node(snap, p, snap.projects[p]) for p in sorted(snap.projects)}
    edges = [
        Edge(a, b, "sharedIndicator", float(len(names)), "；".join(names))
        for (a, b), names in sorted(shared.items())
    ]
    note = f"{ignored} indicator names used by more than {max_share} projects are ignored"
    return View("shared-indicators", False, nodes, edges, note)


def view_units(snap: Snapshot, year: int | None) -> View:
    nodes: dict[str, Node] = {}
    _org_nodes(snap, year, nodes)
    nodes = {k: v for k, v in nodes.items() if v.type == "unit"}
    edges: list[Edge] = []
    years: dict[str, Node] = {}
    for p in sorted(snap.projects):
        rec = snap.projects[p]
        nodes[p] = _project_node(snap, p, rec)
        if rec.unit in nodes:
            edges.append(Edge(rec.unit, p, "project"))
        if rec.year is not None:
            y = f"{YEAR_BASE}{rec.year:04d}"
            if y not in years:
                first = {"type": "year", "fiscal_year": rec.year, "project_count": 0}
                years[y] = Node(y, f"{rec.year}年", "year", first)
            node = years[y]
            node.attrs["project_count"] = int(node.attrs["project_count"]) + 1
            if rec.amount is not None:
                node.attrs["amount"] = round(float(node.attrs.get("amount", 0.0)) + rec.amount, 6)
            edges.append(Edge(p, y, "fiscalYear"))
    nodes.update(sorted(years.items()))
    return View("units", True, nodes, sorted(edges, key=lambda e: (e.relation, e.source)))


BUILDERS: dict[str, Callable[[Snapshot, int | None], View]] = {
    "full": view_full,
    "categories": view_categories,
    "shared-indicators": view_shared_indicators,
    "units": view_units,
}


# What each view reads of the indicators: (names, framework concepts).
NEEDS: dict[str, tuple[bool, bool]] = {
    "full": (True, True),
    "categories": (False, True),
    "shared-indicators": (True, False),
    "units": (False, False),
}


def build_view(store: ox.Store, view: str = "full", year: int | None = None) -> View:
    """The view ``view`` of ``store`` (projects of ``year`` only, if given)."""
    if view not in BUILDERS:
        raise ValueError(f"unknown view {view!r}; one of {', '.join(VIEWS)}")
    names, levels = NEEDS[view]
    result = BUILDERS[view](read_snapshot(store, year, names=names, levels=levels), year)
    scope = f"fiscal year {year}" if year is not None else "all fiscal years"
    result.description = "; ".join(
        filter(None, [f"jixiao view {view}, {scope}", result.description])
    )
    return result


# --------------------------------------------------------------------------- writers


def iter_gexf(
    store: ox.Store, view: str = "full", year: int | None = None, layout: str | None = None
) -> Iterator[bytes]:
    """The GEXF 1.3 file of a view (``layout``: node positions, see :mod:`graph.gexf`), in
    chunks. The view is read before this returns: a bad view or year fails before any byte."""
    return iter_gexf_view(build_view(store, view, year), layout=layout)


def iter_graphml(store: ox.Store, view: str = "full", year: int | None = None) -> Iterator[bytes]:
    """The GraphML file of a view (networkx's writer), in chunks. The view is read before
    this returns, so a bad view or year fails before anything is sent."""
    return iter_graphml_view(build_view(store, view, year))


def iter_export(
    store: ox.Store, fmt: str = "gexf", view: str = "full", year: int | None = None
) -> Iterator[bytes]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return (iter_gexf if fmt == "gexf" else iter_graphml)(store, view, year)


def export_filename(fmt: str, view: str = "full", year: int | None = None) -> str:
    """A download file name such as ``jixiao-full-2026.gexf``."""
    return f"jixiao-{view}{'' if year is None else f'-{year}'}.{fmt}"
