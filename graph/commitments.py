"""A project's goal-text commitments as triples (see ``jx:Commitment`` in ontology/jx.ttl).

Each commitment :func:`extract.semantics.commitment_match.check_goal` finds becomes a
``jx:Commitment`` node ``<project>/c<n>`` (n from 1, in text order) with its text, span,
object, quantity, unit and deadline; ``jx:measuredBy`` links the indicators
whose targets agree (or print no number), ``jx:disagreesWith`` those that name another
number. A commitment with neither is measured by no indicator
(``queries/unmeasured_commitments.rq``).

Only a project printed with indicators gets its commitments: a budget document that
prints the goal text but no indicator table (部门预算) cannot say what measures them, and
the project's commitments come from the document that prints both (the same goal text
gives the same nodes in either).
"""

from __future__ import annotations

from collections.abc import Callable

from jixiao.extract.doc_records import Document, Project
from jixiao.extract.semantics.commitment_match import CommitmentCheck, as_dict, check_goal
from jixiao.graph import iris
from jixiao.graph.namespaces import JX
from jixiao.graph.nt_terms import decimal, integer, iri, string

Add = Callable[[str, str, str], None]
# No jx:comparator: the target shapes select the subjects of jx:comparator (a commitment's
# comparator stays in its text and in the ingest report).
_NAMES = """Commitment commits rawText object quantity spanStart spanEnd unitText deadline
measuredBy disagreesWith"""
T = {name: f"<{getattr(JX, name)}>" for name in _NAMES.split()}
T["type"] = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def commitment_iri(project: str, index: int) -> str:
    return f"{project}/c{index}"


def add_commitments(add: Add, project: str, proj: Project) -> list[CommitmentCheck]:
    """The triples of ``proj``'s commitments; ``project`` is its N-Triples IRI term."""
    if not proj.goal or not proj.indicators:
        return []

    checks = check_goal(proj.goal, proj.indicators, proj.fiscal_year)
    terms = T
    for n, check in enumerate(checks, start=1):
        c = check.commitment
        s = iri(commitment_iri(project[1:-1], n))
        add(project, terms["commits"], s)
        add(s, terms["type"], terms["Commitment"])
        add(s, terms["rawText"], string(c.text))
        add(s, terms["object"], string(c.object))
        add(s, terms["quantity"], decimal(c.quantity))
        add(s, terms["spanStart"], integer(c.start))
        add(s, terms["spanEnd"], integer(c.end))
        if c.unit:
            add(s, terms["unitText"], string(c.unit))
        if c.deadline is not None:
            add(s, terms["deadline"], string(c.deadline.value))
        for m in check.measures:
            ind = iri(iris.indicator_iri(project[1:-1], m.position))
            add(s, terms["disagreesWith" if m.agrees is False else "measuredBy"], ind)
    return checks


def commitments_report(doc: Document) -> list[dict[str, object]]:
    """The ingest report's commitments: one entry per project whose goal text states
    any, in document order (``extract.semantics.commitment_match.as_dict`` each)."""
    out: list[dict[str, object]] = []
    for proj in doc.projects:
        if not proj.goal or not proj.indicators:
            continue
        checks = check_goal(proj.goal, proj.indicators, proj.fiscal_year)
        if checks:
            out.append(
                {
                    "project": proj.name,
                    "line": proj.line,
                    "commitments": [as_dict(k) for k in checks],
                }
            )
    return out
