"""The catalog refuses cycles, unknown dependencies and bad headers with clear errors."""

from __future__ import annotations

import pytest
from toys import DAILY_POINTS, write_models

from nbaprops.catalog import Catalog
from nbaprops.errors import ModelError


def model(table: str, deps: str, lookback: str = "0") -> str:
    """A model that declares `deps` and reads them (a query reading nothing says SELECT 1)."""
    reads = [d.strip() for d in deps.split(",") if "." in d]
    body = "SELECT 1" + (" FROM " + ", ".join(reads) if reads else "")
    return (
        f"-- table: {table}\n-- kind: by_date\n-- grain: game_date\n-- time_column: game_date\n-- depends_on: {deps}\n"
        f"-- lookback_days: {lookback}\n{body}\n"
    )


def test_cycle_is_refused_and_named(tmp_path):
    write_models(
        tmp_path,
        a=model("analytics.a", "precompute.b"),
        b=model("precompute.b", "predictions.c"),
        c=model("predictions.c", "analytics.a"),
    )
    with pytest.raises(ModelError, match=r"cycle: .*(a|b|c) -> .*(a|b|c)"):
        Catalog.load(tmp_path)


def test_self_dependency_is_a_cycle(tmp_path):
    write_models(tmp_path, a=model("analytics.a", "analytics.a, raw.schedule"))
    with pytest.raises(ModelError, match="cycle"):
        Catalog.load(tmp_path)


def test_unknown_dependency_is_refused(tmp_path):
    write_models(tmp_path, a=model("analytics.a", "raw.schedule, analytics.nope"))
    with pytest.raises(ModelError, match=r"model a .*depends on unknown table 'analytics.nope'.*known tables"):
        Catalog.load(tmp_path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("-- table: analytics.a\nSELECT 1\n", "header is missing"),
        (model("analytics.a", "raw.schedule", "-3"), "must not be negative"),
        (model("analytics.a", "raw.schedule", "x"), "whole number"),
    ],
)
def test_bad_headers(tmp_path, text, message):
    write_models(tmp_path, a=text)
    with pytest.raises(ModelError, match=message):
        Catalog.load(tmp_path)


def test_order_and_downstream(toy_models):
    cat = Catalog.load(toy_models)
    assert cat.order == ["toy_daily_points", "toy_rolling"]
    assert cat.dependants_of("toy_daily_points") == ["toy_daily_points", "toy_rolling"]
    with pytest.raises(ModelError, match="unknown model"):
        cat.get("nope")


def test_models_dir_env(tmp_path, monkeypatch):
    write_models(tmp_path, toy_daily_points=DAILY_POINTS)
    monkeypatch.setenv("NBAPROPS_MODELS_DIR", str(tmp_path))
    assert list(Catalog.load().models) == ["toy_daily_points"]
    monkeypatch.setenv("NBAPROPS_MODELS_DIR", str(tmp_path / "missing"))
    with pytest.raises(ModelError, match="does not exist"):
        Catalog.load()


def test_dependencies_are_inferred_from_the_query(tmp_path):
    write_models(
        tmp_path,
        a=model("analytics.a", "raw.schedule")
        .replace("-- depends_on: raw.schedule\n", "")
        .replace("SELECT 1 FROM raw.schedule", "SELECT s.game_date FROM raw.schedule s JOIN reference.teams t ON true"),
        b=model("precompute.b", "x")
        .replace("-- depends_on: x\n", "")
        .replace("SELECT 1", "WITH c AS (SELECT * FROM analytics.a) SELECT * FROM c"),
    )
    cat = Catalog.load(tmp_path)
    assert cat.get("a").depends_on == ("raw.schedule", "reference.teams")
    assert cat.get("b").depends_on == ("analytics.a",)  # a CTE is no table
    assert cat.order == ["a", "b"]


@pytest.mark.parametrize(
    "declared, message",
    [
        ("raw.schedule", "reads undeclared reference.teams"),
        ("raw.schedule, reference.teams, raw.shots", "declares unread raw.shots"),
    ],
)
def test_a_declared_list_must_match_the_query(tmp_path, declared, message):
    text = model("analytics.a", declared)
    text = text[: text.index("SELECT 1")] + "SELECT s.game_date FROM raw.schedule s JOIN reference.teams t ON true\n"
    write_models(tmp_path, a=text)
    with pytest.raises(ModelError, match=message):
        Catalog.load(tmp_path)


def test_the_bundled_models_read_what_they_are_known_to_read():
    """Every model reads something, and the feature store's inputs reach raw.schedule (the
    calendar of its checks, through precompute.dependency_holes): its per-date fingerprint
    covers schedule changes."""
    cat = Catalog.load()
    by_table = {m.table: m for m in cat.ordered()}

    def reach(table: str) -> set[str]:
        m = by_table.get(table)
        return {table} | (set().union(*(reach(d) for d in m.depends_on)) if m else set())

    assert "raw.schedule" in reach("predictions.ml_feature_store_v2")
    for m in cat.ordered():
        assert m.depends_on and all(
            d.split(".")[0] in ("raw", "reference", "analytics", "precompute") for d in m.depends_on
        ), m.name


def test_a_full_model_takes_no_date_parameters(tmp_path):
    text = model("reference.a", "raw.schedule").replace("-- kind: by_date", "-- kind: full")
    write_models(
        tmp_path, a=text.replace("SELECT 1 FROM raw.schedule", "SELECT 1 FROM raw.schedule WHERE game_date < $end_date")
    )
    with pytest.raises(ModelError, match="full model is computed whole"):
        Catalog.load(tmp_path)
    write_models(tmp_path, a=text)
    assert Catalog.load(tmp_path).get("a").kind == "full"
