"""SQL dialects: the one module that knows engines differ.

Models are written in DuckDB SQL. `translate(sql, dialect)` turns a model into BigQuery
(GoogleSQL) or Spark SQL with sqlglot (`unsupported_level=RAISE`: anything sqlglot cannot
translate is an error, never silently wrong SQL), after a few rewrites that sqlglot does not do
itself or does wrongly. They are all here, each a small function over the DuckDB syntax tree,
listed per target in TRANSFORMS (sqlglot's own transforms where it has one):

* bound parameters: `$start_date` → `@start_date` (BigQuery query parameters) or `:start_date`
  (Spark: `spark.sql(sql, args={"start_date": ...})` named parameter markers);
* `ASOF JOIN`: neither target has it; rejected with a hint (write LEFT JOIN + QUALIFY);
* named `WINDOW w AS (...)`: inlined into each `OVER w` (sqlglot.transforms.eliminate_window_clause);
* `GROUP BY ALL`: spelled out as the select list's non-aggregate expressions;
* `QUALIFY`: kept for BigQuery (with `WHERE TRUE` when the query has no WHERE/GROUP BY/HAVING,
  which GoogleSQL requires), turned into a subquery for Spark (sqlglot);
* `* EXCLUDE (...)` / `* REPLACE (...)`: BigQuery has them (`EXCEPT`/`REPLACE`); for Spark the
  star is expanded from the CTE, subquery or raw table it reads;
* date arithmetic: DuckDB's `date ± integer`, `date ± INTERVAL`, `date - date` (days) become
  DATE_ADD / DATE_SUB / DATE_DIFF (BigQuery `DATE - DATE` is an INTERVAL, `DATE + INTERVAL` a
  DATETIME); a value is a date when its type is DATE (below); a column of unknown type in
  `+`/`-` is refused rather than guessed;
* `datediff('day', a, b)`: Spark gets `DATEDIFF(b, a)`;
* day of week: DuckDB counts 0 (Sunday) .. 6, BigQuery and Spark 1 .. 7;
* `RANGE` frames over a date: ordered by `UNIX_DATE(date)` with day offsets (BigQuery allows only
  numeric RANGE keys);
* NULL ordering: DuckDB sorts NULLs last; inside BigQuery windows and aggregates (where `NULLS
  LAST` is not allowed) a key that may be NULL (below) gets an extra `key IS NULL` sort key;
* `greatest` / `least`: DuckDB ignores NULL arguments, BigQuery returns NULL: each argument
  that may be NULL is coalesced with the others;
* `concat_ws` (md5 inputs): BigQuery has none: `ARRAY_TO_STRING([CAST(x AS STRING), ...], sep)`
  (both skip NULLs, like DuckDB);
* `median` / `quantile_cont`: Spark `MEDIAN` / `PERCENTILE`; BigQuery has no exact median
  aggregate (only the analytic PERCENTILE_CONT without a frame): rejected.

Types, not names: the types and the nullability come from the warehouse schema
(nbaprops.schema: the migrations' tables, and each model's table with DuckDB's types of its
result); sqlglot's qualify and annotate_types type every expression of the model, and a column
is never NULL when its source column is NOT NULL and not on the outer side of a join (or it is
computed from such values). The parameters $start_date, $end_date, $read_start are DATEs.

Any function the target does not know (sqlglot passes unknown names through unchanged) is
rejected after translation by parsing the result in the target dialect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import sqlglot
from sqlglot import exp, transforms
from sqlglot.errors import ErrorLevel, SqlglotError

from .errors import ModelError
from .parameters import PARAMETERS
from .schema import NOT_NULL, TYPE, WarehouseSchema, analyse, never_null, warehouse_schema

DIALECTS = ("duckdb", "bigquery", "spark")

# Functions the targets have that sqlglot parses as anonymous (unknown) functions.
_KNOWN_ANONYMOUS = {
    "bigquery": {"ARRAY_TO_STRING", "UNIX_DATE", "ACOS"},
    "spark": {"PERCENTILE", "UNIX_DATE", "MEDIAN", "DATEDIFF", "CONV"},
}
# Functions whose value is a DATE (for nodes the rewrites build, which carry no type yet).
_DATE_FUNCS = (
    exp.CurrentDate,
    exp.DateAdd,
    exp.DateSub,
    exp.DateFromParts,
    exp.LastDay,
    exp.StrToDate,
    exp.TsOrDsToDate,
    exp.Date,
    exp.DateFromUnixDate,
)
_PASS_TYPE = (
    exp.Min,
    exp.Max,
    exp.AnyValue,
    exp.First,
    exp.Last,
    exp.Lag,
    exp.Lead,
    exp.FirstValue,
    exp.LastValue,
    exp.ArgMax,
    exp.ArgMin,
    exp.Coalesce,
    exp.Paren,
    exp.Window,
    exp.Greatest,
    exp.Least,
    exp.IgnoreNulls,
    exp.RespectNulls,
)


class _Untranslatable(Exception):
    def __init__(self, construct: str, hint: str = ""):
        super().__init__(construct)
        self.construct, self.hint = construct, hint


# --------------------------------------------------------------------------------------------
def split_header(sql: str) -> tuple[list[str], str]:
    """The model's leading comment lines, and the statement after them."""
    lines = sql.splitlines()
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].strip().startswith("--")):
        i += 1
    return [ln.rstrip() for ln in lines[:i] if ln.strip()], "\n".join(lines[i:])


