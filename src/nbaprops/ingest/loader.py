"""Load a folder of input files into the raw tables, all in one transaction.

Per file: stage it, check columns and types (a missing column or a value of the wrong type
stops the whole ingest with exit code 2 and leaves the warehouse untouched), normalise keys,
run the row checks (failing rows go to processing.rejected_rows), drop exact repeats, reject
conflicting duplicates, then upsert with content hashes so an unchanged row is left alone.
A The Odds API body (.json, recognised by its content) is flattened into rows by odds_api.py, and
the NBA's injury report (.pdf, recognised by its content) is read into rows by injury_report.py;
either is staged in place of a file's rows, and from there it goes the same way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from .. import keys, players
from ..catalog import SOURCE_TABLE_ORDER, SOURCE_TIME_COLUMNS
from ..errors import BadInputError
from ..synth import props as synth_props
from ..warehouse import Warehouse, one, quote_ident
from . import injury_report, odds_api
from .sources import (
    ALL_KINDS,
    DERIVED_SCHEDULE_SOURCE,
    DERIVED_SCHEDULE_SQL,
    INJURY_REPORT,
    ODDS_API_GAME_LINES,
    ODDS_API_PROPS,
    FileKind,
    is_ignored,
    kind_for,
)

BUNDLED_DATA = Path(__file__).resolve().parents[3] / "data" / "real"
INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "HUGEINT"}
NUMERIC_TYPES = INTEGER_TYPES | {"DOUBLE", "FLOAT", "REAL", "DECIMAL"}


@dataclass
class FileResult:
    file: str
    kind: str
    target: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_unchanged: int = 0
    rows_duplicate: int = 0
    rows_superseded: int = 0
    # alternate lines (counted in rows_superseded too): other points of a line the file lists
    # several times for one key (a book's several points for one player at one time)
    rows_alternate: int = 0
    rows_rejected: int = 0
    # rows of a correction that was refused (counted in rows_rejected too): a game or key that
    # is already loaded keeps its previous version when any new row of it is rejected
    rows_refused: int = 0
    refused: list[str] = field(default_factory=list)  # the games or keys refused
    # how the file's rows found their player (None: the file has no player rows): by the NBA
    # player id, by the same spelling, by an alias (suffix or known alias), by the reference list
    # of players without a game (reference/players_without_games.csv); unresolved rows
    # (no roster player of the season, or several) are quarantined and counted in rows_rejected
    rows_by_id: int | None = None
    rows_by_name: int | None = None
    rows_by_alias: int | None = None
    rows_by_reference: int | None = None
    rows_unresolved: int | None = None
    games_derived: int = 0  # schedule rows derived from this file's box scores (games the schedule lacks)


@dataclass
class IngestReport:
    ingest_id: str
    folder: str
    files: list[FileResult] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # (file, what): The Odds API bodies with nothing to load, markets that are not loaded
    notes: list[tuple[str, str]] = field(default_factory=list)
    table_counts: dict[str, int] = field(default_factory=dict)
    props_generated: int = 0
    props_changed: int = 0
    # the synthetic lines regenerated: None = all of them (or none: props_generated 0), else
    # (players, games) whose changes reached them (see synth/props.py)
    props_scope: tuple[int, int] | None = None
    rejected_total: int = 0
    # per source (raw table's source): rows resolved by id, by name, by alias, by the reference
    # list of players without a game, unresolved
    player_resolution: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def games_derived(self) -> int:
        return sum(f.games_derived for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def rows_refused(self) -> int:
        return sum(f.rows_refused for f in self.files)


def _base_type(t: str) -> str:
    return t.split("(")[0].upper()


def _first_line(exc: BaseException) -> str:
    """DuckDB's message in one line: its first line, plus the line that says what is wrong when
    the first one only says where (CSV errors: "CSV Error on Line: 2" / "Invalid unicode …")."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    if not lines:
        return type(exc).__name__
    out = lines[0]
    if "CSV Error on Line" in out:
        for ln in lines[1:]:
            if not ln.startswith(("Original Line", "Possible Solution", "LINE ", "file =", "^")) and "=" not in ln:
                out += f" ({ln})"
                break
    return out


def _replace_temp(
    con: duckdb.DuckDBPyConnection, name: str, what: str, sql: str | None = None, params: list | None = None
) -> None:
    """Drop temp table or view `name` (whichever it is, if any), then, given `sql`, create it
    again as a `what` ('TABLE' or 'VIEW')."""
    # (fetchall: no unfinished result is left on the connection, which register() refuses)
    if con.execute("SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = ?", [name]).fetchall()[0][0]:
        con.execute(f"DROP VIEW {quote_ident(name)}")
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [name]).fetchall()[0][0]:
        con.execute(f"DROP TABLE {quote_ident(name)}")
    if sql is not None:
        con.execute(f"CREATE TEMP {what} {quote_ident(name)} AS {sql}", params or [])


def _is_parquet(path: Path) -> bool:
    return path.name.lower().endswith(".parquet")


