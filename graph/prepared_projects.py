"""Project facts prepared over the **union** of the documents: one graph per unit and year.

A project that two documents print (one IRI: same unit, year and normalised name) may get
output indicators from one and a satisfaction indicator from the other. Whether it lacks a
category is a fact of the union (the scanning queries ask ``jx:coversCategory`` of the
union default graph), and so is its place in its unit's lists (the least name any document
prints, the least name of its unit). A document's own facts (:mod:`graph.prepared`) cannot
say either: facts written per document and merged in the union listed such a project as
lacking what another document gives it, and under two ranks when its name or its unit's was
printed two ways. So those facts live here, keyed by the project's unit and fiscal year, in
the graph :func:`projects_graph` (``<unit>/projects/<year>/facts``):

- for each project of the unit and year (its least ``jx:unit`` and ``jx:fiscalYear``) that
  some document gives indicators, with a name and a unit name: ``jx:sortKey`` and
  ``jx:rankKey`` (:func:`rank_key`, from the least name and unit name), ``jx:inSet`` the
  lacks sets of the categories no document covers for it (``lacks/<c>``, each with the
  member's rank as ``jx:memberRank``) or the ``complete`` set;
- the sets' own description (``jx:ProjectSet``, unit, year, category).

:func:`with_project_facts` adds to a batch of graphs about to be written (a document, its
report and its facts; or their removal) the project graphs of every unit and year the batch
touches, computed for the union **as it will be** once the batch is written: the store's
graphs other than the batch's, plus the batch's new texts. Written in the same transaction
as the batch (:func:`graph.store_batch.replace_graphs`, or its journal), a killed process
leaves both or neither. The inputs are read with two named queries per unit and year
(``queries/prepared_project_inputs.rq``, ``prepared_unit_labels.rq``): the cost of a write
grows with the units and years it touches, never on the read path. A change of a unit's
least name prepares every year of the unit again (it is the reference of their ranks); a
project whose documents place it under two units or years (renamed units) belongs to the
least of each, as in the scanning queries, and every unit and year it is listed in is
prepared again.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from jixiao.graph.namespaces import JX
from jixiao.graph.nt_terms import typed
from jixiao.graph.prepared_counts import (
    new_members,
    note_member,
    set_counts,
    tally_counts,
    unit_counts,
)
from jixiao.graph.remote_layout import INTERNAL

XSD = "http://www.w3.org/2001/XMLSchema#"
CATEGORIES = {  # local name in set IRIs → category concept
    "output": str(JX.CategoryOutput),
    "effect": str(JX.CategoryEffect),
    "satisfaction": str(JX.CategorySatisfaction),
    "cost": str(JX.CategoryCost),
}
_SET = re.compile(r"^(.+)/projects/([^/]+)/(all|indicators|complete|facts|lacks/[a-z]+)$")
_INSET = ox.NamedNode(str(JX.inSet))
_TALLY_UNIT = ox.NamedNode(str(JX.tallyUnit))
# the lines of a document's N-Triples that the project facts read (our writer's layout)
_WANTED = re.compile(
    r"^<[^>]+> <(?:" + re.escape(str(JX)) + r"(?:name|coversCategory|unit|fiscalYear|hasIndicator)"
    r"|http://www\.w3\.org/2004/02/skos/core#prefLabel)> [^\n]*$",
    re.M,
)
_WHAT = {str(JX.name): "name", str(JX.coversCategory): "covers", str(JX.unit): "unit",
         str(JX.fiscalYear): "year", str(JX.hasIndicator): "indicators"}  # fmt: skip
_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

UnitYear = tuple[str, str]


def set_iri(unit: str, year: str, kind: str) -> str:
    """A prepared project set: ``all``, ``indicators`` (with indicators), ``lacks/<c>`` or
    ``complete`` (with indicators of every category)."""
    return f"{unit}/projects/{year}/{kind}"


def projects_graph(unit: str, year: str) -> str:
    """The graph of the project facts of ``unit`` in ``year``."""
    return set_iri(unit, year, "facts")


def unit_year(name: str) -> UnitYear | None:
    """(unit, year) of a prepared set or project graph's IRI; None for anything else."""
    found = _SET.match(name)
    return (found.group(1), found.group(2)) if found else None


