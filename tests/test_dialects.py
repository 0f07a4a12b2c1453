"""Dialect translation: golden SQL for every model in BigQuery and Spark, and the rewrites."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from nbaprops.catalog import Catalog
from nbaprops.dialects import DIALECTS, split_header, translate
from nbaprops.errors import ModelError
from nbaprops.schema import WarehouseSchema, warehouse_schema

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
# the interpreter running these tests is one nbaprops is installed in, whatever its path
REGENERATE = f"run `{sys.executable} scripts/update_golden_sql.py`, review the diff and commit it"

_spec = importlib.util.spec_from_file_location("update_golden_sql", ROOT / "scripts" / "update_golden_sql.py")
update_golden_sql = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(update_golden_sql)
TARGETS = update_golden_sql.TARGETS

CATALOG = Catalog.load()
MODELS = [m.table for m in CATALOG.ordered()]
CASES = [(d, t) for d in TARGETS for t in MODELS]


# -- golden files ------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect,table", CASES, ids=[f"{d}-{t}" for d, t in CASES])
def test_golden_sql_is_current(dialect, table):
    model = CATALOG.get(table)
    path = GOLDEN / dialect / f"{table}.sql"
    try:
        got = translate(model.sql, dialect, model.table)
    except ModelError as exc:
        pytest.fail(f"{table} does not translate to {dialect}: {exc}")
    assert path.exists(), f"no golden SQL {path.relative_to(ROOT)}: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == got, (
        f"{path.relative_to(ROOT)} differs from the translation of {model.path}: {REGENERATE}"
    )


@pytest.mark.parametrize("dialect", TARGETS)
def test_no_stale_golden_files(dialect):
    stale = sorted(p.name for p in (GOLDEN / dialect).glob("*.sql") if p.stem not in MODELS)
    assert not stale, f"golden files without a model: {stale}: {REGENERATE}"


def _golden_files():
    return sorted(p for d in TARGETS for p in (GOLDEN / d).glob("*.sql"))


@pytest.mark.parametrize("path", _golden_files(), ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_golden_sql_parses_in_its_dialect(path):
    dialect = path.parent.name
    text = path.read_text(encoding="utf-8")
    header, body = split_header(text)
    assert any(line.startswith(f"-- dialect: {dialect}") for line in header)
    assert any(line.startswith("-- table:") for line in header)
    tree = sqlglot.parse_one(body, read=dialect)
    # plausible for the engine: parameters in its style, no DuckDB-only constructs
    for join in tree.find_all(exp.Join):
        assert "ASOF" not in (join.args.get("method") or "").upper()
    assert "$" not in body, "DuckDB parameter left in the translation"
    if dialect == "bigquery":
        assert not tree.find(exp.Placeholder), "BigQuery takes @name parameters"
        for p in tree.find_all(exp.Parameter):
            assert p.name in ("start_date", "end_date", "read_start")
        for sel in tree.find_all(exp.Select):
            if sel.args.get("qualify"):
                assert any(sel.args.get(k) for k in ("where", "group", "having")), (
                    "BigQuery needs WHERE, GROUP BY or HAVING with QUALIFY"
                )
        for win in tree.find_all(exp.Window):
            spec = win.args.get("spec")
            if spec is not None and spec.text("kind").upper() == "RANGE":
                assert not win.find(exp.Interval), "BigQuery RANGE frames take numeric offsets"
        assert "EXCLUDE" not in body.upper().split("--")[0]
    if dialect == "spark":
        assert not tree.find(exp.Parameter), "Spark takes :name parameters"
        assert not tree.find(exp.Qualify)
        for star in tree.find_all(exp.Star):
            assert not (star.args.get("except_") or star.args.get("replace")), "Spark has no SELECT * EXCEPT"


def test_regeneration_script_matches():
    files, errors = update_golden_sql.expected(CATALOG)
    assert not errors, errors
    assert {p.relative_to(GOLDEN).as_posix() for p in files} == {f"{d}/{t}.sql" for d, t in CASES}


# -- the rewrites -----------------------------------------------------------------------------
HEAD = """-- table: analytics.example
-- kind: by_date
-- grain: player_lookup, game_date
-- time_column: game_date
-- depends_on: raw.player_boxscores
-- lookback_days: 30
"""


def body(dialect: str, sql: str, schema: WarehouseSchema | None = None) -> str:
    return split_header(translate(HEAD + sql, dialect, "analytics.example", schema))[1]


# A scratch table whose column names say nothing of their types (or lie about them).
SCRATCH = WarehouseSchema(
    {
        "scratch.t": {
            "x": "DATE",
            "y": "DATE",
            "n": "INTEGER",
            "game_date": "VARCHAR",
            "team_id": "BIGINT",
            "k": "VARCHAR",
            "lat": "DOUBLE",
            "here_lat": "DOUBLE",
            "from_lat": "DOUBLE",
        }
    },
    {"scratch.t": frozenset({"x", "k"})},
)


def norm(sql: str) -> str:
    """Whitespace-insensitive form of sqlglot's pretty output."""
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", " ".join(sql.split())))


