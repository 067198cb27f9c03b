"""Run untrusted code in a child process the operating system isolates, and bound it.

Used for python checks (and for any code coach runs that it did not write).
What a child gets, where the machine allows it:

- On Linux with bubblewrap (`bwrap`, installed by `.ci/run`; `apt install
  bubblewrap`): fresh user, mount, PID, network, IPC and UTS namespaces; a
  root file system that holds only Python's own files (the interpreter, its
  standard library, the virtualenv) and the shared libraries, all read-only;
  an empty /tmp; a private /dev; no /proc; only its own work folder writable;
  all capabilities dropped; `--die-with-parent` and `--new-session` (no
  terminal to inject keystrokes into). No shell, no coach database, no home
  folder, no network (not even 127.0.0.1) exist inside.
- Everywhere: a scrubbed environment (PATH and LANG only), no inherited file
  descriptors, its own process group, stdout and stderr read up to a cap (the
  child is killed when it writes more), and a hard wall-clock limit after
  which the whole process group (or namespace) is killed.
- The child sets its own rlimits and audit-hook guard (`graders/_sandbox.py`);
  with no OS isolation those are the only defence, and `describe()` says so.

`COACH_ISOLATION=none` turns the OS layer off (for a machine where bwrap
misbehaves); `coach check` then says that python checks run without it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass

MAX_OUTPUT = 1024 * 1024  # bytes read from each of stdout and stderr before a kill
ISOLATION_VARIABLE = "COACH_ISOLATION"
INSIDE = "/sandbox"  # the work folder's path inside the namespace
LIBRARY_DIRS = (
    "/usr/lib",
    "/usr/lib64",
    "/usr/lib32",
    "/lib",
    "/lib64",
    "/lib32",
    "/usr/local/lib",
)
LOADER_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf")


@dataclass(frozen=True)
class Isolation:
    """Which OS isolation a child gets here, in words for `coach check` and the README."""

    kind: str  # "bubblewrap" or "none"
    detail: str

    @property
    def isolated(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class Finished:
    stdout: bytes
    stderr: bytes
    returncode: int | None
    timed_out: bool = False
    overflow: str | None = None  # "stdout" or "stderr" when the child wrote past the cap


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _python_roots() -> list[str]:
    """Folders holding Python's own files: prefixes and install paths, real and as named."""
    named: set[str] = set()
    for prefix in (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix):
        named.add(os.path.abspath(prefix))
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_path(key)
        if value:
            named.add(os.path.abspath(value))
    every = {os.path.realpath(root) for root in named} | named
    # A system-wide prefix such as /usr would bring in every program on the machine.
    candidates = sorted(
        root
        for root in every
        if root.count(os.sep) >= 2 and os.path.isdir(root) and not os.path.islink(root)
    )
    kept: list[str] = []
    for root in candidates:  # sorted: a parent comes before what is inside it
        if not _inside(root, kept):
            kept.append(root)
    return kept


def _mounts(executable: str) -> list[str]:
    """bwrap arguments that recreate, read-only, what a Python child needs and nothing else."""
    args: list[str] = []
    bound: list[str] = []
    for directory in LIBRARY_DIRS:
        if os.path.islink(directory):
            args += ["--symlink", os.readlink(directory), directory]
        elif os.path.isdir(directory):
            args += ["--ro-bind", directory, directory]
            bound.append(directory)
    for file in LOADER_FILES:
        if os.path.isfile(file):
            args += ["--ro-bind", file, file]
    for root in _python_roots():
        if not _inside(root, bound):
            args += ["--ro-bind", root, root]
            bound.append(root)
    # The interpreter as named (a venv's bin/python is a chain of symlinks).
    current, seen = os.path.abspath(executable), set()
    while current not in seen:
        seen.add(current)
        if _inside(current, bound):
            break
        if os.path.islink(current):
            target = os.readlink(current)
            args += ["--symlink", target, current]
            current = os.path.normpath(os.path.join(os.path.dirname(current), target))
            continue
        args += ["--ro-bind", current, current]
        break
    return args


