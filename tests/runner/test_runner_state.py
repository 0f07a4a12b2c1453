"""Source-hash skip, exact recomputation after a change, chunking, failures and retries,
run history, the daily run, dry runs and status — with toy models over the real raw tables."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date

import pytest
from toys import state_rows, table_rows

from nbaprops.catalog import Catalog
from nbaprops.errors import BadInputError
from nbaprops.runner.backfill import backfill
from nbaprops.runner.status import model_status
from nbaprops.warehouse import Warehouse

START, END = date(2021, 10, 19), date(2025, 6, 30)
TOUCH_DATE = date(2023, 1, 10)


def touch_one_row(con, day: date = TOUCH_DATE) -> None:
    """Change one player's points on `day` (and its row_hash, as an ingest would)."""
    con.execute(
        "UPDATE raw.player_boxscores SET points = points + 3, row_hash = md5(row_hash || 'x') "
        "WHERE (game_id, player_lookup) = (SELECT (game_id, player_lookup) FROM raw.player_boxscores "
        "WHERE game_date = ? AND points IS NOT NULL ORDER BY game_id, player_lookup LIMIT 1)",
        [day],
    )


def by_model(result):
    return {m.model: m for m in result.models}


def test_second_run_skips_everything(real_copy, toy_models):
    cat = Catalog.load(toy_models)
    with Warehouse.open(real_copy) as wh:
        first = by_model(backfill(wh, START, END, catalog=cat))
        assert first["toy_daily_points"].status == "success"
        n_dates = first["toy_daily_points"].dates_computed
        assert n_dates > 800 and first["toy_rolling"].dates_computed == n_dates
        before = table_rows(wh.con, "precompute.toy_rolling"), state_rows(wh.con)
        again = backfill(wh, START, END, catalog=cat)
        for m in again.models:
            assert (m.status, m.dates_computed, m.dates_skipped, m.chunks) == ("skipped", 0, n_dates, 0)
            assert m.skip_reason == f"inputs unchanged for all {n_dates} dates"
        assert (table_rows(wh.con, "precompute.toy_rolling"), state_rows(wh.con)) == before
        hist = wh.con.execute(
            "SELECT status, dates_skipped FROM reference.processor_run_history WHERE run_id = ?", [again.run_id]
        ).fetchall()
        assert hist == [("skipped", n_dates)] * 2


def test_one_changed_row_recomputes_exactly_the_affected_dates(real_copy, toy_models, tmp_path):
    cat = Catalog.load(toy_models)
    clean = tmp_path / "clean.duckdb"
    shutil.copy(real_copy, clean)
    with Warehouse.open(real_copy) as wh:
        backfill(wh, START, END, catalog=cat)
        touch_one_row(wh.con)
        res = backfill(wh, START, END, catalog=cat)
        plans = {p.model.name: p for p in res.plans}
        assert sorted(plans["toy_daily_points"].pending) == [TOUCH_DATE]
        assert set(plans["toy_daily_points"].pending.values()) == {"inputs changed"}
        # downstream with a 7-day lookback: exactly the game dates D with D - 7 <= TOUCH_DATE <= D
        games = [
            r[0]
            for r in wh.con.execute(
                "SELECT DISTINCT game_date FROM raw.schedule WHERE season_type <> 'Pre Season' "
                "AND game_date BETWEEN ? AND ? + 7 ORDER BY 1",
                [TOUCH_DATE, TOUCH_DATE],
            ).fetchall()
        ]
        assert sorted(plans["toy_rolling"].pending) == games
        assert len(plans["toy_rolling"].chunks) == 1
        m = by_model(res)
        assert m["toy_rolling"].dates_computed == len(games) and m["toy_daily_points"].dates_computed == 1
        incremental = table_rows(wh.con, "precompute.toy_rolling"), table_rows(wh.con, "analytics.toy_daily_points")
        inc_state = state_rows(wh.con)
    # the same change applied before one clean run gives identical tables and state
    with Warehouse.open(clean) as wh:
        touch_one_row(wh.con)
        backfill(wh, START, END, catalog=cat)
        assert (
            table_rows(wh.con, "precompute.toy_rolling"),
            table_rows(wh.con, "analytics.toy_daily_points"),
        ) == incremental
        assert state_rows(wh.con) == inc_state