def _read_file(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Stage a Parquet or CSV file as _src with a 1-based data row number _row: a Parquet file
    as a view over the file (read where a step needs it, never copied), a CSV file as a temp
    table.

    CSV is read as text (types are checked column by column afterwards, so an error can name
    the row and column). A column of the file that is itself called `_row` is not used."""
    parquet = _is_parquet(path)
    try:
        if parquet:
            source = "read_parquet(?)"
        else:
            source = "read_csv(?, header = true, all_varchar = true)"
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}", [str(path)]).fetchall()]
        keep = ", ".join(quote_ident(c) for c in cols if c.strip().lower() != "_row")
        if not keep:
            raise BadInputError("the file has no columns", file=path.name)
        if parquet and "file_row_number" not in cols:
            # a view: the file is read where a step needs it, never copied into memory
            literal = "'" + str(path).replace("'", "''") + "'"
            sql = f"SELECT {keep}, file_row_number + 1 AS _row FROM read_parquet({literal}, file_row_number = true)"
            _replace_temp(con, "_src", "VIEW", sql)
        else:  # row_number() over the scan keeps file order (insertion order is preserved)
            sql = f"SELECT {keep}, row_number() OVER () AS _row FROM {source}"
            _replace_temp(con, "_src", "TABLE", sql, [str(path)])
    except duckdb.Error as exc:
        raise BadInputError(f"cannot read the file ({_first_line(exc)})", file=path.name) from exc


def _typed_check(col: str, orig: str, have: str, want: str) -> tuple[str, str | None, str | None]:
    """How column `col` gets its type: (expression, value, bad) where `bad` is the SQL condition
    (over `value`, when not NULL) of a value that does not convert exactly (no rounding of 12.5
    into an integer, no overflow); value and bad are None when no value can fail."""
    src = quote_ident(orig)
    have_b, want_b = _base_type(have), _base_type(want)
    if have_b == want_b and want_b not in ("DOUBLE", "FLOAT", "REAL"):
        return src, None, None
    if (have_b in NUMERIC_TYPES and want_b in NUMERIC_TYPES) or (want_b == "DATE" and have_b.startswith("TIMESTAMP")):
        value, expr = src, f"TRY_CAST({src} AS {want})"
    else:
        value = f"nullif(trim(CAST({src} AS VARCHAR)), '')"
        expr = f"TRY_CAST({value} AS {want})"
    bad = f"{expr} IS NULL"
    if want_b in INTEGER_TYPES:  # TRY_CAST rounds 12.5 to 13: refuse values that are not whole
        bad += f" OR TRY_CAST({value} AS DOUBLE) <> {expr}"
    elif want_b in ("DOUBLE", "FLOAT", "REAL"):
        bad += f" OR NOT isfinite({expr})"
    return expr, value, bad


def _raise_bad_value(
    con: duckdb.DuckDBPyConnection, path: Path, col: str, orig: str, want: str, value: str, bad: str
) -> None:
    """BadInputError naming the first row whose value of `col` does not convert (if any)."""
    src = quote_ident(orig)
    row = con.execute(
        f"SELECT _row, CAST({src} AS VARCHAR) FROM _src WHERE {value} IS NOT NULL AND ({bad}) ORDER BY _row LIMIT 1"
    ).fetchone()
    if row:
        shown = row[1] if len(row[1]) <= 60 else row[1][:57] + "..."
        what = {
            "INTEGER": "a whole number",
            "BIGINT": "a whole number",
            "DOUBLE": "a finite number",
            "DATE": "a date like 2024-01-31",
            "TIMESTAMP": "a timestamp like 2024-01-31 19:00:00",
            "BOOLEAN": "true or false",
        }.get(_base_type(want), want)
        raise BadInputError(f"expected {what}, got {shown!r}", file=path.name, column=col, row=int(row[0]))


def _stage_typed(con: duckdb.DuckDBPyConnection, path: Path, kind: FileKind) -> int:
    """Check columns and types of _src; build the view _typed (typed columns, _row and
    _player_lookup). Returns the number of data rows."""
    described = con.execute("DESCRIBE _src").fetchall()
    present: dict[str, tuple[str, str]] = {}
    for col_name, col_type, *_ in described:
        if col_name == "_row":
            continue
        low = col_name.strip().lower()
        if low in present:
            raise BadInputError("the column appears twice", file=path.name, column=low)
        present[low] = (col_name, col_type)
    for col in kind.required:
        if col not in present:
            raise BadInputError(
                f"required column is missing (a {kind.name} file needs: {', '.join(kind.required)})",
                file=path.name,
                column=col,
            )
    exprs: dict[str, str] = {}
    checked: list[tuple[str, str, str, str, str]] = []  # (col, orig, want, value, bad)
    for col, want in {**kind.required, **kind.optional}.items():
        if col not in present:
            exprs[col] = f"NULL::{want}"
        else:
            orig, have = present[col]
            exprs[col], value, bad = _typed_check(col, orig, have, want)
            if value is not None and bad is not None:
                checked.append((col, orig, want, value, bad))
    if checked:  # one pass over the file for every column; the first column with a bad value is named
        flags = one(
            con.execute(
                "SELECT "
                + ", ".join(f"coalesce(bool_or({value} IS NOT NULL AND ({bad})), false)" for *_, value, bad in checked)
                + " FROM _src"
            )
        )
        for flag, (col, orig, want, value, bad) in zip(flags, checked, strict=True):
            if flag:
                _raise_bad_value(con, path, col, orig, want, value, bad)
    selects = ["_row"] + [f"{e} AS {quote_ident(c)}" for c, e in exprs.items()]
    if "player_name" in exprs:
        # player_lookup is computed in Python (one definition: keys.player_lookup) once per
        # distinct name and joined back on.
        name_expr = exprs["player_name"]
        _add_lookups(con, f"SELECT DISTINCT {name_expr} AS n FROM _src")
        body = (
            f"SELECT {', '.join(selects)}, l.lookup AS _player_lookup, l.base AS _player_base FROM _src "
            f"LEFT JOIN _lookup l ON l.name = {name_expr}"
        )
    else:
        body = f"SELECT {', '.join(selects)} FROM _src"
    con.execute(f"CREATE OR REPLACE TEMP VIEW _typed AS {body}")
    return _count(con, "_src")


def _add_lookups(con: duckdb.DuckDBPyConnection, names_sql: str) -> None:
    """Add the names `names_sql` yields (column 1) to _lookup with their player_lookup and
    base lookup, computed in Python (one definition: keys)."""
    names = [
        r[0]
        for r in con.execute(
            f"SELECT n FROM ({names_sql}) x(n) WHERE n IS NOT NULL AND n NOT IN (SELECT name FROM _lookup)"
        ).fetchall()
    ]
    if names:
        con.executemany(
            "INSERT INTO _lookup VALUES (?, ?, ?)", [(n, keys.player_lookup(n), keys.base_lookup(n)) for n in names]
        )


def _register_helpers(con: duckdb.DuckDBPyConnection) -> None:
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in keys.TRICODE_VARIANTS.items())
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO norm_team(x) AS CASE upper(trim(x)) {cases} ELSE nullif(upper(trim(x)), '') END"
    )
    # NBA game ids are 10 characters; shorter ones lost their leading zeros (CSV, integers).
    # Longer ones are kept as they are (and then match no game) rather than cut to 10.
    con.execute(
        "CREATE OR REPLACE TEMP MACRO norm_gid(x) AS "
        "CASE WHEN length(trim(x)) BETWEEN 1 AND 10 THEN lpad(trim(x), 10, '0') "
        "ELSE nullif(trim(x), '') END"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _lookup (name VARCHAR PRIMARY KEY, lookup VARCHAR, base VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE _aliases (alias_lookup VARCHAR, player_id BIGINT)")
    con.executemany(
        "INSERT INTO _aliases VALUES (?, ?)",
        [(keys.player_lookup(a.alias_name), a.player_id) for a in keys.player_aliases()],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _without_games (lookup VARCHAR, player_id BIGINT, team_abbr VARCHAR, "
        "season_year INTEGER)"
    )
    con.executemany(
        "INSERT INTO _without_games VALUES (?, ?, ?, ?)",
        [
            (keys.player_lookup(p.player_name), p.player_id, p.team_abbr, p.season_year)
            for p in players.players_without_games()
        ],
    )
    con.execute("""CREATE OR REPLACE TEMP VIEW _schedule_slots AS
                   SELECT game_id, game_date, season_year, season_type, home_team_abbr AS team_abbr FROM raw.schedule
                   UNION ALL
                   SELECT game_id, game_date, season_year, season_type, away_team_abbr FROM raw.schedule""")


def _required_columns(wh: Warehouse, kind: FileKind) -> list[str]:
    schema, name = kind.target.split(".", 1)
    not_null = [
        r[0]
        for r in wh.con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND NOT is_nullable "
            "ORDER BY column_index",
            [schema, name],
        ).fetchall()
    ]
    return list(dict.fromkeys([*kind.key, *not_null]))


def _target_columns(wh: Warehouse, target: str) -> list[str]:
    return [c for c in wh.columns(target) if c not in ("source", "source_file", "row_hash", "ingested_at")]


def _rank_case(target: str) -> str:
    ranks = {k.source: k.source_rank for k in ALL_KINDS if k.target == target}
    return "CASE source " + " ".join(f"WHEN '{s}' THEN {r}" for s, r in ranks.items()) + " ELSE 0 END"


def _load_file(wh: Warehouse, path: Path, kind: FileKind, now: datetime, ingest_id: str) -> FileResult:
    """One file, inside the ingest's transaction (see _load_rows). A Parquet file is read lazily,
    so damaged data pages fail whichever step first reads them: a DuckDB error there is the file's
    fault when the file alone cannot be read in full, and then named as such."""
    try:
        return _load_rows(wh, path, kind, now, ingest_id)
    except duckdb.Error as exc:
        if _is_parquet(path) and _unreadable_parquet(path):
            raise BadInputError(f"cannot read the file ({_first_line(exc)})", file=path.name) from exc
        raise


def _unreadable_parquet(path: Path) -> bool:
    """Whether reading every value of the Parquet file fails. On a connection of its own: the
    ingest's transaction is aborted by the error that asks."""
    with duckdb.connect() as con:
        try:
            con.execute("SELECT bit_xor(hash(t)) FROM read_parquet(?) t", [str(path)]).fetchall()
        except duckdb.Error:
            return True
    return False


def _load_rows(wh: Warehouse, path: Path, kind: FileKind, now: datetime, ingest_id: str) -> FileResult:
    """One file, inside the ingest's transaction. Nothing the size of the file is copied: _src
    (a Parquet file), _typed, _norm and _good are views, read where a step needs them, and the
    good rows go from the file straight into the raw table. What is materialised is small: the
    rejected rows (_rej), the rows of keys the file lists more than once (_duprows), one row per
    player spelling (_res) or per game (_games)."""
    con = wh.con
    res = FileResult(file=path.name, kind=kind.name, target=kind.target)
    _replace_temp(con, "_src", "TABLE")
    if kind.stage is not None:
        kind.stage(con, path)
    else:
        _read_file(con, path)
    res.rows_read = _stage_typed(con, path, kind)
    if kind.derives_schedule:
        res.games_derived = _derive_schedule(wh, path, now)
    _replace_temp(con, "_norm", "VIEW")
    try:
        for name, sql in kind.prepare:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(name)} AS {sql}")
        if kind.resolve_players:
            _replace_temp(con, "_norm_in", "VIEW", kind.select_sql)
            _resolve_players(con)
        else:
            _replace_temp(con, "_norm", "VIEW", kind.select_sql)
        if kind.target in kind.select_sql:
            # the rows read the raw table they load into (a value the body lacks is kept from the
            # loaded row): fixed before the upsert changes that table (such files are small)
            _replace_temp(con, "_norm_fixed", "TABLE", "SELECT * FROM _norm")
            _replace_temp(con, "_norm", "VIEW", "SELECT * FROM _norm_fixed")
    except duckdb.Error as exc:
        raise BadInputError(f"cannot normalise the rows ({_first_line(exc)})", file=path.name) from exc

    content = _target_columns(wh, kind.target)
    # Row checks → rejects (one row per file row and column; reasons joined), in one pass.
    # Safety net: a row that passed the checks but lacks a value the raw table requires
    # (NOT NULL or key column) is quarantined too, never allowed to fail the whole ingest.
    required = [c for c in _required_columns(wh, kind) if c in content]
    failing = "[" + ", ".join(_check_item(*check) for check in kind.checks) + "]"
    if required:
        which = "CASE " + " ".join(f"WHEN {quote_ident(c)} IS NULL THEN '{c}'" for c in required) + " END"
        missing = (
            f"CASE WHEN {' OR '.join(f'{quote_ident(c)} IS NULL' for c in required)} "
            f"THEN {{'column_name': {which}, 'reason': 'required value missing'}} END"
        )
    else:
        missing = "NULL"
    try:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _rej AS
            WITH f AS (SELECT _row, list_filter({failing}::STRUCT(column_name VARCHAR, reason VARCHAR)[],
                                                lambda x: x IS NOT NULL) AS l, {missing} AS m
                       FROM _norm),
                 u AS (SELECT _row, unnest(CASE WHEN len(l) = 0 AND m IS NOT NULL THEN [m] ELSE l END) AS c FROM f)
            SELECT _row, c.column_name AS column_name, string_agg(DISTINCT c.reason, '; ' ORDER BY c.reason) AS reason
            FROM u GROUP BY ALL""")
    except duckdb.Error as exc:
        raise BadInputError(f"cannot normalise the rows ({_first_line(exc)})", file=path.name) from exc
    # _good: the rows to load, with their content hash; rows leave it by entering _rej (rejected,
    # refused), _dropped (repeats, alternates) or, of a whole game, _skip_games (superseded)
    con.execute("CREATE OR REPLACE TEMP TABLE _dropped (_row BIGINT)")
    con.execute("CREATE OR REPLACE TEMP TABLE _skip_games (game_id VARCHAR)")
    skip = " AND NOT EXISTS (SELECT 1 FROM _skip_games s WHERE s.game_id = n.game_id)" if kind.upsert == "game" else ""
    _replace_temp(
        con,
        "_good",
        "VIEW",
        f"SELECT {', '.join('n.' + quote_ident(c) for c in content)}, {_hash_expr(content, 'n.')} AS row_hash, n._row "
        "FROM _norm n WHERE NOT EXISTS (SELECT 1 FROM _rej r WHERE r._row = n._row) "
        f"AND NOT EXISTS (SELECT 1 FROM _dropped d WHERE d._row = n._row){skip}",
    )
    # Duplicates: exact repeats are dropped (counted); conflicting values on one key are rejected.
    # (Not for a key the loader numbers itself, e.g. a shot's place in its game: unique anyway.)
    if not kind.key_is_generated:
        _set_aside_duplicates(con, kind, res)
    has_rejects = _count(con, "_rej") > 0
    if has_rejects:
        if kind.upsert == "game":
            _refuse_partial_games(wh, kind, res)
        elif kind.refuse_corrections:  # (a snapshot's rejected row is no correction: see FileKind)
            _refuse_rejected_keys(wh, kind, res)
    res.rows_rejected = one(con.execute("SELECT count(DISTINCT _row) FROM _rej"))[0]
    clustered = _scan_norm(con, kind, res)
    _record_rejects(con, path, kind, now, has_rejects)
    if kind.upsert == "game":
        _upsert_games(wh, kind, content, path, now, res, clustered)
    else:
        _upsert_keys(wh, kind, content, path, now, res, clustered)
    con.execute(
        "INSERT INTO processing.ingest_log (ingest_id, source_file, file_kind, target_table, rows_read, "
        "rows_loaded, rows_unchanged, rows_duplicate, rows_superseded, rows_rejected, ingested_at, rows_refused, "
        "rows_by_id, rows_by_name, rows_by_alias, rows_unresolved, games_derived, rows_by_reference) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ingest_id,
            path.name,
            kind.name,
            kind.target,
            res.rows_read,
            res.rows_loaded,
            res.rows_unchanged,
            res.rows_duplicate,
            res.rows_superseded,
            res.rows_rejected,
            now,
            res.rows_refused,
            res.rows_by_id,
            res.rows_by_name,
            res.rows_by_alias,
            res.rows_unresolved,
            res.games_derived,
            res.rows_by_reference,
        ],
    )
    return res


ROW_GROUP_ROWS = 122_880  # DuckDB's row group
CLUSTERED_GROUPS_PER_DATE = 4  # file order is kept when a date's rows lie in at most this many row groups (mean)


def _scan_norm(con: duckdb.DuckDBPyConnection, kind: FileKind, res: FileResult) -> bool:
    """One pass over _norm for two small answers: how the rows found their player (rows_by_*,
    for a kind whose rows have _resolved_by), and whether the file is clustered by date already:
    its rows, in file order and cut in blocks of a row group, hold each date in at most
    CLUSTERED_GROUPS_PER_DATE blocks on average (a file sorted by date, or made of a few sorted
    runs). Then its rows are inserted in file order; otherwise sorted by date."""
    cols = [r[0] for r in con.execute("DESCRIBE _norm").fetchall()]
    date = quote_ident(SOURCE_TIME_COLUMNS[kind.target])
    # (a team's NOT YET SUBMITTED row of the injury report, player_lookup '', is no player's)
    how = (
        "CASE WHEN nullif(player_lookup, '') IS NOT NULL THEN coalesce(_resolved_by, 'unresolved') END"
        if "_resolved_by" in cols
        else "NULL::VARCHAR"
    )
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _scan AS
        SELECT GROUPING(how) AS by_block, how, block, d, count(*) AS n
        FROM (SELECT {how} AS how, _row // {ROW_GROUP_ROWS} AS block, {date} AS d FROM _norm)
        GROUP BY GROUPING SETS ((how), (block, d))""")
    if "_resolved_by" in cols:
        by = dict(con.execute("SELECT how, n FROM _scan WHERE by_block = 0 AND how IS NOT NULL").fetchall())
        res.rows_by_id, res.rows_by_name = by.get("id", 0), by.get("name", 0)
        res.rows_by_alias, res.rows_unresolved = by.get("alias", 0), by.get("unresolved", 0)
        res.rows_by_reference = by.get("reference", 0)
    pairs, dates = one(con.execute("SELECT count(*), count(DISTINCT d) FROM _scan WHERE by_block = 1"))
    return pairs <= CLUSTERED_GROUPS_PER_DATE * max(dates, 1)


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return con.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0]


