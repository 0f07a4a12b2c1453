"""The warehouse's tables, their column types and which columns are never NULL — what the
dialect translation (nbaprops.dialects) needs to know about a model's expressions.

* Source and bookkeeping tables: the migrations build them, empty, in an in-memory DuckDB; the
  types and NOT NULL / PRIMARY KEY constraints are DuckDB's (information_schema).
* Model tables: each model's query runs over those empty tables with LIMIT 0, in dependency
  order, and becomes its table (without the failure columns of a model with failures, like the
  runner's table): the column types are DuckDB's types of the model's result. Which columns are
  never NULL follows from the query itself (`analyse`: a source column declared NOT NULL, not
  on the outer side of a join, and expressions over such values).

The result is cached in memory and, part by part, in a small file beside the catalog's cache:
the source tables keyed by the migrations (and the DuckDB and sqlglot versions), each model's
table by its rendered SQL and the types of the tables it reads. Building it all costs a few
seconds, a changed model only its own query, reading it a few milliseconds.

`analyse(tree, schema)` types one DuckDB query: it qualifies a copy of the tree against the
schema (sqlglot's qualify), annotates the copy's types (sqlglot's annotate_types, with DuckDB's
date arithmetic), works out the never-NULL columns scope by scope, and records both on the nodes
of the original tree (`node.meta`), which keeps its shape and spelling."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.schema import MappingSchema

from .cache import read_json, write_json
from .parameters import PARAMETERS

TYPE = "nbaprops_type"  # node.meta key: the name of the DataType.Type of a column or
# parameter, or "DATE" on any expression whose value is a DATE
NOT_NULL = "nbaprops_not_null"  # node.meta key (columns): never NULL
FAILURE_COLUMNS = ("failure_category", "failure_reason", "can_retry")
# The model parameters (nbaprops.parameters: $start_date, $end_date, $read_start) are bound to
# dates, never NULL.
_KEEP_ENTRIES = 200  # parts of warehouse schemas (other model versions) kept in the cache file
_KEEP_TYPES = 96  # typed queries kept in the cache file (a few model versions each)


@dataclass(frozen=True)
class WarehouseSchema:
    """Tables (schema.table) → columns → DuckDB type, and the columns never NULL."""

    tables: dict[str, dict[str, str]]
    not_null: dict[str, frozenset[str]]

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of the schema's content."""
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:32]

    @functools.cached_property
    def mapping(self) -> MappingSchema:
        nested: dict[str, Any] = {}  # db -> table -> column -> type
        for table, cols in self.tables.items():
            db, name = table.split(".", 1)
            nested.setdefault(db, {})[name] = dict(cols)
        return MappingSchema(nested, dialect="duckdb", normalize=False)

    def column_type(self, table: str, column: str) -> str | None:
        return self.tables.get(table, {}).get(column)

    def to_json(self) -> dict:
        return {"tables": self.tables, "not_null": {t: sorted(c) for t, c in self.not_null.items()}}


EMPTY = WarehouseSchema({}, {})


# -- building -----------------------------------------------------------------------------------
def _migrations_text() -> str:
    files = sorted(
        (f for f in resources.files("nbaprops.migrations").iterdir() if f.name.endswith(".sql")), key=lambda f: f.name
    )
    return "\0".join(f"{f.name}\0{f.read_text(encoding='utf-8')}" for f in files)


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    from importlib.metadata import version

    return f"sqlglot {sqlglot.__version__} duckdb {version('duckdb')}"


def _key(catalog) -> str:
    h = hashlib.sha256(f"{_versions()}\0{_migrations_text()}".encode())
    for m in catalog.ordered() if catalog is not None else ():
        h.update(f"\0{m.table}\0{m.kind}\0{m.sql}".encode())
    return h.hexdigest()


_MEMO: dict[str, WarehouseSchema] = {}


def warehouse_schema(catalog=None) -> WarehouseSchema:
    """The schema of the warehouse with the catalog's models. Without a catalog: the default
    one (Catalog.load()), read once per process."""
    if catalog is None:
        return _default_schema()
    key = _key(catalog)
    if key not in _MEMO:
        _MEMO[key] = build(catalog)
    return _MEMO[key]


