"""Free text a person types (reasons, display names, token names, analyst answers): one
check for every field, so what is stored is what was meant.

Why a leaf module: every entry point (API bodies, CLI options, the desk's analyst
answers) validates the same way, and nothing here may import a domain package. Refused:
control and format characters (C0/C1 controls, bidi overrides, zero-width joiners — they
hide or reorder what an auditor later reads), lone surrogates and private-use code points;
the text is NFC-composed and its length checked AFTER that, so the stored form is the one
that was validated (issue 13 item 8).
"""

from __future__ import annotations

import unicodedata

from vetline.errors import BadInput

#: Unicode categories refused in free text: Cc (controls), Cf (format: bidi overrides,
#: zero-width characters), Cs (surrogates), Co (private use), Cn (unassigned).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
#: Line breaks and tabs a multi-line field may keep.
MULTILINE_ALLOWED = frozenset("\n\t")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as free text, or ``None``."""
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    for ch in value:
        if ch in allowed:
            continue
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            return f"control or invisible character U+{ord(ch):04X} is not allowed"
    return None


def check_text(
    value: str, field: str, max_length: int, *, multiline: bool = False, required: bool = False
) -> str:
    """``value`` NFC-composed and stripped, or ``BadInput`` naming ``field``.

    The length limit applies to the composed, stripped text: what is stored.
    """
    composed = unicodedata.normalize("NFC", value).strip()
    problem = text_problem(composed, multiline=multiline)
    if problem is not None:
        raise BadInput(field, problem)
    if required and not composed:
        raise BadInput(field, "must not be empty")
    if len(composed) > max_length:
        raise BadInput(field, f"at most {max_length} characters")
    return composed
