"""Validation checks over a built warehouse: `nbaprops validate`.

Every check returns a CheckResult (status pass / warn / fail, a count, a sample of offending
keys and, for some, a small detail table); `validate()` runs them all over a date range and
returns a ValidationReport. Nothing here prints or exits: the CLI renders the report and exits 1
when any check failed. Warnings (e.g. the failure ramp far from the expected one) never fail.

Checks
- primary_key:<table>      no duplicate (or NULL) grain keys in any model table (grain from the
                           model header)
- universe:<table>         every entity of a Phase 4 universe has a row or a failure row for each
                           computed date, never both (a DATE_LEVEL failure covers the whole date).
                           Universes, as the model headers define them: TDZA = the season's teams
                           in the schedule; PSZA = players with a played game this season before
                           D; PDC / PCF (and any other player-keyed Phase 4 model) = the UPGC
                           players of D
- processing_errors        PROCESSING_ERROR failures = 0
- critical:*               TDGS opp_paint_attempts > 0 for games with shots; no NULL
                           *_defense_vs_league_avg in TDZA rows that have zone data
- feature_ranges           registry features: non-NULL values inside [lo, hi]; required (non-
                           optional) features never NULL; every registry feature has a column
- quality_scores           feature_quality_score inside 0..100; tiers per season (reported)
- coverage:<table>         each model's computed dates vs the schedule's non-preseason game dates
- failure_ramp             Phase 4 failure rate by week of season vs the expected ramp (weeks
                           1-2 90-100 %, 3 60-75 %, 4 40-50 %, later 25-30 %): warn only
- point_in_time            a sample of dates re-run on a copy of the warehouse holding only the
                           world as of the morning of D; rows keyed on D (label_* aside) must not
                           change
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..catalog import Catalog, Model
from ..runner.plan import game_dates
from ..features import FEATURES
from ..warehouse import Warehouse, quote_ident, quote_table

PASS, WARN, FAIL = "pass", "warn", "fail"
SAMPLE = 5
FEATURE_TABLE = "predictions.ml_feature_store_v2"
FAILURES = "processing.precompute_failures"
BOOTSTRAP_DAYS = 14
# Expected Phase 4 failure rate by week of season (seed 004), in percent: (weeks, lo, hi).
EXPECTED_RAMP = ((1, 90.0, 100.0), (2, 90.0, 100.0), (3, 60.0, 75.0), (4, 40.0, 50.0))
EXPECTED_LATER = (25.0, 30.0)
RAMP_TOLERANCE = 20.0       # percentage points outside the band before a week is 'far off'


def expected_band(week: int) -> tuple[float, float]:
    for w, lo, hi in EXPECTED_RAMP:
        if week == w:
            return lo, hi
    return EXPECTED_LATER


@dataclass
class CheckResult:
    check: str
    status: str                      # pass / warn / fail
    count: int = 0                   # offending keys (or the measured quantity for reports)
    detail: str = ""
    sample: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)     # optional detail table
    rows: list[tuple] = field(default_factory=list)

    @property
    def sample_text(self) -> str:
        return "; ".join(self.sample)


@dataclass
class ValidationReport:
    warehouse: str
    start: date | None
    end: date | None
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(r.status == FAIL for r in self.results)

    def counts(self) -> dict[str, int]:
        out = {PASS: 0, WARN: 0, FAIL: 0}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def get(self, check: str) -> CheckResult | None:
        return next((r for r in self.results if r.check == check), None)


# --------------------------------------------------------------------------------------------
def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _key(row) -> str:
    return "/".join(_fmt(v) for v in row)


def _cols(wh: Warehouse, table: str) -> list[str]:
    return wh.columns(table) if wh.table_exists(table) else []


def default_range(wh: Warehouse) -> tuple[date | None, date | None]:
    """The span the runner has computed (processing.model_state), else the span of the model
    tables; (None, None) when nothing is built."""
    lo = hi = None
    if wh.table_exists("processing.model_state"):
        lo, hi = wh.con.execute("SELECT min(target_date), max(target_date) FROM processing.model_state").fetchall()[0]
    if lo is None:
        spans = []
        for m in Catalog.load().ordered():
            if wh.table_exists(m.table):
                tc = quote_ident(m.time_column)
                spans.append(wh.con.execute(f"SELECT min({tc}), max({tc}) FROM {quote_table(m.table)}").fetchall()[0])
        spans = [s for s in spans if s[0] is not None]
        if spans:
            lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    return lo, hi


def season_openers_sql() -> str:
    return ("SELECT season_year, min(game_date) AS opening_night FROM raw.schedule "
            "WHERE season_type = 'Regular Season' GROUP BY season_year")


def date_seasons_sql() -> str:
    return ("SELECT game_date AS d, min(season_year) AS season_year FROM raw.schedule "
            "WHERE season_type <> 'Pre Season' GROUP BY game_date")


# -- 1. primary keys ---------------------------------------------------------------------------
def check_primary_key(wh: Warehouse, model: Model, start: date, end: date) -> CheckResult:
    name = f"primary_key:{model.table}"
    if not wh.table_exists(model.table):
        return CheckResult(name, WARN, 0, "table not built yet")
    cols = _cols(wh, model.table)
    missing = [g for g in model.grain if g not in cols]
    if missing:
        return CheckResult(name, FAIL, 0, f"grain column(s) missing: {', '.join(missing)}")
    grain = ", ".join(quote_ident(g) for g in model.grain)
    tc = quote_ident(model.time_column)
    dups = wh.con.execute(
        f"SELECT {grain}, count(*) AS n FROM {quote_table(model.table)} WHERE {tc} BETWEEN ? AND ? "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY n DESC, {grain}", [start, end]).fetchall()
    null_cond = " OR ".join(f"{quote_ident(g)} IS NULL" for g in model.grain)
    nulls = wh.con.execute(
        f"SELECT count(*) FROM {quote_table(model.table)} WHERE ({tc} BETWEEN ? AND ? OR {tc} IS NULL) "
        f"AND ({null_cond})", [start, end]).fetchall()[0][0]
    sample = [f"{_key(r[:-1])} x{r[-1]}" for r in dups[:SAMPLE]]
    if nulls:
        sample.append(f"{nulls} row(s) with a NULL key")
    n = len(dups) + nulls
    return CheckResult(name, FAIL if n else PASS, n,
                       f"grain ({', '.join(model.grain)}): {len(dups)} duplicated key(s), {nulls} NULL key(s)",
                       sample)


# -- 2. Phase 4 universes ----------------------------------------------------------------------
def universe_sql(model: Model, upgc_cols: list[str]) -> tuple[str, str] | None:
    """SQL yielding (d, entity) for the model's universe over [$1, $2], and a description."""
    ds = f"(SELECT * FROM ({date_seasons_sql()}) WHERE d BETWEEN $1 AND $2)"
    if model.entity == "team_abbr":
        return (f"""SELECT ds.d, t.team_abbr AS entity FROM {ds} ds JOIN (
                      SELECT DISTINCT season_year, home_team_abbr AS team_abbr FROM raw.schedule WHERE season_type <> 'Pre Season'
                      UNION SELECT DISTINCT season_year, away_team_abbr FROM raw.schedule WHERE season_type <> 'Pre Season'
                    ) t ON t.season_year = ds.season_year""",
                "the season's teams in raw.schedule")
    if model.entity == "player_lookup" and model.name == "player_shot_zone_analysis":
        return (f"""SELECT ds.d, f.player_lookup AS entity FROM {ds} ds JOIN (
                      SELECT player_lookup, season_year, min(game_date) AS first_game
                      FROM analytics.player_game_summary
                      WHERE season_type <> 'Pre Season'
                        AND (minutes_played > 0 OR fg_attempts > 0 OR points > 0)
                      GROUP BY ALL) f
                    ON f.season_year = ds.season_year AND f.first_game < ds.d""",
                "players with a played game this season before D (analytics.player_game_summary)")
    if model.entity == "player_lookup" and "player_lookup" in upgc_cols:
        return ("""SELECT DISTINCT game_date AS d, player_lookup AS entity
                   FROM analytics.upcoming_player_game_context WHERE game_date BETWEEN $1 AND $2""",
                "the UPGC players of D (analytics.upcoming_player_game_context)")
    return None