@functools.lru_cache(maxsize=1)
def _default_schema() -> WarehouseSchema:
    from .catalog import Catalog

    return warehouse_schema(Catalog.load())


class _Scratch:
    """An in-memory DuckDB with the migrations applied, opened only when something must run."""

    def __init__(self):
        self.wh = None
        self.created: set[str] = set()

    def con(self, schema: WarehouseSchema, tables: tuple[str, ...] = ()):
        import duckdb

        from .warehouse import Warehouse

        if self.wh is None:
            self.wh = Warehouse(duckdb.connect(":memory:"), Path(":memory:"), read_only=False)
            self.wh.migrate()
        con = self.wh.con
        for t in tables:  # model tables known from the cache: created from their types
            if t not in self.created and t in schema.tables and not _exists(con, t):
                cols = ", ".join(f'"{c}" {typ}' for c, typ in schema.tables[t].items())
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {t.split('.')[0]}")
                con.execute(f"CREATE TABLE {t} ({cols})")
                self.created.add(t)
        return con

    def close(self) -> None:
        if self.wh is not None:
            self.wh.close()


def _exists(con, table: str) -> bool:
    db, name = table.split(".", 1)
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [db, name]
        ).fetchone()[0]
    )


def build(catalog=None) -> WarehouseSchema:
    """The schema: the migrations' tables in an in-memory DuckDB, then every model's result with
    LIMIT 0 in dependency order. Each part is kept in the cache file, keyed by what it depends
    on (the migrations; a model's rendered SQL and the types of the tables it reads), so that a
    changed model costs only its own query (and its dependants' if its columns changed). A
    model whose query fails is left out (its columns are of unknown type to its readers)."""
    import duckdb

    from .parameters import bind_parameters

    parts = _read_cache()
    used: dict[str, dict] = {}
    scratch = _Scratch()
    try:
        base_key = hashlib.sha256(f"sources\0{_versions()}\0{_migrations_text()}".encode()).hexdigest()
        part = parts.get(base_key)
        if part is None:
            con = scratch.con(EMPTY)
            nullable = _describe(con, nullable=True)
            part = {
                "tables": _describe(con),
                "not_null": {t: sorted(c for c, n in cols.items() if not n) for t, cols in nullable.items()},
            }
        used[base_key] = part
        tables = {t: dict(c) for t, c in part["tables"].items()}
        not_null = {t: frozenset(c) for t, c in part["not_null"].items()}
        schema = WarehouseSchema(tables, not_null)
        day = date(2000, 1, 1)
        for m in catalog.ordered() if catalog is not None else []:
            reads = {t: [schema.tables.get(t), sorted(schema.not_null.get(t, ()))] for t in m.depends_on}
            key = hashlib.sha256(
                json.dumps([base_key, m.table, m.kind, m.sql, reads], sort_keys=True).encode()
            ).hexdigest()
            part = parts.get(key)
            if part is None:
                con = scratch.con(schema, m.depends_on)
                params = bind_parameters(m.sql, "duckdb", m.lookback_days, day, day)
                exclude = f" EXCLUDE ({', '.join(FAILURE_COLUMNS)})" if m.writes_failures else ""
                try:
                    con.execute(
                        f"CREATE OR REPLACE TABLE {m.table} AS SELECT *{exclude} FROM ({m.sql}) LIMIT 0", params
                    )
                except duckdb.Error:
                    continue
                scratch.created.add(m.table)
                cols = _describe(con, m.table)[m.table]
                try:
                    outputs = analyse(sqlglot.parse_one(m.sql, read="duckdb"), schema)
                except sqlglot.errors.SqlglotError:
                    outputs = {}
                part = {"columns": cols, "not_null": sorted(c for c in cols if outputs.get(c))}
            used[key] = part
            schema = WarehouseSchema(
                {**schema.tables, m.table: dict(part["columns"])},
                {**schema.not_null, m.table: frozenset(part["not_null"])},
            )
    finally:
        scratch.close()
    if any(k not in parts for k in used):
        rest = [(k, v) for k, v in parts.items() if k not in used]
        _write_cache(dict(rest[-_KEEP_ENTRIES:] + list(used.items())))
    return schema


