"""Plain references of the minutes, availability, form and opportunity features for the
per-date reference of the feature store (tests/models/feature_reference.py imports every
tests/models/references_*.py module). Each function recomputes one feature for one player entering
D from the raw tables alone (feature_reference.Entering), returning (value, source tag); the
feeds' defaults are applied by feature_reference.expected. tests/models/test_new_features.py holds
a second, SQL-free check of the same features on its own sampled dates."""

from __future__ import annotations

from datetime import timedelta

from feature_reference import REFERENCES, first, mean, reference, team_pace10, usage_mean

ROTATION_MINUTES = 15  # a rotation player: >= 15 minutes a game over his last 10 games


# -- minutes --------------------------------------------------------------------------------------
def _weights(p, half_life):
    return [0.5 ** ((p.d - g.date).days / half_life) for g in p.games]


def _minutes_ewm(half_life):
    def ref(p):
        if not p.games:
            return None, "default"
        w = _weights(p, half_life)
        return sum(wi * g.minutes for wi, g in zip(w, p.games)) / sum(w), "calculated"

    return ref


def _ppm_ewm(half_life):
    def ref(p):
        if sum(g.minutes for g in p.games[:10]) < 10:
            return None, "default"
        w = _weights(p, half_life)
        return (
            sum(wi * g.points for wi, g in zip(w, p.games)) / sum(wi * g.minutes for wi, g in zip(w, p.games))
        ), "calculated"

    return ref


for _hl in (10, 30):
    REFERENCES[f"minutes_ewm_{_hl}d"] = _minutes_ewm(_hl)
    REFERENCES[f"ppm_ewm_{_hl}d"] = _ppm_ewm(_hl)


@reference("minutes_last_game")
def _(p):
    return first((p.games[0].minutes if p.games else None, "calculated"))


@reference("minutes_trend")
def _(p):
    if len(p.games) < 5:
        return None, "default"
    return mean(g.minutes for g in p.games[:3]) - mean(g.minutes for g in p.games[:10]), "calculated"


def _starter_share(n):
    def ref(p):
        window = [g.starter for g in p.games[:n]]
        if not window or any(s is None for s in window):
            return None, "default"
        return sum(1 for s in window if s) / len(window), "calculated"

    return ref


REFERENCES["starter_share_last_5"], REFERENCES["starter_share_last_10"] = _starter_share(5), _starter_share(10)


@reference("games_since_role_change")
def _(p):
    """Games, newest first, in the role (starter or bench) of his last game until it differs."""
    roles = [g.starter for g in p.games]
    if not roles or roles[0] is None:
        return None, "default"
    return next((i for i, r in enumerate(roles) if r != roles[0]), len(roles)), "calculated"


# -- availability ---------------------------------------------------------------------------------
ROTATION_GAMES = 10  # a rotation player played one of his team's last 10 games
NEWLY_OUT_GAMES = 2  # newly out: missed at most his team's last 2 games


def _team_games_before(p):
    """Game ids of his team's scheduled games in D's season before D that have a box score of the
    team, oldest first (a game without one is unknown, not missed)."""
    return [
        g
        for d, g in sorted(
            (d, g)
            for g, (d, s, _, h, a) in p.raw.schedule.items()
            if s == p.season and d < p.d and p.team in (h, a) and (g, p.team) in p.raw.boxed
        )
    ]


def _counted(p):
    """(game id, date) of those games after his last game this season for another team."""
    left = max((g.date for g in p.games if g.team != p.team), default=None)
    dates = {g: p.raw.schedule[g][0] for g in _team_games_before(p)}
    return [(g, d) for g, d in dates.items() if left is None or d > left]


def _missed(days):
    def ref(p):
        played = {g.game_id for g in p.games}
        since = p.d - timedelta(days=days)
        return sum(1 for g, d in _counted(p) if d >= since and g not in played), "phase4"

    return ref