def translate(model_sql: str, dialect: str, model: str = "model", schema: WarehouseSchema | None = None) -> str:
    """The model's SQL in `dialect` (duckdb | bigquery | spark), its header comment kept.

    `schema`: the warehouse's tables and column types the model reads (default: the schema of
    the catalog's warehouse, nbaprops.schema.warehouse_schema()); the rewrites act on the types
    of the expressions (a DATE, never NULL), never on their names.

    Raises ModelError naming the model and the construct when something cannot be translated,
    ValueError for an unknown dialect."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; dialects: {', '.join(DIALECTS)}")
    header, body = split_header(model_sql)
    if dialect == "duckdb":
        return model_sql if model_sql.endswith("\n") else model_sql + "\n"
    schema = schema if schema is not None else warehouse_schema()
    key = (model_sql, dialect, model, id(schema))
    done = _TRANSLATED.get(key)
    if done is not None and done[0] is schema:
        return done[1]
    try:
        tree = _typed_tree(body, model, schema).copy()
        tree = _rewrite(tree, dialect)
        _check_functions(tree, dialect)
        out = tree.sql(dialect=dialect, pretty=True, unsupported_level=ErrorLevel.RAISE)
        _check(out, dialect)
    except _Untranslatable as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        raise ModelError(f"model {model}: {exc.construct} cannot be translated to {dialect}{hint}") from None
    except SqlglotError as exc:
        raise ModelError(f"model {model}: cannot be translated to {dialect}: {_first(exc)}") from exc
    note = f"-- dialect: {dialect} (translated from DuckDB by nbaprops.dialects; do not edit)"
    result = "\n".join([*header, note, out]) + "\n"
    _remember(_TRANSLATED, key, (schema, result))
    return result


# Translations and typed trees already made in this process (the CLI, the engines and the tests
# translate the same models again and again), keyed by the SQL and the schema's identity.
_TRANSLATED: dict = {}
_TYPED: dict = {}
_MEMO_SIZE = 128


def _remember(memo: dict, key, value) -> None:
    if len(memo) >= _MEMO_SIZE:
        try:
            memo.pop(next(iter(memo)), None)
        except (StopIteration, RuntimeError):  # emptied or changed by another thread
            pass
    memo[key] = value


def _typed_tree(body: str, model: str, schema: WarehouseSchema) -> exp.Expr:
    """The DuckDB statement parsed, each node's type and each column's never-NULL recorded in
    its meta from the warehouse schema (sqlglot's qualify and annotate_types over a copy:
    nbaprops.schema.analyse). Shared by both targets: callers rewrite a copy (which keeps the
    meta)."""
    key = (body, id(schema))
    done = _TYPED.get(key)
    if done is not None and done[0] is schema:
        return done[1]
    try:
        statements = [s for s in sqlglot.parse(body, read="duckdb") if s is not None]
    except SqlglotError as exc:
        raise ModelError(f"model {model}: cannot parse its DuckDB SQL: {_first(exc)}") from exc
    if len(statements) != 1:
        raise ModelError(f"model {model}: must hold exactly one statement, found {len(statements)}")
    tree = statements[0]
    try:
        analyse(tree, schema, text=body)
    except SqlglotError as exc:
        raise ModelError(f"model {model}: cannot resolve the types of its columns: {_first(exc)}") from exc
    _remember(_TYPED, key, (schema, tree))
    return tree


def _first(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --------------------------------------------------------------------------------------------
@dataclass
class Rewrite:
    """What the transforms of one translation share: the target. (The types of the nodes and
    the nullability of the columns are in each node's meta: _typed_tree.)"""

    dialect: str


Transform = Callable[["exp.Expr", Rewrite], "exp.Expr | None"]


def _sqlglot(fn: Callable[[exp.Expr], exp.Expr], kind=exp.Select) -> Transform:
    """One of sqlglot's own transforms (sqlglot.transforms, written for a dialect's preprocess
    list: applied to each node of a kind as it is generated) on every such node of the tree."""

    def transform(tree: exp.Expr, rw: Rewrite) -> exp.Expr:
        for node in _postorder(tree, kind):
            new = fn(node)
            if new is not node:
                if node is tree:
                    tree = new
                else:
                    node.replace(new)
        return tree

    transform.__name__ = fn.__name__
    return transform


# The rewrites of each target, in order: small named transforms over the DuckDB tree (each
# `(tree, Rewrite) -> tree or None` = rewritten in place), sqlglot's own where it has one,
# the way sqlglot organises a dialect's preprocess lists.
_BEFORE = [
    lambda tree, rw: _reject_asof(tree),
    _sqlglot(transforms.eliminate_window_clause),  # named WINDOW w AS (...) inlined into OVER w
    lambda tree, rw: _group_by_all(tree),
]
_DATES = [
    lambda tree, rw: _set_operations(tree, rw.dialect),
    lambda tree, rw: _string_concat(tree),
    lambda tree, rw: _date_part(tree),
    lambda tree, rw: _generate_series(tree, rw.dialect),
    lambda tree, rw: _date_arithmetic(tree),
    lambda tree, rw: _day_of_week(tree),
    lambda tree, rw: _range_frames(tree),
    lambda tree, rw: _functions(tree, rw.dialect),
]
TRANSFORMS: dict[str, list[Transform]] = {
    "spark": [*_BEFORE, lambda tree, rw: _expand_star_modifiers(tree), *_DATES],
    "bigquery": [
        *_BEFORE,
        *_DATES,
        lambda tree, rw: _bigquery_functions(tree),
        lambda tree, rw: _bigquery_null_ordering(tree),
        lambda tree, rw: _bigquery_qualify(tree),
    ],
}


def _rewrite(tree: exp.Expr, dialect: str) -> exp.Expr:
    rw = Rewrite(dialect)
    for transform in TRANSFORMS[dialect]:
        out = transform(tree, rw)
        if out is not None:
            tree = out
    return tree


def _postorder(tree: exp.Expr, kind) -> list:
    """Nodes of a kind, children before their parents (so rewrites compose bottom-up)."""
    return list(reversed(list(tree.find_all(kind))))


def _reject_asof(tree: exp.Expr) -> None:
    for join in tree.find_all(exp.Join):
        if (join.args.get("method") or "").upper() == "ASOF" or "ASOF" in (join.text("kind").upper(),):
            raise _Untranslatable(
                f"ASOF JOIN {join.this.sql('duckdb')}",
                "neither BigQuery nor Spark SQL has an ASOF join: write it as a LEFT JOIN on the "
                "inequality and keep the latest match with QUALIFY row_number() ... = 1",
            )


def _is_aggregate(e: exp.Expr) -> bool:
    return any(not isinstance(agg.parent, exp.Window) for agg in e.find_all(exp.AggFunc))


def _group_by_all(tree: exp.Expr) -> None:
    for select in tree.find_all(exp.Select):
        group = select.args.get("group")
        if not (group and group.args.get("all")):
            continue
        keys = []
        for proj in select.expressions:
            if isinstance(proj, exp.Star) or (isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star)):
                raise _Untranslatable("GROUP BY ALL with SELECT *", "list the columns")
            inner = proj.unalias()
            if _is_aggregate(inner) or inner.find(exp.Window) or not inner.find(exp.Column):
                continue
            keys.append(inner.copy())
        select.set("group", exp.Group(expressions=keys) if keys else None)