def is_projects_graph(name: str) -> bool:
    found = _SET.match(name)
    return found is not None and found.group(3) == "facts"


RANK_REFERENCE = 100  # code points of the reference a rank is taken relative to
_REST_CHARS = 6  # code points of the name after the shared part, 16 bits each
_IRI_BITS = 23  # the tie-break: the first bits of the project IRI's digest


def rank_reference(unit_label: str, year: str) -> str:
    """What the names of a unit's projects of a year usually begin with (``广州市…中心2026年``)."""
    return f"{unit_label}{year}年"[:RANK_REFERENCE]


def rank_key(reference: str, name: str, project: str) -> str:
    """The project's place in its unit's lists of a year, as an ``xsd:decimal`` lexical form:
    one number stored inline (pyoxigraph compares decimals without reading the store, where
    each comparison of a stored string costs ≈ 46 µs). Ranks order a unit's projects by name
    as far as 6 code points after the part the name shares with ``reference``
    (:func:`rank_reference`) tell them apart, then by the first 23 bits of the IRI's digest
    (the order of the deterministic project IRIs); past that, rarely, two projects share a
    rank and the lists put them in IRI order.

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


class _Said:
    """What some graphs state of projects (by kind: ``set``, ``name``, ``covers``, ``unit``,
    ``year``) and of units (their labels)."""

    def __init__(self) -> None:
        self.of: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.labels: defaultdict[str, set[str]] = defaultdict(set)

    def merge(self, other: _Said, project: str) -> None:
        if project in other.of:
            for what, values in other.of[project].items():
                self.of[project][what] |= values


class _Batch:
    """A batch of graphs about to be written: which graphs it replaces, what its new texts
    say of projects and units, and the units and years it touches."""

    def __init__(self, store: ox.Store, graphs: Mapping[str, str | bytes]) -> None:
        self.replaced = set(graphs)
        self.new = _Said()
        self.touched: set[UnitYear] = set()
        self.tallies = new_members()  # tally members the new texts give (prepared_counts)
        for name, text in graphs.items():
            if not name.endswith("/facts") or is_projects_graph(name):
                continue
            old = store.quads_for_pattern(None, _INSET, None, ox.NamedNode(name))
            self.touched |= {uy for q in old if (uy := unit_year(q.object.value))}
            for triple in ox.parse(text or b"", ox.RdfFormat.N_TRIPLES):
                if triple.predicate == _INSET and (uy := unit_year(triple.object.value)):
                    self.new.of[triple.subject.value]["set"].add(triple.object.value)
                    self.touched.add(uy)
                note_member(self.tallies, triple)
            document = graphs.get(name.removesuffix("/facts"))
            if document:
                self._read_document(document)

    def _read_document(self, ntriples: str | bytes) -> None:
        text = ntriples.decode("utf-8") if isinstance(ntriples, bytes) else ntriples
        wanted = "\n".join(m.group(0) for m in _WANTED.finditer(text))
        for t in ox.parse(wanted + "\n", ox.RdfFormat.N_TRIPLES):
            if t.predicate.value == _LABEL:
                self.labels_of(t.subject.value).add(t.object.value)
            elif t.subject.value in self.new.of:  # a project (an indicator's name is left)
                self.new.of[t.subject.value][_WHAT[t.predicate.value]].add(t.object.value)

    def labels_of(self, unit: str) -> set[str]:
        return self.new.labels[unit]


def _rows(store: ox.Store, name: str, values: Mapping[str, ox.Term]) -> Iterable[dict[str, str]]:
    from jixiao.queries.prepared import prepared

    text, _ = prepared(name).bind(dict(values))
    found = store.query(text)
    names = [v.value for v in found.variables]  # type: ignore[union-attr]
    for row in found:  # type: ignore[union-attr]
        yield {n: row[n].value for n in names if row[n] is not None}  # type: ignore[index]


def _skip(graph: str | None, batch: _Batch) -> bool:
    """Whether a row of ``graph`` is left out: a graph the batch replaces, a project graph
    (what is being prepared), or a server's own graphs (its union, staging: never data)."""
    return graph is not None and (
        graph in batch.replaced or is_projects_graph(graph) or graph.startswith(INTERNAL)
    )


