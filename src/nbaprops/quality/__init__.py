"""Data quality: validation (validate.py running the checks of checks/), the morning-of-D world
(morning.py), failures (failures.py) and the HTML report (report.py)."""

from .validate import CheckResult, ValidationReport, validate

__all__ = ["CheckResult", "ValidationReport", "validate"]
