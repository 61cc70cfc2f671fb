"""Validation findings: one record per SHACL result, read from a pySHACL report graph.

A :class:`Finding` is what ``jixiao validate`` prints and what tests compare: the severity,
the focus node and its label, the named shape, the path, the value and the message in
Chinese and English, plus the project and unit the focus belongs to (for grouping).
Renderers for text, JSON and the merged Turtle ``sh:ValidationReport`` are here too.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, SKOS
from rdflib.term import Node

from jixiao.graph.namespaces import JX, RDFS, bind_prefixes

SEVERITIES = ("Violation", "Warning", "Info")
_PATH_KEYS = {
    SH.alternativePath: "|",
    SH.inversePath: "^",
    SH.zeroOrMorePath: "*",
    SH.oneOrMorePath: "+",
    SH.zeroOrOnePath: "?",
}


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str
    focus: str
    focus_label: str
    shape: str
    path: str | None
    value: str | None
    message_zh: str
    message_en: str
    document: str = ""
    project: str = ""
    project_label: str = ""
    unit_label: str = ""

    def key(self) -> tuple[str, str, str, str | None, str | None]:
        """What identifies a finding independently of the run that found it."""
        return (self.severity, self.focus, self.shape, self.path, self.value)

    def as_json(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "focus": self.focus,
            "focus_label": self.focus_label,
            "shape": self.shape,
            "path": self.path,
            "value": self.value,
            "message": {"zh": self.message_zh, "en": self.message_en},
        }


def path_text(graph: Graph, node: Node) -> str:
    """A SHACL path as text: an IRI as is, a complex path in SPARQL property-path syntax."""
    if isinstance(node, URIRef):
        return str(node)
    if (node, RDF.first, None) in graph:
        return "/".join(path_text(graph, n) for n in Collection(graph, node))
    for key, symbol in _PATH_KEYS.items():
        inner = graph.value(node, key)
        if inner is None:
            continue
        if key == SH.alternativePath:
            return "(" + "|".join(path_text(graph, n) for n in Collection(graph, inner)) + ")"
        if key == SH.inversePath:
            return "^" + path_text(graph, inner)
        return "(" + path_text(graph, inner) + ")" + symbol
    return str(node)


def named_shape(shapes: Graph, shape: Node) -> Node:
    """``shape`` if it is an IRI, else the nearest named shape that refers to it."""
    seen: set[Node] = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = next(shapes.subjects(None, shape), None)
        if parent is None:
            break
        shape = parent
    return shape


def label_of(data: Graph, node: Node) -> str:
    for predicate in (JX.name, JX.rawText, SKOS.prefLabel, RDFS.label):
        value = data.value(node, predicate)
        if value is not None:
            return str(value)
    return str(node)


def owner_project(data: Graph, node: Node) -> Node | None:
    """The project a focus node belongs to: itself, its indicator's, or its target's."""
    if (node, RDF.type, JX.Project) in data:
        return node
    for predicate in (JX.periodTarget, JX.annualTarget):
        indicator = data.value(None, predicate, node)
        if indicator is not None:
            node = indicator
            break
    return data.value(None, JX.hasIndicator, node)


def _messages(report: Graph, shapes: Graph, result: Node, shape: Node) -> tuple[str, str]:
    texts: dict[str, str] = {}
    for source in (report.objects(result, SH.resultMessage), shapes.objects(shape, SH.message)):
        for message in source:
            if isinstance(message, Literal) and message.language and message.language not in texts:
                texts[message.language] = str(message)
    return texts.get("zh", ""), texts.get("en", "")


def read_findings(report: Graph, shapes: Graph, data: Graph, document: str = "") -> list[Finding]:
    """The findings of a pySHACL results graph, sorted; labels and owners from ``data``."""
    out = []
    for result in report.objects(None, SH.result):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        source = report.value(result, SH.sourceShape)
        if focus is None or source is None:
            continue
        shape = named_shape(shapes, source)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        zh, en = _messages(report, shapes, result, shape)
        project = owner_project(data, focus)
        unit = data.value(project, JX.unit) if project is not None else None
        out.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1],
                focus=str(focus),
                focus_label=label_of(data, focus),
                shape=str(shape),
                path=None if path is None else path_text(report, path),
                value=None if value is None else str(value),
                message_zh=zh,
                message_en=en,
                document=document,
                project="" if project is None else str(project),
                project_label="" if project is None else label_of(data, project),
                unit_label="" if unit is None else label_of(data, unit),
            )
        )
    return sorted(
        out, key=lambda f: (f.unit_label, f.project_label, f.focus, f.shape, f.value or "")
    )


def summary(findings: Sequence[Finding], documents: int | None = None) -> dict[str, object]:
    by_severity = Counter(f.severity for f in findings)
    by_shape = Counter(f.shape.rsplit("#", 1)[-1] for f in findings)
    out: dict[str, object] = {
        "results": len(findings),
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "by_shape": dict(sorted(by_shape.items())),
        "focus_nodes": len({f.focus for f in findings}),
        "projects": len({f.project for f in findings if f.project}),
    }
    if documents is not None:
        out["documents"] = documents
    return out


def render_json(findings: Sequence[Finding], documents: int | None = None) -> str:
    payload = {
        "conforms": not findings,
        "results": [f.as_json() for f in findings],
        "summary": summary(findings, documents),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def render_text(findings: Sequence[Finding], documents: int | None = None) -> str:
    """Findings grouped by unit, then project, with counts per severity at each level."""
    tree: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        tree[f.unit_label or "(no unit)"][f.project_label or "(no project)"].append(f)
    lines = []

    def counts(items: Iterable[Finding]) -> str:
        c = Counter(f.severity for f in items)
        return ", ".join(f"{s} {c[s]}" for s in SEVERITIES if c[s])

    for unit in sorted(tree):
        projects = tree[unit]
        lines.append(f"{unit}  [{counts(f for fs in projects.values() for f in fs)}]")
        for project in sorted(projects):
            items = projects[project]
            lines.append(f"  {project}  [{counts(items)}]")
            for f in items:
                where = "" if f.focus_label == project else f" {f.focus_label}:"
                shown = f.value and f.value != f.focus and not f.value.startswith("http")
                value = f" ({f.value})" if shown else ""
                lines.append(f"    {f.severity[0]}{where} {f.message_zh}{value}")
    total = summary(findings, documents)
    sev = total["by_severity"]
    assert isinstance(sev, dict)
    lines.append(
        f"{len(findings)} findings: "
        + ", ".join(f"{s} {sev[s]}" for s in SEVERITIES)
        + (f" in {documents} documents" if documents is not None else "")
    )
    return "\n".join(lines) + "\n"


def merge_reports(reports: Iterable[Graph]) -> Graph:
    """One ``sh:ValidationReport`` holding the results of every per-document report."""
    merged = bind_prefixes(Graph())
    merged.bind("sh", SH)
    node = BNode()
    merged.add((node, RDF.type, SH.ValidationReport))
    conforms = True
    for report in reports:
        heads = set(report.subjects(RDF.type, SH.ValidationReport))
        for head in heads:
            if report.value(head, SH.conforms) == Literal(False):
                conforms = False
            for result in report.objects(head, SH.result):
                merged.add((node, SH.result, result))
        for triple in report:
            if triple[0] not in heads:
                merged.add(triple)
    merged.add((node, SH.conforms, Literal(conforms)))
    return merged


__all__ = [
    "SEVERITIES",
    "Finding",
    "label_of",
    "merge_reports",
    "read_findings",
    "render_json",
    "render_text",
    "summary",
]
