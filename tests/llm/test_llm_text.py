"""Model output is shown as text: terminal control sequences never get through."""

from __future__ import annotations

import pytest

from coach.llm import StreamCleaner, clean_output

CASES = [
    (
        "plain text stays",
        "Hello, world.\n\tIndented. Ünïcødé ✓",
        "Hello, world.\n\tIndented. Ünïcødé ✓",
    ),
    ("colour (CSI SGR)", "\x1b[31mred\x1b[0m text", "red text"),
    ("clear screen and cursor home", "a\x1b[2J\x1b[Hb", "ab"),
    ("private mode CSI", "x\x1b[?1049hy", "xy"),
    ("window title (OSC, BEL)", "\x1b]0;pwned\x07after", "after"),
    ("hyperlink (OSC 8, ST)", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"),
    ("clipboard write (OSC 52)", "\x1b]52;c;ZXZpbA==\x07ok", "ok"),
    ("DCS string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
    ("APC string", "a\x1b_payload\x1b\\b", "ab"),
    ("8-bit CSI", "a\x9b2Jb", "ab"),
    ("8-bit OSC", "a\x9d0;t\x9cb", "ab"),
    ("two-character escape (RIS)", "a\x1bcb", "ab"),
    ("bell, backspace, carriage return, DEL", "a\x07b\x08c\rd\x7fe", "abcde"),
    ("CRLF becomes LF", "one\r\ntwo", "one\ntwo"),
    ("NUL and vertical tab", "a\x00b\x0bc\x0cd", "abcd"),
    ("unterminated OSC: the introducer goes", "a\x1b]0;title", "a0;title"),
    ("lone ESC at the end", "abc\x1b", "abc"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_clean_output(text: str, expected: str) -> None:
    assert clean_output(text) == expected


def _control_free(text: str) -> bool:
    return all(ch in "\n\t" or not (ord(ch) < 32 or 127 <= ord(ch) < 160) for ch in text)


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_stream_cleaner_matches_clean_output_at_every_split(text: str, expected: str) -> None:
    for i in range(len(text) + 1):
        for j in range(i, len(text) + 1):
            cleaner = StreamCleaner()
            pieces = [cleaner.feed(text[:i]), cleaner.feed(text[i:j]), cleaner.feed(text[j:])]
            pieces.append(cleaner.flush())
            assert all(_control_free(p) for p in pieces), (i, j, pieces)
            assert "".join(pieces) == expected, (i, j, pieces)


def test_stream_cleaner_does_not_hold_plain_text() -> None:
    cleaner = StreamCleaner()
    assert cleaner.feed("Hello ") == "Hello "
    assert cleaner.feed("world") == "world"
    assert cleaner.flush() == ""


def test_stream_cleaner_holds_a_split_sequence_until_it_ends() -> None:
    cleaner = StreamCleaner()
    assert cleaner.feed("red: \x1b[3") == "red: "
    assert cleaner.feed("1mRED") == "RED"
    assert cleaner.feed("\x1b]0;ti") == ""
    assert cleaner.feed("tle\x07 done") == " done"


def test_stream_cleaner_flushes_a_runaway_sequence_cleaned() -> None:
    cleaner = StreamCleaner()
    out = cleaner.feed("\x1b]0;" + "x" * 10_000)
    assert out.endswith("x" * 100)
    assert _control_free(out)
