"""Checks on an agent run: its trace of tool calls and the final state of its sandbox.

The agent runtime puts `trace` (a list of {"step", "tool", "arguments",
"result", "ok"}) and `files` (path → final content) in `GradeContext.extra`.
Without them (plain grading, `coach check`) every check here is unscored,
"needs an agent run", so a final answer alone never passes or fails them.

- tool_called(tool, only_ok=false): the agent called `tool` at least once.
  With only_ok, calls that returned an error (refused, bad path) do not count.
- tool_not_called(tool, only_ok=false): it never did. By default a refused
  attempt still fails the check: the trace shows the agent tried.
- tool_order(before, after, allow_missing=false): the first `before` call
  comes before the first `after` call. `before` never called fails; `after`
  never called passes only with allow_missing = true.
- numbers_grounded: every number in the answer appears in a tool result (of a
  call that succeeded) or in the exercise's materials. Numbers are compared by
  absolute value; a number also counts as grounded when it equals a source
  number rounded to the decimals it is written with (33.33 from 33.3333).
  Ignored: list markers (a number starting a line followed by "." or ")" and
  a space, like "1. " or "2) "), digits inside words ("Q3", "v2"), and with
  ignore_years (default true) whole numbers from 1900 to 2100 written without
  decimals or thousands separators. `ignore` lists further numbers to skip.
- file_state(path, contains | absent | equals): the final file holds the
  text, does not exist, or equals the text (trailing newlines ignored).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graders._text import q
from graders.context import GradeContext
from graders.numbers import NUMBER
from graders.registry import BadOptions, Opt, register
from graders.result import GradeResult

NEEDS_RUN = "needs an agent run (no trace here)"
_LIST_MARKER = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]", re.MULTILINE)


def _trace(ctx: GradeContext) -> list[Mapping[str, Any]] | None:
    trace = ctx.extra.get("trace") if ctx.extra else None
    return list(trace) if isinstance(trace, list | tuple) else None


def _calls(trace: list[Mapping[str, Any]], tool: str, only_ok: bool) -> list[int]:
    return [
        index
        for index, entry in enumerate(trace)
        if entry.get("tool") == tool and (entry.get("ok", True) or not only_ok)
    ]


@register("tool_called", options={"tool": Opt("text", required=True), "only_ok": Opt("bool")})
def tool_called(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    trace = _trace(ctx)
    if trace is None:
        return GradeResult.not_scored(NEEDS_RUN)
    tool = options["tool"]
    found = _calls(trace, tool, bool(options.get("only_ok")))
    if found:
        return GradeResult.ok(f"{tool} was called {len(found)} time(s)")
    return GradeResult.fail(f"{tool} was never called")


@register("tool_not_called", options={"tool": Opt("text", required=True), "only_ok": Opt("bool")})
def tool_not_called(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    trace = _trace(ctx)
    if trace is None:
        return GradeResult.not_scored(NEEDS_RUN)
    tool = options["tool"]
    found = _calls(trace, tool, bool(options.get("only_ok")))
    if not found:
        return GradeResult.ok(f"{tool} was never called")
    steps = ", ".join(str(trace[i].get("step", i + 1)) for i in found[:5])
    return GradeResult.fail(f"{tool} was called (step {steps})")


@register(
    "tool_order",
    options={
        "before": Opt("text", required=True),
        "after": Opt("text", required=True),
        "allow_missing": Opt("bool"),
    },
)
def tool_order(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    trace = _trace(ctx)
    if trace is None:
        return GradeResult.not_scored(NEEDS_RUN)
    before, after = options["before"], options["after"]
    first_before = _calls(trace, before, False)
    first_after = _calls(trace, after, False)
    if not first_before:
        return GradeResult.fail(f"{before} was never called")
    if not first_after:
        if options.get("allow_missing"):
            return GradeResult.ok(f"{before} was called and {after} never was")
        return GradeResult.fail(f"{after} was never called")
    if first_before[0] < first_after[0]:
        return GradeResult.ok(f"the first {before} came before the first {after}")
    return GradeResult.fail(f"{after} was called before any {before}")


def numbers_in(text: str) -> list[tuple[str, float, int]]:
    """(as written, absolute value, decimals) for each number, without list markers."""
    text = _LIST_MARKER.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for match in NUMBER.finditer(text):
        digits = match.group("digits")
        decimals = len(digits.partition(".")[2])
        found.append((match.group(0).strip(), abs(float(digits.replace(",", ""))), decimals))
    return found


_PLAIN = re.compile(r"\d+(?:\.\d+)?")


def _source_numbers(text: str) -> set[float]:
    """Numbers a source holds: as prose reads them ("1,234.50") and as bare digit runs
    (CSV cells such as ",2210.40," that prose rules would skip)."""
    found = {value for _, value, _ in numbers_in(text)}
    found.update(float(match.group(0)) for match in _PLAIN.finditer(text))
    return found


def _is_year(written: str, value: float, decimals: int) -> bool:
    plain = written.lstrip("+-−").strip()
    return decimals == 0 and plain.isdigit() and 1900 <= value <= 2100


def _grounded(value: float, decimals: int, sources: list[float]) -> bool:
    slack = 1e-9 * max(1.0, value)
    return any(
        abs(value - source) <= slack or abs(value - round(source, decimals)) <= slack
        for source in sources
    )


@register(
    "numbers_grounded",
    options={"ignore_years": Opt("bool", default=True), "ignore": Opt("texts")},
)
def numbers_grounded(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    trace = _trace(ctx)
    if trace is None:
        return GradeResult.not_scored(NEEDS_RUN)
    sources_text = [str(entry.get("result", "")) for entry in trace if entry.get("ok", True)]
    sources_text += [str(text) for text in ctx.materials.values()]
    sources = [value for text in sources_text for value in _source_numbers(text)]
    ignored: set[float] = set()
    for item in options.get("ignore") or []:
        parsed = numbers_in(item)
        if not parsed:
            raise BadOptions(f"ignore: {item!r} is not a number")
        ignored.add(parsed[0][1])
    checked, missing = 0, []
    for written, value, decimals in numbers_in(output):
        if value in ignored or (options["ignore_years"] and _is_year(written, value, decimals)):
            continue
        checked += 1
        if not _grounded(value, decimals, sources):
            missing.append(written)
    if not checked:
        return GradeResult.ok("the answer states no numbers to check")
    if not missing:
        return GradeResult.ok(f"all {checked} number(s) come from tool results or materials")
    shown = ", ".join(q(m, 20) for m in missing[:5])
    return GradeResult.fail(
        f"{len(missing)} of {checked} number(s) appear in no tool result: {shown}",
        score=(checked - len(missing)) / checked,
    )


@register(
    "file_state",
    options={
        "path": Opt("text", required=True),
        "contains": Opt("text"),
        "absent": Opt("bool"),
        "equals": Opt("text"),
    },
)
def file_state(output: str, options: dict[str, Any], ctx: GradeContext) -> GradeResult:
    given = [key for key in ("contains", "absent", "equals") if options.get(key) is not None]
    if len(given) != 1:
        raise BadOptions("give exactly one of contains, absent or equals")
    files = ctx.extra.get("files") if ctx.extra else None
    if not isinstance(files, Mapping):
        return GradeResult.not_scored(NEEDS_RUN)
    path = options["path"].strip().removeprefix("./")
    content = files.get(path)
    if options.get("absent") is not None:
        if not options["absent"]:
            raise BadOptions("absent must be true (use contains to require a file)")
        if content is None:
            return GradeResult.ok(f"{path} does not exist")
        return GradeResult.fail(f"{path} still exists")
    if content is None:
        return GradeResult.fail(f"{path} does not exist at the end of the run")
    if options.get("equals") is not None:
        if str(content).rstrip("\n") == options["equals"].rstrip("\n"):
            return GradeResult.ok(f"{path} has exactly the expected content")
        return GradeResult.fail(f"{path} does not have the expected content")
    needle = options["contains"]
    if needle in str(content):
        return GradeResult.ok(f"{path} contains {q(needle, 40)}")
    return GradeResult.fail(f"{path} does not contain {q(needle, 40)}")