def _describe(con, table: str | None = None, nullable: bool = False) -> dict[str, dict]:
    where = ""
    params: list = []
    if table is not None:
        where = " AND table_schema = ? AND table_name = ?"
        params = table.split(".", 1)
    rows = con.execute(
        "SELECT table_schema || '.' || table_name, column_name, data_type, is_nullable "
        "FROM information_schema.columns WHERE table_catalog = current_database()"
        + where
        + " ORDER BY table_schema, table_name, ordinal_position",
        params,
    ).fetchall()
    out: dict[str, dict] = {}
    for t, col, typ, is_nullable in rows:
        out.setdefault(t, {})[col] = (is_nullable != "NO") if nullable else typ
    return out


def _read_cache() -> dict:
    return read_json("warehouse_schema.json")


def _write_cache(cache: dict) -> None:
    write_json("warehouse_schema.json", cache)


@functools.lru_cache(maxsize=1)
def _types_cache() -> dict:
    """The typed queries of earlier processes (analyse(..., text=...)), read once."""
    return read_json("types.json")


@functools.lru_cache(maxsize=1)
def _source_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


# -- typing a query ---------------------------------------------------------------------------
def _duckdb_add_sub(self, expression):
    """DuckDB's date arithmetic: DATE ± INTEGER is a DATE, DATE - DATE a BIGINT (days),
    DATE ± INTERVAL a TIMESTAMP (sqlglot's DuckDB typing calls DATE - DATE a DATE)."""
    from sqlglot.typing.duckdb import EXPRESSION_METADATA

    EXPRESSION_METADATA[type(expression)]["annotator"](self, expression)
    left, right = expression.left, expression.right
    if isinstance(expression, exp.Add) and right.is_type(exp.DType.DATE):
        left, right = right, left
    if left.is_type(exp.DType.DATE):
        if right.is_type(*exp.DataType.INTEGER_TYPES):
            self._set_type(expression, exp.DType.DATE)
        elif isinstance(expression, exp.Sub) and right.is_type(exp.DType.DATE):
            self._set_type(expression, exp.DType.BIGINT)
    return expression


@functools.lru_cache(maxsize=1)
def _duckdb_metadata() -> dict:
    from sqlglot.typing.duckdb import EXPRESSION_METADATA

    by_value = {"annotator": lambda self, e: self._annotate_by_args(e, "this")}
    return {
        **EXPRESSION_METADATA,
        exp.Add: {"annotator": _duckdb_add_sub},
        exp.Sub: {"annotator": _duckdb_add_sub},
        exp.ArgMax: by_value,
        exp.ArgMin: by_value,
    }


def analyse(tree: exp.Expr, schema: WarehouseSchema, text: str | None = None) -> dict[str, bool]:
    """Record on the nodes of `tree` (a DuckDB query) their type (`node.meta[TYPE]`: the name
    of a DataType.Type, e.g. "DATE"; "UNKNOWN" for a column of a table the schema does not hold)
    and, on its columns, whether they are never NULL (`node.meta[NOT_NULL]`). Returns the
    query's output columns → never NULL. The tree itself is not changed otherwise.

    `text`: the SQL `tree` was parsed from; given, the result is kept in a cache file (keyed by
    the text, the schema and this module), so that another process only applies it: typing
    costs about as much as the rest of a translation."""
    key = None
    if text is not None:
        key = hashlib.sha256(f"{_versions()}\0{_source_hash()}\0{schema.fingerprint}\0{text}".encode()).hexdigest()
        hit = _types_cache().get(key)
        if hit is not None:
            _apply(tree, {i: (t, nn) for i, t, nn in hit["facts"]})
            return dict(hit["outputs"])
    facts, outputs = _facts(tree, schema)
    _apply(tree, facts)
    if key is not None:
        data = _types_cache()
        data.pop(key, None)
        while len(data) >= _KEEP_TYPES:
            data.pop(next(iter(data)))
        data[key] = {"facts": [[i, t, nn] for i, (t, nn) in facts.items()], "outputs": list(outputs.items())}
        write_json("types.json", data)
    return outputs


