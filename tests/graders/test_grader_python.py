"""The python grader: trusted check functions in a sandboxed subprocess."""

from __future__ import annotations

import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check

TRUSTED = GradeContext(
    trusted=True,
    timeout_s=3.0,
    materials={"email": "Dates: 1 March 2026"},
    input_text="hidden input",
)


def check_code(body: str) -> str:
    return "def check(output, context):\n" + textwrap.indent(textwrap.dedent(body), "    ")


def run(
    body: str,
    output: str = "hello",
    ctx: GradeContext = TRUSTED,
    threshold: float | None = None,
    negate: bool = False,
) -> CheckResult:
    check = CheckSpec("python", {"code": check_code(body)}, threshold=threshold, negate=negate)
    return grade_check(output, check, ctx)


# --- results ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "passed", "score", "words"),
    [
        ("return output == 'hello'", True, 1.0, ["returned True"]),
        ("return output == 'bye'", False, 0.0, ["returned False"]),
        ("return 0.75", True, 0.75, ["scored 0.75"]),
        ("return 0.25", False, 0.25, []),
        ("return 1", True, 1.0, []),
        ("return {'passed': False, 'score': 0.4, 'reason': 'two dates missing'}", False, 0.4, []),
        ("return {'passed': True}", True, 1.0, []),
        ("return {'score': 0.9, 'reason': 'nearly'}", True, 0.9, ["nearly"]),
        ("return context['materials']['email'].startswith('Dates')", True, 1.0, []),
        ("return context['input'] == 'hidden input'", True, 1.0, []),
        ("import json, re, datetime, decimal, subprocess\nreturn True", True, 1.0, []),
        ("print('noise on stdout')\nreturn True", True, 1.0, []),
        (
            "open('scratch.txt', 'w').write('x')\nreturn open('scratch.txt').read() == 'x'",
            True,
            1.0,
            [],
        ),
    ],
)
def test_python_results(body: str, passed: bool, score: float, words: list[str]) -> None:
    result = run(body)
    assert not result.unscored, result.reason
    assert result.passed is passed
    assert result.score == pytest.approx(score)
    for word in words:
        assert word in result.reason


def test_threshold_and_negation() -> None:
    assert not run("return 0.75", threshold=0.8).passed
    assert run("return 0.75", threshold=0.7).passed
    negated = run("return 0.25", negate=True)
    assert negated.passed and negated.score == pytest.approx(0.75)


def test_output_is_passed_through_intact() -> None:
    output = 'Zoë — 日本語 "quotes" \n\t' + "x" * 1_000_000
    result = run(
        f"return len(output) == {len(output)} and output.startswith('Zoë — 日本語')", output
    )
    assert result.passed, result.reason


# --- failures are unscored, never a crash ------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("return 1 / 0", ["raised ZeroDivisionError"]),
        ("return 'yes'", ["returned something unusable", "str"]),
        ("return 1.5", ["score must be from 0 to 1"]),
        ("return {'reason': 'no verdict'}", ["unusable"]),
        ("import sys\nsys.exit(3)", ["SystemExit"]),
        ("import os\nos._exit(0)", ["stopped unexpectedly"]),
    ],
)
def test_check_errors_are_unscored(body: str, words: list[str]) -> None:
    result = run(body)
    assert result.unscored and not result.passed and result.score == 0
    for word in words:
        assert word in result.reason


def test_untrusted_is_unscored() -> None:
    result = run("return True", ctx=GradeContext(trusted=False))
    assert result.unscored
    assert result.reason == "python checks run only for trusted packs"


def test_code_without_check_function() -> None:
    result = grade_check("x", CheckSpec("python", {"code": "x = 1"}), TRUSTED)
    assert result.unscored and "defines no check" in result.reason


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({}, ["exactly one of `code` or `file`"]),
        ({"code": "def check(o, c): return True", "file": "c.py"}, ["exactly one"]),
        ({"code": "def check(o, c) return True"}, ["does not compile"]),
        ({"code": "x", "timeout": 3}, ["unknown option 'timeout'"]),
        ({"file": "checks/missing.py"}, ["cannot read"]),
        ({"file": "../outside.py"}, ["outside the pack directory"]),
    ],
)
def test_bad_options(tmp_path: Path, options: dict[str, Any], words: list[str]) -> None:
    ctx = GradeContext(trusted=True, pack_dir=tmp_path / "pack")
    (tmp_path / "pack").mkdir()
    (tmp_path / "outside.py").write_text("def check(o, c):\n    return True\n")
    result = grade_check("x", CheckSpec("python", options), ctx)
    assert result.unscored and result.reason.startswith("bad options")
    for word in words:
        assert word in result.reason


def test_file_relative_to_the_pack(tmp_path: Path) -> None:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "dates.py").write_text(
        "import json\n\ndef check(output, context):\n    return len(json.loads(output)) == 2\n"
    )
    ctx = GradeContext(trusted=True, pack_dir=tmp_path)
    assert grade_check("[1, 2]", CheckSpec("python", {"file": "checks/dates.py"}), ctx).passed
    no_pack = grade_check("[1]", CheckSpec("python", {"file": "checks/dates.py"}), TRUSTED)
    assert no_pack.unscored and "pack directory" in no_pack.reason


