"""The synthetic league: deterministic, valid input for the ingest, realistic enough to run on."""

from __future__ import annotations

import duckdb
import pytest

from nbaprops.ingest import ingest_folder
from nbaprops.synth.league import generate_league
from nbaprops.warehouse import Warehouse


@pytest.fixture(scope="module")
def league(tmp_path_factory):
    out = tmp_path_factory.mktemp("league")
    return generate_league(out, seasons=1, seed=11)


def _content(path) -> set:
    return set(duckdb.connect().execute(f"SELECT * FROM read_parquet('{path.as_posix()}')").fetchall())


@pytest.mark.slow  # generates three leagues
def test_same_seed_same_files_other_seed_other_files(league, tmp_path):
    again = generate_league(tmp_path / "again", seasons=1, seed=11)
    other = generate_league(tmp_path / "other", seasons=1, seed=12)
    assert sorted(again.files) == sorted(league.files)
    for name in league.files:
        assert _content(league.out / name) == _content(again.out / name), name
    box = next(n for n in league.files if n.startswith("player_box"))
    assert _content(league.out / box) != _content(other.out / box)


def test_league_ingests_without_rejections(league, tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        report = ingest_folder(wh, league.out)
        assert report.unrecognised == []
        assert report.rows_rejected == 0
        for f in report.files:
            assert f.rows_loaded == f.rows_read, f.file
        # box scores are internally consistent and shots match attempts
        bad = wh.con.execute("""SELECT count(*) FROM raw.player_boxscores
                                WHERE points <> 2 * fg_makes + three_pt_makes + ft_makes""").fetchone()[0]
        assert bad == 0
        mismatch = wh.con.execute("""
            SELECT count(*) FROM (SELECT game_id, player_lookup, count(*) AS n FROM raw.shots GROUP BY ALL) s
            JOIN raw.player_boxscores b USING (game_id, player_lookup) WHERE s.n <> b.fg_attempts""").fetchone()[0]
        assert mismatch == 0


def test_league_looks_like_basketball(league):
    con = duckdb.connect()
    box = league.out / next(n for n in league.files if n.startswith("player_box"))
    games_per_team, pts_per_team, b2b = con.execute(f"""
        WITH tg AS (SELECT DISTINCT team_tricode, game_id, game_date FROM read_parquet('{box.as_posix()}')),
             per AS (SELECT team_tricode, count(*) AS g FROM tg GROUP BY 1),
             gaps AS (SELECT game_date - lag(game_date) OVER (PARTITION BY team_tricode ORDER BY game_date) AS gap
                      FROM tg)
        SELECT (SELECT avg(g) FROM per),
               (SELECT avg(p) FROM (SELECT sum(pts) AS p FROM read_parquet('{box.as_posix()}')
                                    GROUP BY game_id, team_tricode)),
               (SELECT avg(CASE WHEN gap = 1 THEN 1.0 ELSE 0 END) FROM gaps WHERE gap IS NOT NULL)""").fetchone()
    assert 70 <= games_per_team <= 90
    assert 95 <= pts_per_team <= 135
    assert 0.05 <= b2b <= 0.5


@pytest.mark.slow  # a generated league through every model
def test_small_league_runs_through_the_whole_pipeline(league, tmp_path):
    from datetime import date

    from nbaprops.catalog import Catalog
    from nbaprops.runner.backfill import backfill

    with Warehouse.open(tmp_path / "p.duckdb") as wh:
        ingest_folder(wh, league.out)
        first, last = wh.con.execute("SELECT min(game_date), max(game_date) FROM raw.schedule").fetchone()
        result = backfill(wh, first, last)
        assert result.ok, [m.error for m in result.models if m.error]
        for model in Catalog.load().ordered():
            if model.table == "precompute.dependency_holes":  # a complete league has no holes
                assert wh.count(model.table) == 0
                continue
            assert wh.count(model.table) > 0, model.table
        ready = wh.con.execute(
            "SELECT count(*) FROM predictions.ml_feature_store_v2 WHERE is_training_ready"
        ).fetchone()[0]
        assert ready > 1000
        # a second run finds nothing to do
        again = backfill(wh, first, last)
        assert again.ok and sum(m.rows for m in again.models) == 0
        assert isinstance(first, date)