def test_duckdb_is_unchanged():
    sql = HEAD + "SELECT * FROM raw.player_boxscores WHERE game_date BETWEEN $start_date AND $end_date\n"
    assert translate(sql, "duckdb") == sql


def test_header_is_kept_and_says_the_dialect():
    out = translate(HEAD + "SELECT 1 AS x", "bigquery")
    assert out.startswith(HEAD)
    assert "-- dialect: bigquery" in out


def test_unknown_dialect():
    with pytest.raises(ValueError):
        translate("SELECT 1", "oracle")
    assert set(DIALECTS) == {"duckdb", "bigquery", "spark"}


def test_parameters():
    sql = "SELECT * FROM raw.player_boxscores WHERE game_date BETWEEN $read_start AND $end_date"
    assert "BETWEEN @read_start AND @end_date" in norm(body("bigquery", sql))
    assert "BETWEEN :read_start AND :end_date" in norm(body("spark", sql))


def test_asof_join_is_rejected_naming_model_and_construct():
    sql = "SELECT * FROM a ASOF LEFT JOIN b ON a.k = b.k AND a.game_date >= b.game_date"
    for d in TARGETS:
        with pytest.raises(ModelError, match=r"analytics\.example.*ASOF JOIN"):
            body(d, sql)


def test_unknown_function_is_rejected():
    with pytest.raises(ModelError, match=r"analytics\.example.*strip_accents"):
        body("spark", "SELECT strip_accents(player_name) AS n FROM raw.players")


def test_group_by_all():
    sql = "SELECT player_lookup, season_year, count(*) AS n FROM raw.player_boxscores GROUP BY ALL"
    for d in TARGETS:
        assert "GROUP BY player_lookup, season_year" in norm(body(d, sql))


def test_qualify():
    sql = (
        "SELECT player_lookup, game_date FROM raw.player_boxscores "
        "QUALIFY row_number() OVER (PARTITION BY player_lookup ORDER BY game_date DESC) = 1"
    )
    bq = norm(body("bigquery", sql))
    assert "WHERE TRUE QUALIFY" in bq
    spark = norm(body("spark", sql))
    assert "QUALIFY" not in spark and "WHERE _w = 1" in spark


def test_exclude():
    sql = "WITH c AS (SELECT a, b, c FROM t) SELECT * EXCLUDE (b) FROM c"
    assert "* EXCEPT (b)" in norm(body("bigquery", sql))
    assert norm(body("spark", sql)).endswith("SELECT a, c FROM c")
    with pytest.raises(ModelError, match="SELECT \\* over t"):
        body("spark", "SELECT * EXCLUDE (b) FROM t")


