"""The HTML report: `nbaprops report --out FILE.html`.

One self-contained file (plotly.js is embedded inline, no network needed to view it) with:
validation summary, coverage heat map (model x date), Phase 4 failures by category and week of
season with the failure rate against the expected ramp, run timings per model (read / compute /
write from reference.processor_run_history), feature distributions with quality tiers per season,
a player page (points, last-10 average and pre-tip line over time for a few dozen top
scorers, picked from a dropdown), the latest board of `predict` and the results ledger's plots
(model/ledger.py). Nothing here prints: write_report returns what it wrote."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .. import __version__
from ..calendar import BOOTSTRAP_DAYS, GAME_DATES_SQL
from ..catalog import Catalog
from ..features import FEATURES
from ..line_source import SYNTHETIC, line_sources
from ..model.storage import PREDICTIONS_TABLE
from ..runner.plan import game_dates
from ..warehouse import Warehouse, quote_ident, quote_table
from .failures import FailureFilter
from .failures import summary as failure_summary
from .validate import FAILURES, FEATURE_TABLE, default_range, expected_band, failure_rates, validate

TIERS = ("gold", "silver", "bronze", "poor", "unusable")
TIER_COLORS = {"gold": "#d4a017", "silver": "#9ca3af", "bronze": "#b45309", "poor": "#ef4444", "unusable": "#7f1d1d"}
CATEGORY_COLORS = {
    "EXPECTED_INCOMPLETE": "#93c5fd",
    "INSUFFICIENT_DATA": "#f59e0b",
    "MISSING_DEPENDENCY": "#8b5cf6",
    "MISSING_DEPENDENCIES": "#a78bfa",
    "PROCESSING_ERROR": "#dc2626",
}
STATUS_COLORS = {"pass": "#15803d", "warn": "#b45309", "fail": "#b91c1c"}
BINS = 30
CONFIG = {"displaylogo": False, "responsive": True}

CSS = """
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --accent:#1d4ed8; --bg:#f8fafc; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; \
color:var(--fg); background:var(--bg); }
header { background:#0f172a; color:#f8fafc; padding:22px 32px; }
header h1 { margin:0 0 4px; font-size:26px; }
header p { margin:0; color:#cbd5e1; }
nav { position:sticky; top:0; z-index:10; background:#fff; border-bottom:1px solid var(--line); padding:8px 32px; }
nav a { color:var(--accent); text-decoration:none; margin-right:18px; font-weight:500; }
main { max-width:1280px; margin:0 auto; padding:8px 32px 48px; }
section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:18px 22px; margin:22px 0; }
section h2 { margin:0 0 6px; font-size:20px; }
p.explain { margin:0 0 12px; color:var(--muted); max-width:980px; }
table.data { border-collapse:collapse; width:100%; font-size:13px; margin:8px 0; }
table.data th, table.data td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left; \
vertical-align:top; }
table.data th { background:#f1f5f9; font-weight:600; }
table.data td.num { text-align:right; font-variant-numeric:tabular-nums; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; color:#fff; font-size:12px; font-weight:600; }
.cards { display:flex; gap:14px; flex-wrap:wrap; margin:10px 0; }
.card { border:1px solid var(--line); border-radius:8px; padding:8px 14px; min-width:130px; }
.card b { display:block; font-size:20px; }
.card span { color:var(--muted); font-size:12px; }
.empty { color:var(--muted); font-style:italic; }
label.pick { font-weight:600; margin-right:8px; }
select { font-size:14px; padding:4px 8px; }
details summary { cursor:pointer; color:var(--accent); margin:6px 0; }
footer { color:var(--muted); text-align:center; font-size:12px; padding:18px; }
"""


@dataclass
class ReportInfo:
    path: Path
    bytes: int
    sections: list[str]
    summary: str


def _esc(x) -> str:
    return html.escape("" if x is None else str(x))


def _json(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), default=str).replace("</", "<\\/")


def _table(columns: list[str], rows: list, num: set[int] | None = None, raw_html: set[int] | None = None) -> str:
    num, raw_html = num or set(), raw_html or set()
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for i, v in enumerate(r):
            txt = (
                v
                if i in raw_html
                else _esc(
                    f"{v:,.2f}"
                    if isinstance(v, float)
                    else (f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v)
                )
            )
            cells.append(f"<td class='num'>{txt}</td>" if i in num else f"<td>{txt}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _fig_html(fig, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG)


def _layout(fig, title: str | None = None, height: int = 420, **kw) -> None:
    fig.update_layout(
        title=title,
        height=height,
        template="plotly_white",
        margin=dict(l=60, r=30, t=50 if title else 20, b=50),
        font=dict(size=12),
        **kw,
    )


# -- sections ----------------------------------------------------------------------------------
def _validation_section(wh: Warehouse, start: date, end: date) -> str:
    rep = validate(wh, start, end, pit_samples=0)
    n = rep.counts()
    rows = [
        (
            r.check,
            f"<span class='badge' style='background:{STATUS_COLORS[r.status]}'>{r.status}</span>",
            r.count,
            _esc(r.detail) + (f"<br><small>{_esc(r.sample_text)}</small>" if r.sample else ""),
        )
        for r in rep.results
    ]
    cards = "".join(
        f"<div class='card'><b style='color:{STATUS_COLORS[k]}'>{n[k]}</b><span>checks {k}</span></div>"
        for k in ("pass", "warn", "fail")
    )
    return (
        f"<div class='cards'>{cards}</div>"
        "<details><summary>all checks</summary>"
        + _table(["check", "status", "count", "detail / sample"], rows, num={2}, raw_html={1, 3})
        + "</details><p class='explain'>The point-in-time spot check is not part of the report "
        "(it re-runs dates on a copy of the warehouse): run <code>nbaprops validate</code>.</p>"
    )


def _coverage_section(wh: Warehouse, catalog: Catalog, start: date, end: date) -> str:
    import plotly.graph_objects as go

    cal = game_dates(wh.con, start, end)
    if not cal:
        return "<p class='empty'>No game dates in the range.</p>"
    models = [m for m in catalog.ordered() if m.kind != "full"]  # (full models: computed whole)
    idx = {d: i for i, d in enumerate(cal)}
    z, text = [], []
    for m in models:
        rows: dict[date, int] = {}
        fails: dict[date, int] = {}
        done: set[date] = set()
        if wh.table_exists(m.table):
            tc = quote_ident(m.time_column)
            rows = dict(
                wh.con.execute(
                    f"SELECT {tc}, count(*) FROM {quote_table(m.table)} WHERE {tc} BETWEEN ? AND ? GROUP BY 1",
                    [start, end],
                ).fetchall()
            )
        if m.failures:
            fails = dict(
                wh.con.execute(
                    f"SELECT analysis_date, count(*) FROM {FAILURES} WHERE processor_name = ? "
                    "AND analysis_date BETWEEN ? AND ? GROUP BY 1",
                    [m.failures, start, end],
                ).fetchall()
            )
        if wh.table_exists("processing.model_state"):
            done = {
                r[0]
                for r in wh.con.execute(
                    "SELECT target_date FROM processing.model_state WHERE model = ? AND target_date BETWEEN ? AND ?",
                    [m.name, start, end],
                ).fetchall()
            }
        zr: list[float | None] = [None] * len(cal)
        tr = [""] * len(cal)
        for d in cal:
            r, f = rows.get(d, 0), fails.get(d, 0)
            i = idx[d]
            if d in done or r or f:
                zr[i] = (r / (r + f)) if (r + f) else (1.0 if not m.failures else 0.0)
                tr[i] = f"{m.table}<br>{d}: {r:,} rows" + (f", {f:,} failures" if m.failures else "")
            else:
                tr[i] = f"{m.table}<br>{d}: not computed"
        z.append(zr)
        text.append(tr)
    # One column per game date, side by side: a date axis would stretch the neighbouring cells over
    # the off-seasons and breaks (days without games), painting them covered or missing.
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[d.isoformat() for d in cal],
            y=[m.table for m in models],
            text=text,
            hoverinfo="text",
            zmin=0,
            zmax=1,
            xgap=0.5,
            ygap=2,
            colorscale=[[0, "#ef4444"], [0.5, "#fbbf24"], [1, "#16a34a"]],
            colorbar=dict(title="share<br>with a row", tickformat=".0%"),
        )
    )
    _layout(fig, height=120 + 34 * len(models), plot_bgcolor="#d1d5db")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=[d.isoformat() for d in cal],
        nticks=24,
        title="game dates (days without games left out; a line marks each new season)",
    )
    for i in _season_starts(wh, cal):
        fig.add_vline(x=i - 0.5, line_width=2, line_color="#111827")
    return _fig_html(fig, "fig-coverage")


def _season_starts(wh: Warehouse, cal: list[date]) -> list[int]:
    """Indexes of the game dates of `cal` that open a season after an earlier one in the list
    (the calendar's game-date rule gives each date its season)."""
    season = dict(
        wh.con.execute(
            f"SELECT game_date, season_year FROM ({GAME_DATES_SQL}) WHERE game_date BETWEEN ? AND ?", [cal[0], cal[-1]]
        ).fetchall()
    )
    return [i for i in range(1, len(cal)) if season.get(cal[i]) != season.get(cal[i - 1])]


def _failures_section(wh: Warehouse, catalog: Catalog, start: date, end: date) -> str:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    # the counts `nbaprops failures` shows, summed over the processors
    counts: dict[tuple, int] = {}
    for _, cat, season, week, n in failure_summary(wh.con, FailureFilter(start=start, end=end)):
        if season is not None:  # (a date off the schedule has no season week)
            counts[(season, week, cat)] = counts.get((season, week, cat), 0) + n
    rows = [(*k, n) for k, n in sorted(counts.items())]
    if not rows:
        return "<p class='empty'>No Phase 4 failures recorded in the range.</p>"

    def label(season, week) -> str:
        return f"{season}-{str(season + 1)[-2:]} wk {week:02d}"

    xs = sorted({(r[0], r[1]) for r in rows})
    xl = [label(*x) for x in xs]
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("failures written, by category", "failure rate vs the expected ramp"),
    )
    for cat in sorted({r[2] for r in rows}):
        per = {(r[0], r[1]): r[3] for r in rows if r[2] == cat}
        fig.add_trace(
            go.Bar(
                x=xl, y=[per.get(x, 0) for x in xs], name=cat, legendgroup="cat", marker_color=CATEGORY_COLORS.get(cat)
            ),
            row=1,
            col=1,
        )
    rates = failure_rates(wh, catalog, start, end)
    lo = [expected_band(w)[0] for _, w in xs]
    hi = [expected_band(w)[1] for _, w in xs]
    fig.add_trace(
        go.Scatter(x=xl, y=lo, mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"), row=2, col=1
    )
    fig.add_trace(
        go.Scatter(
            x=xl,
            y=hi,
            mode="lines",
            line=dict(width=0),
            fill="tonexty",
            fillcolor="rgba(34,197,94,0.18)",
            name="expected ramp (seed 004)",
        ),
        row=2,
        col=1,
    )
    for p in sorted({r[0] for r in rates}):
        per = {(r[1], r[2]): r[5] for r in rates if r[0] == p}
        fig.add_trace(
            go.Scatter(
                x=xl,
                y=[per.get(x) for x in xs],
                mode="lines+markers",
                name=p.replace("Processor", ""),
                hovertemplate="%{x}: %{y:.1f}%<extra>" + p + "</extra>",
            ),
            row=2,
            col=1,
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text="failures", row=1, col=1)
    fig.update_yaxes(title_text="% of entity-dates", range=[0, 105], row=2, col=1)
    _layout(fig, height=640)
    table = [
        (p, f"{s}-{str(s + 1)[-2:]}", w, n, f, f"{rate:.1f}%", "{:.0f}-{:.0f}%".format(*expected_band(w)))
        for p, s, w, n, f, rate in rates
    ]
    return (
        _fig_html(fig, "fig-failures")
        + "<details><summary>failure rate table</summary>"
        + _table(["processor", "season", "week", "entity-dates", "failures", "rate", "expected"], table, num={2, 3, 4})
        + "</details>"
    )


def _timings_section(wh: Warehouse) -> str:
    import plotly.graph_objects as go

    t = "reference.processor_run_history"
    cols = wh.columns(t) if wh.table_exists(t) else []
    need = {"read_seconds", "compute_seconds", "write_seconds"}
    if not cols or not need <= set(cols):
        return "<p class='empty'>No run history recorded yet.</p>"
    agg = wh.con.execute(f"""
        SELECT model, count(*), sum(coalesce(read_seconds, 0)), sum(coalesce(compute_seconds, 0)),
               sum(coalesce(write_seconds, 0)), sum(coalesce(rows_written, 0))
        FROM {t} WHERE status IN ('success', 'failed') GROUP BY 1""").fetchall()
    if not agg:
        return "<p class='empty'>No completed runs recorded yet.</p>"
    order = {n: i for i, n in enumerate(Catalog.load().order)}
    agg.sort(key=lambda r: order.get(r[0], 99))
    fig = go.Figure()
    for i, (part, color) in enumerate((("read", "#60a5fa"), ("compute", "#f59e0b"), ("write", "#10b981"))):
        fig.add_trace(
            go.Bar(
                y=[r[0] for r in agg],
                x=[r[2 + i] for r in agg],
                name=part,
                orientation="h",
                marker_color=color,
                hovertemplate="%{y}: %{x:.2f} s<extra>" + part + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="seconds, summed over all recorded runs")
    fig.update_yaxes(autorange="reversed")
    _layout(fig, height=120 + 32 * len(agg))
    trig = "trigger" if "trigger" in cols else "'backfill'"
    recent = wh.con.execute(f"""
        SELECT run_id, {trig}, model, status, start_date, end_date, coalesce(rows_written, 0),
               round(coalesce(read_seconds, 0), 2), round(coalesce(compute_seconds, 0), 2),
               round(coalesce(write_seconds, 0), 2), round(coalesce(duration_seconds, 0), 2)
        FROM {t} ORDER BY started_at DESC, model LIMIT 30""").fetchall()
    return (
        _fig_html(fig, "fig-timings")
        + "<details><summary>the 30 most recent model runs</summary>"
        + _table(
            ["run", "via", "model", "status", "from", "to", "rows", "read s", "compute s", "write s", "total s"],
            recent,
            num={6, 7, 8, 9, 10},
        )
        + "</details>"
    )


def _features_section(wh: Warehouse, start: date, end: date) -> str:
    import plotly.graph_objects as go

    if not wh.table_exists(FEATURE_TABLE):
        return "<p class='empty'>The feature store is not built yet.</p>"
    cols = set(wh.columns(FEATURE_TABLE))
    t = quote_table(FEATURE_TABLE)
    parts = []
    # quality tiers and scores per season
    if "quality_tier" in cols and "feature_quality_score" in cols:
        tiers = wh.con.execute(
            f"SELECT season_year, quality_tier, count(*) FROM {t} WHERE game_date BETWEEN ? AND ? "
            "GROUP BY ALL ORDER BY 1",
            [start, end],
        ).fetchall()
        seasons = sorted({r[0] for r in tiers})
        fig = go.Figure()
        for tier in TIERS:
            per = {r[0]: r[2] for r in tiers if r[1] == tier}
            tot = {s: sum(r[2] for r in tiers if r[0] == s) for s in seasons}
            fig.add_trace(
                go.Bar(
                    x=[f"{s}-{str(s + 1)[-2:]}" for s in seasons],
                    y=[per.get(s, 0) for s in seasons],
                    name=tier,
                    marker_color=TIER_COLORS[tier],
                    customdata=[100.0 * per.get(s, 0) / tot[s] if tot[s] else 0 for s in seasons],
                    hovertemplate="%{x}: %{y:,} rows (%{customdata:.1f}%)<extra>" + tier + "</extra>",
                )
            )
        fig.update_layout(barmode="stack")
        fig.update_yaxes(title_text="feature-store rows")
        _layout(fig, "quality tiers per season", height=360)
        parts.append(_fig_html(fig, "fig-tiers"))
        hist = wh.con.execute(
            f"""SELECT season_year, least(floor(feature_quality_score / 2.5), 39)::INTEGER AS b, count(*)
                                  FROM {t} WHERE game_date BETWEEN ? AND ? AND feature_quality_score IS NOT NULL
                                  GROUP BY ALL ORDER BY 1, 2""",
            [start, end],
        ).fetchall()
        fig = go.Figure()
        for s in seasons:
            per = {r[1]: r[2] for r in hist if r[0] == s}
            fig.add_trace(
                go.Bar(
                    x=[b * 2.5 + 1.25 for b in range(40)],
                    y=[per.get(b, 0) for b in range(40)],
                    name=f"{s}-{str(s + 1)[-2:]}",
                    opacity=0.75,
                )
            )
        fig.update_layout(barmode="overlay", bargap=0.05)
        fig.update_xaxes(title_text="feature_quality_score (mean source weight: data 100, default 40)", range=[0, 100])
        _layout(fig, "quality score distribution per season", height=340)
        parts.append(_fig_html(fig, "fig-quality"))
    # per-feature histograms over the registry range, one selectable trace each
    present = [f for f in FEATURES if f.name in cols]
    stats_rows, fig = [], go.Figure()
    for k, f in enumerate(present):
        c = quote_ident(f.name)
        src = quote_ident(f.name + "_source")
        has_src = (f.name + "_source") in cols
        width = (f.hi - f.lo) / BINS or 1.0
        h = wh.con.execute(
            f"""
            SELECT least(greatest(floor(({c}::DOUBLE - {f.lo!r}) / {width!r}), 0), {BINS - 1})::INTEGER AS b, count(*)
            FROM {t} WHERE game_date BETWEEN ? AND ? AND {c} IS NOT NULL AND NOT isnan({c}::DOUBLE) GROUP BY 1""",
            [start, end],
        ).fetchall()
        per = dict(h)
        st = wh.con.execute(
            f"""
            SELECT count(*), count({c}), quantile_cont({c}::DOUBLE, 0.05) FILTER (WHERE NOT isnan({c}::DOUBLE)),
                   quantile_cont({c}::DOUBLE, 0.5) FILTER (WHERE NOT isnan({c}::DOUBLE)),
                   quantile_cont({c}::DOUBLE, 0.95) FILTER (WHERE NOT isnan({c}::DOUBLE)),
                   {f"count(*) FILTER (WHERE {src} = 'default')" if has_src else "NULL"},
                   count(*) FILTER (WHERE {c} < {f.lo!r} OR {c} > {f.hi!r} OR isnan({c}::DOUBLE))
            FROM {t} WHERE game_date BETWEEN ? AND ?""",
            [start, end],
        ).fetchall()[0]
        n = st[0] or 1
        stats_rows.append(
            (
                f.index,
                f.name,
                f.source,
                f"[{f.lo:g}, {f.hi:g}]",
                f"{100.0 * st[1] / n:.1f}%",
                "-" if st[5] is None else f"{100.0 * st[5] / n:.1f}%",
                *["-" if v is None else f"{v:.3g}" for v in st[2:5]],
                st[6],
            )
        )
        fig.add_trace(
            go.Bar(
                x=[f.lo + (b + 0.5) * width for b in range(BINS)],
                y=[per.get(b, 0) for b in range(BINS)],
                name=f.name,
                visible=(k == 0),
                marker_color="#3b82f6",
                hovertemplate="%{x:.3g}: %{y:,}<extra>" + f.name + "</extra>",
            )
        )
    if present:
        buttons = [
            dict(
                label=f"{f.index}: {f.name}",
                method="update",
                args=[{"visible": [i == k for i in range(len(present))]}, {"title.text": f"{f.name} — {f.definition}"}],
            )
            for k, f in enumerate(present)
        ]
        fig.update_layout(
            updatemenus=[
                dict(buttons=buttons, direction="down", x=0, xanchor="left", y=1.22, yanchor="top", showactive=True)
            ]
        )
        fig.update_yaxes(title_text="rows (non-NULL values)")
        fig.update_xaxes(title_text="value (bins over the registry range)")
        _layout(fig, f"{present[0].name} — {present[0].definition}", height=400)
        fig.update_layout(margin=dict(t=110))
        parts.append(
            "<p class='explain'>Pick a feature in the chart's menu. Values are binned over the registry's "
            "[lo, hi] range; the table gives the share of non-NULL values, the share filled with the "
            "registry default, percentiles and how many values fall outside the range.</p>"
        )
        parts.append(_fig_html(fig, "fig-features"))
        parts.append(
            "<details><summary>feature statistics</summary>"
            + _table(
                ["#", "feature", "source", "range", "non-NULL", "default", "p5", "median", "p95", "out of range"],
                stats_rows,
                num={0, 4, 5, 6, 7, 8, 9},
            )
            + "</details>"
        )
    return "".join(parts) or "<p class='empty'>No feature columns found.</p>"


def _player_data(wh: Warehouse, start: date, end: date, top: int) -> list[dict]:
    if not wh.table_exists(FEATURE_TABLE):
        return []
    cols = set(wh.columns(FEATURE_TABLE))
    need = {"label_points", "points_avg_last_10", "vegas_points_line"}
    if not need <= cols:
        return []
    played = (
        "coalesce(label_played, label_points IS NOT NULL)" if "label_played" in cols else "label_points IS NOT NULL"
    )
    t = quote_table(FEATURE_TABLE)
    upgc = "analytics.upcoming_player_game_context"
    has_name = wh.table_exists(upgc) and "player_name" in wh.columns(upgc)
    name_sql = (
        f"(SELECT any_value(player_name) FROM {upgc} u WHERE u.player_lookup = p.player_lookup)"
        if has_name
        else "p.player_lookup"
    )
    tops = wh.con.execute(
        f"""
        SELECT p.player_lookup, {name_sql} AS name, sum(label_points) FILTER (WHERE {played}) AS pts,
               count(*) FILTER (WHERE {played}) AS games
        FROM {t} p WHERE game_date BETWEEN ? AND ?
        GROUP BY 1 HAVING count(*) FILTER (WHERE {played}) >= 5
        ORDER BY pts DESC NULLS LAST, 1 LIMIT ?""",
        [start, end, top],
    ).fetchall()
    if not tops:
        return []
    keys = [r[0] for r in tops]
    team = "team_abbr" if "team_abbr" in cols else "NULL"
    opp = "opponent_team_abbr" if "opponent_team_abbr" in cols else "NULL"
    rows = wh.con.execute(
        f"""
        SELECT player_lookup, game_date, CASE WHEN {played} THEN label_points END, points_avg_last_10,
               vegas_points_line, {team}, {opp}
        FROM {t} WHERE game_date BETWEEN ? AND ? AND player_lookup IN ({", ".join("?" for _ in keys)})
        ORDER BY player_lookup, game_date""",
        [start, end, *keys],
    ).fetchall()
    sources = line_sources(wh, start, end)  # each line's book and time, or synthetic
    by: dict[str, dict] = {}
    for k, name, pts, games in tops:
        by[k] = {
            "key": k,
            "name": name or k,
            "points": pts,
            "games": games,
            "d": [],
            "pts": [],
            "l10": [],
            "line": [],
            "line_src": [],
            "opp": [],
        }
    for k, d, pts, l10, line, tm, op in rows:
        p = by[k]
        p["d"].append(d.isoformat())
        p["pts"].append(None if pts is None else float(pts))
        p["l10"].append(None if l10 is None else round(float(l10), 2))
        p["line"].append(None if line is None else float(line))
        src = sources.get((k, d)) if line is not None else None
        p["line_src"].append(src.source if src else ("" if line is None else NO_SOURCE))
        p["opp"].append(f"{tm or ''} vs {op or ''}")
    return [by[k] for k in keys]


NO_SOURCE = "source unknown"  # a line whose snapshot raw.player_points_props no longer holds

PLAYER_JS = """
(function () {
  var data = JSON.parse(document.getElementById('player-data').textContent);
  var sel = document.getElementById('player-select');
  var div = 'fig-player';
  function draw(i) {
    var p = data[i];
    var traces = [
      {x: p.d, y: p.pts, name: 'points', mode: 'markers', type: 'scatter', text: p.opp,
       marker: {size: 8, color: '#1d4ed8'}, hovertemplate: '%{x}: %{y} pts (%{text})<extra></extra>'},
      {x: p.d, y: p.l10, name: 'last-10 average entering the game', mode: 'lines', type: 'scatter',
       line: {color: '#f59e0b', width: 2.5}, connectgaps: true},
      {x: p.d, y: p.line, name: 'pre-tip points line', mode: 'lines', type: 'scatter', text: p.line_src,
       line: {color: '#16a34a', width: 2, dash: 'dot', shape: 'hv'}, connectgaps: false,
       hovertemplate: 'line %{y} (%{text})<extra></extra>'}
    ];
    var layout = {title: {text: p.name + ' — ' + p.games + ' games, ' + p.points + ' points'}, height: 440,
      template: 'plotly_white', margin: {l: 60, r: 30, t: 50, b: 50}, hovermode: 'x unified',
      xaxis: {title: {text: 'game date'}}, yaxis: {title: {text: 'points'}, rangemode: 'tozero'},
      legend: {orientation: 'h', y: -0.18}, plot_bgcolor: '#fff'};
    Plotly.react(div, traces, layout, {displaylogo: false, responsive: true});
  }
  sel.addEventListener('change', function () { draw(parseInt(sel.value, 10)); });
  if (data.length) { draw(0); }
})();
"""


def _player_section(wh: Warehouse, start: date, end: date, top: int) -> str:
    data = _player_data(wh, start, end, top)
    if not data:
        return "<p class='empty'>No feature-store rows with labels in the range.</p>"
    opts = "".join(
        f"<option value='{i}'>{_esc(p['name'])} ({p['points']:,.0f} pts, {p['games']} games)</option>"
        for i, p in enumerate(data)
    )
    kinds = [s for p in data for s in p["line_src"] if s and s != NO_SOURCE]
    synthetic = sum(s == SYNTHETIC for s in kinds)
    counts = (
        f"<p class='explain'>Lines on this page: {len(kinds) - synthetic:,} from sportsbooks, "
        f"{synthetic:,} synthetic.</p>"
    )
    return (
        counts
        + f"<p><label class='pick' for='player-select'>Player</label><select id='player-select'>{opts}</select></p>"
        "<div id='fig-player' style='height:440px'></div>"
        f"<script type='application/json' id='player-data'>{_json(data)}</script>"
        f"<script>{PLAYER_JS}</script>"
    )


# -- the board and the results ledger ----------------------------------------------------------
KIND_COLORS = {"real": "#1d4ed8", "synthetic": "#f59e0b", "unknown": "#9ca3af"}


def _board_rows(wh: Warehouse) -> tuple[date | None, list[tuple]]:
    """The latest date `predict` wrote a board for (a backtest's rows have none) and its rows,
    the highest expected value first, then by projection."""
    t = quote_table(PREDICTIONS_TABLE)
    if not wh.table_exists(PREDICTIONS_TABLE) or "books" not in wh.columns(PREDICTIONS_TABLE):
        return None, []
    (on,) = wh.con.execute(f"SELECT max(game_date) FROM {t} WHERE books IS NOT NULL").fetchone() or (None,)
    if on is None:
        return None, []
    upgc = "analytics.upcoming_player_game_context"
    have = set(wh.columns(upgc)) if wh.table_exists(upgc) else set()
    want = ("player_name", "team_abbr", "opponent_team_abbr", "home_game", "minutes_avg_last_10", "report_status")
    ctx = ", ".join(f"u.{quote_ident(c)}" if c in have else f"NULL AS {quote_ident(c)}" for c in want)
    join = (
        f"LEFT JOIN {quote_table(upgc)} u ON u.player_lookup = p.player_lookup AND u.game_date = p.game_date"
        if have
        else ""
    )
    rows = wh.con.execute(
        f"""
        SELECT p.player_lookup, {ctx}, p.points_line, p.line_book, p.line_synthetic, p.predicted_points, p.p_over,
               p.fair_line, p.bet_side, p.bet_line, p.bet_book, p.bet_price_american, p.expected_value, p.edge,
               p.kelly_stake
        FROM {t} p {join}
        WHERE p.game_date = ?
        ORDER BY p.expected_value DESC NULLS LAST, p.predicted_points DESC, p.player_lookup""",
        [on],
    ).fetchall()
    return on, rows


def _board_section(wh: Warehouse) -> str:
    on, rows = _board_rows(wh)
    if on is None:
        return "<p class='empty'>No board yet: run <code>nbaprops predict --date D</code>.</p>"
    sources = line_sources(wh, on, on)

    def fmt(v, spec: str) -> str:
        return "" if v is None or v != v else format(v, spec)

    table = []
    for r in rows:
        lk, name, team, opp, home, minutes, status = r[:7]
        line, book, synthetic, proj, p_over, fair, side, bline, bbook, price, ev, edge, stake = r[7:]
        src = sources.get((lk, on))
        where = "" if line is None else (src.short if src else (SYNTHETIC if synthetic else book or NO_SOURCE))
        game = f"{team} {'vs' if home else '@'} {opp}" if team and opp else ""
        bet = f"{side} {bline:g} {bbook}" if side else ""
        table.append(
            (
                name or lk,
                game,
                fmt(minutes, ".0f"),
                status or "",
                fmt(line, "g"),
                where,
                fmt(proj, ".1f"),
                fmt(p_over, ".2f"),
                fmt(fair, "g"),
                bet,
                "" if price is None else f"{int(price):+d}",
                fmt(ev, ".3f"),
                "" if edge is None else f"{100 * edge:.1f}%",
                fmt(stake, ".3f"),
            )
        )
    bets = sum(1 for r in rows if r[15] is not None)
    return f"<p class='explain'>The board of <b>{on}</b>: {len(rows):,} players, {bets:,} bets.</p>" + _table(
        [
            "player",
            "game",
            "min",
            "status",
            "line",
            "line from",
            "proj",
            "P(over)",
            "fair",
            "bet",
            "price",
            "EV",
            "edge",
            "stake",
        ],
        table,
        num={2, 4, 6, 7, 8, 10, 11, 12, 13},
    )


def _pct(v: float | None) -> float | None:
    return None if v is None else 100 * v


def _counts(what: str, counts: dict[str, int]) -> str:
    """The number of bets (or rows) under a figure, so nobody reads noise as skill."""
    parts = ", ".join(f"{kind}: {n:,}" for kind, n in counts.items()) or "none"
    return f"<p class='explain'>{_esc(what)} — {parts}.</p>"


def _results_section(wh: Warehouse, start: date, end: date) -> str:
    import plotly.graph_objects as go

    from ..model.ledger import EDGE_BUCKETS, build_ledger, cumulative

    if not wh.table_exists(PREDICTIONS_TABLE):
        return "<p class='empty'>No predictions yet.</p>"
    led = build_ledger(wh, start, end)
    parts = []
    if led.calibration:
        fig = go.Figure(
            go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(color="#9ca3af", dash="dash"), name="perfect")
        )
        for c in led.calibration:
            bins = [b for b in c.bins if b["n"]]
            fig.add_trace(
                go.Scatter(
                    x=[b["mean_predicted"] for b in bins],
                    y=[b["observed_over_rate"] for b in bins],
                    customdata=[b["n"] for b in bins],
                    mode="lines+markers",
                    name=f"{c.kind} lines (Brier {c.scores['brier']:.4f})",
                    marker_color=KIND_COLORS.get(c.kind),
                    hovertemplate="P(over) %{x:.2f}: over %{y:.2f} (%{customdata:,} rows)<extra></extra>",
                )
            )
        fig.update_xaxes(title_text="mean P(over) in the bin", range=[0, 1])
        fig.update_yaxes(title_text="observed over rate", range=[0, 1])
        _layout(fig, "reliability of P(over)", height=420)
        parts.append(_fig_html(fig, "fig-reliability"))
        parts.append(_counts("rows with a line and an outcome", {c.kind: c.scores["n"] for c in led.calibration}))
    totals = {s.kind: s for s in led.totals}
    if not totals:
        parts.append(
            "<p class='empty'>No scored bets in the range (predict bets on real lines; on synthetic "
            "ones with --include-synthetic).</p>"
        )
        return "".join(parts) or "<p class='empty'>No predicted rows with an outcome in the range.</p>"
    fig = go.Figure()
    for kind in totals:
        cum = cumulative([b for b in led.scored if b.kind == kind])
        fig.add_trace(
            go.Scatter(
                x=[d.isoformat() for d, *_ in cum],
                y=[100 * roi for *_, roi in cum],
                customdata=[n for _, n, _, _ in cum],
                mode="lines+markers",
                name=f"{kind} lines",
                marker_color=KIND_COLORS.get(kind),
                hovertemplate="%{x}: ROI %{y:.1f}% after %{customdata:,} bets<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="game date")
    fig.update_yaxes(title_text="cumulative ROI, % (1 unit a bet)", ticksuffix="%")
    _layout(fig, "cumulative ROI at the recorded prices", height=380)
    parts.append(_fig_html(fig, "fig-roi"))
    parts.append(_counts("bets (won + lost)", {k: s.bets for k, s in totals.items()}))
    fig = go.Figure()
    labels = [label for label, _ in EDGE_BUCKETS]
    for kind in totals:
        per = {s.label: s for s in led.buckets if s.kind == kind}
        fig.add_trace(
            go.Bar(
                x=labels,
                y=[_pct(per[b].roi) if b in per else None for b in labels],
                text=[f"{per[b].bets} bets" if b in per else "" for b in labels],
                textposition="outside",
                name=f"{kind} lines",
                marker_color=KIND_COLORS.get(kind),
            )
        )
    fig.update_xaxes(title_text="edge (model minus no-vig probability)")
    fig.update_yaxes(title_text="ROI, %", ticksuffix="%")
    _layout(fig, "ROI by edge bucket", height=380, barmode="group")
    parts.append(_fig_html(fig, "fig-edges"))
    parts.append(
        _counts(
            "bets per edge bucket",
            {f"{s.kind} {s.label}": s.bets for s in led.buckets},
        )
    )
    summary = [
        (
            s.label,
            s.kind,
            s.bets,
            f"{s.won}-{s.lost}-{s.push}",
            s.void,
            None if s.hit_rate is None else f"{100 * s.hit_rate:.1f}%",
            s.units,
            None if s.roi is None else f"{100 * s.roi:.1f}%",
            s.clv_bets,
            "" if s.clv is None else f"{s.clv:+.2f}",
        )
        for s in led.periods + led.totals
    ]
    parts.append(
        "<details><summary>results by week</summary>"
        + _table(
            ["week", "lines", "bets", "W-L-P", "void", "hit", "units", "ROI", "CLV bets", "CLV"],
            summary,
            num={2, 4, 5, 6, 7, 8, 9},
        )
        + "</details>"
    )
    if led.pending:
        parts.append(f"<p class='explain'>{led.pending:,} more bets await their games' box scores.</p>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------
SECTIONS = (
    (
        "validation",
        "Validation summary",
        "The checks of <code>nbaprops validate</code> over the report's range: primary keys, Phase 4 universes "
        "(every entity has a row or a failure row), PROCESSING_ERROR = 0, critical fields, feature ranges, "
        "coverage and the failure ramp.",
    ),
    (
        "coverage",
        "Coverage (model × date)",
        "One cell per model and schedule game date (only dates with games: off-seasons and breaks are left out; "
        "a dark line marks each new season). Green = every entity of the date has a row; amber to red = the "
        "share of the Phase 4 universe with a row (the rest are recorded failures, e.g. the "
        f"{BOOTSTRAP_DAYS}-day bootstrap window); "
        "gray = the date was not computed (a gap). Hover for counts.",
    ),
    (
        "failures",
        "Phase 4 failures by category and week of season",
        "Failures written to processing.precompute_failures, by category and week of season (week 1 = opening "
        "night's week). Below: the failure rate (failures / (rows + failures)) per processor against the expected "
        "ramp: weeks 1–2 90–100 %, week 3 60–75 %, week 4 40–50 %, later 25–30 %.",
    ),
    (
        "timings",
        "Run timings per model",
        "Seconds spent reading (fingerprints and planning), computing and writing, summed over every run in "
        "reference.processor_run_history.",
    ),
    (
        "features",
        "Feature distributions and quality tiers per season",
        "The feature store's quality tiers and feature_quality_score per season, and the distribution of each "
        "registry feature (src/nbaprops/features.py).",
    ),
    (
        "players",
        "Player page",
        "Points per game (dots), the last-10 average entering each game (the feature points_avg_last_10) and the "
        "pre-tip points line over time, for the top scorers of the range; hovering a line shows where it comes "
        "from: its book and snapshot time (UTC), or 'synthetic' for a line nbaprops generated.",
    ),
    (
        "board",
        "The board",
        "The latest date <code>nbaprops predict</code> wrote: per player his game, last-10 minutes, injury-report "
        "status, the line and where it comes from, the projection (the median of his points distribution), "
        "P(over), the fair line (nearest an even chance) and the bet with the highest expected value at the "
        "books' prices, its edge over the no-vig probability and its quarter-Kelly stake.",
    ),
    (
        "results",
        "Results",
        "The bets <code>predict</code> recorded, scored against the box scores at the prices recorded then "
        "(as <code>nbaprops results</code>): P(over)'s reliability on every predicted row with a line, the "
        "cumulative ROI at 1 unit a bet, and the ROI per edge bucket, real and synthetic lines apart. The "
        "number of bets is under each figure: a few dozen bets are noise, not skill.",
    ),
)


def build_report(
    wh: Warehouse,
    start: date | None = None,
    end: date | None = None,
    *,
    players: int = 40,
    catalog: Catalog | None = None,
) -> tuple[str, list[str]]:
    """The report's HTML and the ids of the sections it holds."""
    from plotly.offline import get_plotlyjs

    catalog = catalog or Catalog.load()
    lo, hi = default_range(wh)
    start, end = start or lo, end or hi
    bodies: dict[str, str] = {}
    if start is None or end is None:
        for sid, _, _ in SECTIONS:
            bodies[sid] = "<p class='empty'>Nothing computed yet: run <code>nbaprops backfill</code>.</p>"
    else:
        bodies["validation"] = _validation_section(wh, start, end)
        bodies["coverage"] = _coverage_section(wh, catalog, start, end)
        bodies["failures"] = _failures_section(wh, catalog, start, end)
        bodies["timings"] = _timings_section(wh)
        bodies["features"] = _features_section(wh, start, end)
        bodies["players"] = _player_section(wh, start, end, players)
        bodies["board"] = _board_section(wh)
        bodies["results"] = _results_section(wh, start, end)
    nav = "".join(f"<a href='#{sid}'>{_esc(title.split(' (')[0])}</a>" for sid, title, _ in SECTIONS)
    secs = "".join(
        f"<section id='{sid}'><h2>{_esc(title)}</h2><p class='explain'>{explain}</p>{bodies[sid]}</section>"
        for sid, title, explain in SECTIONS
    )
    rng = f"{start} .. {end}" if start else "nothing computed"
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nbaprops report — {_esc(rng)}</title>
<style>{CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head><body>
<header><h1>nbaprops — warehouse report</h1>
<p>{_esc(wh.path)} · dates {_esc(rng)} · generated {datetime.now():%Y-%m-%d %H:%M} · nbaprops {__version__}</p></header>
<nav>{nav}</nav>
<main>{secs}</main>
<footer>Self-contained: plotly.js is embedded, the file opens without network.</footer>
</body></html>
"""
    return doc, [sid for sid, _, _ in SECTIONS]


def write_report(
    wh: Warehouse, out: str | Path, start: date | None = None, end: date | None = None, *, players: int = 40
) -> ReportInfo:
    doc, sections = build_report(wh, start, end, players=players)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(doc, encoding="utf-8")
    n = out.stat().st_size
    return ReportInfo(out, n, sections, f"{len(sections)} sections ({', '.join(sections)})")
