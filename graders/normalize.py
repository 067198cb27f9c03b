"""One text normalisation for every text grader.

A careful reader does not care whether an answer typed ’ or ', – or -, a
no-break space or a plain one, "ﬁ" or "fi". `normalize` folds all of those
to one plain form, on both sides of every comparison:

- Unicode NFKC (compatibility forms: ligatures, full-width letters, "ﬁ" → "fi");
- typographic quotes, apostrophes, primes and guillemets → ' and ";
- hyphens, dashes and the minus sign (‐ ‑ ‒ – — ― −) → -;
- zero-width characters and soft hyphens removed;
- every run of whitespace (no-break, thin, ideographic spaces, line breaks) → one space;
- case folding unless the check says case matters.

Vulgar fractions ("½") are left for the value parsers (`graders.values`),
which must see them before NFKC splits them into "1⁄2".
"""

from __future__ import annotations

import re
import unicodedata

# Typographic forms folded to their plain ASCII counterparts.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′‵ʼ`´", "'"),
        **dict.fromkeys("“”„‟″‶«»", '"'),
        **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", None),
    }
)
_SPACE = re.compile(r"\s+")


def fold_typography(text: str) -> str:
    """Quotes, apostrophes, dashes and minus signs to plain forms; zero-width marks removed."""
    return text.translate(_FOLD)


def normalize(text: str, *, case_sensitive: bool = False, nfkc: bool = True) -> str:
    """The plain form of `text` for comparisons (see the module docstring).

    `case_sensitive=False` (the default of the text graders) also case-folds.
    `nfkc=False` keeps compatibility characters (only NFC is applied).
    """
    text = unicodedata.normalize("NFKC" if nfkc else "NFC", text)
    text = fold_typography(text)
    text = _SPACE.sub(" ", text).strip()
    return text if case_sensitive else text.casefold()


def same_text(a: str, b: str, *, case_sensitive: bool = False) -> bool:
    """Whether two texts are equal once both are normalised."""
    return normalize(a, case_sensitive=case_sensitive) == normalize(
        b, case_sensitive=case_sensitive
    )
