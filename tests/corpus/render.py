"""Render a corpus document (tests/corpus/docs/*.json) back into text.

:func:`render` prints the document in its published layout (``layout.cells``):

* ``tab`` — one row per line, printed cells joined by tabs;
* ``space`` — one row per line, printed cells joined by one space (an empty cell
  prints nothing, so it vanishes as it does on a web page);
* ``pipe`` — one row per line, ``| a | b |`` (an empty cell stays an empty slot);
* ``line`` — one printed, non-empty cell per line;
* ``glued`` — the cells run together with no separator, one row per line
  (``glued_scope: row``) or one whole table per line (``glued_scope: table``);
* ``prose`` — paragraphs only (a table, if any, printed as ``pipe``).

Cells covered by a merged cell (``null``) are left out in every published layout, as a
flattened page leaves them out; punctuation is printed as stored. :func:`render_grid`
prints the plain tab grid instead: every row as wide as its table, covered cells empty.
Paragraphs are printed one per line in both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCS = Path(__file__).parent / "docs"
LAYOUTS = ("tab", "space", "pipe", "line", "glued", "prose")


def load(path: Path | str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def documents() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, load(p)) for p in sorted(DOCS.glob("*.json"))]


def _printed(row: list[str | None]) -> list[str]:
    return [c for c in row if c is not None]


def _table_lines(rows: list[list[str | None]], cells: str, scope: str | None) -> list[str]:
    if cells == "glued" and scope == "table":
        return ["".join("".join(_printed(r)) for r in rows)]
    out: list[str] = []
    for row in rows:
        printed = _printed(row)
        if cells == "tab":
            out.append("\t".join(printed))
        elif cells == "space":
            out.append(" ".join(c for c in printed if c))
        elif cells == "line":
            out.extend(c for c in printed if c.strip())
        elif cells == "glued":
            out.append("".join(printed))
        else:  # pipe, and tables inside prose
            out.append("| " + " | ".join(printed) + " |")
    return out


def render(doc: dict[str, Any], cells: str | None = None) -> str:
    """The document's text in its published layout (or in ``cells``, one of LAYOUTS)."""
    layout = doc.get("layout", {})
    cells = cells or layout.get("cells", "pipe")
    scope = layout.get("glued_scope", "row")
    lines: list[str] = []
    for block in doc["blocks"]:
        if block["type"] == "paragraph":
            lines.append(block["text"])
        else:
            lines.extend(_table_lines(block["rows"], cells, scope))
    return "\n".join(line for line in lines if line.strip()) + "\n"


def render_grid(doc: dict[str, Any]) -> str:
    """The document as a plain tab grid: covered cells empty, every row full width."""
    lines: list[str] = []
    for block in doc["blocks"]:
        if block["type"] == "paragraph":
            lines.append(block["text"])
            continue
        for row in block["rows"]:
            lines.append("\t".join("" if c is None else c for c in row))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m tests.corpus.render DOC.json [layout|grid]
    import sys

    document = load(sys.argv[1])
    how = sys.argv[2] if len(sys.argv) > 2 else None
    sys.stdout.write(render_grid(document) if how == "grid" else render(document, how))
