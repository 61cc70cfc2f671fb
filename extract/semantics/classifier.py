"""Categories where the table printed none: the trained textcat's answer with its
confidence (:func:`infer`). A printed label is never replaced: callers fill only what is
missing and mark it inferred (:func:`fill_missing`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from jixiao.extract.lexicon import lookup
from jixiao.extract.records import Indicator
from jixiao.extract.semantics import pipeline
from jixiao.extract.semantics.features import as_text
from jixiao.extract.semantics.labels import fold_level1

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_PREFIX = "2:"  # textcat_level2's labels: "2:数量指标" (doc.cats is shared)


@dataclass(frozen=True, slots=True)
class Inference:
    level1: str
    level1_confidence: float
    level2: str
    level2_confidence: float
    lower_is_better: bool


def _category(label: str, level: int) -> str | None:
    found = lookup(label, level)
    return found.category if found else None


def _decide(doc: Doc, printed_level1: str | None = None) -> Inference:
    cats1 = {k: v for k, v in doc.cats.items() if k in LEVEL1}
    level1 = printed_level1 if printed_level1 in cats1 else max(cats1, key=cats1.get)
    category = _category(level1, 1)
    cats2 = {
        k.removeprefix(LEVEL2_PREFIX): v for k, v in doc.cats.items() if k.startswith(LEVEL2_PREFIX)
    }
    # level 2 within the level 1 (成本指标 under 产出 in older frames counts too)
    inside = {k: v for k, v in cats2.items() if _category(k, 2) == category} or cats2
    level2 = max(inside, key=inside.get)
    share = sum(inside.values()) or 1.0
    return Inference(
        level1,
        round(float(cats1[level1]), 4),
        level2,
        round(float(inside[level2] / share), 4),
        bool(doc._.lower_is_better),
    )


def infer_with(
    nlp: Language,
    items: Sequence[tuple[str, str | None]],
    printed_level1: Sequence[str | None] | None = None,
) -> list[Inference]:
    docs = nlp.pipe(as_text(name, target) for name, target in items)
    given = printed_level1 or [None] * len(items)
    return [_decide(doc, level1) for doc, level1 in zip(docs, given, strict=True)]


def infer(
    items: Sequence[tuple[str, str | None]],
    printed_level1: Sequence[str | None] | None = None,
) -> list[Inference]:
    """Level-1 and level-2 categories of indicators given as (name, target) pairs; where
    a level 1 was printed (``printed_level1``), level 2 is chosen inside it."""
    return infer_with(pipeline.load(), items, printed_level1)


def _target_raw(ind: Indicator) -> str:
    target = ind.annual_target or ind.period_target
    return target.raw if target else ""


def fill_missing(indicators: Sequence[Indicator]) -> list[tuple[Indicator, dict[str, float]]]:
    """Each indicator with its missing level 1 / level 2 filled by :func:`infer`, and the
    confidence of each level filled (``{"level1": 0.93}``; empty when both were printed).
    Printed labels are kept as printed."""
    todo = [i for i, ind in enumerate(indicators) if not ind.level1 or not ind.level2]
    out = [(ind, {}) for ind in indicators]
    if not todo:
        return out
    answers = infer(
        [(indicators[i].name, _target_raw(indicators[i])) for i in todo],
        [fold_level1(indicators[i].level1) for i in todo],
    )
    for i, answer in zip(todo, answers, strict=True):
        ind, filled = indicators[i], {}
        if not ind.level1:
            ind, filled["level1"] = ind._replace(level1=answer.level1), answer.level1_confidence
        if not ind.level2:
            ind, filled["level2"] = ind._replace(level2=answer.level2), answer.level2_confidence
        out[i] = (ind, filled)
    return out