def test_unchanged_upstream_output_stops_the_cascade(real_copy, toy_models):
    """A raw change that leaves the upstream rows identical does not recompute downstream."""
    cat = Catalog.load(toy_models)
    with Warehouse.open(real_copy) as wh:
        backfill(wh, START, END, catalog=cat)
        # new row_hash, same content the toy model reads
        wh.con.execute(
            "UPDATE raw.player_boxscores SET row_hash = md5(row_hash || 'y') WHERE game_id = "
            "(SELECT min(game_id) FROM raw.player_boxscores WHERE game_date = ?)",
            [TOUCH_DATE],
        )
        m = by_model(backfill(wh, START, END, catalog=cat))
        assert m["toy_daily_points"].dates_computed == 1
        assert m["toy_rolling"].status == "skipped"


@pytest.mark.parametrize("mode", ["date", "month", "season"])
def test_chunking_does_not_change_results(real_copy, toy_models, tmp_path, mode):
    cat = Catalog.load(toy_models)
    other = tmp_path / "other.duckdb"
    shutil.copy(real_copy, other)
    s, e = date(2022, 12, 1), date(2023, 2, 28)
    with Warehouse.open(real_copy) as wh:
        res = backfill(wh, s, e, catalog=cat, chunk_mode="all")
        assert [m.chunks for m in res.models] == [1, 1]
        ref = table_rows(wh.con, "precompute.toy_rolling"), state_rows(wh.con)
    with Warehouse.open(other) as wh:
        res = backfill(wh, s, e, catalog=cat, chunk_mode=mode)
        expected_chunks = {"date": len(res.plans[0].pending), "month": 3, "season": 1}[mode]
        assert res.models[0].chunks == expected_chunks
        assert (table_rows(wh.con, "precompute.toy_rolling"), state_rows(wh.con)) == ref


def test_pending_dates_are_grouped_into_contiguous_chunks(real_copy, toy_models):
    cat = Catalog.load(toy_models)
    with Warehouse.open(real_copy) as wh:
        backfill(wh, date(2022, 1, 10), date(2022, 1, 20), catalog=cat)
        res = backfill(wh, date(2022, 1, 1), date(2022, 1, 31), catalog=cat)
        chunks = res.plans[0].chunks
        assert len(chunks) == 2
        assert chunks[0].end < date(2022, 1, 10) and chunks[1].start > date(2022, 1, 20)


def test_failed_chunk_is_rolled_back_recorded_and_retried(real_copy, fragile_models):
    cat = Catalog.load(fragile_models)
    s, e = date(2023, 3, 1), date(2023, 3, 15)
    bad = date(2023, 3, 8)
    with Warehouse.open(real_copy) as wh:
        wh.con.execute("CREATE TABLE main.toy_poison (game_date DATE, val VARCHAR)")
        wh.con.execute("INSERT INTO main.toy_poison VALUES (?, 'boom')", [bad])
        res = backfill(wh, s, e, catalog=cat, chunk_mode="date")
        assert not res.ok
        m = by_model(res)
        assert m["toy_fragile"].status == "failed" and m["toy_fragile"].dates_failed == 1
        assert "boom" in m["toy_fragile"].error and "2023-03-08" in m["toy_fragile"].error
        assert (
            m["toy_fragile_child"].status == "failed" and "upstream toy_fragile failed" in m["toy_fragile_child"].error
        )
        done = {
            r[0]
            for r in wh.con.execute(
                "SELECT target_date FROM processing.model_state WHERE model = 'toy_fragile'"
            ).fetchall()
        }
        assert bad not in done and len(done) == m["toy_fragile"].dates_computed > 5
        assert (
            wh.con.execute("SELECT count(*) FROM analytics.toy_fragile WHERE game_date = ?", [bad]).fetchone()[0] == 0
        )
        hist = dict(
            wh.con.execute(
                "SELECT model, status FROM reference.processor_run_history WHERE run_id = ?", [res.run_id]
            ).fetchall()
        )
        assert hist == {"toy_fragile": "failed", "toy_fragile_child": "failed"}
        # a later success elsewhere does not hide the failed date (the original's resume bug)
        again = by_model(backfill(wh, s, e, catalog=cat, chunk_mode="date"))
        assert again["toy_fragile"].status == "failed" and again["toy_fragile"].dates_computed == 0
        # fixed: exactly the failed date is computed, then the downstream model runs
        wh.con.execute("UPDATE main.toy_poison SET val = '7'")
        fixed = backfill(wh, s, e, catalog=cat, chunk_mode="date")
        assert fixed.ok
        f = by_model(fixed)
        assert next(sorted(p.pending) for p in fixed.plans) == [bad]
        assert f["toy_fragile"].dates_computed == 1 and f["toy_fragile_child"].dates_computed == len(done) + 1
        assert wh.con.execute("SELECT poison FROM analytics.toy_fragile WHERE game_date = ?", [bad]).fetchone()[0] == 7