def check_universe(wh: Warehouse, model: Model, start: date, end: date) -> CheckResult:
    name = f"universe:{model.table}"
    if not wh.table_exists(model.table):
        return CheckResult(name, WARN, 0, "table not built yet")
    u = universe_sql(model, _cols(wh, "analytics.upcoming_player_game_context"))
    if u is None:
        return CheckResult(name, WARN, 0, f"no universe known for entity {model.entity!r}")
    usql, udesc = u
    tc, ent, t = quote_ident(model.time_column), quote_ident(model.entity), quote_table(model.table)
    sql = f"""
        WITH uni AS ({usql}),
        fails AS (SELECT analysis_date AS d, entity_id AS entity FROM {FAILURES}
                  WHERE processor_name = $3 AND analysis_date BETWEEN $1 AND $2),
        rows_ AS (SELECT DISTINCT {tc} AS d, {ent}::VARCHAR AS entity FROM {t} WHERE {tc} BETWEEN $1 AND $2),
        computed AS (SELECT d FROM rows_ UNION SELECT d FROM fails
                     UNION SELECT target_date FROM processing.model_state
                     WHERE model = $4 AND target_date BETWEEN $1 AND $2),
        date_level AS (SELECT DISTINCT d FROM fails WHERE entity = 'DATE_LEVEL')
        SELECT 'missing' AS kind, uni.d, uni.entity FROM uni
        WHERE uni.d IN (SELECT d FROM computed) AND uni.d NOT IN (SELECT d FROM date_level)
          AND NOT EXISTS (SELECT 1 FROM rows_ r WHERE r.d = uni.d AND r.entity = uni.entity)
          AND NOT EXISTS (SELECT 1 FROM fails f WHERE f.d = uni.d AND f.entity = uni.entity)
        UNION ALL
        SELECT 'row and failure', r.d, r.entity FROM rows_ r JOIN fails f USING (d, entity)
        ORDER BY 1, 2, 3"""
    bad = wh.con.execute(sql, [start, end, model.failures, model.name]).fetchall()
    missing = sum(1 for b in bad if b[0] == "missing")
    both = len(bad) - missing
    total = wh.con.execute(f"SELECT count(*) FROM ({usql}) WHERE d IN (SELECT DISTINCT {tc} FROM {t}) "
                           f"OR d IN (SELECT analysis_date FROM {FAILURES} WHERE processor_name = $3)",
                           [start, end, model.failures]).fetchall()[0][0]
    return CheckResult(name, FAIL if bad else PASS, len(bad),
                       f"universe = {udesc}; {total:,} entity-dates; {missing} without a row or failure, "
                       f"{both} with both", [f"{b[0]}: {b[2]} on {b[1]}" for b in bad[:SAMPLE]])


