"""The feed folder, beside the warehouse (default `<warehouse folder>/feed/`):

    feed/
      manifest.json          what was fetched: per date its games, their status and what of
                             them is cached; per season when its schedule was fetched
      cache/<endpoint>/<key>.json   every raw response as stats.nba.com sent it
      files/                 the files `nbaprops ingest` reads (data/real layout):
                               schedule_<YYYY>_<YY>.parquet        a season's schedule
                               schedule_day_<YYYY-MM-DD>.parquet   the games of one date
                               player_box_<YYYY-MM-DD>.parquet     the date's final games
                               team_box_<YYYY-MM-DD>.parquet
                               shots_<YYYY-MM-DD>.parquet          (regular-season games)
                               odds/odds_game_<date>_<stamp>.json, odds/odds_props_<date>_<event>_<stamp>.json
                                 The Odds API bodies (odds_fetch.py; their cache: cache/odds_api/)
                               injury_report/Injury-Report_<date>_<time>.pdf
                                 the latest injury report (injury_report.py; cache/injury_report/)

Every file (cache entries, data files, the manifest) is written to a hidden temporary file in
its folder and renamed over the old one: a killed fetch leaves the previous version or the new
one, never half a file (ingest skips the hidden temporaries).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .errors import FeedBusy

MANIFEST_VERSION = 1


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# -- Parquet in the bundled files' types -------------------------------------------------------
def _schemas():
    import pyarrow as pa

    s16 = pa.int16()
    stats = [
        (c, s16)
        for c in (
            "fgm",
            "fga",
            "fg3m",
            "fg3a",
            "ftm",
            "fta",
            "oreb",
            "dreb",
            "reb",
            "ast",
            "stl",
            "blk",
            "tov",
            "pf",
            "pts",
        )
    ]
    return {
        "schedule": pa.schema(
            [
                ("game_id", pa.string()),
                ("season", pa.string()),
                ("season_type", pa.string()),
                ("game_date", pa.date32()),
                ("home_team", pa.string()),
                ("away_team", pa.string()),
                ("home_team_name", pa.string()),
                ("away_team_name", pa.string()),
                ("home_wl", pa.string()),
                ("neutral_site", pa.bool_()),
                ("home_team_id", pa.int64()),
                ("away_team_id", pa.int64()),
                ("game_status", pa.int8()),
                ("tipoff_utc", pa.timestamp("s", tz="UTC")),
            ]
        ),
        "player_box": pa.schema(
            [
                ("game_id", pa.string()),
                ("season", pa.string()),
                ("season_type", pa.string()),
                ("game_date", pa.date32()),
                ("team_id", pa.int64()),
                ("team_tricode", pa.string()),
                ("home_team_id", pa.int64()),
                ("away_team_id", pa.int64()),
                ("is_home", pa.bool_()),
                ("opponent_team_id", pa.int64()),
                ("opponent_tricode", pa.string()),
                ("player_id", pa.int64()),
                ("player_name", pa.string()),
                ("position", pa.string()),
                ("starter", pa.bool_()),
                ("comment", pa.string()),
                ("minutes_raw", pa.string()),
                ("minutes", pa.float64()),
                *stats,
                ("plus_minus", pa.float64()),
            ]
        ),
        "team_box": pa.schema(
            [
                ("game_id", pa.string()),
                ("season", pa.string()),
                ("game_date", pa.date32()),
                ("team_id", pa.int64()),
                ("matchup", pa.string()),
                ("wl", pa.string()),
                ("min", s16),
                ("fgm", s16),
                ("fga", s16),
                ("fg_pct", pa.float64()),
                ("fg3m", s16),
                ("fg3a", s16),
                ("fg3_pct", pa.float64()),
                ("ftm", s16),
                ("fta", s16),
                ("ft_pct", pa.float64()),
                ("oreb", s16),
                ("dreb", s16),
                ("reb", s16),
                ("ast", s16),
                ("stl", s16),
                ("blk", s16),
                ("tov", s16),
                ("pf", s16),
                ("pts", s16),
            ]
        ),
        "shots": pa.schema(
            [
                ("season", pa.string()),
                ("game_id", pa.string()),
                ("game_date", pa.date32()),
                ("team_id", pa.int64()),
                ("team_name", pa.string()),
                ("player_id", pa.int64()),
                ("player_name", pa.string()),
                ("home_team", pa.string()),
                ("away_team", pa.string()),
                ("shot_made", pa.bool_()),
                ("action_type", pa.string()),
                ("shot_type", pa.string()),
                ("basic_zone", pa.string()),
                ("zone_name", pa.string()),
                ("zone_abb", pa.string()),
                ("zone_range", pa.string()),
                ("loc_x", pa.float32()),
                ("loc_y", pa.float32()),
                ("shot_distance", s16),
                ("quarter", pa.int8()),
                ("mins_left", pa.int8()),
                ("secs_left", pa.int8()),
            ]
        ),
    }


def write_parquet(path: Path, kind: str, rows: list[dict[str, Any]]) -> int:
    """Write rows as Parquet in the bundled layout of `kind`, atomically. Returns the row count."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows, schema=_schemas()[kind])
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    atomic_write_bytes(path, buf.getvalue())
    return table.num_rows


