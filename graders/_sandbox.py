"""The child side of a python check: limits, an audit-hook sandbox, then the check.

This file is not imported by graders; `python_check` runs its source as
`python -I -B -c <this source>` in a fresh temporary working directory with a
scrubbed environment. Protocol: one JSON request on stdin
({"code", "output", "context", "memory", "cpu", "filename"}), one JSON line on
the original stdout ({"ok": true, "value": ...} or {"ok": false, "error",
"message"}). Anything the check prints goes to stderr.

The sandbox, installed before the check's code runs:
- resource limits: address space (memory), CPU seconds, file size, no core,
  no new processes;
- socket.socket and friends refuse to construct, and an audit hook refuses
  every socket.* event, so no connection is possible (not even to 127.0.0.1);
- the same hook refuses opening files outside the temp dir, except reading
  Python's own standard library and installed packages; writes only inside
  the temp dir; no new processes (subprocess, os.system, exec, fork, spawn),
  no signals to other processes, no ctypes or cffi, no sqlite (it opens files
  where no hook sees), no raising the limits, no walking the garbage collector
  or rewriting a function's code to reach the hook's own state.

This guard runs in the same interpreter as the check, so a determined check
may still find a way around it: it is defence in depth. The boundary is the
operating system's isolation around the child (`graders/isolation.py`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

NOT_ALLOWED = "not allowed in a python check"
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
BLOCKED_EVENTS = (
    "socket.",
    "subprocess.",
    "os.system",
    "os.exec",
    "os.spawn",
    "os.posix_spawn",
    "os.fork",
    "os.forkpty",
    "os.kill",
    "os.killpg",
    "os.startfile",
    "os.add_dll_directory",
    "pty.",
    "ctypes.",
    "resource.setrlimit",
    "resource.prlimit",
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "sys.remote_exec",
    "sqlite3.load_extension",
    "sqlite3.enable_load_extension",
    "webbrowser.open",
    "_winapi.",
    "winreg.",
    "msvcrt.",
)
BLOCKED_IMPORTS = frozenset(
    {
        "_posixsubprocess",
        "_ctypes",
        "_testcapi",
        "_testinternalcapi",
        "_xxsubinterpreters",
        "_xxinterpchannels",
        # SQLite opens files in C (ATTACH, VACUUM INTO) where no audit hook sees them.
        "_sqlite3",
        "_cffi_backend",
    }
)
# Rewriting a function of the guard (its code, defaults, globals) is refused.
GUARDED_ATTRIBUTES = frozenset(
    {"__code__", "__defaults__", "__kwdefaults__", "__globals__", "__closure__", "__builtins__"}
)
# Events whose listed arguments are paths that must stay inside the temp dir.
WRITE_PATH_EVENTS = {
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.rename": (0, 1),
    "os.link": (0, 1),
    "os.symlink": (0, 1),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.chflags": (0,),
    "os.lchflags": (0,),
    "os.truncate": (0,),
    "os.utime": (0,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.chown": (0,),
    "shutil.copyfile": (1,),
    "shutil.copymode": (1,),
    "shutil.copystat": (1,),
    "shutil.copytree": (1,),
    "shutil.move": (0, 1),
    "shutil.rmtree": (0,),
    "shutil.make_archive": (0,),
    "shutil.unpack_archive": (1,),
}
# Events whose listed arguments are paths that must be readable.
READ_PATH_EVENTS = {
    "os.listdir": (0,),
    "os.scandir": (0,),
    "os.listxattr": (0,),
    "os.getxattr": (0,),
    "shutil.copyfile": (0,),
    "shutil.copytree": (0,),
    "shutil.unpack_archive": (0,),
    "sqlite3.connect": (0,),
}
WRITE_ON_CONNECT = {"sqlite3.connect"}  # sqlite opens files in C, for writing too


def set_limits(memory: int, cpu: int) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the parent's timeout still applies
        return
    wanted = [
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_FSIZE, 16 * 1024 * 1024),
        (resource.RLIMIT_CORE, 0),
        # No new processes or threads (not enforced for root, whom bwrap contains).
        (resource.RLIMIT_NPROC, 0),
    ]
    for kind, limit in wanted:
        # The CPU hard limit is a second later, so the soft one can be reported first.
        hard = limit + 1 if kind == resource.RLIMIT_CPU else limit
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (limit, hard))


def read_roots(tmp: str) -> tuple[str, ...]:
    """Directories a check may read: the temp dir, the stdlib, installed packages."""
    import sysconfig

    roots = {tmp}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_path(key)
        if path:
            roots.add(os.path.realpath(path))
    for prefix in (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix):
        real = os.path.realpath(prefix)
        # A system-wide prefix such as /usr would open up most of the disk.
        if real.count(os.sep) >= 2 and real not in ("/usr/local", "/opt/local"):
            roots.add(real)
    return tuple(sorted(root.rstrip(os.sep) + os.sep for root in roots))


def install_sandbox(tmp: str) -> None:
    import socket

    class NoSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise PermissionError(f"network access is {NOT_ALLOWED}")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(f"network access is {NOT_ALLOWED}")

    def no_processes(*args: object, **kwargs: object) -> None:
        raise PermissionError(f"starting processes is {NOT_ALLOWED}")

    socket.socket = NoSocket  # type: ignore[misc]
    socket.SocketType = NoSocket
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.create_server = refuse  # type: ignore[assignment]
    socket.socketpair = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]
    socket.fromfd = refuse  # type: ignore[assignment]
    try:
        # Imported now and disarmed: its fork_exec raises no audit event, and
        # importing it afresh later is refused below.
        import _posixsubprocess
    except ImportError:  # not POSIX
        pass
    else:
        setattr(_posixsubprocess, "fork_exec", no_processes)  # noqa: B010 (typeshed's signature)

    readable = read_roots(tmp)
    writable = (tmp.rstrip(os.sep) + os.sep,)
    devices = frozenset({"/dev/null", "/dev/urandom", "/dev/random", "/dev/zero"})
    blocked = BLOCKED_EVENTS
    blocked_imports = BLOCKED_IMPORTS
    guarded = GUARDED_ATTRIBUTES
    write_events = dict(WRITE_PATH_EVENTS)
    read_events = dict(READ_PATH_EVENTS)
    write_flags = WRITE_FLAGS
    realpath = os.path.realpath
    fsdecode = os.fsdecode
    getcwd = os.getcwd

    def allowed(path: object, roots: tuple[str, ...]) -> bool:
        if path is None:
            path = getcwd()
        if isinstance(path, int):
            return True  # an already-open descriptor
        try:
            real = realpath(fsdecode(path))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return real in devices or (real + os.sep).startswith(roots)

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event.startswith(blocked):
            raise PermissionError(f"{event} is {NOT_ALLOWED}")
        if event == "object.__setattr__" and len(args) > 1 and args[1] in guarded:
            raise PermissionError(f"setting {args[1]} is {NOT_ALLOWED}")
        if event == "import" and args and args[0] in blocked_imports:
            raise PermissionError(f"import {args[0]} is {NOT_ALLOWED}")
        if event == "open":
            path = args[0]
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 else 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and bool(flags & write_flags)
            )
            if not allowed(path, writable if writing else readable):
                action = "write" if writing else "read"
                shown = fsdecode(path)  # type: ignore[arg-type]
                raise PermissionError(f"{action} {shown!r} is {NOT_ALLOWED}")
            return
        if event in write_events:
            for index in write_events[event]:
                if index < len(args) and not allowed(args[index], writable):
                    raise PermissionError(f"{event} outside the temp dir is {NOT_ALLOWED}")
        if event in read_events:
            roots = writable if event in WRITE_ON_CONNECT else readable
            for index in read_events[event]:
                if index < len(args):
                    target = args[index]
                    if isinstance(target, str) and target in (":memory:", ""):
                        continue
                    if not allowed(target, roots):
                        raise PermissionError(f"{event} there is {NOT_ALLOWED}")

    sys.addaudithook(hook)


def shape(value: object) -> object:
    """What the check returned, as JSON the parent understands, or raise TypeError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        result: dict[str, object] = {}
        if "passed" in value:
            if not isinstance(value["passed"], bool):
                raise TypeError("'passed' must be True or False")
            result["passed"] = value["passed"]
        if "score" in value:
            score = value["score"]
            if isinstance(score, bool) or not isinstance(score, int | float):
                raise TypeError("'score' must be a number")
            result["score"] = float(score)
        if "reason" in value:
            result["reason"] = str(value["reason"])[:500]
        if "passed" not in result and "score" not in result:
            raise TypeError("a dict result needs 'passed' or 'score'")
        return result
    raise TypeError(f"check() returned {type(value).__name__}; expected bool, float or dict")


