"""Model output is text: strip anything a terminal would act on.

A model (or a prompt injection in its input) can emit escape sequences that
move the cursor, rewrite the window title, plant clickable links (OSC 8) or,
on some terminals, write to the clipboard (OSC 52). `clean_output` removes
ANSI CSI and OSC sequences, the other escape and string sequences (DCS, SOS,
PM, APC), their 8-bit C1 forms, and every other control character except
newline and tab. `StreamCleaner` does the same for streamed chunks, holding
back a sequence split across two chunks so none of it leaks as text, and the
first half of a surrogate pair until its second half arrives. Both make the
text storable (`coach.sanitise.storable`): no lone surrogate gets through.
"""

from __future__ import annotations

import re

from coach.sanitise import CONTROL as _CONTROL
from coach.sanitise import SEQUENCE as _SEQUENCE
from coach.sanitise import storable

# Unfinished sequences at the end of a chunk (see StreamCleaner).
_OPEN_STRING = re.compile(r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*\x1b?\Z")
_OPEN_SHORT = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*\Z|\x1b[ -/]*\Z")
_MAX_HELD = 4096  # never hold back more than this; a runaway sequence is flushed, cleaned


def clean_output(text: str) -> str:
    """The text without terminal control sequences or control characters (keeps \\n and \\t).

    Storable too: lone surrogates become U+FFFD and split pairs are joined.
    """
    text = storable(text)
    if not _CONTROL.search(text):
        return text  # the common case: nothing to strip
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


class StreamCleaner:
    """`clean_output` for a stream of chunks: `feed()` each chunk, `flush()` at the end."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, chunk: str) -> str:
        text = self._held + chunk
        self._held = pending = ""
        if text and "\ud800" <= text[-1] <= "\udbff":
            # The first half of a surrogate pair: its second half is in the next chunk.
            text, pending = text[:-1], text[-1]
        if _CONTROL.search(text):
            cut = _open_tail(text)
            if cut is not None and len(text) - cut <= _MAX_HELD:
                text, self._held = text[:cut], text[cut:]
        self._held += pending
        return clean_output(text)

    def flush(self) -> str:
        text, self._held = self._held, ""
        return clean_output(text)


def _open_tail(text: str) -> int | None:
    """Where an unfinished escape sequence starts at the end of the text, if one does."""
    start = max(text.rfind(ch) for ch in "\x1b\x90\x98\x9b\x9d\x9e\x9f")
    if start < 0:
        return None
    # A string sequence may contain the ESC of its own terminator: look for its start.
    match = _OPEN_STRING.search(text, max(0, start - _MAX_HELD))
    if match:
        return match.start()
    match = _OPEN_SHORT.search(text, start)
    return match.start() if match else None
