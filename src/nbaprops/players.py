"""Finding a player by what a person types: a name or a player_lookup, in any case, with or
without accents (`Nikola Jokić`, `nikola jokic`, `nikolajokic`), through the one key
normalisation nbaprops.keys.player_lookup; a miss suggests the nearest names. Also the reference
list of players the sources name who have no game in the box scores or game logs
(players_without_games), which the ingest's player identity resolves against last."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInputError
from .keys import player_lookup, team_abbr
from .warehouse import Warehouse, one

PLAYERS = "reference.players"
WITHOUT_GAMES_CSV = Path(__file__).resolve().parent / "reference" / "players_without_games.csv"


@dataclass(frozen=True)
class PlayerWithoutGames:
    """A real player a source names (an injury transaction) who has no game in the box scores or
    game logs of the data, so no roster gives him an id: signed to `team_abbr` in `season_year`
    (the season's start year), injured or waived before he played."""

    player_name: str
    player_id: int | None  # his NBA person id; None when the NBA publishes none (never played)
    team_abbr: str
    season_year: int
    evidence: str  # where the data names him, and where the id comes from


def players_without_games(path: Path = WITHOUT_GAMES_CSV) -> list[PlayerWithoutGames]:
    """src/nbaprops/reference/players_without_games.csv, one player per line. A source row
    resolves to one of them only when no roster player matches it (any season), by the same
    spelling, team and season (resolved_by 'reference')."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            PlayerWithoutGames(
                r["player_name"],
                int(r["player_id"]) if r["player_id"] else None,
                r["team_abbr"],
                int(r["season_year"]),
                r["evidence"],
            )
            for r in csv.DictReader(fh)
        ]


@dataclass(frozen=True)
class Player:
    lookup: str
    name: str


def find_player(wh: Warehouse, text: str, *, option: str = "PLAYER") -> Player:
    """The player `text` names. Unknown: BadInputError with "did you mean" suggestions."""
    key = player_lookup(text)
    if key is None:
        raise BadInputError(f"{option}: {text!r} is not a player name")
    row = wh.con.execute(f"SELECT player_lookup, player_name FROM {PLAYERS} WHERE player_lookup = ?", [key]).fetchone()
    if row:
        return Player(row[0], row[1] or row[0])
    names = dict(wh.con.execute(f"SELECT player_lookup, player_name FROM {PLAYERS}").fetchall())
    # what a person types short: the start of one lookup ("lebronj"), or one player's first or
    # last name ("lebron", "siakam"); when several match ("davis": Davis Bertans's lookup starts
    # with it, Anthony Davis is named so), the suggestions name them
    found = {k for k in names if k.startswith(key) or _named(names[k], key)}
    if len(found) == 1:
        (k,) = found
        return Player(k, names[k] or k)
    raise BadInputError(f"{option}: no player {text!r}{did_you_mean(wh, key)}")


def _named(name: str | None, key: str) -> bool:
    """Whether one word of a player's name (his first or last name) is `key` (a lookup)."""
    return key in (player_lookup(w) for w in (name or "").split())


def did_you_mean(wh: Warehouse, key: str, n: int = 3) -> str:
    """The suggestions after a miss: the players one of whose names is `key` ("james": LeBron
    James, James Harden), then the lookups containing it, each the most games first; then the
    closest spellings. Says how many more players bear that name when they do not all fit."""
    rows = wh.con.execute(f"SELECT player_lookup, player_name, coalesce(games, 0) FROM {PLAYERS}").fetchall()
    names = {k: name for k, name, _ in rows}
    games = {k: g for k, _, g in rows}

    def most_games(keys):
        return sorted(keys, key=lambda k: (-games[k], k))

    named = most_games(k for k in names if _named(names[k], key))
    containing = most_games(k for k in names if key in k and k not in named)
    spelled = [k for k in difflib.get_close_matches(key, list(names), n=n, cutoff=0.6) if k not in named + containing]
    close = (named + containing + spelled)[:n]
    if not close:
        return ""
    more = len(named) - n
    hint = f" (or {more} more player{'s' if more != 1 else ''} named {key})" if more > 0 else ""
    return "; did you mean " + ", ".join(f"{names[k] or k} ({k})" for k in close) + hint + "?"


def resolve_entity(wh: Warehouse, text: str | None, *, option: str = "--entity") -> str | None:
    """A failure's entity from what a person types: DATE_LEVEL, a team tricode (any case, variants
    such as BRK accepted) or a player (name or lookup, as find_player)."""
    if text is None:
        return None
    if text.strip().upper() == "DATE_LEVEL":
        return "DATE_LEVEL"
    code = team_abbr(text)
    if (
        code
        and len(code) <= 3
        and one(wh.con.execute("SELECT count(*) FROM reference.teams WHERE team_abbr = ?", [code]))[0]
    ):
        return code
    return find_player(wh, text, option=option).lookup
