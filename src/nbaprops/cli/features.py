"""`nbaprops features PLAYER --date D`: one player's feature-store row, or why he has none."""

from __future__ import annotations

import typer

from .common import console, open_warehouse, parse_date
from .coverage import print_coverage
from .render import Col, Format, Listing, emit, format_option, messages, wide_option

FEATURE_COLS = (
    Col("feature", keep=True),
    Col("value", kind="float", digits=3),
    Col("source"),
    Col("default", kind="float", digits=1, wide=True),
    Col("definition", wide=True),
)
WINDOW_COLS = (
    Col("window"),
    Col("expected", kind="int"),
    Col("actual", kind="int"),
    Col("completeness_pct", "%", kind="float", digits=1),
)
FAILURE_COLS = (Col("processor"), Col("category"), Col("reason"))
REASON_COLS = (Col("kind"), Col("reason"))


def features_cmd(
    player: str = typer.Argument(
        ..., help="A player's name or lookup, any case, accents optional ('Nikola Jokic', nikolajokic)."
    ),
    on: str = typer.Option(..., "--date", help="The game date (YYYY-MM-DD)."),
    fmt: Format = format_option(),
    wide: bool = wide_option(),
) -> None:
    """One player's feature-store row on D: value and source per feature, quality, completeness
    per window and its reason, Phase 4 failures of the day, and the labels when he played.

    Without a row it says why: D not computed, no game on D, not expected on D (and the rule that
    excluded him, e.g. his last game was for another team), or a failure or missing dependency.
    CSV holds the features; JSON everything."""
    from ..inspect import player_day
    from ..line_source import describe, line_values
    from ..model.predict import check_coverage
    from ..players import find_player

    d = parse_date(on, "--date")
    with open_warehouse(read_only=True) as wh:
        p = find_player(wh, player)
        day = player_day(wh, p.lookup, d)
        check = check_coverage(wh, d) if day.has_row else None
    say = messages(fmt)
    failures = Listing(
        f"Phase 4 failures on {d} (the player or DATE_LEVEL)",
        FAILURE_COLS,
        day.missing.failures if day.missing else day.failures,
        name="failures",
    )
    missing = day.missing
    if missing is not None:  # no feature-store row: say why
        why = Listing(
            f"{p.name} ({p.lookup}) has no feature-store row on {d}",
            REASON_COLS,
            [(missing.kind, r) for r in missing.reasons],
            name="why",
        )
        if fmt == "table":
            say.print(
                f"{p.name} ({p.lookup}) has no feature-store row on {d}: {missing.kind.replace('_', ' ')}",
                markup=False,
                highlight=False,
            )
            for r in missing.reasons:
                say.print(f"  - {r}", markup=False, highlight=False)
            if failures.rows:
                emit(failures, wide=wide)
        else:
            emit([why, failures], fmt)
        return
    ctx = day.context
    feats = Listing(
        f"features ({ctx.get('feature_version')})",
        FEATURE_COLS,
        [(f.name, f.value, f.source, f.default, f.definition) for f in day.features],
        name="features",
    )
    windows = Listing(
        "completeness (games before D)",
        WINDOW_COLS,
        [(w.window, w.expected, w.actual, w.pct) for w in day.windows],
        name="completeness",
    )
    src = day.line
    line = line_values(src)
    if fmt != "table":
        head = Listing(
            "row",
            [Col(k) for k in ("player_lookup", "player_name", "game_date", *ctx, *day.quality, *line, *day.labels)],
            [(p.lookup, p.name, d, *ctx.values(), *day.quality.values(), *line.values(), *day.labels.values())],
            name="row",
        )
        if check is not None and check.model is not None:
            print_coverage(say, check.known, check.gaps, check.line_note)
        emit([feats, head, windows, failures] if fmt == "csv" else [head, feats, windows, failures], fmt)
        return
    q = day.quality
    console.print(
        f"{p.name} ({p.lookup}) on {d}: {ctx.get('team_abbr')} vs {ctx.get('opponent_team_abbr')}, "
        f"game {ctx.get('game_id')}",
        markup=False,
        highlight=False,
    )
    console.print(
        f"quality {q.get('feature_quality_score')} ({q.get('quality_tier')}), "
        f"{q.get('default_feature_count')} features at their default; production ready: "
        f"{'yes' if q.get('is_production_ready') else 'no'}, training ready: "
        f"{'yes' if q.get('is_training_ready') else 'no'}",
        markup=False,
        highlight=False,
    )
    if q.get("completeness_reason"):
        console.print(f"completeness: {q['completeness_reason']}", markup=False, highlight=False)
    values = {f.name: f.value for f in day.features}
    console.print(describe(values.get("vegas_points_line"), src), markup=False, highlight=False)
    if check is not None and check.model is not None:  # D's rows against the model predict would use
        print_coverage(say, check.known, check.gaps, check.line_note)
    emit([feats, windows], wide=wide)
    if failures.rows:
        emit(failures, wide=wide)
    labels = day.labels
    if labels.get("label_played"):
        console.print(
            "labels (outcomes of D, never features): "
            + ", ".join(f"{k.removeprefix('label_')} {v}" for k, v in labels.items()),
            markup=False,
            highlight=False,
        )
    else:
        console.print("labels: he did not play on D (or D has not been played yet)")
