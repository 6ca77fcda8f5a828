"""Travel-document numbers compared the way officers compare them: no spaces, dashes or case, and the
characters OCR and people confuse (O/0, I/1, ...) folded together for matching."""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_CONFUSABLE = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8"})


def normalize_document_number(number: str | None) -> str:
    """Upper case, alphanumerics only: 'ab-123 45' -> 'AB12345'."""
    return _NOT_ALNUM.sub("", (number or "").upper())


def folded_document_number(number: str | None) -> str:
    """The normalised number with confusable letters folded to digits, for fuzzy equality."""
    return normalize_document_number(number).translate(_CONFUSABLE)
