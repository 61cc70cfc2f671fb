"""The SHACL shapes compiled to SPARQL: one SELECT per use of a constraint component.

pySHACL stays the reference (:mod:`graph.validation.reference`); this compiler is the fast path for
validating the whole store (shared/architecture.md, "Validation"; rdf4j does the same).
Each :class:`Check` is one constraint component of one shape for one set of focus nodes;
its query returns the rows that become ``sh:ValidationResult``s: ``?this`` (focus node),
``?value`` when the component reports one, and for SHACL-SPARQL constraints whatever else
the ``sh:select`` projects (``?path``, …). Queries run on one document graph plus the
frameworks, the data graph pySHACL sees (:mod:`graph.validation.compiled`).

Only what the shapes use is translated (targets ``sh:targetClass``, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, ``sh:target [sh:select]``; components in
:data:`~graph.validation.compile_nested.COMPONENTS`); anything else raises
:class:`UnsupportedShape`, so a new shape never silently validates nothing. Nested shapes
are compiled by :mod:`graph.validation.compile_nested`; the SPARQL text is written for
pyoxigraph's evaluator (:mod:`graph.validation.compile_text`: absence with ``MINUS`` or
aggregates, never ``FILTER NOT EXISTS``; scans joined by hashing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from jixiao.graph.validation.compile_nested import COMPONENTS, COUNTS, ShapeFilters
from jixiao.graph.validation.compile_text import UnsupportedShape, hash_joins, simple_select, term
from jixiao.graph.validation.compile_text import scan as scan_steps
from jixiao.graph.validation.findings import named_shape, path_text
from jixiao.graph.validation.shapes import shapes_graph

FOCUS_NODES = "<urn:x-jixiao:focus-nodes>"  # replaced by the value nodes of a sh:node result
TARGET_NODES = "<urn:x-jixiao:targets>"  # replaced by the focus nodes of SPARQL targets
TARGETS = f"VALUES ?this {{ {TARGET_NODES} }}"
_PROJECTION = re.compile(
    r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*(?:WHERE\b|\{)", re.I | re.S
)


@dataclass(frozen=True, slots=True)
class Check:
    """One constraint component of one shape, for one set of focus nodes."""

    query: str  # SELECT ?this [?value …]: one row per result
    source: Node  # sh:sourceShape (an IRI or a blank node of the shapes graph)
    shape: str  # the named shape reported in findings
    component: URIRef  # sh:sourceConstraintComponent
    severity: URIRef
    messages: tuple[Literal, ...]  # sh:message of the shape (or SPARQL constraint)
    path: Node | None = None  # sh:resultPath (shapes-graph node)
    path_text: str | None = None
    value_is_focus: bool = False  # a node shape's value-wise component: sh:value = focus
    constraint: Node | None = None  # sh:sourceConstraint of a SHACL-SPARQL constraint
    targets: str = ""  # SPARQL-target focus nodes: asked once per document, then listed
    details: tuple[Check, ...] = ()  # sh:node: the nested shape's checks (focus = value)
    generic: str = ""  # message of a nested result without sh:message; {value} is filled
    test: tuple[str, str, str] | None = None  # (prefixes, focus and values, failing test)
    members: tuple[Check, ...] = ()  # a group: rows of members[?k]


class _Compiler(ShapeFilters):
    """Shapes with targets → checks."""

    def prefixes(self, node: Node) -> str:
        lines = []
        for declared in self.g.objects(node, SH.prefixes):
            for decl in self.g.objects(declared, SH.declare):
                prefix, ns = self.g.value(decl, SH.prefix), self.g.value(decl, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{ns}>")
        return "\n".join(lines) + ("\n" if lines else "")

    def select(self, node: Node, what: str) -> tuple[str, str]:
        """(PREFIX lines, SELECT text) of a SPARQL target or constraint."""
        if self.g.value(node, SH.ask) is not None or self.g.value(node, SH.select) is None:
            raise UnsupportedShape(f"{what}: only sh:select is supported")
        text = str(self.g.value(node, SH.select)).strip()
        found = _PROJECTION.search(text)
        if re.match(r"(PREFIX|BASE)\b", text, re.I) or found is None:
            raise UnsupportedShape(f"{what}: sh:select must be a SELECT without PREFIX or BASE")
        projected = found.group(1)
        if "*" not in projected and not re.search(r"[?$]this\b", projected):
            raise UnsupportedShape(f"{what}: sh:select must project $this")
        for banned in ("$shapesGraph", "$currentShape", "$PATH", "?failure"):
            if banned.lower() in text.lower():
                raise UnsupportedShape(f"{what}: {banned} is not supported")
        return self.prefixes(node), text

    def domain(self, shape: Node) -> tuple[str, str] | None:
        """(PREFIX lines, pattern binding the distinct ?this) of the targets of ``shape``."""
        branches, prefixes = [], ""
        for c in self.g.objects(shape, SH.targetClass):
            # one step: evaluated from the class, not by reading every rdf:type
            steps = [f"<{RDF.type}>/<{RDFS.subClassOf}>*"]
            branches.append(scan_steps("?this", steps, term(c), self.var))
        for n in self.g.objects(shape, SH.targetNode):
            branches.append(f"VALUES ?this {{ {term(n)} }}")
        for p in self.g.objects(shape, SH.targetSubjectsOf):
            branches.append(scan_steps("?this", [term(p)], self.var(), self.var))
        for p in self.g.objects(shape, SH.targetObjectsOf):
            branches.append(scan_steps(self.var(), [term(p)], "?this", self.var))
        for t in self.g.objects(shape, SH.target):
            if (t, RDF.type, SH.SPARQLTarget) not in self.g:
                raise UnsupportedShape(f"{self.label(shape)}: only sh:SPARQLTarget targets")
            lines, text = self.select(t, f"{self.label(shape)} target")
            prefixes += lines
            branches.append(f"{{ {hash_joins(text)} }}")
        if not branches:
            return None
        union = " UNION ".join(f"{{ {b} }}" for b in branches)
        return prefixes, f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def checks(
        self, shape: Node, domain: str, prefixes: str, outer: tuple[Node, ...] = ()
    ) -> list[Check]:
        """The checks of ``shape`` (and its sh:property shapes) for focus nodes ``domain``;
        ``outer`` are the shapes whose sh:node led here (their results nest these)."""
        if shape in outer:
            raise UnsupportedShape(f"{self.label(shape)}: recursive shapes are not supported")
        if self.deactivated(shape):
            return []
        out: list[Check] = []
        path_node = self.one(shape, SH.path)
        messages = tuple(self.g.objects(shape, SH.message))
        base: dict = dict(
            source=shape,
            shape=str(named_shape(self.g, shape)),
            severity=self.one(shape, SH.severity) or SH.Violation,
            messages=messages,
            path=path_node,
            path_text=None if path_node is None else path_text(self.g, path_node),
        )
        for param, value in self.constraints(shape):
            self.stack = [*outer, shape]
            if param == SH.property:
                out += self.checks(value, domain, prefixes, outer)
                continue
            if not messages and not outer and param != SH.sparql:
                raise UnsupportedShape(
                    f"{self.label(shape)}: a shape with results needs sh:message"
                )
            if param == SH.sparql:
                out.append(self.sparql_check(shape, value, domain, prefixes, base))
                continue
            comp = COMPONENTS[param]
            if param == SH.qualifiedValueShape:
                low = self.one(shape, SH.qualifiedMinCount) is not None
                comp += "MinCount" if low else "MaxCount"
            component = SH[comp + "ConstraintComponent"]
            details: tuple[Check, ...] = ()
            if param == SH.node:
                # details are asked for the failing value nodes only (run_check)
                inner = f"VALUES ?this {{ {FOCUS_NODES} }}"
                found = self.checks(value, inner, prefixes, (*outer, shape))
                details = tuple(_nested(self.g, d) for d in found)
                self.stack = [*outer, shape]
            if param in COUNTS and path_node is not None:
                query = self.count_rows(shape, param, value, domain, path_node)
                value_is_focus = False
            elif path_node is not None:
                values = f"{domain} {self.scan('?this', path_node, '?value')}"
                failing = self.value_test(shape, param, value, "?value", values, True)
                query = f"SELECT DISTINCT ?this ?value WHERE {{ {failing} }}"
                value_is_focus = False
                test = failing.removeprefix(values + " FILTER(")
                if test != failing and test.endswith(")"):  # a test of each value alone
                    base["test"] = (prefixes, values, test[:-1])
            else:
                failing = self.value_test(shape, param, value, "?this", domain, True)
                query = f"SELECT DISTINCT ?this WHERE {{ {failing} }}"
                value_is_focus = True
            out.append(
                Check(
                    prefixes + query,
                    component=component,
                    value_is_focus=value_is_focus,
                    details=details,
                    **base,
                )
            )
            base.pop("test", None)
        return out

    def count_rows(self, shape: Node, param: URIRef, value: Node, domain: str, path: Node) -> str:
        if param != SH.equals:
            rows = self.constraint(shape, (param, value), "?this", domain, False)
            return f"SELECT DISTINCT ?this WHERE {{ {rows} }}"
        differ = self.differ("?this", path, value, "?value")
        return f"SELECT DISTINCT ?this ?value WHERE {{ {domain} {{ {differ} }} }}"

    def sparql_check(
        self, shape: Node, constraint: Node, domain: str, prefixes: str, base: dict
    ) -> Check:
        if self.one(shape, SH.path) is not None:
            raise UnsupportedShape(f"{self.label(shape)}: sh:sparql on a property shape")
        messages = tuple(self.g.objects(constraint, SH.message)) or base["messages"]
        if not messages:
            raise UnsupportedShape(f"{self.label(shape)}: a shape with results needs sh:message")
        if any("{" in str(m) for m in messages):
            raise UnsupportedShape(f"{self.label(shape)}: message templates are not supported")
        lines, text = self.select(constraint, f"{self.label(shape)} sh:sparql")
        header = "".join(dict.fromkeys((prefixes + lines).splitlines(keepends=True)))
        simple = simple_select(text)
        if simple is None:
            query = f"{header}SELECT DISTINCT * WHERE {{ {domain} {{ {hash_joins(text)} }} }}"
        else:  # the body joined to the (few) focus nodes, looked up from each of them
            names, body = simple
            query = f"{header}SELECT DISTINCT {' '.join(names)} WHERE {{ {domain} {body} }}"
        return Check(
            query,
            **{**base, "messages": messages},
            component=SH.SPARQLConstraintComponent,
            value_is_focus=True,
            constraint=constraint,
        )


def _nested(shapes: Graph, check: Check) -> Check:
    """A detail check: the generic message pySHACL writes when the nested shape has none
    (for sh:or, sh:minCount and sh:maxCount; another of our own for the rest)."""
    if check.messages:
        return check
    from pyshacl.rdfutil import stringify_node

    def shown(node: Node) -> str:
        return stringify_node(shapes, node).replace("{", "{{").replace("}", "}}")

    name = check.component.removeprefix(str(SH)).removesuffix("ConstraintComponent")
    if name == "Or":
        members = Collection(shapes, shapes.value(check.source, SH["or"]))
        listed = " , ".join(shown(m) for m in members)
        generic = "Node {value} must conform to one or more shapes in " + listed
    elif name in ("MinCount", "MaxCount") and check.path is not None:
        bound = shapes.value(check.source, SH.minCount if name == "MinCount" else SH.maxCount)
        more = "Less" if name == "MinCount" else "More"
        generic = f"{more} than {bound} values on {{focus}}->{shown(check.path)}"
    else:  # not reproduced from pySHACL: the shapes do not need it
        generic = f"Node {{value}} does not conform to sh:{name[0].lower()}{name[1:]}"
    return replace(check, generic=generic)


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every check of the shapes graph, in a stable order; :class:`UnsupportedShape` when
    a shape uses something not translated.

    The focus nodes of a shape with SPARQL targets (written to preselect few candidates)
    are asked once per document and listed in the queries (:data:`TARGETS`, filled in by
    :func:`graph.validation.compiled.run_check`): an expensive target is not evaluated again
    for each constraint, and the constraints are skipped where it selects nothing."""
    compiler = _Compiler(shapes)
    shapes_with_targets = set()
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        shapes_with_targets.update(shapes.subjects(p, None))
    out: list[Check] = []
    for shape in sorted(shapes_with_targets, key=str):
        found = compiler.domain(shape)
        assert found is not None
        prefixes, domain = found
        if (shape, SH.target, None) not in shapes:
            out += compiler.checks(shape, domain, prefixes)
            continue
        targets = f"{prefixes}SELECT DISTINCT ?this WHERE {{ {domain} }}"
        out += [replace(c, targets=targets) for c in compiler.checks(shape, TARGETS, prefixes)]
    return _grouped(out)