def test_date_arithmetic():
    sql = (
        "WITH g AS (SELECT game_date, lag(game_date) OVER (PARTITION BY player_lookup ORDER BY game_date) AS prev_date "
        "FROM raw.player_boxscores) "
        "SELECT game_date - prev_date AS days_rest, game_date + 1 AS next_day, "
        "$start_date - 14 AS s FROM g"
    )
    bq = norm(body("bigquery", sql))
    assert "DATE_DIFF(game_date, prev_date, DAY) AS days_rest" in bq
    assert "DATE_ADD(game_date, INTERVAL 1 DAY) AS next_day" in bq
    assert "DATE_SUB(@start_date, INTERVAL 14 DAY) AS s" in bq
    spark = norm(body("spark", sql))
    assert "DATEDIFF(game_date, prev_date) AS days_rest" in spark
    assert "DATE_ADD(game_date, 1) AS next_day" in spark


def test_datediff_and_day_of_week():
    sql = "SELECT datediff('day', a_date, b_date) AS n, dayofweek(game_date) AS dow FROM t"
    assert "DATE_DIFF(b_date, a_date, DAY)" in norm(body("bigquery", sql))
    assert "EXTRACT(DAYOFWEEK FROM game_date) - 1" in norm(body("bigquery", sql))
    assert "DATEDIFF(b_date, a_date)" in norm(body("spark", sql))
    assert "DAYOFWEEK(game_date) - 1" in norm(body("spark", sql))


def test_range_frame_over_dates():
    sql = (
        "SELECT count(*) OVER (PARTITION BY team_abbr ORDER BY game_date "
        "RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING) AS g7 FROM raw.team_boxscores"
    )
    for d in TARGETS:
        out = norm(body(d, sql))
        assert "ORDER BY UNIX_DATE(game_date)" in out and "RANGE BETWEEN 7 PRECEDING AND 1 PRECEDING" in out


def test_bigquery_null_ordering_in_windows():
    sql = "SELECT avg(pts) OVER (PARTITION BY p ORDER BY usage ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS a FROM t"
    assert "ORDER BY usage IS NULL ASC, usage ROWS" in norm(body("bigquery", sql))
    assert "ORDER BY usage NULLS LAST ROWS" in norm(body("spark", sql))


def test_md5_concat_ws():
    sql = "SELECT md5(concat_ws('|', game_id, player_lookup, 3)) AS h FROM t"
    bq = norm(body("bigquery", sql))
    assert (
        "TO_HEX(MD5(ARRAY_TO_STRING([CAST(game_id AS STRING), CAST(player_lookup AS STRING), CAST(3 AS STRING)], '|')))"
        in bq
    )
    assert "MD5(CONCAT_WS('|'" in norm(body("spark", sql))


def test_filter_arg_max_make_date():
    sql = (
        "SELECT count(*) FILTER (WHERE pts > 10) AS n, arg_max(line, ts) AS l, "
        "make_date(season_year, 10, 1) AS d FROM t"
    )
    bq = norm(body("bigquery", sql))
    # (BigQuery's MAX_BY is NULL when the latest row's value is NULL, where arg_max skips that row)
    assert "COUNTIF(pts > 10)" in bq and "ANY_VALUE(line HAVING MAX IF(line IS NULL, NULL, ts))" in bq
    assert "MAX_BY" not in bq and "DATE(season_year, 10, 1)" in bq
    spark = norm(body("spark", sql))
    assert (
        "FILTER(WHERE pts > 10)" in spark and "MAX_BY(line, ts)" in spark and "MAKE_DATE(season_year, 10, 1)" in spark
    )


def test_union_by_name():
    sql = "WITH p AS (SELECT a, b, c FROM t) SELECT * FROM p UNION ALL BY NAME SELECT 1 AS c, 2 AS a"
    for d in TARGETS:
        assert "SELECT a, b, c FROM p UNION ALL SELECT 2 AS a, NULL AS b, 1 AS c" in norm(body(d, sql))


