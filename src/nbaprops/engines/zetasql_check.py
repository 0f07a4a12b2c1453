"""The BigQuery plan checked by ZetaSQL, the open-source implementation of GoogleSQL (BigQuery's
SQL): its analyzer resolves every statement's names and types against a catalog of the
warehouse's tables in BigQuery types, and its reference engine runs a model's query on rows
fed from the DuckDB warehouse.

ZetaSQL comes from PyPI's `zetasql` (Apache-2.0): ZetaSQL compiled to WebAssembly, run by
wasmtime. Compiling the 28 MB module takes one to three minutes on two cores, so the compiled
module is serialized once into the nbaprops cache folder (nbaprops.cache: ~/.cache/nbaprops or
$NBAPROPS_CACHE_DIR), keyed on the module's digest and the wasmtime version; later loads map
that file in a fraction of a second. The service is spoken to with the package's protobuf
messages directly (its own Python wrappers copy every byte of a request one at a time).

Language: BigQuery's product mode (PRODUCT_EXTERNAL: INT64, FLOAT64, no unsigned or 32-bit
types) and the LanguageFeatures in BIGQUERY_FEATURES, each with the BigQuery documentation that
says BigQuery has it. Statement kinds: query, MERGE, CREATE TABLE, DROP TABLE — what the plan
issues."""

from __future__ import annotations

import atexit
import ctypes
import datetime as dt
import gc
import hashlib
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sqlglot import exp

from ..cache import cache_dir
from ..errors import NbapropsError
from .bigquery import Job, bq_type, parameter_type

