"""Indicator semantics with spaCy and jieba: categories inferred where none are printed,
inverse (lower-is-better) indicators. :func:`classifier.infer` is the entry point; the
pipeline is :mod:`pipeline` (config.cfg, trained weights in model/)."""
