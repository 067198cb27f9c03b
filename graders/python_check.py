"""The python grader: a trusted pack's own check function, run in a sandboxed subprocess.

Options: `code` (source defining `def check(output: str, context: dict)`) or
`file` (a path relative to the pack directory). The function returns a bool
(pass or fail), a number 0..1 (a score; pass at 0.5 or the check's
threshold) or a dict with `passed`, `score` and `reason`. `context` holds
`materials` (name -> text) and `input` (the hidden input, or None).

Only packs the user trusts run python (`ctx.trusted`, decided by the pack's
trust record, see `coach packs`); otherwise the check is unscored with a
message saying how to trust the pack, and its code is not even read.

The child is `python -I -B` in a fresh temporary directory, isolated by the
operating system where it can be (`graders.isolation`: bubblewrap namespaces
on Linux), with only PATH and LANG in its environment, no inherited file
descriptors, stdout and stderr read up to `MAX_REPLY` (the child is killed
past it), a hard wall-clock kill of its whole process group, CPU, memory,
file-size and process rlimits, and the audit-hook guard in `_sandbox.py` (no
network, no reads outside the temp dir except Python's own files, no new
processes). Anything that goes wrong there (timeout, memory, a flood, an
exception, a bad return value) makes the check unscored, never a crash.

Resource limits are set by the child itself as its first step rather than in
a `preexec_fn`: `preexec_fn` is unsafe when the parent has threads (the TUI
grades in worker threads), and the child runs no check code before them.
"""

from __future__ import annotations

import functools
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from graders import isolation
from graders._text import shorten
from graders.context import GradeContext
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult

MEMORY_LIMIT = 256 * 1024 * 1024
UNTRUSTED = "python checks run only for trusted packs"
HOW_TO_TRUST = "this pack is not trusted; to run its python checks, `coach packs trust {pack}`"
MAX_REPLY = 256 * 1024  # bytes of stdout (the reply) and of stderr (the check's prints)
# The clock starts before the interpreter (and the namespace) is up; the check's own
# time limit is `timeout_s`, and the child's CPU limit enforces it inside.
STARTUP_S = 0.5
PASS_SCORE = 0.5  # a bare number passes at this score unless the check sets a threshold


@functools.lru_cache(maxsize=1)
def _child_source() -> str:
    return Path(__file__).with_name("_sandbox.py").read_text(encoding="utf-8")


def _load_code(options: dict[str, Any], ctx: GradeContext) -> tuple[str, str]:
    code = options.get("code")
    file = options.get("file")
    if (code is None) == (file is None):
        raise BadOptions("give exactly one of `code` or `file`")
    if code is not None:
        source, filename = code, "<check>"
    elif not isinstance(file, str):
        raise BadOptions("`file` must be a path inside the pack")
    else:
        if ctx.pack_dir is None:
            raise BadOptions(f"`file = {file!r}` needs a pack directory, and there is none here")
        root = Path(ctx.pack_dir).resolve()
        path = (root / file).resolve()
        if not path.is_relative_to(root):
            raise BadOptions(f"`file = {file!r}` points outside the pack directory")
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise BadOptions(f"cannot read `file = {file!r}`: {error}") from None
        filename = str(path)
    try:
        compile(source, filename, "exec")
    except SyntaxError as error:
        raise BadOptions(
            f"the check's code does not compile: {error.msg} (line {error.lineno})"
        ) from None
    return source, filename


def run_check(
    source: str, output: str, context: dict[str, Any], timeout_s: float, filename: str = "<check>"
) -> dict[str, Any]:
    """Run `check(output, context)` in the isolated, sandboxed child; the child's JSON reply.

    On a timeout, an output flood or a crash:
    {"ok": False, "error": "Timeout" | "Flood" | "Crash", "message": ...}.
    """
    timeout_s = max(0.1, float(timeout_s))
    request = {
        "code": source,
        "filename": filename,
        "output": output,
        "context": context,
        "memory": MEMORY_LIMIT,
        "cpu": math.ceil(timeout_s) + 1,
    }
    with tempfile.TemporaryDirectory(prefix="coach-check-") as tmp:
        done = isolation.run(
            isolation.python_command(_child_source()),
            json.dumps(request).encode("utf-8"),
            workdir=tmp,
            timeout_s=timeout_s + STARTUP_S,
            max_output=MAX_REPLY,
        )
    if done.timed_out:
        return {"ok": False, "error": "Timeout", "message": f"timed out after {timeout_s:g}s"}
    if done.overflow is not None:
        limit = f"{MAX_REPLY // 1024} KiB"
        return {
            "ok": False,
            "error": "Flood",
            "message": f"wrote more than {limit} to {done.overflow}",
        }
    lines = [line for line in done.stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    if lines:
        try:
            reply = json.loads(lines[-1])
        except ValueError:
            reply = None
        if isinstance(reply, dict) and "ok" in reply:
            return reply
    if done.returncode is not None and done.returncode < 0:
        message = f"stopped by signal {-done.returncode}"
    else:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()
        message = last[-1] if last else f"exit status {done.returncode}"
    return {"ok": False, "error": "Crash", "message": message}


def _result(value: Any, threshold: float | None) -> GradeResult:
    if isinstance(value, bool):
        return GradeResult(
            passed=value, score=float(value), reason=f"the python check returned {value}"
        )
    if isinstance(value, int | float):
        return _scored(float(value), None, None, threshold)
    if isinstance(value, dict):
        score = value.get("score")
        passed = value.get("passed")
        reason = value.get("reason")
        if score is None:
            score = 1.0 if passed else 0.0
        return _scored(float(score), passed, reason, threshold)
    return GradeResult.not_scored("the python check returned something it should not")


def _scored(
    score: float, passed: bool | None, reason: str | None, threshold: float | None
) -> GradeResult:
    if not (math.isfinite(score) and 0.0 <= score <= 1.0):
        return GradeResult.not_scored(
            f"the python check returned the score {score:g}; a score must be from 0 to 1"
        )
    if passed is None:
        passed = score >= (PASS_SCORE if threshold is None else threshold)
    text = shorten(reason, 200) if reason else f"the python check scored {score:.2f}"
    return GradeResult(passed=passed, score=score, reason=text)


_FAILURES = {
    "Timeout": "the python check {message}",
    "Flood": "the python check was stopped: it {message}",
    "MemoryError": "the python check ran out of memory (the limit is 256 MiB)",
    "Crash": "the python check stopped unexpectedly: {message}",
    "NoCheck": "the python code defines no check(output, context) function",
    "PermissionError": "the python check was stopped by its sandbox: {message}",
    "BadReturn": "the python check returned something unusable: {message}",
}


@register("python", options={"code": Opt("text"), "file": Opt("text")})
def python(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """Run a trusted pack's check function on the output, sandboxed."""
    if not ctx.trusted:
        # Nothing of an untrusted pack is read or compiled, let alone run.
        if ctx.pack_dir is None:
            return GradeResult.not_scored(UNTRUSTED)
        return GradeResult.not_scored(f"{UNTRUSTED}: {HOW_TO_TRUST.format(pack=ctx.pack_dir)}")
    source, filename = _load_code(options, ctx)
    context = {"materials": dict(ctx.materials), "input": ctx.input_text}
    reply = run_check(source, output, context, ctx.timeout_s, filename)
    if reply.get("ok"):
        return _result(reply.get("value"), options.get("threshold"))
    error = str(reply.get("error", "Error"))
    message = shorten(str(reply.get("message", "")), 160)
    template = _FAILURES.get(error, "the python check raised {error}: {message}")
    return GradeResult.not_scored(template.format(error=error, message=message))
