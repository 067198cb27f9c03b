"""Attacks from a python check: every one is refused or contained.

Each check returns True (or the secret it found) only if its attack worked;
each test asserts that it did not, and that nothing changed outside. Cases
marked `needs_isolation` get past the in-process guard by design and are
stopped by the OS isolation (bubblewrap), which `.ci/run` installs.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graders import CheckResult, CheckSpec, GradeContext, grade_check
from graders.isolation import describe

SECRET = "sk-attack-suite-secret-0123456789"
needs_isolation = pytest.mark.skipif(
    not describe().isolated, reason=f"no OS isolation here: {describe().detail}"
)


def attack(body: str, timeout_s: float = 3.0, output: str = "out") -> CheckResult:
    code = "def check(output, context):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    ctx = GradeContext(trusted=True, timeout_s=timeout_s)
    return grade_check(output, CheckSpec("python", {"code": code}), ctx)


def refused(result: CheckResult) -> None:
    assert not result.passed, result.reason
    assert SECRET not in result.reason


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A secret file, a coach database holding the secret, an env secret, an outside dir."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    database = tmp_path / "coach.db"
    with sqlite3.connect(database) as db:
        db.execute("create table keys (value text)")
        db.execute("insert into keys values (?)", (SECRET,))
    outside = tmp_path / "outside"
    outside.mkdir()
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return {"secret": secret, "db": database, "outside": outside}


def untouched(outside: Path) -> None:
    assert list(outside.iterdir()) == []


# --- reading what is not its own ----------------------------------------------------------

READS = {
    "open /etc/passwd": "return 'root' in open('/etc/passwd').read()",
    "os.open /etc/hostname": "import os\nreturn os.open('/etc/hostname', os.O_RDONLY) >= 0",
    "pathlib read": "from pathlib import Path\nreturn '{s}' in Path('{secret}').read_text()",
    "io.FileIO": "import io\nreturn '{s}' in io.FileIO('{secret}').read().decode()",
    "chdir and relative": "import os\nos.chdir('{secret_dir}')\n"
    "return '{s}' in open('secret.txt').read()",
    "dot-dot from the temp dir": "return '{s}' in open('../' * 20 + '{secret}'.lstrip('/')).read()",
    "symlink to the secret": "import os\nos.symlink('{secret}', 'l')\n"
    "return '{s}' in open('l').read()",
    "hard link to the secret": "import os\nos.link('{secret}', 'h')\n"
    "return '{s}' in open('h').read()",
    "the coach database": "return '{s}' in open('{db}', 'rb').read().decode('latin-1')",
    "listdir of the root": "import os\nreturn len(os.listdir('/')) > 0",
    "walk for coach.db": "import os\n"
    "return any('coach.db' in f for _, _, f in os.walk('{secret_dir}'))",
    "/proc/self/environ": "return len(open('/proc/self/environ').read()) >= 0",
    "/proc/<ppid>/environ": "import os\n"
    "return '{s}' in open(f'/proc/{{os.getppid()}}/environ').read()",
    "/proc/1/environ": "return len(open('/proc/1/environ').read()) >= 0",
    "/proc/<ppid>/cmdline": "import os\n"
    "return len(open(f'/proc/{{os.getppid()}}/cmdline').read()) >= 0",
    "secret in os.environ": "import os\nreturn '{s}' in repr(dict(os.environ))",
    "an inherited descriptor": "import os\n"
    "found = ''\n"
    "for fd in range(3, 64):\n"
    "    try:\n"
    "        found += os.pread(fd, 100, 0).decode('latin-1')\n"
    "    except OSError:\n"
    "        pass\n"
    "return '{s}' in found",
}


@pytest.mark.parametrize("body", READS.values(), ids=READS.keys())
def test_reads_are_refused(body: str, world: dict[str, Path]) -> None:
    # A descriptor on the secret that a careless parent would pass down.
    fd = os.open(world["secret"], os.O_RDONLY)
    os.set_inheritable(fd, True)
    try:
        result = attack(
            body.format(
                s=SECRET, secret=world["secret"], secret_dir=world["secret"].parent, db=world["db"]
            )
        )
    finally:
        os.close(fd)
    refused(result)


# --- writing outside its temp dir ---------------------------------------------------------

WRITES = {
    "open for writing": "open('{out}/m', 'w').write('x')\nreturn True",
    "os.open O_CREAT": "import os\nos.open('{out}/m', os.O_CREAT | os.O_WRONLY)\nreturn True",
    "rename out": "import os\nopen('m', 'w').write('x')\nos.rename('m', '{out}/m')\nreturn True",
    "shutil.copy out": "import shutil\nopen('m', 'w').write('x')\n"
    "shutil.copy('m', '{out}/m')\nreturn True",
    "mkdir outside": "import os\nos.mkdir('{out}/d')\nreturn True",
    "write through a symlink": "import os\nos.symlink('{out}/m', 'l')\n"
    "open('l', 'w').write('x')\nreturn True",
    "sqlite3 connect outside": "import sqlite3\nsqlite3.connect('{out}/m.db').execute("
    "'create table t (x)')\nreturn True",
    "sqlite3 ATTACH the coach database": "import sqlite3\n"
    "db = sqlite3.connect(':memory:')\n"
    "db.execute(\"attach database '{db}' as c\")\n"
    "return db.execute('select value from c.keys').fetchone()[0] == '{s}'",
    "sqlite3 VACUUM INTO outside": "import sqlite3\n"
    "db = sqlite3.connect(':memory:')\n"
    "db.execute('create table t (x)')\n"
    "db.execute(\"vacuum into '{out}/m.db'\")\nreturn True",
}


@pytest.mark.parametrize("body", WRITES.values(), ids=WRITES.keys())
def test_writes_outside_are_refused(body: str, world: dict[str, Path]) -> None:
    refused(attack(body.format(out=world["outside"], db=world["db"], s=SECRET)))
    untouched(world["outside"])


# --- the network ----------------------------------------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            seen.append(conn.recv(100) or b"<connected>")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join(2)
    server.close()


NETWORK = {
    "socket.create_connection": "import socket\n"
    "socket.create_connection(('127.0.0.1', {port})).sendall(b'hi')\nreturn True",
    "_socket directly": "import _socket\ns = _socket.socket()\n"
    "s.connect(('127.0.0.1', {port}))\ns.send(b'hi')\nreturn True",
    "urllib": "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:{port}/')\n"
    "return True",
    "UDP sendto": "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
    "s.sendto(b'hi', ('127.0.0.1', {port}))\nreturn True",
    "name lookup": "import socket\nreturn bool(socket.getaddrinfo('localhost', {port}))",
}


@pytest.mark.parametrize("body", NETWORK.values(), ids=NETWORK.keys())
def test_network_is_refused(body: str, listener: tuple[int, list[bytes]]) -> None:
    port, seen = listener
    refused(attack(body.format(port=port)))
    time.sleep(0.3)
    assert seen == []


# --- processes and foreign code -------------------------------------------------------------

PROCESSES = {
    "subprocess.run": "import subprocess\n"
    "return subprocess.run(['touch', '{out}/m']).returncode == 0",
    "os.system": "import os\nreturn os.system('touch {out}/m') == 0",
    "os.popen": "import os\nreturn os.popen('touch {out}/m').close() is None",
    "os.fork": "import os\nreturn os.fork() >= 0",
    "os.posix_spawn": "import os\n"
    "return os.posix_spawn('/bin/touch', ['touch', '{out}/m'], {{}}) > 0",
    "os.execv": "import os\nos.execv('/bin/touch', ['touch', '{out}/m'])",
    "pty.spawn": "import pty\npty.spawn(['touch', '{out}/m'])\nreturn True",
    "multiprocessing": "import multiprocessing\n"
    "p = multiprocessing.Process(target=print)\np.start()\nreturn True",
    "ctypes libc.system": "import ctypes, ctypes.util\n"
    "libc = ctypes.CDLL(ctypes.util.find_library('c'))\n"
    "return libc.system(b'touch {out}/m') == 0",
    "cffi system": "import cffi\nffi = cffi.FFI()\nffi.cdef('int system(const char *);')\n"
    "return ffi.dlopen(None).system(b'touch {out}/m') == 0",
    "_posixsubprocess again": "import sys\nsys.modules.pop('_posixsubprocess', None)\n"
    "import _posixsubprocess\nreturn True",
    "os.forkpty": "import os\nreturn os.forkpty()[0] >= 0",
    "os.spawnv": "import os\nreturn os.spawnv(os.P_WAIT, '/bin/touch', ['touch', '{out}/m']) == 0",
    "signal the parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nreturn True",
}


@pytest.mark.parametrize("body", PROCESSES.values(), ids=PROCESSES.keys())
def test_processes_are_refused(body: str, world: dict[str, Path]) -> None:
    refused(attack(body.format(out=world["outside"])))
    untouched(world["outside"])


# --- rewriting the guard --------------------------------------------------------------------

GUARD = {
    "gc.get_objects": "import gc\nreturn len(gc.get_objects()) > 0",
    "set a function's __code__": "def f():\n    pass\nf.__code__ = (lambda: 1).__code__\n"
    "return True",
    "raise the rlimits": "import resource\n"
    "resource.setrlimit(resource.RLIMIT_AS, (-1, -1))\nreturn True",
}


@pytest.mark.parametrize("body", GUARD.values(), ids=GUARD.keys())
def test_guard_cannot_be_switched_off(body: str) -> None:
    result = attack(body)
    refused(result)
    assert "sandbox" in result.reason


# Through a traceback, the hook's own helper is reached and its cells rewritten; the
# guard then lets everything through. The OS isolation still holds.
TRACEBACK_BYPASS = """
try:
    open('/etc/hostname')
