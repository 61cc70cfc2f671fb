"""Nested SHACL shapes (in ``sh:or``, ``sh:not``, ``sh:node``, ``sh:qualifiedValueShape``)
compiled as filters on a SPARQL pattern ``A`` that binds a variable: :meth:`conform` keeps
the solutions whose node conforms to the shape, :meth:`violate` those that do not.

Absence is written with ``MINUS`` or aggregates, never ``FILTER NOT EXISTS`` (quadratic in
pyoxigraph 0.5, shared/architecture.md); a set that needs no outer binding is a subquery,
so that pyoxigraph joins it by hashing (:mod:`graph.validation.compile_text`).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from jixiao.graph.validation.compile_text import UnsupportedShape, python_regex, scan, term
from jixiao.graph.validation.findings import named_shape

# constraint parameter → local name of its constraint component
COMPONENTS = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH.hasValue: "HasValue",
    SH["in"]: "In",
    SH.pattern: "Pattern",
    SH.minLength: "MinLength",
    SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive",
    SH["not"]: "Not",
    SH.node: "Node",
    SH["or"]: "Or",
    SH.equals: "Equals",
    SH.qualifiedValueShape: "Qualified",
    SH.sparql: "SPARQL",
}
COUNTS = (SH.minCount, SH.maxCount, SH.hasValue, SH.equals, SH.qualifiedValueShape)
_IGNORED = {
    SH.path, SH.severity, SH.message, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.target, SH.property, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.deactivated, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.declare, SH.prefixes,
}  # fmt: skip
_AGGREGATES = {
    SH.minCount, SH.maxCount, SH.hasValue, SH["in"], SH.pattern, SH.minLength, SH.minInclusive,
    SH.maxInclusive,
}  # fmt: skip
_PATHS = {
    SH.alternativePath: "|",
    SH.inversePath: "^",
    SH.zeroOrMorePath: "*",
    SH.oneOrMorePath: "+",
    SH.zeroOrOnePath: "?",
}


def as_int(node: Node | None) -> int:
    if not isinstance(node, Literal) or not isinstance(node.toPython(), int):
        raise UnsupportedShape(f"{node} is not an integer")
    return int(node.toPython())


class ShapeFilters:
    """Nested shapes as filters on a pattern ``A`` that binds a variable."""

    def __init__(self, shapes: Graph) -> None:
        self.g = shapes
        self.n = 0
        self.stack: list[Node] = []

    def var(self) -> str:
        self.n += 1
        return f"?_{self.n}"

    def label(self, shape: Node) -> str:
        return str(named_shape(self.g, shape)) + ("" if isinstance(shape, URIRef) else " (nested)")

    # -- reading shapes ------------------------------------------------------------

    def one(self, shape: Node, param: URIRef) -> Node | None:
        values = list(self.g.objects(shape, param))
        if len(values) > 1:
            raise UnsupportedShape(
                f"{self.label(shape)}: more than one {param.n3(self.g.namespace_manager)}"
            )
        return values[0] if values else None

    def items(self, node: Node) -> list[Node]:
        if node != RDF.nil and (node, RDF.first, None) not in self.g:
            raise UnsupportedShape(f"{node} is not an RDF list")
        return list(Collection(self.g, node))

    def constraints(self, shape: Node) -> list[tuple[URIRef, Node]]:
        """(parameter, value) of every constraint of ``shape``; sh:property last."""
        if (shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g:
            raise UnsupportedShape(f"{self.label(shape)}: implicit class targets are not supported")
        out: list[tuple[URIRef, Node]] = []
        for p in sorted(set(self.g.predicates(shape, None))):
            if not str(p).startswith(str(SH)) or p in _IGNORED:
                continue
            if p not in COMPONENTS:
                raise UnsupportedShape(
                    f"{self.label(shape)}: sh:{p.removeprefix(str(SH))} is not supported"
                )
            value = self.one(shape, p)
            assert value is not None
            out.append((p, value))
        if self.one(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
            raise UnsupportedShape(f"{self.label(shape)}: sh:qualifiedValueShapesDisjoint")
        out += [(SH.property, ps) for ps in sorted(self.g.objects(shape, SH.property), key=str)]
        return out

    def deactivated(self, shape: Node) -> bool:
        return self.one(shape, SH.deactivated) == Literal(True)

    def path(self, node: Node) -> str:
        """A SHACL path as a SPARQL property path."""
        return "/".join(self.steps(node))

    def steps(self, node: Node) -> list[str]:
        """The steps of a sequence path (one step for any other path)."""
        if isinstance(node, URIRef):
            return [f"<{node}>"]
        if (node, RDF.first, None) in self.g:
            return [step for n in self.items(node) for step in self.steps(n)]
        for key, symbol in _PATHS.items():
            inner = self.g.value(node, key)
            if inner is None:
                continue
            if key == SH.alternativePath:
                return ["(" + "|".join(self.path(n) for n in self.items(inner)) + ")"]
            if key == SH.inversePath:
                return [f"(^({self.path(inner)}))"]
            return [f"({self.path(inner)}){symbol}"]
        raise UnsupportedShape(f"unsupported path {node}")

    def scan(self, subject: str, path: Node, obj: str) -> str:
        return scan(subject, self.steps(path), obj, self.var)

    # -- nested shapes as filters on a pattern A that binds var -------------------------

    def enter(self, shape: Node) -> None:
        if shape in self.stack:
            raise UnsupportedShape(f"{self.label(shape)}: recursive shapes are not supported")
        self.stack.append(shape)

    def conform(self, shape: Node, var: str, a: str) -> str:
        if self.deactivated(shape):
            return a
        grouped = self.grouped_shape(shape, var)
        if grouped is not None:
            found, positive = grouped
            return f"{a} {found}" if positive else f"{a} MINUS {found}"
        self.enter(shape)
        for c in self.constraints(shape):
            a = self.constraint(shape, c, var, a, keep_conforming=True)
        self.stack.pop()
        return a

    def violate(self, shape: Node, var: str, a: str) -> str:
        if self.deactivated(shape):
            return f"{a} FILTER(false)"
        grouped = self.grouped_shape(shape, var)
        if grouped is not None:
            found, positive = grouped
            return f"{a} MINUS {found}" if positive else f"{a} {found}"
        cs = self.constraints(shape)
        if not cs:
            return f"{a} FILTER(false)"
        if len(cs) == 1:
            self.enter(shape)
            out = self.constraint(shape, cs[0], var, a, keep_conforming=False)
            self.stack.pop()
            return out
        universe = f"{{ SELECT DISTINCT {var} WHERE {{ {a} }} }}"
        return f"{a} MINUS {{ {self.conform(shape, var, universe)} }}"

    def grouped_shape(self, shape: Node, var: str) -> tuple[str, bool] | None:
        """A property shape whose constraints all aggregate over its values as one
        standalone set: of the conforming nodes (True) or of the violating ones (False)."""
        path, cs = self.one(shape, SH.path), self.constraints(shape)
        if path is None or len(cs) < 2 or any(p not in _AGGREGATES for p, _ in cs):
            return None
        w, tests, some = self.var(), [], False
        for p, value in cs:
            if p == SH.minCount:
                tests.append(f"COUNT(DISTINCT {w}) >= {as_int(value)}")
                some = some or as_int(value) > 0
            elif p == SH.maxCount:
                tests.append(f"COUNT(DISTINCT {w}) <= {as_int(value)}")
            elif p == SH.hasValue:
                tests.append(f"MAX(IF(sameTerm({w}, {term(value)}), 1, 0)) = 1")
                some = True
            else:
                ok = self.passes(shape, p, value, w)
                tests.append(f"MIN(IF(COALESCE({ok}, false), 1, 0)) = 1")
        test = " && ".join(tests)
        if not some:  # a node without values conforms: group the violating ones
            test = f"!({test})"
        found = f"{{ SELECT {var} WHERE {{ {self.scan(var, path, w)} }} GROUP BY {var} "
        return f"{found}HAVING ({test}) }}", some

    def constraint(
        self, shape: Node, c: tuple[URIRef, Node], var: str, a: str, keep_conforming: bool
    ) -> str:
        """``a`` filtered to the solutions whose ``var`` conforms to (or violates) ``c``."""
        param, value = c
        path_node = self.one(shape, SH.path)
        if param == SH.property:
            if path_node is not None:
                raise UnsupportedShape(f"{self.label(shape)}: sh:property on a property shape")
            method = self.conform if keep_conforming else self.violate
            return method(value, var, a)
        if param == SH.sparql:
            raise UnsupportedShape(f"{self.label(shape)}: sh:sparql in a nested shape")
        if param in COUNTS and path_node is not None:
            bad, positive = self.count_set(shape, param, value, var, path_node)
            if bad is None:  # trivially true
                return a if keep_conforming else f"{a} FILTER(false)"
            # positive: bad is the set of conforming nodes; else of violating ones
            if keep_conforming == positive:
                return f"{a} {bad}"
            return f"{a} MINUS {bad}"
        if param in (SH.minCount, SH.maxCount, SH.equals, SH.qualifiedValueShape):
            raise UnsupportedShape(f"{self.label(shape)}: {param} on a node shape")
        if path_node is None:  # value-wise on the node itself
            return self.value_test(shape, param, value, var, a, fail=not keep_conforming)
        w = self.var()
        values = self.scan(var, path_node, w)
        failing = self.value_test(shape, param, value, w, values, fail=True)
        if keep_conforming:
            return f"{a} MINUS {{ {failing} }}"
        return f"{a} {{ SELECT DISTINCT {var} WHERE {{ {failing} }} }}"

    def count_set(
        self, shape: Node, param: URIRef, value: Node, var: str, path: Node
    ) -> tuple[str | None, bool]:
        """A standalone pattern of the nodes that conform (True) or violate (False)."""
        w = self.var()
        values = self.scan(var, path, w)
        if param == SH.hasValue:
            return (
                f"{{ SELECT DISTINCT {var} WHERE {{ {self.scan(var, path, term(value))} }} }}",
                True,
            )
        if param == SH.equals:
            return (
                f"{{ SELECT DISTINCT {var} WHERE {{ {self.differ(var, path, value, w)} }} }}",
                False,
            )
        if param == SH.qualifiedValueShape:
            low, high = self.one(shape, SH.qualifiedMinCount), self.one(shape, SH.qualifiedMaxCount)
            if (low is None) == (high is None):
                raise UnsupportedShape(
                    f"{self.label(shape)}: one of sh:qualifiedMinCount, sh:qualifiedMaxCount"
                )
            bound = as_int(low if low is not None else high)
            matched = self.conform(value, w, values)
            if low is not None:
                if bound == 0:
                    return None, True
                return self.grouped(var, w, matched, f">= {bound}"), True
            return self.grouped(var, w, matched, f"> {bound}"), False
        bound = as_int(value)
        if param == SH.minCount:
            if bound == 0:
                return None, True
            if bound == 1:
                return f"{{ SELECT DISTINCT {var} WHERE {{ {values} }} }}", True
            return self.grouped(var, w, values, f">= {bound}"), True
        if bound == 0:  # sh:maxCount 0
            return f"{{ SELECT DISTINCT {var} WHERE {{ {values} }} }}", False
        return self.grouped(var, w, values, f"> {bound}"), False

    def differ(self, var: str, path: Node, other: Node, w: str) -> str:
        """Values ``w`` of ``var`` on one path and not on the other (sh:equals)."""
        mine, theirs = self.scan(var, path, w), self.scan(var, other, w)
        return f"{{ {mine} MINUS {{ {theirs} }} }} UNION {{ {theirs} MINUS {{ {mine} }} }}"

    @staticmethod
    def grouped(var: str, w: str, pattern: str, test: str) -> str:
        return (
            f"{{ SELECT {var} WHERE {{ {pattern} }} GROUP BY {var} "
            f"HAVING (COUNT(DISTINCT {w}) {test}) }}"
        )

    def value_test(
        self, shape: Node, param: URIRef, value: Node, w: str, a: str, fail: bool
    ) -> str:
        """``a`` filtered to the solutions whose value ``w`` fails (or passes) the test."""
        if param == SH["not"]:
            return (self.conform if fail else self.violate)(value, w, a)
        if param == SH.node:
            return (self.violate if fail else self.conform)(value, w, a)
        if param == SH["or"]:
            members = self.items(value)
            if fail:
                for member in members:
                    a = self.violate(member, w, a)
                return a
            universe = f"{{ SELECT DISTINCT {w} WHERE {{ {a} }} }}"
            failing = self.value_test(shape, param, value, w, universe, fail=True)
            return f"{a} MINUS {{ {failing} }}"
        ok = self.passes(shape, param, value, w)
        return f"{a} FILTER({'!' if fail else ''}({ok}))"

    def passes(self, shape: Node, param: URIRef, value: Node, w: str) -> str:
        """A SPARQL expression: value ``w`` passes the component (RDF term equality)."""
        if param == SH["in"]:
            return " || ".join(f"sameTerm({w}, {term(v)})" for v in self.items(value)) or "false"
        if param == SH.hasValue:
            return f"sameTerm({w}, {term(value)})"
        if param == SH.pattern:
            flags = self.one(shape, SH.flags)
            regex = python_regex(str(value))
            try:
                re.compile(str(value))
            except re.error as error:
                raise UnsupportedShape(f"invalid sh:pattern {str(value)!r}: {error}") from None
            args = term(Literal(regex)) + (
                "" if flags is None else ", " + term(Literal(str(flags)))
            )
            probe = ox.Store().query(f'SELECT (REGEX("", {args}) AS ?ok) WHERE {{}}')
            if next(iter(probe))["ok"] is None:  # type: ignore[index, call-overload]
                # an error would filter every value out: nothing would ever be reported
                raise UnsupportedShape(f"sh:pattern {str(value)!r}: not a pyoxigraph regex")
            return f"!isBlank({w}) && REGEX(STR({w}), {args})"
        if param == SH.minLength:
            return f"!isBlank({w}) && STRLEN(STR({w})) >= {as_int(value)}"
        if param in (SH.minInclusive, SH.maxInclusive):
            op = ">=" if param == SH.minInclusive else "<="
            return f"isLiteral({w}) && COALESCE({w} {op} {term(value)}, false)"
        raise UnsupportedShape(f"{param} cannot be used here")
