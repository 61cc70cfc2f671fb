"""Score jixiao's reader on the corpus: ``python -m tests.corpus.score [-v] [--layouts] [DOC_ID…]``.

Each document is rendered in its published layout and as a plain tab grid
(:mod:`tests.corpus.render`) and read through ``parse-indicators``
(:func:`jixiao.extract.indicators.parse_indicators`, the function the command runs) and
through ``ingest`` (:func:`jixiao.extract.document.read_text`, on the published
rendering). The indicators read are aligned with the expected ones in reading order
(the alignment that agrees on the most fields), and six fields are compared: level1,
level2, name, comparator, number (as a decimal) and unit. An indicator is field-exact
when all six agree; an indicator read that matches no expected one counts against the
rate too (rate = exact / (expected + spurious)).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.extract.doc_records import DocumentError
from jixiao.extract.document import read_text
from jixiao.extract.indicators import parse_indicators
from jixiao.extract.records import Indicator
from tests.corpus.render import documents, render, render_grid

FIELDS = ("level1", "level2", "name", "comparator", "number", "unit")


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def fields_of(ind: Indicator) -> dict[str, Any]:
    """The six scored fields of an indicator read (annual target, else period target)."""
    target = ind.annual_target or ind.period_target
    return {
        "level1": ind.level1,
        "level2": ind.level2,
        "name": ind.name,
        "comparator": target.comparator if target and not target.qualitative else None,
        "number": target.number if target and not target.qualitative else None,
        "unit": target.unit if target and target.number is not None else None,
    }


def _agree(got: dict[str, Any], want: dict[str, Any]) -> list[bool]:
    out = []
    for f in FIELDS:
        if f == "number":
            out.append(_number(got[f]) == _number(want[f]))
        else:
            out.append(got[f] == want[f])
    return out


def align(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Pairs (i got, j want) in order that agree on the most fields (names weigh most)."""
    n, m = len(got), len(want)
    score = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            agree = _agree(got[i], want[j])
            pair = sum(agree) + 3 * agree[2] if sum(agree) >= 3 else -1
            score[i][j] = max(score[i + 1][j], score[i][j + 1], score[i + 1][j + 1] + pair)
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        agree = _agree(got[i], want[j])
        pair = sum(agree) + 3 * agree[2] if sum(agree) >= 3 else -1
        if pair >= 0 and score[i][j] == score[i + 1][j + 1] + pair:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


@dataclass
class Tally:
    expected: int = 0
    spurious: int = 0
    exact: int = 0
    fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    def add(self, other: Tally) -> None:
        self.expected += other.expected
        self.spurious += other.spurious
        self.exact += other.exact
        for f in FIELDS:
            self.fields[f] += other.fields[f]

    @property
    def rate(self) -> float:
        total = self.expected + self.spurious
        return self.exact / total if total else 1.0