# -- 3. processing errors ----------------------------------------------------------------------
def check_processing_errors(wh: Warehouse, start: date, end: date) -> CheckResult:
    rows = wh.con.execute(
        f"SELECT processor_name, analysis_date, entity_id, failure_reason FROM {FAILURES} "
        "WHERE failure_category = 'PROCESSING_ERROR' AND analysis_date BETWEEN ? AND ? ORDER BY 2, 1, 3",
        [start, end]).fetchall()
    return CheckResult("processing_errors", FAIL if rows else PASS, len(rows),
                       "failure_category PROCESSING_ERROR (a bug) must never be written",
                       [f"{r[0]} {r[2]} {r[1]}: {r[3]}" for r in rows[:SAMPLE]])


# -- 4. critical fields ------------------------------------------------------------------------
def check_tdgs_paint(wh: Warehouse, start: date, end: date) -> CheckResult:
    name, t = "critical:tdgs_opp_paint_attempts", "analytics.team_defense_game_summary"
    cols = _cols(wh, t)
    if not cols:
        return CheckResult(name, WARN, 0, "table not built yet")
    if "opp_paint_attempts" not in cols:
        return CheckResult(name, FAIL, 0, "column opp_paint_attempts missing")
    rows = wh.con.execute(f"""
        SELECT t.game_id, t.defending_team_abbr, t.game_date, t.opp_paint_attempts
        FROM {t} t
        WHERE t.game_date BETWEEN ? AND ?
          AND EXISTS (SELECT 1 FROM raw.shots s WHERE s.game_id = t.game_id)
          AND coalesce(t.opp_paint_attempts, 0) <= 0
        ORDER BY t.game_date, t.game_id""", [start, end]).fetchall()
    return CheckResult(name, FAIL if rows else PASS, len(rows),
                       "opp_paint_attempts > 0 for every team-game whose game has shot data",
                       [f"{r[0]}/{r[1]} {r[2]}: {r[3]}" for r in rows[:SAMPLE]])