# -- stars ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _source_columns() -> dict[str, list[str]]:
    """Columns of the raw/reference tables, from the warehouse migrations."""
    cols: dict[str, list[str]] = {}
    for f in sorted(resources.files("nbaprops.migrations").iterdir(), key=lambda p: p.name):
        if not f.name.endswith(".sql"):
            continue
        for stmt in sqlglot.parse(f.read_text(encoding="utf-8"), read="duckdb"):
            if isinstance(stmt, exp.Create) and isinstance(stmt.this, exp.Schema):
                table = stmt.this.this
                name = f"{table.db}.{table.name}" if table.db else table.name
                cols[name] = [c.name for c in stmt.this.expressions if isinstance(c, exp.ColumnDef)]
    return cols


def _output_columns(query: exp.Expr, ctes: dict[str, exp.Expr]) -> list[str]:
    if isinstance(query, exp.Subquery):
        query = query.this
    if isinstance(query, exp.SetOperation):
        return _output_columns(query.this, ctes)
    if not isinstance(query, exp.Select):
        raise _Untranslatable(f"SELECT * over {query.sql('duckdb')[:60]}", "list the columns")
    out = []
    for proj in query.expressions:
        star = (
            proj
            if isinstance(proj, exp.Star)
            else (proj.this if isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star) else None)
        )
        if star is not None:
            out.extend(_star_columns(query, proj, star, ctes))
        elif proj.alias_or_name:
            out.append(proj.alias_or_name)
        else:
            raise _Untranslatable(f"unnamed column {proj.sql('duckdb')}", "give it an alias")
    return out


def _source_of(select: exp.Select, name: str | None, ctes) -> list[str]:
    sources = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_:
        sources.append(from_.this)
    sources += [j.this for j in select.args.get("joins") or []]
    if name is None and len(sources) != 1:
        raise _Untranslatable("SELECT * EXCLUDE/REPLACE over a join", "qualify the star: t.* EXCLUDE (...)")
    for src in sources:
        if name is not None and src.alias_or_name != name:
            continue
        if isinstance(src, exp.Table) and isinstance(src.this, exp.Identifier):
            key = src.name if not src.db else f"{src.db}.{src.name}"
            if not src.db and key in ctes:
                return _output_columns(ctes[key], ctes)
            if key in _source_columns():
                return list(_source_columns()[key])
            raise _Untranslatable(
                f"SELECT * over {key} (with EXCLUDE/REPLACE/QUALIFY)",
                "Spark needs the columns spelled out and they are unknown here: list them",
            )
        if isinstance(src, exp.Subquery):
            return _output_columns(src, ctes)
    raise _Untranslatable(f"SELECT {name or ''}* source", "list the columns")


