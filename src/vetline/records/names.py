"""ASCII transliteration of names: the same person written ``García`` and ``GARCIA``.

The canonical name form (Unicode NFKC, transliterated to ASCII, upper case, single spaces;
hyphens and apostrophes kept: ``AL-HASSAN``, ``O'BRIEN``) and its validation live in
``identifiers.canonical_name``, the one function the loader and IAQ intake share; this
module holds only the transliteration step it builds on.
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_COMBINING = re.compile("[\u0300-\u036f]+")


def to_ascii(text: str) -> str:
    """ASCII transliteration: ``García`` → ``Garcia``, ``Łukasz`` → ``Lukasz``.

    Fast path: when the compatibility decomposition leaves only ASCII letters plus
    combining accents (most Latin-script names), dropping the accents is the answer;
    everything else goes through ``unidecode``, which gives the same result on the fast
    path's inputs and also handles other scripts and letters such as ``ß`` or ``Ł``.
    """
    if text.isascii():
        return text
    stripped = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if stripped.isascii():
        return stripped
    return str(unidecode(unicodedata.normalize("NFKC", text)))