def main() -> None:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    set_limits(int(request["memory"]), int(request["cpu"]))
    os.environ.pop("PWD", None)  # bubblewrap's --chdir sets it; the check sees PATH and LANG only
    tmp = os.path.realpath(os.getcwd())
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # what the check prints goes to stderr, not into the result
    install_sandbox(tmp)

    def reply(message: dict[str, object]) -> None:
        channel.write(json.dumps(message) + "\n")
        channel.flush()

    try:
        namespace: dict[str, object] = {"__name__": "coach_python_check"}
        exec(compile(request["code"], request.get("filename", "<check>"), "exec"), namespace)
        check = namespace.get("check")
        if not callable(check):
            reply({"ok": False, "error": "NoCheck", "message": "no check(output, context)"})
            return
        value = check(request["output"], request["context"])
    except MemoryError:
        reply({"ok": False, "error": "MemoryError", "message": "out of memory"})
        return
    except BaseException as error:  # report anything, including SystemExit
        reply({"ok": False, "error": type(error).__name__, "message": str(error)[:300]})
        return
    try:
        shaped = shape(value)
    except TypeError as error:
        reply({"ok": False, "error": "BadReturn", "message": str(error)})
        return
    reply({"ok": True, "value": shaped})


if __name__ == "__main__":
    main()
