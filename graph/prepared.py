"""Audit answers prepared at ingest: a graph ``<document>/facts`` beside each document graph.

Auditors ask the same questions on every click (which projects lack a category of indicator,
how many per year and unit, how many indicators and findings). Asked of the indicators, each
is a scan of the whole store (seconds at 10⁶ indicators). :func:`prepared_facts` derives the
answers' parts from one document's graph when it is built, and ingest writes them in the
**same transaction** as the document and its report (:mod:`graph.store_batch`): a re-ingest
replaces them whole, and a killed process leaves both or neither.

What a facts graph holds (terms in ``ontology/jx.ttl``):

- for each project that has indicators in this document and a fiscal year: ``jx:sortKey``
  (``year U+0001 unit U+0001 name U+0001 IRI``: one string comparison orders a list by year,
  unit and name) and ``jx:inSet`` links to the prepared project sets of its unit and year:
  all projects, those with indicators, those lacking each category (the complement of
  ``jx:coversCategory``), those lacking none (``jx:coversAllCategories``: the overview's
  "all four"). Membership is a triple, so a project that two documents list counts
  once in the union default graph — a count is one index range scan. For the paged lacks
  lists, ``jx:rankKey`` (an ``xsd:decimal``, :func:`rank_key`) on the project and the same
  number as ``jx:memberRank`` on each lacks set it is in: a page is read off the sets'
  members sorted on inline numbers, with no lookup per candidate (≈ 4 µs each);
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
from jixiao.graph.prepared_rows import row_facts
from jixiao.graph.prepared_sets import set_facts

FACTS_SUFFIX = "/facts"
CATEGORIES = {  # local name in set IRIs → category concept
    "output": str(JX.CategoryOutput),
    "effect": str(JX.CategoryEffect),
    "satisfaction": str(JX.CategorySatisfaction),
    "cost": str(JX.CategoryCost),
}
SHACL = "http://www.w3.org/ns/shacl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_SKOS_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
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


def _lit(value: str, datatype: str = "string") -> str:
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = text.replace("\r", "\\r")
    return f'"{text}"^^<{XSD}{datatype}>'


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


def _labels(graph: _Graph, nodes: Iterable[str]) -> dict[str, str]:
    out = {}
    for node in nodes:
        quads = graph.quads_for_pattern(ox.NamedNode(node), _SKOS_PREF, None)
        labels = [q.object.value for q in quads]
        out[node] = min(labels, default="")
    return out


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


RANK_REFERENCE = 100  # code points of the reference a rank is taken relative to
_REST_CHARS = 6  # code points of the name after the shared part, 16 bits each
_IRI_BITS = 23  # the tie-break: the first bits of the project IRI's digest


def rank_reference(unit_label: str, year: str) -> str:
    """What the names of a unit's projects of a year usually begin with (``广州市…中心2026年``)."""
    return f"{unit_label}{year}年"[:RANK_REFERENCE]


def rank_key(reference: str, name: str, project: str) -> str:
    """The project's place in its unit's lists of a year, as an ``xsd:decimal`` lexical form:
    one number stored inline (pyoxigraph compares decimals without reading the store, where
    each comparison of a stored string costs ≈ 46 µs), computed from the project alone, so
    every document computes the same. Ranks order a unit's projects by name as far as 6 code
    points after the part the name shares with ``reference`` (:func:`rank_reference`) tell
    them apart, then by the first 23 bits of the IRI's digest (the order of the deterministic
    project IRIs); past that, rarely, two projects share a rank and the lists put them in IRI
    order.

    The 127 bits of a decimal's i128: 8 bits placing the name against the reference (their
    common prefix ``c``, and whether the name continues below or above it: any fixed
    reference keeps the order of strings), 96 bits of the 6 code points after ``c`` (each
    ``min(cp, 0xFFFE) + 1``, 0 past the name's end), 23 bits of the IRI."""
    ref = reference[:RANK_REFERENCE]
    c = 0
    while c < len(ref) and c < len(name) and name[c] == ref[c]:
        c += 1
    if c == len(ref):
        place = len(ref)  # the name begins with the reference
    elif c == len(name) or name[c] < ref[c]:
        place = c  # below the reference: the shorter the shared part, the earlier
    else:
        place = 2 * len(ref) + 1 - c  # above it: the shorter the shared part, the later
    value = place
    rest = name[c : c + _REST_CHARS]
    for i in range(_REST_CHARS):
        value = (value << 16) | (min(ord(rest[i]), 0xFFFE) + 1 if i < len(rest) else 0)
    tail = project.rsplit("/", 1)[-1]
    digest = tail if len(tail) == 16 and all(x in "0123456789abcdef" for x in tail) else None
    bits = int(digest or hashlib.sha1(project.encode("utf-8")).hexdigest()[:16], 16)
    value = (value << _IRI_BITS) | (bits >> (64 - _IRI_BITS))
    return f"{value // 10**18}.{value % 10**18:018d}"


