"""Feature-store quality. feature_ranges: registry features' non-NULL values inside [lo, hi],
required (non-optional) features never NULL, every registry feature has a column.
quality_scores: feature_quality_score inside 0..100; tiers per season (reported)."""

from __future__ import annotations

from datetime import date

from ...features import FEATURES
from ...warehouse import Warehouse, quote_ident, quote_table
from .base import FAIL, FEATURE_TABLE, PASS, SAMPLE, WARN, CheckResult, Context, columns_of, fmt


def check_feature_ranges(wh: Warehouse, start: date, end: date) -> CheckResult:
    name = "feature_ranges"
    cols = columns_of(wh, FEATURE_TABLE)
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
    res = wh.con.execute(
        f"SELECT count(*), {', '.join(parts) or '0'} FROM {quote_table(FEATURE_TABLE)} WHERE game_date BETWEEN ? AND ?",
        [start, end],
    ).fetchall()[0]
    n_rows, vals = res[0], res[1:]
    bad, table = [], []
    total = 0
    for i, f in enumerate(present):
        out, lo, hi, nulls = vals[4 * i : 4 * i + 4]
        table.append(
            (
                f.index,
                f.name,
                f"[{fmt(f.lo)}, {fmt(f.hi)}]",
                fmt(lo) if lo is not None else "-",
                fmt(hi) if hi is not None else "-",
                out,
                nulls,
            )
        )
        if out or nulls:
            total += out + nulls
            what = []
            if out:
                what.append(f"{out} outside [{fmt(f.lo)}, {fmt(f.hi)}] (seen {fmt(lo)}..{fmt(hi)})")
            if nulls:
                what.append(f"{nulls} NULL (required)")
            bad.append(f"{f.name}: {', '.join(what)}")
    for a in absent:
        bad.append(f"{a}: no column")
    status = FAIL if (total or absent) else PASS
    return CheckResult(
        name,
        status,
        total + len(absent),
        f"{len(present)} registry features over {n_rows:,} rows; non-NULL values inside "
        f"[lo, hi], required features never NULL" + (f"; {len(absent)} missing" if absent else ""),
        bad[:SAMPLE],
        ["#", "feature", "range", "min", "max", "out of range", "NULL (required)"],
        table,
    )


def check_quality_scores(wh: Warehouse, start: date, end: date) -> CheckResult:
    name = "quality_scores"
    cols = columns_of(wh, FEATURE_TABLE)
    if not cols:
        return CheckResult(name, WARN, 0, "feature store not built yet")
    if "feature_quality_score" not in cols:
        return CheckResult(name, FAIL, 0, "column feature_quality_score missing")
    tier = "quality_tier" if "quality_tier" in cols else "NULL"
    rows = wh.con.execute(
        f"""
        SELECT season_year, count(*), avg(feature_quality_score), min(feature_quality_score),
               quantile_cont(feature_quality_score, 0.1), max(feature_quality_score),
               count(*) FILTER (WHERE {tier} = 'gold'), count(*) FILTER (WHERE {tier} = 'silver'),
               count(*) FILTER (WHERE {tier} = 'bronze'), count(*) FILTER (WHERE {tier} = 'poor'),
               count(*) FILTER (WHERE {tier} = 'unusable'),
               count(*) FILTER (WHERE feature_quality_score < 0 OR feature_quality_score > 100
                                OR feature_quality_score IS NULL)
        FROM {quote_table(FEATURE_TABLE)} WHERE game_date BETWEEN ? AND ?
        GROUP BY 1 ORDER BY 1""",
        [start, end],
    ).fetchall()
    bad = sum(r[-1] for r in rows)
    table = [
        (
            r[0],
            r[1],
            round(r[2], 1),
            round(r[3], 1),
            round(r[4], 1),
            round(r[5], 1),
            *[f"{100.0 * x / r[1]:.1f}%" for x in r[6:11]],
        )
        for r in rows
        if r[1]
    ]
    summary = "; ".join(f"{r[0]}: mean {r[2]}, gold {r[6]}" for r in table)
    return CheckResult(
        name,
        FAIL if bad else PASS,
        bad,
        f"feature_quality_score within 0..100 (tiers per season: {summary or 'no rows'})",
        [f"{bad} score(s) outside 0..100 or NULL"] if bad else [],
        ["season", "rows", "mean", "min", "p10", "max", "gold", "silver", "bronze", "poor", "unusable"],
        table,
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_feature_ranges(wh, ctx.start, ctx.end), check_quality_scores(wh, ctx.start, ctx.end)]
