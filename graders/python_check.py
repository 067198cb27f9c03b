"""The python grader: a trusted pack's own check function, run in a sandboxed subprocess.

Options: `code` (source defining `def check(output: str, context: dict)`) or
`file` (a path relative to the pack directory). The function returns a bool
(pass or fail), a number 0..1 (a score; pass at 0.5 or the check's
threshold) or a dict with `passed`, `score` and `reason`. `context` holds
`materials` (name -> text) and `input` (the hidden input, or None).

Only packs the user marked trusted run python (`ctx.trusted`); otherwise the
check is unscored. The child is `python -I -B` in a fresh temporary directory
with only PATH and LANG in its environment, a wall-clock timeout
(`ctx.timeout_s`), a memory cap and the audit-hook sandbox in `_sandbox.py`
(no network, no reads outside the temp dir except Python's own files, no new
processes). Anything that goes wrong there (timeout, memory, an exception, a
bad return value) makes the check unscored, never a crash.

Resource limits are set by the child itself as its first step rather than in
a `preexec_fn`: `preexec_fn` is unsafe when the parent has threads (the TUI
grades in worker threads), and the child runs no check code before them.
"""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from graders._text import shorten
from graders.context import GradeContext
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult

MEMORY_LIMIT = 256 * 1024 * 1024
UNTRUSTED = "python checks run only for trusted packs"
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
    """Run `check(output, context)` in the sandboxed child; the child's JSON reply.

    On a timeout or a crash: {"ok": False, "error": "Timeout" | "Crash", "message": ...}.
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
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": os.environ.get("LANG", "C.UTF-8")}
    with tempfile.TemporaryDirectory(prefix="coach-check-") as tmp:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-B", "-c", _child_source()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp,
            env=env,
            start_new_session=True,
        )
        try:
            stdout, stderr = proc.communicate(json.dumps(request).encode("utf-8"), timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return {"ok": False, "error": "Timeout", "message": f"timed out after {timeout_s:g}s"}
    lines = [line for line in stdout.decode("utf-8", "replace").splitlines() if line.strip()]
    if lines:
        try:
            reply = json.loads(lines[-1])
        except ValueError:
            reply = None
        if isinstance(reply, dict) and "ok" in reply:
            return reply
    if proc.returncode and proc.returncode < 0:
        message = f"stopped by signal {-proc.returncode}"
    else:
        last = stderr.decode("utf-8", "replace").strip().splitlines()
        message = last[-1] if last else f"exit status {proc.returncode}"
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
    "MemoryError": "the python check ran out of memory (the limit is 256 MiB)",
    "Crash": "the python check stopped unexpectedly: {message}",
    "NoCheck": "the python code defines no check(output, context) function",
    "PermissionError": "the python check was stopped by its sandbox: {message}",
    "BadReturn": "the python check returned something unusable: {message}",
}


@register("python", options={"code": Opt("text"), "file": Opt("text")})
def python(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    """Run a trusted pack's check function on the output, sandboxed."""
    source, filename = _load_code(options, ctx)
    if not ctx.trusted:
        return GradeResult.not_scored(UNTRUSTED)
    context = {"materials": dict(ctx.materials), "input": ctx.input_text}
    reply = run_check(source, output, context, ctx.timeout_s, filename)
    if reply.get("ok"):
        return _result(reply.get("value"), options.get("threshold"))
    error = str(reply.get("error", "Error"))
    message = shorten(str(reply.get("message", "")), 160)
    template = _FAILURES.get(error, "the python check raised {error}: {message}")
    return GradeResult.not_scored(template.format(error=error, message=message))