REFERENCES["team_games_missed_7d"], REFERENCES["team_games_missed_14d"] = _missed(7), _missed(14)


@reference("consecutive_team_games_missed")
def _(p):
    last = p.games[0].date if p.games else None
    return sum(1 for _, d in _counted(p) if last is None or d > last), "phase4"


def _teammates_out(p, long: bool = False):
    """His rotation teammates out on D, newly (long=False) or long: other players of his team
    expected on D with >= 15 minutes a game over their last 10 games this season who played one of
    the team's last 10 games; out when listed Out or Doubtful in the official injury report where
    one covers the team's game, else when they did not play the team's latest game or their injury
    transactions before D say out; newly out when they missed at most the team's last 2 games.
    Each with his last-10 games."""
    team_games = list(reversed(_team_games_before(p)))  # newest first
    out = []
    for mate_id in p.mates:
        m = p.other(mate_id)
        last10 = m.games[:10]
        if not last10 or mean(g.minutes for g in last10) < ROTATION_MINUTES:
            continue
        for_team = {g.game_id for g in m.games if g.team == p.team}
        since = next((i for i, g in enumerate(team_games) if g in for_team), None)
        if since is None or since >= ROTATION_GAMES:
            continue
        if p.report_status is not None:  # the official report covers the team's game: it says who is out
            is_out = m.report_status in ("out", "doubtful")
        else:
            is_out = since >= 1 or m.injury_out
        if is_out and (since > NEWLY_OUT_GAMES) == long:
            out.append(last10)
    return out


@reference("rotation_teammates_long_out")
def _(p):
    return len(_teammates_out(p, long=True)), "phase4"


@reference("rotation_teammates_out")
def _(p):
    return len(_teammates_out(p)), "phase4"


def _vacated(attr):
    def ref(p):
        total = 0.0
        for last10 in _teammates_out(p):
            vals = [getattr(g, attr) for g in last10]
            if any(v is None for v in vals):
                return None, "default"
            total += round(sum(vals) / len(vals), 6)
        return total, "phase4"

    return ref


REFERENCES["vacated_minutes"], REFERENCES["vacated_points"], REFERENCES["vacated_fga"] = (
    _vacated("minutes"),
    _vacated("points"),
    _vacated("fga"),
)


# -- form and opportunity -------------------------------------------------------------------------
@reference("expected_possessions_used")
def _(p):
    usage, pace, minutes = usage_mean(p, 10), team_pace10(p, p.team), mean(g.minutes for g in p.games[:10])
    if not p.has_pdc or None in (usage, pace, minutes):
        return None, "default"
    return usage / 100.0 * pace * minutes / 48.0, "phase4"


@reference("fta_rate_last_10")
def _(p):
    fga = sum(g.fga for g in p.games[:10] if g.fga is not None)
    fta = sum(g.fta for g in p.games[:10] if g.fta is not None)
    return first((fta / fga if fga >= 10 else None, "calculated"))


OPPONENT_MIN_GAMES = 5  # an opponent window's mean needs this many games with the value (at most n)


def _opponent_recent(attr, n):
    """The opponent's last n box-score games this season before D, seen from its defence: the
    other team's offence in each (points scored = points allowed; rating = defensive rating);
    NULL (source default) when fewer than min(n, OPPONENT_MIN_GAMES) of them have the value."""

    def ref(p):
        vals = []
        for t in p.team_games(p.opp)[:n]:
            o = p.raw.team_games.get((t.game_id, t.opp))
            vals.append(getattr(o, attr) if o is not None else None)
        known = [v for v in vals if v is not None]
        return first((mean(known) if len(known) >= min(n, OPPONENT_MIN_GAMES) else None, "calculated"))

    return ref


for _n in (5, 10):
    REFERENCES[f"opponent_points_allowed_last_{_n}"] = _opponent_recent("points", _n)
    REFERENCES[f"opponent_def_rating_last_{_n}"] = _opponent_recent("ortg", _n)
