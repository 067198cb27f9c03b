"""A corpus of text that must never reach a terminal raw, and packs that carry it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli_w

# Each entry: (name, text). Pack files carry all but the surrogates (not UTF-8).
CORPUS: list[tuple[str, str]] = [
    ("SGR colour", "\x1b[31mred\x1b[0m"),
    ("clear screen", "\x1b[2J\x1b[Hwiped"),
    ("window title OSC 0 BEL", "\x1b]0;pwned title\x07"),
    ("window title OSC 2 ST", "\x1b]2;pwned title\x1b\\"),
    ("hyperlink OSC 8", "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"),
    ("clipboard OSC 52", "\x1b]52;c;ZXZpbA==\x07"),
    ("iTerm file OSC 1337", "\x1b]1337;File=inline=1:AAAA\x07"),
    ("DCS sixel", "\x1bPq#0;2;0;0;0\x1b\\"),
    ("DCS XTGETTCAP", "\x1bP+q544e\x1b\\"),
    ("APC", "\x1b_apc payload\x1b\\"),
    ("PM", "\x1b^privacy message\x1b\\"),
    ("SOS", "\x1bXstart of string\x1b\\"),
    ("8-bit CSI", "\x9b2J"),
    ("8-bit OSC", "\x9d0;eight bit title\x9c"),
    ("8-bit DCS", "\x90dcs\x9c"),
    ("8-bit APC", "\x9fapc\x9c"),
    ("NEL C1", "next\x85line"),
    ("RIS reset", "\x1bc"),
    ("alternate screen", "\x1b[?1049h"),
    ("device status report", "\x1b[6n"),
    ("report window title", "\x1b[21t"),
    ("DECALN", "\x1b#8"),
    ("charset G0", "\x1b(0lqqk"),
    ("conceal", "\x1b[8mhidden\x1b[28m"),
    ("unterminated OSC", "\x1b]0;title without end"),
    ("incomplete CSI", "tail\x1b["),
    ("lone ESC", "tail\x1b"),
    ("bell", "ding\x07"),
    ("backspaces", "good\x08\x08\x08\x08evil"),
    ("carriage return", "safe text\rEVIL"),
    ("NUL", "nul\x00byte"),
    ("DEL", "del\x7fchar"),
    ("vertical tab and form feed", "v\x0bt\x0cf"),
    ("RLO override", "\u202etxt.exe\u202c"),
    ("LRO override", "\u202dforced\u202c"),
    ("LRE embedding", "\u202aembedded\u202c"),
    ("RLE embedding", "\u202bembedded\u202c"),
    ("LRI isolate", "\u2066isolated\u2069"),
    ("RLI isolate", "\u2067isolated\u2069"),
    ("FSI isolate", "\u2068isolated\u2069"),
    ("RLM and LRM marks", "\u200fmarks\u200e"),
    ("Arabic letter mark", "\u061calm"),
    ("Rich bold markup", "[bold]not bold[/bold]"),
    ("Rich link markup", "[link=http://evil.example/]not a link[/link]"),
    ("Rich colour markup", "[red on white]not red[/]"),
    ("zero-width space, word joiner, BOM", "zero\u200bwidth\u2060join\ufeffbom"),
    ("tag characters", "tag\U000e0041\U000e0042"),
    ("line separator", "one\u2028two\u2029three"),
]
SURROGATES: list[tuple[str, str]] = [
    ("lone high surrogate", "high\ud83d"),
    ("lone low surrogate", "low\ude00"),
]

# What must never reach a terminal: ESC, C0 (but \n and \t), DEL, C1, bidi, invisibles.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\U000e0000-\U000e007f\ud800-\udfff]"
)


def forbidden(text: str) -> list[str]:
    """The forbidden characters in `text`, as escapes (empty when the text is safe)."""
    return sorted({f"U+{ord(ch):04X}" for ch in FORBIDDEN.findall(text)})


def joined() -> str:
    return " | ".join(text for _, text in CORPUS)


PACK_EXERCISE_ID = "hostile-meeting-dates"


def exercise_table(
    exercise_id: str = PACK_EXERCISE_ID, *, hostile: bool = True, python: str | None = None
) -> dict[str, Any]:
    """A prompt exercise that proves (its reference passes, its bad output fails)."""
    title = "Meeting dates " + (joined()[:400] if hostile else "as JSON")
    brief = "Return every meeting date as a JSON list of ISO dates." + (
        "\n" + joined() if hostile else ""
    )
    materials = {"note": "Kick-off on 3 March 2026, review on 15 April 2026."}
    if hostile:
        materials["\x1b]0;material name\x07 \u202eeman"] = joined()
    checks: list[dict[str, Any]] = [
        {"grader": "json", "label": "JSON " + ("\x1b[31m\u202e" if hostile else "list")},
        {"grader": "set_equals", "expected": ["2026-03-03", "2026-04-15"]},
    ]
    if python is not None:
        checks.append({"grader": "python", "code": python, "label": "starts with a bracket"})
    return {
        "id": exercise_id,
        "level": 1,
        "kind": "prompt",
        "title": title,
        "brief": brief,
        "needs_model": "any",
        "materials": materials,
        "checks": checks,
        "judgment": {
            "error_kinds": ["missing item", "extra text"],
            "trap_rate": 0.2,
            "traps": [
                {
                    "mutate": "drop_item",
                    "error_kind": "missing item",
                    "note": "One date was removed.",
                }
            ],
        },
        "reference": {
            "good_output": '["2026-03-03", "2026-04-15"]',
            "bad_output": 'Here are the dates: ["2026-03-03"]',
            "hints": ["Say exactly what the output must contain. " + (joined() if hostile else "")],
            "explain": "Say what must surround it: nothing. " + (joined() if hostile else ""),
        },
    }


def write_pack(directory: Path, *tables: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for table in tables:
        (directory / f"{table['id']}.toml").write_text(tomli_w.dumps(table), encoding="utf-8")
    return directory


GOOD = '["2026-03-03", "2026-04-15"]'
