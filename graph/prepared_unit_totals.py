"""A unit's total row against the sum of its projects, decided when a document's facts are
prepared (:mod:`graph.prepared`) and written with them.

``queries/unit_totals_mismatch.rq`` compared, for every document graph, each unit's total
row with the sum of the unit's projects in the same document: two aggregates over every
project of the store (more than 120 s at 10⁶ indicators). The comparison never looks past
one document, so it is made once, on the document alone, by the same text
(``queries/prepared_unit_total_checks.rq``), and each mismatch is written in the document's
facts graph as a ``jx:UnitTotalMismatch`` with its numbers (the unit total, the projects'
sum and how many projects, as the aggregates gave them): the audit query lists those.
``jx:checksUnitTotals`` on the facts node says the facts were written by this code, so
:func:`graph.prepared.stale_facts` tells facts written before it (:func:`unchecked`).
"""

from __future__ import annotations

import hashlib
from typing import Protocol

import pyoxigraph as ox

from jixiao.graph.namespaces import JX

XSD = "http://www.w3.org/2001/XMLSchema#"
_CHECKS = ox.NamedNode(str(JX.checksUnitTotals))


class DocumentGraph(Protocol):
    store: ox.Store
    name: ox.NamedNode


def unit_total_facts(graph: DocumentGraph, facts: str) -> list[str]:
    """The N-Triples lines of the facts graph ``facts`` that record each unit total of the
    document ``graph`` not matching its projects, and the mark that it was checked."""
    from jixiao.queries.prepared import prepared

    text, _ = prepared("prepared_unit_total_checks").bind({"document": graph.name})
    lines = [f'<{facts}> <{JX.checksUnitTotals}> "true"^^<{XSD}boolean> .']
    for row in graph.store.query(text):  # type: ignore[union-attr]
        unit, year = row["unit"], row["fiscalYear"]  # type: ignore[index]
        key = hashlib.sha1(f"{unit}\n{year}".encode()).hexdigest()[:16]
        node = f"<{facts}/unitTotals/{key}>"
        lines += [
            f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{JX.UnitTotalMismatch}> .",
            f"{node} <{JX.checkedDocument}> {graph.name} .",
            f"{node} <{JX.checkedUnit}> {unit} .",
            f"{node} <{JX.checkedYear}> {year} .",
            f"{node} <{JX.unitTotal}> {row['unitTotal']} .",  # type: ignore[index]
            f"{node} <{JX.projectSum}> {row['projectSum']} .",  # type: ignore[index]
            f"{node} <{JX.checkedProjects}> {row['projects']} .",  # type: ignore[index]
        ]
    return lines


def unchecked(store: ox.Store, facts: str) -> bool:
    """Whether the facts graph ``facts`` was written before unit totals were checked."""
    found = store.quads_for_pattern(None, _CHECKS, None, ox.NamedNode(facts))
    return next(iter(found), None) is None


__all__ = ["unchecked", "unit_total_facts"]