def test_median():
    with pytest.raises(ModelError, match="median"):
        body("bigquery", "SELECT median(pts) AS m FROM t")
    assert "MEDIAN(pts)" in body("spark", "SELECT median(pts) AS m FROM t")


def test_generate_series_date_spine():
    sql = "SELECT g.d FROM generate_series($start_date::DATE, $end_date::DATE, INTERVAL 1 DAY) AS g(d)"
    assert "GENERATE_DATE_ARRAY(CAST(@start_date AS DATE), CAST(@end_date AS DATE), INTERVAL 1 DAY)" in norm(
        body("bigquery", sql)
    )
    assert "EXPLODE(SEQUENCE(CAST(:start_date AS DATE)" in norm(body("spark", sql))


# -- the CLI ------------------------------------------------------------------------------------
def _cli(*args):
    return subprocess.run([sys.executable, "-m", "nbaprops.cli", *args], capture_output=True, text=True)


@pytest.mark.skipif(not MODELS, reason="no models")
def test_cli_sql_prints_translation():
    table = MODELS[0]
    r = _cli("sql", table, "--dialect", "bigquery")
    assert r.returncode == 0, r.stderr
    assert r.stdout == (GOLDEN / "bigquery" / f"{table}.sql").read_text(encoding="utf-8")
    r = _cli("sql", table.split(".")[1])
    assert r.returncode == 0 and r.stdout.startswith("-- table:")


def test_cli_sql_bad_input():
    assert _cli("sql", "no_such_model", "--dialect", "spark").returncode == 2
    if MODELS:
        r = _cli("sql", MODELS[0], "--dialect", "oracle")
        assert r.returncode == 2 and "--dialect" in r.stderr


def test_bigquery_greatest_least_ignore_nulls_like_duckdb():
    out = norm(body("bigquery", "SELECT greatest(-2, least(2, days_rest)) AS r FROM t"))
    # (the inner LEAST, its NULL argument coalesced, is never NULL: the outer one needs nothing)
    assert "GREATEST(-2, LEAST(2, COALESCE(days_rest, 2)))" in out
    assert "GREATEST(-2, LEAST(2, days_rest))" in norm(
        body("spark", "SELECT greatest(-2, least(2, days_rest)) AS r FROM t")
    )


def test_bigquery_regr_slope_and_radians():
    out = norm(body("bigquery", "SELECT regr_slope(y, x) FILTER (WHERE rn <= 10) AS s, radians(lat) AS r FROM t"))
    assert "COVAR_POP(CASE WHEN rn <= 10 THEN y END, x) / NULLIF(VAR_POP(" in out
    assert "lat * ACOS(-1) / 180" in out


def test_string_concat_casts_operands():
    out = norm(body("bigquery", "SELECT 'player has ' || games || ' games before ' || game_date AS m FROM t"))
    assert "'player has ' || CAST(games AS STRING) || ' games before ' || CAST(game_date AS STRING)" in out
    assert "(here_lat - from_lat) * ACOS(-1) / 180" in norm(
        body("bigquery", "SELECT radians(here_lat - from_lat) AS r FROM scratch.t", SCRATCH)
    )


# -- types, not names ---------------------------------------------------------------------------
def test_a_date_column_is_translated_by_its_type_whatever_its_name():
    sql = "SELECT x - y AS gap, x + n AS later, x - INTERVAL 3 DAY AS before FROM scratch.t"
    bq = norm(body("bigquery", sql, SCRATCH))
    assert "DATE_DIFF(x, y, DAY) AS gap" in bq
    assert "DATE_ADD(x, INTERVAL n DAY) AS later" in bq
    assert "DATE_SUB(x, INTERVAL 3 DAY) AS before" in bq
    spark = norm(body("spark", sql, SCRATCH))
    assert "DATEDIFF(x, y) AS gap" in spark and "DATE_ADD(x, n) AS later" in spark
    # through a CTE's alias and a window function
    sql = "WITH c AS (SELECT x AS a, lag(x) OVER (ORDER BY x) AS b FROM scratch.t) SELECT a - b AS gap FROM c"
    assert "DATE_DIFF(a, b, DAY) AS gap" in norm(body("bigquery", sql, SCRATCH))
    # a RANGE frame over a DATE named x
    sql = "SELECT count(*) OVER (ORDER BY x RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND CURRENT ROW) AS c FROM scratch.t"
    assert "ORDER BY UNIX_DATE(x) RANGE BETWEEN 7 PRECEDING AND CURRENT ROW" in norm(body("bigquery", sql, SCRATCH))


