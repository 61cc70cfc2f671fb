"""Named SPARQL queries: one ``.rq`` file per query, packaged with jixiao.

Each file carries its own ``PREFIX`` lines (it runs in any SPARQL tool) and a comment
header: ``#+ summary: …`` (Chinese and English) and ``#+ params: …``. The file stem is the
query's name (``jixiao query NAME``). Every SPARQL text the project runs is one of these files
(``#+ tags: internal`` for those of the REST API and the pages, not meant for auditors);
:mod:`queries.prepared` reads each once into a checked query object (declared parameters
bound as terms, ``#+ slots:`` choosing among the file's own alternatives). Absence checks are
written with ``MINUS``, which pyoxigraph evaluates far faster than ``FILTER NOT EXISTS`` (see
shared/architecture.md).
Long listings sort on one key bound per row (``BIND (CONCAT(?unit, "\\u0001", ?name) AS
?sortKey)``) because pyoxigraph reads each string from the store at every comparison of an
``ORDER BY`` on stored strings; ``#+ sorted: …`` then names the order the key stands for.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import NamedTuple

_NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")


def query_path(name: str) -> Traversable:
    """The packaged file of query ``name``; :class:`KeyError` if there is none."""
    path = resources.files(__name__).joinpath(f"{name}.rq")
    if not _NAME_RE.match(name) or not path.is_file():
        raise KeyError(f"no query named {name!r}; known: {', '.join(list_queries())}")
    return path


def list_queries() -> tuple[str, ...]:
    """Names of the packaged queries, sorted."""
    return tuple(
        sorted(
            entry.name.removesuffix(".rq")
            for entry in resources.files(__name__).iterdir()
            if entry.is_file() and entry.name.endswith(".rq")
        )
    )


@lru_cache(maxsize=64)
def load_query(name: str) -> str:
    """The text of query ``name``."""
    return query_path(name).read_text(encoding="utf-8")


def metadata(text: str) -> dict[str, str]:
    """The ``#+ key: value`` header lines of a query text."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^#\+\s*(\w+)\s*:\s*(.*)$", line)
        if match:
            out[match.group(1)] = match.group(2).strip()
    return out


PARAM_KINDS = {  # a declared kind → the lexical forms it accepts
    "iri": r"https?://[^\s<>\"{}|\\^`]+",
    "string": r"(?s).*",
    "integer": r"[+-]?[0-9]+",  # ASCII digits: "٩٠"^^xsd:decimal is no number to SPARQL
    "decimal": r"[+-]?[0-9]+(\.[0-9]+)?",
    "gYear": r"[0-9]{4}",
    "boolean": r"true|false",
}


class Declared(NamedTuple):
    """One parameter of a ``#+ params:`` line: its name, its kind (as written: a key of
    :data:`PARAM_KINDS` when the file is right) and whether it takes many values."""

    name: str
    kind: str
    many: bool = False


# name (xsd:type[, many][, any note]) — or name:type; each after the start or a , or ;
_DECLARED = re.compile(
    r"(?:^|[,;]\s*)(\w+)\s*(?::\s*(\w+)\b|\(\s*(?:xsd:)?(\w+)\s*(,\s*many\b)?[^)]*\))"
)


def declared_parameters(text: str) -> list[Declared]:
    """The parameters the ``#+ params:`` line of a query text declares, in order (``none``:
    no parameters). The one reader of that line: :func:`parameters` and the checked query
    objects (:mod:`queries.prepared`) both use it."""
    line = metadata(text).get("params", "").strip()
    if line.startswith("none"):
        return []
    return [
        Declared(m.group(1), m.group(2) or m.group(3), bool(m.group(4)))
        for m in _DECLARED.finditer(line)
    ]


def parameters(text: str) -> dict[str, str]:
    """Declared parameters, name → kind, from ``#+ params: name (xsd:type, …), …`` or
    ``name:type, …`` (``none``: no parameters)."""
    return {d.name: d.kind for d in declared_parameters(text)}


def check_parameter(value: str, kind: str) -> str | None:
    """Why ``value`` is not a valid ``kind`` (None when it is)."""
    if kind not in PARAM_KINDS:
        return f"parameter type {kind!r} is none of {', '.join(PARAM_KINDS)}"
    if re.fullmatch(PARAM_KINDS[kind], value):
        return None
    return f"{value!r} is not a valid {kind}"