def _star_columns(select, proj, star: exp.Star, ctes) -> list[str]:
    table = proj.table if isinstance(proj, exp.Column) else None
    cols = _source_of(select, table or None, ctes)
    return cols


def _expand_star_modifiers(tree: exp.Expr) -> None:
    ctes = {c.alias: c.this for c in tree.find_all(exp.CTE)}
    for select in _postorder(tree, exp.Select):
        new, changed = [], False
        for proj in select.expressions:
            star = (
                proj
                if isinstance(proj, exp.Star)
                else (proj.this if isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star) else None)
            )
            if star is None or not (
                star.args.get("except_")
                or star.args.get("except")
                or star.args.get("replace")
                or star.args.get("rename")
                or select.args.get("qualify")
            ):
                new.append(proj)
                continue
            if star.args.get("rename"):
                raise _Untranslatable("SELECT * RENAME", "list the columns")
            table = proj.table if isinstance(proj, exp.Column) else None
            cols = _source_of(select, table or None, ctes)
            drop = {e.name.lower() for e in (star.args.get("except_") or star.args.get("except") or [])}
            repl = {e.alias.lower(): e for e in star.args.get("replace") or []}
            for c in cols:
                if c.lower() in drop:
                    continue
                if c.lower() in repl:
                    new.append(repl[c.lower()].copy())
                else:
                    new.append(exp.column(c, table=table or None, quoted=not re.fullmatch(r"[a-z_][a-z0-9_]*", c)))
            changed = True
        if changed:
            select.set("expressions", new)


def _set_operations(tree: exp.Expr, dialect: str) -> None:
    """UNION [ALL] BY NAME (missing columns filled with NULL, DuckDB's meaning) as a positional
    union over the columns of both sides: left's columns first, then the right's new ones."""
    ctes = {c.alias: c.this for c in tree.find_all(exp.CTE)}
    for op in _postorder(tree, exp.SetOperation):
        if not op.args.get("by_name"):
            continue
        sides = [op.this, op.expression]
        if not all(isinstance(x, exp.Select) for x in sides):
            raise _Untranslatable("UNION BY NAME over nested set operations", "list the columns in one order")
        cols = [_output_columns(x, ctes) for x in sides]
        order = list(dict.fromkeys(c.lower() for c in cols[0] + cols[1]))
        for side, _names in zip(sides, cols):
            projs = []
            for proj in side.expressions:
                star = (
                    proj
                    if isinstance(proj, exp.Star)
                    else (proj.this if isinstance(proj, exp.Column) and isinstance(proj.this, exp.Star) else None)
                )
                if star is not None:
                    table = proj.table if isinstance(proj, exp.Column) else None
                    projs += [exp.column(c, table=table or None) for c in _star_columns(side, proj, star, ctes)]
                else:
                    projs.append(proj)
            by = {p.alias_or_name.lower(): p for p in projs}
            side.set("expressions", [by[c].copy() if c in by else exp.alias_(exp.Null(), c) for c in order])
        op.set("by_name", None)


# -- dates ------------------------------------------------------------------------------------
def _is_date(e: exp.Expr) -> bool:
    """A DATE value: by the type _annotate recorded (DuckDB's semantics: DATE ± integer is a
    DATE, DATE - DATE a number of days, DATE ± INTERVAL a TIMESTAMP); a node the rewrites built
    has none yet and is typed by its shape."""
    typ = e.meta.get(TYPE)
    if typ is not None:
        return typ == "DATE"
    if isinstance(e, (exp.Cast, exp.TryCast)):
        return e.to.is_type(exp.DataType.Type.DATE)
    if isinstance(e, _DATE_FUNCS):
        return True
    if isinstance(e, _PASS_TYPE):
        return _is_date(e.this)
    if isinstance(e, exp.Case):
        branches = [i.args.get("true") for i in e.args.get("ifs") or []] + [e.args.get("default")]
        return any(b is not None and _is_date(b) for b in branches)
    if isinstance(e, exp.If):
        return _is_date(e.args["true"])
    if isinstance(e, exp.Add):
        return _is_date(e.this) != _is_date(e.expression) and not _is_interval(e.this, e.expression)
    if isinstance(e, exp.Sub):
        return _is_date(e.this) and not _is_date(e.expression) and not _is_interval(e.expression)
    return False


def _is_interval(*es: exp.Expr) -> bool:
    return any(isinstance(e, exp.Interval) for e in es)