def test_a_name_that_looks_like_a_date_is_not_a_date():
    # game_date is a string here, team_id a number: plain arithmetic, plain concatenation
    sql = "SELECT game_date || 'x' AS s, team_id - 1 AS p, n - 1 AS m FROM scratch.t"
    for d in TARGETS:
        out = norm(body(d, sql, SCRATCH))
        assert "team_id - 1 AS p" in out and "n - 1 AS m" in out
        assert "DATE_" not in out.upper().replace("DATE_DIFF", "")
    with pytest.raises(ModelError, match=r"range frame|RANGE frame"):
        body(
            "bigquery",
            "SELECT count(*) OVER (ORDER BY game_date RANGE BETWEEN INTERVAL 7 DAY PRECEDING "
            "AND CURRENT ROW) AS c FROM scratch.t",
            SCRATCH,
        )


def test_a_column_of_unknown_type_in_date_arithmetic_is_refused():
    with pytest.raises(ModelError, match=r"analytics\.example.*game_date - prev_date.*unknown type"):
        body("bigquery", "SELECT game_date - prev_date AS d FROM no_such.table_")


def test_null_ordering_follows_the_columns_nullability():
    # x is NOT NULL in the schema: no extra sort key; y may be NULL: NULLs sorted last as in DuckDB
    sql = (
        "SELECT sum(n) OVER (ORDER BY x ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS a, "
        "sum(n) OVER (ORDER BY y ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS b FROM scratch.t"
    )
    bq = norm(body("bigquery", sql, SCRATCH))
    assert "ORDER BY x ROWS" in bq and "ORDER BY y IS NULL ASC, y ROWS" in bq
    # the outer side of a LEFT JOIN may be NULL even when its column is NOT NULL
    sql = (
        "SELECT sum(a.n) OVER (ORDER BY b.x ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS s "
        "FROM scratch.t a LEFT JOIN scratch.t b ON a.k = b.k"
    )
    assert "ORDER BY b.x IS NULL ASC, b.x ROWS" in norm(body("bigquery", sql, SCRATCH))


def test_greatest_least_coalesce_only_what_may_be_null():
    sql = "SELECT greatest(x, y) AS g, least(n, 3) AS l, greatest(n, coalesce(n, 0)) AS h FROM scratch.t"
    bq = norm(body("bigquery", sql, SCRATCH))
    assert "GREATEST(x, COALESCE(y, x)) AS g" in bq
    assert "LEAST(COALESCE(n, 3), 3) AS l" in bq
    assert "GREATEST(COALESCE(n, COALESCE(n, 0)), COALESCE(n, 0)) AS h" in bq


def test_warehouse_schema_has_sources_and_models():
    schema = warehouse_schema(CATALOG)
    assert schema.column_type("raw.schedule", "game_date") == "DATE"
    assert "game_date" in schema.not_null["raw.schedule"] and "home_wl" not in schema.not_null["raw.schedule"]
    for m in CATALOG.ordered():
        assert m.table in schema.tables, m.table
        assert not (m.writes_failures and "failure_category" in schema.tables[m.table])
    assert schema.column_type("analytics.game_calendar", "opening_night") == "DATE"
    assert "days_since_opening" in schema.not_null["analytics.game_calendar"]