# --- the sandbox ---------------------------------------------------------------


def assert_stopped(result: CheckResult, *words: str) -> None:
    assert result.unscored, result.reason
    assert not result.passed
    for word in words:
        assert word in result.reason, result.reason


@pytest.mark.parametrize(
    "body",
    [
        "return open('/etc/hostname').read() != ''",
        "import os\nos.open('/etc/hostname', os.O_RDONLY)\nreturn True",
        "from pathlib import Path\nreturn Path('/etc/passwd').read_text() != ''",
        "import os\nos.chdir('/etc')\nreturn open('hostname').read() != ''",
        "import os\nos.symlink('/etc/hostname', 'link')\nreturn open('link').read() != ''",
    ],
)
def test_cannot_read_outside_its_temp_dir(body: str) -> None:
    assert_stopped(run(body), "sandbox")


def test_cannot_read_the_project_or_home(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    assert_stopped(run(f"return open({str(secret)!r}).read() == 's3cret'"), "sandbox")
    assert_stopped(run("import os\nreturn len(os.listdir('/etc')) > 0"), "sandbox")


def test_cannot_write_outside_its_temp_dir(tmp_path: Path) -> None:
    target = tmp_path / "evil.txt"
    assert_stopped(run(f"open({str(target)!r}, 'w').write('x')\nreturn True"), "sandbox")
    assert not target.exists()
    db = tmp_path / "evil.db"
    assert_stopped(run(f"import sqlite3\nsqlite3.connect({str(db)!r})\nreturn True"), "sandbox")
    assert not db.exists()


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A loopback TCP server that records any connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(conn.recv(100))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join(2)
    server.close()


@pytest.mark.parametrize(
    "body",
    [
        "import socket\ns = socket.create_connection(('127.0.0.1', {port}))\ns.sendall(b'hi')"
        "\nreturn True",
        "import socket\ns = socket.socket()\ns.connect(('127.0.0.1', {port}))\ns.sendall(b'hi')"
        "\nreturn True",
        "import _socket\ns = _socket.socket()\ns.connect(('127.0.0.1', {port}))\nreturn True",
        "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:{port}/')\nreturn True",
    ],
)
def test_cannot_open_a_socket_even_to_loopback(
    body: str, listener: tuple[int, list[bytes]]
) -> None:
    port, seen = listener
    assert_stopped(run(body.format(port=port)))
    time.sleep(0.3)
    assert seen == []


@pytest.mark.parametrize(
    "body",
    [
        "import subprocess\nreturn subprocess.run(['cat', '/etc/hostname']).returncode == 0",
        "import os\nreturn os.system('true') == 0",
        "import os\nos.execv('/bin/cat', ['cat', '/etc/hostname'])",
        "import os\nreturn os.fork() >= 0",
        "import _posixsubprocess\n_posixsubprocess.fork_exec()",
        "import sys\ndel sys.modules['_posixsubprocess']\nimport _posixsubprocess\nreturn True",
        "import ctypes\nreturn True",
        "import os, signal\nos.kill(os.getppid(), signal.SIGTERM)\nreturn True",
        "import resource\nresource.setrlimit(resource.RLIMIT_AS, (-1, -1))\nreturn True",
        "import gc\nreturn len(gc.get_objects()) > 0",
    ],
)
def test_cannot_start_processes_or_escape(body: str) -> None:
    assert_stopped(run(body), "sandbox")


def test_infinite_loop_is_stopped_at_its_timeout() -> None:
    ctx = GradeContext(trusted=True, timeout_s=1.0)
    # The reason is the timeout's own: the loop was killed by it, not left to run.
    assert_stopped(run("while True:\n    pass", ctx=ctx), "timed out after 1s")


def test_sleeping_check_is_stopped_at_its_timeout() -> None:
    ctx = GradeContext(trusted=True, timeout_s=0.5)
    # Timed out, so stopped long before the sleep could end (no wall clock asserted).
    assert_stopped(run("import time\ntime.sleep(60)", ctx=ctx), "timed out")


@pytest.mark.parametrize(
    "body",
    [
        "x = bytearray(2**31)\nreturn True",
        "chunks = [bytearray(2**20) for _ in range(2000)]\nreturn True",
    ],
)
def test_memory_bomb_is_stopped(body: str) -> None:
    assert_stopped(run(body), "memory")


def test_environment_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-should-not-leak")
    result = run("import os\nreturn sorted(os.environ) == ['LANG', 'PATH'] or sorted(os.environ)")
    assert result.passed, result.reason


def test_runs_in_a_fresh_empty_temp_dir() -> None:
    first = run(
        "import os\nopen('left.txt', 'w').write('x')\nreturn os.listdir('.') == ['left.txt']"
    )
    second = run("import os\nreturn os.listdir('.') == []")
    assert first.passed and second.passed
