"""jixiao ontology: the Turtle files of this package and small cached loaders.

``jx.ttl`` is the OWL ontology, ``framework.ttl`` the indicator frameworks and
``classifications.ttl`` the budget classifications (both SKOS). The files are package data,
read through :mod:`importlib.resources`; :func:`load_graph` parses them once per process.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from rdflib import Graph

ONTOLOGY = "jx.ttl"
FRAMEWORK = "framework.ttl"
CLASSIFICATIONS = "classifications.ttl"


def ontology_path(name: str) -> Traversable:
    """The packaged file ``name`` (e.g. ``"jx.ttl"``); :class:`FileNotFoundError` if absent."""
    path = resources.files(__name__).joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"ontology file not found: {name}")
    return path


def turtle_files() -> tuple[str, ...]:
    """Names of the Turtle files at the top of the package, sorted."""
    return tuple(
        sorted(
            entry.name
            for entry in resources.files(__name__).iterdir()
            if entry.is_file() and entry.name.endswith(".ttl")
        )
    )


@lru_cache(maxsize=16)
def _parse(names: tuple[str, ...]) -> Graph:
    graph = Graph()
    for name in names:
        graph.parse(data=ontology_path(name).read_text(encoding="utf-8"), format="turtle")
    return graph


def load_graph(*names: str) -> Graph:
    """One graph of the named Turtle files (all of :func:`turtle_files` when none are named).

    The graph is cached and shared: treat it as read-only (copy it before adding triples).
    """
    return _parse(tuple(names) if names else turtle_files())
