"""One rule for "the same value" when another engine's rows are compared with DuckDB's (the Spark
equality test and ZetaSQL's reference engine): decimals as floats, floats within 1e-9 relative,
NULL only equals NULL, NaN only NaN, booleans exactly."""

from __future__ import annotations

import math
from decimal import Decimal


def _norm(v):
    return float(v) if isinstance(v, Decimal) else v


def same_value(a, b) -> bool:
    a, b = _norm(a), _norm(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, bool) or isinstance(b, bool):
            return a == b
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b