def _check_item(column: str, reason: str, condition: str, detail: str | None = None) -> str:
    """One check as a list item over a row of _norm: its column and reason (plus the row's
    detail) when the row fails it, else NULL."""
    literal = "'" + reason.replace("'", "''") + "'"  # a constant of sources.py, quoted as SQL text
    why = literal + (f" || ': ' || coalesce(CAST(({detail}) AS VARCHAR), '(none)')" if detail else "")
    return f"CASE WHEN coalesce(({condition}), false) THEN {{'column_name': '{column}', 'reason': {why}}} END"


def _set_aside_duplicates(con: duckdb.DuckDBPyConnection, kind: FileKind, res: FileResult) -> None:
    """Keys the file lists more than once: exact repeats are dropped (counted as duplicates);
    with main_line_order, the others are alternates of one line, the first kept (see
    _set_aside_alternates); else conflicting values on one key reject every row of the key.
    Only the rows of such keys are copied (_duprows); the rows set aside enter _dropped or _rej."""
    key = ", ".join(quote_ident(k) for k in kind.key)
    # keys grouped by their hash (one integer): a hash listed more than once holds every key
    # listed more than once (and, rarely, two keys of one hash: each is then kept by the steps
    # below, which group on the key itself)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _dupkeys AS SELECT hash({key}) AS h FROM _good GROUP BY ALL HAVING count(*) > 1"
    )
    if not _count(con, "_dupkeys"):
        return
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _duprows AS SELECT * FROM _good WHERE hash({key}) IN (SELECT h FROM _dupkeys)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _dupall AS SELECT _row FROM _duprows")
    if kind.main_line_order:
        _set_aside_alternates(con, kind, res)
    con.execute(f"""INSERT INTO _rej SELECT _row, '{kind.key[0]}', 'duplicate key with conflicting values'
                    FROM _duprows WHERE ({key}) IN (SELECT ({key}) FROM _duprows GROUP BY ALL
                                                    HAVING count(DISTINCT row_hash) > 1)""")
    con.execute("DELETE FROM _duprows WHERE _row IN (SELECT _row FROM _rej)")
    before = _count(con, "_duprows")
    con.execute(f"DELETE FROM _duprows WHERE _row NOT IN (SELECT min(_row) FROM _duprows GROUP BY {key})")
    res.rows_duplicate += before - _count(con, "_duprows")
    con.execute("""INSERT INTO _dropped SELECT _row FROM _dupall
                   WHERE _row NOT IN (SELECT _row FROM _duprows) AND _row NOT IN (SELECT _row FROM _rej)""")


