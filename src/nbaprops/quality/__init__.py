"""Data quality: validation checks (validate.py) and the HTML report (report.py)."""

from .validate import CheckResult, ValidationReport, validate

__all__ = ["CheckResult", "ValidationReport", "validate"]