def _not_null(e: exp.Expr) -> bool:
    """Never NULL: by the columns' nullability _annotate recorded, and the expression's shape."""
    return never_null(e, lambda c: bool(c.meta.get(NOT_NULL)))


def _day_count(e: exp.Expr) -> tuple[exp.Expr, str] | None:
    """(amount, unit) of an INTERVAL literal, or None."""
    if isinstance(e, exp.Interval):
        unit = (e.text("unit") or "DAY").upper()
        amount = e.this
        if isinstance(amount, exp.Literal) and amount.is_string:
            parts = amount.this.split()
            if len(parts) == 2:
                amount, unit = exp.Literal.number(parts[0]), parts[1].upper()
            else:
                amount = exp.Literal.number(amount.this)
        return amount, unit.rstrip("S") if unit.endswith("S") else unit
    return None


def _date_arithmetic(tree: exp.Expr) -> None:
    for node in _postorder(tree, (exp.Add, exp.Sub)):
        a, b = node.this, node.expression
        for operand in (a, b):
            typ = operand.meta.get(TYPE)
            if isinstance(operand, exp.Column) and typ in (None, "UNKNOWN"):
                raise _Untranslatable(
                    f"{node.sql('duckdb')} ({operand.sql('duckdb')} is of unknown type: a DATE or a number?)",
                    "read it from a warehouse table, qualify it (a USING column is not typed) or cast it",
                )
        da, db = _is_date(a), _is_date(b)
        if isinstance(node, exp.Add) and db and not da:
            a, b, da, db = b, a, db, da
        if not da:
            continue
        if db:
            if isinstance(node, exp.Add):
                raise _Untranslatable(f"date + date ({node.sql('duckdb')})")
            node.replace(exp.DateDiff(this=a.copy(), expression=b.copy(), unit=exp.var("DAY")))
            continue
        iv = _day_count(b)
        amount, unit = iv if iv else (b, "DAY")
        cls = exp.DateAdd if isinstance(node, exp.Add) else exp.DateSub
        node.replace(cls(this=a.copy(), expression=amount.copy(), unit=exp.var(unit)))


def _string_concat(tree: exp.Expr) -> None:
    """DuckDB's `||` casts numbers and dates to text; BigQuery's takes only STRING (and Spark's
    ANSI mode refuses some implicit casts): cast every operand that is not already text."""
    for node in _postorder(tree, exp.DPipe):
        for key in ("this", "expression"):
            arg = node.args.get(key)
            if (
                isinstance(arg, exp.DPipe)
                or (isinstance(arg, exp.Literal) and arg.is_string)
                or (isinstance(arg, exp.Cast) and arg.to.is_type(*exp.DataType.TEXT_TYPES))
                or isinstance(arg, (exp.Substring, exp.Lower, exp.Upper, exp.Concat, exp.ConcatWs, exp.MD5))
            ):
                continue
            node.set(key, exp.cast(arg.copy(), exp.DataType.build("VARCHAR")))


def _date_part(tree: exp.Expr) -> None:
    """date_part('dow', d) and friends as EXTRACT, which the rest understands."""
    for node in _postorder(tree, exp.Anonymous):
        if (
            node.name.lower() in ("date_part", "datepart")
            and len(node.expressions) == 2
            and isinstance(node.expressions[0], exp.Literal)
            and node.expressions[0].is_string
        ):
            node.replace(
                exp.Extract(this=exp.var(node.expressions[0].this.upper()), expression=node.expressions[1].copy())
            )


def _generate_series(tree: exp.Expr, dialect: str) -> None:
    """FROM generate_series(a, b[, step]) t(x) / range(a, b[, step]) t(x) as a one-column subquery."""
    for node in _postorder(tree, exp.GenerateSeries):
        table = node.parent
        alias = table.args.get("alias") if isinstance(table, exp.Table) else None
        if alias is None or len(alias.columns) != 1:
            raise _Untranslatable(
                f"{node.sql('duckdb')} outside FROM ... AS t(column)", "write FROM generate_series(a, b, step) AS t(x)"
            )
        col = alias.columns[0].name
        start, end = node.args["start"].copy(), node.args["end"].copy()
        step = node.args.get("step")
        is_date = _is_date(start) or _is_date(end)
        days = _day_count(step) if step is not None else None
        if is_date:
            if step is not None and (days is None or days[1] != "DAY"):
                raise _Untranslatable(f"{node.sql('duckdb')}", "step by whole days")
            n = days[0].copy() if days else exp.Literal.number(1)
            if node.args.get("is_end_exclusive"):
                end = exp.DateSub(this=end, expression=exp.Literal.number(1), unit=exp.var("DAY"))
            tmpl = (
                "(SELECT CAST(x AS DATE) AS c FROM UNNEST(GENERATE_DATE_ARRAY(__s, __e, INTERVAL __n DAY)) AS x)"
                if dialect == "bigquery"
                else "(SELECT EXPLODE(SEQUENCE(__s, __e, MAKE_INTERVAL(0, 0, 0, __n))) AS c)"
            )
        else:
            n = step.copy() if step is not None else exp.Literal.number(1)
            if node.args.get("is_end_exclusive"):
                end = exp.Sub(this=end, expression=exp.Literal.number(1))
            tmpl = (
                "(SELECT x AS c FROM UNNEST(GENERATE_ARRAY(__s, __e, __n)) AS x)"
                if dialect == "bigquery"
                else "(SELECT EXPLODE(SEQUENCE(__s, __e, __n)) AS c)"
            )
        sub = sqlglot.parse_one(tmpl, read=dialect)
        for c in list(sub.find_all(exp.Column)):
            if c.name in ("__s", "__e", "__n"):
                c.replace({"__s": start, "__e": end, "__n": n}[c.name].copy())
        alias_node = sub.find(exp.Alias)  # the template's `AS c`
        assert alias_node is not None
        alias_node.set("alias", exp.to_identifier(col))
        sub.meta["nbaprops_ok"] = True
        for f in sub.find_all(exp.Func):
            f.meta["nbaprops_ok"] = True
        table.replace(exp.Subquery(this=sub.unnest(), alias=exp.TableAlias(this=alias.this.copy())))


