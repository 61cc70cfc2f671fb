"""The shapes (``ontology/shapes/*.ttl``) and what is read from them, parsed once per
process: the shapes graph every engine validates with, the frameworks pySHACL's data graph
needs, and the names of the validation rules (each named shape's ``rdfs:label`` or
``sh:name`` in Chinese and English) that the web pages show."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    """Every ``ontology/shapes/*.ttl``, parsed once per process (do not modify it)."""
    graph = Graph()
    folder = resources.files("jixiao.ontology").joinpath("shapes")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl"):
            graph.parse(data=entry.read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def framework_triples() -> tuple[tuple, ...]:
    """The triples of ``framework.ttl`` (categories and their ``skos:broader``)."""
    from jixiao.ontology import load_graph

    return tuple(load_graph("framework.ttl"))


@lru_cache(maxsize=1)
def shape_labels() -> dict[str, dict[str, str]]:
    """``{shape IRI: {"zh": …, "en": …}}`` for every named shape that has labels."""
    graph = shapes_graph()
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
    graph = shapes_graph()
    found = (s for kind in SHAPE_TYPES for s in graph.subjects(RDF.type, kind))
    return sorted({str(s) for s in found if isinstance(s, URIRef)})


__all__ = ["framework_triples", "named_shapes", "shape_labels", "shapes_graph"]
