"""Labelled indicators for the category classifier: which categories a printed label
means, and the examples the samples and the real corpus give.

Labels are folded onto the framework's canonical spellings (extract.lexicon): a level-1
label onto 产出指标 / 效益指标 / 满意度指标 / 成本指标, a level-2 label onto its
canonical level-2 spelling. Pinyin glosses that converting mirror sites insert
(``產(chǎn)出指標(biāo)``) and score notes (``产出指标(50分)``) are dropped first. A label that
does not fold (``过程管理指标``, another framework) gives no example for that level.

Before folding, a label loses what only spells it differently (:func:`clean_label`):
leading numbering (``一、``, ``（一）``, ``1.``), notes in brackets (``(必填硬性指标)``,
``(0-20)分``), a trailing ``等``, and older or local names of the same category
(``效果指标`` → 效益指标, ``环境效益`` → 生态效益, ``数量值`` → 数量指标).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jixiao.extract.lexicon import LEVEL1, lookup
from jixiao.extract.normalize import to_simplified

_GLOSS_RE = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_NUMBERING_RE = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）、.．:：]\s*)+")
_NOTE_RE = re.compile(r"\s*[（(][^()（）]*[)）]\s*分?\s*$")
# Local or older names of a framework label, by their key (simplified, no spaces).
_SYNONYMS = {
    "效果指标": "效益指标",
    "实施效果指标": "效益指标",
    "项目效益指标": "效益指标",
    "预期效益指标": "效益指标",
    "效益值": "效益指标",
    "预期产出指标": "产出指标",
    "项目产出指标": "产出指标",
    "产出值": "产出指标",
    "产出绩效": "产出指标",
    "产出績效": "产出指标",  # 績 is no framework character: to_simplified keeps it
    "环境效益指标": "生态效益指标",
    "环境效益": "生态效益指标",
    "群众满意度指标": "服务对象满意度指标",
    "日效性指标": "时效指标",
    "时效性指标": "时效指标",
}
# Level-2 spellings that mean the one satisfaction sub-category of today's frames.
_SATISFACTION_L2 = {"满意度指标", "社会公众或服务对象满意度指标", "社会公众满意度指标"}
SATISFACTION_L2 = "服务对象满意度指标"


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    target: str
    level1: str | None  # canonical level-1 label, or None when not known
    level2: str | None  # canonical level-2 label, or None
    group: str  # the document it came from (cross-validation folds by document)
    government: str = ""  # the government that printed it (folds by government)


def strip_gloss(label: str) -> str:
    return _GLOSS_RE.sub("", label)


def clean_label(label: str) -> str:
    """A printed label without what only changes its spelling (see the module doc)."""
    text = to_simplified(strip_gloss(label))
    text = _NUMBERING_RE.sub("", text)
    while _NOTE_RE.search(text):
        text = _NOTE_RE.sub("", text)
    text = re.sub(r"\s+", "", text).removesuffix("等")
    if text.endswith("值") and len(text) > 2:
        text = text[:-1] + "指标"  # 数量值 / 经济效益值: a column of values per category
    return _SYNONYMS.get(text, text)


def fold_level1(label: str | None) -> str | None:
    if not label:
        return None
    found = lookup(clean_label(label), 1)
    return found.canonical if found else None


def fold_level2(label: str | None) -> tuple[str | None, str | None]:
    """(canonical level-2 label, canonical level-1 label it implies)."""
    if not label:
        return None, None
    found = lookup(clean_label(label), 2)
    if found is None:
        return None, None
    canonical = SATISFACTION_L2 if found.canonical in _SATISFACTION_L2 else found.canonical
    return canonical, LEVEL1[found.category].canonical


def example(
    name: str,
    target: str,
    level1: str | None,
    level2: str | None,
    group: str,
    government: str = "",
) -> Example:
    l1 = fold_level1(level1)
    l2, implied = fold_level2(level2)
    if l1 is None and level2 and lookup(clean_label(level2), 1):
        l1, l2 = fold_level1(level2), None  # a frame that prints 产出指标 one level down
    if l1 is None:
        l1 = implied
    if l2 is not None and implied != l1:
        l2 = None  # contradictory labels teach nothing about level 2
    return Example(strip_gloss(name).strip(), target, l1, l2, group, government)


def _target_text(entry: dict) -> str:
    parts = (entry.get("comparator"), entry.get("number"), entry.get("unit"))
    return "".join(p for p in parts if p)


def corpus_examples(folder: Path) -> Iterator[Example]:
    """Examples from the real corpus (tests/corpus/docs/*.json, expected indicators)."""
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for entry in doc["expected"]:
            if entry.get("name"):
                yield example(
                    entry["name"],
                    _target_text(entry),
                    entry.get("level1"),
                    entry.get("level2"),
                    doc["id"],
                    doc.get("government") or "",
                )


def labelled_examples(folder: Path) -> Iterator[Example]:
    """Examples from the labelled indicator library (tests/corpus/labelled/*.json)."""
    for path in sorted(folder.glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        for entry in page["indicators"]:
            if entry.get("name"):
                yield example(
                    entry["name"],
                    entry.get("target") or "",
                    entry.get("level1"),
                    entry.get("level2"),
                    f"labelled/{path.stem}",
                    page.get("government") or "",
                )


def sample_examples(paths: Iterable[Path]) -> Iterator[Example]:
    """Examples from the Guangzhou sample documents, read as ingest reads them."""
    from jixiao.extract.document import read_document

    for path in paths:
        document = read_document(path)
        for project in document.projects:
            for ind in project.indicators:
                target = ind.annual_target or ind.period_target
                raw = target.raw if target else ""
                yield example(ind.name, raw, ind.level1, ind.level2, path.stem, "广州市")
