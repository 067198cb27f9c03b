"""One sanitiser for everything shown: the hostile corpus never survives it."""

from __future__ import annotations

import pytest
from hostile import CORPUS, SURROGATES, forbidden

from coach.llm import StreamCleaner, clean_output
from coach.sanitise import sanitise, storable
from coach.tui.widgets.safe import materials_text, plain, safe_text


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) + len(SURROGATES) >= 40


@pytest.mark.parametrize(
    ("name", "text"), CORPUS + SURROGATES, ids=[n for n, _ in CORPUS + SURROGATES]
)
def test_sanitise_leaves_nothing_a_terminal_acts_on(name: str, text: str) -> None:
    shown = sanitise(f"before {text} after")
    assert forbidden(shown) == [], name
    assert shown.startswith(
        "before "
    )  # an unfinished CSI may take what follows, as a terminal would
    shown.encode("utf-8")  # storable: no lone surrogate left
    assert sanitise(shown) == shown  # idempotent


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[n for n, _ in CORPUS])
def test_tui_text_is_sanitised_and_literal(name: str, text: str) -> None:
    assert forbidden(plain(text)) == []
    rendered = safe_text(text)
    assert forbidden(rendered.plain) == []
    assert not rendered.spans  # markup is never parsed: `[bold]` stays text


def test_markup_stays_literal() -> None:
    assert safe_text("[bold]x[/bold]").plain == "[bold]x[/bold]"
    assert sanitise("[link=http://e]x[/link]") == "[link=http://e]x[/link]"


def test_material_names_are_sanitised() -> None:
    class Exercise:
        def __init__(self) -> None:
            self.brief = "brief \x1b]0;t\x07"
            self.materials = {"\x1b[2Jname\u202e": "value \x9b2J"}

    assert forbidden(materials_text(Exercise()).plain) == []


def test_newlines_tabs_and_ordinary_unicode_stay() -> None:
    text = "Zoë — 日本語 ✓ 👨‍👩‍👧\n\tindented"
    assert sanitise(text) == text


def test_crlf_becomes_lf() -> None:
    assert sanitise("one\r\ntwo") == "one\ntwo"


def test_storable_joins_pairs_and_replaces_lone_surrogates() -> None:
    assert storable("\ud83d\ude00") == "😀"
    assert storable("a\ud83db") == "a\ufffdb"
    assert storable("a\ude00") == "a\ufffd"
    storable("x\udfff\ud800").encode("utf-8")


def test_clean_output_is_storable() -> None:
    assert clean_output("ok \ud83d") == "ok \ufffd"
    assert clean_output("\ud83d\ude00") == "😀"


def test_stream_cleaner_joins_an_emoji_split_across_chunks() -> None:
    cleaner = StreamCleaner()
    pieces = [cleaner.feed("smile \ud83d"), cleaner.feed("\ude00 done"), cleaner.flush()]
    assert "".join(pieces) == "smile 😀 done"
    for piece in pieces:
        piece.encode("utf-8")


def test_stream_cleaner_replaces_a_high_surrogate_left_at_the_end() -> None:
    cleaner = StreamCleaner()
    pieces = [cleaner.feed("end \ud83d"), cleaner.flush()]
    assert "".join(pieces) == "end \ufffd"
