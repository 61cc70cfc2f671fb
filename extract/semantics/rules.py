"""The rules pipeline for goal texts: jieba tokens and the rule components of
``config.cfg`` that need no training (``jx_deadlines``), built once per process.

The classifier's pipeline (:mod:`pipeline`) lists its own components; this one takes the
same tokenizer and the components named in :data:`RULE_PIPES` from the same config file.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from jixiao.extract.semantics import deadlines  # noqa: F401  registers jx_deadlines
from jixiao.extract.semantics.pipeline import CONFIG

RULE_PIPES = ("jx_deadlines",)


@lru_cache(maxsize=1)
def load() -> Language:
    """``spacy.blank("zh")`` with the jieba tokenizer and the rule components."""
    config = spacy.util.load_config(CONFIG)
    config["nlp"]["pipeline"] = list(RULE_PIPES)
    for name in list(config["components"]):
        if name not in RULE_PIPES:
            del config["components"][name]
    config.pop("training", None)
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
