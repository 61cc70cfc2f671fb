"""Counts prepared over the **union**, per unit and year: how many members each prepared set
and each indicator tally has.

``queries/prepared_totals.rq`` and ``prepared_indicator_counts.rq`` used to count members
(``?p jx:inSet ?set``, ``?tally jx:countsIndicator ?i``) when asked: one index range scan
per set, but over every member of the store, seconds at 10⁶ indicators. Members are triples
of the union (a project or an indicator two documents give is one member), so a count per
document could not be summed. The counts are written instead in the project graph of the
unit and year (:mod:`graph.prepared_projects`), which is prepared again, for the union as it
will be, whenever a document touching that unit and year is written or removed, in the same
transaction; :func:`graph.prepared.stale_facts` prepares it again to tell a stale one:

- ``<set> jx:memberCount n`` for each set of the unit and year with members (``all``,
  ``indicators``: members from the documents' facts; ``lacks/<c>``, ``complete``: written by
  the project graph itself);
- ``<tally> jx:indicatorCount n ; jx:projectCount m`` for each indicator tally of the unit
  and year (its distinct ``jx:countsIndicator`` and ``jx:countsProject`` members);
- on the ``all`` set, ``jx:unitProjectCount`` and ``jx:unitIndicatorCount``: the projects
  the union gives the unit and year and their distinct indicators
  (``queries/indicator_count_per_unit.rq``; a project without indicators counts).

A count is an ``xsd:integer``, as ``COUNT`` gives it, so the queries give the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

import pyoxigraph as ox

from jixiao.graph.namespaces import JX

XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTED = {  # a tally's member predicates → what the count of its members is written as
    str(JX.countsIndicator): str(JX.indicatorCount),
    str(JX.countsProject): str(JX.projectCount),
}
_WHAT = {"indicator": str(JX.countsIndicator), "project": str(JX.countsProject)}

Members = defaultdict[str, defaultdict[str, set[str]]]  # tally → member predicate → members


def new_members() -> Members:
    """An empty record of tally members (what a batch's new facts texts give)."""
    return defaultdict(lambda: defaultdict(set))


def note_member(members: Members, triple: ox.Triple) -> None:
    """Record ``triple`` in ``members`` if it makes a tally member."""
    if triple.predicate.value in COUNTED:
        members[triple.subject.value][triple.predicate.value].add(triple.object.value)


def _count(node: str, predicate: str, n: int) -> str:
    return f'<{node}> <{predicate}> "{n}"^^<{XSD}integer> .'


def set_counts(sizes: Mapping[str, int]) -> list[str]:
    """``jx:memberCount`` of each set (IRI → members), those with members only."""
    return [_count(node, str(JX.memberCount), n) for node, n in sorted(sizes.items()) if n]


def unit_counts(
    node: str, unit: str, year: str, projects: Iterable[Mapping[str, set[str]]]
) -> list[str]:
    """On the unit and year's ``all`` set ``node``: ``jx:unitProjectCount``, the projects the
    union gives that unit and year (``jx:unit``, ``jx:fiscalYear``), and
    ``jx:unitIndicatorCount``, their distinct indicators (``projects``: what the union says of
    each, by kind), as ``queries/indicator_count_per_unit_scan.rq`` counts them."""
    chosen = [p for p in projects if unit in p.get("unit", ()) and year in p.get("year", ())]
    if not chosen:
        return []
    indicators = set().union(*(p.get("indicators", set()) for p in chosen))
    return [
        _count(node, str(JX.unitProjectCount), len(chosen)),
        _count(node, str(JX.unitIndicatorCount), len(indicators)),
    ]


def tally_counts(
    rows: Iterable[Mapping[str, str]],
    skip: Callable[[str | None], bool],
    new: Members,
    prefix: str,
) -> list[str]:
    """The count lines of each tally named ``<prefix><category>`` (``prefix``: the unit's
    ``…/indicators/<year>/``): members of the stored graphs that ``skip`` leaves in
    (``rows`` of ``queries/prepared_tally_members.rq``) and those of the new texts."""
    union = new_members()
    for row in rows:
        if not skip(row.get("graph")):
            union[row["tally"]][_WHAT[row["what"]]].add(row["member"])
    for tally, found in new.items():
        if tally.startswith(prefix) and "/" not in tally[len(prefix) :]:
            for predicate, members in found.items():
                union[tally][predicate] |= members
    lines = []
    for tally, found in sorted(union.items()):
        for predicate, members in sorted(found.items()):
            if members:
                lines.append(_count(tally, COUNTED[predicate], len(members)))
    return lines


__all__ = [
    "COUNTED",
    "Members",
    "new_members",
    "note_member",
    "set_counts",
    "tally_counts",
    "unit_counts",
]
