"""The indicator library in RDF: every indicator linked to its canonical concept.

Concepts span documents, while a document's graph must stay replaceable whole. So nothing
about a concept is stored apart from the documents: its IRI is derived from its key
(:func:`extract.concepts.concept_key`, a function of the printed name alone), and each
document's graph carries, for the concepts its indicators belong to,

- ``<indicator> jx:concept <concept>``;
- ``<concept> a skos:Concept ; skos:inScheme <scheme>``, its key as ``jx:conceptKey``,
  each spelling this document prints as ``skos:altLabel``, and ``skos:broader`` the
  level-2 framework concept of those indicators (printed, else inferred by the classifier).

The union of the graphs is the library. Replacing or removing a document removes exactly
its spellings, links and broader concepts. ``skos:prefLabel`` — the most frequent spelling
across all documents — is not stored: it would have to be rewritten in other documents'
graphs whenever one changed the count; the ``concepts`` query computes it from the union.
"""

from __future__ import annotations

from collections.abc import Mapping

from jixiao.extract.concepts import concept_key
from jixiao.extract.doc_records import Document
from jixiao.graph import iris
from jixiao.graph.semantics import Key, inferred_levels

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
CONCEPT_BASE = iris.BASE + "concept/"
SCHEME = iris.BASE + "scheme/indicator-library"
SCHEME_LABELS = (("绩效指标库", "zh"), ("Indicator library", "en"))
JX_CONCEPT = f"<{iris.JX}concept>"
JX_KEY = f"<{iris.JX}conceptKey>"


def concept_iri(key: str) -> str:
    """The concept of ``key``: ``…/id/concept/<16 hex digits of its SHA-1>``."""
    return CONCEPT_BASE + iris.digest("indicator-concept", key)


def _lit(value: str, lang: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = escaped.replace("\r", "\\r")
    return f'"{escaped}"@{lang}'


def _level2(ind_level2_code: str | None, ind_level2: str | None, year: int | None,
            inference: object | None) -> str | None:  # fmt: skip
    frames = iris.frames()
    printed = frames.concept(ind_level2_code, ind_level2, year)
    if printed is not None:
        return printed
    for level, label, _confidence in inferred_levels(inference):
        if level == 2:
            return frames.concept(None, label, year)
    return None


def library_triples(doc: Document, inferred: Mapping[Key, object]) -> list[str]:
    """N-Triples lines of ``doc``'s share of the library (see the module notes)."""
    lines: list[str] = []
    concepts: dict[str, tuple[set[str], set[str], str]] = {}
    for proj in doc.projects:
        project = iris.project_iri(proj.fiscal_year, proj.unit, proj.name)
        for ind in proj.indicators:
            spelling = ind.name.strip()
            key = concept_key(spelling) if spelling else ""
            if not key:
                continue
            node = concept_iri(key)
            spellings, broader, _ = concepts.setdefault(node, (set(), set(), key))
            spellings.add(spelling)
            guess = inferred.get((proj.line, ind.position))
            up = _level2(ind.level2_code, ind.level2, proj.fiscal_year, guess)
            if up is not None:
                broader.add(up)
            indicator = iris.indicator_iri(project, ind.position)
            lines.append(f"<{indicator}> {JX_CONCEPT} <{node}> .\n")
    if not concepts:
        return lines
    lines.append(f"<{SCHEME}> {RDF_TYPE} <{SKOS}ConceptScheme> .\n")
    for label, lang in SCHEME_LABELS:
        lines.append(f"<{SCHEME}> <{SKOS}prefLabel> {_lit(label, lang)} .\n")
    for node, (spellings, broader, key) in sorted(concepts.items()):
        lines.append(f"<{node}> {RDF_TYPE} <{SKOS}Concept> .\n")
        lines.append(f"<{node}> <{SKOS}inScheme> <{SCHEME}> .\n")
        escaped = key.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'<{node}> {JX_KEY} "{escaped}" .\n')
        for spelling in sorted(spellings):
            lines.append(f"<{node}> <{SKOS}altLabel> {_lit(spelling, 'zh')} .\n")
        for up in sorted(broader):
            lines.append(f"<{node}> <{SKOS}broader> <{up}> .\n")
    return lines
