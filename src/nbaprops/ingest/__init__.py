"""Phase 2: read the files of a folder, validate them, quarantine bad rows, upsert raw tables."""

from .loader import IngestReport, ingest_folder

__all__ = ["IngestReport", "ingest_folder"]