def check_tdza_vs_league(wh: Warehouse, start: date, end: date) -> CheckResult:
    name, t = "critical:tdza_defense_vs_league_avg", "precompute.team_defense_zone_analysis"
    cols = _cols(wh, t)
    if not cols:
        return CheckResult(name, WARN, 0, "table not built yet")
    vs = [c for c in cols if c.endswith("_defense_vs_league_avg")]
    if not vs:
        return CheckResult(name, FAIL, 0, "no *_defense_vs_league_avg columns")
    has_zone = "zone_games_in_sample > 0" if "zone_games_in_sample" in cols else "TRUE"
    boot = f"days_since_opening >= {BOOTSTRAP_DAYS}" if "days_since_opening" in cols else "TRUE"
    null_any = " OR ".join(f"{quote_ident(c)} IS NULL" for c in vs)
    rows = wh.con.execute(f"""
        SELECT team_abbr, analysis_date FROM {t}
        WHERE analysis_date BETWEEN ? AND ? AND {boot} AND {has_zone} AND ({null_any})
        ORDER BY 2, 1""", [start, end]).fetchall()
    return CheckResult(name, FAIL if rows else PASS, len(rows),
                       f"no NULL {', '.join(vs)} outside the bootstrap window where zone data exists",
                       [_key(r) for r in rows[:SAMPLE]])


# -- 5. features -------------------------------------------------------------------------------
def check_feature_ranges(wh: Warehouse, start: date, end: date) -> CheckResult:
    name = "feature_ranges"
    cols = _cols(wh, FEATURE_TABLE)
    if not cols:
        return CheckResult(name, WARN, 0, "feature store not built yet")
    absent = [f.name for f in FEATURES if f.name not in cols]
    present = [f for f in FEATURES if f.name in cols]
    parts = []
    for f in present:
        c = quote_ident(f.name)
        parts.append(f"count(*) FILTER (WHERE {c} < {f.lo!r} OR {c} > {f.hi!r} OR isnan({c}::DOUBLE))")
        parts.append(f"min({c})::DOUBLE")
        parts.append(f"max({c})::DOUBLE")
        parts.append("0" if f.optional else f"count(*) FILTER (WHERE {c} IS NULL)")
    res = wh.con.execute(f"SELECT count(*), {', '.join(parts) or '0'} FROM {quote_table(FEATURE_TABLE)} "
                         "WHERE game_date BETWEEN ? AND ?", [start, end]).fetchall()[0]
    n_rows, vals = res[0], res[1:]
    bad, table = [], []
    total = 0
    for i, f in enumerate(present):
        out, lo, hi, nulls = vals[4 * i: 4 * i + 4]
        table.append((f.index, f.name, f"[{_fmt(f.lo)}, {_fmt(f.hi)}]", _fmt(lo) if lo is not None else "-",
                      _fmt(hi) if hi is not None else "-", out, nulls))
        if out or nulls:
            total += out + nulls
            what = []
            if out:
                what.append(f"{out} outside [{_fmt(f.lo)}, {_fmt(f.hi)}] (seen {_fmt(lo)}..{_fmt(hi)})")
            if nulls:
                what.append(f"{nulls} NULL (required)")
            bad.append(f"{f.name}: {', '.join(what)}")
    for a in absent:
        bad.append(f"{a}: no column")
    status = FAIL if (total or absent) else PASS
    return CheckResult(name, status, total + len(absent),
                       f"{len(present)} registry features over {n_rows:,} rows; non-NULL values inside "
                       f"[lo, hi], required features never NULL" + (f"; {len(absent)} missing" if absent else ""),
                       bad[:SAMPLE], ["#", "feature", "range", "min", "max", "out of range", "NULL (required)"], table)


def check_quality_scores(wh: Warehouse, start: date, end: date) -> CheckResult:
    name = "quality_scores"
    cols = _cols(wh, FEATURE_TABLE)
    if not cols:
        return CheckResult(name, WARN, 0, "feature store not built yet")
    if "feature_quality_score" not in cols:
        return CheckResult(name, FAIL, 0, "column feature_quality_score missing")
    tier = "quality_tier" if "quality_tier" in cols else "NULL"
    rows = wh.con.execute(f"""
        SELECT season_year, count(*), avg(feature_quality_score), min(feature_quality_score),
               quantile_cont(feature_quality_score, 0.1), max(feature_quality_score),
               count(*) FILTER (WHERE {tier} = 'gold'), count(*) FILTER (WHERE {tier} = 'silver'),
               count(*) FILTER (WHERE {tier} = 'bronze'), count(*) FILTER (WHERE {tier} = 'poor'),
               count(*) FILTER (WHERE {tier} = 'unusable'),
               count(*) FILTER (WHERE feature_quality_score < 0 OR feature_quality_score > 100
                                OR feature_quality_score IS NULL)
        FROM {quote_table(FEATURE_TABLE)} WHERE game_date BETWEEN ? AND ?
        GROUP BY 1 ORDER BY 1""", [start, end]).fetchall()
    bad = sum(r[-1] for r in rows)
    table = [(r[0], r[1], round(r[2], 1), round(r[3], 1), round(r[4], 1), round(r[5], 1),
              *[f"{100.0 * x / r[1]:.1f}%" for x in r[6:11]]) for r in rows if r[1]]
    summary = "; ".join(f"{r[0]}: mean {r[2]}, gold {r[6]}" for r in table)
    return CheckResult(name, FAIL if bad else PASS, bad,
                       f"feature_quality_score within 0..100 (tiers per season: {summary or 'no rows'})",
                       [f"{bad} score(s) outside 0..100 or NULL"] if bad else [],
                       ["season", "rows", "mean", "min", "p10", "max", "gold", "silver", "bronze", "poor", "unusable"],
                       table)