def _day_of_week(tree: exp.Expr) -> None:
    for node in _postorder(tree, (exp.DayOfWeek, exp.Extract)):
        if isinstance(node, exp.Extract):
            part = node.this.name.upper()
            if part not in ("DOW", "DAYOFWEEK", "WEEKDAY"):
                continue
            node.replace(
                exp.paren(
                    exp.Sub(this=exp.DayOfWeek(this=node.expression.copy()), expression=exp.Literal.number(1)),
                    copy=False,
                )
            )
        elif not node.meta.get("nbaprops_dow"):
            dow = exp.DayOfWeek(this=node.this.copy())
            dow.meta["nbaprops_dow"] = True
            node.replace(exp.paren(exp.Sub(this=dow, expression=exp.Literal.number(1)), copy=False))


def _range_frames(tree: exp.Expr) -> None:
    for win in tree.find_all(exp.Window):
        spec = win.args.get("spec")
        if not spec or spec.text("kind").upper() != "RANGE":
            continue
        order = win.args.get("order")
        keys = order.expressions if order else []
        offsets = [spec.args.get(k) for k in ("start", "end")]
        if not any(_day_count(o) for o in offsets if isinstance(o, exp.Expression)):
            continue
        if len(keys) != 1 or not _is_date(keys[0].this):
            raise _Untranslatable(
                f"RANGE frame with INTERVAL offsets ({win.sql('duckdb')[:80]})", "order the window by one DATE"
            )
        keys[0].set("this", exp.UnixDate(this=keys[0].this.copy()))
        for k in ("start", "end"):
            o = spec.args.get(k)
            iv = _day_count(o) if isinstance(o, exp.Expression) else None
            if iv:
                if iv[1] != "DAY":
                    raise _Untranslatable(f"RANGE frame offset in {iv[1]}", "use days")
                spec.set(k, iv[0].copy())


# -- functions --------------------------------------------------------------------------------
def _functions(tree: exp.Expr, dialect: str) -> None:
    for node in _postorder(tree, exp.Func):
        if isinstance(node, (exp.DateAdd, exp.DateSub)) and (day_count := _day_count(node.expression)):
            amount, unit = day_count
            node.set("expression", amount.copy())
            node.set("unit", exp.var(unit))
        inner = node.this.unnest() if isinstance(node, exp.Cast) else None
        if (
            dialect == "spark"
            and isinstance(inner, exp.DPipe)
            and isinstance(inner.this, exp.Literal)
            and inner.this.this.lower() == "0x"
        ):
            # DuckDB (and BigQuery) read '0x…' strings as hexadecimal integers (md5-derived
            # noise); Spark needs CONV(hex, 16, 10)
            conv = exp.Anonymous(
                this="CONV", expressions=[inner.expression.copy(), exp.Literal.number(16), exp.Literal.number(10)]
            )
            node.set("this", conv)
        if dialect == "spark" and isinstance(node, (exp.ArrayAgg, exp.GroupConcat)) and node.find(exp.Order):
            raise _Untranslatable(
                f"{node.sql('duckdb')[:60]} (an ordered list aggregate)", "Spark's collect_list has no ORDER BY"
            )
        elif isinstance(node, exp.DateDiff) and dialect == "spark":
            unit = (node.text("unit") or "DAY").upper()
            if unit != "DAY":
                raise _Untranslatable(f"datediff('{unit.lower()}', ...)", "Spark: use months_between or days")
            node.replace(exp.Anonymous(this="DATEDIFF", expressions=[node.this.copy(), node.expression.copy()]))
        elif isinstance(node, exp.ConcatWs):
            sep, *parts = node.expressions
            parts = [
                p.copy()
                if isinstance(p, exp.Literal) and p.is_string
                else exp.cast(p.copy(), exp.DataType.build("VARCHAR"))
                for p in parts
            ]
            if dialect == "bigquery":
                node.replace(
                    exp.Anonymous(this="ARRAY_TO_STRING", expressions=[exp.Array(expressions=parts), sep.copy()])
                )
            else:
                node.set("expressions", [sep.copy(), *parts])
        elif isinstance(node, (exp.Median, exp.PercentileCont, exp.PercentileDisc, exp.Quantile)):
            name = node.sql_name().lower()
            if dialect == "bigquery":
                raise _Untranslatable(
                    f"{name}()",
                    "BigQuery has no exact median/quantile aggregate (APPROX_QUANTILES is approximate; "
                    "PERCENTILE_CONT is analytic only and allows no window frame)",
                )
            if isinstance(node, exp.Median):
                node.replace(exp.Anonymous(this="MEDIAN", expressions=[node.this.copy()]))
            elif isinstance(node, exp.PercentileCont) and node.expression is not None:
                node.replace(exp.Anonymous(this="PERCENTILE", expressions=[node.this.copy(), node.expression.copy()]))
            else:
                raise _Untranslatable(f"{name}()")
        elif isinstance(node, exp.UnixDate):
            node.replace(exp.Anonymous(this="UNIX_DATE", expressions=[node.this.copy()]))


