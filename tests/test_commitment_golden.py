"""Sample 002's goal-text commitments against the golden checked by hand
(tests/golden/seed002_commitments.json), and the figures its header states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.extract.document import read_document
from jixiao.extract.semantics.commitment_match import as_dict, check_goal

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = json.loads((ROOT / "tests/golden/seed002_commitments.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def program() -> list[dict]:
    doc = read_document(ROOT / GOLDEN["sample"])
    return [
        {
            "line": p.line,
            "name": p.name,
            "commitments": [as_dict(k) for k in check_goal(p.goal, p.indicators, p.fiscal_year)],
        }
        for p in doc.projects
        if p.goal
    ]


def _without_hand(projects: list[dict]) -> list[dict]:
    return [
        {
            "line": p["line"],
            "name": p["name"],
            "commitments": [{k: v for k, v in c.items() if k != "hand"} for c in p["commitments"]],
        }
        for p in projects
    ]


def test_every_goal_text_of_sample_002_is_in_the_golden(program: list[dict]) -> None:
    assert len(program) == len(GOLDEN["projects"]) == 70
    assert [p["line"] for p in program] == [p["line"] for p in GOLDEN["projects"]]


def test_the_program_finds_what_the_golden_records(program: list[dict]) -> None:
    assert program == _without_hand(GOLDEN["projects"])


def test_spans_point_into_the_goal_texts(program: list[dict]) -> None:
    goals = {p.line: p.goal for p in read_document(ROOT / GOLDEN["sample"]).projects}
    for p in program:
        for c in p["commitments"]:
            assert goals[p["line"]][c["start"] : c["end"]] == c["text"]


def _truth(c: dict) -> str:
    return c["status"] if c["hand"] == "agree" else c["hand"]["status"]


def test_the_stated_figures_follow_from_the_hand_check() -> None:
    found = [c for p in GOLDEN["projects"] for c in p["commitments"]]
    missed = [m for p in GOLDEN["projects"] for m in p["missed_by_program"]]
    assert all(c["hand"] == "agree" or c["hand"]["note"] for c in found)
    reported = [c for c in found if c["status"] == "unmeasured"]
    right = [c for c in reported if _truth(c) == "unmeasured"]
    all_unmeasured = [c for c in found if _truth(c) == "unmeasured"]
    all_unmeasured += [m for m in missed if m["status"] == "unmeasured"]
    disagreeing = [c for c in found if c["status"] == "disagreeing"]
    false = [c for c in found if _truth(c) == "not a commitment"]
    figures = GOLDEN["figures"]
    assert figures["goal_texts"] == len(GOLDEN["projects"])
    assert figures["commitments_found"] == len(found)
    assert figures["false_commitments"] == len(false)
    assert figures["missed_by_program"] == len(missed)
    assert (
        figures["recall"] == f"{len(found) - len(false)} of {len(found) - len(false) + len(missed)}"
    )
    assert (
        figures["status_right"] == f"{sum(_truth(c) == c['status'] for c in found)} of {len(found)}"
    )
    assert figures["unmeasured_precision"] == f"{len(right)} of {len(reported)}"
    assert figures["unmeasured_recall"] == f"{len(right)} of {len(all_unmeasured)}"
    true_dis = [c for c in disagreeing if _truth(c) == "disagreeing"]
    assert figures["disagreeing_precision"] == f"{len(true_dis)} of {len(disagreeing)}"
