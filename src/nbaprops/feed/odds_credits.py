"""What The Odds API charges, in credits (its usage quota), and the estimate of a fetch.

- the events list: free (current); 1 credit (historical);
- current odds: 1 credit per region × market of a call (h2h, spreads, totals: 3 per region);
- an event's player_points odds: 1 credit per region;
- historical odds and event odds: 10 credits per region × market.
`bookmakers=` replaces `regions=`: every 10 bookmakers count as one region. A call that returns
no event costs nothing, so an estimate is an upper bound."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

GAME_MARKETS = ("h2h", "spreads", "totals")
PROPS_MARKET = "player_points"
HISTORICAL_FACTOR = 10
HISTORICAL_EVENTS_COST = 1
BOOKMAKERS_PER_REGION = 10
MAX_GAMES_PER_DATE = 15  # an NBA date never has more (all 30 teams playing)


def region_units(regions: tuple[str, ...], bookmakers: tuple[str, ...]) -> int:
    if bookmakers:
        return math.ceil(len(bookmakers) / BOOKMAKERS_PER_REGION)
    return max(len(regions), 1)


def events_cost(historical: bool) -> int:
    return HISTORICAL_EVENTS_COST if historical else 0


def game_odds_cost(historical: bool, units: int) -> int:
    return (HISTORICAL_FACTOR if historical else 1) * len(GAME_MARKETS) * units


def props_cost(historical: bool, units: int) -> int:
    return (HISTORICAL_FACTOR if historical else 1) * units


@dataclass
class Estimate:
    credits: int = 0
    events_lists: int = 0  # calls of the events list still to make
    game_calls: int = 0
    props_calls: int = 0
    guessed_dates: list[str] = field(default_factory=list)  # dates whose games are not known yet

    def describe(self, historical: bool, units: int, max_credits: int) -> str:
        parts = []
        if self.events_lists and historical:
            parts.append(f"{self.events_lists} events list{'s' if self.events_lists != 1 else ''} × 1")
        if self.game_calls:
            n = self.game_calls
            parts.append(f"{n} game-odds call{'s' if n != 1 else ''} × {game_odds_cost(historical, units)}")
        if self.props_calls:
            n = self.props_calls
            parts.append(f"{n} player_points call{'s' if n != 1 else ''} × {props_cost(historical, units)}")
        how = " + ".join(parts) if parts else "nothing to buy"
        guess = (
            f"; {MAX_GAMES_PER_DATE} games assumed for {', '.join(self.guessed_dates[:3])}"
            + (" …" if len(self.guessed_dates) > 3 else "")
            if self.guessed_dates
            else ""
        )
        mode = "historical" if historical else "current"
        return f"The Odds API ({mode}): at most {self.credits:,} credits ({how}{guess}); --max-credits {max_credits:,}"
