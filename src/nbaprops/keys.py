"""Key normalisation, defined once: player_lookup, team tricodes and the player alias rules."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_NON_ALNUM = re.compile(r"[^a-z0-9]")
# Letters that NFKD does not decompose into a base letter plus an accent.
_EXTRA_FOLDS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)


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
    "BRK": "BKN",
    "NJN": "BKN",
    "CHO": "CHA",
    "CHH": "CHA",
    "PHO": "PHX",
    "GS": "GSW",
    "GOS": "GSW",
    "NO": "NOP",
    "NOH": "NOP",
    "NOK": "NOP",
    "NY": "NYK",
    "SA": "SAS",
    "UTAH": "UTA",
    "UTH": "UTA",
    "WSH": "WAS",
    "SEA": "OKC",
}


def team_abbr(code: str | None) -> str | None:
    """Normalise a team tricode variant (`BRK`, `PHO`, `CHO` …) to the NBA tricode."""
    if code is None:
        return None
    c = code.strip().upper()
    return TRICODE_VARIANTS.get(c, c) or None


# -- player identity: the alias rules, defined once --------------------------------------------
# Generational suffixes one source writes and another leaves out (Jimmy Butler / Jimmy Butler
# III, Marcus Morris / Marcus Morris Sr., Mike Conley Jr. / Mike Conley). Compared as the last
# whitespace-separated word of the name, without dots and commas.
NAME_SUFFIXES = ("jr", "sr", "ii", "iii", "iv", "v")
ALIASES_CSV = Path(__file__).resolve().parent / "reference" / "player_aliases.csv"


def base_lookup(name: str | None) -> str | None:
    """player_lookup without a generational suffix: `Jimmy Butler III` → `jimmybutler`,
    `Marcus Morris Sr.` → `marcusmorris`, `Mike Conley` → `mikeconley`. A name that is only a
    suffix keeps it (`V` → `v`)."""
    if name is None:
        return None
    words = name.replace(",", " ").split()
    if len(words) > 1 and words[-1].replace(".", "").lower() in NAME_SUFFIXES:
        words = words[:-1]
    return player_lookup(" ".join(words))


@dataclass(frozen=True)
class PlayerAlias:
    alias_name: str  # the spelling a source uses
    player_id: int  # the NBA player id it stands for
    player_name: str  # the NBA's spelling (box scores)
    kind: str  # nickname / misspelling / legal name change
    seen_in: str  # where the bundled data shows it


def player_aliases(path: Path = ALIASES_CSV) -> list[PlayerAlias]:
    """The known aliases that the suffix rule cannot find (nicknames, misspellings, legal name
    changes): src/nbaprops/reference/player_aliases.csv, one per line, each tied to an NBA id."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            PlayerAlias(r["alias_name"], int(r["player_id"]), r["player_name"], r["kind"], r["seen_in"])
            for r in csv.DictReader(fh)
        ]