# The LanguageFeatures enabled, and why: the set go-zetasqlite (the engine of the open-source
# BigQuery emulator) enables for BigQuery, plus the DDL features the plan's CREATE TABLE needs;
# each is a documented part of BigQuery's GoogleSQL (cloud.google.com/bigquery/docs/reference/
# standard-sql/...). Anything else (pipes, GROUP BY ALL, in-development features) stays off, so
# SQL that leans on a feature BigQuery lacks fails here.
BIGQUERY_FEATURES: dict[str, str] = {
    "FEATURE_ANALYTIC_FUNCTIONS": "window-function-calls: OVER (PARTITION BY ... ORDER BY ... frame)",
    "FEATURE_NAMED_ARGUMENTS": "functions-reference: named arguments (name => value)",
    "FEATURE_NUMERIC_TYPE": "data-types: NUMERIC",
    "FEATURE_BIGNUMERIC_TYPE": "data-types: BIGNUMERIC (the adapter maps 128-bit integers to it)",
    "FEATURE_CREATE_TABLE_NOT_NULL": "data-definition-language: column NOT NULL",
    "FEATURE_PARAMETERIZED_TYPES": "data-types: parameterized types, STRING(L), NUMERIC(P, S)",
    "FEATURE_TABLESAMPLE": "query-syntax: TABLESAMPLE SYSTEM",
    "FEATURE_TIMESTAMP_NANOS": "data-types: TIMESTAMP literals with sub-microsecond digits",
    "FEATURE_V_1_1_HAVING_IN_AGGREGATE": "aggregate-function-calls: HAVING MAX / MIN",
    "FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_AGGREGATE": "aggregate-function-calls: IGNORE / RESPECT NULLS",
    "FEATURE_V_1_1_ORDER_BY_COLLATE": "query-syntax: ORDER BY ... COLLATE",
    "FEATURE_V_1_1_SELECT_STAR_EXCEPT_REPLACE": "query-syntax: SELECT * EXCEPT / REPLACE",
    "FEATURE_V_1_2_SAFE_FUNCTION_CALL": "functions-reference: the SAFE. prefix",
    "FEATURE_JSON_TYPE": "data-types: JSON",
    "FEATURE_JSON_ARRAY_FUNCTIONS": "json_functions: JSON_QUERY_ARRAY, JSON_VALUE_ARRAY",
    "FEATURE_JSON_STRICT_NUMBER_PARSING": "json_functions: wide_number_mode",
    "FEATURE_V_1_3_IS_DISTINCT": "operators: IS [NOT] DISTINCT FROM",
    "FEATURE_V_1_3_FORMAT_IN_CAST": "conversion_functions: CAST ... FORMAT",
    "FEATURE_V_1_3_DATE_ARITHMETICS": "operators: date arithmetics operators (DATE +/- INT64)",
    "FEATURE_V_1_1_ORDER_BY_IN_AGGREGATE": "aggregate-function-calls: ORDER BY inside ARRAY_AGG, STRING_AGG",
    "FEATURE_V_1_1_LIMIT_IN_AGGREGATE": "aggregate-function-calls: LIMIT inside ARRAY_AGG, STRING_AGG",
    "FEATURE_V_1_3_DATE_TIME_CONSTRUCTORS": "date_functions: DATE(year, month, day), DATETIME(...)",
    "FEATURE_V_1_3_EXTENDED_DATE_TIME_SIGNATURES": (
        "date_functions: DATE_ADD / DATE_DIFF on DATETIME, part WEEK(<weekday>)"
    ),
    "FEATURE_V_1_2_CIVIL_TIME": "data-types: DATETIME and TIME",
    "FEATURE_V_1_2_WEEK_WITH_WEEKDAY": "date_functions: WEEK(<WEEKDAY>) date parts",
    "FEATURE_INTERVAL_TYPE": "data-types: INTERVAL",
    "FEATURE_GROUP_BY_ROLLUP": "query-syntax: GROUP BY ROLLUP",
    "FEATURE_V_1_3_NULLS_FIRST_LAST_IN_ORDER_BY": "query-syntax: ORDER BY ... NULLS FIRST | LAST",
    "FEATURE_V_1_3_QUALIFY": "query-syntax: QUALIFY clause",
    "FEATURE_CREATE_TABLE_PARTITION_BY": "data-definition-language: CREATE TABLE ... PARTITION BY",
    "FEATURE_CREATE_TABLE_CLUSTER_BY": "data-definition-language: CREATE TABLE ... CLUSTER BY",
    "FEATURE_V_1_3_OMIT_INSERT_COLUMN_LIST": "dml-syntax: the INSERT column list is optional (MERGE ... INSERT ROW)",
    "FEATURE_V_1_3_ALLOW_DASHES_IN_TABLE_NAME": "lexical: project names with dashes (my-project.dataset.table)",
}
# Statements the BigQuery plan issues (ResolvedNodeKind names).
STATEMENT_KINDS = ("RESOLVED_QUERY_STMT", "RESOLVED_MERGE_STMT", "RESOLVED_CREATE_TABLE_STMT", "RESOLVED_DROP_STMT")


class ZetaSQLError(NbapropsError):
    """A statement ZetaSQL rejected (analysis or execution), with the message it gave."""


# -- loading the service ----------------------------------------------------------------------
@dataclass
class LoadInfo:
    seconds: float
    compiled: bool  # True: the module was compiled now (and cached); False: loaded from the cache
    cache_file: Path | None


_SERVICE = None
_LOAD: LoadInfo | None = None


def _pb():
    """The zetasql package's protobuf modules (imported on first use: the package is optional)."""
    try:
        from zetasql.wasi._pb2.zetasql.local_service import local_service_pb2
        from zetasql.wasi._pb2.zetasql.proto import options_pb2, simple_catalog_pb2
        from zetasql.wasi._pb2.zetasql.public import options_pb2 as public_options_pb2
        from zetasql.wasi._pb2.zetasql.public import simple_table_pb2, type_pb2, value_pb2
        from zetasql.wasi._pb2.zetasql.resolved_ast import resolved_node_kind_pb2
    except ImportError:
        raise NbapropsError("the ZetaSQL check needs the zetasql package: pip install 'nbaprops[test]'") from None
    from types import SimpleNamespace

    return SimpleNamespace(
        ls=local_service_pb2,
        opt=options_pb2,
        popt=public_options_pb2,
        cat=simple_catalog_pb2,
        table=simple_table_pb2,
        type=type_pb2,
        value=value_pb2,
        kind=resolved_node_kind_pb2,
    )