# -- BigQuery ---------------------------------------------------------------------------------
def _bigquery_null_ordering(tree: exp.Expr) -> None:
    """DuckDB sorts NULLs last (ASC and DESC); BigQuery sorts them first ascending and allows no
    NULLS FIRST/LAST inside framed windows and aggregates."""
    for ordered in list(tree.find_all(exp.Ordered)):
        holder = ordered.find_ancestor(exp.Window, exp.AggFunc, exp.Select)
        if isinstance(holder, exp.Select) or holder is None:
            continue  # a query's ORDER BY: BigQuery accepts NULLS LAST there
        desc = bool(ordered.args.get("desc"))
        want_first = bool(ordered.args.get("nulls_first"))
        default_first = not desc
        if want_first == default_first:
            continue
        key = ordered.this
        ordered.set("nulls_first", default_first)
        if _not_null(key):
            continue
        spec = holder.args.get("spec") if isinstance(holder, exp.Window) else None
        if spec is not None and spec.text("kind").upper() == "RANGE":
            raise _Untranslatable(
                f"RANGE window ordered by nullable {key.sql('duckdb')}", "order by a column that is never NULL"
            )
        flag = exp.Ordered(
            this=exp.Is(this=key.copy(), expression=exp.Null()), desc=want_first, nulls_first=not want_first
        )
        parent, arg_key, index = ordered.parent, ordered.arg_key, ordered.index
        siblings = parent.args.get(arg_key) if parent is not None and arg_key is not None else None
        if parent is None or arg_key is None or index is None or not isinstance(siblings, list):
            raise _Untranslatable(f"ORDER BY {key.sql('duckdb')} NULL ordering")
        siblings.insert(index, flag)
        flag.parent, flag.arg_key = parent, arg_key
        parent.set(arg_key, siblings)


def _having_max(x: exp.Expr, key: exp.Expr) -> exp.AnyValue:
    """ANY_VALUE(x HAVING MAX key) (a key other than a column or a call in parentheses)."""
    if not isinstance(key, (exp.Column, exp.Func, exp.Paren)):
        key = exp.paren(key)
    return exp.AnyValue(this=exp.HavingMax(this=x.copy(), expression=key, max=True))


