"""The model catalog: reads each SQL model's header, renders its macros, infers its
dependencies and builds the dependency graph.

A model is one file `models/<schema>/<table>.sql` whose leading comment lines declare:

    -- table: precompute.player_shot_zone_analysis
    -- kind: by_date_with_failures                     (how the table is written: see KINDS)
    -- grain: player_lookup, analysis_date
    -- time_column: analysis_date
    -- lookback_days: 400
    -- failures: PlayerShotZoneAnalysisProcessor      (with kind by_date_with_failures)
    -- entity: player_lookup                          (with failures: the failure's entity_id)
    -- universe: season_players                       (with failures: who must get a row or a
                                                        failure on D, see UNIVERSES)
    -- depends_on: analytics.player_game_summary      (optional: checked against the query)

followed by one SELECT that computes every date of a range at once. It may use the bound
parameters $start_date and $end_date (the output range, inclusive) and $read_start
(= start_date − lookback_days: the earliest input date it needs), and render-time macros
(`@name(args)`, nbaprops.macros) expanded when the catalog loads. The tables a model reads are
inferred from the rendered query (sqlglot's table references in the project's schemas); a
declared `depends_on` must equal them, so reading an undeclared table is an error here. A
model with failures returns its whole universe: rows with failure_category NULL go to the
table, the others to processing.precompute_failures (columns failure_category,
failure_reason, can_retry)."""

from __future__ import annotations

import functools
import graphlib
import hashlib
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import macros
from .cache import read_json, write_json
from .errors import ModelError

SOURCE_TABLE_ORDER = (
    "raw.schedule",
    "raw.player_boxscores",
    "raw.team_boxscores",
    "raw.shots",
    "raw.game_lines",
    "raw.injuries",
    "raw.player_points_props",
    "raw.injury_report",
    "reference.players",
    "reference.teams",
)
SOURCE_TABLES = frozenset(SOURCE_TABLE_ORDER)
# The time column of each source table (reference tables have none: digested whole).
SOURCE_TIME_COLUMNS = {
    t: ("transaction_date" if t == "raw.injuries" else "game_date") for t in SOURCE_TABLES if t.startswith("raw.")
}
FAILURE_COLUMNS = ("failure_category", "failure_reason", "can_retry")
MODELS_DIR_ENV = "NBAPROPS_MODELS_DIR"  # hidden: load models from this folder (tests, experiments)
_REQUIRED = ("table", "kind", "grain", "time_column", "lookback_days")
_OPTIONAL = ("depends_on", "failures", "entity", "universe")
# The schemas whose tables are dependencies (a query may read other, scratch schemas freely).
PROJECT_SCHEMAS = ("raw", "analytics", "precompute", "predictions", "processing", "reference")

# Who a by_date_with_failures model must describe on D (a row or a failure row each).
UNIVERSES = {
    "season_teams": "every team with a scheduled game in D's season",
    "season_players": "every player with a played game in D's season before D",
    "upcoming_players": "the players expected on D (analytics.upcoming_player_game_context)",
}

# How a model's table is written; the runner and every engine act on the kind, never on a name.
KINDS = {
    # a chunk replaces the rows of its dates (time_column BETWEEN start and end)
    "by_date": "replace a date range",
    # as by_date, and the SELECT returns its whole universe: rows whose failure_category is set
    # go to processing.precompute_failures (with their completeness), the others to the table
    "by_date_with_failures": "replace a date range; rows plus failure rows with completeness",
    # the SELECT takes no date parameters and returns the whole table, replaced whole
    "full": "a reference table computed whole",
}


@dataclass(frozen=True)
class Model:
    name: str  # the table name without schema, e.g. player_game_summary
    table: str  # schema.table
    kind: str  # one of KINDS
    grain: tuple[str, ...]
    time_column: str
    depends_on: tuple[str, ...]
    lookback_days: int
    sql: str  # the query as run: macros expanded
    path: str
    failures: str | None = None  # processor_name in processing.precompute_failures
    entity: str | None = None
    universe: str | None = None  # with failures: one of UNIVERSES
    source: str = ""  # the file's text as written (macro calls unexpanded)

    @property
    def phase(self) -> int | None:
        """3, 4 or 5 by the model's schema (PHASES); None for any other schema."""
        return PHASES.get(self.table.split(".")[0])

    @property
    def writes_failures(self) -> bool:
        return self.kind == "by_date_with_failures"

    @property
    def failure_entity(self) -> str:
        """The entity column of the failure rows (parse_model requires one of a model with failures)."""
        if self.entity is None:
            raise ModelError(f"model {self.name}: writes failures but names no entity column")
        return self.entity

    @functools.cached_property
    def sql_hash(self) -> str:
        """The rendered query without comments: fixing a header's prose recomputes nothing."""
        return hashlib.sha256(macros.strip_comments(self.sql).encode()).hexdigest()[:16]