# -- 6. coverage -------------------------------------------------------------------------------
def computed_dates(wh: Warehouse, model: Model, start: date, end: date) -> set[date]:
    """Dates the model has computed: in processing.model_state, with rows, or with failures."""
    out: set[date] = set()
    if wh.table_exists("processing.model_state"):
        out |= {r[0] for r in wh.con.execute(
            "SELECT target_date FROM processing.model_state WHERE model = ? AND target_date BETWEEN ? AND ?",
            [model.name, start, end]).fetchall()}
    if wh.table_exists(model.table):
        tc = quote_ident(model.time_column)
        out |= {r[0] for r in wh.con.execute(
            f"SELECT DISTINCT {tc} FROM {quote_table(model.table)} WHERE {tc} BETWEEN ? AND ?", [start, end]).fetchall()}
    if model.failures:
        out |= {r[0] for r in wh.con.execute(
            f"SELECT DISTINCT analysis_date FROM {FAILURES} WHERE processor_name = ? AND analysis_date BETWEEN ? AND ?",
            [model.failures, start, end]).fetchall()}
    return out


def gap_ranges(missing: list[date], calendar: list[date]) -> list[tuple[date, date]]:
    """Collapse missing dates into ranges of consecutive calendar dates."""
    pos = {d: i for i, d in enumerate(calendar)}
    out: list[tuple[date, date]] = []
    for d in sorted(missing):
        if out and pos.get(d, -9) == pos.get(out[-1][1], -99) + 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def check_coverage(wh: Warehouse, model: Model, start: date, end: date, calendar: list[date]) -> CheckResult:
    name = f"coverage:{model.table}"
    done = computed_dates(wh, model, start, end)
    missing = [d for d in calendar if d not in done]
    ranges = gap_ranges(missing, calendar)
    txt = [f"{a}" if a == b else f"{a}..{b}" for a, b in ranges]
    return CheckResult(name, FAIL if missing else PASS, len(missing),
                       f"{len(calendar) - len(missing)} of {len(calendar)} game dates computed"
                       + (f"; {len(ranges)} gap(s)" if ranges else ""), txt[:SAMPLE])


# -- 7. failure ramp ---------------------------------------------------------------------------
def failure_rates(wh: Warehouse, catalog: Catalog, start: date, end: date) -> list[tuple]:
    """(processor, season_year, season_week, entity-dates, failures, rate %) per Phase 4 model."""
    parts = []
    for m in catalog.ordered():
        if m.failures and wh.table_exists(m.table):
            tc = quote_ident(m.time_column)
            parts.append(f"SELECT '{m.failures}' AS p, {tc} AS d, count(*) AS n, 0 AS f FROM {quote_table(m.table)} "
                         f"WHERE {tc} BETWEEN $1 AND $2 GROUP BY ALL")
            parts.append(f"SELECT processor_name, analysis_date, count(*), count(*) FROM {FAILURES} "
                         f"WHERE processor_name = '{m.failures}' AND entity_id <> 'DATE_LEVEL' "
                         "AND analysis_date BETWEEN $1 AND $2 GROUP BY ALL")
    if not parts:
        return []
    return wh.con.execute(f"""
        WITH x AS ({' UNION ALL '.join(parts)}),
        ds AS ({date_seasons_sql()}), o AS ({season_openers_sql()})
        SELECT x.p, ds.season_year, (date_diff('day', o.opening_night, x.d) // 7) + 1 AS week,
               sum(x.n)::BIGINT AS n, sum(x.f)::BIGINT AS f, round(100.0 * sum(x.f) / sum(x.n), 1) AS rate
        FROM x JOIN ds ON ds.d = x.d JOIN o ON o.season_year = ds.season_year
        GROUP BY ALL HAVING sum(x.n) > 0 ORDER BY 1, 2, 3""", [start, end]).fetchall()


