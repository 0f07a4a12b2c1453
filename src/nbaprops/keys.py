"""Key normalisation, defined once: player_lookup and team tricodes."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]")
# Letters that NFKD does not decompose into a base letter plus an accent.
_EXTRA_FOLDS = str.maketrans({"ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L",
                              "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})


def player_lookup(name: str | None) -> str | None:
    """`Nikola Jokić` → `nikolajokic`, `Jaren Jackson Jr.` → `jarenjacksonjr`.

    NFKD-normalise, drop combining marks, lowercase, keep only [a-z0-9]. Returns None for
    names that leave nothing behind (they cannot be joined on)."""
    if name is None:
        return None
    decomposed = unicodedata.normalize("NFKD", name.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    key = _NON_ALNUM.sub("", stripped.lower())
    return key or None


# Tricode variants seen across sources → the NBA tricode.
TRICODE_VARIANTS = {
    "BRK": "BKN", "NJN": "BKN", "CHO": "CHA", "CHH": "CHA", "PHO": "PHX", "GS": "GSW",
    "GOS": "GSW", "NO": "NOP", "NOH": "NOP", "NOK": "NOP", "NY": "NYK", "SA": "SAS",
    "UTAH": "UTA", "UTH": "UTA", "WSH": "WAS", "SEA": "OKC",
}


def team_abbr(code: str | None) -> str | None:
    """Normalise a team tricode variant (`BRK`, `PHO`, `CHO` …) to the NBA tricode."""
    if code is None:
        return None
    c = code.strip().upper()
    return TRICODE_VARIANTS.get(c, c) or None
