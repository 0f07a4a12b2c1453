"""Key normalisation: player_lookup and team tricodes, defined once in nbaprops.keys."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbaprops import keys


@pytest.mark.parametrize(
    "name, lookup",
    [
        ("Nikola Jokić", "nikolajokic"),
        ("Jaren Jackson Jr.", "jarenjacksonjr"),
        ("Dāvis Bertāns", "davisbertans"),
        ("Luka Dončić", "lukadoncic"),
        ("Jusuf Nurkić", "jusufnurkic"),
        ("Bogdan Bogdanović", "bogdanbogdanovic"),
        ("Kristaps Porziņģis", "kristapsporzingis"),
        ("Jonas Valančiūnas", "jonasvalanciunas"),
        ("Dennis Schröder", "dennisschroder"),
        ("Nikola Vučević", "nikolavucevic"),
        ("Álex Abrines", "alexabrines"),
        ("De'Aaron Fox", "deaaronfox"),
        ("D'Angelo Russell", "dangelorussell"),
        ("De’Andre Hunter", "deandrehunter"),  # typographic apostrophe
        ("Shai Gilgeous-Alexander", "shaigilgeousalexander"),
        ("Karl-Anthony Towns", "karlanthonytowns"),
        ("Gary Trent Jr.", "garytrentjr"),
        ("Marvin Bagley III", "marvinbagleyiii"),
        ("P.J. Tucker", "pjtucker"),
        ("OG Anunoby", "oganunoby"),
        ("  Kevin   Durant ", "kevindurant"),
        ("Kevin Durant", "kevindurant"),
        ("KEVIN DURANT", "kevindurant"),
        ("Nikola Jokic\u0301", "nikolajokic"),  # combining accent already decomposed
        ("Kristian Søby", "kristiansoby"),  # ø does not decompose under NFKD
        ("Ørjan Ødegaard", "orjanodegaard"),
        ("Đorđe Đurić", "dordeduric"),  # đ does not decompose either
        ("Marcin Gortat ł", "marcingortatl"),
        ("Strauß", "strauss"),
        ("Æsir Œuvre", "aesiroeuvre"),
        ("ﬁnn", "finn"),  # NFKD compatibility ligature
        ("Ｍｉｋｅ", "mike"),  # full-width letters
        ("Robert'); DROP TABLE raw.schedule;--", "robertdroptablerawschedule"),
    ],
)
def test_player_lookup(name, lookup):
    assert keys.player_lookup(name) == lookup


@pytest.mark.parametrize("name", [None, "", "   ", "---", "'.'", "\u0301"])
def test_player_lookup_of_nothing_is_none(name):
    assert keys.player_lookup(name) is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_player_lookup_properties(name):
    out = keys.player_lookup(name)
    if out is not None:
        assert out and all(ch in "abcdefghijklmnopqrstuvwxyz0123456789" for ch in out)
        # idempotent, and blind to case, accents and punctuation added around the name
        assert keys.player_lookup(out) == out
        assert keys.player_lookup(unicodedata.normalize("NFC", name)) == out
        assert keys.player_lookup(f" {name}. ") == out


@pytest.mark.parametrize(
    "code, tricode",
    [
        ("BRK", "BKN"),
        ("NJN", "BKN"),
        ("PHO", "PHX"),
        ("CHO", "CHA"),
        ("CHH", "CHA"),
        ("GS", "GSW"),
        ("NO", "NOP"),
        ("NOH", "NOP"),
        ("NOK", "NOP"),
        ("NY", "NYK"),
        ("SA", "SAS"),
        ("UTAH", "UTA"),
        ("WSH", "WAS"),
        ("brk", "BKN"),
        (" pho ", "PHX"),
        ("BKN", "BKN"),
        ("LAL", "LAL"),
        ("phx", "PHX"),
    ],
)
def test_team_abbr_variants(code, tricode):
    assert keys.team_abbr(code) == tricode


@pytest.mark.parametrize("code", [None, "", "  "])
def test_team_abbr_of_nothing_is_none(code):
    assert keys.team_abbr(code) is None


def test_every_variant_maps_to_a_real_tricode():
    import csv
    from importlib import resources

    with resources.files("nbaprops.reference").joinpath("teams.csv").open(encoding="utf-8") as f:
        tricodes = {r["team_abbr"] for r in csv.DictReader(f)}
    assert len(tricodes) == 30
    assert set(keys.TRICODE_VARIANTS.values()) <= tricodes
    assert not set(keys.TRICODE_VARIANTS) & tricodes  # a variant never shadows a real tricode


def test_sql_team_normalisation_matches_python(tmp_path):
    """The loader's SQL macro norm_team() and keys.team_abbr() agree on every variant."""
    from nbaprops.ingest.loader import _register_helpers
    from nbaprops.warehouse import Warehouse

    with Warehouse.open(tmp_path / "k.duckdb") as wh:
        _register_helpers(wh.con)
        for code in [*keys.TRICODE_VARIANTS, "bkn", " pho", "LAL", "", "XYZ"]:
            sql = wh.con.execute("SELECT norm_team(?)", [code]).fetchone()[0]
            assert sql == keys.team_abbr(code), code


@pytest.mark.parametrize(
    "name, base",
    [
        ("Jimmy Butler III", "jimmybutler"),
        ("Jimmy Butler", "jimmybutler"),
        ("Marcus Morris Sr.", "marcusmorris"),
        ("Mike Conley Jr.", "mikeconley"),
        ("Gary Payton II", "garypayton"),
        ("Reggie Bullock, Jr.", "reggiebullock"),
        ("Wesley Matthews", "wesleymatthews"),
        ("Nikola Jokić", "nikolajokic"),
        ("V", "v"),  # a suffix alone is not stripped to nothing
        ("Jr", "jr"),
        (None, None),
    ],
)
def test_base_lookup_drops_a_generational_suffix(name, base):
    assert keys.base_lookup(name) == base


def test_aliases_are_tied_to_one_nba_id_each():
    aliases = keys.player_aliases()
    assert aliases and all(a.player_id > 0 for a in aliases)
    lookups = [keys.player_lookup(a.alias_name) for a in aliases]
    assert len(set(lookups)) == len(lookups)
    # an alias is never just the suffix rule or the same spelling (those need no entry)
    assert all(keys.base_lookup(a.alias_name) != keys.base_lookup(a.player_name) for a in aliases)