def _set_aside_alternates(con: duckdb.DuckDBPyConnection, kind: FileKind, res: FileResult) -> None:
    """Several rows of one key are one line listed several times (a book's several points for a
    player at one time): exact repeats are duplicates; of the others the first in the kind's main
    line order is kept and the rest are counted as superseded alternates (not loaded). Works on
    _duprows (the rows of the keys listed more than once)."""
    key = ", ".join(quote_ident(k) for k in kind.key)
    before = _count(con, "_duprows")
    con.execute(f"DELETE FROM _duprows WHERE _row NOT IN (SELECT min(_row) FROM _duprows GROUP BY {key}, row_hash)")
    after = _count(con, "_duprows")
    res.rows_duplicate += before - after
    con.execute(f"""DELETE FROM _duprows WHERE _row IN (
                        SELECT _row FROM _duprows
                        QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY {kind.main_line_order}) > 1)""")
    res.rows_alternate = after - _count(con, "_duprows")
    res.rows_superseded += res.rows_alternate


def _derive_schedule(wh: Warehouse, path: Path, now: datetime) -> int:
    """Schedule rows for the file's games that the schedule lacks (sources.DERIVED_SCHEDULE_SQL),
    with source 'box_score'. Returns how many were added."""
    con = wh.con
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _derived AS {DERIVED_SCHEDULE_SQL}")
    except duckdb.Error as exc:
        raise BadInputError(f"cannot derive schedule rows ({_first_line(exc)})", file=path.name) from exc
    content = _target_columns(wh, "raw.schedule")
    hash_expr = _hash_expr(content)
    return one(
        con.execute(
            f"INSERT INTO raw.schedule ({_insert_cols(content)}) SELECT {', '.join(quote_ident(c) for c in content)}, "
            f"?, ?, {hash_expr}, ? FROM _derived",
            [DERIVED_SCHEDULE_SOURCE, path.name, now],
        )
    )[0]


