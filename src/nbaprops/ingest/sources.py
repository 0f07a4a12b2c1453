"""One description per kind of input file: how it is recognised, which columns it must have and
with which types, how its rows become raw-table rows, and which row-level checks apply.

The SQL here reads the staged, typed file as `_typed` (one row per file row, `_row` = 1-based
data row, `_player_lookup` = keys.player_lookup(player_name), `_player_base` =
keys.base_lookup(player_name)) and may use the temp macro
`norm_team(x)`, the temp view `_schedule_slots` (one row per team and scheduled game) and the
tables raw.schedule / reference.teams. Every check is (column, reason, condition); a row for which a
condition is true goes to processing.rejected_rows instead of the raw table.

Player identity. The box scores and game logs carry the NBA player id and are the rosters: a
player of season S is one with a row in raw.player_boxscores of S. The other sources' rows
(`resolve_players`) are resolved to a roster player by the loader, in this order: the NBA
player id, the same spelling (player_lookup), a known alias (reference/player_aliases.csv), the
spelling without a generational suffix (keys.base_lookup) — on the rosters of the row's own
season first, else of the nearest season where one of these finds him (a player out for a
whole season is on no box score of it); several candidates are narrowed to the row's team. A row
no roster player matches resolves, last, to a real player without a game in the data
(reference/players_without_games.csv: injured or waived before he played) of the same spelling,
season and team. Their SELECT gives `_season`,
`_spelling_lookup`, `_base`, `player_id`, `_resolved_by` (NULL) and `_candidates` (NULL); the
loader fills `player_lookup`, `player_id`, `_resolved_by` ('id' / 'name' / 'alias' / 'reference')
and `_candidates` before the checks run. A row that finds no player, or several, is quarantined."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import calendar
from . import injury_report, odds_api

COUNT_COLUMNS = (
    "fg_makes",
    "fg_attempts",
    "three_pt_makes",
    "three_pt_attempts",
    "ft_makes",
    "ft_attempts",
    "offensive_rebounds",
    "defensive_rebounds",
    "rebounds",
    "assists",
    "steals",
    "blocks",
    "turnovers",
    "personal_fouls",
    "points",
)


@dataclass(frozen=True)
class FileKind:
    name: str
    patterns: tuple[str, ...]
    target: str
    required: dict[str, str]
    optional: dict[str, str]
    select_sql: str  # produces the target's content columns (+ _row)
    key: tuple[str, ...]  # primary key of the target
    # (column, reason, condition) or (column, reason, condition, detail): detail is SQL over the
    # row whose value is appended to the reason (the spelling of a name that matches no player)
    checks: tuple[tuple[str, ...], ...] = ()
    # 'key': upsert row by row on the key; 'game': the file's rows replace a whole game
    upsert: str = "key"
    source: str = ""
    source_rank: int = 1  # a game's rows from a higher rank replace lower ranks
    order: int = 0  # load order (schedule first: others check against it)
    key_is_generated: bool = False  # the key is numbered by the loader (unique by construction)
    # (name, SQL over _typed): small temp tables the loader builds before select_sql runs, which
    # select_sql reads (one row per game, say, where a window over the whole file would be needed)
    prepare: tuple[tuple[str, str], ...] = ()
    resolve_players: bool = False  # rows are resolved to a roster player of their season
    derives_schedule: bool = False  # its games missing from the schedule get a derived schedule row
    extra_dedup_note: str = field(default="")
    # stages a file's rows as temp table _src itself (a body recognised by its content, not a
    # table file); None: the file is read as Parquet or CSV
    stage: Callable[[duckdb.DuckDBPyConnection, Path], None] | None = None
    # several rows of one key in a file are alternates of one line: the first in this SQL order
    # (over the target's content columns and _row) is kept, the others are counted as superseded
    main_line_order: str | None = None
    # a rejected row whose key is loaded is reported as a refused correction (exit 1); a
    # snapshot's row is no correction of the loaded one (an in-game snapshot of a game whose
    # pre-game line is loaded), so snapshot kinds leave the loaded row quietly as it is
    refuse_corrections: bool = True

    def matches(self, filename: str) -> bool:
        low = filename.lower()
        return any(fnmatch.fnmatch(low, p + ext) for p in self.patterns for ext in (".parquet", ".csv", ".csv.gz"))


def _count_checks(cols: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((c, "negative count", f"{c} < 0") for c in cols)


_SEASON_CHECK = (
    "game_date",
    "date outside its season",
    "game_date NOT BETWEEN make_date(season_year, 7, 1) AND make_date(season_year + 1, 10, 31)",
)
_IN_SCHEDULE = (
    "game_id",
    "game not in schedule",
    "game_id IS NULL OR game_id NOT IN (SELECT game_id FROM raw.schedule)",
)
_TEAM_CHECK = (
    "team_abbr",
    "unknown team",
    "team_abbr IS NULL OR team_abbr NOT IN (SELECT team_abbr FROM reference.teams)",
)
_OPP_CHECK = (
    "opponent_team_abbr",
    "unknown team",
    "opponent_team_abbr IS NULL OR opponent_team_abbr NOT IN (SELECT team_abbr FROM reference.teams)",
)
_DATE_MATCH = ("game_date", "game_date differs from the schedule", "game_date <> _schedule_date")
_TEAM_IN_GAME = (
    "team_abbr",
    "team did not play in this game (schedule)",
    "_sched_home IS NOT NULL AND team_abbr NOT IN (_sched_home, _sched_away)",
)
_OPP_IN_GAME = (
    "opponent_team_abbr",
    "opponent differs from the schedule",
    "_sched_home IS NOT NULL AND team_abbr IN (_sched_home, _sched_away) AND opponent_team_abbr <> "
    "CASE WHEN team_abbr = _sched_home THEN _sched_away ELSE _sched_home END",
)
_PLAYER_CHECK = ("player_name", "player name is empty or has no letters or digits", "player_lookup IS NULL")
_RESOLVED = (
    "player_name",
    "name matches no player of the box scores or game logs (any season)",
    "player_lookup IS NOT NULL AND _candidates = 0",
)
_AMBIGUOUS = ("player_name", "name matches several players of the box scores or game logs", "_candidates > 1")
# The season of a date (July 1 .. June 30): for rows that have no game (injury transactions).
_SEASON_OF = "CASE WHEN month({d}) >= 7 THEN year({d}) ELSE year({d}) - 1 END"
_MINUTES_CHECKS = (
    ("minutes", "minutes missing", "minutes IS NULL"),
    ("minutes", "minutes > 70", "minutes > 70"),
    ("minutes", "negative minutes", "minutes < 0"),
)
_POINTS_IDENTITY = ("points", "points != 2*FGM + 3PM + FTM", "points <> 2 * fg_makes + three_pt_makes + ft_makes")

_STAT_TYPES = dict.fromkeys(
    ("fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"),
    "INTEGER",
)

# The games raw.schedule holds: one rule for every schedule file, the bundled ones and those of
# `nbaprops fetch` (which writes every game NBA.com lists), so that a date fetched live and the
# same date from the bundled files give the same rows.
# - Kept: games of two NBA teams (reference.teams). A preseason exhibition against a club outside
#   the NBA (the New Zealand Breakers, Melbourne United …) is quarantined with its own reason: no
#   model reads preseason games, and a club in raw.schedule would be a team no other table knows.
# - Home: the team the file names home, which is NBA.com's listing (scheduleleaguev2's homeTeam,
#   the box score's home team), at a neutral site too, where neither team is at home; the bundled
#   schedule follows it (data/real/README.md).
_CLUB_GAME = "preseason game against a club outside the NBA (the schedule holds NBA teams' games)"
_CLUB_HOME = f"season_type = '{calendar.PRESEASON}' AND _away_nba AND NOT _home_nba"
_CLUB_AWAY = f"season_type = '{calendar.PRESEASON}' AND _home_nba AND NOT _away_nba"

SCHEDULE = FileKind(
    name="schedule",
    patterns=("schedule_*",),
    target="raw.schedule",
    order=0,
    source="nba_schedule",
    key=("game_id",),
    required={
        "game_id": "VARCHAR",
        "season": "VARCHAR",
        "season_type": "VARCHAR",
        "game_date": "DATE",
        "home_team": "VARCHAR",
        "away_team": "VARCHAR",
    },
    optional={"neutral_site": "BOOLEAN", "home_wl": "VARCHAR"},
    select_sql="""
        WITH t AS (
            SELECT _row, norm_gid(game_id) AS game_id, trim(season) AS season,
                   TRY_CAST(left(trim(season), 4) AS INTEGER) AS season_year, trim(season_type) AS season_type,
                   game_date, norm_team(home_team) AS home_team_abbr, norm_team(away_team) AS away_team_abbr,
                   neutral_site, home_wl
            FROM _typed)
        SELECT *, home_team_abbr IN (SELECT team_abbr FROM reference.teams) AS _home_nba,
               away_team_abbr IN (SELECT team_abbr FROM reference.teams) AS _away_nba
        FROM t""",
    checks=(
        ("game_id", "game_id is not a 10-digit NBA id", "NOT regexp_full_match(game_id, '[0-9]{10}')"),
        (
            "season",
            "season is not like 2023-24",
            "season_year IS NULL OR NOT regexp_full_match(season, '[0-9]{4}-[0-9]{2}')",
        ),
        (
            "season_type",
            "unknown season_type",
            "season_type NOT IN ('Pre Season', 'Regular Season', 'PlayIn', 'Playoffs', 'NBA Cup Final')",
        ),
        ("game_date", "game_date missing", "game_date IS NULL"),
        ("home_team", _CLUB_GAME, _CLUB_HOME),
        ("away_team", _CLUB_GAME, _CLUB_AWAY),
        ("home_team", "unknown team", f"NOT coalesce(_home_nba, false) AND NOT coalesce({_CLUB_HOME}, false)"),
        ("away_team", "unknown team", f"NOT coalesce(_away_nba, false) AND NOT coalesce({_CLUB_AWAY}, false)"),
        ("away_team", "a team cannot play itself", "home_team_abbr = away_team_abbr"),
        _SEASON_CHECK,
    ),
)

PLAYER_BOX = FileKind(
    name="player_box",
    patterns=("player_box_*",),
    target="raw.player_boxscores",
    order=1,
    source="player_box",
    source_rank=2,
    upsert="game",
    key=("game_id", "player_lookup"),
    derives_schedule=True,
    required={
        "game_id": "VARCHAR",
        "game_date": "DATE",
        "team_tricode": "VARCHAR",
        "opponent_tricode": "VARCHAR",
        "is_home": "BOOLEAN",
        "player_name": "VARCHAR",
        "minutes": "DOUBLE",
        **_STAT_TYPES,
    },
    optional={
        "player_id": "BIGINT",
        "starter": "BOOLEAN",
        "comment": "VARCHAR",
        "season_type": "VARCHAR",
        "plus_minus": "DOUBLE",
        "position": "VARCHAR",
    },
    select_sql="""
        SELECT t._row, norm_gid(t.game_id) AS game_id, t.game_date,
               s.season_year, coalesce(s.season_type, t.season_type) AS season_type,
               norm_team(t.team_tricode) AS team_abbr, norm_team(t.opponent_tricode) AS opponent_team_abbr,
               t.is_home AS home_game, t.player_id, trim(t.player_name) AS player_name,
               t._player_lookup AS player_lookup,
               t.starter, nullif(trim(t.comment), '') AS dnp_reason, t.minutes, t.pts AS points,
               t.fgm AS fg_makes, t.fga AS fg_attempts, t.fg3m AS three_pt_makes, t.fg3a AS three_pt_attempts,
               t.ftm AS ft_makes, t.fta AS ft_attempts, t.oreb AS offensive_rebounds, t.dreb AS defensive_rebounds,
               t.reb AS rebounds, t.ast AS assists, t.stl AS steals, t.blk AS blocks, t.tov AS turnovers,
               t.pf AS personal_fouls, t.plus_minus,
               round(t.fgm / nullif(t.fga, 0), 3) AS fg_pct, round(t.fg3m / nullif(t.fg3a, 0), 3) AS fg3_pct,
               round(t.ftm / nullif(t.fta, 0), 3) AS ft_pct, s.game_date AS _schedule_date,
               s.home_team_abbr AS _sched_home, s.away_team_abbr AS _sched_away,
               CASE WHEN t.player_id IS NOT NULL THEN 'id' WHEN t._player_lookup IS NOT NULL THEN 'name' END
                   AS _resolved_by
        FROM _typed t LEFT JOIN raw.schedule s ON s.game_id = norm_gid(t.game_id)""",
    checks=(
        _IN_SCHEDULE,
        _TEAM_CHECK,
        _OPP_CHECK,
        _PLAYER_CHECK,
        *_MINUTES_CHECKS,
        *_count_checks(COUNT_COLUMNS),
        (
            "points",
            "missing box-score count",
            "points IS NULL OR fg_makes IS NULL OR fg_attempts IS NULL OR three_pt_makes IS NULL OR ft_makes IS NULL",
        ),
        _POINTS_IDENTITY,
        (
            "fg_makes",
            "makes > attempts",
            "fg_makes > fg_attempts OR three_pt_makes > three_pt_attempts OR ft_makes > ft_attempts",
        ),
        _DATE_MATCH,
        _TEAM_IN_GAME,
        _OPP_IN_GAME,
    ),
)

# Whole-minute basic log: the fallback source for games with no full box score.
PLAYER_LOG_BASIC = FileKind(
    name="player_log_basic",
    patterns=("player_game_logs_basic_*",),
    target="raw.player_boxscores",
    order=2,
    source="basic_log",
    source_rank=1,
    upsert="game",
    key=("game_id", "player_lookup"),
    required={
        "player_name": "VARCHAR",
        "team_abbreviation": "VARCHAR",
        "game_date": "DATE",
        "matchup": "VARCHAR",
        "min": "DOUBLE",
        "pts": "INTEGER",
    },
    optional={
        "player_id": "BIGINT",
        "season": "VARCHAR",
        "season_type": "VARCHAR",
        "reb": "INTEGER",
        "ast": "INTEGER",
        "stl": "INTEGER",
        "blk": "INTEGER",
        "tov": "INTEGER",
        "fg_pct": "DOUBLE",
        "fg3_pct": "DOUBLE",
        "ft_pct": "DOUBLE",
        "plus_minus": "DOUBLE",
        "game_id_joined": "VARCHAR",
        "wl": "VARCHAR",
    },
    select_sql="""
        WITH t AS (
            SELECT *, norm_team(team_abbreviation) AS _team,
                   norm_team(regexp_extract(matchup, '([A-Za-z]+)\\s*$', 1)) AS _opp,
                   matchup LIKE '%vs.%' AS _home
            FROM _typed)
        SELECT t._row, coalesce(norm_gid(t.game_id_joined), s.game_id) AS game_id, t.game_date,
               g.season_year, coalesce(g.season_type, t.season_type) AS season_type,
               t._team AS team_abbr, t._opp AS opponent_team_abbr, t._home AS home_game,
               t.player_id, trim(t.player_name) AS player_name, t._player_lookup AS player_lookup,
               NULL::BOOLEAN AS starter, NULL::VARCHAR AS dnp_reason, t.min AS minutes, t.pts AS points,
               NULL::INTEGER AS fg_makes, NULL::INTEGER AS fg_attempts, NULL::INTEGER AS three_pt_makes,
               NULL::INTEGER AS three_pt_attempts, NULL::INTEGER AS ft_makes, NULL::INTEGER AS ft_attempts,
               NULL::INTEGER AS offensive_rebounds, NULL::INTEGER AS defensive_rebounds,
               t.reb AS rebounds, t.ast AS assists, t.stl AS steals, t.blk AS blocks, t.tov AS turnovers,
               NULL::INTEGER AS personal_fouls, t.plus_minus, t.fg_pct, t.fg3_pct, t.ft_pct,
               g.game_date AS _schedule_date, g.home_team_abbr AS _sched_home, g.away_team_abbr AS _sched_away,
               CASE WHEN t.player_id IS NOT NULL THEN 'id' WHEN t._player_lookup IS NOT NULL THEN 'name' END
                   AS _resolved_by
        FROM t LEFT JOIN _schedule_slots s ON s.game_date = t.game_date AND s.team_abbr = t._team
               LEFT JOIN raw.schedule g ON g.game_id = coalesce(norm_gid(t.game_id_joined), s.game_id)""",
    checks=(
        _IN_SCHEDULE,
        _TEAM_CHECK,
        _OPP_CHECK,
        _PLAYER_CHECK,
        *_MINUTES_CHECKS,
        _DATE_MATCH,
        _TEAM_IN_GAME,
        _OPP_IN_GAME,
        *_count_checks(("points", "rebounds", "assists", "steals", "blocks", "turnovers")),
        ("points", "points missing", "points IS NULL"),
        (
            "fg_pct",
            "percentage outside 0..1",
            "fg_pct NOT BETWEEN 0 AND 1 OR fg3_pct NOT BETWEEN 0 AND 1 OR ft_pct NOT BETWEEN 0 AND 1",
        ),
    ),
)

_TEAM_STATS = dict.fromkeys(
    ("fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"),
    "INTEGER",
)

TEAM_BOX = FileKind(
    name="team_box",
    patterns=("team_box_*",),
    target="raw.team_boxscores",
    order=3,
    source="team_box",
    source_rank=2,
    upsert="game",
    key=("game_id", "team_abbr"),
    required={"game_id": "VARCHAR", "game_date": "DATE", "matchup": "VARCHAR", **_TEAM_STATS},
    optional={"wl": "VARCHAR", "min": "INTEGER", "team_id": "BIGINT"},
    select_sql="""
        WITH t AS (
            SELECT *, norm_team(regexp_extract(matchup, '^\\s*([A-Za-z]+)', 1)) AS _team,
                   norm_team(regexp_extract(matchup, '([A-Za-z]+)\\s*$', 1)) AS _opp,
                   matchup LIKE '%vs.%' AS _home
            FROM _typed)
        SELECT t._row, norm_gid(t.game_id) AS game_id, t.game_date, s.season_year,
               coalesce(s.season_type, 'Regular Season') AS season_type,
               t._team AS team_abbr, t._opp AS opponent_team_abbr, t._home AS home_game, t.wl, t.min AS minutes,
               t.pts AS points, t.fgm AS fg_makes, t.fga AS fg_attempts, t.fg3m AS three_pt_makes,
               t.fg3a AS three_pt_attempts, t.ftm AS ft_makes, t.fta AS ft_attempts,
               t.oreb AS offensive_rebounds, t.dreb AS defensive_rebounds, t.reb AS rebounds, t.ast AS assists,
               t.stl AS steals, t.blk AS blocks, t.tov AS turnovers, t.pf AS personal_fouls,
               NULL::DOUBLE AS plus_minus,
               round(t.fgm / nullif(t.fga, 0), 3) AS fg_pct, round(t.fg3m / nullif(t.fg3a, 0), 3) AS fg3_pct,
               round(t.ftm / nullif(t.fta, 0), 3) AS ft_pct, s.game_date AS _schedule_date,
               s.home_team_abbr AS _sched_home, s.away_team_abbr AS _sched_away
        FROM t LEFT JOIN raw.schedule s ON s.game_id = norm_gid(t.game_id)""",
    checks=(
        _IN_SCHEDULE,
        _TEAM_CHECK,
        _OPP_CHECK,
        _DATE_MATCH,
        _TEAM_IN_GAME,
        _OPP_IN_GAME,
        *_count_checks(COUNT_COLUMNS),
        (
            "points",
            "missing box-score count",
            "points IS NULL OR fg_makes IS NULL OR fg_attempts IS NULL OR three_pt_makes IS NULL OR ft_makes IS NULL",
        ),
        _POINTS_IDENTITY,
        ("minutes", "team minutes outside 240..400", "minutes NOT BETWEEN 240 AND 400"),
    ),
)

TEAM_LOG_BASIC = FileKind(
    name="team_log_basic",
    patterns=("team_game_logs_basic_*",),
    target="raw.team_boxscores",
    order=4,
    source="basic_log",
    source_rank=1,
    upsert="game",
    key=("game_id", "team_abbr"),
    required={"team_abbreviation": "VARCHAR", "game_date": "DATE", "matchup": "VARCHAR", "pts": "INTEGER"},
    optional={
        "wl": "VARCHAR",
        "reb": "INTEGER",
        "ast": "INTEGER",
        "stl": "INTEGER",
        "blk": "INTEGER",
        "tov": "INTEGER",
        "fg_pct": "DOUBLE",
        "fg3_pct": "DOUBLE",
        "ft_pct": "DOUBLE",
        "plus_minus": "DOUBLE",
        "season_type": "VARCHAR",
        "game_id_joined": "VARCHAR",
    },
    select_sql="""
        WITH t AS (
            SELECT *, norm_team(team_abbreviation) AS _team,
                   norm_team(regexp_extract(matchup, '([A-Za-z]+)\\s*$', 1)) AS _opp,
                   matchup LIKE '%vs.%' AS _home
            FROM _typed)
        SELECT t._row, coalesce(norm_gid(t.game_id_joined), s.game_id) AS game_id, t.game_date,
               g.season_year, coalesce(g.season_type, t.season_type) AS season_type,
               t._team AS team_abbr, t._opp AS opponent_team_abbr, t._home AS home_game, t.wl,
               NULL::INTEGER AS minutes, t.pts AS points, NULL::INTEGER AS fg_makes, NULL::INTEGER AS fg_attempts,
               NULL::INTEGER AS three_pt_makes, NULL::INTEGER AS three_pt_attempts, NULL::INTEGER AS ft_makes,
               NULL::INTEGER AS ft_attempts, NULL::INTEGER AS offensive_rebounds, NULL::INTEGER AS defensive_rebounds,
               t.reb AS rebounds, t.ast AS assists, t.stl AS steals, t.blk AS blocks, t.tov AS turnovers,
               NULL::INTEGER AS personal_fouls, t.plus_minus, t.fg_pct, t.fg3_pct, t.ft_pct,
               g.game_date AS _schedule_date, g.home_team_abbr AS _sched_home, g.away_team_abbr AS _sched_away
        FROM t LEFT JOIN _schedule_slots s ON s.game_date = t.game_date AND s.team_abbr = t._team
               LEFT JOIN raw.schedule g ON g.game_id = coalesce(norm_gid(t.game_id_joined), s.game_id)""",
    checks=(
        _IN_SCHEDULE,
        _TEAM_CHECK,
        _OPP_CHECK,
        _DATE_MATCH,
        _TEAM_IN_GAME,
        _OPP_IN_GAME,
        *_count_checks(("points", "rebounds", "assists", "steals", "blocks", "turnovers")),
        ("points", "points missing", "points IS NULL"),
    ),
)

SHOTS = FileKind(
    name="shots",
    patterns=("shots_*",),
    target="raw.shots",
    order=5,
    source="shotchartdetail",
    upsert="game",
    key=("game_id", "shot_seq"),
    key_is_generated=True,
    resolve_players=True,
    required={
        "game_id": "VARCHAR",
        "game_date": "DATE",
        "player_name": "VARCHAR",
        "home_team": "VARCHAR",
        "away_team": "VARCHAR",
        "shot_made": "BOOLEAN",
        "shot_type": "VARCHAR",
        "basic_zone": "VARCHAR",
    },
    optional={
        "team_id": "BIGINT",
        "team_name": "VARCHAR",
        "player_id": "BIGINT",
        "action_type": "VARCHAR",
        "shot_distance": "INTEGER",
        "loc_x": "DOUBLE",
        "loc_y": "DOUBLE",
        "quarter": "INTEGER",
        "mins_left": "INTEGER",
        "secs_left": "INTEGER",
    },
    select_sql="""
        WITH t AS (
            SELECT _typed.*, norm_gid(_typed.game_id) AS _gid,
                   coalesce(rt.team_abbr, rn.team_abbr) AS _team
            FROM _typed
            LEFT JOIN reference.teams rt ON rt.team_id = _typed.team_id
            LEFT JOIN reference.teams rn ON rn.team_name = _typed.team_name)
        SELECT _row, _gid AS game_id, (_row - q.island)::INTEGER AS shot_seq,
               t.game_date, s.season_year, _team AS team_abbr,
               CASE WHEN _team = norm_team(home_team) THEN norm_team(away_team)
                    WHEN _team = norm_team(away_team) THEN norm_team(home_team) END AS opponent_team_abbr,
               t.player_id, trim(player_name) AS player_name, _player_lookup AS player_lookup,
               s.season_year AS _season, _player_lookup AS _spelling_lookup, _player_base AS _base,
               NULL::VARCHAR AS _resolved_by, NULL::INTEGER AS _candidates, shot_made,
               shot_type, basic_zone,
               CASE basic_zone WHEN 'Restricted Area' THEN 'paint' WHEN 'In The Paint (Non-RA)' THEN 'paint'
                    WHEN 'Mid-Range' THEN 'mid_range' WHEN 'Left Corner 3' THEN 'three'
                    WHEN 'Right Corner 3' THEN 'three' WHEN 'Above the Break 3' THEN 'three'
                    WHEN 'Backcourt' THEN 'backcourt' END AS zone,
               action_type, shot_distance, loc_x, loc_y, quarter, mins_left, secs_left,
               s.game_date AS _schedule_date, s.home_team_abbr AS _sched_home, s.away_team_abbr AS _sched_away
        -- the shot chart spells some names differently from the box score (Jimmy Butler vs
        -- Jimmy Butler III): the loader resolves the player by his NBA id first
        FROM t LEFT JOIN raw.schedule s ON s.game_id = t._gid
        LEFT JOIN _shot_runs q
          ON q.game_id IS NOT DISTINCT FROM t._gid AND t._row BETWEEN q.first_row AND q.last_row""",
    # A shot's place in its game (shot_seq) is its row's place among the file's rows of the game.
    # The rows of a game come as runs of consecutive rows (one run when the file lists a game's
    # shots together): a run starting at row f where the game's shots before it number b
    # (island = f - b - 1) numbers row r as r - island. One row per run, not a window over the
    # whole file's rows at every read of it.
    prepare=(
        (
            "_shot_runs",
            """
            WITH r AS (SELECT norm_gid(game_id) AS game_id, _row FROM _typed),
                 i AS (SELECT game_id, _row, _row - row_number() OVER (PARTITION BY game_id ORDER BY _row) AS island
                       FROM r)
            SELECT game_id, island, min(_row) AS first_row, max(_row) AS last_row FROM i GROUP BY game_id, island""",
        ),
    ),
    checks=(
        _IN_SCHEDULE,
        _TEAM_CHECK,
        _OPP_CHECK,
        _PLAYER_CHECK,
        _RESOLVED,
        _AMBIGUOUS,
        _DATE_MATCH,
        _TEAM_IN_GAME,
        ("basic_zone", "unknown basic_zone", "zone IS NULL"),
        ("shot_type", "unknown shot_type", "shot_type NOT IN ('2PT Field Goal', '3PT Field Goal')"),
        ("shot_distance", "negative shot distance", "shot_distance < 0"),
    ),
)

GAME_LINES = FileKind(
    name="game_lines",
    patterns=("game_lines_*",),
    target="raw.game_lines",
    order=6,
    source="sportsbookreview",
    key=("game_id",),
    required={
        "game_date": "DATE",
        "home_team": "VARCHAR",
        "away_team": "VARCHAR",
        "total_line": "DOUBLE",
        "home_spread": "DOUBLE",
    },
    optional={
        "game_id": "VARCHAR",
        "ml_home": "DOUBLE",
        "ml_away": "DOUBLE",
        "total_points": "INTEGER",
        "home_margin": "INTEGER",
    },
    select_sql="""
        SELECT t._row, coalesce(norm_gid(t.game_id), s.game_id) AS game_id, t.game_date,
               norm_team(t.home_team) AS home_team_abbr, norm_team(t.away_team) AS away_team_abbr,
               t.total_line, t.home_spread, t.ml_home, t.ml_away, t.total_points, t.home_margin,
               g.game_date AS _schedule_date, g.home_team_abbr AS _sched_home, g.away_team_abbr AS _sched_away
        FROM _typed t LEFT JOIN raw.schedule s
          ON t.game_id IS NULL AND s.game_date = t.game_date
         AND s.home_team_abbr = norm_team(t.home_team) AND s.away_team_abbr = norm_team(t.away_team)
        LEFT JOIN raw.schedule g ON g.game_id = coalesce(norm_gid(t.game_id), s.game_id)""",
    checks=(
        _IN_SCHEDULE,
        _DATE_MATCH,
        (
            "home_team",
            "teams differ from the schedule",
            "_sched_home IS NOT NULL AND (home_team_abbr <> _sched_home OR away_team_abbr <> _sched_away)",
        ),
        ("home_team", "unknown team", "home_team_abbr NOT IN (SELECT team_abbr FROM reference.teams)"),
        ("away_team", "unknown team", "away_team_abbr NOT IN (SELECT team_abbr FROM reference.teams)"),
        ("total_line", "total line outside 150..300", "total_line NOT BETWEEN 150 AND 300"),
        ("home_spread", "spread outside -40..40", "abs(home_spread) > 40"),
    ),
)

INJURIES = FileKind(
    name="injuries",
    patterns=("injuries_*",),
    target="raw.injuries",
    order=7,
    source="prosportstransactions",
    key=("transaction_date", "player_lookup", "event", "notes"),
    resolve_players=True,
    required={"date": "DATE", "team_nickname": "VARCHAR", "player_name": "VARCHAR", "event": "VARCHAR"},
    optional={"notes": "VARCHAR", "est_days_out_scraper": "DOUBLE"},
    select_sql="""
        SELECT t._row, t.date AS transaction_date, r.team_abbr, trim(t.player_name) AS player_name,
               t._player_lookup AS player_lookup, lower(trim(t.event)) AS event,
               coalesce(trim(t.notes), '') AS notes, t.est_days_out_scraper AS est_days_out,
               NULL::BIGINT AS player_id, NULL::VARCHAR AS resolved_by,
               {season} AS _season, t._player_lookup AS _spelling_lookup, t._player_base AS _base,
               NULL::VARCHAR AS _resolved_by, NULL::INTEGER AS _candidates
        FROM _typed t LEFT JOIN reference.teams r ON lower(r.nickname) = lower(trim(t.team_nickname))""".format(
        season=_SEASON_OF.format(d="t.date")
    ),
    checks=(
        _TEAM_CHECK,
        _PLAYER_CHECK,
        _RESOLVED,
        _AMBIGUOUS,
        ("event", "event is not out/return", "event IS NULL OR event NOT IN ('out', 'return')"),
        ("date", "date missing", "transaction_date IS NULL"),
        ("date", "date in the future", "transaction_date > current_date + 1"),
    ),
)

PROPS = FileKind(
    name="player_points_props",
    patterns=("player_points_props_*",),
    target="raw.player_points_props",
    order=8,
    source="props_file",
    key=("game_id", "bookmaker", "player_lookup", "snapshot_timestamp"),
    resolve_players=True,
    required={
        "game_id": "VARCHAR",
        "bookmaker": "VARCHAR",
        "player_name": "VARCHAR",
        "snapshot_timestamp": "TIMESTAMP",
        "minutes_before_tipoff": "INTEGER",
        "points_line": "DOUBLE",
    },
    optional={
        "team_abbr": "VARCHAR",
        "over_price_american": "INTEGER",
        "under_price_american": "INTEGER",
        "is_synthetic": "BOOLEAN",
        "player_id": "BIGINT",
        "book_last_update": "TIMESTAMP",
    },
    select_sql="""
        SELECT t._row, norm_gid(t.game_id) AS game_id, s.game_date, lower(trim(t.bookmaker)) AS bookmaker,
               t._player_lookup AS player_lookup, norm_team(t.team_abbr) AS team_abbr, t.snapshot_timestamp,
               t.minutes_before_tipoff, t.points_line, t.over_price_american, t.under_price_american,
               coalesce(t.is_synthetic, false) AS is_synthetic, t.book_last_update, t.player_id,
               s.season_year AS _season, t._player_lookup AS _spelling_lookup, t._player_base AS _base,
               NULL::VARCHAR AS _resolved_by, NULL::INTEGER AS _candidates
        FROM _typed t LEFT JOIN raw.schedule s ON s.game_id = norm_gid(t.game_id)""",
    checks=(
        _IN_SCHEDULE,
        _PLAYER_CHECK,
        _RESOLVED,
        _AMBIGUOUS,
        ("points_line", "points line outside 0..100", "points_line NOT BETWEEN 0 AND 100"),
        ("bookmaker", "bookmaker missing", "bookmaker IS NULL OR bookmaker = ''"),
    ),
)

# The Odds API bodies (.json, recognised by their content; rows staged by odds_api.py). Teams are
# named in full ("Cleveland Cavaliers", "Los Angeles Clippers"): a name is the reference team of
# that name, else the one whose nickname ends it (more than one: none). The game is the
# schedule's game of the two teams on the US Eastern date of commence_time, home and away as the
# schedule has them (the API's home team can differ at a neutral site).
_TEAM_OF = """
    team_of AS (
        SELECT n.name,
               coalesce(min(r.team_abbr) FILTER (WHERE lower(r.team_name) = lower(n.name)),
                        CASE WHEN count(DISTINCT r.team_abbr) = 1 THEN min(r.team_abbr) END) AS abbr
        FROM names n LEFT JOIN reference.teams r
          ON lower(r.team_name) = lower(n.name) OR ends_with(lower(n.name), ' ' || lower(r.nickname))
        GROUP BY n.name)"""
# The schedule's game of a row's two teams on its date, whichever of them the row names home (a
# neutral site's home team can differ); the schedule's home team first when both orders exist.
_SCHEDULE_GAME = """LEFT JOIN raw.schedule s
          ON s.game_date = {day}
         AND least(s.home_team_abbr, s.away_team_abbr) = least({home}, {away})
         AND greatest(s.home_team_abbr, s.away_team_abbr) = greatest({home}, {away})
        QUALIFY row_number() OVER (PARTITION BY t._row ORDER BY s.home_team_abbr = {home} DESC) = 1"""
_ODDS_GAME_SQL = (
    """
    WITH names AS (SELECT home_team AS name FROM _typed UNION SELECT away_team FROM _typed),"""
    + _TEAM_OF
    + """,
    t AS (
        SELECT x.*, h.abbr AS _home_abbr, a.abbr AS _away_abbr
        FROM _typed x LEFT JOIN team_of h ON h.name = x.home_team LEFT JOIN team_of a ON a.name = x.away_team),
    g AS (
        SELECT t.*, s.game_id AS _game_id, s.game_date AS _game_date, s.home_team_abbr AS _sched_home,
               s.away_team_abbr AS _sched_away, coalesce(s.season_year, """
    + _SEASON_OF.format(d="t.us_date")
    + """) AS _season
        FROM t """
    + _SCHEDULE_GAME.format(day="t.us_date", home="t._home_abbr", away="t._away_abbr")
    + ")"
)
_ODDS_MATCH = "away_team || ' at ' || home_team || ' on ' || CAST(us_date AS VARCHAR)"
_ODDS_CHECKS = (
    (
        "home_team",
        "team name matches no team of reference.teams",
        "_home_abbr IS NULL OR _away_abbr IS NULL",
        "CASE WHEN _home_abbr IS NULL THEN home_team ELSE away_team END",
    ),
    (
        "commence_time",
        "no game of these teams on this US Eastern date in the schedule",
        "_home_abbr IS NOT NULL AND _away_abbr IS NOT NULL AND _game_id IS NULL",
        _ODDS_MATCH,
    ),
)


def _implied(price: str) -> str:
    """SQL: the implied probability of an American price."""
    return f"CASE WHEN {price} < 0 THEN -{price} / (100.0 - {price}) ELSE 100.0 / ({price} + 100.0) END"


ODDS_API_GAME_LINES = FileKind(
    name="odds_api_game_lines",
    patterns=(),
    target="raw.game_lines",
    order=9,
    source=odds_api.SOURCE,
    key=("game_id",),
    required=odds_api.GAME_COLUMNS,
    optional={},
    stage=odds_api.stage_game_lines,
    refuse_corrections=False,
    select_sql=_ODDS_GAME_SQL
    + """
    -- a market the body lacks (an h2h-only body) keeps its value from the game's loaded row, and
    -- odds carry no final score: the row replaced keeps its labels
    SELECT g._row, g._game_id AS game_id, g._game_date AS game_date, g._sched_home AS home_team_abbr,
           g._sched_away AS away_team_abbr, coalesce(g.total_line, l.total_line) AS total_line,
           coalesce(CASE WHEN g._sched_home = g._home_abbr THEN g.spread_home ELSE g.spread_away END, l.home_spread)
               AS home_spread,
           coalesce(CASE WHEN g._sched_home = g._home_abbr THEN g.ml_home ELSE g.ml_away END, l.ml_home) AS ml_home,
           coalesce(CASE WHEN g._sched_home = g._home_abbr THEN g.ml_away ELSE g.ml_home END, l.ml_away) AS ml_away,
           l.total_points, l.home_margin,
           g._home_abbr, g._away_abbr, g._game_id, g.books AS _books, g.books_pre_tip AS _books_pre_tip,
           g.commence_time, g.home_team, g.away_team, g.us_date
    FROM g LEFT JOIN raw.game_lines l ON l.game_id = g._game_id""",
    checks=(
        *_ODDS_CHECKS,
        (
            "commence_time",
            "only in-game lines: every book's line was taken after tip-off",
            "_game_id IS NOT NULL AND _books_pre_tip = 0",
            "CAST(_books AS VARCHAR) || ' books, tip-off ' || CAST(commence_time AS VARCHAR) || ' UTC'",
        ),
        ("total_line", "total line outside 150..300", "total_line NOT BETWEEN 150 AND 300"),
        ("home_spread", "spread outside -40..40", "abs(home_spread) > 40"),
    ),
)

ODDS_API_PROPS = FileKind(
    name="odds_api_player_points",
    patterns=(),
    target="raw.player_points_props",
    order=10,
    source=odds_api.SOURCE,
    key=PROPS.key,
    resolve_players=True,
    required=odds_api.PROPS_COLUMNS,
    optional={},
    stage=odds_api.stage_props,
    refuse_corrections=False,
    # the main line: over and under prices closest to even, then the lower points line
    main_line_order=(
        f"abs(({_implied('over_price_american')}) - ({_implied('under_price_american')})) NULLS LAST, points_line, _row"
    ),
    select_sql=_ODDS_GAME_SQL
    + """
    SELECT _row, _game_id AS game_id, _game_date AS game_date, bookmaker, _player_lookup AS player_lookup,
           NULL::VARCHAR AS team_abbr, snapshot_timestamp, minutes_before_tipoff, points_line,
           over_price_american, under_price_american, false AS is_synthetic, book_last_update,
           NULL::BIGINT AS player_id,
           _season, _player_lookup AS _spelling_lookup, _player_base AS _base, NULL::VARCHAR AS _resolved_by,
           NULL::INTEGER AS _candidates, player_name AS _spelling, outcomes AS _outcomes,
           _home_abbr, _away_abbr, _game_id, home_team, away_team, us_date
    FROM g""",
    checks=(
        *_ODDS_CHECKS,
        _PLAYER_CHECK,
        (*_RESOLVED, "_spelling"),
        (*_AMBIGUOUS, "_spelling"),
        (
            "outcomes",
            "outcomes are not an Over and an Under",
            "_outcomes NOT IN ('Over/Under', 'Over', 'Under')",
            "_outcomes",
        ),
        (
            "over_price_american",
            "price missing or not valid odds",
            "(_outcomes IN ('Over/Under', 'Over') AND over_price_american IS NULL) "
            "OR (_outcomes IN ('Over/Under', 'Under') AND under_price_american IS NULL)",
        ),
        ("points_line", "points line missing", "points_line IS NULL"),
        ("points_line", "points line outside 0..100", "points_line NOT BETWEEN 0 AND 100"),
        (
            "snapshot_timestamp",
            "no snapshot time (no envelope timestamp, market or bookmaker last_update)",
            "snapshot_timestamp IS NULL",
        ),
    ),
)

# The NBA's official injury report (.pdf, recognised by its content; rows staged by
# injury_report.py). The team is printed in full ("LA Clippers"): resolved as The Odds API's team
# names are; the game is the schedule's game on the printed date of the matchup's two tricodes
# (AWAY@HOME). Players are printed "Last, First" and resolved by the display name "First Last"
# (`player_name`); the raw table keeps the name as printed. A team's NOT YET SUBMITTED row has
# player_lookup '' and resolves to nobody (it is no player's row).
_TEAMS = "(SELECT team_abbr FROM reference.teams)"
_INJURY_STATUSES = calendar.sql_list((*injury_report.STATUSES, injury_report.NOT_SUBMITTED))
INJURY_REPORT = FileKind(
    name="nba_injury_report",
    patterns=(),
    target="raw.injury_report",
    order=11,
    source=injury_report.SOURCE,
    key=("report_time_et", "game_id", "team_abbr", "player_lookup"),
    resolve_players=True,
    required=injury_report.STAGED_COLUMNS,
    optional={},
    stage=injury_report.stage,
    # every report is a snapshot of its time: a row of one report is no correction of another
    refuse_corrections=False,
    select_sql="""
    WITH names AS (SELECT DISTINCT team_name AS name FROM _typed),"""
    + _TEAM_OF
    + """,
    t AS (
        SELECT x.*, tm.abbr AS _team_abbr, norm_team(x.away_tricode) AS _away, norm_team(x.home_tricode) AS _home
        FROM _typed x LEFT JOIN team_of tm ON tm.name = x.team_name),
    g AS (
        SELECT t.*, s.game_id AS _game_id, coalesce(s.season_year, """
    + _SEASON_OF.format(d="t.game_date")
    + """) AS _season
        FROM t """
    + _SCHEDULE_GAME.format(day="t.game_date", home="t._home", away="t._away")
    + """)
    SELECT _row, report_time_et, game_date, _game_id AS game_id, _team_abbr AS team_abbr,
           CASE WHEN printed_name = '' THEN '' ELSE _player_lookup END AS player_lookup,
           printed_name AS player_name, status, reason, NULL::BIGINT AS player_id, NULL::VARCHAR AS resolved_by,
           _season, CASE WHEN printed_name <> '' THEN _player_lookup END AS _spelling_lookup,
           CASE WHEN printed_name <> '' THEN _player_base END AS _base, NULL::VARCHAR AS _resolved_by,
           NULL::INTEGER AS _candidates, printed_name AS _spelling, matchup, team_name, _away, _home
    FROM g""",
    checks=(
        ("team_name", "team name matches no team of reference.teams", "team_abbr IS NULL", "team_name"),
        (
            "matchup",
            "matchup names a team that is no NBA tricode",
            f"_away NOT IN {_TEAMS} OR _home NOT IN {_TEAMS}",
            "matchup",
        ),
        (
            "matchup",
            "no game of this matchup on this date in the schedule",
            f"_away IN {_TEAMS} AND _home IN {_TEAMS} AND game_id IS NULL",
            "matchup || ' on ' || CAST(game_date AS VARCHAR)",
        ),
        (
            "team_name",
            "team is neither team of the matchup",
            "team_abbr IS NOT NULL AND team_abbr NOT IN (_away, _home)",
            "team_name || ' in ' || matchup",
        ),
        ("status", "unknown status", f"status NOT IN {_INJURY_STATUSES}", "status"),
        _PLAYER_CHECK,
        (*_RESOLVED, "_spelling"),
        (*_AMBIGUOUS, "_spelling"),
    ),
)

# A game of a box-score file (`derives_schedule`) that the schedule lacks still happened: the NBA
# Cup final, for one, is left out of the league's season game logs and so of schedules built
# from them. Its schedule row is derived from the box score when the game id is a valid NBA id
# of a regular-season, play-in, playoff or Cup-final game (character 3: 2, 5, 4, 6) of the
# season its date lies in, and the rows name one date and two known teams, one at home. The
# game type comes from the id; the row's source is 'box_score', so a real schedule row of the
# game replaces it when one is ingested. Reads `_typed`; gives raw.schedule's content columns.
DERIVED_GAME_TYPES = {
    "2": calendar.REGULAR_SEASON,
    "5": calendar.PLAY_IN,
    "4": calendar.PLAYOFFS,
    "6": calendar.CUP_FINAL,
}
DERIVED_SCHEDULE_SOURCE = "box_score"
DERIVED_SCHEDULE_SQL = (
    """
    WITH t AS (
        SELECT norm_gid(game_id) AS game_id, game_date, norm_team(team_tricode) AS team,
               norm_team(opponent_tricode) AS opp, is_home, pts
        FROM _typed WHERE norm_gid(game_id) NOT IN (SELECT game_id FROM raw.schedule)),
    g AS (
        SELECT game_id, min(game_date) AS game_date, count(DISTINCT game_date) AS n_dates,
               count(DISTINCT team) AS n_teams, count(DISTINCT opp) AS n_opps,
               count(DISTINCT team) FILTER (WHERE is_home) AS n_home,
               count(DISTINCT team) FILTER (WHERE NOT is_home) AS n_away,
               min(team) FILTER (WHERE is_home) AS home, min(team) FILTER (WHERE NOT is_home) AS away,
               sum(pts) FILTER (WHERE is_home) AS home_pts, sum(pts) FILTER (WHERE NOT is_home) AS away_pts,
               count(*) FILTER (WHERE is_home IS NULL OR team IS NULL OR game_date IS NULL) AS n_incomplete
        FROM t WHERE game_id IS NOT NULL GROUP BY game_id),
    s AS (
        SELECT *, """
    + _SEASON_OF.format(d="game_date")
    + """ AS season_year FROM g)
    SELECT game_id, season_year || '-' || lpad(CAST((season_year + 1) % 100 AS VARCHAR), 2, '0') AS season,
           season_year, CASE substr(game_id, 3, 1) """
    + " ".join(f"WHEN '{c}' THEN '{t}'" for c, t in DERIVED_GAME_TYPES.items())
    + """ END AS season_type,
           game_date, home AS home_team_abbr, away AS away_team_abbr,
           -- the Cup final is played at a neutral site (Las Vegas)
           CASE WHEN substr(game_id, 3, 1) = '6' THEN TRUE END AS neutral_site,
           CASE WHEN home_pts > away_pts THEN 'W' WHEN home_pts < away_pts THEN 'L' END AS home_wl
    FROM s
    WHERE regexp_full_match(game_id, '00["""
    + "".join(DERIVED_GAME_TYPES)
    + """][0-9]{7}')
      AND CAST(substr(game_id, 4, 2) AS INTEGER) = season_year % 100
      AND n_dates = 1 AND n_teams = 2 AND n_opps = 2 AND n_home = 1 AND n_away = 1 AND n_incomplete = 0
      AND home <> away
      AND home IN (SELECT team_abbr FROM reference.teams) AND away IN (SELECT team_abbr FROM reference.teams)"""
)


ALL_KINDS: tuple[FileKind, ...] = tuple(
    sorted(
        (
            SCHEDULE,
            PLAYER_BOX,
            PLAYER_LOG_BASIC,
            TEAM_BOX,
            TEAM_LOG_BASIC,
            SHOTS,
            GAME_LINES,
            INJURIES,
            PROPS,
            ODDS_API_GAME_LINES,
            ODDS_API_PROPS,
            INJURY_REPORT,
        ),
        key=lambda k: k.order,
    )
)

# Known files we deliberately do not load (season aggregates describe the whole season: they
# would leak the future into any date before the season's end).
IGNORED_PATTERNS = ("player_shot_zones_season_*", "player_stats_season_*", "team_stats_season_*")


def kind_for(filename: str) -> FileKind | None:
    for kind in ALL_KINDS:
        if kind.matches(filename):
            return kind
    return None


def is_ignored(filename: str) -> bool:
    low = filename.lower()
    return any(fnmatch.fnmatch(low, p + ext) for p in IGNORED_PATTERNS for ext in (".parquet", ".csv", ".csv.gz"))
