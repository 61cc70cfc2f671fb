"""How well any reader of indicator names could do on the real corpus: an oracle figure.

Tables of different governments file one and the same indicator under different
categories. No classifier that reads the name can beat what the other governments
print for that name, so this module measures it (``python -m
jixiao.extract.semantics.train --ceiling``):

- **majority of others**: for each labelled indicator, the label most often printed for
  the same normalised name (:func:`ceiling_key`) by *other* governments, where any
  exist: how often it equals the indicator's own printed label, and over what share of
  the labelled indicators it applies;
- **best per name**: over the names printed more than once, the share a reader that
  gives every spelling of a name one answer could get right at best (the most common
  label of each name), i.e. the disagreements no reader of names can avoid;
- **frames**: each level-1 disagreement between an indicator and the majority of the
  other governments, sorted by the pair of labels: the 2018–2020 frame files 成本 under
  产出 and 满意度 under 效益, the modern frame (2021 on) has both as level 1s of their
  own; every other pair (产出 against 效益, …) is a disagreement within one frame.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from jixiao.extract.normalize import to_simplified
from jixiao.extract.semantics.features import clean_name
from jixiao.extract.semantics.labels import Example

# A unit or a form's hint in brackets at the end of a name (``(%)``, ``（≥**人）``,
# ``(个)``), quotes, and the punctuation that only spells a name differently.
_HINT_RE = re.compile(r"[（(][^()（）]{0,12}[)）]$")
_PUNCT_RE = re.compile(r"[\s\"'“”‘’《》〈〉「」『』、，,。.:：;；·…—\-_/]+")
_BRACKETS = str.maketrans("（）【】［］", "()[][]")

FRAME_COST = "2018–2020 frame: 成本 under 产出"
FRAME_SATISFACTION = "2018–2020 frame: 满意度 under 效益"
SAME_FRAME = "one frame: other labels"
_FRAME_PAIRS = {
    frozenset({"产出指标", "成本指标"}): FRAME_COST,
    frozenset({"效益指标", "满意度指标"}): FRAME_SATISFACTION,
}


def ceiling_key(name: str) -> str:
    """A name as a reader of names would see it: the form's numbering and marks dropped
    (:func:`features.clean_name`), simplified characters, full-width brackets as ASCII, a
    trailing bracketed hint and punctuation removed."""
    text = to_simplified(clean_name(name)).translate(_BRACKETS)
    previous = None
    while previous != text:
        previous, text = text, _HINT_RE.sub("", text.strip())
    return _PUNCT_RE.sub("", text) or _PUNCT_RE.sub("", to_simplified(name))


def _majority(labels: Iterable[str]) -> str:
    """The most common label (ties broken by the label, so the answer is stable)."""
    counts = Counter(labels)
    return min(counts, key=lambda label: (-counts[label], label))


def frame_of(printed: str, answered: str) -> str:
    """Which kind of level-1 disagreement two labels are."""
    return _FRAME_PAIRS.get(frozenset({printed, answered}), SAME_FRAME)


def majority_of_others(
    examples: Sequence[Example],
    level: str,
    government: Callable[[str], str],
    others: Sequence[Example] = (),
) -> list[tuple[Example, str]]:
    """Each labelled example whose name another government also printed, with the label
    the other governments print most for that name (``others``: more examples that
    answer for their governments but are not scored themselves)."""
    by_key: dict[str, list[tuple[str, str]]] = {}
    for e in [*examples, *others]:
        label = getattr(e, level)
        if label:
            by_key.setdefault(ceiling_key(e.name), []).append((government(e.government), label))
    out = []
    for e in examples:
        label = getattr(e, level)
        if not label:
            continue
        mine = government(e.government)
        others = [lab for gov, lab in by_key[ceiling_key(e.name)] if gov != mine]
        if others:
            out.append((e, _majority(others)))
    return out


def best_per_name(examples: Sequence[Example], level: str) -> tuple[int, int]:
    """(labels a one-answer-per-name reader gets right at best, labels) over the names
    printed more than once."""
    by_key: dict[str, list[str]] = {}
    for e in examples:
        label = getattr(e, level)
        if label:
            by_key.setdefault(ceiling_key(e.name), []).append(label)
    repeated = [labels for labels in by_key.values() if len(labels) > 1]
    return sum(Counter(labels).most_common(1)[0][1] for labels in repeated), sum(
        len(labels) for labels in repeated
    )


def document_years(root: Path) -> dict[str, int | None]:
    """The year of each example group (a corpus document's id, ``labelled/<stem>``)."""
    years: dict[str, int | None] = {}
    for path in sorted((root / "docs").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        years[doc["id"]] = doc.get("year")
    for path in sorted((root / "labelled").glob("*.json")):
        years[f"labelled/{path.stem}"] = json.loads(path.read_text(encoding="utf-8")).get("year")
    return years


def _era(year: int | None) -> str:
    if year is None:
        return "year not printed"
    return "printed 2018–2020" if year <= 2020 else "printed 2021 on"


def frames(
    pairs: Iterable[tuple[Example, str]], years: dict[str, int | None]
) -> dict[str, dict[str, int]]:
    """Level-1 disagreements (printed label, other answer) counted by kind of frame
    difference and by the year of the indicator's document."""
    out: dict[str, dict[str, int]] = {}
    for e, answer in pairs:
        if e.level1 and answer != e.level1:
            counts = out.setdefault(frame_of(e.level1, answer), {})
            era = _era(years.get(e.group))
            counts[era] = counts.get(era, 0) + 1
            counts["total"] = counts.get("total", 0) + 1
    return out


def _oracle(pairs: Sequence[tuple[Example, str]], level: str, labelled: int) -> dict[str, float]:
    hits = sum(getattr(e, level) == answer for e, answer in pairs)
    return {
        "others_print_the_name": len(pairs),
        "applies_to": round(len(pairs) / max(labelled, 1), 4),
        "majority_of_others_right": round(hits / max(len(pairs), 1), 4),
    }


def ceiling(
    examples: Sequence[Example],
    government: Callable[[str], str],
    years: dict[str, int | None],
    samples: Sequence[Example] = (),
) -> dict[str, object]:
    """The oracle figures for level 1 and level 2 (also with ``samples`` as one more
    government that answers but is not scored), and the level-1 disagreements by frame."""
    result: dict[str, object] = {}
    level1_pairs: list[tuple[Example, str]] = []
    for level in ("level1", "level2"):
        labelled = sum(1 for e in examples if getattr(e, level))
        pairs = majority_of_others(examples, level, government)
        best, repeated = best_per_name(examples, level)
        result[level] = {
            "labelled": labelled,
            **_oracle(pairs, level, labelled),
            "names_printed_twice_or_more": repeated,
            "best_per_name": round(best / max(repeated, 1), 4),
        }
        if samples:
            with_samples = majority_of_others(examples, level, government, samples)
            result[level]["with_samples"] = _oracle(with_samples, level, labelled)
        if level == "level1":
            level1_pairs = pairs
    result["level1_disagreements_by_frame"] = frames(level1_pairs, years)
    return result