def _resolve_players(con: duckdb.DuckDBPyConnection) -> None:
    """Resolve each row of _norm_in to a roster player (see sources.py): by NBA id, by the same
    spelling, by a known alias, by the spelling without a generational suffix. The rosters of
    the row's own season come first, then the nearest season with a match (a player out for a
    whole season has no row in it); within it the first rule that finds anyone decides, and
    several candidates are narrowed to the row's team. Last of all, where none of these finds
    anyone in any season: the first name cut to its initial ("J. Isaac"), by the same season order
    (two players it could be: ambiguous, unresolved).
    Resolution is computed once per distinct (season, id, spelling, team) into _res, and the view
    _norm is _norm_in with player_lookup and player_id (the roster's), _resolved_by and
    _candidates (0: nobody, 1: resolved, more: ambiguous, left unresolved) filled in. A row no
    roster player matches resolves, last, to a player of reference/players_without_games.csv of
    the same spelling, season and team (_resolved_by 'reference')."""
    _add_lookups(con, "SELECT DISTINCT player_name FROM raw.player_boxscores")
    # a first name cut to its initial, as some books print it ("J. Isaac"): the roster name's
    # first letter and the lookup of the rest of it
    rest = "substr(b.player_name, strpos(b.player_name, ' ') + 1)"
    _add_lookups(con, f"SELECT DISTINCT {rest} FROM raw.player_boxscores b WHERE strpos(b.player_name, ' ') > 0")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _roster AS
        SELECT DISTINCT b.season_year, b.player_id, b.player_lookup, b.team_abbr, l.base,
               lower(left(b.player_name, 1)) || i.lookup AS initial_lookup
        FROM raw.player_boxscores b LEFT JOIN _lookup l ON l.name = b.player_name
        LEFT JOIN _lookup i ON strpos(b.player_name, ' ') > 0 AND i.name = {rest}""")
    cols = [r[0] for r in con.execute("DESCRIBE _norm_in").fetchall()]
    has_team = "team_abbr" in cols
    team = "k.team_abbr" if has_team else "NULL::VARCHAR"

    def rkey(p: str) -> str:  # one resolution per distinct (season, id, spelling, team)
        return (
            f"concat_ws('|', coalesce(CAST({p}_season AS VARCHAR), ''), coalesce(CAST({p}player_id AS VARCHAR), ''), "
            f"coalesce({p}_spelling_lookup, ''), coalesce({p}_base, ''), "
            + (f"coalesce({p}team_abbr, '')" if has_team else "''")
            + ")"
        )

    con.execute(f"""CREATE OR REPLACE TEMP TABLE _res AS
        WITH k AS (SELECT DISTINCT {rkey("")} AS rkey, _season, player_id, _spelling_lookup, _base,
                          {"team_abbr" if has_team else "NULL::VARCHAR AS team_abbr"}
                   FROM _norm_in WHERE _spelling_lookup IS NOT NULL),
        cand AS (
            SELECT k.rkey, {team} AS team, r.player_lookup, r.player_id, r.team_abbr AS r_team,
                   abs(r.season_year - k._season) AS dist, 0 AS prio, 'id' AS how
            FROM k JOIN _roster r ON r.player_id = k.player_id
            UNION ALL
            SELECT k.rkey, {team}, r.player_lookup, r.player_id, r.team_abbr, abs(r.season_year - k._season), 1, 'name'
            FROM k JOIN _roster r ON r.player_lookup = k._spelling_lookup
            UNION ALL
            SELECT k.rkey, {team}, r.player_lookup, r.player_id, r.team_abbr, abs(r.season_year - k._season), 2, 'alias'
            FROM k JOIN _aliases a ON a.alias_lookup = k._spelling_lookup
                   JOIN _roster r ON r.player_id = a.player_id
            UNION ALL
            SELECT k.rkey, {team}, r.player_lookup, r.player_id, r.team_abbr, abs(r.season_year - k._season), 3, 'alias'
            FROM k JOIN _roster r ON r.base = k._base
            UNION ALL  -- the first name as its initial: last, and only where no other rule finds anyone
            SELECT k.rkey, {team}, r.player_lookup, r.player_id, r.team_abbr, abs(r.season_year - k._season) + 100, 4,
                   'alias'
            FROM k JOIN _roster r ON r.initial_lookup = k._spelling_lookup),
        best AS (SELECT * FROM cand WHERE dist IS NOT NULL
                 QUALIFY rank() OVER (PARTITION BY rkey ORDER BY dist, prio) = 1),
        narrowed AS (  -- several players: those of the row's team, when any
            SELECT * FROM best
            QUALIFY NOT bool_or(r_team IS NOT DISTINCT FROM team AND team IS NOT NULL) OVER (PARTITION BY rkey)
                 OR r_team = team)
        SELECT k.rkey, count(DISTINCT n.player_lookup)::INTEGER AS candidates, min(n.player_lookup) AS player_lookup,
               min(n.player_id) AS player_id, min(n.how) AS how
        FROM k LEFT JOIN narrowed n ON n.rkey = k.rkey GROUP BY k.rkey""")
    # Last: a real player no roster has (no game in the box scores or game logs), listed in
    # reference/players_without_games.csv, by the same spelling, season and team.
    by_team = " AND w.team_abbr = a.team_abbr" if has_team else ""
    replace = [
        "CASE WHEN w.lookup IS NOT NULL THEN 1 WHEN a._r_key IS NOT NULL THEN a._r_cand ELSE a._candidates END"
        " AS _candidates",
        "CASE WHEN w.lookup IS NOT NULL THEN 'reference' WHEN a._r_key IS NOT NULL THEN a._r_how "
        "ELSE a._resolved_by END AS _resolved_by",
        "CASE WHEN w.lookup IS NOT NULL THEN w.lookup WHEN a._r_cand = 1 THEN a._r_lookup ELSE a.player_lookup END"
        " AS player_lookup",
        "CASE WHEN w.lookup IS NOT NULL THEN w.player_id WHEN a._r_cand = 1 THEN a._r_id ELSE a.player_id END"
        " AS player_id",
    ]
    if "resolved_by" in cols:
        replace.append(
            "CASE WHEN w.lookup IS NOT NULL THEN 'reference' WHEN a._r_key IS NOT NULL THEN a._r_how "
            "ELSE a.resolved_by END AS resolved_by"
        )
    _replace_temp(
        con,
        "_norm",
        "VIEW",
        f"""WITH a AS (
                SELECT n.*, r.rkey AS _r_key, r.candidates AS _r_cand, r.player_lookup AS _r_lookup,
                       r.player_id AS _r_id, CASE WHEN r.candidates = 1 THEN r.how END AS _r_how
                FROM _norm_in n LEFT JOIN _res r ON r.rkey = {rkey("n.")}),
            w AS (SELECT lookup, season_year, team_abbr, min(player_id) AS player_id
                  FROM _without_games GROUP BY ALL)
            SELECT a.* EXCLUDE (_r_key, _r_cand, _r_lookup, _r_id, _r_how) REPLACE ({", ".join(replace)})
            FROM a LEFT JOIN w ON (CASE WHEN a._r_key IS NOT NULL THEN a._r_cand ELSE a._candidates END) = 0
                              AND w.lookup = a._spelling_lookup AND w.season_year = a._season{by_team}""",
    )


def _refuse_partial_games(wh: Warehouse, kind: FileKind, res: FileResult) -> None:
    """A game is replaced as a whole, so only by a complete, valid new version: when any new
    row of a game that is already loaded is rejected, and the valid rest differs from what is
    loaded, the game keeps its previous version and every new row of it goes to quarantine
    with a reason that says the correction was refused. (A game not yet loaded loads its
    valid rows: nothing is lost; a game whose valid rows equal what is loaded is unchanged.)"""
    con = wh.con
    rank = _rank_case(kind.target)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _refused AS
        WITH bad AS (SELECT n.game_id, count(DISTINCT r._row) AS n_bad FROM _rej r JOIN _norm n ON n._row = r._row
                     WHERE n.game_id IS NOT NULL GROUP BY n.game_id),
             existing AS (SELECT game_id, md5(string_agg(row_hash, ',' ORDER BY row_hash)) AS h, max({rank}) AS top
                          FROM {kind.target} WHERE game_id IN (SELECT game_id FROM bad) GROUP BY game_id),
             incoming AS (SELECT game_id, md5(string_agg(row_hash, ',' ORDER BY row_hash)) AS h FROM _good
                          WHERE game_id IN (SELECT game_id FROM existing) GROUP BY game_id)
        SELECT b.game_id, b.n_bad FROM bad b JOIN existing e USING (game_id) LEFT JOIN incoming i USING (game_id)
        -- a game held by a higher-ranked source is not replaced anyway (superseded)
        WHERE e.top <= ? AND i.h IS DISTINCT FROM e.h""",
        [kind.source_rank],
    )
    if not _count(con, "_refused"):
        return
    con.execute("""UPDATE _rej SET reason = reason || '; correction of game ' || f.game_id
                                         || ' refused: its previous version is kept'
                   FROM _norm n JOIN _refused f ON f.game_id = n.game_id WHERE n._row = _rej._row""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _refused_rows AS
                   SELECT g._row, 'game_id' AS column_name, 'correction of game ' || g.game_id || ' refused: '
                       || f.n_bad || ' of its new rows were rejected; its previous version is kept' AS reason
                   FROM _good g JOIN _refused f ON f.game_id = g.game_id""")
    con.execute("INSERT INTO _rej SELECT * FROM _refused_rows")  # (so they leave _good)
    res.rows_refused = one(con.execute("SELECT count(*) FROM _norm WHERE game_id IN (SELECT game_id FROM _refused)"))[0]
    res.refused = [r[0] for r in con.execute("SELECT game_id FROM _refused ORDER BY game_id").fetchall()]


