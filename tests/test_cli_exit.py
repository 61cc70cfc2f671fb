"""Exit statuses and one-line errors of every command, and the commands beside a running
``jixiao serve`` (a real subprocess on 127.0.0.1, on the same store)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.api.cmd_validate import SEVERITIES, failing
from jixiao.api.common import STORE_HELP
from tests.conftest import SAMPLES, ingest_samples_in_child

JIXIAO = shutil.which("jixiao", path=str(Path(sys.executable).parent)) or "jixiao"
SAMPLE = str(sorted(SAMPLES.glob("0*.txt"))[0])


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    return subprocess.run(
        [JIXIAO, *args], capture_output=True, text=True, env={**environment, **env}, timeout=300
    )


def one_line_error(done: subprocess.CompletedProcess[str], command: str) -> str:
    """The stderr of a failed command: one line ``jixiao COMMAND: …``, no traceback."""
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr, done.stderr
    assert lines and lines[-1].startswith(f"jixiao {command}: "), done.stderr
    return lines[-1]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exit") / "store"
    ingest_samples_in_child(path)
    return path


# ----------------------------------------------------------------------- validate --fail-on


@given(st.lists(st.sampled_from(SEVERITIES)), st.sampled_from(SEVERITIES))
def test_failing_counts_findings_at_or_above_the_level(found: list[str], level: str) -> None:
    rank = SEVERITIES.index(level)
    expected = len([s for s in found if SEVERITIES.index(s) <= rank])
    assert failing(found, level) == expected
    assert failing(found, "Info") == len(found)


def test_fail_on_violation_exits_1_on_the_samples(store: Path) -> None:
    done = run("validate", "--store", str(store), "--fail-on", "Violation")
    assert done.returncode == 1, done.stderr
    assert "Violation 15" in done.stdout
    assert one_line_error(done, "validate").endswith(
        "15 findings at or above Violation (--fail-on)"
    )
    warning = run("validate", "--store", str(store), "--no-write", "--fail-on", "Warning")
    assert warning.returncode == 1 and "48 findings at or above Warning" in warning.stderr
    plain = run("validate", "--store", str(store), "--no-write")
    assert plain.returncode == 0 and "51 findings" in plain.stdout


def test_usage_errors_exit_2(store: Path) -> None:
    assert run("validate", "--store", str(store), "--fail-on", "Error").returncode == 2
    assert run("no-such-command").returncode == 2
    unknown = run("query", "no_such_query", "--store", str(store))
    assert unknown.returncode == 2 and "no query named" in one_line_error(unknown, "query")
    param = run("query", "satisfaction_targets_below", "--param", "x=1", "--store", str(store))
    assert param.returncode == 2 and "--param" in one_line_error(param, "query")


def test_runtime_errors_exit_3(tmp_path: Path) -> None:
    missing = run("stats", "--store", str(tmp_path / "nowhere"))
    assert missing.returncode == 3 and "no store at" in one_line_error(missing, "stats")
    for command in ("query", "export", "validate"):
        args = ["projects_without_cost"] if command == "query" else []
        done = run(command, *args, "--store", str(tmp_path / "nowhere"))
        assert done.returncode == 3 and "no store at" in one_line_error(done, command)
    assert not (tmp_path / "nowhere").exists()  # validate does not create a store
    unreadable = run("query", str(tmp_path / "absent.rq"), "--store", str(tmp_path))
    assert unreadable.returncode == 3 and "absent.rq" in one_line_error(unreadable, "query")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x00binary")
    dry = run("ingest", "--dry-run", str(junk))
    assert dry.returncode == 3 and "junk.txt" in one_line_error(dry, "ingest")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("JIXIAO_PORT", "abc", "JIXIAO_PORT='abc': expected a whole number"),
        ("JIXIAO_QUERY_TIMEOUT", "soon", "JIXIAO_QUERY_TIMEOUT='soon': expected a number"),
        ("JIXIAO_WORKERS", "0", "workers 0 (JIXIAO_WORKERS or option): expected a whole number"),
        ("JIXIAO_PORT", "70000", "port 70000 (JIXIAO_PORT or option): expected a TCP port"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(
    tmp_path: Path, variable: str, value: str, expected: str
) -> None:
    done = run("serve", "--store", str(tmp_path / "s"), **{variable: value})
    assert done.returncode == 2
    assert one_line_error(done, "serve").startswith(f"jixiao serve: {expected}")


def test_bad_option_values_exit_2(tmp_path: Path) -> None:
    done = run("serve", "--store", str(tmp_path / "s"), "--workers", "0")
    assert done.returncode == 2 and "workers 0" in one_line_error(done, "serve")


def test_every_command_names_the_same_default_store() -> None:
    commands = ["ingest", "query", "stats", "validate", "export", "serve"]
    for command in commands:
        done = run(command, "--help", COLUMNS="300")  # no line breaks inside the help
        assert done.returncode == 0
        text = " ".join(done.stdout.split())
        assert STORE_HELP in text, (command, text)
    top = run("--help").stdout
    assert re.search(r"^\s*3\s+runtime", top, re.MULTILINE) and re.search(
        r"^\s*1\s+validate", top, re.M
    )


# ----------------------------------------------------------------------- beside jixiao serve


class Serving:
    """``jixiao serve --port 0`` as a subprocess; :attr:`url` from its announcement."""

    def __init__(self, store: Path) -> None:
        command = [JIXIAO, "serve", "--store", str(store), "--port", "0", "--workers", "1"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
        self.process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: list[str] = []
        self.announced = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if line.startswith("jixiao: serving "):
                self.announced.set()

    def url(self, timeout: float = 90) -> str:
        assert self.announced.wait(timeout), "".join(self.lines)
        line = next(x for x in self.lines if x.startswith("jixiao: serving "))
        match = re.fullmatch(
            r"jixiao: serving (http://127\.0\.0\.1:\d+/) \(store (.+), (\d+) documents\)\n", line
        )
        assert match, line
        return match.group(1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture(scope="module")
def serving(store: Path) -> Iterator[tuple[Serving, str]]:
    server = Serving(store)
    try:
        yield server, server.url()
    finally:
        server.stop()


def test_serve_announces_its_url_before_accepting(
    serving: tuple[Serving, str], store: Path
) -> None:
    server, url = serving
    line = next(x for x in server.lines if x.startswith("jixiao: serving "))
    assert f"(store {store}, 5 documents)" in line
    response = httpx.get(url + "api/projects", params={"limit": 1}, timeout=30)  # no retry
    assert response.status_code == 200 and response.json()["total"] == 114


def test_read_only_commands_beside_serve(
    serving: tuple[Serving, str], store: Path, tmp_path: Path
) -> None:
    stats = run("stats", "--json", "--store", str(store))
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["documents"] == 5
    assert "reading its newest checkpoint" in stats.stderr and "LOCK" not in stats.stderr
    query = run("query", "projects_without_satisfaction", "--format", "csv", "--store", str(store))
    assert query.returncode == 0 and len(query.stdout.splitlines()) > 1
    out = tmp_path / "full.gexf"
    export = run("export", "--store", str(store), "-o", str(out))
    assert export.returncode == 0 and out.read_bytes().startswith(b"<?xml")
    check = run("validate", "--no-write", "--fail-on", "Violation", "--store", str(store))
    assert check.returncode == 1 and "Violation 15" in check.stdout
    root = store.with_name(store.name + ".checkpoints")
    assert not [p for p in root.iterdir() if p.name.startswith("cli-")]  # our copies removed


def test_writes_beside_serve_fail_in_one_line(serving: tuple[Serving, str], store: Path) -> None:
    ingest = run("ingest", "--store", str(store), SAMPLE)
    assert ingest.returncode == 3
    line = one_line_error(ingest, "ingest")
    assert "in use" in line and "stop it" in line and "POST /api/documents" in line
    assert "LOCK" not in ingest.stderr
    validate = run("validate", "--store", str(store))
    assert validate.returncode == 3 and "--no-write" in one_line_error(validate, "validate")
    again = run("serve", "--store", str(store), "--port", "0")
    assert again.returncode == 3 and "in use" in one_line_error(again, "serve")


def test_serve_on_a_port_in_use_exits_3(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run("serve", "--store", str(tmp_path / "s"), "--port", str(port))
    assert done.returncode == 3 and f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_locked_store_without_checkpoints_exits_3(tmp_path: Path) -> None:
    """Another writer (not a server) holds the store: nothing to read, one line, exit 3."""
    path = tmp_path / "held"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('held', flush=True); "
         "time.sleep(120)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        start = time.monotonic()
        done = run("stats", "--store", str(path))
        assert done.returncode == 3 and "no checkpoint" in one_line_error(done, "stats")
        assert time.monotonic() - start < 60
    finally:
        holder.kill()
        holder.wait(5)