def _apply(tree: exp.Expr, facts: dict[int, tuple[str, bool | None]]) -> None:
    for i, node in enumerate(tree.walk()):
        fact = facts.get(i)
        if fact is not None:
            node.meta[TYPE] = fact[0]
            if fact[1] is not None:
                node.meta[NOT_NULL] = fact[1]


def _facts(tree: exp.Expr, schema: WarehouseSchema):
    """(walk index → (type name, never NULL or None), output column → never NULL) of a query:
    a copy is qualified against the schema (sqlglot's qualify), typed (annotate_types, with
    DuckDB's date arithmetic) and its columns' nullability worked out scope by scope."""
    from sqlglot.optimizer.annotate_types import TypeAnnotator
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.optimizer.scope import traverse_scope

    work = tree.copy()
    copies = list(work.walk())  # in the order of tree.walk(); kept alive, so ids stay unique
    index = {id(c): i for i, c in enumerate(copies)}
    for p in [c for c in copies if isinstance(c, (exp.Placeholder, exp.Parameter))]:
        if p.name in PARAMETERS:  # a bound date: typed, never NULL
            cast = exp.cast(exp.Literal.string("2000-01-01"), exp.DataType.build("DATE"))
            index[id(cast)] = index[id(p)]
            copies.append(cast)
            p.replace(cast)
    for series in [c for c in copies if isinstance(c, exp.GenerateSeries)]:
        table = series.parent  # FROM generate_series(a, b, step) AS t(x): x has a's type
        alias = table.args.get("alias") if isinstance(table, exp.Table) else None
        if table is not None and alias is not None and len(alias.columns) == 1:
            sub = exp.select(exp.alias_(series.args["start"], alias.columns[0].name))
            table.replace(exp.Subquery(this=sub, alias=exp.TableAlias(this=alias.this.copy())))
    mapping = schema.mapping
    work = qualify(
        work, schema=mapping, dialect="duckdb", validate_qualify_columns=False, quote_identifiers=False, identify=False
    )
    scopes = traverse_scope(work)
    annotator = TypeAnnotator(mapping, expression_metadata=_duckdb_metadata())
    for scope in scopes:
        annotator.annotate_scope(scope)
    annotator.annotate_expression(work)
    outputs = _nullability(scopes, work, schema)
    facts: dict[int, tuple[str, bool | None]] = {}
    for node in work.walk():
        i = index.get(id(node))
        if i is None:
            continue
        typ = node.type.this.name if node.type is not None else "UNKNOWN"
        # kept (in every copy the rewrites make: small) for columns and parameters, and for
        # any value that is a DATE; other expressions are typed by their shape from these
        if isinstance(node, exp.Column) or (typ == "DATE" and isinstance(node, exp.Condition)):
            facts[i] = (typ, node.meta.get(NOT_NULL) if isinstance(node, exp.Column) else None)
    return facts, outputs


def _nullability(scopes, work: exp.Expr, schema: WarehouseSchema) -> dict[str, bool]:
    """Mark each column of the qualified tree never-NULL or not, scope by scope (inner first);
    return the root's output columns → never NULL."""
    from sqlglot.optimizer.scope import Scope

    outputs: dict[int, dict[str, bool]] = {}

    def output_of(e) -> dict[str, bool]:
        if isinstance(e, exp.Subquery):
            e = e.this
        return outputs.get(id(e), {})

    for scope in scopes:
        query = scope.expression
        if isinstance(query, exp.SetOperation):
            left, right = output_of(query.left), output_of(query.right)
            outputs[id(query)] = {n: nn and r for (n, nn), r in zip(left.items(), right.values())}
            continue
        if not isinstance(query, exp.Select):
            continue
        nullable = _outer_sides(query)

        def column_never_null(c: exp.Column, scope=scope, nullable=nullable) -> bool:
            src = scope.sources.get(c.table)
            if src is None or c.table in nullable:
                return False
            if isinstance(src, Scope):
                return bool(output_of(src.expression).get(c.name))
            if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
                return c.name in schema.not_null.get(f"{src.db}.{src.name}", ())
            return False

        for c in scope.columns:
            c.meta[NOT_NULL] = column_never_null(c)
        out: dict[str, bool] = {}
        for proj in query.selects:
            out[proj.alias_or_name] = never_null(proj.unalias(), lambda c: bool(c.meta.get(NOT_NULL)))
        outputs[id(query)] = out
    return output_of(work)


