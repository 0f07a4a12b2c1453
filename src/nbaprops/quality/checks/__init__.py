"""The checks of `nbaprops validate`, one concern per module. Each module has a
`run(wh, ctx) -> list[CheckResult]`; CHECKS lists them in the order their results are reported.

- keys               primary_key:<table>   no duplicate (or NULL) grain keys in any model table;
                     raw_key:<table>       and in the raw tables without a key index (props, shots)
- universes          universe:<table>      every entity of a Phase 4 model's declared universe has a
                                           row or a failure row per computed date, never both
- processing_errors  processing_errors     PROCESSING_ERROR failures = 0
- critical           critical:*            TDGS opp_paint_attempts; TDZA *_defense_vs_league_avg
- availability       availability:*        missed games among boxed team games; vacated minutes
- schedule           schedule:home_team    the schedule's home team is the box score's
- features           feature_ranges, quality_scores   the feature store's values and scores
- coverage           coverage:<table>      computed dates vs the schedule's game dates
- ramp               failure_ramp          failure rate by week of season (warn only)
- point_in_time      point_in_time         sample dates re-run on the world as of their morning
"""

from __future__ import annotations

from ...warehouse import Warehouse
from . import (
    availability,
    coverage,
    critical,
    features,
    keys,
    point_in_time,
    processing_errors,
    ramp,
    schedule,
    universes,
)
from .base import FAIL, FAILURES, FEATURE_TABLE, PASS, WARN, CheckResult, Context

CHECKS = (keys, universes, processing_errors, critical, availability, schedule, features, coverage, ramp, point_in_time)


def run_checks(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    """Every check of CHECKS over ctx's range, in order."""
    return [r for check in CHECKS for r in check.run(wh, ctx)]


__all__ = ["CHECKS", "FAIL", "FAILURES", "FEATURE_TABLE", "PASS", "WARN", "CheckResult", "Context", "run_checks"]