def set_iri(unit: str, year: str, kind: str) -> str:
    """A prepared project set: ``all``, ``indicators`` (with indicators), ``lacks/<c>`` or
    ``complete`` (with indicators of every category)."""
    return f"{unit}/projects/{year}/{kind}"


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
            "sortKey",
            "rankKey",
            "memberRank",
            "inSet",
            "tallyUnit",
            "tallyYear",
            "lacksCategory",
            "withIndicators",
            "coversAllCategories",
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
        f"<{facts}> {P['sourceDigest']} {_lit(digest)} .",
    ]
    projects = _projects(graph)
    labels = _labels(graph, {p.unit for p in projects if p.unit})
    sets: dict[str, tuple[str, str, str]] = {}  # set IRI → (unit, year, kind)
    for proj in projects:
        if not proj.year or not proj.unit:
            continue
        kinds = ["all"]
        if proj.indicators:
            name = (proj.names or [""])[0]
            key = "\x01".join((proj.year, labels[proj.unit], name, proj.iri))
            lines.append(f"<{proj.iri}> {P['sortKey']} {_lit(key)} .")
            reference = rank_reference(labels[proj.unit], proj.year)
            rank = f'"{rank_key(reference, name, proj.iri)}"^^<{XSD}decimal>'
            lines.append(f"<{proj.iri}> {P['rankKey']} {rank} .")
            kinds.append("indicators")
            covers = proj.covers or set()
            lacks = [f"lacks/{c}" for c, concept in CATEGORIES.items() if concept not in covers]
            kinds += lacks or ["complete"]
        for kind in kinds:
            node = set_iri(proj.unit, proj.year, kind)
            sets[node] = (proj.unit, proj.year, kind)
            lines.append(f"<{proj.iri}> {P['inSet']} <{node}> .")
            if kind.startswith("lacks/"):  # the member's rank, read with the membership
                lines.append(f"<{node}> {P['memberRank']} {rank} .")
    for node, (unit, year, kind) in sets.items():
        lines += [
            f"<{node}> {a} {P['ProjectSet']} .",
            f"<{node}> {P['tallyUnit']} <{unit}> .",
            f"<{node}> {P['tallyYear']} {_lit(year, 'gYear')} .",
        ]
        if kind != "all":
            lines.append(f'<{node}> {P["withIndicators"]} "true"^^<{XSD}boolean> .')
        if kind.startswith("lacks/"):
            lines.append(f"<{node}> {P['lacksCategory']} <{CATEGORIES[kind[6:]]}> .")
        if kind == "complete":
            lines.append(f'<{node}> {P["coversAllCategories"]} "true"^^<{XSD}boolean> .')
    lines += _indicator_tallies(graph, projects, P)
    lines += set_facts(graph)  # indicator-set keys (graph/prepared_sets.py)
    lines += row_facts(graph)  # target sets and keys (graph/prepared_rows.py)
    for severity, count in sorted(_severities(report_nt).items()):
        node = f"<{facts}/findings/{severity}>"
        lines += [
            f"{node} {a} {P['Tally']} .",
            f"{node} {P['tallySeverity']} {_lit(severity)} .",
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
            f"{node} {P['tallyYear']} {_lit(year, 'gYear')} .",
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
    computed from) or ``orphan`` (facts of a document graph that is gone)."""

    document: str
    reason: str


_DOCUMENTS = f"SELECT ?d WHERE {{ GRAPH ?d {{ ?d a <{JX.SourceDocument}> }} }}"
_FACTS = f"""SELECT ?f ?d ?digest WHERE {{ GRAPH ?f {{
  ?f <{JX.factsOf}> ?d ; <{JX.sourceDigest}> ?digest }} }}"""


def stale_facts(store: ox.Store) -> list[Stale]:
    """Every document whose prepared facts are not current (see :class:`Stale`), sorted.
    Reads each document graph once (a full check: about a second per 10⁵ triples)."""
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
        elif digests != {document_digest(store, document)}:
            out.append(Stale(document, "changed"))
    return out


def _stored_ntriples(store: ox.Store, graph: str) -> bytes:
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def refresh_facts(store: ox.Store, documents: Iterable[str]) -> None:
    """Recompute the facts of ``documents`` from their stored graphs (and reports), one
    transaction each; an orphan's facts graph is removed."""
    from jixiao.graph.store_batch import replace_graphs

    for document in documents:
        if not store.contains_named_graph(ox.NamedNode(document)):
            replace_graphs(store, {facts_graph(document): b""})
            continue
        text = _stored_ntriples(store, document)
        report = _stored_ntriples(store, document + "/report")
        replace_graphs(store, {facts_graph(document): prepared_facts(document, text, report)})
