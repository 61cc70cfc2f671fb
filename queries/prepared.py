"""Checked query objects: every ``.rq`` file read once, its ``#+`` header checked against its
text, and values bound as SPARQL terms (never as request text).

A file declares what a caller may change, and nothing else can be:

- ``#+ params: year (xsd:gYear), p (iri, many), …`` (or ``none``). A parameter is bound where
  the text says ``VALUES ?year { UNDEF }`` (or ``VALUES (?a ?b) { (UNDEF UNDEF) }``): the
  ``UNDEF`` is replaced by the terms given, each written by pyoxigraph, and a placeholder
  whose parameters are not given is left out (the same as ``UNDEF``, without the join). A
  parameter without a placeholder is a projected variable that pyoxigraph substitutes
  (``substitutions``). ``limit``/``offset`` (integers) fill ``LIMIT ?limit OFFSET ?offset``
  (and ``?pageEnd``, ``LIMIT ?pageEnd``: ``?offset + ?limit``, where the page ends).
- ``#+ slots: mode = strict | lenient; page = all | offset | after``: a slot chooses among a
  closed set of alternatives (the first is the default); a line ``#? mode=lenient …`` is kept
  (without its ``#? mode=lenient`` mark) only when that alternative is chosen (``#? a=x,y``:
  either); a line of the default ends with its mark instead (``… #? mode=strict``). Marks nest
  (``#? page=offset … #? mode=strict``: kept when both are chosen). Run as it is
  (in any SPARQL tool, ``jixiao query``), a file is its default alternatives with every
  parameter unbound.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from jixiao.queries import (
    PARAM_KINDS,
    check_parameter,
    declared_parameters,
    list_queries,
    load_query,
    metadata,
)

Value = ox.NamedNode | ox.Literal
XSD = "http://www.w3.org/2001/XMLSchema#"

_SLOT_LINE = re.compile(r"^\s*#\?\s*(\w+)=([\w,]+)\s?(.*)$")  # kept only when chosen
_LIVE_LINE = re.compile(r"^(.*\S)\s+#\?\s*(\w+)=([\w,]+)\s*$")  # a default's line, live
_PLACEHOLDER = re.compile(
    r"VALUES\s*(\?\w+|\(\s*(?:\?\w+\s*)+\))\s*\{\s*(?:UNDEF|\(\s*(?:UNDEF\s*)+\))\s*\}"
)
_PAGE = re.compile(r"LIMIT\s+\?limit(?:\s+OFFSET\s+\?offset)?")
_END = re.compile(r"(LIMIT\s+)?\?pageEnd\b")  # offset + limit: where a page ends


class QueryDefinitionError(ValueError):
    """A ``.rq`` file whose header does not match its text (names the file and the line)."""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str  # a key of queries.PARAM_KINDS
    many: bool = False


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    summary: str
    params: dict[str, Param]
    slots: dict[str, tuple[str, ...]]
    sorted: str = ""
    tags: tuple[str, ...] = ()
    _placeholders: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def internal(self) -> bool:
        return "internal" in self.tags

    def term(self, name: str, value: str) -> Value:
        """``value`` as a term of parameter ``name``; :class:`ValueError` says why not."""
        param = self.params.get(name)
        if param is None:
            known = ", ".join(self.params) or "none"
            raise ValueError(f"{self.name} takes no parameter {name!r} (parameters: {known})")
        problem = check_parameter(value, param.kind)
        if problem:
            raise ValueError(f"{name}: {problem}")
        if param.kind == "iri":
            return ox.NamedNode(value)  # the store's own IRI check
        if param.kind == "string":
            return ox.Literal(value)
        return ox.Literal(value, datatype=ox.NamedNode(XSD + param.kind))

    def bind(
        self,
        values: Mapping[str, Value | Sequence[Value] | None] | None = None,
        slots: Mapping[str, str] | None = None,
    ) -> tuple[str, dict[str, Value]]:
        """The text to run with ``values`` bound and ``slots`` chosen, and the substitutions
        of the parameters that have no placeholder. Unknown names are refused."""
        given = {k: v for k, v in (values or {}).items() if v is not None}
        for name in given:
            if name not in self.params:
                raise ValueError(f"query {self.name}: no parameter {name!r}")
        text = self._choose(slots or {})
        text = _PLACEHOLDER.sub(lambda m: _fill(m, given, self.params), text)
        text = _PAGE.sub(lambda m: _page(m, given), text)
        text = _END.sub(lambda m: _end(m, given), text)
        substitutions = {
            k: v for k, v in given.items()
            if k not in self._placeholders and k not in ("limit", "offset")
        }  # fmt: skip
        for name, value in substitutions.items():
            if not isinstance(value, (ox.NamedNode, ox.Literal)):
                raise ValueError(f"query {self.name}: {name} takes one value")
        return text, substitutions  # type: ignore[return-value]

    def _choose(self, chosen: Mapping[str, str]) -> str:
        for slot, alternative in chosen.items():
            if alternative not in self.slots.get(slot, ()):
                raise ValueError(
                    f"query {self.name}: slot {slot} has no alternative {alternative!r}"
                )
        picks = {slot: chosen.get(slot, options[0]) for slot, options in self.slots.items()}
        out = []
        for line in self.text.splitlines():
            kept: str | None = line
            while kept is not None:  # marks nest: every one must be chosen (both slots)
                match = _SLOT_LINE.match(kept)
                live = None if match else _LIVE_LINE.match(kept)
                if match is None and live is None:
                    out.append(kept)
                    break
                if match is not None:
                    slot, options, rest = match.groups()
                else:
                    rest, slot, options = live.groups()  # type: ignore[union-attr]
                kept = rest if picks.get(slot) in options.split(",") else None
        return "\n".join(out) + "\n"


def _fill(match: re.Match[str], given: Mapping[str, object], params: Mapping[str, Param]) -> str:
    names = re.findall(r"\?(\w+)", match.group(1))
    if not any(n in given for n in names):
        return ""
    missing = [n for n in names if n not in given]
    if missing:
        raise ValueError(f"VALUES {match.group(1)} needs {', '.join(missing)} too")
    columns = [_as_list(given[n], params[n]) for n in names]
    if len({len(c) for c in columns}) != 1:
        raise ValueError(f"VALUES {match.group(1)}: as many values for each variable")
    if len(names) == 1:
        return f"VALUES ?{names[0]} {{ {' '.join(str(t) for t in columns[0])} }}"
    rows = " ".join("(" + " ".join(str(t) for t in row) + ")" for row in zip(*columns, strict=True))
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}"


def _as_list(value: object, param: Param) -> list[Value]:
    terms = list(value) if isinstance(value, (list, tuple)) else [value]
    if len(terms) > 1 and not param.many:
        raise ValueError(f"{param.name} takes one value")
    for term in terms:
        if not isinstance(term, (ox.NamedNode, ox.Literal)):
            raise ValueError(f"{param.name}: not an RDF term: {term!r}")
    return terms  # type: ignore[return-value]


def _page(match: re.Match[str], given: Mapping[str, object]) -> str:
    def number(name: str, default: int | None) -> int | None:
        value = given.get(name)
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name}: a whole number, 0 or more, expected: {value!r}")
        return value

    limit, offset = number("limit", None), number("offset", 0)
    if limit is None:
        return ""
    return f"LIMIT {limit}" + (f" OFFSET {offset}" if "?offset" in match.group(0) else "")


def _end(match: re.Match[str], given: Mapping[str, object]) -> str:
    """``?pageEnd`` (``offset + limit``, a number); without a limit the page has no end:
    ``LIMIT ?pageEnd`` goes and ``?pageEnd`` stays an unbound variable."""
    limit, offset = given.get("limit"), given.get("offset") or 0
    if not isinstance(limit, int) or not isinstance(offset, int):
        return "" if match.group(1) else "?pageEnd"
    return f"{match.group(1) or ''}{limit + offset}"


def parse(name: str, text: str) -> Query:
    """The checked query of file ``name``.rq; :class:`QueryDefinitionError` when a declared
    parameter or slot is not used, or the text uses an undeclared one."""
    meta = metadata(text)

    def fail(what: str) -> QueryDefinitionError:
        line = next((i for i, t in enumerate(text.splitlines(), 1) if t.startswith("#+")), 1)
        return QueryDefinitionError(f"queries/{name}.rq, line {line}: {what}")

    if not re.search(r"/\s*[A-Z]", meta.get("summary", "")):
        raise fail("expected '#+ summary: 中文 / English'")
    params = {d.name: Param(d.name, d.kind, d.many) for d in declared_parameters(text)}
    for param in params.values():
        if param.kind not in PARAM_KINDS:
            raise fail(f"parameter {param.name}: unknown type {param.kind!r}")
    slots: dict[str, tuple[str, ...]] = {}
    for part in filter(None, (p.strip() for p in meta.get("slots", "").split(";"))):
        slot, _, options = part.partition("=")
        slots[slot.strip()] = tuple(o.strip() for o in options.split("|") if o.strip())
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
    placeholders = {
        v for m in _PLACEHOLDER.finditer(body) for v in re.findall(r"\?(\w+)", m.group(1))
    }
    for param in params.values():
        if f"?{param.name}" not in body:
            raise fail(f"parameter {param.name} is declared but the query never uses ?{param.name}")
    for n, line in enumerate(text.splitlines(), 1):
        match = _SLOT_LINE.match(line)
        live = None if match else _LIVE_LINE.match(line)
        slot, alternative = (match.group(1), match.group(2)) if match else (
            (live.group(2), live.group(3)) if live else ("", ""))  # fmt: skip
        where = f"queries/{name}.rq, line {n}: "
        for one in alternative.split(",") if slot else ():
            if one not in slots.get(slot, ()):
                raise QueryDefinitionError(f"{where}{slot}={one} is no declared slot")
        if live and slots[slot][0] not in alternative.split(","):
            raise QueryDefinitionError(
                f"{where}only the default {slot}={slots[slot][0]} may mark a live line; "
                f"expected '#? {slot}={alternative}' at the start of the line"
            )
    for var in placeholders - set(params):
        raise fail(f"VALUES ?{var} {{ UNDEF }} but no declared parameter {var}")
    return Query(
        name=name, text=text, summary=meta["summary"], params=params, slots=slots,
        sorted=meta.get("sorted", ""), tags=tuple(t.strip() for t in meta.get("tags", "").split(",")
                                                  if t.strip()),
        _placeholders=frozenset(placeholders),
    )  # fmt: skip


@lru_cache(maxsize=1)
def catalog() -> dict[str, Query]:
    """Every packaged query, parsed and checked once per process."""
    return {name: parse(name, load_query(name)) for name in list_queries()}


def prepared(name: str) -> Query:
    """The checked query ``name``; :class:`KeyError` when there is none."""
    queries = catalog()
    if name not in queries:
        raise KeyError(f"no query named {name!r}; known: {', '.join(sorted(queries))}")
    return queries[name]
