"""What the semantics layer adds to an indicator's triples.

- ``jx:lowerIsBetter true`` for an inverse indicator (不满意率, 投诉率, 故障率: the name
  counts something bad; :mod:`extract.semantics.direction`). Such an indicator never
  makes its project covered for satisfaction, whatever category it was filed under.
- For an indicator printed without any level label, the categories the classifier
  infers (``jx:inferredLevel1`` / ``jx:inferredLevel2``, each with its confidence): the
  printed labels (``jx:level1`` / ``jx:level2``) are never written from an inference,
  but the project's ``jx:coversCategory`` counts inferred categories, so "which projects
  lack a satisfaction indicator" has an answer for tables that print no labels.

The classifier (spaCy) is loaded only when a document has such indicators.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.extract.doc_records import Document
from jixiao.extract.records import Indicator

Key = tuple[int, int]  # (project line, indicator position)


def unlabelled(ind: Indicator) -> bool:
    return not ind.level1 and not ind.level2 and not ind.level1_code and not ind.level2_code


def _target_text(ind: Indicator) -> str:
    target = ind.annual_target or ind.period_target
    return target.raw if target else ""


def inferences(doc: Document) -> dict[Key, object]:
    """The classifier's answers for the document's unlabelled indicators."""
    todo = [(p.line, i) for p in doc.projects for i in p.indicators if unlabelled(i)]
    if not todo:
        return {}
    from jixiao.extract.semantics.classifier import infer

    answers = infer([(ind.name, _target_text(ind)) for _, ind in todo])
    return {(line, ind.position): a for (line, ind), a in zip(todo, answers, strict=True)}


def inferred_levels(inference: object | None) -> list[tuple[int, str, Decimal]]:
    """(level, canonical label, confidence) of an inference, level 1 first."""
    if inference is None:
        return []
    return [
        (1, inference.level1, Decimal(str(inference.level1_confidence))),
        (2, inference.level2, Decimal(str(inference.level2_confidence))),
    ]
