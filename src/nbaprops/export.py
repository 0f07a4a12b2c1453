"""A warehouse table, or a date range of it, written to a Parquet or CSV file (`nbaprops export`).

Every table the warehouse holds can be exported (models, sources, the quarantined rows, the
failures, the predictions ...); the table name must be one of them, it and its date column are
quoted as identifiers and the dates bound as parameters.

The feature store (predictions.ml_feature_store_v2) explains itself: its Parquet file carries, from
the feature registry (nbaprops.features), a description of every column in the schema metadata —
per feature its definition, source chain, default, range and units; per `<name>_source` column
what its tags mean; per label its rule — and, table-level, the feature version, the first law and
the lists of keys, features and labels (`feature_store_metadata`). Two options shape it:
`columns="training"` keeps only the keys, the features and the labels; `missing="null"` writes NULL
for a feature whose `<name>_source` is 'default' (no data: the registry default otherwise).

A table that carries the points line (LINE_OF: the feature store, the predictions, UPGC) gets,
right after it, where the line comes from: its book, snapshot time, whether it is synthetic and a
readable source (line_source.LINE_COLUMNS); not in the feature store's training columns."""

from __future__ import annotations

import errno
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import features, line_source
from .catalog import SOURCE_TABLES, SOURCE_TIME_COLUMNS, Catalog
from .errors import BadInputError
from .warehouse import Warehouse, quote_ident, quote_table


@dataclass(frozen=True)
class ExportResult:
    table: str
    path: Path
    rows: int
    format: str = "parquet"
    columns: int = 0
    described: bool = False  # the Parquet schema metadata describes the columns (the feature store)


FORMATS = {".parquet": "parquet", ".csv": "csv"}
FEATURE_STORE = "predictions.ml_feature_store_v2"
# --columns: every column of the table, or the keys, the features and the labels only
COLUMN_SETS = ("all", "training")
# --missing: where a feature had no data (<name>_source = 'default'), the stored registry default or NULL
MISSING_VALUES = ("default", "null")
# Tables that carry the points line, and its column: the export adds the line's source after it.
LINE_OF = {
    FEATURE_STORE: "vegas_points_line",
    "predictions.player_points_predictions": "points_line",
    "analytics.upcoming_player_game_context": "current_points_line",
}
# A table outside the catalog filters on the first of these it has.
DATE_COLUMNS = ("game_date", "analysis_date", "cache_date", "target_date", "transaction_date")


def exportable_tables(catalog: Catalog) -> dict[str, str | None]:
    """The catalog's tables (models and sources) -> their date column (None: none to filter on)."""
    known: dict[str, str | None] = {m.table: m.time_column for m in catalog.ordered()}
    known.update({t: SOURCE_TIME_COLUMNS.get(t) for t in SOURCE_TABLES})
    return known


def warehouse_tables(wh: Warehouse) -> list[str]:
    """Every table and view the warehouse holds, as schema.table."""
    return [
        f"{s}.{t}"
        for s, t in wh.con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "UNION SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() "
            "AND NOT internal ORDER BY 1, 2"
        ).fetchall()
    ]