def _wasmtime_version() -> str:
    from importlib.metadata import version

    return version("wasmtime")


def module_cache_file(wasm: Path) -> Path:
    """Where the compiled module is kept: named by the module's digest and the wasmtime version
    (a compiled module only loads into the wasmtime that made it)."""
    h = hashlib.sha256()
    with open(wasm, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return cache_dir() / "zetasql" / f"zetasql-{h.hexdigest()[:16]}-wasmtime-{_wasmtime_version()}.cwasm"


def _engine():
    import wasmtime

    cfg = wasmtime.Config()
    try:
        cfg.shared_memory = True  # as the zetasql package configures it
    except AttributeError:
        pass
    return wasmtime.Engine(cfg)


def _module(engine, wasm: Path) -> tuple[Any, bool, Path | None]:
    """The compiled module: from the cache when there, else compiled and written to the cache
    (a temp file renamed: a reader never sees half a file). A stale or damaged cache file is
    compiled again."""
    import wasmtime

    cached = module_cache_file(wasm)
    if cached.exists():
        try:
            return wasmtime.Module.deserialize_file(engine, str(cached)), False, cached
        except Exception:  # another wasmtime's file, a truncated file: compile again
            pass
    module = wasmtime.Module.from_file(engine, str(wasm))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(module.serialize())
        os.replace(tmp, cached)
    except OSError:
        return module, True, None  # a read-only cache folder: compile again next time
    return module, True, cached


def service():
    """The ZetaSQL local service (one per process), loaded from the compiled-module cache."""
    global _SERVICE, _LOAD
    if _SERVICE is not None:
        return _SERVICE
    _pb()
    import wasmtime
    from zetasql.core.local_service import ZetaSqlLocalService
    from zetasql.core.wasm_client import WasmClient, get_tzinfo_dir
    from zetasql.wasi import get_wasm_path

    t0 = time.perf_counter()
    wasm = Path(get_wasm_path())
    engine = _engine()
    module, compiled, cached = _module(engine, wasm)

    class Client(WasmClient):
        def __init__(self):  # WasmClient.__init__ compiles the module itself: not called
            wasi = wasmtime.WasiConfig()
            wasi.inherit_stdout()
            wasi.inherit_stderr()
            if tz := get_tzinfo_dir():
                wasi.preopen_dir(tz, "/usr/share/zoneinfo")
            self.store = wasmtime.Store(engine)
            self.store.set_wasi(wasi)
            self.module = module
            linker = wasmtime.Linker(engine)
            linker.define_wasi()
            self.instance = linker.instantiate(self.store, module)
            self.exports = self.instance.exports(self.store)
            if "_initialize" in self.exports:
                cast("wasmtime.Func", self.exports["_initialize"])(self.store)
            self.memory = cast("wasmtime.SharedMemory", self.exports["memory"])  # shared (_engine)

        def _base(self) -> int:
            base = ctypes.cast(self.memory.data_ptr(), ctypes.c_void_p).value
            assert base is not None  # the instance's memory is mapped
            return base

        # one copy per request (the package's versions copy byte by byte: minutes per table)
        def write_bytes(self, ptr: int, data: bytes) -> None:
            ctypes.memmove(self._base() + ptr, data, len(data))

        def read_bytes(self, ptr: int, size: int) -> bytes:
            return ctypes.string_at(self._base() + ptr, size)

    svc = object.__new__(ZetaSqlLocalService)
    svc.wasm_client = Client()
    _SERVICE = svc
    atexit.register(_close)
    _LOAD = LoadInfo(time.perf_counter() - t0, compiled, cached)
    return svc


def _close() -> None:
    """Drop the instance before the interpreter tears wasmtime down (else its finalizers
    complain at exit)."""
    global _SERVICE
    if _SERVICE is not None:
        client = _SERVICE.wasm_client
        for name in ("memory", "exports", "instance", "module", "store"):
            if hasattr(client, name):
                delattr(client, name)
        _SERVICE = None
        gc.collect()


def load_info() -> LoadInfo | None:
    return _LOAD


def _call(method: str, request, response_type):
    from zetasql.core.exceptions import ServerError

    try:
        return service().wasm_client.call_grpc_func(method, request, response_type)
    except ServerError as e:
        raise ZetaSQLError(str(e)) from None


# -- language, catalog, types -----------------------------------------------------------------
def language_options():
    pb = _pb()
    return pb.opt.LanguageOptionsProto(
        name_resolution_mode=pb.popt.NAME_RESOLUTION_DEFAULT,
        product_mode=pb.popt.PRODUCT_EXTERNAL,
        enabled_language_features=[pb.popt.LanguageFeature.Value(f) for f in BIGQUERY_FEATURES],
        supported_statement_kinds=[pb.kind.ResolvedNodeKind.Value(k) for k in STATEMENT_KINDS],
    )


def analyzer_options(params: dict[str, Any]):
    """BigQuery's options: named @parameters typed like the BigQuery client types them (the
    adapter's _parameters), UTC as the default time zone."""
    pb = _pb()
    return pb.opt.AnalyzerOptionsProto(
        language_options=language_options(),
        query_parameters=[
            pb.opt.AnalyzerOptionsProto.QueryParameterProto(name=k, type=param_type(v)) for k, v in params.items()
        ],
        parameter_mode=pb.popt.PARAMETER_NAMED,
        error_message_mode=pb.popt.ERROR_MESSAGE_ONE_LINE,
        default_timezone="UTC",
    )


_KINDS = {
    "INT64": "TYPE_INT64",
    "FLOAT64": "TYPE_DOUBLE",
    "STRING": "TYPE_STRING",
    "BOOL": "TYPE_BOOL",
    "DATE": "TYPE_DATE",
    "DATETIME": "TYPE_DATETIME",
    "TIMESTAMP": "TYPE_TIMESTAMP",
    "NUMERIC": "TYPE_NUMERIC",
    "BIGNUMERIC": "TYPE_BIGNUMERIC",
    "BYTES": "TYPE_BYTES",
    "JSON": "TYPE_JSON",
    "TIME": "TYPE_TIME",
    "INTERVAL": "TYPE_INTERVAL",
}


def zeta_type(bq: exp.DataType):
    """A BigQuery column type (a sqlglot DataType, as the adapter's DDL writes it) as a ZetaSQL
    TypeProto; parameters such as NUMERIC(18, 3) do not change the type kind."""
    pb = _pb()
    if bq.this == exp.DataType.Type.ARRAY:
        return pb.type.TypeProto(
            type_kind=pb.type.TYPE_ARRAY, array_type=pb.type.ArrayTypeProto(element_type=zeta_type(bq.expressions[0]))
        )
    name = exp.DataType(this=bq.this).sql("bigquery").upper()
    if name not in _KINDS:
        raise ZetaSQLError(f"no ZetaSQL type for the BigQuery type {bq.sql('bigquery')}")
    return pb.type.TypeProto(type_kind=pb.type.TypeKind.Value(_KINDS[name]))


def param_type(value: Any):
    """A query parameter's type, as the adapter sends it (bigquery.parameter_type)."""
    pb = _pb()
    return pb.type.TypeProto(type_kind=pb.type.TypeKind.Value(_KINDS[parameter_type(value)]))


def build_catalog(tables: dict[str, list[tuple[str, str]]], nested: bool = True):
    """A catalog of the tables (id → columns and DuckDB types), each column with the BigQuery
    type the adapter's DDL gives its DuckDB type, and BigQuery's built-in functions. nested:
    `project.dataset.table` ids as nested catalogs, the way BigQuery resolves the plan's
    `project`.`dataset`.`table` paths; else every table at the top under its whole id (the
    reference engine takes table contents for top-level tables only)."""
    pb = _pb()
    root = pb.cat.SimpleCatalogProto(name="bigquery")
    root.builtin_function_options.language_options.CopyFrom(language_options())
    subs: dict[tuple[str, ...], Any] = {(): root}

    def sub(path: tuple[str, ...]):
        if path not in subs:
            subs[path] = sub(path[:-1]).catalog.add(name=path[-1])
        return subs[path]

    for i, (tid, cols) in enumerate(sorted(tables.items())):
        *path, name = tid.split(".") if nested else [tid]
        t = sub(tuple(path)).table.add(name=name, serialization_id=i + 1, full_name=tid)
        for c, duck in cols:
            t.column.add(name=c, type=zeta_type(bq_type(duck)), is_writable_column=True)
    return root


# -- analysis ---------------------------------------------------------------------------------
def statement_kind(job: Job) -> str:
    """What a plan statement is, for counting: select (a model's query), merge, ddl, drop."""
    return {"query": "select"}.get(job.kind, job.kind)


def register(catalog) -> int:
    """Register a catalog with the service once (sending it with every statement costs more
    than analysing the statement)."""
    pb = _pb()
    return _call(
        "ZetaSqlLocalService_RegisterCatalog",
        pb.ls.RegisterCatalogRequest(simple_catalog=catalog),
        pb.ls.RegisterResponse,
    ).registered_id


def analyze(sql: str, params: dict[str, Any], catalog_id: int) -> str:
    """Analyse one statement against a registered catalog; returns the resolved statement's
    node kind (e.g. resolved_query_stmt_node), raises ZetaSQLError."""
    from zetasql.core.exceptions import ServerError

    pb = _pb()
    req = pb.ls.AnalyzeRequest(options=analyzer_options(params), registered_catalog_id=catalog_id, sql_statement=sql)
    try:
        raw = service().wasm_client._call_grpc_method("ZetaSqlLocalService_Analyze", req.SerializeToString())
    except ServerError as e:
        raise ZetaSQLError(str(e)) from None
    # The resolved tree of a large model is nested deeper than protobuf's decoder allows: only
    # the outer fields are read (the response's statement, then which kind of statement it is)
    stmt = _field(raw, pb.ls.AnalyzeResponse.RESOLVED_STATEMENT_FIELD_NUMBER)
    number = _first_field_number(stmt) if stmt else None
    kinds = pb.ls.AnalyzeResponse.DESCRIPTOR.fields_by_name["resolved_statement"].message_type.fields_by_number
    if number not in kinds:
        raise ZetaSQLError("the analyzer returned no statement")
    return kinds[number].name


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def _fields(buf: bytes):
    """(field number, wire type, value) of a message's top-level fields."""
    value: int | bytes
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            value, i = buf[i : i + size], i + size
        elif wire == 1:
            value, i = buf[i : i + 8], i + 8
        elif wire == 5:
            value, i = buf[i : i + 4], i + 4
        else:
            raise ZetaSQLError(f"unexpected protobuf wire type {wire}")
        yield number, wire, value


def _field(buf: bytes, number: int) -> bytes | None:
    return next((v for n, w, v in _fields(buf) if n == number and w == 2), None)


def _first_field_number(buf: bytes) -> int | None:
    return next((n for n, _, _ in _fields(buf)), None)


def plan_tables(plan, shapes: dict[str, list[tuple[str, str]]], models) -> dict[str, list[tuple[str, str]]]:
    """Every table the plan's statements read or write, `project.dataset.table` → columns and
    DuckDB types: the sources and model tables, the failures table and the staging tables."""
    from ..catalog import SOURCE_TABLES
    from . import FAILURES_TABLE
    from .bigquery import stage_of, table_columns, table_id

    out = {table_id(plan.project, plan.prefix, t): shapes[t] for t in SOURCE_TABLES}
    out[table_id(plan.project, plan.prefix, FAILURES_TABLE)] = shapes[FAILURES_TABLE]
    for m in models:
        out[table_id(plan.project, plan.prefix, m.table)] = table_columns(m, shapes)
        out[stage_of(plan.project, plan.prefix, m)] = shapes[m.table]  # the query's whole result
    return out


@dataclass
class Analysis:
    job: Job
    kind: str
    resolved: str | None = None
    error: str | None = None


def analyze_plan(plan, shapes, models, catalog=None) -> list[Analysis]:
    """Every SQL statement of the plan analysed against the plan's tables."""
    catalog_id = register(catalog or build_catalog(plan_tables(plan, shapes, models)))
    out = []
    for job in plan.statements:
        a = Analysis(job, statement_kind(job))
        try:
            a.resolved = analyze(job.sql, job.params, catalog_id)
        except ZetaSQLError as e:
            a.error = str(e)
        out.append(a)
    return out


# -- execution on the reference engine ---------------------------------------------------------
_EPOCH = dt.date(1970, 1, 1)


def _datetime_proto(v: dt.datetime):
    """ZetaSQL's DATETIME encoding: seconds packed as bit fields, plus nanoseconds."""
    pb = _pb()
    packed = (v.year << 26) | (v.month << 22) | (v.day << 17) | (v.hour << 12) | (v.minute << 6) | v.second
    return pb.value.ValueProto(
        datetime_value=pb.value.ValueProto.Datetime(bit_field_datetime_seconds=packed, nanos=v.microsecond * 1000)
    )


def _numeric_bytes(v: Decimal, scale: int) -> bytes:
    n = int(Decimal(v).scaleb(scale).to_integral_value())
    size = max(1, (n.bit_length() + 8) // 8)
    return n.to_bytes(size, "little", signed=True)


def encode(value: Any, kind: str):
    """A Python value (as DuckDB returns it) as a ZetaSQL value of a BigQuery type."""
    pb = _pb()
    V = pb.value.ValueProto
    if value is None:
        return V()
    if kind == "INT64":
        return V(int64_value=int(value))
    if kind == "FLOAT64":
        return V(double_value=float(value))
    if kind == "STRING":
        return V(string_value=str(value))
    if kind == "BOOL":
        return V(bool_value=bool(value))
    if kind == "DATE":
        return V(date_value=(value - _EPOCH).days)
    if kind == "DATETIME":
        return _datetime_proto(value)
    if kind == "NUMERIC":
        return V(numeric_value=_numeric_bytes(value, 9))
    if kind == "BIGNUMERIC":
        return V(bignumeric_value=_numeric_bytes(value, 38))
    raise ZetaSQLError(f"cannot feed a {kind} value to the reference engine")


def decode(v) -> Any:
    """A ZetaSQL value as a Python value (what DuckDB returns for the same column)."""
    which = v.WhichOneof("value")
    if which is None:
        return None
    if which == "date_value":
        return _EPOCH + dt.timedelta(days=v.date_value)
    if which == "datetime_value":
        s = v.datetime_value.bit_field_datetime_seconds
        return dt.datetime(
            s >> 26,
            (s >> 22) & 0xF,
            (s >> 17) & 0x1F,
            (s >> 12) & 0x1F,
            (s >> 6) & 0x3F,
            s & 0x3F,
            v.datetime_value.nanos // 1000,
        )
    if which in ("numeric_value", "bignumeric_value"):
        raw = getattr(v, which)
        return Decimal(int.from_bytes(raw, "little", signed=True)).scaleb(-9 if which == "numeric_value" else -38)
    if which in ("int64_value", "double_value", "string_value", "bool_value"):
        return getattr(v, which)
    raise ZetaSQLError(f"cannot read a {which} from the reference engine")


def _kind(duck: str) -> str:
    return exp.DataType(this=bq_type(duck).this).sql("bigquery").upper()


def single_identifier_tables(sql: str) -> str:
    """`project`.`dataset`.`table` → `project.dataset.table` (one quoted path, which BigQuery
    reads the same): the reference engine takes the contents of top-level tables only."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read="bigquery")
    for t in tree.find_all(exp.Table):
        if t.args.get("catalog") and t.args.get("db"):
            t.set("this", exp.to_identifier(f"{t.catalog}.{t.db}.{t.name}", quoted=True))
            t.set("catalog", None)
            t.set("db", None)
    return tree.sql(dialect="bigquery")


@dataclass
class Table:
    columns: list[tuple[str, str]]  # name, DuckDB type
    rows: list[tuple]


def execute(sql: str, params: dict[str, Any], tables: dict[str, Table]) -> tuple[list[str], list[tuple]]:
    """Run a BigQuery query on ZetaSQL's reference engine over `tables` (id → columns and
    rows), with its @parameters bound; returns the result's column names and rows."""
    pb = _pb()
    catalog = build_catalog({tid: t.columns for tid, t in tables.items()}, nested=False)
    content = {}
    for tid, t in tables.items():
        kinds = [_kind(d) for _, d in t.columns]
        data = pb.ls.TableData(row=[pb.ls.TableData.Row(cell=[encode(v, k) for v, k in zip(r, kinds)]) for r in t.rows])
        content[tid] = pb.ls.TableContent(table_data=data)
    req = pb.ls.EvaluateQueryRequest(
        sql=single_identifier_tables(sql),
        options=analyzer_options(params),
        simple_catalog=catalog,
        table_content=content,
        params=[pb.ls.Parameter(name=k, value=encode(v, parameter_type(v))) for k, v in params.items()],
    )
    resp = _call("ZetaSqlLocalService_EvaluateQuery", req, pb.ls.EvaluateQueryResponse)
    names = [c.name for c in resp.prepared.columns]
    rows = [tuple(decode(c) for c in r.cell) for r in resp.content.table_data.row]
    return names, rows


def model_inputs(con, model, start: dt.date, end: dt.date, *, project: str, prefix: str) -> dict[str, Table]:
    """The tables a model reads, from a DuckDB warehouse, under their BigQuery ids: of a table
    with a time column only the rows of the window the model may read ([read_start, end] of the
    chunk; a full model reads everything). Reading outside that window is then a difference the
    comparison with DuckDB (which reads whole tables) shows."""
    from ..parameters import parameter_values
    from ..warehouse import quote_ident, quote_table
    from . import source_time_column
    from .bigquery import table_id

    window = None if model.kind == "full" else parameter_values(model.lookback_days, start, end)
    out = {}
    for dep in model.depends_on:
        schema, name = dep.split(".")
        cols = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
            "AND table_name = ? ORDER BY ordinal_position",
            [schema, name],
        ).fetchall()
        time_col = source_time_column(dep) or _model_time_column(dep)
        if window and time_col:
            rows = con.execute(
                f"SELECT * FROM {quote_table(dep)} WHERE {quote_ident(time_col)} BETWEEN ? AND ?",
                [window["read_start"], window["end_date"]],
            ).fetchall()
        else:
            rows = con.execute(f"SELECT * FROM {quote_table(dep)}").fetchall()
        out[table_id(project, prefix, dep)] = Table(cols, rows)
    return out


def _model_time_column(table: str) -> str | None:
    from ..catalog import Catalog

    try:
        m = Catalog.load().get(table)
    except Exception:
        return None
    return None if m.kind == "full" else m.time_column


def run_model(
    con, model, start: dt.date, end: dt.date, *, project: str = "nbaprops-check", prefix: str = "nbp"
) -> tuple[list[str], list[tuple]]:
    """A model's BigQuery staging query (as the plan issues it, with its @parameters for the
    chunk) run by the reference engine over its inputs from the DuckDB warehouse `con`."""
    from ..parameters import bind_parameters
    from .bigquery import model_query

    sql = model_query(model, project, prefix)
    params = {} if model.kind == "full" else bind_parameters(sql, "bigquery", model.lookback_days, start, end)
    return execute(sql, params, model_inputs(con, model, start, end, project=project, prefix=prefix))
