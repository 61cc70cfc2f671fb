"""The indicator framework's labels, as a lexicon that recognises their many spellings.

Recognition folds traditional characters, ``目标`` for ``指标``, weight annotations
(``产出指标(50分)``), a missing ``指标`` suffix and inner spaces. What is printed is
never replaced: the lexicon only says which category a printed label means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.extract.normalize import canonical, to_simplified

OUTPUT, EFFECT, SATISFACTION, COST = "output", "effect", "satisfaction", "cost"
CATEGORIES = (OUTPUT, EFFECT, SATISFACTION, COST)


@dataclass(frozen=True, slots=True)
class Label:
    """A framework label: its level (1 or 2), the level-1 category it belongs to."""

    canonical: str
    level: int
    category: str
    usual_code: str | None = None


# Level 1, then level 2. ``usual_code`` is what Guangzhou 2026 prints; it is never
# used to fill in a code the text does not print.
LABELS: tuple[Label, ...] = (
    Label("产出指标", 1, OUTPUT, "1"),
    Label("效益指标", 1, EFFECT, "2"),
    Label("满意度指标", 1, SATISFACTION, "3"),
    Label("成本指标", 1, COST, "4"),
    Label("数量指标", 2, OUTPUT, "11"),
    Label("质量指标", 2, OUTPUT, "12"),
    Label("时效指标", 2, OUTPUT, "13"),
    Label("经济效益指标", 2, EFFECT, "21"),
    Label("社会效益指标", 2, EFFECT, "22"),
    Label("生态效益指标", 2, EFFECT, "23"),
    Label("可持续影响指标", 2, EFFECT, "24"),
    Label("服务对象满意度指标", 2, SATISFACTION, "31"),
    Label("社会公众或服务对象满意度指标", 2, SATISFACTION),
    Label("社会公众满意度指标", 2, SATISFACTION),
    Label("经济成本指标", 2, COST, "41"),
    Label("社会成本指标", 2, COST, "42"),
    Label("生态环境成本指标", 2, COST, "43"),
)
_BY_KEY = {lab.canonical: lab for lab in LABELS}
LEVEL1 = {lab.category: lab for lab in LABELS if lab.level == 1}

_WEIGHT_RE = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")
_SPACE_RE = re.compile(r"\s+")


def split_weight(label: str) -> tuple[str, str | None]:
    """``产出指标(50分)`` → (``产出指标``, ``50``); a label with no weight is returned as is."""
    m = _WEIGHT_RE.search(label)
    if not m:
        return label.strip(), None
    return label[: m.start()].strip(), m.group(1)


def label_key(label: str) -> str:
    """The spelling-independent key of a label: simplified, 指标-suffixed, no weight, no spaces."""
    text = _SPACE_RE.sub("", to_simplified(canonical(label)))
    text, _ = split_weight(text)
    text = text.replace("目标", "指标")
    if not text.endswith("指标"):
        text += "指标"
    return text


@lru_cache(maxsize=4096)
def lookup(label: str, level: int | None = None) -> Label | None:
    """The framework label that ``label`` spells, if any (at ``level`` when given).

    ``成本指标`` is level 1 since 2021 but level 2 under 产出 in older frames: asking
    with ``level=2`` finds it as an output sub-category.
    """
    key = label_key(label)
    if level == 2 and key == "成本指标":
        return Label("成本指标", 2, OUTPUT)
    if level == 2 and key == "满意度指标":
        return Label("满意度指标", 2, SATISFACTION)
    found = _BY_KEY.get(key)  # 社会效益 is printed without 指标: label_key added it
    if found is None:
        return None
    if level is not None and found.level != level:
        return None
    return found


def category_of_code(code: str | None) -> str | None:
    """The level-1 category of a printed code in the 1/11 pattern (``31`` → satisfaction)."""
    if not code or code[0] not in "0123456789":
        return None
    return {"1": OUTPUT, "2": EFFECT, "3": SATISFACTION, "4": COST}.get(code[0])


def all_spellings() -> list[str]:
    """Every label spelling worth teaching a segmenter (simplified and 目标 variants)."""
    words: set[str] = set()
    for lab in LABELS:
        stem = lab.canonical[:-2]
        words.update({lab.canonical, stem, stem + "目标"})
    words.update({"成本指标", "满意度指标", "满意度"})
    return sorted(words, key=lambda w: (-len(w), w))


@lru_cache(maxsize=1)
def framework_segmenter():  # -> jieba.Tokenizer (untyped library)
    """One private jieba tokenizer per process that knows every label spelling as a word
    (the global one is left to the other readers). The spaCy pipeline's tokenizer and the
    indicator library share it: each jieba tokenizer loads its 20 MB dictionary anew
    (≈ 1.7 s of CPU)."""
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    for word in all_spellings():
        tokenizer.add_word(word, freq=10**6)
    return tokenizer
