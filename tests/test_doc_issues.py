"""Document issue codes (D0xx, L0xx): one message in each language, documented in the README,
and counted in ``jixiao ingest``'s summary."""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract.doc_issues import DOC_MESSAGES, MEANINGS, PARSER_ZH, cell_issue, doc_issue
from jixiao.extract.issues import MESSAGES
from jixiao.extract.records import Issue
from tests.conftest import ROOT, SAMPLES
from tests.test_cli_exit import run

CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")
LATIN = re.compile(r"[A-Za-z]")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_take_the_same_values() -> None:
    """The same values in both (a ``_zh``/``_en`` pair is one value in two languages)."""
    for code, (zh, en) in DOC_MESSAGES.items():
        assert {n.removesuffix("_zh") for n in fields(zh)} == {
            n.removesuffix("_en") for n in fields(en)
        }, code
        assert re.fullmatch(r"[DL]0\d\d", code)


@given(st.sampled_from(sorted(DOC_MESSAGES)), st.data())
def test_each_language_is_pure(code: str, data: st.DataObject) -> None:
    """With values that are numbers, the Chinese message has no Latin letter and the
    English one no Chinese character (D007's parser code aside)."""
    zh, en = DOC_MESSAGES[code]
    values = {name: data.draw(st.integers(0, 10**6)) for name in fields(zh) | fields(en)}
    issue = doc_issue(code, data.draw(st.integers(0, 10**5)), **values)
    assert issue.code == code and issue.message and issue.message_en
    assert not LATIN.search(issue.message), issue.message
    assert not CJK.search(issue.message_en), issue.message_en


def test_every_code_raised_in_the_source_is_catalogued() -> None:
    raised = set()
    for path in (ROOT / "extract").glob("*.py"):
        raised |= set(re.findall(r'doc_issue\(\s*"([DL]0\d\d)"', path.read_text("utf-8")))
    assert raised and raised | {"D007"} == set(DOC_MESSAGES)  # D007 through cell_issue
    assert set(MEANINGS) == set(DOC_MESSAGES)
    assert not re.search(r'DocIssue\(\s*"[DL]0', "".join(
        p.read_text("utf-8") for p in (ROOT / "extract").glob("*.py")))  # fmt: skip


def test_readme_documents_every_code() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    rows = dict(re.findall(r"^\| `([DL]0\d\d)` \| (.+?) \|$", readme, re.MULTILINE))
    assert set(rows) == set(DOC_MESSAGES)
    for code, meaning in MEANINGS.items():
        assert meaning in rows[code], code


def test_parser_codes_inside_d007_are_in_chinese() -> None:
    assert set(PARSER_ZH) == set(MESSAGES)
    for code, message in MESSAGES.items():
        issue = cell_issue("项目甲", Issue(code, message, "item 3"), 12)
        assert issue.code == "D007" and issue.line == 12
        assert code in issue.message and "第 3 项" in issue.message
        words = re.sub(rf"{code}|XX|Excel", "", issue.message)  # the code and quoted terms
        assert not LATIN.search(words), issue.message
        assert message in issue.message_en and "(item 3)" in issue.message_en


def test_sample_issues_have_both_messages(tmp_path: Path) -> None:
    paths = [str(p) for p in sorted(SAMPLES.glob("0*.txt"))]
    dry = run("ingest", "--dry-run", "--json", *paths)
    assert dry.returncode == 0, dry.stderr
    issues = [i for d in json.loads(dry.stdout) for i in d["issues"]]
    assert issues
    for issue in issues:
        assert issue["message"] and issue["message_en"], issue
        words = re.sub(r"^项目 .*? 的绩效指标：", "", issue["message"])  # a project name is data
        assert not LATIN.search(re.sub(r"[XT]0\d\d", "", words)), issue
    expected = Counter(i["code"] for i in issues)
    # the normal (storing) summary counts the same codes as the dry run's JSON
    done = run("ingest", "-q", "--store", str(tmp_path / "s"), *paths)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    listed = dict(re.findall(r"([DL]0\d\d)×(\d+)", last))
    stored_codes = {k for k in expected if k.startswith("D")}  # L codes need the dry run's linking
    assert {k: int(v) for k, v in listed.items()} == {k: expected[k] for k in stored_codes}
    assert "README" in last
    text = run("ingest", "--dry-run", *paths)
    assert text.returncode == 0 and "nothing written" in text.stdout.splitlines()[-1]
    assert all(f"{k}×{v}" in text.stdout.splitlines()[-1] for k, v in expected.items())
