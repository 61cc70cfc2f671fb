"""Train the category classifier and ship its weights: ``python -m
jixiao.extract.semantics.train`` (fixed seed: the same data gives the same weights).

Data: the Guangzhou samples (examples/guangzhou) and the real development corpus
(tests/corpus/docs), plus variants of each example (traditional characters, ASCII
comparators, a target without its comparator) so that spelling does not decide the
category. ``--cv K`` instead reports accuracy by K-fold cross-validation over the corpus
documents (a held-out document's indicators are never trained on; samples always are).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam

from jixiao.extract.normalize import _TRAD  # the framework's traditional ↔ simplified pairs
from jixiao.extract.semantics import classifier, pipeline
from jixiao.extract.semantics.classifier import LEVEL2_PREFIX
from jixiao.extract.semantics.features import as_text
from jixiao.extract.semantics.labels import (
    Example,
    corpus_examples,
    labelled_examples,
    sample_examples,
)

ROOT = Path(__file__).resolve().parents[2]
_TO_TRAD: dict[str, str] = {}
for _trad, _simple in _TRAD.items():  # 齣 reads as 出, but 出 is written 出 in both scripts
    if isinstance(_simple, int) and chr(_trad) != "齣":
        _TO_TRAD.setdefault(chr(_simple), chr(_trad))


def to_traditional(text: str) -> str:
    return "".join(_TO_TRAD.get(c, c) for c in text)


def variants(ex: Example) -> list[Example]:
    out = [ex]
    trad = to_traditional(ex.name)
    if trad != ex.name:
        out.append(Example(trad, ex.target, ex.level1, ex.level2, ex.group))
    ascii_target = ex.target.replace("≥", ">=").replace("≤", "<=")
    if ascii_target != ex.target:
        out.append(Example(ex.name, ascii_target, ex.level1, ex.level2, ex.group))
    bare = ex.target.lstrip("≥≤=<>")
    if bare != ex.target:
        out.append(Example(ex.name, bare, ex.level1, ex.level2, ex.group))
    return out


def train(
    examples: Sequence[Example], *, seed: int = 0, epochs: int = 30, learn_rate: float = 0.01
) -> Language:
    fix_random_seed(seed)
    nlp = pipeline.blank()
    level1 = sorted({e.level1 for e in examples if e.level1})
    # level-2 labels carry a prefix: both components write doc.cats, and 成本指标 is a
    # level-1 label and (in older frames) a level-2 one
    level2 = sorted({LEVEL2_PREFIX + e.level2 for e in examples if e.level2})
    for label in level1:
        nlp.get_pipe("textcat_level1").add_label(label)
    for label in level2:
        nlp.get_pipe("textcat_level2").add_label(label)
    data1, data2 = [], []
    for ex in (v for e in examples for v in variants(e)):
        doc = nlp.make_doc(as_text(ex.name, ex.target))
        if ex.level1:
            cats = {label: float(label == ex.level1) for label in level1}
            data1.append(SpacyExample.from_dict(doc, {"cats": cats}))
        if ex.level2:
            cats = {label: float(label == LEVEL2_PREFIX + ex.level2) for label in level2}
            data2.append(SpacyExample.from_dict(doc, {"cats": cats}))
    # each textcat learns its own labels only (initialising the whole pipeline on both
    # lists would give each one every label)
    for name, data in (("textcat_level1", data1), ("textcat_level2", data2)):
        nlp.get_pipe(name).initialize(lambda data=data: data, nlp=nlp)
    optimizer = Adam(learn_rate)
    rng = random.Random(seed)
    for _ in range(epochs):
        for data, other in ((data1, "textcat_level2"), (data2, "textcat_level1")):
            rng.shuffle(data)
            for batch in minibatch(data, size=32):
                nlp.update(batch, sgd=optimizer, drop=0.1, exclude=[other, "jx_direction"])
    return nlp


def collect(corpus: Path, samples: Path) -> tuple[list[Example], list[Example]]:
    """(real examples of many governments: corpus documents and the labelled library,
    sample examples of Guangzhou)."""
    real = list(corpus_examples(corpus)) if corpus.is_dir() else []
    library = corpus.parent / "labelled"
    real += list(labelled_examples(library)) if library.is_dir() else []
    sample = list(sample_examples(sorted(samples.glob("*.txt")))) if samples.is_dir() else []
    return real, sample


def cross_validate(real: list[Example], sample: list[Example], folds: int) -> dict[str, float]:
    groups = sorted({e.group for e in real})
    random.Random(0).shuffle(groups)
    hit1 = hit2 = n1 = n2 = 0
    for k in range(folds):
        held = set(groups[k::folds])
        nlp = train([e for e in real if e.group not in held] + sample)
        test = [e for e in real if e.group in held]
        guesses = classifier.infer_with(nlp, [(e.name, e.target) for e in test])
        for ex, guess in zip(test, guesses, strict=True):
            if ex.level1:
                n1 += 1
                hit1 += guess.level1 == ex.level1
            if ex.level2:
                n2 += 1
                hit2 += guess.level2 == ex.level2
    return {
        "folds": folds,
        "level1_accuracy": hit1 / max(n1, 1),
        "level1_n": n1,
        "level2_accuracy": hit2 / max(n2, 1),
        "level2_n": n2,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jixiao.extract.semantics.train")
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus" / "docs")
    parser.add_argument("--samples", type=Path, default=ROOT / "examples" / "guangzhou")
    parser.add_argument("--cv", type=int, default=0, help="K-fold cross-validation only")
    parser.add_argument("--out", type=Path, default=pipeline.MODEL)
    args = parser.parse_args(argv)
    real, sample = collect(args.corpus, args.samples)
    print(f"examples: {len(real)} real (corpus), {len(sample)} samples", file=sys.stderr)
    if args.cv:
        print(json.dumps(cross_validate(real, sample, args.cv), ensure_ascii=False))
        return 0
    nlp = train(real + sample)
    nlp.to_disk(args.out)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
