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
    # last name ("lebron", "siakam"); when several match, the suggestions name them
    prefix = [k for k in names if k.startswith(key)]
    named = [k for k, name in names.items() if key in (player_lookup(w) for w in (name or "").split())]
    for found in (prefix, named):
        if len(found) == 1:
            return Player(found[0], names[found[0]] or found[0])
    raise BadInputError(f"{option}: no player {text!r}{did_you_mean(wh, key)}")


def did_you_mean(wh: Warehouse, key: str, n: int = 3) -> str:
    names = dict(wh.con.execute(f"SELECT player_lookup, player_name FROM {PLAYERS}").fetchall())
    # a last or first name alone ("siakam") first: the lookups containing it; then the closest spellings
    close = sorted(k for k in names if key in k)[:n]
    close += [k for k in difflib.get_close_matches(key, list(names), n=n, cutoff=0.6) if k not in close]
    close = close[:n]
    return ("; did you mean " + ", ".join(f"{names[k] or k} ({k})" for k in close) + "?") if close else ""


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
