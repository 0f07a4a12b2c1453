"""Regenerate the golden SQL: every model translated to BigQuery and Spark SQL.

    python scripts/update_golden_sql.py

(run by the Python nbaprops is installed in, e.g. .venv/bin/python) writes
tests/golden/<dialect>/<schema>.<table>.sql for every model in the catalog and removes golden
files of models that no longer exist. tests/test_dialects.py regenerates them in memory
and fails when the checked-in files differ: review the diff, then commit the new files."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
TARGETS = ("bigquery", "spark")


def expected(catalog=None) -> tuple[dict[Path, str], dict[Path, str]]:
    """(golden path → translated SQL, golden path → error) for every model and target."""
    from nbaprops.catalog import Catalog
    from nbaprops.dialects import translate
    from nbaprops.errors import ModelError

    catalog = catalog or Catalog.load()
    files, errors = {}, {}
    for model in catalog.ordered():
        for dialect in TARGETS:
            path = GOLDEN / dialect / f"{model.table}.sql"
            try:
                files[path] = translate(model.sql, dialect, model.table)
            except ModelError as exc:
                errors[path] = str(exc)
    return files, errors


def main() -> int:
    files, errors = expected()
    changed = 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed += 1
            print(f"wrote {path.relative_to(ROOT)}")
    for dialect in TARGETS:
        for path in sorted((GOLDEN / dialect).glob("*.sql")):
            if path not in files and path not in errors:
                path.unlink()
                changed += 1
                print(f"removed {path.relative_to(ROOT)} (no such model)")
    for path, msg in errors.items():
        print(f"error {path.relative_to(ROOT)}: {msg}", file=sys.stderr)
    print(f"{len(files)} golden files, {changed} changed, {len(errors)} untranslatable")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