RAMP_BUCKETS = ("wk 1", "wk 2", "wk 3", "wk 4", "wk 5+")


def check_failure_ramp(wh: Warehouse, catalog: Catalog, start: date, end: date) -> CheckResult:
    """Failure rate per processor and season in the seed's buckets (weeks 1, 2, 3, 4, 5 and later),
    against the expected band; a bucket more than RAMP_TOLERANCE points outside it is 'far off'."""
    rates = failure_rates(wh, catalog, start, end)
    agg: dict[tuple[str, int], dict[int, list[int]]] = {}
    for p, season, week, n, f, _ in rates:
        b = min(week, 5)
        agg.setdefault((p, season), {}).setdefault(b, [0, 0])
        agg[(p, season)][b][0] += n
        agg[(p, season)][b][1] += f
    table, far = [], []
    for (p, season), buckets in sorted(agg.items()):
        cells = []
        for b in range(1, 6):
            if b not in buckets:
                cells.append("-")
                continue
            n, f = buckets[b]
            rate = 100.0 * f / n
            lo, hi = expected_band(b)
            off = 0.0 if lo <= rate <= hi else (lo - rate if rate < lo else rate - hi)
            flag = off > RAMP_TOLERANCE
            cells.append(f"{rate:.0f}%" + (" (far off)" if flag else ""))
            if flag:
                far.append(f"{p.replace('Processor', '')} {season} {RAMP_BUCKETS[b - 1]}: {rate:.1f}% "
                           f"(expected {lo:.0f}-{hi:.0f}%)")
        table.append((p.replace("Processor", ""), season, *cells))
    return CheckResult("failure_ramp", WARN if far else PASS, len(far),
                       f"failure rate by week of season vs the expected ramp (weeks 1-2 90-100%, 3 60-75%, "
                       f"4 40-50%, later 25-30%); 'far off' = more than {RAMP_TOLERANCE:.0f} points outside; "
                       "reported, never a failure", far[:SAMPLE],
                       ["processor", "season", "wk 1 (90-100%)", "wk 2 (90-100%)", "wk 3 (60-75%)", "wk 4 (40-50%)",
                        "wk 5+ (25-30%)"], table)


# -- 8. point in time --------------------------------------------------------------------------
def pick_sample_dates(wh: Warehouse, start: date, end: date, n: int) -> list[date]:
    """n dates spread over the range, outside the bootstrap window when possible (so Phase 4
    rows exist), from the dates the feature store holds (else any schedule date)."""
    if n <= 0:
        return []
    cands: list[date] = []
    if wh.table_exists(FEATURE_TABLE):
        cands = [r[0] for r in wh.con.execute(f"""
            WITH ds AS ({date_seasons_sql()}), o AS ({season_openers_sql()})
            SELECT DISTINCT f.game_date FROM {quote_table(FEATURE_TABLE)} f
            JOIN ds ON ds.d = f.game_date JOIN o ON o.season_year = ds.season_year
            WHERE f.game_date BETWEEN ? AND ? AND date_diff('day', o.opening_night, f.game_date) >= {BOOTSTRAP_DAYS}
            ORDER BY 1""", [start, end]).fetchall()]
    if not cands:
        cands = game_dates(wh.con, start, end)
    if len(cands) <= n:
        return cands
    idx = sorted({round(i * (len(cands) - 1) / max(n - 1, 1)) for i in range(n)}) if n > 1 else [len(cands) // 2]
    return [cands[i] for i in idx]


def _keep(con, table: str, keep: str, params: list) -> None:
    # Rebuilt rather than DELETEd: deleting a million indexed rows takes ~15 s, a rebuild < 1 s.
    # The copy is throw-away and only the runner reads it, so the dropped constraints do not matter.
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} WHERE coalesce({keep}, TRUE)", params)


def morning_of(con, d: date) -> None:
    """Reduce the raw data to the world as of the morning of D (design.md, 'Test of the law'):
    the schedule without results from D on, box scores and shots before D, injury transactions
    dated before D, D's game lines without final scores, prop snapshots of D taken before tip-off."""
    _keep(con, "raw.player_boxscores", "game_date < ?", [d])
    _keep(con, "raw.team_boxscores", "game_date < ?", [d])
    _keep(con, "raw.shots", "game_date < ?", [d])
    _keep(con, "raw.injuries", "transaction_date < ?", [d])
    _keep(con, "raw.player_points_props", "game_date < ? OR (game_date = ? AND minutes_before_tipoff >= 0)", [d, d])
    _keep(con, "raw.game_lines", "game_date <= ?", [d])
    con.execute("UPDATE raw.game_lines SET total_points = NULL, home_margin = NULL WHERE game_date = ?", [d])
    con.execute("UPDATE raw.schedule SET home_wl = NULL WHERE game_date >= ?", [d])