def _refuse_rejected_keys(wh: Warehouse, kind: FileKind, res: FileResult) -> None:
    """A rejected row whose key is already loaded never touches the loaded row; its reason
    says the correction was refused."""
    con = wh.con
    on = " AND ".join(f"t.{quote_ident(k)} = n.{quote_ident(k)}" for k in kind.key)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _refused AS
        SELECT DISTINCT n._row, concat_ws(' / ', {", ".join(f"n.{quote_ident(k)}" for k in kind.key)}) AS unit
        FROM _norm n JOIN {kind.target} t ON {on}
        WHERE n._row IN (SELECT _row FROM _rej)""")
    if not _count(con, "_refused"):
        return
    con.execute("""UPDATE _rej SET reason = reason || '; correction refused: the loaded row of this key is kept'
                   WHERE _row IN (SELECT _row FROM _refused)""")
    res.rows_refused = _count(con, "_refused")
    res.refused = [r[0] for r in con.execute("SELECT DISTINCT unit FROM _refused ORDER BY unit").fetchall()]


def _record_rejects(
    con: duckdb.DuckDBPyConnection, path: Path, kind: FileKind, now: datetime, has_rejects: bool = True
) -> None:
    """Replace the file's quarantine rows of this kind only when they differ (re-ingest changes
    nothing). Per kind: one The Odds API body can give rows of two kinds."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _rej_rows AS
                   SELECT ? AS source_file, ? AS file_kind, r._row AS row_number, r.column_name, r.reason,
                          json_merge_patch(to_json(s), '{"_row": null}')::VARCHAR AS record
                   FROM _rej r JOIN _src s ON s._row = r._row"""
        + ("" if has_rejects else " LIMIT 0"),  # (no rejects: the file is not read again)
        [path.name, kind.name],
    )
    differs = one(
        con.execute(
            """
        SELECT count(*) FROM (
          (SELECT row_number, column_name, reason, record FROM _rej_rows
           EXCEPT SELECT row_number, column_name, reason, record FROM processing.rejected_rows
                  WHERE source_file = ? AND file_kind = ?)
          UNION ALL
          (SELECT row_number, column_name, reason, record FROM processing.rejected_rows
           WHERE source_file = ? AND file_kind = ?
           EXCEPT SELECT row_number, column_name, reason, record FROM _rej_rows))""",
            [path.name, kind.name, path.name, kind.name],
        )
    )[0]
    if differs:
        con.execute(
            "DELETE FROM processing.rejected_rows WHERE source_file = ? AND file_kind = ?", [path.name, kind.name]
        )
        con.execute(
            "INSERT INTO processing.rejected_rows SELECT source_file, file_kind, row_number, column_name, "
            "reason, record, ? FROM _rej_rows",
            [now],
        )


def _hash_expr(content: list[str], prefix: str = "") -> str:
    """A row's content hash over the given columns (unchanged content, unchanged hash)."""
    return (
        "md5(concat_ws('|', "
        + ", ".join(f"coalesce(CAST({prefix}{quote_ident(c)} AS VARCHAR), '\\N')" for c in content)
        + "))"
    )


def _insert_cols(content: list[str]) -> str:
    return ", ".join(quote_ident(c) for c in content) + ", source, source_file, row_hash, ingested_at"


def _insert_order(target: str, in_file_order: bool) -> str:
    """The order a file's rows are inserted in: by the table's date (then file order), so that
    row groups hold a few dates each and a query of one date skips the others (zone maps);
    file order when the file is clustered by date already (see _scan_norm)."""
    if in_file_order:
        return ""
    return f"ORDER BY {quote_ident(SOURCE_TIME_COLUMNS[target])}, _row"


def _upsert_keys(
    wh: Warehouse, kind: FileKind, content: list[str], path: Path, now: datetime, res: FileResult, clustered: bool
) -> None:
    """Row by row on the key: a row whose key is loaded with the same content (and source) is
    unchanged; with other content it replaces the loaded row; a new key is inserted. The raw
    table's key is the loader's to keep unique (the largest tables have no index on it)."""
    con = wh.con
    on = " AND ".join(f"t.{quote_ident(k)} = g.{quote_ident(k)}" for k in kind.key)
    loaded = _count(con, f"(SELECT 1 FROM {kind.target} LIMIT 1)")
    if loaded:
        # same content from another source (a schedule row derived from a box score) is replaced too
        res.rows_unchanged = one(
            con.execute(
                f"SELECT count(*) FROM _good g JOIN {kind.target} t ON {on} AND t.row_hash = g.row_hash "
                "AND t.source = ?",
                [kind.source],
            )
        )[0]
        con.execute(
            f"DELETE FROM {kind.target} t USING _good g WHERE {on} AND (t.row_hash <> g.row_hash OR t.source <> ?)",
            [kind.source],
        )
    new_only = f"WHERE NOT EXISTS (SELECT 1 FROM {kind.target} t WHERE {on}) " if loaded else ""
    res.rows_loaded = one(
        con.execute(
            f"INSERT INTO {kind.target} ({_insert_cols(content)}) "
            f"SELECT {', '.join('g.' + quote_ident(c) for c in content)}, ?, ?, g.row_hash, ? FROM _good g "
            f"{new_only}{_insert_order(kind.target, clustered)}",
            [kind.source, path.name, now],
        )
    )[0]


