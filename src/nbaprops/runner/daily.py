"""Which dates the daily run (`nbaprops run`) computes.

The rule, for a run without --date: bring the warehouse up to date as of today in US Eastern
time (the NBA's calendar; `today` can be fixed with --today or NBAPROPS_TODAY):

* every scheduled game date up to and including today that some model has never computed
  (missing), oldest first, so that no window of a later date reads a hole the run could have
  filled (a date computed before its predecessors would report them as missing dependencies);
* every date already computed whose inputs or SQL changed since (stale: a corrected box score
  reaches the dates that read it) — the runner's daily mode finds these;
* today, when games are scheduled on it.

When the schedule ends before today there is nothing newer to compute: the plan says so (a new
schedule must be fetched and ingested). With --date D the run computes D (and the stale dates)
only; game dates before D that were never computed are counted, not computed.

The runner runs the plan as `backfill(wh, plan.start, plan.end, daily=True)`: its range holds
the missing dates and today, and its daily mode adds the stale dates."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..calendar import GAME_DATES_SQL, PRESEASON
from ..catalog import Catalog
from ..errors import BadInputError
from ..warehouse import Warehouse, one

EASTERN = ZoneInfo("America/New_York")
TODAY_ENV = "NBAPROPS_TODAY"  # YYYY-MM-DD: the day a run without --date takes as today
# Catching up more dates than this runs the models one by one, as a backfill does (side by side,
# two large chunks would add up their memory); a daily run of a few dates runs them side by side.
PARALLEL_MAX_DATES = 7


def today_eastern(now: datetime | None = None) -> date:
    """Today's date in US Eastern time (where the NBA schedule's dates are)."""
    now = now or datetime.now(tz=EASTERN)
    if now.tzinfo is None:
        now = now.astimezone()  # a naive time is the machine's local time
    return now.astimezone(EASTERN).date()


def parse_today(value: str | None) -> date | None:
    """A --today / NBAPROPS_TODAY value (YYYY-MM-DD), or None."""
    if not value:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise BadInputError(f"--today / {TODAY_ENV} must be a date like 2024-01-31, got {value!r}") from None


def latest_game_date(wh: Warehouse) -> date:
    """The schedule's last game date (preseason dates are no game dates)."""
    latest = one(wh.con.execute(f"SELECT max(game_date) FROM ({GAME_DATES_SQL})"))[0]
    if latest is None:
        raise BadInputError("the schedule is empty: run `nbaprops ingest` first")
    return latest


def missing_game_dates(wh: Warehouse, up_to: date, models: list[str], *, before: bool = False) -> list[date]:
    """Game dates up to `up_to` (or before it, with before=True) that at least one of the
    models has no saved state for: never computed (or never finished)."""
    op = "<" if before else "<="
    rows = wh.con.execute(
        f"""
        SELECT g.game_date
        FROM ({GAME_DATES_SQL}) AS g
        LEFT JOIN (SELECT target_date, count(DISTINCT model) AS n
                   FROM processing.model_state WHERE list_contains(?, model)
                   GROUP BY target_date) AS s ON s.target_date = g.game_date
        WHERE g.game_date {op} ? AND coalesce(s.n, 0) < ?
        ORDER BY g.game_date""",
        [models, up_to, len(set(models))],
    ).fetchall()
    return [r[0] for r in rows]


def games_on(wh: Warehouse, d: date) -> int:
    """Games scheduled on d (preseason games do not count)."""
    return one(
        wh.con.execute("SELECT count(*) FROM raw.schedule WHERE game_date = ? AND season_type <> ?", [d, PRESEASON])
    )[0]


@dataclass
class DailyPlan:
    """What a daily run computes (see the module's docstring)."""

    today: date  # the run's day: --date, else today (US Eastern, or --today)
    start: date  # the runner's range [start, end] (run with daily=True)
    end: date
    explicit: bool  # --date was given
    games_today: int  # games scheduled on `today`
    schedule_end: date  # the schedule's last game date
    missing: list[date] = field(default_factory=list)  # never-computed game dates the run computes
    missing_before: int = 0  # with --date: never-computed game dates before it (not computed)
    today_given: bool = False  # today came from --today / NBAPROPS_TODAY, not the clock

    @property
    def schedule_ended(self) -> bool:
        return self.schedule_end < self.today

    @property
    def parallel(self) -> bool:
        """Run the models side by side (a few dates) or one by one (a catch-up of many)."""
        return len(self.missing) <= PARALLEL_MAX_DATES

    @property
    def day_name(self) -> str:
        if self.explicit:
            return str(self.today)
        return f"today ({self.today}{', as given' if self.today_given else ', US Eastern'})"

    def notes(self) -> list[str]:
        """What the user should know about the plan, one line each."""
        out = []
        if not self.explicit and self.missing:
            catch = [d for d in self.missing if d != self.today]
            if catch:
                out.append(
                    f"catching up {len(catch):,} scheduled game date{'s' if len(catch) != 1 else ''} "
                    f"never computed ({catch[0]} .. {catch[-1]}) before {self.day_name}"
                )
        if self.missing_before and self.games_today:
            out.append(
                f"{self.missing_before:,} game date{'s' if self.missing_before != 1 else ''} before "
                f"{self.today} {'were' if self.missing_before != 1 else 'was'} never computed: the windows "
                f"of {self.today} miss them (`nbaprops run` without --date catches up every missing "
                f"date up to today; or `nbaprops backfill`)"
            )
        return out

    def no_games_note(self) -> str | None:
        if self.games_today or (self.schedule_ended and not self.explicit):
            return None  # the schedule's end is said by schedule_note()
        after = f" (the schedule ends on {self.schedule_end})" if self.schedule_ended else ""
        return f"no games scheduled on {self.day_name}{after}"

    def schedule_note(self) -> str | None:
        if self.explicit or not self.schedule_ended:
            return None
        return (
            f"the schedule ends on {self.schedule_end}, before {self.day_name}: there are no newer games "
            "to compute. Fetch the new schedule and box scores into a folder laid out like data/real/, "
            "`nbaprops ingest` it, then `nbaprops run` again"
        )


def plan_daily(
    wh: Warehouse, *, on: date | None = None, today: date | None = None, catalog: Catalog | None = None
) -> DailyPlan:
    """The daily run's plan: for one date `on` (--date), or as of `today` (default: today in US
    Eastern time, or NBAPROPS_TODAY)."""
    schedule_end = latest_game_date(wh)
    catalog = catalog or Catalog.load()
    # the date-keyed models say which dates are computed (a full model is computed whole)
    models = [m.name for m in catalog.ordered() if m.kind != "full"]
    if on is not None:
        before = missing_game_dates(wh, on, models, before=True)
        return DailyPlan(
            today=on,
            start=on,
            end=on,
            explicit=True,
            games_today=games_on(wh, on),
            schedule_end=schedule_end,
            missing_before=len(before),
        )
    if today is None:
        today = parse_today(os.environ.get(TODAY_ENV))
    given = today is not None
    today = today or today_eastern()
    missing = missing_game_dates(wh, today, models)
    return DailyPlan(
        today=today,
        start=missing[0] if missing else today,
        end=today,
        explicit=False,
        games_today=games_on(wh, today),
        schedule_end=schedule_end,
        missing=missing,
        today_given=given,
    )
