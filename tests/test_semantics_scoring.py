"""The numpy scorer (extract/semantics/scoring.py) against the spaCy pipeline it replaces
on the inference path: the same probabilities, directions and answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.extract.semantics import classifier, pipeline, scoring
from jixiao.extract.semantics.labels import Example, labelled_examples
from jixiao.extract.semantics.train import collect

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"


def _real_lines() -> list[Example]:
    real, sample = collect(CORPUS / "docs", ROOT / "examples" / "guangzhou")
    return real + sample + list(labelled_examples(CORPUS / "labelled" / "classifier-heldout"))


def _assert_same_scores(items: list[tuple[str, str | None]]) -> None:
    nlp = pipeline.load()
    fast = classifier.scores_with(nlp, items)
    slow = classifier.scores_with_spacy(nlp, items)
    for item, a, b in zip(items, fast, slow, strict=True):
        assert a.level1.keys() == b.level1.keys() and a.level2.keys() == b.level2.keys()
        for mine, theirs in ((a.level1, b.level1), (a.level2, b.level2)):
            worst = max(abs(mine[k] - theirs[k]) for k in mine)
            assert worst < 1e-5, item
        assert a.lower_is_better == b.lower_is_better, item
        assert a.decided == b.decided, item


def test_numpy_scores_equal_the_spacy_pipeline_on_every_real_line() -> None:
    lines = _real_lines()
    assert len(lines) > 1000
    _assert_same_scores([(e.name, e.target) for e in lines])


def test_answers_page_by_page_are_those_of_the_spacy_pipeline() -> None:
    """Decoded in printed order, with a printed level 1 on every third row: level 1,
    level 2, confidences and direction are identical on every real page."""
    nlp = pipeline.load()
    pages: dict[str, list[Example]] = {}
    for e in _real_lines():
        pages.setdefault(e.group, []).append(e)
    compared = 0
    for examples in pages.values():
        items = [(e.name, e.target) for e in examples]
        printed = [e.level1 if i % 3 == 0 else None for i, e in enumerate(examples)]
        fast = classifier.decode(classifier.scores_with(nlp, items), printed)
        slow = classifier.decode(classifier.scores_with_spacy(nlp, items), printed)
        assert fast == slow, examples[0].group
        compared += len(fast)
    assert compared > 1000


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("满意度率人次培训不投诉故障完成及时成本万元≥≤%<>0123456789 ｜年月日前")
    ),
    max_size=14,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=5))
def test_numpy_scores_equal_the_spacy_pipeline_on_any_text(
    items: list[tuple[str, str]],
) -> None:
    _assert_same_scores(items)


def test_murmur_of_keys_matches_thinc() -> None:
    """The hash that picks a feature's columns is thinc's: the weight columns summed for
    one feature through thinc's own layer equal those the numpy scorer picks."""
    nlp = pipeline.load()
    linear = nlp.get_pipe("textcat_level1").model.get_ref("output_layer")
    length = linear.get_dim("length")
    keys = np.array([1, 2**40 + 7, 2**64 - 1, 123456789012345], dtype=np.uint64)
    head = scoring.scorer(nlp).level1
    for key in keys:
        one = np.array([key], dtype=np.uint64)
        theirs = linear.predict((one, np.ones(1, dtype="f"), np.array([1], dtype="int32")))
        first = int(scoring.murmur3_uint64(one, 0)[0]) % length
        second = int(scoring.murmur3_uint64(one, 1)[0]) % length
        mine = head.bias + head.weights[:, first] + head.weights[:, second]
        assert np.allclose(theirs[0], mine, atol=1e-6), key


def test_answers_kept_for_repeated_texts_are_the_computed_ones() -> None:
    """A batch larger than the memo, texts repeated within and across calls: every
    answer equals the one computed afresh."""
    nlp = pipeline.load()
    score = scoring.Scorer(nlp)
    score.MEMO = 8
    texts = [f"培训人次{i % 11} ｜ ≥{i}人次" for i in range(30)] * 2
    level1, level2, inverse = score(texts)
    again = score(texts[5:20])
    fresh1, fresh2, fresh_inverse = score.score(texts)
    assert np.array_equal(level1, fresh1) and np.array_equal(level2, fresh2)
    assert inverse == fresh_inverse
    assert np.array_equal(again[0], fresh1[5:20])
    assert len(score._memo) <= len(set(texts))