def _upsert_games(
    wh: Warehouse, kind: FileKind, content: list[str], path: Path, now: datetime, res: FileResult, clustered: bool
) -> None:
    """A game's rows arrive together: a full box score replaces the fallback rows of its game
    (also when it arrives later); fallback rows never replace a full box score."""
    con = wh.con
    rank = _rank_case(kind.target)
    # the file's games: one row each (how many rows it loads, whether it is loaded already)
    con.execute("CREATE OR REPLACE TEMP TABLE _games AS SELECT game_id, count(*) AS n FROM _good GROUP BY game_id")
    con.execute(
        f"""INSERT INTO _skip_games SELECT DISTINCT game_id FROM {kind.target}
            WHERE ({rank}) > ? AND game_id IN (SELECT game_id FROM _games)""",
        [kind.source_rank],
    )
    res.rows_superseded = one(
        con.execute("SELECT coalesce(sum(n), 0) FROM _games WHERE game_id IN (SELECT game_id FROM _skip_games)")
    )[0]
    # a game's content is compared (one hash over its rows) only where the game is loaded
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _existing AS
            SELECT game_id, md5(string_agg(row_hash, ',' ORDER BY row_hash)) AS h FROM {kind.target}
            WHERE game_id IN (SELECT game_id FROM _games) AND ({rank}) <= ?
              AND game_id NOT IN (SELECT game_id FROM _skip_games)
            GROUP BY game_id""",
        [kind.source_rank],
    )
    incoming = (
        """SELECT game_id, md5(string_agg(row_hash, ',' ORDER BY row_hash)) AS h
           FROM _good WHERE game_id IN (SELECT game_id FROM _existing) GROUP BY game_id"""
        if _count(con, "_existing")
        else "SELECT NULL::VARCHAR AS game_id, NULL::VARCHAR AS h WHERE false"
    )
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _game_cmp AS
        WITH incoming AS ({incoming})
        SELECT g.game_id, g.n, e.h IS NOT NULL AND e.h IS NOT DISTINCT FROM i.h AS same
        FROM _games g LEFT JOIN _existing e USING (game_id) LEFT JOIN incoming i USING (game_id)
        WHERE g.game_id NOT IN (SELECT game_id FROM _skip_games)""")
    res.rows_unchanged = one(con.execute("SELECT coalesce(sum(n), 0) FROM _game_cmp WHERE same"))[0]
    con.execute(
        f"DELETE FROM {kind.target} WHERE ({rank}) <= ? AND game_id IN (SELECT game_id FROM _game_cmp WHERE NOT same)",
        [kind.source_rank],
    )
    res.rows_loaded = one(
        con.execute(
            f"INSERT INTO {kind.target} ({_insert_cols(content)}) "
            f"SELECT {', '.join(quote_ident(c) for c in content)}, ?, ?, row_hash, ? FROM _good "
            "WHERE game_id IN (SELECT game_id FROM _game_cmp WHERE NOT same) "
            f"{_insert_order(kind.target, clustered)}",
            [kind.source, path.name, now],
        )
    )[0]


def _refresh_identity(con: duckdb.DuckDBPyConnection) -> None:
    """reference.player_identity: every spelling of every source's rows and the player it
    resolved to (rebuilt from the raw tables)."""
    con.execute("DELETE FROM reference.player_identity")
    con.execute("""INSERT INTO reference.player_identity
        SELECT player_lookup, max(player_id), source, spelling, min(resolved_by), sum(n), min(first_date),
               max(last_date)
        FROM (
            SELECT player_lookup, player_id, source, player_name AS spelling,
                   CASE WHEN player_id IS NOT NULL THEN 'id' ELSE 'name' END AS resolved_by,
                   count(*) AS n, min(game_date) AS first_date, max(game_date) AS last_date
            FROM raw.player_boxscores GROUP BY ALL
            UNION ALL
            SELECT player_lookup, player_id, source, player_name,
                   CASE WHEN player_id IS NOT NULL THEN 'id' ELSE 'name' END, count(*), min(game_date), max(game_date)
            FROM raw.shots GROUP BY ALL
            UNION ALL
            SELECT player_lookup, player_id, source, player_name, coalesce(resolved_by, 'name'), count(*),
                   min(transaction_date), max(transaction_date)
            FROM raw.injuries GROUP BY ALL
            UNION ALL
            SELECT player_lookup, player_id, source, player_name, coalesce(resolved_by, 'name'), count(*),
                   min(game_date), max(game_date)
            FROM raw.injury_report WHERE player_lookup <> '' GROUP BY ALL)
        GROUP BY player_lookup, source, spelling""")