def tally(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> tuple[Tally, list[str]]:
    """Counts for one reading, and the differences as readable lines."""
    t = Tally(expected=len(want))
    pairs = align(got, want)
    notes = []
    matched_got = {i for i, _ in pairs}
    matched_want = {j for _, j in pairs}
    t.spurious = len(got) - len(pairs)
    for i, j in pairs:
        agree = _agree(got[i], want[j])
        for f, ok in zip(FIELDS, agree, strict=True):
            t.fields[f] += ok
        if all(agree):
            t.exact += 1
        else:
            bad = [
                f"{f}: {got[i][f]!r} != {want[j][f]!r}"
                for f, ok in zip(FIELDS, agree, strict=True)
                if not ok
            ]
            notes.append(f"  {want[j]['name'][:30]}: " + "; ".join(bad))
    notes += [
        f"  missing: {want[j]['name'][:40]}" for j in range(len(want)) if j not in matched_want
    ]
    notes += [
        f"  spurious: {got[i]['name'][:40]} {got[i]['number']}"
        for i in range(len(got))
        if i not in matched_got
    ]
    return t, notes


def read_parse(text: str) -> list[dict[str, Any]]:
    return [fields_of(i) for i in parse_indicators(text).indicators]


def read_ingest(text: str, name: str) -> tuple[list[dict[str, Any]] | None, str]:
    """Indicators of the document read by ingest, or None and the error."""
    try:
        doc = read_text(text, name)
    except DocumentError as error:
        return None, str(error)
    return [fields_of(i) for p in doc.projects for i in p.indicators], ""


@dataclass
class Report:
    overall: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    per_layout: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    per_doc: dict[str, dict[str, Tally]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    ingest_rejected: list[str] = field(default_factory=list)
    ingest_wrongly_accepted: list[str] = field(default_factory=list)
    no_table_nonzero: list[str] = field(default_factory=list)


def score(only: list[str] | None = None) -> Report:
    report = Report()
    for _path, doc in documents():
        if only and doc["id"] not in only:
            continue
        want = [{f: e[f] for f in FIELDS} for e in doc["expected"]]
        layout = doc["layout"]["cells"]
        if layout == "glued":
            layout += "-" + doc["layout"].get("glued_scope", "row")
        published = render(doc)
        readings = {"parse": read_parse(published), "grid": read_parse(render_grid(doc))}
        ingested, error = read_ingest(published, doc["id"])
        if ingested is None:
            if want:
                report.ingest_rejected.append(f"{doc['id']}: {error}")
            ingested = []
        elif not want:
            report.ingest_wrongly_accepted.append(doc["id"])
        readings["ingest"] = ingested
        report.per_doc[doc["id"]] = {}
        for path, got in readings.items():
            t, notes = tally(got, want)
            report.per_doc[doc["id"]][path] = t
            report.overall[path].add(t)
            if path == "parse":
                report.per_layout[layout].add(t)
                report.notes[doc["id"]] = notes
            if not want and got:
                report.no_table_nonzero.append(f"{doc['id']} ({path}): {len(got)}")
    return report


def _line(label: str, t: Tally) -> str:
    fields = " ".join(
        f"{f}={t.fields[f] / t.expected:.0%}" if t.expected else f"{f}=-" for f in FIELDS
    )
    return (
        f"{label:<58} {t.rate:6.1%}  exact {t.exact}/{t.expected} spurious {t.spurious}  {fields}"
    )


def cross_layouts(only: list[str] | None = None) -> dict[str, Tally]:
    """Every table document rendered in every text layout (not only its published one),
    read through parse-indicators: how the reader holds up on layouts it was not tuned
    on. Prose documents are left out (their indicators are not in tables)."""
    out: dict[str, Tally] = defaultdict(Tally)
    for _path, doc in documents():
        if (only and doc["id"] not in only) or not doc["expected"]:
            continue
        if doc["layout"]["cells"] == "prose":
            continue
        want = [{f: e[f] for f in FIELDS} for e in doc["expected"]]
        for cells in ("tab", "space", "pipe", "line", "glued-row", "glued-table"):
            layout, _, scope = cells.partition("-")
            variant = {**doc, "layout": {**doc["layout"], "cells": layout, "glued_scope": scope}}
            t, _notes = tally(read_parse(render(variant)), want)
            out[cells].add(t)
            out[f"{cells} {doc['id']}"] = t
    return out


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    only = [a for a in argv if not a.startswith("-")]
    if "--layouts" in argv:  # python -m tests.corpus.score --layouts [-v] [DOC_ID…]
        for label, t in cross_layouts(only or None).items():
            if verbose or " " not in label:
                print(_line(label, t))
        return 0
    report = score(only or None)
    print("== overall (field-exact rate; per field: share of expected indicators right)")
    for path in ("parse", "grid", "ingest"):
        print(_line(path, report.overall[path]))
    print("== per layout (parse-indicators path, published rendering)")
    for layout, t in sorted(report.per_layout.items()):
        print(_line(layout, t))
    print("== per document (parse | grid | ingest)")
    for doc_id, paths in report.per_doc.items():
        p, g, i = paths["parse"], paths["grid"], paths["ingest"]
        print(f"{doc_id:<58} {p.rate:6.1%} {g.rate:6.1%} {i.rate:6.1%}  ({p.expected})")
        if verbose:
            for note in report.notes[doc_id]:
                print(note)
    print(f"== ingest rejected {len(report.ingest_rejected)} with a table:")
    for line in report.ingest_rejected:
        print("  " + line)
    print(
        f"== ingest accepted {len(report.ingest_wrongly_accepted)} without a table:",
        ", ".join(report.ingest_wrongly_accepted),
    )
    print(f"== no-table documents with indicators: {report.no_table_nonzero}")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main(sys.argv[1:]))
    except BrokenPipeError:  # | head: the reader of the figures went away
        sys.stderr.close()
