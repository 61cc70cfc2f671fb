"""N-Triples terms written as text (see :mod:`graph.build` for why text): the helpers that
:mod:`graph.build` and :mod:`graph.commitments` both use, here so that neither imports the
other's module back."""

from __future__ import annotations

from decimal import Decimal

XSD = "http://www.w3.org/2001/XMLSchema#"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
TRUE = f'"true"^^<{XSD}boolean>'


def iri(value: str) -> str:
    return f"<{value}>"


def _escaped(value: str) -> str:
    # str.translate walks every character through a dict (≈ 10 µs for a short Chinese
    # name); most strings have nothing to escape, and four `in` tests are ≈ 10× cheaper
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def string(value: str) -> str:
    return f'"{_escaped(value)}"'


def typed(value: str, datatype: str = "string") -> str:
    """A literal of the XSD datatype named by its local name (``gYear``, ``decimal`` …)."""
    return f'"{_escaped(value)}"^^<{XSD}{datatype}>'


def zh(value: str) -> str:
    return f'"{_escaped(value)}"@zh'


def decimal(value: Decimal) -> str:
    text = format(value, "f")
    return f'"{text}"^^<{XSD}decimal>'


def integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def year(value: int) -> str:
    return f'"{value:04d}"^^<{XSD}gYear>'