def _bigquery_functions(tree: exp.Expr) -> None:
    """Functions GoogleSQL lacks or defines differently."""
    for node in _postorder(tree, exp.Func):
        if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.DECIMAL and len(node.to.expressions) == 2:
            # DECIMAL(p, s) rounds to s places; sqlglot writes a bare NUMERIC (9 places): the
            # rounding is spelled out, on the value before the cast (one rounding, as DuckDB)
            scale = int(node.to.expressions[1].this.name)
            if scale > 9:
                raise _Untranslatable(f"{node.to.sql('duckdb')} (BigQuery's NUMERIC has 9 decimal places)")
            node.replace(
                exp.Cast(
                    this=exp.Round(this=node.this.copy(), decimals=exp.Literal.number(scale)),
                    to=exp.DataType.build("DECIMAL"),
                )
            )
        elif isinstance(node, exp.AnyValue):
            # DuckDB's any_value skips NULLs. GoogleSQL refuses IGNORE NULLS on ANY_VALUE, and
            # whether it skips NULLs changed between versions (ZetaSQL's reference engine does
            # not): a NULL-able value restricted to its non-NULL rows (HAVING MAX x IS NOT NULL)
            x = node.this
            if isinstance(node.parent, exp.IgnoreNulls):
                node.parent.replace(node)
            if not _not_null(x) and not isinstance(x, exp.HavingMax):
                node.replace(_having_max(x, exp.Not(this=exp.Is(this=x.copy(), expression=exp.Null()))))
        elif isinstance(node, exp.ArgMax):
            # arg_max(x, y): x of the row with the largest y among rows where neither is NULL.
            # BigQuery's MAX_BY(x, y) is ANY_VALUE(x HAVING MAX y), NULL when that row's x is
            # NULL (and ZetaSQL has no MAX_BY): the key is NULL where x is NULL
            x, y = node.this.copy(), node.expression.copy()
            key = (
                y
                if _not_null(x)
                else exp.If(this=exp.Is(this=x.copy(), expression=exp.Null()), true=exp.Null(), false=y)
            )
            node.replace(_having_max(x, key))
        elif isinstance(node, (exp.Greatest, exp.Least)):
            # DuckDB ignores NULL arguments (NULL only when all are NULL); BigQuery returns NULL
            # when any is: coalesce each argument with the others
            args = [node.this, *node.expressions]
            if len(args) < 2:
                continue
            new = []
            for i, a in enumerate(args):
                others = [o.copy() for j, o in enumerate(args) if j != i]
                new.append(a.copy() if _not_null(a) else exp.Coalesce(this=a.copy(), expressions=others))
            node.set("this", new[0])
            node.set("expressions", new[1:])
        elif isinstance(node, exp.Radians):
            arg = node.this.copy()
            arg = arg if isinstance(arg, (exp.Column, exp.Literal, exp.Paren, exp.Func)) else exp.paren(arg)
            node.replace(
                exp.paren(
                    exp.Div(
                        this=exp.Mul(
                            this=arg, expression=exp.Anonymous(this="ACOS", expressions=[exp.Literal.number(-1)])
                        ),
                        expression=exp.Literal.number(180),
                    )
                )
            )
        elif isinstance(node, exp.RegrSlope):
            y, x = node.this.copy(), node.expression.copy()
            target: exp.Expr = node
            if isinstance(node.parent, exp.Filter):
                cond = node.parent.expression.this
                y = exp.Case(ifs=[exp.If(this=cond.copy(), true=y)])
                target = node.parent
            if target.find_ancestor(exp.Window) or isinstance(target.parent, exp.Window):
                raise _Untranslatable("regr_slope() OVER (...)", "use it as a plain aggregate")
            x_paired = exp.Case(
                ifs=[exp.If(this=exp.Not(this=exp.Is(this=y.copy(), expression=exp.Null())), true=x.copy())]
            )
            slope = exp.Div(
                this=exp.CovarPop(this=y, expression=x),
                expression=exp.Nullif(this=exp.VariancePop(this=x_paired), expression=exp.Literal.number(0)),
            )
            target.replace(exp.paren(slope))


def _bigquery_qualify(tree: exp.Expr) -> None:
    for select in tree.find_all(exp.Select):
        if select.args.get("qualify") and not any(select.args.get(k) for k in ("where", "group", "having")):
            select.set("where", exp.Where(this=exp.true()))


# -- checks -----------------------------------------------------------------------------------
# Functions sqlglot knows but writes unchanged into a target that has no such function.
_MISSING = {"bigquery": (exp.First, exp.Last, exp.Hll), "spark": ()}


def _check_functions(tree: exp.Expr, dialect: str) -> None:
    """Functions sqlglot does not know pass through unchanged: DuckDB-only names end up in the
    target. Reject them (and the few known gaps) instead of writing SQL that cannot run."""
    for fn in tree.find_all(exp.Func):
        if fn.meta.get("nbaprops_ok"):
            continue
        if isinstance(fn, exp.Anonymous) and fn.name.upper() not in _KNOWN_ANONYMOUS[dialect]:
            raise _Untranslatable(f"function {fn.name}()", f"DuckDB-only; {dialect} has no such function")
        if isinstance(fn, _MISSING[dialect]):
            raise _Untranslatable(f"function {fn.sql_name().lower()}()", f"{dialect} has no such function")
    for dt in tree.find_all(exp.DataType):
        if dt.this in (
            exp.DataType.Type.INT128,
            exp.DataType.Type.UINT128,
            exp.DataType.Type.UBIGINT,
            exp.DataType.Type.UINT,
            exp.DataType.Type.USMALLINT,
            exp.DataType.Type.UTINYINT,
        ):
            raise _Untranslatable(f"type {dt.sql('duckdb')}", "use BIGINT, DOUBLE or DECIMAL")


def _check(out: str, dialect: str) -> None:
    """The result must parse in the target dialect, with no ASOF join and no star modifiers
    Spark lacks, and only the model parameters."""
    tree = sqlglot.parse_one(out, read=dialect)
    for join in tree.find_all(exp.Join):
        if "ASOF" in (join.args.get("method") or "").upper():
            raise _Untranslatable("ASOF JOIN")
    if dialect == "spark":
        for star in tree.find_all(exp.Star):
            if star.args.get("except_") or star.args.get("except") or star.args.get("replace"):
                raise _Untranslatable("SELECT * EXCEPT/REPLACE", "list the columns")
    for p in tree.find_all(exp.Placeholder, exp.Parameter):
        if p.name and p.name not in PARAMETERS:
            raise _Untranslatable(f"parameter {p.name}", f"models may use {', '.join('$' + x for x in PARAMETERS)}")
