"""nbaprops: point-in-time NBA player-points features, computed set-based over date ranges."""

__version__ = "0.1.0"
