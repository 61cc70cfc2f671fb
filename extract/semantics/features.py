"""What the category classifier sees of an indicator, as a spaCy architecture.

An indicator is given to the pipeline as one text, ``name ｜ target`` (:func:`as_text`).
The jieba tokens of the name carry most of the signal, but real names are short and
unseen words are common across governments, so the features also hold the name's
characters and character pairs (``率``, ``满意``, ``及时``) and the shape of the target:
its comparator, its unit and whether it is a rate, a count, a date or words. Each
feature is hashed into a sparse linear layer (a bag of features, as spaCy's own
``TextCatBOW`` does with token n-grams), so inference is a few dictionary look-ups.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

import spacy
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model, SparseLinear_v2, chain, softmax_activation, with_cpu
from thinc.types import Floats2d

from jixiao.extract.semantics import cues

SEPARATOR = "｜"
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_UNIT_RE = re.compile(r"\d(?:\.\d+)?\s*([^\d\s.,，;；]{1,4})\s*$")
_COMPARATORS = {"≥": "ge", ">=": "ge", "≤": "le", "<=": "le", ">": "gt", "<": "lt", "=": "eq"}
_WORD_COMPARATORS = {
    "不低于": "ge",
    "不少于": "ge",
    "以上": "ge",
    "不高于": "le",
    "不超过": "le",
    "以内": "le",
    "以下": "le",
    "低于": "lt",
    "小于": "lt",
    "大于": "gt",
}
_DATE_RE = re.compile(r"(20\d{2}\s*[年.]|\d{1,2}\s*月|年底|年末|季度|上半年|下半年)")


# What a form prints before a name and that says nothing of its category: ``指标1:``,
# core-indicator stars ``★★★``, ``其中:``, list numbering ``1.`` / ``（2）``.
_NAME_PREFIX_RE = re.compile(
    r"^(?:\s|★|☆|\*|指标\s*\d+\s*[:：.、]?|指标\s*[:：]|其中\s*[:：]|[（(]?\d{1,2}[)）.、．]|[一二三四五六七八九十]、)+"
)


def clean_name(name: str) -> str:
    """An indicator name without the form's numbering and marks (:data:`_NAME_PREFIX_RE`)."""
    return _NAME_PREFIX_RE.sub("", name.strip()) or name.strip()


def as_text(name: str, target: str | None) -> str:
    """The text the pipeline reads for one indicator."""
    return f"{clean_name(name)} {SEPARATOR} {(target or '').strip()}"


def target_shape(target: str) -> list[str]:
    """Words for the target's shape: comparator, unit, kind (rate, count, date, words)."""
    text = target.replace("＞", ">").replace("＜", "<").replace("＝", "=").replace(" ", "")
    shape = []
    for sign, word in _COMPARATORS.items():
        if sign in text:
            shape.append(f"cmp:{word}")
            break
    for phrase, word in _WORD_COMPARATORS.items():
        if phrase in text:
            shape.append(f"cmp:{word}")
    if not text:
        return ["target:none"]
    if "%" in text or "％" in text or "百分" in text:
        shape.append("kind:rate")
    elif _DATE_RE.search(text):
        shape.append("kind:date")
    elif _NUMBER_RE.search(text):
        shape.append("kind:number")
    else:
        shape.append("kind:words")
    unit = _UNIT_RE.search(text)
    if unit:
        shape.append(f"unit:{unit.group(1)}")
        shape.append(f"unit_last:{unit.group(1)[-1]}")
    return shape


def features(doc: Doc) -> list[str]:
    """Every feature of one indicator doc, as strings (hashed by the model)."""
    return word_features([t.text for t in doc if not t.is_space])


def word_features(words: Sequence[str]) -> list[str]:
    """Every feature of one indicator given as its jieba words (``name ｜ target``)."""
    words = list(words)
    if SEPARATOR in words:
        cut = words.index(SEPARATOR)
        name_words, target = words[:cut], "".join(words[cut + 1 :])
    else:
        name_words, target = words, ""
    name = "".join(name_words)
    out = [f"w:{w}" for w in name_words]
    out += [f"ww:{a}|{b}" for a, b in pairwise(name_words)]
    out += [f"c:{c}" for c in name]
    out += [f"cc:{a}{b}" for a, b in pairwise(name)]
    if name:
        out += [f"end:{name[-1]}", f"end2:{name[-2:]}", f"start:{name[:2]}"]
    out += target_shape(target)
    target_words = [w for w in words[words.index(SEPARATOR) + 1 :]] if SEPARATOR in words else []
    out += [f"t:{w}" for w in target_words if not _NUMBER_RE.fullmatch(w)]
    out += [f"cue:{label}" for cue in cues.fired(name, target) for label in cue.level2]
    return out


def _forward(model: Model, docs: Iterable[Doc], is_train: bool):
    xp = model.ops.xp
    batch_keys, batch_vals = [], []
    for doc in docs:
        # both textcats read the same features: computed once per doc
        cached = doc.user_data.get("jx_features")
        if cached is None:
            keys = xp.asarray([hash_string(f) for f in features(doc)], dtype="uint64")
            cached = doc.user_data["jx_features"] = xp.unique(keys, return_counts=True)
        keys, vals = cached
        batch_keys.append(keys)
        batch_vals.append(vals)
    lengths = model.ops.asarray([len(k) for k in batch_keys], dtype="int32")
    keys = xp.concatenate(batch_keys) if batch_keys else xp.zeros((0,), dtype="uint64")
    vals = model.ops.asarray(
        xp.concatenate(batch_vals) if batch_vals else xp.zeros((0,)), dtype="f"
    )
    return (keys, vals, lengths), lambda d_out: []


@registry.architectures("jixiao.IndicatorBOW.v1")
def indicator_bow(length: int = 2**18, nO: int | None = None) -> Model[list[Doc], Floats2d]:
    """A bag of the features above → sparse linear layer → softmax (exclusive classes)."""
    linear = SparseLinear_v2(nO=nO, length=length)
    model = chain(Model("jx_features", _forward), linear, softmax_activation())
    model = with_cpu(model, model.ops)
    model.set_ref("output_layer", linear)
    model.attrs["multi_label"] = False
    return model


__all__ = [
    "SEPARATOR",
    "as_text",
    "features",
    "indicator_bow",
    "spacy",
    "target_shape",
    "word_features",
]