def file_name(kind: str, key: date | str) -> str:
    """schedule_day_2025-11-05.parquet, player_box_2025-11-05.parquet …; schedule_2025_26.parquet."""
    if kind == "season_schedule":
        return f"schedule_{str(key).replace('-', '_')}.parquet"
    prefix = {"schedule": "schedule_day"}.get(kind, kind)
    return f"{prefix}_{key}.parquet"


# -- the folder --------------------------------------------------------------------------------
def mark_not_ingested(manifest: dict, names: list[str]) -> None:
    """Files under files/ (by their names there) left in the manifest for `--ingest` until it loads
    them: a run that fails after writing some leaves them to the next run's ingest."""
    pending = manifest.setdefault("not_ingested", [])
    pending.extend(n for n in names if n not in pending)


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class FeedStore:
    root: Path

    @property
    def files(self) -> Path:
        return self.root / "files"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    # cache
    def cache_path(self, endpoint: str, key: str) -> Path:
        return self.cache_dir / endpoint / f"{key}.json"

    def cached(self, endpoint: str, key: str) -> str | None:
        p = self.cache_path(endpoint, key)
        return p.read_text(encoding="utf-8") if p.exists() else None

    def put(self, endpoint: str, key: str, text: str) -> None:
        atomic_write_bytes(self.cache_path(endpoint, key), text.encode("utf-8"))

    def cache_time(self, endpoint: str, key: str) -> datetime | None:
        p = self.cache_path(endpoint, key)
        return datetime.fromtimestamp(p.stat().st_mtime, UTC) if p.exists() else None

    # manifest
    def load_manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            return {"version": MANIFEST_VERSION, "dates": {}, "seasons": {}}
        try:
            m = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except ValueError:
            # never half-written (atomic rename); unreadable means edited by hand: start over from
            # the cache, which still spares the calls
            return {"version": MANIFEST_VERSION, "dates": {}, "seasons": {}, "note": "unreadable manifest replaced"}
        m.setdefault("dates", {})
        m.setdefault("seasons", {})
        return m

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        manifest["updated_at"] = now_utc()
        atomic_write_bytes(
            self.manifest_path, (json.dumps(manifest, indent=1, sort_keys=True, default=str) + "\n").encode("utf-8")
        )

    # one fetch at a time
    def lock(self):
        return _Lock(self.root / ".lock")


class _Lock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            self.fd = None
            raise FeedBusy(f"another nbaprops fetch is using {self.path.parent}; wait for it to finish") from None
        return self

    def __exit__(self, *exc) -> None:
        import fcntl

        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