except PermissionError as error:
    tb = error.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    helper = tb.tb_frame.f_locals.get('allowed')
    if helper is not None:
        for cell in helper.__closure__ or ():
            if callable(cell.cell_contents) and 'realpath' in repr(cell.cell_contents):
                cell.cell_contents = lambda path: '/dev/null'
{attack}
"""


@needs_isolation
@pytest.mark.parametrize(
    "then",
    [
        "return '{s}' in open('{secret}').read()",
        "open('{out}/m', 'w').write('x')\nreturn True",
        "return '{s}' in open('{db}', 'rb').read().decode('latin-1')",
    ],
    ids=["read the secret", "write outside", "read the coach database"],
)
def test_a_rewritten_guard_is_still_contained(then: str, world: dict[str, Path]) -> None:
    body = TRACEBACK_BYPASS.format(
        attack=then.format(s=SECRET, secret=world["secret"], out=world["outside"], db=world["db"])
    )
    refused(attack(body))
    untouched(world["outside"])


# --- resources --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("x = bytearray(2**33)\nreturn True", "memory"),
        ("xs = []\nwhile True:\n    xs.append(bytearray(2**20))", "memory"),
        ("open('big', 'wb').write(b'x' * (64 * 2**20))\nreturn True", ""),
    ],
    ids=["one huge allocation", "growing list", "huge file in the temp dir"],
)
def test_memory_and_disk_are_capped(body: str, words: str) -> None:
    result = attack(body)
    refused(result)
    assert words in result.reason


@pytest.mark.parametrize(
    "body",
    [
        "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)",
        "import sys\nwhile True:\n    sys.stderr.write('y' * 65536)",
        "import os\nwhile True:\n    for fd in range(1, 8):\n"
        "        try:\n            os.write(fd, b'z' * 65536)\n        except OSError:\n"
        "            pass",
    ],
    ids=["stdout flood", "stderr flood", "flood on every descriptor"],
)
def test_output_floods_are_cut(body: str) -> None:
    result = attack(body, timeout_s=10)
    refused(result)
    # Cut by the output cap (a flood), not left to run until its 10 s timeout.
    assert "was stopped" in result.reason and "timed out" not in result.reason


@pytest.mark.parametrize(
    "body",
    [
        "import time\ntime.sleep(60)",
        "while True:\n    pass",
        "import re\nreturn bool(re.match(r'(a+)+$', 'a' * 64 + 'b'))",
        "import threading\nthreading.Event().wait()",
    ],
    ids=["sleep", "busy loop", "catastrophic regex in C", "wait for ever"],
)
def test_time_is_capped(body: str) -> None:
    result = attack(body, timeout_s=1.0)
    refused(result)
    assert "timed out" in result.reason  # killed by the timeout (no wall clock asserted)


def test_a_child_left_behind_is_killed_with_the_check() -> None:
    """Whatever the check starts in its namespace dies with it (no orphan keeps running)."""
    result = attack("import time\ntime.sleep(60)", timeout_s=0.5)
    refused(result)
    time.sleep(0.3)
    leftovers = [
        line
        for line in os.popen("ps -eo args").read().splitlines()
        if "coach_python_check" in line or "time.sleep(60)" in line
    ]
    assert leftovers == []


def test_the_attack_suite_has_at_least_forty_cases() -> None:
    count = len(READS) + len(WRITES) + len(NETWORK) + len(PROCESSES) + len(GUARD) + 3 + 3 + 3 + 4
    assert count >= 40