def _grouped(checks: list[Check]) -> list[Check]:
    """Checks that test each value of the same path of the same focus nodes, one query:
    the focus nodes and values are read once (pyoxigraph does not share them)."""
    groups: dict[tuple[str, str, str], list[Check]] = {}
    for c in checks:
        if c.test is not None:
            groups.setdefault((c.targets, *c.test[:2]), []).append(c)
    out = []
    for c in checks:
        group = groups.get((c.targets, *c.test[:2])) if c.test is not None else None
        if group is None or len(group) == 1:
            out.append(replace(c, test=None))
        elif c is group[0]:
            prefixes, values, _ = c.test  # type: ignore[misc]
            tests = [f"(?k = {k} && ({m.test[2]}))" for k, m in enumerate(group)]  # type: ignore[index]
            keys = " ".join(str(k) for k in range(len(group)))
            query = (
                f"{prefixes}SELECT DISTINCT ?this ?value ?k WHERE {{ {values} "
                f"VALUES ?k {{ {keys} }} FILTER({' || '.join(tests)}) }}"
            )
            members = tuple(replace(m, test=None) for m in group)
            out.append(replace(members[0], query=query, members=members))
    return out


@lru_cache(maxsize=1)
def compiled_checks() -> tuple[Check, ...]:
    """The checks of ``ontology/shapes/*.ttl``, compiled once per process."""
    return tuple(compile_shapes(shapes_graph()))


__all__ = ["COMPONENTS", "Check", "UnsupportedShape", "compile_shapes", "compiled_checks"]
