"""Row facts prepared at ingest for the first page of the target lists (issue #16).

``queries/satisfaction_below_90.rq`` and ``satisfaction_targets_below.rq`` list satisfaction
targets below a threshold sorted by year, unit and number; asked of the indicators, a page
looks up every satisfaction indicator's targets first (≈ 116,000 indicators at 10⁶, seconds).
``unmeasurable_targets.rq`` finds targets without a number with a ``MINUS`` over every target
(1.7 M at 10⁶). :func:`row_facts` writes, per document, what lets a page read only the rows:

- per unit, year and kind of satisfaction target (annual or period, ``%`` or ``分``, the
  indicator's level-2 or only its level-1 concept in the satisfaction category) a
  ``jx:TargetSet`` with ``jx:tallyUnit``, ``jx:tallyYear``, ``jx:targetProperty``,
  ``jx:setUnitText`` and ``jx:satisfactionBy``; for each target of it ``jx:memberKey`` on
  the set and ``jx:targetKey`` and ``jx:inTargetSet`` on the target. The key
  (:func:`target_key`) is the target's number plus a tie-break below 10⁻¹², one decimal
  stored inline: a page sorts and filters the sets' keys without reading the store and looks
  up only its own rows;
- ``jx:noNumber true`` on each target (``jx:Target``) without ``jx:number`` and not
  ``jx:qualitative``: the "no-number" candidates, which the query still checks against the
  union of all documents.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import ROUND_FLOOR, Decimal, InvalidOperation, localcontext
from typing import Protocol

import pyoxigraph as ox

from jixiao.graph import iris
from jixiao.graph.namespaces import JX
from jixiao.graph.nt_terms import typed

SATISFACTION = str(JX.CategorySatisfaction)
XSD = "http://www.w3.org/2001/XMLSchema#"
UNIT_TEXTS = {"%": "pct", "分": "points"}
_EXACT = Decimal(10) ** -12  # numbers on this grid get a tie-break below it
_TIE = 10**6  # tie-break values: 0 … 10⁶ − 1, in units of 10⁻¹⁸
_LIMIT = Decimal(10) ** 15  # beyond it, the key is the number itself
_STORED = Decimal(10) ** -18  # a stored xsd:decimal has 18 decimals at most
_LARGEST = Decimal(2) ** 127 / Decimal(10) ** 18  # … and 127 bits
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_P = {
    name: ox.NamedNode(str(getattr(JX, name)))
    for name in [
        "hasIndicator",
        "fiscalYear",
        "unit",
        "level1",
        "level2",
        "annualTarget",
        "periodTarget",
        "unitText",
        "number",
        "rawText",
        "name",
        "qualitative",
        "Target",
    ]
}


class Graph(Protocol):
    def quads_for_pattern(
        self, s: ox.NamedNode | None, p: ox.NamedNode | None, o: ox.Term | None
    ) -> object: ...


def target_key(number: str, target: str) -> str | None:
    """The ``xsd:decimal`` lexical form of the key of ``target`` whose number is ``number``
    (None if ``number`` is not a decimal). Keys order as the numbers do, and ``key < t`` holds
    exactly when ``number < t`` for any threshold ``t`` with at most 12 decimals: a number
    with at most 12 decimals gets ``number + h·10⁻¹⁸`` (``h`` < 10⁶ − 1 from the target IRI's
    digest, so equal numbers rarely share a key); a number with more decimals gets the
    last key of its cell of 10⁻¹² (numbers in one such cell tie); beyond ±10¹⁵ a number is
    its own key, rounded down to the 18 decimals a stored ``xsd:decimal`` keeps."""
    try:
        value = Decimal(number.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= _LARGEST:
        return None
    with localcontext() as context:
        context.prec = 60  # exact for every decimal the store keeps
        return _key(value, target)


def _key(value: Decimal, target: str) -> str:
    if abs(value) >= _LIMIT:  # the number itself, as the store keeps it
        return _decimal(value.quantize(_STORED, rounding=ROUND_FLOOR))
    if value % _EXACT != 0:  # past 12 decimals: above every key of its cell's number
        cell = value.quantize(_EXACT, rounding=ROUND_FLOOR)
        return _decimal(cell + Decimal(_TIE - 1).scaleb(-18))
    tie = int(hashlib.sha1(target.encode("utf-8")).hexdigest()[:12], 16) % (_TIE - 1)
    return _decimal(value + Decimal(tie).scaleb(-18))


def _decimal(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + ".0" if "." not in text else text


def _objects(graph: Graph, s: ox.Term, p: str) -> list[ox.Term]:
    return [q.object for q in graph.quads_for_pattern(s, _P[p], None)]  # type: ignore[attr-defined]


def target_set_iri(unit: str, year: str, prop: str, unit_text: str, by: str) -> str:
    """A set of satisfaction targets of a unit and year (kinds as in the module notes)."""
    return f"{unit}/satisfaction/{year}/{prop}/{UNIT_TEXTS[unit_text]}/{by}"


def _satisfaction_by(graph: Graph, indicator: ox.Term) -> str | None:
    category = iris.frames().category
    for level in ("level2", "level1"):
        if any(category.get(c.value) == SATISFACTION for c in _objects(graph, indicator, level)):
            return level
    return None


def row_facts(graph: Graph) -> list[str]:
    """N-Triples lines (without the final newline) of the row facts of one document graph."""
    lines: list[str] = []
    sets: dict[str, tuple[str, str, str, str, str]] = {}
    owners: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
    for quad in graph.quads_for_pattern(None, _P["hasIndicator"], None):  # type: ignore[attr-defined]
        project = quad.subject
        years = [y.value for y in _objects(graph, project, "fiscalYear")]
        units = [u.value for u in _objects(graph, project, "unit")]
        owners[quad.object.value].update((u, y) for u in units for y in years)
    for indicator_iri, places in sorted(owners.items()):
        indicator = ox.NamedNode(indicator_iri)
        by = _satisfaction_by(graph, indicator) if places else None
        if by is None or not _objects(graph, indicator, "name"):
            continue
        for prop in ("annualTarget", "periodTarget"):
            for target in _objects(graph, indicator, prop):
                lines += _target_lines(graph, target, places, prop, by, sets)
    for node, (unit, year, prop, unit_text, by) in sorted(sets.items()):
        lines += [
            f"<{node}> {_RDF_TYPE} <{JX.TargetSet}> .",
            f"<{node}> <{JX.tallyUnit}> <{unit}> .",
            f"<{node}> <{JX.tallyYear}> {typed(year, 'gYear')} .",
            f"<{node}> <{JX.targetProperty}> <{getattr(JX, prop)}> .",
            f'<{node}> <{JX.setUnitText}> "{unit_text}" .',
            f"<{node}> <{JX.satisfactionBy}> <{getattr(JX, by)}> .",
        ]
    lines += _no_number(graph)
    return lines


def _target_lines(
    graph: Graph,
    target: ox.Term,
    places: set[tuple[str, str]],
    prop: str,
    by: str,
    sets: dict[str, tuple[str, str, str, str, str]],
) -> list[str]:
    if not isinstance(target, ox.NamedNode) or not _objects(graph, target, "rawText"):
        return []
    lines = []
    for unit_text in {t.value for t in _objects(graph, target, "unitText")} & set(UNIT_TEXTS):
        for number in _objects(graph, target, "number"):
            key = target_key(number.value, target.value)
            if key is None:
                continue
            lines.append(f"<{target.value}> <{JX.targetKey}> {typed(key, 'decimal')} .")
            for unit, year in sorted(places):
                node = target_set_iri(unit, year, prop, unit_text, by)
                sets[node] = (unit, year, prop, unit_text, by)
                lines.append(f"<{node}> <{JX.memberKey}> {typed(key, 'decimal')} .")
                lines.append(f"<{target.value}> <{JX.inTargetSet}> <{node}> .")
    return lines


def no_number_targets(graph: Graph) -> list[str]:
    """The targets (``jx:Target``) of ``graph`` without ``jx:number`` and not qualitative."""
    found = []
    for quad in graph.quads_for_pattern(None, _RDF_TYPE, _P["Target"]):  # type: ignore[attr-defined]
        target = quad.subject
        if _objects(graph, target, "number"):
            continue
        if any(q.value == "true" for q in _objects(graph, target, "qualitative")):
            continue
        found.append(target.value)
    return found


def _no_number(graph: Graph) -> list[str]:
    return sorted(
        f'<{target}> <{JX.noNumber}> "true"^^<{XSD}boolean> .'
        for target in no_number_targets(graph)
    )
