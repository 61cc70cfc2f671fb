"""Commitment findings prepared at ingest, for the first page of the commitment lists (issue #16).

``queries/unmeasured_commitments.rq`` lists the goal-text commitments (:mod:`graph.commitments`)
that no indicator measures, ``disagreeing_commitments.rq`` those whose measuring indicators all
state another number, both sorted by year, project IRI and place in the goal text. Asked of
the commitments, a page is a ``MINUS`` over every commitment and a sort of the whole answer
(minutes at 10⁶ indicators). A commitment and its matching are decided within one project of
one document, so :func:`commitment_facts` writes the finding with the document's facts:

- ``jx:unmeasuredKey`` on a commitment that has neither ``jx:measuredBy`` nor
  ``jx:disagreesWith`` in this document;
- per indicator a commitment ``jx:disagreesWith`` in this document when it has no
  ``jx:measuredBy`` here: a row node ``<commitment>/disagrees/<indicator's local name>``
  (a ``jx:Disagreement``) with ``jx:disagreementKey``, ``jx:disagreementOf`` (the commitment) and
  ``jx:disagreeingIndicator``.

These are candidates: a project two documents state (one IRI) may be measured in the other,
so the query checks each candidate against the union before it cuts the page. Every row of
the whole answer has a candidate (a commitment unmeasured in the union is unmeasured in each
document that states it).

The keys (:func:`order_key`, ``xsd:decimal``, stored inline by the store and compared without
reading strings) order as the queries' sort: the fiscal year, the project IRI
(``…/project/<year>/<16 hex digits>``: within a year, the order of the hex number), the
commitment's ``jx:spanStart``, then the indicator IRI (``<project>/i<position>``: the
position's digits in string order, each digit ``d`` as ``d + 1`` in base 11, padded with 0).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

import pyoxigraph as ox

from jixiao.graph.namespaces import JX
from jixiao.graph.nt_terms import typed

_P = {
    name: ox.NamedNode(str(getattr(JX, name)))
    for name in ["commits", "fiscalYear", "spanStart", "measuredBy", "disagreesWith"]
}
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PROJECT = re.compile(r"/project/(\d{4})/([0-9a-f]{16})$")
_INDICATOR = re.compile(r"/i(\d{1,6})$")
_DIGITS = 6  # positions up to 999,999: 11⁶ < 10⁷
_SPAN = 10**7  # spanStart below 10⁷


class Graph(Protocol):
    def quads_for_pattern(
        self, s: ox.NamedNode | None, p: ox.NamedNode | None, o: ox.Term | None
    ) -> object: ...


def position_code(digits: str) -> int:
    """A number that orders digit strings of up to 6 digits as strings (``"10" < "2"``)."""
    code = 0
    for place in range(_DIGITS):
        code = code * 11 + (int(digits[place]) + 1 if place < len(digits) else 0)
    return code


def order_key(year: int, project: str, start: int, indicator: str | None = None) -> str | None:
    """The ``xsd:decimal`` lexical form of the sort key of a commitment of ``project`` in
    ``year`` at ``start`` (and, for a disagreeing row, of its ``indicator``); None when
    the IRIs are not the project's own forms or a number is out of range: integer part
    ``year·10¹⁶ + (hex >> 12)``, 18 decimals ``(hex & 0xfff)·10¹⁴ + start·10⁷ + code``."""
    found = _PROJECT.search(project)
    if found is None or int(found.group(1)) != year or not 0 <= start < _SPAN:
        return None
    hexa = int(found.group(2), 16)
    code = 0
    if indicator is not None:
        local = _INDICATOR.search(indicator)
        if local is None or indicator[: local.start()] != project:
            return None
        code = position_code(local.group(1))
    fraction = (hexa & 0xFFF) * 10**14 + start * _SPAN + code
    return f"{year * 10**16 + (hexa >> 12)}.{fraction:018d}"  # 38 digits: no float, no rounding


def _objects(graph: Graph, s: ox.Term, p: str) -> list[ox.Term]:
    return [q.object for q in graph.quads_for_pattern(s, _P[p], None)]  # type: ignore[attr-defined]


def commitment_facts(graph: Graph) -> list[str]:
    """N-Triples lines (without the final newline) of the commitment findings of one
    document graph (module notes), sorted."""
    lines = []
    for quad in graph.quads_for_pattern(None, _P["commits"], None):  # type: ignore[attr-defined]
        project, commitment = quad.subject, quad.object
        years = [y.value for y in _objects(graph, project, "fiscalYear")]
        starts = [s.value for s in _objects(graph, commitment, "spanStart")]
        if not years or not starts or _objects(graph, commitment, "measuredBy"):
            continue
        year, start = int(min(years)[:4]), int(min(starts))
        c = commitment.value
        disagreeing = _objects(graph, commitment, "disagreesWith")
        if not disagreeing:
            key = order_key(year, project.value, start)
            if key is not None:
                lines.append(f"<{c}> <{JX.unmeasuredKey}> {typed(key, 'decimal')} .")
        for indicator in disagreeing:
            key = order_key(year, project.value, start, indicator.value)
            if key is None:
                continue
            row = f"<{c}/disagrees/{indicator.value.rsplit('/', 1)[-1]}>"
            lines += [
                f"{row} <{_TYPE}> <{JX.Disagreement}> .",
                f"{row} <{JX.disagreementKey}> {typed(key, 'decimal')} .",
                f"{row} <{JX.disagreementOf}> <{c}> .",
                f"{row} <{JX.disagreeingIndicator}> <{indicator.value}> .",
            ]
    return sorted(lines)


class _Named:
    """One named graph of a store, read by pattern."""

    def __init__(self, store: ox.Store, name: ox.NamedNode) -> None:
        self.store, self.name = store, name

    def quads_for_pattern(
        self, s: ox.NamedNode | None, p: ox.NamedNode | None, o: ox.Term | None
    ) -> object:
        return self.store.quads_for_pattern(s, p, o, self.name)


_WRITTEN = ["unmeasuredKey", "disagreementKey", "disagreementOf", "disagreeingIndicator"]


def refresh_commitment_facts(store: ox.Store, facts_graph: Callable[[str], str]) -> int:
    """Backfill: replace the commitment findings of every document of ``store`` (a store built
    before they were prepared) with :func:`commitment_facts` of its stored graph, each
    document's in its facts graph (``facts_graph(document)``) and in the union default graph.
    Reads each document's commitments once; returns the number of lines written."""
    for name in [*_WRITTEN, "Disagreement"]:
        pattern = f"?s <{getattr(JX, name)}> ?o"
        if name == "Disagreement":
            pattern = f"?s <{_TYPE}> <{JX.Disagreement}>"
        store.update(f"DELETE WHERE {{ {pattern} }}")
        store.update(f"DELETE WHERE {{ GRAPH ?g {{ {pattern} }} }}")
    query = f"SELECT ?d WHERE {{ GRAPH ?d {{ ?d a <{JX.SourceDocument}> }} }}"
    documents = [row["d"] for row in store.query(query)]  # type: ignore[union-attr,index]
    written = 0
    for document in documents:
        lines = commitment_facts(_Named(store, document))
        if not lines:
            continue
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        target = ox.NamedNode(facts_graph(document.value))
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES, to_graph=target)
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
        written += len(lines)
    return written