def _unit_labels(store: ox.Store, unit: str, batch: _Batch) -> tuple[set[str], set[str], set[str]]:
    """(labels before the batch, labels after it, years the unit has sets for)."""
    before, after, years = set(), set(batch.labels_of(unit)), set()
    for row in _rows(store, "prepared_unit_labels", {"unitIri": ox.NamedNode(unit)}):
        if "year" in row:
            years.add(row["year"])
        elif not is_projects_graph(row["graph"]) and not row["graph"].startswith(INTERNAL):
            before.add(row["label"])
            if row["graph"] not in batch.replaced:
                after.add(row["label"])
    return before, after, years


def _prepare(
    store: ox.Store, unit: str, year: str, batch: _Batch, label: str | None
) -> tuple[str, set[UnitYear]]:
    """The text of the project graph of ``unit`` in ``year`` once ``batch`` is written, and
    the other units and years its projects are listed in."""
    said = _Said()
    year_term = ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear"))
    values = {"unitIri": ox.NamedNode(unit), "year": year_term}
    for row in _rows(store, "prepared_project_inputs", values):
        if _skip(row.get("graph"), batch):
            continue
        if row["what"] != "set" or row["value"].endswith(("/all", "/indicators")):
            said.of[row["project"]][row["what"]].add(row["value"])
    mine = {set_iri(unit, year, "all"), set_iri(unit, year, "indicators")}
    candidates = set(said.of) | {p for p, found in batch.new.of.items() if found["set"] & mine}
    for project in candidates:
        said.merge(batch.new, project)
    more: set[UnitYear] = set()
    lines: dict[str, None] = {}
    kinds: set[str] = set()
    written: Counter[str] = Counter()  # members of the lacks and complete sets
    for project, found in sorted(said.of.items()):
        more |= {uy for s in found["set"] if (uy := unit_year(s))}
        owner = (min(found["unit"], default=unit), min(found["year"], default=year))
        more.add(owner)
        has = any(s.endswith("/indicators") for s in found["set"])
        if owner != (unit, year) or not has or not found["name"] or label is None:
            continue
        name = min(found["name"])
        rank = f'"{rank_key(rank_reference(label, year), name, project)}"^^<{XSD}decimal>'
        key = "\x01".join((year, label, name, project))
        lines[f"<{project}> <{JX.sortKey}> {typed(key)} ."] = None
        lines[f"<{project}> <{JX.rankKey}> {rank} ."] = None
        covers = found["covers"]
        lacks = [f"lacks/{c}" for c, concept in CATEGORIES.items() if concept not in covers]
        for kind in lacks or ["complete"]:
            node = set_iri(unit, year, kind)
            kinds.add(kind)
            written[kind] += 1
            lines[f"<{project}> <{JX.inSet}> <{node}> ."] = None
            if kind != "complete":
                lines[f"<{node}> <{JX.memberRank}> {rank} ."] = None
    sizes = {set_iri(unit, year, k): 0 for k in ["all", "indicators", *sorted(kinds)]}
    for found in said.of.values():
        for node in found["set"] & sizes.keys():
            sizes[node] += 1
    for kind, n in written.items():
        sizes[set_iri(unit, year, kind)] = n
    tallies = _rows(store, "prepared_tally_members", values)
    every = set_iri(unit, year, "all")  # a project no facts list is not counted (it follows them)
    listed = [found for found in said.of.values() if every in found["set"]]
    counts = unit_counts(every, unit, year, listed)
    counts += set_counts(sizes) + tally_counts(
        tallies, lambda g: _skip(g, batch), batch.tallies, f"{unit}/indicators/{year}/"
    )
    lines.update(dict.fromkeys(counts))
    for kind in sorted(kinds):
        node = f"<{set_iri(unit, year, kind)}>"
        lines[f"{node} <{_TYPE}> <{JX.ProjectSet}> ."] = None
        lines[f"{node} <{JX.tallyUnit}> <{unit}> ."] = None
        lines[f"{node} <{JX.tallyYear}> {typed(year, 'gYear')} ."] = None
        lines[f'{node} <{JX.withIndicators}> "true"^^<{XSD}boolean> .'] = None
        if kind == "complete":
            lines[f'{node} <{JX.coversAllCategories}> "true"^^<{XSD}boolean> .'] = None
        else:
            lines[f"{node} <{JX.lacksCategory}> <{CATEGORIES[kind[6:]]}> ."] = None
    return "".join(line + "\n" for line in lines), more - {(unit, year)}