def _refresh_players(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM reference.players")
    con.execute("""INSERT INTO reference.players
                   SELECT player_lookup, arg_max(player_id, game_date), arg_max(player_name, game_date),
                          min(game_date), max(game_date), count(*)::INTEGER
                   FROM raw.player_boxscores GROUP BY player_lookup""")


@dataclass
class InputScan:
    """What an ingest would load: the recognised files of a folder (or the one file given), in
    load order, and the files it skips."""

    root: Path
    plan: list[tuple[FileKind, Path]]
    unrecognised: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # (file, what): The Odds API bodies with nothing to load (events, scores), markets not loaded
    notes: list[tuple[str, str]] = field(default_factory=list)
    # The Odds API bodies: when each was true (they load in that order: the latest line of a game wins)
    as_of: dict[Path, datetime] = field(default_factory=dict)

    def sort(self) -> None:
        self.plan.sort(key=lambda kp: (kp[0].order, self.as_of.get(kp[1], datetime.min), kp[1].name))


def accepted_names() -> str:
    """The file names ingest recognises, for messages: `schedule_*, player_box_*, … (.parquet, .csv, .csv.gz)`."""
    names = ", ".join(p for k in ALL_KINDS for p in k.patterns)
    return (
        f"{names} (each .parquet, .csv or .csv.gz), or The Odds API (v4) response bodies (.json, any name), "
        "or the NBA's injury report (.pdf, any name)"
    )


def _is_json(path: Path) -> bool:
    return path.name.lower().endswith(".json")


def _is_pdf(path: Path) -> bool:
    return path.name.lower().endswith(".pdf")


def _plan_injury_report(scan: InputScan, path: Path) -> None:
    """A .pdf file is the NBA's injury report, recognised by page 1's title (BadInputError naming
    the file when it is none, or when pdfplumber is missing)."""
    scan.plan.append((INJURY_REPORT, path))
    scan.as_of[path] = injury_report.report_time(path)


def _plan_odds_body(scan: InputScan, path: Path) -> None:
    """A .json file is a The Odds API body, recognised by its content (BadInputError naming the
    file when it is none): its game markets and player points load; events or scores are noted."""
    body = odds_api.read_body(path)
    kinds = [k for k, has in ((ODDS_API_GAME_LINES, body.has_game_lines), (ODDS_API_PROPS, body.has_props)) if has]
    scan.plan.extend((k, path) for k in kinds)
    if body.as_of:
        scan.as_of[path] = body.as_of
    if not kinds:
        markets = f"; markets: {', '.join(body.other_markets)}" if body.other_markets else ""
        scan.notes.append((path.name, f"{body.describe()}, no player points or game odds{markets}: nothing to load"))
    elif body.other_markets:
        scan.notes.append((path.name, f"markets not loaded: {', '.join(body.other_markets)}"))


# The subfolders of an ingested folder that are read too: where `nbaprops fetch` puts The Odds
# API bodies and the injury reports, so that `nbaprops ingest <feed>/files` loads all it wrote.
# Named rather than every subfolder: the feed's cache, a user's archive/ or a hidden folder of
# staged files are never loaded by surprise.
FEED_SUBFOLDERS = ("odds", "injury_report")


def _folder_files(root: Path) -> list[Path]:
    """The files of `root` and of its FEED_SUBFOLDERS (one level down, not deeper), by name."""
    files = sorted(p for p in root.iterdir() if p.is_file())
    for sub in FEED_SUBFOLDERS:
        if (root / sub).is_dir():
            files += sorted(p for p in (root / sub).iterdir() if p.is_file())
    return files


def scan_input(path: str | Path | None = None) -> InputScan:
    """The files an ingest of `path` loads: a folder laid out like data/real/ (default: the
    bundled data), or one file with a recognised name, or The Odds API response bodies (.json
    files of any name, recognised by their content), or NBA injury reports (.pdf files of any
    name, recognised by their content). Of a folder: its files and those of its subfolders
    named in FEED_SUBFOLDERS (where `nbaprops fetch` writes them), no other subfolder. Raises
    BadInputError when the path does not exist or holds nothing to load (an empty folder, only
    unknown files), or when a .json file is no The Odds API body or a .pdf file no injury report
    (it names the file)."""
    root = Path(path) if path else BUNDLED_DATA
    if root.is_file() and (_is_json(root) or _is_pdf(root)):
        scan = InputScan(root=root, plan=[])
        (_plan_odds_body if _is_json(root) else _plan_injury_report)(scan, root)
        scan.sort()
        return scan
    if root.is_file():
        kind = kind_for(root.name)
        if kind is None:
            why = (
                "a season aggregate, which is not loaded (it describes the whole season)"
                if is_ignored(root.name)
                else "not a recognised file name"
            )
            raise BadInputError(f"{root}: {why}; ingest loads a folder, or a file, named {accepted_names()}")
        return InputScan(root=root, plan=[(kind, root)])
    if not root.is_dir():
        if root.exists():
            raise BadInputError(
                f"{root} is neither a folder nor a file; ingest loads a folder laid out like "
                f"data/real/, or one file named {accepted_names()}"
            )
        raise BadInputError(
            f"no such file or folder: {root}" + ("" if path else " (the bundled data is missing; pass a folder)")
        )
    scan = InputScan(root=root, plan=[])
    for p in _folder_files(root):
        if p.name.startswith(".") or p.name.lower().endswith((".md", ".txt")):
            continue
        if _is_json(p):
            _plan_odds_body(scan, p)
            continue
        if _is_pdf(p):
            _plan_injury_report(scan, p)
            continue
        kind = kind_for(p.name)
        shown = p.relative_to(root).as_posix()  # odds/x.csv: where to look
        if kind:
            scan.plan.append((kind, p))
        elif is_ignored(p.name):
            scan.ignored.append(shown)
        else:
            scan.unrecognised.append(shown)
    if not scan.plan and not scan.notes:
        found = scan.unrecognised + scan.ignored
        shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
        what = f"only files it does not load ({shown})" if found else "no data files"
        raise BadInputError(f"nothing to load in {root}: it holds {what}; ingest loads files named {accepted_names()}")
    scan.sort()
    return scan


def ingest_folder(
    wh: Warehouse, folder: str | Path | None = None, *, props_seed: int = synth_props.DEFAULT_SEED, on_file=None
) -> IngestReport:
    """Load every recognised file in `folder` (default: the bundled real data; or the one file
    `folder` names) in one transaction."""
    scan = scan_input(folder)
    ingest_id = uuid.uuid4().hex[:12]
    report = IngestReport(
        ingest_id=ingest_id,
        folder=str(scan.root),
        unrecognised=scan.unrecognised,
        ignored=scan.ignored,
        notes=scan.notes,
    )
    plan = scan.plan
    now = datetime.now()
    con = wh.con
    with wh.transaction():
        _register_helpers(con)
        had_synthetic = one(
            con.execute("SELECT count(*) FROM raw.player_points_props WHERE source = 'synthetic_props'")
        )[0]
        if had_synthetic:
            synth_props.snapshot_inputs(con)  # the lines' inputs before: regenerate only what changes
        changed_inputs = False
        for kind, path in plan:
            if on_file:
                on_file(path.name)
            res = _load_file(wh, path, kind, now, ingest_id)
            report.files.append(res)
            if kind.target in ("raw.schedule", "raw.player_boxscores", "raw.player_points_props") and res.rows_loaded:
                changed_inputs = True
        if plan:
            _refresh_players(con)
            _refresh_identity(con)
        for f in report.files:
            if f.rows_by_id is not None:
                src = next(k.source for k in ALL_KINDS if k.name == f.kind)
                counts = report.player_resolution.setdefault(
                    src, dict.fromkeys(("id", "name", "alias", "reference", "unresolved"), 0)
                )
                for how, n in (
                    ("id", f.rows_by_id),
                    ("name", f.rows_by_name),
                    ("alias", f.rows_by_alias),
                    ("reference", f.rows_by_reference),
                    ("unresolved", f.rows_unresolved),
                ):
                    counts[how] += n or 0
        has_synthetic = one(
            con.execute("SELECT count(*) FROM raw.player_points_props WHERE source = 'synthetic_props'")
        )[0]
        if changed_inputs or (plan and not has_synthetic):
            gen = synth_props.generate(con, seed=props_seed, now=now)
            report.props_generated, report.props_changed = gen.generated, gen.changed
            report.props_scope = (gen.scope.players, gen.scope.games) if gen.scope else None
        synth_props.drop_snapshot(con)
        for t in SOURCE_TABLE_ORDER:
            report.table_counts[t] = wh.count(t)
        report.rejected_total = wh.count("processing.rejected_rows")
        for tmp in (
            "_src",
            "_typed",
            "_norm",
            "_norm_in",
            "_norm_fixed",
            "_rej",
            "_good",
            "_dropped",
            "_skip_games",
            "_dupkeys",
            "_duprows",
            "_dupall",
            "_rej_rows",
            "_games",
            "_game_cmp",
            "_existing",
            "_scan",
            "_shot_runs",
            "_lookup",
            "_refused",
            "_refused_rows",
            "_derived",
            "_roster",
            "_res",
            "_aliases",
            "_without_games",
            "_schedule_slots",
        ):
            _replace_temp(con, tmp, "TABLE")
    return report