def parse_model(text: str, path: str) -> Model:
    header: dict[str, str] = {}
    for line in text.splitlines():
        s = line.strip()
        if not s.startswith("--"):
            if s:
                break
            continue
        body = s[2:].strip()
        if ":" in body:
            k, v = body.split(":", 1)
            k = k.strip().lower()
            if k in _REQUIRED or k in _OPTIONAL:
                header[k] = v.strip()
    missing = [k for k in _REQUIRED if k not in header]
    if missing:
        raise ModelError(f"model {path}: header is missing {', '.join(missing)}")
    table = header["table"]
    if table.count(".") != 1:
        raise ModelError(f"model {path}: table must be schema.name, got {table!r}")
    try:
        lookback = int(header["lookback_days"])
    except ValueError as exc:
        raise ModelError(f"model {path}: lookback_days must be a whole number") from exc
    if lookback < 0:
        raise ModelError(f"model {path}: lookback_days must not be negative")
    sql = macros.render(text, f"model {path}")
    deps = tuple(sorted(read_tables(sql, path)))
    if "depends_on" in header:
        declared = {d.strip() for d in header["depends_on"].split(",") if d.strip()}
        if declared != set(deps):
            unread, undeclared = sorted(declared - set(deps)), sorted(set(deps) - declared)
            raise ModelError(
                f"model {path}: depends_on differs from the tables the query reads"
                + (f"; reads undeclared {', '.join(undeclared)}" if undeclared else "")
                + (f"; declares unread {', '.join(unread)}" if unread else "")
            )
    kind = header["kind"]
    if kind not in KINDS:
        raise ModelError(f"model {path}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if (kind == "by_date_with_failures") != bool(header.get("failures")):
        raise ModelError(
            f"model {path}: kind by_date_with_failures goes with a `failures:` processor name (and only it)"
        )
    if header.get("failures") and not header.get("entity"):
        raise ModelError(f"model {path}: a model with failures must name its entity column")
    if kind == "full" and _PARAM.search(macros.strip_comments(text)):
        raise ModelError(
            f"model {path}: a full model is computed whole: its query takes no $start_date, $end_date or $read_start"
        )
    if header.get("failures") and header.get("universe") not in UNIVERSES:
        raise ModelError(f"model {path}: a model with failures must name its universe, one of {', '.join(UNIVERSES)}")
    return Model(
        name=table.split(".")[1],
        table=table,
        kind=kind,
        grain=tuple(g.strip() for g in header["grain"].split(",")),
        time_column=header["time_column"],
        depends_on=deps,
        lookback_days=lookback,
        sql=sql,
        path=path,
        failures=header.get("failures"),
        entity=header.get("entity"),
        universe=header.get("universe"),
        source=text,
    )


_PARAM = re.compile(r"\$([a-z_]+)")
_TABLES_CACHE = "read_tables.json"


@functools.cache
def _disk_cache() -> dict[str, list[str]]:
    return read_json(_TABLES_CACHE)


@functools.cache
def _sqlglot_version() -> str:
    # (importing sqlglot costs ~0.1 s, importlib.metadata ~25 ms: read its version file)
    import importlib.util

    spec = importlib.util.find_spec("sqlglot")
    if spec is None or spec.origin is None:
        return "unknown"
    try:
        return (Path(spec.origin).parent / "_version.py").read_text(encoding="utf-8")
    except OSError:
        return "unknown"


def read_tables(sql: str, where: str = "model") -> set[str]:
    """The project tables (schema.table) a query reads, from sqlglot's table references.

    Parsing every model costs ~0.4 s, paid on each CLI call otherwise: the answer is kept in a
    small cache file keyed by the query's and sqlglot's versions (like SQLMesh's model cache)."""
    key = hashlib.sha256(f"{_sqlglot_version()}\0{sql}".encode()).hexdigest()
    cache = _disk_cache()
    if key in cache:
        return set(cache[key])
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(_PARAM.sub("CAST(NULL AS DATE)", sql), read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise ModelError(f"{where}: the query does not parse: {str(exc).splitlines()[0]}") from exc
    found = {f"{t.db}.{t.name}" for t in tree.find_all(exp.Table) if t.db in PROJECT_SCHEMAS}
    cache[key] = sorted(found)
    write_json(_TABLES_CACHE, cache)
    return found


# A model's phase is its schema's, defined here only: Phase 3 analytics, Phase 4 precompute,
# Phase 5 the predictions (the feature store). Phases run in this order whenever the
# dependencies allow it: every Phase 3 model before any Phase 4 one, so that the pre-flight
# (Phase 3 coverage) sees all of Phase 3.
PHASES = {"analytics": 3, "precompute": 4, "predictions": 5}


def _phase_order(graph: dict[str, set[str]], tables: dict[str, str]) -> list[str]:
    """A topological order of the models that takes the earliest phase first, then the name
    (deterministic). Raises graphlib.CycleError on a cycle."""
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    ready: list[str] = []
    order: list[str] = []
    while sorter.is_active():
        ready.extend(sorter.get_ready())
        ready.sort(key=lambda n: (PHASES.get(tables[n].split(".")[0], max(PHASES.values()) + 1), n))
        name = ready.pop(0)
        order.append(name)
        sorter.done(name)
    return order


class Catalog:
    """All models, in dependency order."""

    def __init__(self, models: list[Model]):
        self.models = {m.name: m for m in models}
        by_table = {m.table: m for m in models}
        if len(by_table) != len(models):
            raise ModelError("two model files declare the same table")
        graph: dict[str, set[str]] = {}
        for m in models:
            deps = set()
            for d in m.depends_on:
                if d in by_table:
                    deps.add(by_table[d].name)
                elif d not in SOURCE_TABLES:
                    known = sorted(SOURCE_TABLES | set(by_table))
                    raise ModelError(
                        f"model {m.name} ({m.path}) depends on unknown table {d!r}; known tables: {', '.join(known)}"
                    )
            graph[m.name] = deps
        try:
            self.order = _phase_order(graph, {m.name: m.table for m in models})
        except graphlib.CycleError as exc:
            cycle = " -> ".join(exc.args[1])
            raise ModelError(f"models depend on each other in a cycle: {cycle}") from exc
        self.upstream = graph

    @classmethod
    def load(cls, folder: str | Path | None = None) -> Catalog:
        models = []
        if folder is None and os.environ.get(MODELS_DIR_ENV):
            folder = os.environ[MODELS_DIR_ENV]
        if folder is not None and not Path(folder).is_dir():
            raise ModelError(f"model folder {folder} does not exist")
        if folder is None:
            root = resources.files("nbaprops.models")
            for schema_dir in sorted(root.iterdir(), key=lambda p: p.name):
                if schema_dir.is_dir() and not schema_dir.name.startswith("_"):
                    for f in sorted(schema_dir.iterdir(), key=lambda p: p.name):
                        if f.name.endswith(".sql"):
                            models.append(parse_model(f.read_text(encoding="utf-8"), f"{schema_dir.name}/{f.name}"))
        else:
            for f in sorted(Path(folder).rglob("*.sql")):
                models.append(parse_model(f.read_text(encoding="utf-8"), str(f)))
        return cls(models)

    def get(self, name: str) -> Model:
        key = name.split(".")[-1]
        if key not in self.models:
            raise ModelError(f"unknown model {name!r}; models: {', '.join(self.order)}")
        return self.models[key]

    def dependants_of(self, name: str) -> list[str]:
        """The model and every model that reads it, directly or not, in run order (what a change
        of the model reaches; --start-from selects by run order: runner.plan.select_models)."""
        keep = {self.get(name).name}
        for m in self.order:
            if self.upstream[m] & keep:
                keep.add(m)
        return [m for m in self.order if m in keep]

    def ordered(self) -> list[Model]:
        return [self.models[n] for n in self.order]