def bwrap_argv(workdir: str, command: list[str]) -> list[str]:
    """The bubblewrap command line for `command` with only `workdir` writable."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise FileNotFoundError("bwrap")
    return [
        bwrap,
        "--unshare-user",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--uid",
        "65534",
        "--gid",
        "65534",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--hostname",
        "sandbox",
        "--dev",
        "/dev",
        *_mounts(command[0]),
        "--bind",
        workdir,
        INSIDE,
        "--remount-ro",
        "/",
        "--chdir",
        INSIDE,
        "--clearenv",
        "--setenv",
        "PATH",
        "/usr/bin:/bin",
        "--setenv",
        "LANG",
        "C.UTF-8",
        "--",
        *command,
    ]


@functools.lru_cache(maxsize=1)
def describe() -> Isolation:
    """The isolation available here (probed once: bwrap may exist and still be refused)."""
    if os.environ.get(ISOLATION_VARIABLE, "").lower() == "none":
        return Isolation("none", f"turned off by {ISOLATION_VARIABLE}=none")
    if not sys.platform.startswith("linux"):
        return Isolation(
            "none", f"no OS isolation on {sys.platform}: only rlimits and the in-process guard"
        )
    if shutil.which("bwrap") is None:
        return Isolation(
            "none",
            "bubblewrap (bwrap) is not installed: only rlimits and the in-process guard "
            "(install it: apt install bubblewrap)",
        )
    import tempfile

    with tempfile.TemporaryDirectory(prefix="coach-probe-") as tmp:
        try:
            argv = bwrap_argv(tmp, [sys.executable, "-I", "-S", "-c", "print('ok')"])
            probe = subprocess.run(
                argv, capture_output=True, timeout=20, stdin=subprocess.DEVNULL, check=False
            )
        except (OSError, subprocess.SubprocessError) as error:
            return Isolation("none", f"bubblewrap cannot run here ({error})")
    if probe.returncode != 0 or probe.stdout.strip() != b"ok":
        why = probe.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = why[-1] if why else f"exit status {probe.returncode}"
        return Isolation(
            "none",
            f"bubblewrap is installed but refused here ({reason}); user namespaces may be "
            "disabled: only rlimits and the in-process guard",
        )
    return Isolation(
        "bubblewrap",
        "bubblewrap: own user, mount, PID and network namespaces, read-only Python files, "
        "only the check's temp folder writable",
    )


def run(
    command: list[str],
    stdin: bytes,
    *,
    workdir: str,
    timeout_s: float,
    max_output: int = MAX_OUTPUT,
) -> Finished:
    """Run `command` isolated (where possible) in `workdir`; never longer than `timeout_s`."""
    argv = bwrap_argv(workdir, command) if describe().isolated else command
    env = {"PATH": os.defpath, "LANG": "C.UTF-8"}
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    try:
        return _communicate(proc, stdin, timeout_s, max_output)
    finally:
        _kill(proc)


def _communicate(
    proc: subprocess.Popen[bytes], stdin: bytes, timeout_s: float, max_output: int
) -> Finished:
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout_s
    out = {"stdout": bytearray(), "stderr": bytearray()}
    pending = memoryview(stdin)
    with selectors.DefaultSelector() as selector:
        os.set_blocking(proc.stdin.fileno(), False)
        selector.register(proc.stdin, selectors.EVENT_WRITE, "stdin")
        selector.register(proc.stdout, selectors.EVENT_READ, "stdout")
        selector.register(proc.stderr, selectors.EVENT_READ, "stderr")
        if not pending:
            selector.unregister(proc.stdin)
            proc.stdin.close()
        while len(selector.get_map()) > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return Finished(bytes(out["stdout"]), bytes(out["stderr"]), None, timed_out=True)
            for key, _ in selector.select(left):
                name = key.data
                if name == "stdin":
                    try:
                        written = os.write(key.fd, pending[:65536])
                    except (BrokenPipeError, BlockingIOError) as error:
                        if isinstance(error, BlockingIOError):
                            continue
                        written = len(pending)
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(key.fileobj)
                        with contextlib.suppress(OSError):
                            proc.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer = out[name]
                buffer += chunk[: max_output + 1 - len(buffer)]
                if len(buffer) > max_output:
                    del buffer[max_output:]
                    return Finished(bytes(out["stdout"]), bytes(out["stderr"]), None, overflow=name)
        left = max(0.0, deadline - time.monotonic())
        try:
            code = proc.wait(left)
        except subprocess.TimeoutExpired:
            return Finished(bytes(out["stdout"]), bytes(out["stderr"]), None, timed_out=True)
    return Finished(bytes(out["stdout"]), bytes(out["stderr"]), code)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child's whole process group (bwrap takes its namespace with it)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def python_command(source: str) -> list[str]:
    """The interpreter line for a child that runs `source`: isolated mode, no bytecode files."""
    return [sys.executable, "-I", "-B", "-c", source]