def out_format(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise BadInputError(f"--out {out}: the file name must end with .parquet or .csv (the format follows it)")
    return fmt


def export_table(
    table: str,
    out: Path,
    *,
    start: date | None = None,
    end: date | None = None,
    warehouse: str | os.PathLike | None = None,
    memory_limit: str | None = None,
    catalog: Catalog | None = None,
    columns: str = "all",
    missing: str = "default",
) -> ExportResult:
    """Write `table` (rows with its date column in [start, end] when given) to `out`, as Parquet
    or CSV by the file's extension.

    Any table the warehouse holds can be exported (the name must be one of them; it is quoted as
    an identifier, the dates bound). The feature store's Parquet file describes its columns in
    the schema metadata; `columns` ("all" | "training") and `missing` ("default" | "null") shape
    it (see the module's docstring) and apply to the feature store only. The warehouse is closed
    before the file is written: a writer waits only for the read."""
    fmt = out_format(out)
    if columns not in COLUMN_SETS:
        raise BadInputError(f"--columns {columns}: one of {', '.join(COLUMN_SETS)}")
    if missing not in MISSING_VALUES:
        raise BadInputError(f"--missing {missing}: one of {', '.join(MISSING_VALUES)}")
    if table != FEATURE_STORE and (columns, missing) != ("all", "default"):
        opts = " and ".join(
            o
            for o, on in ((f"--columns {columns}", columns != "all"), (f"--missing {missing}", missing != "default"))
            if on
        )
        raise BadInputError(
            f"{opts} applies to {FEATURE_STORE} only (its features and labels); {table} is exported whole"
        )
    known = exportable_tables(catalog or Catalog.load())
    with Warehouse.open(warehouse, read_only=True, memory_limit=memory_limit) as wh:
        held = warehouse_tables(wh)
        if table not in held:
            if table in known:
                raise BadInputError(f"table {table} has not been built yet: run `nbaprops backfill` first")
            raise BadInputError(f"unknown table {table!r}; tables: {', '.join(held)}")
        where, params = [], []
        tc = known.get(table) or next((c for c in DATE_COLUMNS if c in wh.columns(table)), None)
        if start or end:
            if not tc:
                raise BadInputError(f"{table} has no date column to filter on")
            if start:
                where.append(f"{quote_ident(tc)} >= ?")
                params.append(start)
            if end:
                where.append(f"{quote_ident(tc)} <= ?")
                params.append(end)
        select = "*"
        clause = " WHERE " + " AND ".join(where) if where else ""
        if table == FEATURE_STORE:
            select = ", ".join(feature_store_select(wh.columns(table), columns=columns, missing=missing))
            if "feature_version" in wh.columns(table):  # the registry describes these rows only if it built them
                stale = [
                    v
                    for (v,) in wh.con.execute(
                        f"SELECT DISTINCT feature_version FROM {quote_table(table)}{clause}", params
                    ).fetchall()
                    if v != features.FEATURE_VERSION
                ]
                if stale:
                    raise BadInputError(
                        f"{table} holds rows of feature version {', '.join(map(str, stale))}, the "
                        f"registry is {features.FEATURE_VERSION}: rebuild it with "
                        "`nbaprops backfill --force`"
                    )
        data = wh.con.sql(f"SELECT {select} FROM {quote_table(table)}{clause}", params=params).to_arrow_table()
        line = LINE_OF.get(table, "")
        keyed = {"player_lookup", "game_date"} <= set(data.column_names)
        if line and line in data.column_names and keyed and columns == "all":  # training: keys, features, labels only
            data = line_source.add_line_columns(wh, data, line, start, end)
    described = table == FEATURE_STORE and fmt == "parquet"
    if described:
        data = with_feature_store_metadata(data, columns=columns, missing=missing, start=start, end=end)
    write_arrow(data, out, fmt)
    return ExportResult(
        table=table, path=out, rows=data.num_rows, format=fmt, columns=data.num_columns, described=described
    )


# -- the feature store: its columns, described from the registry --------------------------------------
KEY_COLUMNS = ("player_lookup", "game_date", "game_id", "season_year", "team_abbr", "opponent_team_abbr")
FIRST_LAW = (
    "A row keyed on game_date D describes the state entering the games of D: every feature uses "
    "only games before D and sportsbook snapshots taken before tip-off; the label_* columns are "
    "outcomes of D and feed no feature."
)
KEY_DESCRIPTIONS = {
    "player_lookup": "the player: his name NFKD-normalised, accents removed, lowercased, [a-z0-9] only",
    "game_date": "D, the date of the game; every feature describes the state entering D",
    "game_id": "the official 10-character NBA game id of the player's game on D",
    "season_year": "the season, by the year it starts (2023 = 2023-24)",
    "team_abbr": "the player's team on D (tricode)",
    "opponent_team_abbr": "the opponent on D (tricode)",
}
# The label rules (analytics.upcoming_player_game_context and the feature store's SQL).
LABEL_RULES = {
    "label_points": "outcome of D: points scored, only when label_played is TRUE; NULL when he did not play "
    "or it is unknown (a game not played has no points outcome; 0 is a scoreless game played)",
    "label_minutes": "outcome of D: decimal minutes played, only when label_played is TRUE; NULL otherwise",
    "label_played": "outcome of D: TRUE when he played (minutes > 0 or points > 0 in D's box score), FALSE "
    "when he did not (listed as not playing, or absent from his team's box score), NULL when "
    "his team's box score of D is missing",
    "label_over_line": "outcome of D: label_points > the current pre-tip line (vegas_points_line), only when he "
    "played and a pre-tip line exists; NULL otherwise",
}
SOURCE_TAGS = {
    "phase4": "read from a Phase 4 (precompute) row of the player or team for D",
    "phase3": "computed from the player's Phase 3 row for D alone (analytics.upcoming_player_game_context)",
    "calculated": "computed in the feature store from the player's or teams' earlier games or the book lines",
    "default": "nothing was available: the registry default (NULL for an optional feature, and with --missing null)",
}
_WINDOWS = {
    "l10": "his last 10 expected games before D",
    "l5": "his last 5 expected games before D",
    "l7d": "D-7 <= date < D",
    "l14d": "D-14 <= date < D",
}
_COMPLETENESS = {
    "expected_games": "games the schedule expected of the player's team(s), over {w}",
    "actual_games": "of the expected games, those his analytics.player_game_summary rows hold, over {w}",
    "completeness_pct": "actual_games / expected_games * 100, over {w}",
}


def _other_description(name: str) -> tuple[str, str] | None:
    """(kind, description) of the feature store's quality and completeness columns."""
    weights = ", ".join(f"{s} {w:g}" for s, w in features.QUALITY_WEIGHTS.items())
    quality = {
        "feature_version": "the feature registry's version that built the row",
        "feature_count": "how many features the registry had",
        "feature_quality_score": f"mean of the features' source weights ({weights}), 0-100",
        "default_feature_count": "how many non-optional features fell back to their default",
        "quality_tier": "the worst that holds of the row: "
        + "; ".join(f"{t}: {d}" for t, d in features.QUALITY_TIERS.items()),
        "is_training_ready": "default_feature_count = 0",
        "feed_gaps": "the source feeds that do not cover D (analytics.feed_coverage), why, and the features they "
        "leave at their default; NULL when every feed covers D",
        "is_production_ready": "every completeness window >= 90 % and no hole in the week before D",
        "completeness_reason": "why the row is not production ready (NULL when it is)",
    }
    if name in quality:
        return ("quality" if not name.startswith(("is_production", "completeness")) else "completeness", quality[name])
    for suffix, text in _COMPLETENESS.items():
        if name == suffix:
            return "completeness", text.format(w=_WINDOWS["l10"]) + " (the primary window)"
        window = name.removesuffix("_" + suffix)
        if name.endswith("_" + suffix) and window in _WINDOWS:
            return "completeness", text.format(w=_WINDOWS[window])
    return None


def describe_column(name: str, *, missing: str = "default") -> dict[str, str]:
    """What a feature-store column holds, as string pairs (the Parquet field metadata): `kind`
    (key / feature / source / label / quality / completeness / unknown) and `description`; for a
    feature also its index, definition, first source, source chain, default, range, units,
    whether it is optional and what a missing value holds; for a source column the tags it can
    hold and what they mean; for a label its rule."""
    fmap = features.by_name()
    if name in fmap:
        f = fmap[name]
        unit = features.units(name)
        default = "NULL" if f.default is None else f"{f.default:g}"
        md = {
            "kind": "feature",
            "index": str(f.index),
            "definition": f.definition,
            "first_source": f.source,
            "source_chain": ", ".join([s for s, _ in f.chain] + ["default"]),
            "default": default,
            "range_min": f"{f.lo:g}",
            "range_max": f"{f.hi:g}",
            "optional": "true" if f.optional else "false",
            "missing": (
                f"NULL where {name}_source is 'default'"
                if missing == "null"
                else f"the registry default ({default}) where {name}_source is 'default'"
            ),
        }
        if unit:
            md["units"] = unit
        md["description"] = f"{f.definition}" + (f" [{unit}]" if unit else "")
        return md
    if name.endswith("_source") and name.removesuffix("_source") in fmap:
        f = fmap[name.removesuffix("_source")]
        tags = {s: SOURCE_TAGS[s] for s in [*dict.fromkeys(s for s, _ in f.chain), "default"]}
        return {
            "kind": "source",
            "feature": f.name,
            "tags": json.dumps(tags),
            "description": f"where {f.name} came from: " + "; ".join(f"'{s}' {m}" for s, m in tags.items()),
        }
    if name in LABEL_RULES:
        return {"kind": "label", "rule": LABEL_RULES[name], "description": LABEL_RULES[name]}
    if name in line_source.LINE_DESCRIPTIONS:
        return {"kind": "line", "description": line_source.LINE_DESCRIPTIONS[name]}
    if name in KEY_DESCRIPTIONS:
        return {"kind": "key", "description": KEY_DESCRIPTIONS[name]}
    other = _other_description(name)
    if other:
        return {"kind": other[0], "description": other[1]}
    return {"kind": "unknown", "description": "not described by the feature registry"}


def feature_store_select(have: list[str], *, columns: str = "all", missing: str = "default") -> list[str]:
    """The SELECT list of a feature-store export: every column, or (training) the keys, the
    registry's features and the labels; with missing="null" a feature whose source is 'default'
    is NULL. The registry's features must all be present for either option."""
    regs = [f.name for f in features.FEATURES]
    if (columns, missing) != ("all", "default"):
        need = [*KEY_COLUMNS, *regs, *(f"{n}_source" for n in regs), *features.LABELS]
        lacking = [c for c in need if c not in have]
        if lacking:
            raise BadInputError(
                f"{FEATURE_STORE} lacks columns {lacking[:5]}{' ...' if len(lacking) > 5 else ''}: "
                "rebuild it with `nbaprops backfill --force`"
            )
    names = [*KEY_COLUMNS, *regs, *features.LABELS] if columns == "training" else list(have)
    feats = set(regs)
    return [
        f"CASE WHEN {quote_ident(c + '_source')} = 'default' THEN NULL ELSE {quote_ident(c)} END AS {quote_ident(c)}"
        if missing == "null" and c in feats
        else quote_ident(c)
        for c in names
    ]


def feature_store_metadata(
    column_names: list[str],
    *,
    columns: str = "all",
    missing: str = "default",
    start: date | None = None,
    end: date | None = None,
) -> dict[str, str]:
    """The table-level Parquet metadata of a feature-store export (keys prefixed `nbaprops.`):
    the table, the feature version, the first law, the column set and missing-value choice, the
    lists of keys, features and labels it holds, the source tags and every column's description
    (JSON: the field metadata again, for readers that show only the file's key-value metadata)."""
    regs = [f.name for f in features.FEATURES]
    present = set(column_names)
    md = {
        "table": FEATURE_STORE,
        "feature_version": features.FEATURE_VERSION,
        "first_law": FIRST_LAW,
        "columns": columns,
        "missing": (
            "NULL where a feature's <name>_source is 'default' (no data)"
            if missing == "null"
            else "the registry default where a feature's <name>_source is 'default' (no data)"
        ),
        "keys": json.dumps([c for c in KEY_COLUMNS if c in present]),
        "features": json.dumps([n for n in regs if n in present]),
        "labels": json.dumps([c for c in features.LABELS if c in present]),
        "source_tags": json.dumps(SOURCE_TAGS),
        "column_descriptions": json.dumps({c: describe_column(c, missing=missing) for c in column_names}),
    }
    if start or end:
        md["date_range"] = f"{start or ''}..{end or ''}"
    return {f"nbaprops.{k}": v for k, v in md.items()}


def with_feature_store_metadata(
    data, *, columns: str = "all", missing: str = "default", start: date | None = None, end: date | None = None
):
    """The Arrow table `data` (a feature-store export) with its columns described: field metadata
    per column (describe_column) and the table-level metadata (feature_store_metadata)."""
    import pyarrow as pa

    fields = [fld.with_metadata(describe_column(fld.name, missing=missing)) for fld in data.schema]
    meta = feature_store_metadata(data.column_names, columns=columns, missing=missing, start=start, end=end)
    return pa.Table.from_arrays(data.columns, schema=pa.schema(fields, metadata=meta))


# An output path that cannot be opened is bad input (exit 2); other write errors (a full disk) are not.
_BAD_PATH_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EROFS}


def write_arrow(data, out: Path, fmt: str | None = None) -> None:
    """An Arrow table to `out` as Parquet or CSV (by the extension unless `fmt` is given)."""
    fmt = fmt or out_format(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(data, out)
        else:
            import pyarrow.parquet as pq

            pq.write_table(data, out, compression="zstd")
    except OSError as exc:
        if exc.errno in _BAD_PATH_ERRNOS or isinstance(exc, (FileNotFoundError, PermissionError)):
            raise BadInputError(f"--out {out}: cannot write there ({exc.strerror or 'not writable'})") from None
        raise