def with_project_facts(
    store: ox.Store,
    graphs: Mapping[str, str | bytes],
    unit_years: Iterable[UnitYear] = (),
) -> dict[str, str | bytes]:
    """``graphs`` (named graph → new N-Triples, empty: removed; documents with their facts
    graphs) and the project graphs of every unit and year they touch, and of
    ``unit_years``, prepared for the union once ``graphs`` are written (module notes); an
    emptied project graph is removed. Reads the store, never writes it."""
    batch = _Batch(store, graphs)
    todo = set(batch.touched) | set(unit_years)
    labels: dict[str, str | None] = {}
    for unit in sorted({u for u, _ in todo}):
        before, after, years = _unit_labels(store, unit, batch)
        labels[unit] = min(after, default=None)
        if min(before, default=None) != labels[unit]:  # the ranks' reference changed
            todo |= {(unit, y) for y in years}
    out = dict(graphs)
    done: set[UnitYear] = set()
    while todo:
        unit, year = todo.pop()
        done.add((unit, year))
        if unit not in labels:
            labels[unit] = min(_unit_labels(store, unit, batch)[1], default=None)
        text, more = _prepare(store, unit, year, batch, labels[unit])
        name = projects_graph(unit, year)
        if text or store.contains_named_graph(ox.NamedNode(name)):
            out[name] = text
        todo |= more - done
    return out


def _digest(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> str:
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    return hashlib.sha256(b"".join(sorted(text.splitlines(keepends=True)))).hexdigest()


def stale_projects(store: ox.Store) -> list[tuple[str, str]]:
    """Each project graph that is not what the union says now, with the reason: ``missing``
    (none where the union has members), ``orphan`` (one where it has none) or ``changed``;
    sorted. Prepares every unit and year again (a full check)."""
    found = {uy for q in store.quads_for_pattern(None, _TALLY_UNIT, None, ox.DefaultGraph())
             if (uy := unit_year(q.subject.value))}  # fmt: skip
    graphs = [g.value for g in store.named_graphs()]  # type: ignore[union-attr]
    found |= {uy for g in graphs if is_projects_graph(g) and (uy := unit_year(g))}
    out = []
    empty = _Batch(store, {})
    for unit, year in sorted(found):
        label = min(_unit_labels(store, unit, empty)[1], default=None)
        text, _ = _prepare(store, unit, year, empty, label)
        name = ox.NamedNode(projects_graph(unit, year))
        stored = store.contains_named_graph(name)
        if not stored and text:
            out.append((name.value, "missing"))
        elif stored and not text:
            out.append((name.value, "orphan"))
        elif stored:
            expected = ox.Store()
            expected.load(text, ox.RdfFormat.N_TRIPLES)
            if _digest(expected, ox.DefaultGraph()) != _digest(store, name):
                out.append((name.value, "changed"))
    return out


__all__ = [
    "CATEGORIES",
    "is_projects_graph",
    "projects_graph",
    "rank_key",
    "rank_reference",
    "set_iri",
    "stale_projects",
    "unit_year",
    "with_project_facts",
]