def test_all_chunk_failure_leaves_tables_untouched(real_copy, fragile_models):
    cat = Catalog.load(fragile_models)
    with Warehouse.open(real_copy) as wh:
        wh.con.execute("CREATE TABLE main.toy_poison (game_date DATE, val VARCHAR)")
        backfill(wh, date(2023, 3, 1), date(2023, 3, 15), catalog=cat)
        before = table_rows(wh.con, "analytics.toy_fragile"), state_rows(wh.con)
        wh.con.execute("INSERT INTO main.toy_poison VALUES ('2023-03-20', 'boom')")
        res = backfill(wh, date(2023, 3, 1), date(2023, 3, 31), catalog=cat)
        assert not res.ok
        assert (table_rows(wh.con, "analytics.toy_fragile"), state_rows(wh.con)) == before


def test_force_and_no_resume(real_copy, toy_models):
    cat = Catalog.load(toy_models)
    s, e = date(2022, 2, 1), date(2022, 2, 28)
    with Warehouse.open(real_copy) as wh:
        first = backfill(wh, s, e, catalog=cat)
        n = first.models[0].dates_computed
        ref = table_rows(wh.con, "precompute.toy_rolling"), state_rows(wh.con)
        forced = by_model(backfill(wh, s, e, catalog=cat, force=True, only=["toy_rolling"]))
        assert list(forced) == ["toy_rolling"] and forced["toy_rolling"].dates_computed == n
        assert forced["toy_rolling"].reasons == {"forced": n}
        nr = backfill(wh, s, e, catalog=cat, no_resume=True)
        assert [m.dates_computed for m in nr.models] == [n, n]
        assert (table_rows(wh.con, "precompute.toy_rolling"), state_rows(wh.con)) == ref
        sf = backfill(wh, s, e, catalog=cat, start_from="toy_rolling", force=True)
        assert [m.model for m in sf.models] == ["toy_rolling"]
        with pytest.raises(BadInputError):
            backfill(wh, e, s, catalog=cat)


def test_daily_run_computes_the_date_and_stale_earlier_dates(real_copy, toy_models):
    cat = Catalog.load(toy_models)
    with Warehouse.open(real_copy) as wh:
        backfill(wh, date(2023, 1, 1), date(2023, 1, 15), catalog=cat)
        d = date(2023, 1, 16)
        res = by_model(backfill(wh, d, d, catalog=cat, daily=True))
        assert res["toy_daily_points"].dates_computed == 1 and res["toy_rolling"].dates_computed == 1
        # a corrected box score for an earlier date reaches that date and every window holding it
        touch_one_row(wh.con, date(2023, 1, 12))
        d2 = date(2023, 1, 17)
        res = backfill(wh, d2, d2, catalog=cat, daily=True)
        plans = {p.model.name: p for p in res.plans}
        assert sorted(plans["toy_daily_points"].pending) == [date(2023, 1, 12), d2]
        assert min(plans["toy_rolling"].pending) == date(2023, 1, 12) and max(plans["toy_rolling"].pending) == d2
        assert all(x >= date(2023, 1, 12) for x in plans["toy_rolling"].pending)
        # dates never computed are not filled in by the daily run
        done = {r[0] for r in wh.con.execute("SELECT target_date FROM processing.model_state").fetchall()}
        assert min(done) == date(2023, 1, 1) or min(done) > date(2022, 12, 31)


