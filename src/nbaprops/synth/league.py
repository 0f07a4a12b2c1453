"""A synthetic league in the bundled `data/real/` layout, for scale tests and benchmarks.

Scale X = 4·X regular seasons of the 30 real franchises (so scale 1 ≈ the four real seasons:
≈ 130 k player-games; scale 10 ≈ 1.3 M). Growing the number of seasons rather than the number of
teams keeps every row valid against reference.teams and the season rules, and grows the data
the way a longer history does. Everything is generated set-based in DuckDB, with randomness from
md5 of (seed, …) so the same seed gives byte-identical files.

Realism, roughly: ~82 games a team a season over 170 days (back-to-backs happen), 15-man
rosters with starters / rotation / deep bench minutes, DNPs, box scores that satisfy
points = 2·FGM + 3PM + FTM, one shot row per field-goal attempt with its zone, team box scores
summed from players, game lines from expected scoring, injury transactions around absences and
pre-game prop snapshots (the same model as the ingest's synthetic props)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from ..errors import BadInputError
from ..warehouse import one
from . import props as synth_props

SEASON_DAYS = 170
ROSTER = 15


@dataclass
class LeagueReport:
    out: Path
    seasons: int
    files: dict[str, int]


def _u(seed: int, *parts: str, k: int = 0) -> str:
    """Uniform (0, 1) from md5(seed, parts) (the k-th of four per digest)."""
    joined = ", ".join(parts)
    return (
        f"((('0x' || substr(md5(concat_ws('|', '{seed}', {joined})), {1 + 8 * k}, 8))::BIGINT)::DOUBLE + 0.5)"
        " / 4294967296.0"
    )


def _normal(seed: int, *parts: str) -> str:
    return f"(sqrt(-2 * ln({_u(seed, *parts, k=0)})) * cos(2 * pi() * {_u(seed, *parts, k=1)}))"


def generate_league(
    out: str | Path, *, seasons: int = 4, seed: int = 7, first_season: int | None = None
) -> LeagueReport:
    if seasons < 1 or seasons > 400:
        raise BadInputError(f"seasons must be between 1 and 400, got {seasons}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    y0 = first_season if first_season is not None else 2025 - seasons
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    teams_csv = resources.files("nbaprops.reference").joinpath("teams.csv")
    with resources.as_file(teams_csv) as f:
        con.execute(
            "CREATE TABLE teams AS SELECT row_number() OVER (ORDER BY team_abbr) AS t, * FROM read_csv(?, header=true)",
            [str(f)],
        )
    s = seed
    con.execute(f"""
        CREATE TABLE season_days AS
        SELECT y AS season_year, d AS day, make_date(y::INTEGER, 10, 20) + d::INTEGER AS game_date,
               4 + floor({_u(s, "'k'", "y::VARCHAR", "d::VARCHAR")} * 7)::INTEGER AS games_today
        FROM range({y0}, {y0 + seasons}) r(y), range(0, {SEASON_DAYS}) q(d)""")
    con.execute(f"""
        CREATE TABLE pairings AS
        WITH ranked AS (
            SELECT sd.season_year, sd.game_date, sd.games_today, t.team_abbr, t.team_id, t.team_name,
                   row_number() OVER (PARTITION BY sd.season_year, sd.game_date
                                      ORDER BY {_u(s, "'p'", "sd.game_date::VARCHAR", "t.team_abbr")}) AS rk
            FROM season_days sd CROSS JOIN teams t)
        SELECT h.season_year, h.game_date, h.team_abbr AS home_team, a.team_abbr AS away_team,
               h.team_id AS home_team_id, a.team_id AS away_team_id, h.team_name AS home_team_name,
               a.team_name AS away_team_name
        FROM ranked h JOIN ranked a
          ON a.season_year = h.season_year AND a.game_date = h.game_date AND a.rk = h.rk + 1
        WHERE h.rk % 2 = 1 AND h.rk < 2 * h.games_today""")
    con.execute("""
        CREATE TABLE schedule AS
        SELECT '002' || lpad(((season_year % 100))::VARCHAR, 2, '0')
                     || lpad(row_number() OVER (PARTITION BY season_year ORDER BY game_date, home_team)::VARCHAR,
                             5, '0') AS game_id,
               season_year::VARCHAR || '-' || lpad(((season_year + 1) % 100)::VARCHAR, 2, '0') AS season,
               'Regular Season' AS season_type, game_date, home_team, away_team, home_team_name, away_team_name,
               NULL::VARCHAR AS home_wl, false AS neutral_site, home_team_id, away_team_id, season_year
        FROM pairings""")
    # Players: 15 per franchise, persistent across seasons; slot 1 is the star.
    con.execute(f"""
        CREATE TABLE players AS
        SELECT t.team_abbr, slot, 1000000 + t.t * 100 + slot AS player_id,
               'Synth ' || t.nickname || ' ' || slot AS player_name,
               CASE WHEN slot <= 5 THEN 33 - slot WHEN slot <= 10 THEN 24 - (slot - 5) * 1.5 ELSE 8 - (slot - 10) END
                   AS base_minutes,
               0.30 + 0.45 * {_u(s, "'ppm'", "t.team_abbr", "slot::VARCHAR")} * (1.2 - slot / 20.0) AS ppm,
               0.15 + 0.45 * {_u(s, "'three'", "t.team_abbr", "slot::VARCHAR")} AS three_share,
               0.35 + 0.40 * {_u(s, "'paint'", "t.team_abbr", "slot::VARCHAR")} AS paint_share,
               CASE WHEN slot <= 5 THEN 0.04 WHEN slot <= 10 THEN 0.10 ELSE 0.45 END AS dnp_rate
        FROM teams t, range(1, {ROSTER + 1}) r(slot)""")
    con.execute(f"""
        CREATE TABLE box AS
        WITH slots AS (
            SELECT game_id, season, season_type, game_date, home_team AS team, away_team AS opp, true AS is_home
            FROM schedule
            UNION ALL
            SELECT game_id, season, season_type, game_date, away_team, home_team, false FROM schedule),
        pg AS (
            SELECT sl.*, p.*,
                   {_u(s, "'dnp'", "sl.game_id", "p.player_name")} < p.dnp_rate AS dnp,
                   greatest(1.0, least(48.0,
                                       p.base_minutes + 4.0 * {_normal(s, "'min'", "sl.game_id", "p.player_name")}))
                       AS mins,
                   {_normal(s, "'pts'", "sl.game_id", "p.player_name")} AS z
            FROM slots sl JOIN players p ON p.team_abbr = sl.team),
        shots AS (
            SELECT *, greatest(0.05, ppm * (1 + 0.25 * z)) * mins AS exp_pts FROM pg),
        counts AS (
            SELECT *,
                   round(exp_pts * three_share / 3.0 / 0.36)::INTEGER AS fg3a,
                   round(exp_pts * 0.16 / 0.78)::INTEGER AS fta,
                   round(exp_pts * (1 - three_share - 0.16) / 2.0 / 0.52)::INTEGER AS fg2a
            FROM shots),
        made AS (
            SELECT *,
                   least(fg3a, greatest(0, round(fg3a * 0.36 + 0.8 * {_normal(s, "'m3'", "game_id", "player_name")})))
                       ::INTEGER AS fg3m,
                   least(fta, greatest(0, round(fta * 0.78 + 0.7 * {_normal(s, "'mf'", "game_id", "player_name")})))
                       ::INTEGER AS ftm,
                   least(fg2a, greatest(0, round(fg2a * 0.52 + 1.0 * {_normal(s, "'m2'", "game_id", "player_name")})))
                       ::INTEGER AS fg2m
            FROM counts)
        SELECT game_id, season, season_type, game_date, team AS team_tricode, opp AS opponent_tricode, is_home,
               player_id, player_name, slot <= 5 AS starter, slot,
               CASE WHEN dnp THEN 'DNP - Coach''s Decision' END AS comment,
               CASE WHEN dnp THEN 0.0 ELSE round(mins, 2) END AS minutes,
               CASE WHEN dnp THEN 0 ELSE fg2m + fg3m END AS fgm, CASE WHEN dnp THEN 0 ELSE fg2a + fg3a END AS fga,
               CASE WHEN dnp THEN 0 ELSE fg3m END AS fg3m, CASE WHEN dnp THEN 0 ELSE fg3a END AS fg3a,
               CASE WHEN dnp THEN 0 ELSE ftm END AS ftm, CASE WHEN dnp THEN 0 ELSE fta END AS fta,
               CASE WHEN dnp THEN 0 ELSE round(mins * 0.04)::INTEGER END AS oreb,
               CASE WHEN dnp THEN 0 ELSE round(mins * 0.13)::INTEGER END AS dreb,
               CASE WHEN dnp THEN 0 ELSE round(mins * 0.17)::INTEGER END AS reb,
               CASE WHEN dnp THEN 0 ELSE round(mins * ppm * 0.22)::INTEGER END AS ast,
               CASE WHEN dnp THEN 0 ELSE round(mins * 0.03)::INTEGER END AS stl,
               CASE WHEN dnp THEN 0 ELSE round(mins * 0.02)::INTEGER END AS blk,
               CASE WHEN dnp THEN 0 ELSE round(mins * 0.05)::INTEGER END AS tov,
               CASE WHEN dnp THEN 0 ELSE round(mins * 0.06)::INTEGER END AS pf,
               CASE WHEN dnp THEN 0 ELSE 2 * fg2m + 3 * fg3m + ftm END AS pts,
               paint_share, three_share, exp_pts
        FROM made""")
    con.execute("""
        CREATE TABLE team_box AS
        SELECT game_id, season, game_date, any_value(team_tricode) AS team, any_value(opponent_tricode) AS opp,
               any_value(is_home) AS is_home,
               sum(fgm)::INTEGER AS fgm, sum(fga)::INTEGER AS fga, sum(fg3m)::INTEGER AS fg3m,
               sum(fg3a)::INTEGER AS fg3a, sum(ftm)::INTEGER AS ftm, sum(fta)::INTEGER AS fta,
               sum(oreb)::INTEGER AS oreb, sum(dreb)::INTEGER AS dreb,
               sum(reb)::INTEGER AS reb, sum(ast)::INTEGER AS ast, sum(stl)::INTEGER AS stl, sum(blk)::INTEGER AS blk,
               sum(tov)::INTEGER AS tov, sum(pf)::INTEGER AS pf, sum(pts)::INTEGER AS pts
        FROM box GROUP BY game_id, season, game_date, team_tricode""")
    files: dict[str, int] = {}

    def write(name: str, sql: str) -> None:
        path = out / name
        con.execute(f"COPY ({sql}) TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
        files[name] = one(con.execute(f"SELECT count(*) FROM ({sql})"))[0]

    tag = f"synthetic_{y0}_{y0 + seasons - 1}"
    # Lines come from pre-game strength (roster scoring rates), never from the game's outcome.
    con.execute("""CREATE TABLE strength AS
                   SELECT team_abbr, sum(ppm * base_minutes * (1 - dnp_rate)) AS exp_pts FROM players GROUP BY 1""")
    con.execute("""CREATE TABLE results AS
                   SELECT h.game_id, h.pts AS home_pts, a.pts AS away_pts, sh.exp_pts AS home_exp,
                          sa.exp_pts AS away_exp
                   FROM team_box h JOIN team_box a ON a.game_id = h.game_id AND a.is_home = false AND h.is_home
                   JOIN strength sh ON sh.team_abbr = h.team JOIN strength sa ON sa.team_abbr = a.team""")
    write(
        f"schedule_{tag}.parquet",
        """
        SELECT s.game_id, s.season, s.season_type, s.game_date, s.home_team, s.away_team, s.home_team_name,
               s.away_team_name, CASE WHEN r.home_pts > r.away_pts THEN 'W' ELSE 'L' END AS home_wl,
               s.neutral_site, s.home_team_id, s.away_team_id
        FROM schedule s JOIN results r USING (game_id) ORDER BY s.game_date, s.game_id""",
    )
    write(
        f"player_box_{tag}.parquet",
        """
        SELECT game_id, season, season_type, game_date, team_tricode, opponent_tricode, is_home, player_id, player_name,
               starter, comment, minutes, fgm::SMALLINT AS fgm, fga::SMALLINT AS fga, fg3m::SMALLINT AS fg3m,
               fg3a::SMALLINT AS fg3a, ftm::SMALLINT AS ftm, fta::SMALLINT AS fta, oreb::SMALLINT AS oreb,
               dreb::SMALLINT AS dreb, reb::SMALLINT AS reb, ast::SMALLINT AS ast, stl::SMALLINT AS stl,
               blk::SMALLINT AS blk, tov::SMALLINT AS tov, pf::SMALLINT AS pf, pts::SMALLINT AS pts,
               NULL::DOUBLE AS plus_minus
        FROM box ORDER BY game_date, game_id, team_tricode, slot""",
    )
    write(
        f"team_box_{tag}.parquet",
        """
        SELECT game_id, season, game_date,
               CASE WHEN is_home THEN team || ' vs. ' || opp ELSE team || ' @ ' || opp END AS matchup,
               CASE WHEN pts > (SELECT t2.pts FROM team_box t2 WHERE t2.game_id = t.game_id AND t2.team <> t.team)
                    THEN 'W' ELSE 'L' END AS wl,
               240 AS min, fgm, fga, fg3m, fg3a, ftm, fta, oreb, dreb, reb, ast, stl, blk, tov, pf, pts
        FROM team_box t ORDER BY game_date, game_id, team""",
    )
    write(
        f"shots_{tag}.parquet",
        f"""
        WITH att AS (
            SELECT b.*, unnest(range(0, b.fga)) AS k FROM box b WHERE b.fga > 0),
        shot AS (
            SELECT *, k < fg3a AS is3,
                   CASE WHEN k < fg3a THEN k < fg3m ELSE (k - fg3a) < (fgm - fg3m) END AS made,
                   {_u(s, "'z'", "game_id", "player_name", "k::VARCHAR")} AS zu
            FROM att)
        SELECT season, game_id, game_date, t.team_id, t.team_name, player_id, player_name,
               CASE WHEN is_home THEN team_tricode ELSE opponent_tricode END AS home_team,
               CASE WHEN is_home THEN opponent_tricode ELSE team_tricode END AS away_team,
               team_tricode, made AS shot_made, 'Jump Shot' AS action_type,
               CASE WHEN is3 THEN '3PT Field Goal' ELSE '2PT Field Goal' END AS shot_type,
               CASE WHEN is3 AND zu < 0.3 THEN 'Left Corner 3' WHEN is3 AND zu < 0.45 THEN 'Right Corner 3'
                    WHEN is3 THEN 'Above the Break 3' WHEN zu < paint_share * 0.6 THEN 'Restricted Area'
                    WHEN zu < paint_share THEN 'In The Paint (Non-RA)' ELSE 'Mid-Range' END AS basic_zone,
               CASE WHEN is3 THEN 25 WHEN zu < paint_share THEN 4 ELSE 15 END::SMALLINT AS shot_distance,
               (1 + (k % 4))::TINYINT AS quarter
        FROM shot JOIN teams t ON t.team_abbr = shot.team_tricode ORDER BY game_date, game_id, player_name, k""",
    )
    write(
        f"game_lines_{tag}.parquet",
        f"""
        SELECT s.season, s.game_date, s.home_team_name, s.away_team_name,
               round((r.home_exp + r.away_exp + 6 * {_normal(seed, "'tot'", "s.game_id")}) * 2) / 2 AS total_line,
               round((-(r.home_exp - r.away_exp) - 2.5 + 3 * {_normal(seed, "'spr'", "s.game_id")}) * 2) / 2
                   AS home_spread,
               NULL::DOUBLE AS ml_home, NULL::DOUBLE AS ml_away, (r.home_pts + r.away_pts)::BIGINT AS total_points,
               (r.home_pts - r.away_pts)::BIGINT AS home_margin, s.home_team, s.away_team, s.game_id
        FROM schedule s JOIN results r USING (game_id) ORDER BY s.game_date, s.game_id""",
    )
    write(
        f"injuries_{tag}.parquet",
        """
        WITH seq AS (
            SELECT b.player_name, b.team_tricode, b.game_date, b.comment IS NOT NULL AS out_today,
                   lag(b.comment IS NOT NULL) OVER w AS out_before, lag(b.game_date) OVER w AS prev_date
            FROM box b WHERE b.slot <= 8
            WINDOW w AS (PARTITION BY b.player_name, b.season ORDER BY b.game_date))
        SELECT (game_date - 1) AS date, t.nickname AS team_nickname, player_name,
               CASE WHEN out_today THEN 'out' ELSE 'return' END AS event,
               CASE WHEN out_today THEN NULL ELSE player_name END AS acquired,
               CASE WHEN out_today THEN player_name END AS relinquished,
               CASE WHEN out_today THEN 'placed on IL (synthetic)' ELSE 'activated from IL (synthetic)' END AS notes,
               NULL::DOUBLE AS est_days_out_scraper
        FROM seq JOIN teams t ON t.team_abbr = seq.team_tricode
        WHERE out_before IS NOT NULL AND out_today <> out_before
        ORDER BY 1, 3""",
    )
    # Prop snapshots: the ingest's model, run over the generated league.
    con.execute("CREATE SCHEMA raw")
    con.execute("""CREATE VIEW raw.schedule AS SELECT game_id, season_year, season_type, game_date,
                   home_team AS home_team_abbr, away_team AS away_team_abbr FROM main.schedule""")
    con.execute("""CREATE VIEW raw.player_boxscores AS SELECT lower(replace(player_name, ' ', '')) AS player_lookup,
                   player_name, team_tricode AS team_abbr, game_date, pts AS points, minutes FROM main.box""")
    con.execute("""CREATE TABLE raw.player_points_props (game_id VARCHAR, source VARCHAR)""")
    write(
        f"player_points_props_{tag}.parquet",
        f"""
        WITH p AS ({synth_props.build_sql(seed)}),
        names AS (SELECT DISTINCT lower(replace(player_name, ' ', '')) AS player_lookup, player_name FROM box)
        SELECT p.game_id, p.bookmaker, n.player_name, p.team_abbr, p.snapshot_timestamp, p.minutes_before_tipoff,
               p.points_line, p.over_price_american, p.under_price_american, true AS is_synthetic
        FROM p JOIN names n USING (player_lookup)
        ORDER BY p.game_id, n.player_name, p.bookmaker, p.snapshot_timestamp""",
    )
    con.close()
    return LeagueReport(out=out, seasons=seasons, files=files)
