"""The names of the validation rules: each named shape's ``rdfs:label`` (or ``sh:name``) in
Chinese and English, from ``ontology/shapes/*.ttl``, read once per process."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


def _shapes() -> Graph:
    graph = Graph()
    folder = resources.files("jixiao.ontology").joinpath("shapes")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl"):
            graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def shape_labels() -> dict[str, dict[str, str]]:
    """``{shape IRI: {"zh": …, "en": …}}`` for every named shape that has labels."""
    graph = _shapes()
    out: dict[str, dict[str, str]] = {}
    for kind in SHAPE_TYPES:
        for shape in graph.subjects(RDF.type, kind):
            if not isinstance(shape, URIRef):
                continue
            names: dict[str, str] = {}
            for predicate in (RDFS.label, SH.name):
                for label in graph.objects(shape, predicate):
                    if isinstance(label, Literal) and label.language in ("zh", "en"):
                        names.setdefault(label.language, str(label))
            if names:
                out[str(shape)] = names
    return out


def named_shapes() -> list[str]:
    """The IRIs of every named shape (labelled or not), sorted."""
    graph = _shapes()
    found = (s for kind in SHAPE_TYPES for s in graph.subjects(RDF.type, kind))
    return sorted(str(s) for s in found if isinstance(s, URIRef))
