"""Order keys prepared at ingest for the first page of two string-sorted audit lists (issue #16).

``queries/unmeasurable_targets.rq`` sorts by year, then by the string ``project ⊕ indicator ⊕
target``; ``queries/implausible_rates.rq`` by year, then ``project ⊕ indicator`` (``⊕`` is
``\\u0001``). Sorting by those strings means reading three IRIs per candidate (≈ 140 µs each at
10⁶, seconds for a page); ``implausible_rates`` finds its candidates by scanning every ``%``
target and every indicator name. :func:`order_facts` writes, per document, one inline
``xsd:decimal`` per row that the document alone decides:

- ``jx:unmeasurableKey`` on each target marked placeholder, classified or qualitative, or
  with no number (``jx:noNumber`` of :mod:`graph.prepared_rows`), once per (year, project,
  indicator) that reaches it in this document;
- ``jx:implausibleKey`` on each indicator with a row of ``implausible_rates.rq`` in this
  document (a ``%`` target outside 0–100, or a name ending in 率 with a number not in ``%``),
  once per (year, project).

A key (:func:`order_key`) never decreases along the list's order: the year in the high bits,
then where the sort string stands against the year's project prefix (``…/project/2026/``:
before it, in it, after it), then the 13 bytes of the string after that prefix (the
project's digest). Keys tie (every row of one project, strings that leave the prefix), so a
page takes the key ``k`` in place ``offset + limit`` of the sorted keys and sorts only the
rows whose key is at most ``k`` exactly: rows of the last project and ties included, so the
page is the very slice of the whole answer (``tests/test_first_page.py``). As the target sets
of :mod:`graph.prepared_rows`, a key is a fact of one document: a row whose parts come only
from different documents has none.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation, localcontext

import pyoxigraph as ox

from jixiao.graph.namespaces import JX
from jixiao.graph.nt_terms import typed
from jixiao.graph.prepared_rows import Graph, no_number_targets

BASE = "https://w3id.org/jixiao/id/"
SEP = "\u0001"
TAIL = 13  # bytes of the string after the prefix: 104 bits
_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#" + t
    for t in ("decimal", "integer", "double", "float", "int", "long")
}
_P = {
    name: ox.NamedNode(str(getattr(JX, name)))
    for name in [
        "hasIndicator",
        "fiscalYear",
        "annualTarget",
        "periodTarget",
        "unitText",
        "number",
        "upperNumber",
        "rawText",
        "name",
        "placeholder",
        "classified",
        "qualitative",
    ]
}


def order_key(year: str, sort: str) -> str | None:
    """The ``xsd:decimal`` lexical form of the key of a row of ``year`` (a ``gYear``) whose
    sort string is ``sort``; None for a year that is not a plain year 0–9999. For rows ``a``
    before ``b`` in the order (year, then string), ``key(a) ≤ key(b)``."""
    text = year.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    prefix = f"{BASE}project/{text}/"
    if sort.startswith(prefix):
        region, tail = 1, sort[len(prefix) :].encode("utf-8")[:TAIL].ljust(TAIL, b"\0")
    else:
        region, tail = (0 if sort < prefix else 2), bytes(TAIL)
    raw = (((int(text) << 2) | region) << (8 * TAIL)) | int.from_bytes(tail, "big")
    with localcontext() as context:
        context.prec = 60
        value = format(Decimal(raw).scaleb(-18), "f")
    return value if "." in value else value + ".0"


def _objects(graph: Graph, s: ox.Term, p: str) -> list[ox.Term]:
    return [q.object for q in graph.quads_for_pattern(s, _P[p], None)]  # type: ignore[attr-defined]


def _true(graph: Graph, s: ox.Term, p: str) -> bool:
    return any(o.value == "true" for o in _objects(graph, s, p))


def _numbers(graph: Graph, s: ox.Term, p: str) -> list[Decimal]:
    out = []
    for term in _objects(graph, s, p):
        if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
            try:
                out.append(Decimal(term.value.strip()))
            except InvalidOperation:
                continue
    return out


def _places(graph: Graph) -> defaultdict[str, set[tuple[str, str]]]:
    """Indicator IRI → the (year, project) pairs of its projects in this document."""
    places: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
    for quad in graph.quads_for_pattern(None, _P["hasIndicator"], None):  # type: ignore[attr-defined]
        project = quad.subject
        for year in _objects(graph, project, "fiscalYear"):
            places[quad.object.value].add((year.value, project.value))
    return places


def _implausible(graph: Graph, indicator: ox.Term, target: ox.Term) -> bool:
    names = [n.value for n in _objects(graph, indicator, "name")]
    if not names or not _objects(graph, target, "rawText"):
        return False
    numbers = _numbers(graph, target, "number")
    if not numbers:
        return False
    units = {u.value for u in _objects(graph, target, "unitText")}
    uppers = _numbers(graph, target, "upperNumber")
    if "%" in units and (any(n < 0 or n > 100 for n in numbers) or any(u > 100 for u in uppers)):
        return True  # out-of-range
    return any(n.endswith("率") for n in names) and units != {"%"}  # not-percent


def _candidate(graph: Graph, target: ox.Term, no_number: set[str]) -> bool:
    """Whether ``target`` is a candidate of the unmeasurable list in this document."""
    if target.value in no_number:
        return True
    return any(_true(graph, target, p) for p in ("placeholder", "classified", "qualitative"))


def order_facts(graph: Graph) -> list[str]:
    """N-Triples lines (without the final newline) of the order keys of one document graph."""
    no_number = set(no_number_targets(graph))
    unmeasurable, implausible = f"<{JX.unmeasurableKey}>", f"<{JX.implausibleKey}>"
    lines: set[str] = set()
    for indicator_iri, places in sorted(_places(graph).items()):
        indicator = ox.NamedNode(indicator_iri)
        has_name = bool(_objects(graph, indicator, "name"))
        with_row = False  # a row of implausible_rates.rq
        for prop in ("annualTarget", "periodTarget"):
            for target in _objects(graph, indicator, prop):
                if not isinstance(target, ox.NamedNode):
                    continue
                with_row = with_row or _implausible(graph, indicator, target)
                if not has_name or not _objects(graph, target, "rawText"):
                    continue
                if not _candidate(graph, target, no_number):
                    continue
                for year, project in places:
                    key = order_key(year, SEP.join((project, indicator_iri, target.value)))
                    if key is not None:
                        lines.add(f"<{target.value}> {unmeasurable} {typed(key, 'decimal')} .")
        for year, project in places if with_row else ():
            key = order_key(year, project + SEP + indicator_iri)
            if key is not None:
                lines.add(f"<{indicator_iri}> {implausible} {typed(key, 'decimal')} .")
    return sorted(lines)
