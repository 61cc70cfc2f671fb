"""Findings and ``sh:ValidationReport`` of the compiled checks' rows.

:func:`findings_of` makes the :class:`~graph.validation.findings.Finding` objects that
:func:`graph.validation.findings.read_findings` makes from pySHACL's report (labels,
owner project and unit read from the document, same order); :class:`ReportWriter` writes
the report pySHACL writes — focus node, value, path, source shape and constraint component,
severity, messages, ``sh:detail`` for ``sh:node``, the shapes' blank nodes copied — as N-Triples.
Only the few nodes that have findings are looked up (``VALUES``): reading a term from a
store on disk costs ≈ 10 µs, so the document is never read whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from jixiao.graph.store import JX, ONTOLOGY_GRAPH
from jixiao.graph.validation.compile import Check
from jixiao.graph.validation.compile_text import term
from jixiao.graph.validation.findings import Finding

_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_LABELS = (JX + "name", JX + "rawText", _SKOS + "prefLabel", _RDFS + "label")
_TYPE, _PERIOD, _ANNUAL = f"<{JX}Project>", f"<{JX}periodTarget>", f"<{JX}annualTarget>"
_HAS, _UNIT = f"<{JX}hasIndicator>", f"<{JX}unit>"


# What findings need to know about the nodes ?f (numbered ?i), by kind ?k: labels in order
# of preference (0–3); being a project (4); the project of an indicator (7); the unit of a
# project (8); the indicators ?x of a target and their projects ?y (9, 10). Many nodes: each
# pattern is a subquery, so that pyoxigraph hashes it (one scan of a predicate, not a seek
# per node); a few: plain patterns, looked up from each node. The nodes are numbered so
# that they need not be read back from the store.
_KINDS = {
    **{k: [("?f ?x", f"?f <{label}> ?x")] for k, label in enumerate(_LABELS)},
    4: [("?f", f"?f a {_TYPE}")],
    7: [("?f ?x", f"?x {_HAS} ?f")],
    8: [("?f ?x", f"?f {_UNIT} ?x")],
    9: [("?f ?x", f"?x {_PERIOD} ?f"), ("?x ?y", f"?y {_HAS} ?x")],
    10: [("?f ?x", f"?x {_ANNUAL} ?f"), ("?x ?y", f"?y {_HAS} ?x")],
}
_FEW = 32
_BATCH = 5000


def _branch(kind: int, few: bool) -> str:
    """The pattern of ``kind``; the project of an indicator is optional."""
    parts = [
        pattern if few else f"{{ SELECT {names} WHERE {{ {pattern} }} }}"
        for names, pattern in _KINDS[kind]
    ]
    return (
        f"{{ {parts[0]} {''.join(f' OPTIONAL {{ {p} }}' for p in parts[1:])} BIND({kind} AS ?k) }}"
    )


def _facts(
    store: ox.Store, graphs: list[ox.NamedNode], nodes: Sequence[object], kinds: Sequence[int]
) -> list[dict[int, list[tuple]]]:
    """For each of ``nodes``: kind → sorted (?x, ?y) pairs (see ``_KINDS``)."""
    out: list[dict[int, list[tuple]]] = [defaultdict(list) for _ in nodes]
    listed = [(i, n) for i, n in enumerate(nodes) if isinstance(n, ox.NamedNode)]
    branches = " UNION ".join(_branch(k, len(listed) <= _FEW) for k in kinds)
    for start in range(0, len(listed), _BATCH):
        values = " ".join(f"({n} {i})" for i, n in listed[start : start + _BATCH])
        query = f"SELECT ?i ?k ?x ?y WHERE {{ VALUES (?f ?i) {{ {values} }} {branches} }}"
        for row in store.query(query, default_graph=graphs):  # type: ignore[union-attr]
            i, k = int(row["i"].value), int(row["k"].value)  # type: ignore[union-attr, index]
            out[i][k].append((row["x"], row["y"]))  # type: ignore[index]
    for facts in out:
        for pairs in facts.values():
            pairs.sort(key=lambda pair: (str(pair[0]), str(pair[1])))
    return out


def _labels(
    store: ox.Store, graphs: list[ox.NamedNode], nodes: Sequence[object], known: dict
) -> dict[object, str]:
    """Like :func:`graph.validation.findings.label_of`: the first label by kind (the least if many);
    ``known``: facts with kind 0 already asked for."""
    names = {n: known[n][0][0][0] for n in nodes if n in known and known[n].get(0)}
    ask = [n for n in nodes if n not in known]
    for n, kinds in zip(ask, _facts(store, graphs, ask, (0,)), strict=True):
        if kinds.get(0):
            names[n] = kinds[0][0][0]
    rest = [n for n in nodes if n not in names]
    for n, kinds in zip(rest, _facts(store, graphs, rest, (1, 2, 3)), strict=True):
        found = next((kinds[k][0][0] for k in (1, 2, 3) if kinds.get(k)), n)
        names[n] = found
    return {n: _text(names[n]) for n in nodes}


@dataclass(slots=True)
class Result:
    """One row of a check: a future ``sh:ValidationResult``."""

    check: Check
    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    path: ox.NamedNode | None = None  # ?path of a SHACL-SPARQL row
    details: list[Result] = field(default_factory=list)


def _text(term: object) -> str:
    return str(getattr(term, "value", term))


def findings_of(store: ox.Store, document: str, results: Sequence[Result]) -> list[Finding]:
    """Findings as :func:`graph.validation.findings.read_findings` makes them from pySHACL's report
    (owner project as :func:`graph.validation.findings.owner_project`: the focus itself, the project
    of its indicator, or of the indicator whose target it is)."""
    graphs = [ox.NamedNode(document), ox.NamedNode(ONTOLOGY_GRAPH)]
    focus = list(dict.fromkeys(r.focus for r in results))
    facts = dict(zip(focus, _facts(store, graphs, focus, (0, 4, 7, 9, 10)), strict=True))

    def owner(node: object) -> object | None:
        kinds = facts[node]
        if kinds.get(4):
            return node
        for kind in (9, 10):  # (indicator, its project or None), least first
            if kinds.get(kind):
                indicator = kinds[kind][0][0]
                return next((p for i, p in kinds[kind] if i == indicator and p is not None), None)
        return kinds[7][0][0] if kinds.get(7) else None

    projects = {n: owner(n) for n in focus}
    found = [p for p in dict.fromkeys(projects.values()) if p is not None]
    unit_of = {
        p: kinds[8][0][0] if kinds.get(8) else None
        for p, kinds in zip(found, _facts(store, graphs, found, (8,)), strict=True)
    }
    labels = _labels(store, graphs, list(dict.fromkeys([*focus, *found])), facts)
    units = [u for u in dict.fromkeys(unit_of.values()) if u is not None]
    labels.update(_labels(store, graphs, [u for u in units if u not in labels], {}))

    out = []
    for r in results:
        c, project = r.check, projects[r.focus]
        unit = unit_of.get(project) if project is not None else None
        zh, en = _messages(c.messages)
        out.append(
            Finding(
                severity=c.severity.removeprefix(str(SH)),
                focus=_text(r.focus),
                focus_label=labels[r.focus],
                shape=c.shape,
                path=_text(r.path) if r.path is not None else c.path_text,
                value=None if r.value is None else _text(r.value),
                message_zh=zh,
                message_en=en,
                document=document,
                project="" if project is None else _text(project),
                project_label="" if project is None else labels[project],
                unit_label="" if unit is None else labels[unit],
            )
        )
    # the order of graph.validation.findings.read_findings
    return sorted(
        out, key=lambda f: (f.unit_label, f.project_label, f.focus, f.shape, f.value or "")
    )


def _messages(messages: Iterable[Literal]) -> tuple[str, str]:
    texts: dict[str, str] = {}
    for m in messages:
        if m.language and m.language not in texts:
            texts[m.language] = str(m)
    return texts.get("zh", ""), texts.get("en", "")


def _nt(node: Node) -> str:
    return f"_:s{node}" if isinstance(node, BNode) else term(node)


_FOCUS, _PATH, _VALUE = f"<{SH.focusNode}>", f"<{SH.resultPath}>", f"<{SH.value}>"
_MESSAGE = f"<{SH.resultMessage}>"


class ReportWriter:
    """A ``sh:ValidationReport`` as N-Triples (shapes-graph blank nodes copied once)."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.lines: list[str] = []
        self.copied: set[Node] = set()
        self.templates: dict[int, str] = {}
        self.n = 0

    def ref(self, node: Node) -> str:
        """``node`` as a term; a blank node brings its description from the shapes graph."""
        if isinstance(node, BNode) and node not in self.copied:
            self.copied.add(node)
            for p, o in self.shapes.predicate_objects(node):
                self.lines.append(f"{_nt(node)} {_nt(p)} {self.ref(o)} .\n")
        return _nt(node)

    def template(self, c: Check) -> str:
        """The lines every result of ``c`` has, ``\0`` standing for the result node."""
        found = self.templates.get(id(c))
        if found is not None:
            return found
        lines = [
            f"\0 {_RDF_TYPE} <{SH.ValidationResult}> .\n",
            f"\0 <{SH.resultSeverity}> <{c.severity}> .\n",
            f"\0 <{SH.sourceShape}> {self.ref(c.source)} .\n",
            f"\0 <{SH.sourceConstraintComponent}> <{c.component}> .\n",
        ]
        if c.constraint is not None:
            lines.append(f"\0 <{SH.sourceConstraint}> {self.ref(c.constraint)} .\n")
            # pySHACL fills the message templates of SPARQL constraints into plain literals
            lines += [f"\0 <{SH.resultMessage}> {term(Literal(str(m)))} .\n" for m in c.messages]
        else:
            lines += [f"\0 <{SH.resultMessage}> {term(m)} .\n" for m in c.messages]
        if c.path is not None:
            lines.append(f"\0 <{SH.resultPath}> {self.ref(c.path)} .\n")
        self.templates[id(c)] = found = "".join(lines)
        return found

    def result(self, r: Result) -> str:
        self.n += 1
        node, c = f"_:r{self.n}", r.check
        lines = self.template(c).replace("\0", node) + f"{node} {_FOCUS} {r.focus} .\n"
        if r.path is not None and c.path is None:
            lines += f"{node} {_PATH} {r.path} .\n"
        if r.value is not None:
            lines += f"{node} {_VALUE} {r.value} .\n"
        if not c.messages and c.generic:
            text = c.generic.format(focus=_shown(r.focus), value=_shown(r.value))
            lines += f"{node} {_MESSAGE} {term(Literal(text))} .\n"
        self.lines.append(lines)
        for detail in r.details:
            self.lines.append(f"{node} <{SH.detail}> {self.result(detail)} .\n")
        return node

    def text(self, results: Sequence[Result]) -> bytes:
        head = "_:report"
        self.lines.append(f"{head} {_RDF_TYPE} <{SH.ValidationReport}> .\n")
        conforms = term(Literal(not results))
        self.lines.append(f"{head} <{SH.conforms}> {conforms} .\n")
        for r in results:
            self.lines.append(f"{head} <{SH.result}> {self.result(r)} .\n")
        return "".join(self.lines).encode("utf-8")


_EMPTY = Graph()


def _shown(term: object) -> str:
    """A data term as pySHACL prints it in a generic message (``stringify_node``)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value).n3(_EMPTY.namespace_manager)
    if isinstance(term, ox.Literal):
        from pyshacl.rdfutil import stringify_node

        lang, dt = term.language, term.datatype
        datatype = None if lang or dt.value.endswith("#string") else URIRef(dt.value)
        return stringify_node(_EMPTY, Literal(term.value, lang=lang, datatype=datatype))
    return str(term)


__all__ = ["ReportWriter", "Result", "findings_of"]