def test_dry_run_writes_nothing(real_copy, toy_models):
    cat = Catalog.load(toy_models)
    with Warehouse.open(real_copy) as wh:
        backfill(wh, date(2022, 1, 1), date(2022, 1, 31), catalog=cat)
        touch_one_row(wh.con, date(2022, 1, 12))
    digest = hashlib.md5(real_copy.read_bytes()).hexdigest()
    with Warehouse.open(real_copy, read_only=True) as wh:
        res = backfill(wh, date(2021, 12, 1), date(2022, 2, 28), catalog=cat, dry_run=True)
    assert hashlib.md5(real_copy.read_bytes()).hexdigest() == digest
    plans = {p.model.name: p for p in res.plans}
    r = plans["toy_daily_points"].reasons()
    assert r["inputs changed"] == 1 and r["new"] > 30
    # downstream: the touched date's windows are "upstream pending", the new dates new
    assert any(v.startswith("upstream pending") for v in plans["toy_rolling"].pending.values())
    assert all(m.status == "planned" for m in res.models)
    with Warehouse.open(real_copy, read_only=True) as wh:
        assert wh.con.execute("SELECT count(*) FROM reference.processor_run_history").fetchone()[0] == 2


def test_status_reports_coverage_gaps_and_staleness(real_copy, toy_models):
    cat = Catalog.load(toy_models)
    with Warehouse.open(real_copy) as wh:
        backfill(wh, date(2022, 1, 1), date(2022, 1, 10), catalog=cat)
        backfill(wh, date(2022, 1, 20), date(2022, 1, 31), catalog=cat)
        touch_one_row(wh.con, date(2022, 1, 5))
        st = {s.model: s for s in model_status(wh, cat)}
    dp = st["toy_daily_points"]
    assert len(dp.covered) == 2 and dp.covered[0][0] >= date(2022, 1, 1) and dp.covered[1][1] <= date(2022, 1, 31)
    assert len(dp.gaps) == 1 and date(2022, 1, 11) <= dp.gaps[0][0] and dp.gaps[0][1] <= date(2022, 1, 19)
    assert dp.stale == 1 and st["toy_rolling"].stale == 0  # downstream goes stale once upstream is redone
    assert dp.missing_before > 0 and dp.missing_after > 0


def test_only_a_model_whose_upstream_was_never_built_fails_with_a_clear_reason(real_copy, toy_models):
    """--only toy_rolling on a warehouse where toy_daily_points was never built: the model is not
    run and says which model to run first (not a catalog error from inside a chunk); once the
    upstream is built, the same call runs."""
    cat = Catalog.load(toy_models)
    d = date(2023, 12, 1)
    with Warehouse.open(real_copy) as wh:
        res = backfill(wh, d, d, catalog=cat, only=["toy_rolling"])
        [m] = res.models
        assert not res.ok and m.status == "failed"
        assert m.error == (
            "not run: analytics.toy_daily_points not built yet: run toy_daily_points first, or add it to --only"
        )
        assert wh.con.execute(
            "SELECT status, error FROM reference.processor_run_history WHERE run_id = ?", [res.run_id]
        ).fetchall() == [("failed", m.error)]
        assert backfill(wh, d, d, catalog=cat, only=["toy_daily_points"]).ok
        assert backfill(wh, d, d, catalog=cat, only=["toy_rolling"]).ok
