"""A new Phase 4 model is one file: dropped into the models folder it is picked up by the
catalog (its inputs inferred, ordered after them), run by the runner according to its kind
(rows and failure rows with completeness), checked (every player expected on D has a row or a
failure) and translated for Spark and BigQuery — with no edit anywhere else."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import sqlglot

from nbaprops.catalog import Catalog
from nbaprops.dialects import translate
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

MODELS = Path(__file__).resolve().parents[2] / "src" / "nbaprops" / "models"
START, END = date(2023, 10, 24), date(2023, 11, 21)

NEW_MODEL = """\
-- table: precompute.player_minutes_form
-- kind: by_date_with_failures
-- grain: player_lookup, game_date
-- time_column: game_date
-- lookback_days: 400
-- failures: PlayerMinutesFormProcessor
-- entity: player_lookup
-- universe: upcoming_players
--
-- A player's minutes entering D: mean minutes of his last 5 games this season.
WITH
dates AS (
    SELECT s.game_date, s.season_year, date_diff('day', o.opening_night, s.game_date) AS days_since_opening
    FROM (SELECT game_date, min(season_year) AS season_year FROM raw.schedule
          WHERE season_type <> @preseason GROUP BY game_date) s
    JOIN (SELECT season_year, min(game_date) AS opening_night FROM raw.schedule
          WHERE season_type = @regular_season GROUP BY season_year) o ON o.season_year = s.season_year
    WHERE s.game_date BETWEEN $start_date AND $end_date
),
cmp_dates AS (SELECT game_date AS d, season_year FROM dates),
@dependency_check(player)
upgc AS (
    SELECT d.game_date, d.season_year, d.days_since_opening, u.player_lookup, u.team_abbr
    FROM dates d JOIN analytics.upcoming_player_game_context u ON u.game_date = d.game_date
),
cmp_universe AS (SELECT player_lookup AS entity_id, season_year, game_date AS d FROM upgc),
@completeness_windows(player, l5)
form_games AS (  -- the player's games this season before D, newest first
    SELECT u.player_lookup, u.game_date, g.minutes_played,
           row_number() OVER (PARTITION BY u.player_lookup, u.game_date ORDER BY g.game_date DESC) AS newest
    FROM upgc u LEFT JOIN analytics.player_game_summary g
      ON g.player_lookup = u.player_lookup AND g.season_year = u.season_year AND g.game_date < u.game_date
     AND g.game_date >= $read_start
),
form AS (
    SELECT player_lookup, game_date, avg(CASE WHEN newest <= 5 THEN minutes_played END) AS minutes_avg_last_5
    FROM form_games GROUP BY player_lookup, game_date
),
rows_ AS (
    SELECT u.player_lookup, u.game_date, u.team_abbr, f.minutes_avg_last_5,
           CASE WHEN u.days_since_opening < @bootstrap_days THEN 'EXPECTED_INCOMPLETE'
                WHEN tc.team_abbr IS NOT NULL THEN 'MISSING_DEPENDENCY' END AS failure_category,
           CASE WHEN u.days_since_opening < @bootstrap_days THEN 'bootstrap window'
                WHEN tc.team_abbr IS NOT NULL THEN 'team games missing upstream' END AS failure_reason,
           tc.team_abbr IS NOT NULL AS can_retry
    FROM upgc u JOIN form f ON f.player_lookup = u.player_lookup AND f.game_date = u.game_date
    LEFT JOIN cmp_team_check tc ON tc.d = u.game_date AND tc.team_abbr = u.team_abbr
)
SELECT r.*, @completeness_columns(c, l5)
FROM rows_ r LEFT JOIN cmp_out c ON c.entity_id = r.player_lookup AND c.d = r.game_date
"""


def test_a_new_phase4_model_needs_no_edit_elsewhere(real_copy, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(MODELS, models)
    (models / "precompute" / "player_minutes_form.sql").write_text(NEW_MODEL, encoding="utf-8")
    cat = Catalog.load(models)
    m = cat.get("player_minutes_form")
    assert m.kind == "by_date_with_failures" and m.writes_failures
    # its inputs, inferred: what it reads itself and what the check macros read
    assert set(m.depends_on) == {
        "raw.schedule",
        "analytics.upcoming_player_game_context",
        "analytics.player_game_summary",
        "precompute.player_completeness",
        "precompute.dependency_holes",
    }
    assert cat.order.index("player_minutes_form") > cat.order.index("upcoming_player_game_context")
    assert "player_minutes_form" in cat.dependants_of("player_game_summary")

    with Warehouse.open(real_copy) as wh:
        res = backfill(wh, START, END, catalog=cat)
        assert res.ok, [x.error for x in res.models if x.error]
        con = wh.con
        rows = con.execute(
            "SELECT count(*), count(l5_expected_games), count(*) FILTER (WHERE minutes_avg_last_5 IS NULL) "
            "FROM precompute.player_minutes_form"
        ).fetchone()
        assert rows[0] > 1000 and rows[1] == rows[0]
        fails = dict(
            con.execute(
                "SELECT failure_category, count(*) FROM processing.precompute_failures "
                "WHERE processor_name = 'PlayerMinutesFormProcessor' GROUP BY 1"
            ).fetchall()
        )
        assert fails.get("EXPECTED_INCOMPLETE", 0) > 1000  # the two bootstrap weeks
        # checked: every player expected on D has a row or a failure row, never both
        missing, both = con.execute(
            """
            SELECT count(*) FILTER (WHERE r.player_lookup IS NULL AND f.entity_id IS NULL),
                   count(*) FILTER (WHERE r.player_lookup IS NOT NULL AND f.entity_id IS NOT NULL)
            FROM analytics.upcoming_player_game_context u
            LEFT JOIN precompute.player_minutes_form r
                   ON r.player_lookup = u.player_lookup AND r.game_date = u.game_date
            LEFT JOIN processing.precompute_failures f ON f.processor_name = 'PlayerMinutesFormProcessor'
                 AND f.entity_id = u.player_lookup AND f.analysis_date = u.game_date
            WHERE u.game_date BETWEEN ? AND ?""",
            [START, END],
        ).fetchone()
        assert (missing, both) == (0, 0)
        # a plain check of one value: the mean minutes of the last 5 games before D
        lk, d, v = con.execute(
            "SELECT player_lookup, game_date, minutes_avg_last_5 FROM precompute.player_minutes_form "
            "WHERE game_date = ? AND minutes_avg_last_5 IS NOT NULL ORDER BY 1 LIMIT 1",
            [END],
        ).fetchone()
        mins = [
            r[0]
            for r in con.execute(
                "SELECT minutes_played FROM analytics.player_game_summary WHERE player_lookup = ? "
                "AND season_year = 2023 AND game_date < ? ORDER BY game_date DESC LIMIT 5",
                [lk, d],
            ).fetchall()
        ]
        assert abs(v - sum(mins) / len(mins)) < 1e-9

    for dialect in ("spark", "bigquery"):
        out = translate(m.sql, dialect, m.table)
        assert sqlglot.parse_one(out.split("\n", 1)[1] if out.startswith("--") else out, read=dialect)
        assert not re.search(r"@(?!start_date|end_date|read_start)\w", out)  # no macro left (BigQuery binds @params)
