"""The skew rule of model/coverage.py on hand-made coverages: which feature groups warn, and a
model file without coverage (None) is never checked."""

from __future__ import annotations

from datetime import date

from nbaprops import features
from nbaprops.model.coverage import Coverage, compare, line_note

D = date(2026, 12, 5)
GAME_LINES = [f.name for f in features.FEATURES if f.group == "game_lines"]


def cov(shares: dict[str, float], rows: int = 100, **kw) -> Coverage:
    return Coverage(rows, {f.name: shares.get(f.name, 1.0) for f in features.FEATURES}, **kw)


def test_a_group_real_in_training_and_mostly_default_on_d_warns_naming_the_fix():
    trained = cov(dict.fromkeys(GAME_LINES, 0.94))
    (gap,) = compare(trained, cov(dict.fromkeys(GAME_LINES, 0.0)), D)
    assert gap.group == "game_lines" and gap.features == tuple(GAME_LINES)
    assert gap.message == (
        "game lines: 0 % real on 2026-12-05, 94 % in training — fetch them (nbaprops fetch --odds), "
        "or scores rest on defaults"
    )


def test_the_thresholds_half_the_training_share_and_trained_on_at_least_half():
    trained = cov(dict.fromkeys(GAME_LINES, 0.94))
    assert compare(trained, cov(dict.fromkeys(GAME_LINES, 0.46)), D)  # under 0.47
    assert not compare(trained, cov(dict.fromkeys(GAME_LINES, 0.48)), D)
    never = cov(dict.fromkeys(GAME_LINES, 0.4))  # the model hardly saw them: nothing to lose
    assert not compare(never, cov(dict.fromkeys(GAME_LINES, 0.0)), D)


def test_part_of_a_group_names_its_features():
    (gap,) = compare(cov({}), cov({"injury_risk": 0.1}), D)
    assert gap.message.startswith("availability (injury_risk): 10 % real on 2026-12-05, 100 % in training")


def test_unknown_coverage_and_an_empty_day_are_not_checked():
    assert compare(None, cov(dict.fromkeys(GAME_LINES, 0.0)), D) == []
    assert compare(cov({}), Coverage(0), D) == []


def test_the_model_file_form_round_trips_and_says_the_rule():
    c = cov({"injury_risk": 0.25}, rows=7, lines=5, synthetic_lines=4, real_lines=1)
    d = c.to_dict()
    assert Coverage.from_dict(d) == c and Coverage.from_dict(None) is None
    assert d["groups"]["availability"] < 1 and "default" in d["rule"]


def test_prop_lines_of_another_kind_than_training_are_noted():
    trained = cov({}, lines=10, synthetic_lines=10)
    assert line_note(trained, cov({}, lines=10, synthetic_lines=9, real_lines=1), D) is None
    note = line_note(trained, cov({}, lines=10, real_lines=10), D)
    assert note is not None and note.startswith("prop lines: 0 % synthetic on 2026-12-05, 100 % in training")
