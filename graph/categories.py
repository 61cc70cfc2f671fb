"""The indicator categories and the finding severities, read from the ontology and the shapes
once per process: the single definition the API, the pages and the exports use.

A category is a ``skos:Concept`` of ``jx:CategoryScheme`` (``jx.ttl``): its key is its
``skos:notation`` (``satisfaction``, the value of ``lacks=``), its names its ``skos:prefLabel``
in Chinese and English, and the word the lenient audit looks for in indicator names its
``skos:hiddenLabel``. The categories come in the order in which the indicator frameworks
number their level-1 concepts (``framework.ttl``: 1 产出, 2 效益, 3 满意度, 4 成本). The
severities are those the shapes give (``sh:severity``), most severe first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rdflib is imported when the files are read, not by every command
    from rdflib import Graph, URIRef

JX = "https://w3id.org/jixiao/ontology#"
SH = "http://www.w3.org/ns/shacl#"
SHACL_SEVERITIES = ("Violation", "Warning", "Info")  # SHACL's own ranking, most severe first


@dataclass(frozen=True, slots=True)
class Category:
    key: str  # skos:notation: the value of ``lacks=`` and ``category=``
    iri: str
    zh: str
    en: str
    keyword: str  # skos:hiddenLabel: what the lenient audit looks for in names

    def label(self, lang: str) -> str:
        """The name to show: Chinese, or English with a capital (a heading, a column)."""
        return self.en[:1].upper() + self.en[1:] if lang == "en" else self.zh


def _label(graph: Graph, node: URIRef, prop: URIRef, lang: str) -> str:
    from rdflib import Literal

    for value in graph.objects(node, prop):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    raise ValueError(f"ontology/jx.ttl: {node} has no {prop} in {lang!r}")


def _rank(graph: Graph, category: URIRef) -> int:
    """The smallest printed code of a framework's level-1 concept in ``category``."""
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    codes = [
        int(str(n))
        for concept in graph.subjects(URIRef(JX + "category"), category)
        if (concept, SKOS.topConceptOf, None) in graph
        for n in graph.objects(concept, SKOS.notation)
        if str(n).isascii() and str(n).isdigit()
    ]
    if not codes:
        raise ValueError(f"ontology/framework.ttl: no numbered level-1 concept of {category}")
    return min(codes)


@lru_cache(maxsize=1)
def categories() -> tuple[Category, ...]:
    """The four categories, in the frameworks' order."""
    from rdflib import URIRef
    from rdflib.namespace import SKOS

    from jixiao.ontology import load_graph

    graph = load_graph("jx.ttl", "framework.ttl")
    found = []
    for concept in graph.subjects(SKOS.inScheme, URIRef(JX + "CategoryScheme")):
        assert isinstance(concept, URIRef)
        found.append((_rank(graph, concept), Category(
            key=str(graph.value(concept, SKOS.notation)),
            iri=str(concept),
            zh=_label(graph, concept, SKOS.prefLabel, "zh"),
            en=_label(graph, concept, SKOS.prefLabel, "en"),
            keyword=_label(graph, concept, SKOS.hiddenLabel, "zh"),
        )))  # fmt: skip
    return tuple(c for _, c in sorted(found, key=lambda pair: pair[0]))


def category_by_key(key: str) -> Category:
    return next(c for c in categories() if c.key == key)


def category_by_iri() -> dict[str, Category]:
    return {c.iri: c for c in categories()}


@lru_cache(maxsize=1)
def severities() -> tuple[str, ...]:
    """The local names of the severities the shapes use (``Violation``, ``Warning``,
    ``Info``), most severe first."""
    from rdflib import Graph, URIRef

    graph = Graph()
    folder = resources.files("jixiao.ontology").joinpath("shapes")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl"):
            graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    used = {str(s) for s in graph.objects(None, URIRef(SH + "severity"))}
    unknown = used - {SH + s for s in SHACL_SEVERITIES}
    if unknown:
        raise ValueError(f"ontology/shapes: unknown sh:severity {sorted(unknown)}")
    return tuple(s for s in SHACL_SEVERITIES if SH + s in used)


__all__ = [
    "SHACL_SEVERITIES",
    "Category",
    "categories",
    "category_by_iri",
    "category_by_key",
    "severities",
]
