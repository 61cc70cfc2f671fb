"""Categories where the table printed none: the trained textcat's answer with its
confidence (:func:`infer`). A printed label is never replaced: callers fill only what is
missing and mark it inferred (:func:`fill_missing`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.language import Language

from jixiao.extract.lexicon import lookup
from jixiao.extract.records import Indicator
from jixiao.extract.semantics import cues, pipeline, scoring
from jixiao.extract.semantics.features import as_text, clean_name
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


@dataclass(frozen=True, slots=True)
class Scores:
    """What the two textcats say of one indicator: level-1 and level-2 probabilities."""

    level1: dict[str, float]
    level2: dict[str, float]
    lower_is_better: bool
    decided: frozenset[str] = frozenset()  # level-2 labels a decisive cue allows


def _decided(name: str, target: str | None) -> frozenset[str]:
    found = [c for c in cues.fired(clean_name(name), target or "") if c.decide]
    return frozenset(label for c in found for label in c.level2)


def scores_with(nlp: Language, items: Sequence[tuple[str, str | None]]) -> list[Scores]:
    """The textcats' scores of each (name, target), computed with numpy from the trained
    weights (:mod:`scoring`): the same answers as running the pipeline on each doc
    (:func:`scores_with_spacy`), several times faster."""
    if not items:
        return []
    score = scoring.scorer(nlp)
    level1, level2, inverse = score([as_text(name, target) for name, target in items])
    names1 = score.level1.labels
    names2 = [k.removeprefix(LEVEL2_PREFIX) for k in score.level2.labels]
    out = []
    for row, (name, target) in enumerate(items):
        cats1 = dict(zip(names1, level1[row].tolist(), strict=True))
        cats2 = dict(zip(names2, level2[row].tolist(), strict=True))
        out.append(Scores(cats1, cats2, inverse[row], _decided(name, target)))
    return out


def scores_with_spacy(nlp: Language, items: Sequence[tuple[str, str | None]]) -> list[Scores]:
    """The reference: the spaCy pipeline run on each indicator's doc."""
    out = []
    docs = nlp.pipe(as_text(name, target) for name, target in items)
    for (name, target), doc in zip(items, docs, strict=True):
        cats1 = {k: float(v) for k, v in doc.cats.items() if k in LEVEL1}
        cats2 = {
            k.removeprefix(LEVEL2_PREFIX): float(v)
            for k, v in doc.cats.items()
            if k.startswith(LEVEL2_PREFIX)
        }
        decided = _decided(name, target)
        out.append(Scores(cats1, cats2, bool(doc._.lower_is_better), decided))
    return out


# Viterbi over (level 1, level 2) pairs: a table prints its indicators in blocks of one
# category, so leaving the category of the indicator before costs SWITCH1 (level 1) and
# SWITCH2 (level 2) in log-probability; LEVEL1_WEIGHT weighs the level-1 textcat against
# the level-2 one. Measured by cross-validation (README); SWITCH = 0 decides each alone.
SWITCH1 = 1.0
SWITCH2 = 0.5
LEVEL1_WEIGHT = 1.0


def _pairs(scores: Sequence[Scores]) -> list[tuple[str, str]]:
    """Every (level 1, level 2) the textcats know: each level-2 label with the level 1
    it implies (成本指标 at level 2 is the older frame's cost under 产出指标)."""
    if not scores:
        return []
    by_category = {_category(k, 1): k for k in scores[0].level1}
    out = []
    for label2 in scores[0].level2:
        label1 = by_category.get(_category(label2, 2))
        if label1 is not None:
            out.append((label1, label2))
    return out


def _emissions(
    scores: Sequence[Scores],
    pairs: list[tuple[str, str]],
    printed_level1: Sequence[str | None],
    level1_weight: float,
) -> np.ndarray:
    """log-score of every pair for every indicator; −inf where a printed level 1 or a
    decisive cue rules the pair out (a cue that would rule out every pair is ignored)."""
    first = [l1 for l1, _ in pairs]
    second = [l2 for _, l2 in pairs]
    p1 = np.array([[score.level1[l1] for l1 in first] for score in scores])
    p2 = np.array([[score.level2[l2] for l2 in second] for score in scores])
    out = level1_weight * np.log(p1 + 1e-9) + np.log(p2 + 1e-9)
    masks: dict[tuple[str | None, frozenset[str]], np.ndarray] = {}
    for i, (score, printed) in enumerate(zip(scores, printed_level1, strict=True)):
        known = printed if printed in score.level1 else None
        if known is None and not score.decided:
            continue  # nothing rules a pair out
        mask = masks.get((known, score.decided))
        if mask is None:
            allowed = np.array([known is None or l1 == known for l1 in first])
            cued = allowed & np.array([l2 in score.decided for l2 in second])
            keep = cued if score.decided and cued.any() else allowed
            mask = masks[known, score.decided] = np.where(keep if keep.any() else True, 0, -np.inf)
        out[i] += mask
    return out


def decode(
    scores: Sequence[Scores],
    printed_level1: Sequence[str | None] | None = None,
    switch1: float = SWITCH1,
    switch2: float = SWITCH2,
    level1_weight: float = LEVEL1_WEIGHT,
) -> list[Inference]:
    """The best (level 1, level 2) of each indicator in order, blocks preferred."""
    if not scores:
        return []
    pairs = _pairs(scores)
    given = printed_level1 or [None] * len(scores)
    emit = _emissions(scores, pairs, given, level1_weight)
    first = np.array([l1 for l1, _ in pairs])
    second = np.array([l2 for _, l2 in pairs])
    # cost of going from pair j (rows) to pair k (columns)
    move = -(switch1 * (first[:, None] != first[None, :]))
    move = move - switch2 * (second[:, None] != second[None, :])
    best = emit[0]
    back = np.zeros((len(scores), len(pairs)), dtype=np.int64)
    for i in range(1, len(scores)):
        options = best[:, None] + move
        back[i] = options.argmax(axis=0)
        best = options[back[i], np.arange(len(pairs))] + emit[i]
    path = [int(best.argmax())]
    for i in range(len(scores) - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    path.reverse()
    out = []
    siblings = [[l2 for l1, l2 in pairs if l1 == label1] for label1, _ in pairs]
    for score, k in zip(scores, path, strict=True):
        label1, label2 = pairs[k]
        inside = sum(score.level2[l2] for l2 in siblings[k])
        out.append(
            Inference(
                label1,
                round(score.level1[label1], 4),
                label2,
                round(score.level2[label2] / (inside or 1.0), 4),
                score.lower_is_better,
            )
        )
    return out


def infer_with(
    nlp: Language,
    items: Sequence[tuple[str, str | None]],
    printed_level1: Sequence[str | None] | None = None,
) -> list[Inference]:
    return decode(scores_with(nlp, items), printed_level1)


def infer(
    items: Sequence[tuple[str, str | None]],
    printed_level1: Sequence[str | None] | None = None,
) -> list[Inference]:
    """Level-1 and level-2 categories of indicators given as (name, target) pairs, in
    the order a table printed them (neighbours share a category more often than not);
    where a level 1 was printed (``printed_level1``), level 2 is chosen inside it."""
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
