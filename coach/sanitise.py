"""One function for every string from a pack, a model or the store before a terminal shows it.

A base module (no coach imports): the TUI, every CLI printer and the model
client's cleaner use it, so there is one definition of "safe to show".

`storable(text)` makes text safe to keep: lone surrogates (which UTF-8
cannot encode, so SQLite, JSON and the terminal all choke on them) become
U+FFFD, and a surrogate pair that arrived as two code points is joined.

`sanitise(text)` makes text safe to show, and is storable too:
- ANSI CSI, OSC (window title, hyperlinks, clipboard), DCS, SOS, PM and APC
  sequences, in their 7-bit and 8-bit (C1) forms, and every other escape;
- C0 controls except newline and tab (a carriage return could overwrite what
  was printed before it), DEL and C1 controls;
- bidi embeddings, overrides, isolates and marks (they make text read other
  than it is) and invisible characters (zero-width space, word joiner, BOM,
  tag characters); the zero-width joiner and non-joiner stay (emoji, scripts).
Markup is not this module's business: callers show text literally.
"""

from __future__ import annotations

import re

# String sequences: OSC ends with BEL or ST; DCS/SOS/PM/APC end with ST (ESC \ or 0x9c).
# An unterminated one loses its introducer (below), so what follows is plain text.
OSC = r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
STRING = r"(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)"
CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
ESC = r"\x1b[ -/]*[0-~]"  # other escape sequences: nF, Fp, Fe, Fs
SEQUENCE = re.compile(f"{OSC}|{STRING}|{CSI}|{ESC}")
# C0 except \t and \n, DEL, and C1; what is left of any broken sequence goes with them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi controls, invisible formatting characters, tag characters.
INVISIBLE = re.compile(
    "[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\U000e0000-\U000e007f]"
)
SURROGATE = re.compile("[\ud800-\udfff]")
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
REPLACEMENT = "\ufffd"


def storable(text: str) -> str:
    """The text with surrogate pairs joined and lone surrogates replaced by U+FFFD."""
    if not SURROGATE.search(text):
        return text  # the common case
    joined = _PAIR.sub(_join_pair, text)
    return SURROGATE.sub(REPLACEMENT, joined)


def _join_pair(match: re.Match[str]) -> str:
    pair = match.group()
    high, low = pair[0], pair[1]
    return chr(0x10000 + ((ord(high) - 0xD800) << 10) + (ord(low) - 0xDC00))


def strip_controls(text: str) -> str:
    """The text without terminal sequences or control characters (keeps \\n and \\t)."""
    if not CONTROL.search(text):
        return text
    text = text.replace("\r\n", "\n")
    return CONTROL.sub("", SEQUENCE.sub("", text))


def sanitise(text: object) -> str:
    """Safe to print on a terminal and to store: see the module's docstring."""
    if not isinstance(text, str):
        text = str(text)
    text = strip_controls(storable(text))
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    return INVISIBLE.sub("", text)


def is_clean(text: str) -> bool:
    """True when `sanitise` would change nothing."""
    return sanitise(text) == text