def _outer_sides(select: exp.Select) -> set[str]:
    """The sources of a SELECT whose columns an outer join may fill with NULL."""
    from_ = select.args.get("from_") or select.args.get("from")
    seen = [from_.this.alias_or_name] if from_ else []
    nullable: set[str] = set()
    for join in select.args.get("joins") or []:
        side = (join.side or "").upper()
        name = join.this.alias_or_name
        if side in ("LEFT", "FULL"):
            nullable.add(name)
        if side in ("RIGHT", "FULL"):
            nullable.update(seen)
        seen.append(name)
    return nullable


# Null in, null out (and never NULL when no argument is): arithmetic, comparisons, casts, the
# date functions the models use.
_STRICT = (
    exp.Cast,
    exp.Paren,
    exp.Neg,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.UnixDate,
    exp.DateDiff,
    exp.DateAdd,
    exp.DateSub,
    exp.DateFromParts,
    exp.Extract,
    exp.DayOfWeek,
    exp.Abs,
    exp.Round,
    exp.Floor,
    exp.Ceil,
    exp.Lower,
    exp.Upper,
    exp.DPipe,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.Not,
    exp.Between,
    exp.MD5,
    exp.Greatest,
    exp.Least,
    exp.Alias,
    exp.Year,
    exp.Month,
    exp.Day,
)
_GROUP_AGGS = (exp.Min, exp.Max, exp.Sum, exp.Avg, exp.AnyValue, exp.ArgMax, exp.ArgMin)
_RANKS = (exp.RowNumber, exp.Rank, exp.DenseRank, exp.Count, exp.CountIf, exp.Ntile, exp.PercentRank, exp.CumeDist)


def never_null(e: exp.Expr, column: Callable[[exp.Column], bool]) -> bool:
    """Whether an expression is never NULL, given whether each of its columns is."""
    if isinstance(e, exp.Column):
        return column(e)
    if isinstance(e, exp.Null):
        return False
    if isinstance(e, (exp.Literal, exp.Boolean, exp.Is, exp.Count, exp.CountIf)):
        return True
    if isinstance(e, (exp.Placeholder, exp.Parameter)):
        return e.name in PARAMETERS
    if isinstance(e, exp.Window):
        return isinstance(e.this, _RANKS)
    if isinstance(e, exp.Coalesce):
        return any(never_null(a, column) for a in [e.this, *e.expressions])
    if isinstance(e, exp.Case):
        branches = [i.args.get("true") for i in e.args.get("ifs") or []] + [e.args.get("default")]
        return all(b is not None and never_null(b, column) for b in branches)
    if isinstance(e, exp.Anonymous):
        return e.name.upper() == "UNIX_DATE" and all(never_null(a, column) for a in e.expressions)
    if isinstance(e, _GROUP_AGGS):
        # over a group (never empty) of values never NULL; not as a window, nor filtered
        select = e.find_ancestor(exp.Select, exp.Window, exp.Filter)
        return (
            isinstance(select, exp.Select)
            and bool(select.args.get("group"))
            and all(never_null(a, column) for a in e.iter_expressions())
        )
    if isinstance(e, (exp.And, exp.Or, _STRICT)):
        return all(
            never_null(a, column)
            for a in e.iter_expressions()
            if not isinstance(a, (exp.DataType, exp.Var, exp.Identifier))
        )
    return False
