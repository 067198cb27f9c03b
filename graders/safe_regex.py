"""Pack regexes that cannot hang grading.

A pattern from a pack runs in RE2 (`google-re2`), whose matching time grows
linearly with the text: `(a+)+$` cannot backtrack for ever there. RE2 has no
lookaround and no backreference; a pattern that needs them runs in the
`regex` module with a wall-clock timeout instead, and content validation
(`pattern_problems`) rejects such a pattern when it nests unbounded
repeats, the shape behind catastrophic backtracking. A pattern that
neither engine compiles is an options problem.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Protocol

FLAG_LETTERS = "imsx"
# How long one fallback search may run before the check is left unscored.
FALLBACK_TIMEOUT_S = 0.5


class RegexTimeout(Exception):
    """A fallback-engine search ran past its time limit."""


class PatternError(ValueError):
    """The pattern or its flags cannot be compiled by any engine here."""


class MatchLike(Protocol):
    def group(self, index: int = 0, /) -> str | Any: ...
    def start(self, index: int = 0, /) -> int: ...
    def end(self, index: int = 0, /) -> int: ...


# \Z in Python is RE2's \z (end of text); an escaped backslash before it is left alone.
_PY_END = re.compile(r"(?<!\\)((?:\\\\)*)\\Z")
# A group holding an unbounded repeat, itself repeated without bound: (a+)+, (\w*)*, (x|y+){2,}.
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,\})\)\s*(?:[+*]|\{\d+,\})")


@dataclass(frozen=True)
class SafePattern:
    """A compiled pack pattern and the engine it runs in ("re2" or "regex")."""

    pattern: str
    engine: str
    compiled: Any
    groups: int

    def search(self, text: str) -> MatchLike | None:
        """The first match in `text`; RegexTimeout if the fallback engine runs too long."""
        if self.engine == "re2":
            return self.compiled.search(text)  # type: ignore[no-any-return]
        try:
            return self.compiled.search(text, timeout=FALLBACK_TIMEOUT_S)  # type: ignore[no-any-return]
        except TimeoutError:
            raise RegexTimeout(
                f"the pattern took longer than {FALLBACK_TIMEOUT_S:g} s on this output"
            ) from None


def _check_flags(flags: str) -> None:
    for letter in flags:
        if letter not in FLAG_LETTERS:
            raise PatternError(f"unknown regex flag {letter!r} (use i, m, s or x)")


def _re2(pattern: str, flags: str) -> Any | None:
    try:
        import re2
    except ImportError:  # pragma: no cover - google-re2 is a dependency
        return None
    if "x" in flags:
        return None  # RE2 has no verbose mode
    options = re2.Options()
    options.log_errors = False
    inline = "".join(letter for letter in "ims" if letter in flags)
    source = _PY_END.sub(r"\1\\z", pattern)
    if inline:
        source = f"(?{inline}){source}"
    try:
        return re2.compile(source, options)
    except re2.error:
        return None


def _fallback(pattern: str, flags: str) -> Any:
    import regex

    value = 0
    for letter in flags:
        value |= {"i": regex.I, "m": regex.M, "s": regex.S, "x": regex.X}[letter]
    try:
        return regex.compile(pattern, value | regex.V0)
    except regex.error as error:
        raise PatternError(f"not a valid regex: {error}") from None


@functools.lru_cache(maxsize=1024)
def compile_safe(pattern: str, flags: str = "") -> SafePattern:
    """Compile for RE2 if it can take the pattern, else for the timed fallback engine."""
    _check_flags(flags)
    compiled = _re2(pattern, flags)
    if compiled is not None:
        return SafePattern(pattern, "re2", compiled, compiled.groups)
    fallback = _fallback(pattern, flags)
    return SafePattern(pattern, "regex", fallback, fallback.groups)


def pattern_problems(pattern: str, flags: str = "") -> list[str]:
    """What content validation says about a pack pattern; empty when it is safe to run."""
    try:
        compiled = compile_safe(pattern, flags)
    except PatternError as error:
        return [f"the pattern {pattern!r} cannot be used: {error}"]
    if compiled.engine == "re2":
        return []
    if _NESTED.search(pattern):
        return [
            f"the pattern {pattern!r} nests unbounded repeats (like (a+)+) and needs "
            "lookaround or backreferences, so it cannot run in the linear-time engine: "
            "it could hang grading; rewrite it without the nested repeat"
        ]
    return []