def _stale(wh: Warehouse, catalog: Catalog, dates: list[date]) -> list[str]:
    """Models whose saved state for a sample date is missing or was computed by other SQL."""
    out = []
    for m in catalog.ordered():
        got = wh.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE model_hash = ?) FROM processing.model_state "
            f"WHERE model = ? AND target_date IN ({', '.join('?' for _ in dates)})",
            [m.sql_hash, m.name, *dates]).fetchall()[0]
        if got[0] < len(dates) or got[1] < got[0]:
            out.append(m.name)
    return out


def _snapshot(con, table: str, tc: str, d: date, cols: list[str], types: dict[str, str]):
    sel = []
    for c in cols:
        q = quote_ident(c)
        t = types.get(c, "").upper()
        if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
            sel.append(f"round({q}::DOUBLE, 6) AS {q}")
        else:
            sel.append(q)
    return con.sql(f"SELECT {', '.join(sel)} FROM {quote_table(table)} WHERE {quote_ident(tc)} = '{d.isoformat()}'"
                   ).to_arrow_table()


def check_point_in_time(wh: Warehouse, catalog: Catalog, start: date, end: date, samples: int = 3,
                        workdir: str | Path | None = None) -> CheckResult:
    """Re-run a sample of dates on a copy of the warehouse that holds only what was known on the
    morning of D and compare the rows keyed on D (label_* columns and the game-outcome tables with
    lookback 0, whose rows are D's results by definition, aside)."""
    from ..runner.backfill import backfill

    name = "point_in_time"
    dates = pick_sample_dates(wh, start, end, samples)
    if not dates:
        return CheckResult(name, WARN, 0, "no dates to sample")
    models = [m for m in catalog.ordered() if m.lookback_days > 0 and wh.table_exists(m.table)]
    if not models:
        return CheckResult(name, WARN, 0, "no model tables built")
    meta: dict[str, tuple[list[str], dict[str, str]]] = {}
    for m in models:
        types = {r[0]: r[1] for r in wh.con.execute(f"DESCRIBE {quote_table(m.table)}").fetchall()}
        meta[m.table] = ([c for c in types if not c.startswith("label_")], types)
    fail_sql = (f"SELECT processor_name, analysis_date, entity_id, failure_category FROM {FAILURES} "
                "WHERE analysis_date = ? ORDER BY 1, 3")
    stale = _stale(wh, catalog, dates) if wh.table_exists("processing.model_state") else ["all"]
    orig: dict[tuple[str, date], object] = {}
    orig_fail: dict[date, list] = {}

    def take_baseline(con) -> None:
        for m in models:
            cols, types = meta[m.table]
            for d in dates:
                orig[(m.table, d)] = _snapshot(con, m.table, m.time_column, d, cols, types)
        for d in dates:
            orig_fail[d] = con.execute(fail_sql, [d]).fetchall()

    if not stale:
        take_baseline(wh.con)
    tmp = Path(tempfile.mkdtemp(prefix="nbaprops-pit-", dir=workdir))
    diffs: list[str] = []
    table: list[tuple] = []
    try:
        copy = tmp / "pit.duckdb"
        shutil.copyfile(wh.path, copy)
        wal = Path(str(wh.path) + ".wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(copy) + ".wal"))
        with Warehouse.open(copy) as cw:
            if stale:
                # The saved rows were computed by other SQL (or not at all): recompute the sample
                # dates on the full data first, so that only the cut differs between the two runs.
                for d in dates:
                    res = backfill(cw, d, d, catalog=catalog, chunk_mode="date", force=True)
                    if not res.ok:
                        return CheckResult(name, FAIL, 1, f"baseline re-run of {d} failed",
                                           [f"{d}: {'; '.join(res.errors)}"])
                take_baseline(cw.con)
            for d in sorted(dates, reverse=True):      # later dates first: each cut only removes more
                with cw.transaction() as con:
                    morning_of(con, d)
                res = backfill(cw, d, d, catalog=catalog, chunk_mode="date", force=True)
                if not res.ok:
                    diffs.append(f"{d}: re-run failed: {'; '.join(res.errors)}")
                    table.append((str(d), "(run)", "-", "-", "-", "re-run failed"))
                    continue
                for m in models:
                    cols, types = meta[m.table]
                    new = _snapshot(cw.con, m.table, m.time_column, d, cols, types)
                    old = orig[(m.table, d)]
                    cw.con.register("pit_old", old)
                    cw.con.register("pit_new", new)
                    only_old = cw.con.execute("SELECT count(*) FROM (SELECT * FROM pit_old EXCEPT ALL SELECT * FROM pit_new)").fetchall()[0][0]
                    only_new = cw.con.execute("SELECT count(*) FROM (SELECT * FROM pit_new EXCEPT ALL SELECT * FROM pit_old)").fetchall()[0][0]
                    changed_cols = []
                    if only_old or only_new:
                        keys = [quote_ident(g) for g in m.grain if g != m.time_column]
                        for c in cols:
                            if c in m.grain:
                                continue
                            q = quote_ident(c)
                            n = cw.con.execute(
                                f"SELECT count(*) FROM pit_old o JOIN pit_new n USING ({', '.join(keys)}) "
                                f"WHERE o.{q} IS DISTINCT FROM n.{q}").fetchall()[0][0] if keys else 0
                            if n:
                                changed_cols.append(f"{c} ({n})")
                        diffs.append(f"{m.table} {d}: {only_old} row(s) differ/missing, {only_new} new"
                                     + (f"; columns {', '.join(changed_cols[:4])}" if changed_cols else ""))
                    cw.con.unregister("pit_old")
                    cw.con.unregister("pit_new")
                    table.append((str(d), m.table, old.num_rows, only_old, only_new,
                                  ", ".join(changed_cols[:6]) or ("same" if not (only_old or only_new) else "rows differ")))
                new_fail = cw.con.execute(fail_sql, [d]).fetchall()
                if new_fail != orig_fail[d]:
                    a, b = set(orig_fail[d]), set(new_fail)
                    diffs.append(f"failures {d}: {len(a - b)} gone, {len(b - a)} new")
                    table.append((str(d), FAILURES, len(a), len(a - b), len(b - a), "failures differ"))
                else:
                    table.append((str(d), FAILURES, len(new_fail), 0, 0, "same"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return CheckResult(name, FAIL if diffs else PASS, len(diffs),
                       f"dates {', '.join(str(d) for d in dates)} re-run on the world as of their morning; "
                       f"{len(models)} models compared (label_* and lookback-0 game-outcome tables aside)"
                       + (f"; baseline recomputed first (stale or missing state: {', '.join(stale)})" if stale else ""),
                       diffs[:SAMPLE], ["date", "table", "rows", "differ/missing", "new", "changed columns"], table)


# --------------------------------------------------------------------------------------------
def validate(wh: Warehouse, start: date | None = None, end: date | None = None, *,
             catalog: Catalog | None = None, pit_samples: int = 3,
             workdir: str | Path | None = None) -> ValidationReport:
    """Run every check over [start, end] (default: the span the runner has computed)."""
    catalog = catalog or Catalog.load()
    lo, hi = default_range(wh)
    start = start or lo
    end = end or hi
    report = ValidationReport(str(wh.path), start, end)
    if start is None or end is None:
        report.results.append(CheckResult("built", FAIL, 0, "no model has computed any date yet: run `nbaprops backfill`"))
        return report
    calendar = game_dates(wh.con, start, end)
    models = catalog.ordered()
    for m in models:
        report.results.append(check_primary_key(wh, m, start, end))
    for m in models:
        if m.failures:
            report.results.append(check_universe(wh, m, start, end))
    report.results.append(check_processing_errors(wh, start, end))
    report.results.append(check_tdgs_paint(wh, start, end))
    report.results.append(check_tdza_vs_league(wh, start, end))
    report.results.append(check_feature_ranges(wh, start, end))
    report.results.append(check_quality_scores(wh, start, end))
    for m in models:
        report.results.append(check_coverage(wh, m, start, end, calendar))
    report.results.append(check_failure_ramp(wh, catalog, start, end))
    if pit_samples > 0:
        report.results.append(check_point_in_time(wh, catalog, start, end, pit_samples, workdir))
    return report


__all__ = ["CheckResult", "ValidationReport", "validate", "PASS", "WARN", "FAIL", "failure_rates",
           "expected_band", "computed_dates", "default_range", "check_point_in_time"]
