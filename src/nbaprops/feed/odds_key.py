"""The Odds API key: where it is read from, and how it is kept out of every message and file.

The key is read from `--odds-key-file PATH` when given, else the environment variable
NBAPROPS_ODDS_API_KEY, else ~/.config/nbaprops/odds_api_key when that file exists. It lives in
memory only, inside an OddsKey whose repr and str never show it: only the HTTP client asks for
the value (to send it as the `apiKey` query parameter), and every text that could carry a URL
(an error of `requests`, an error body of the API) goes through `redact` first."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import BadInputError

KEY_ENV = "NBAPROPS_ODDS_API_KEY"
HIDDEN = "<key hidden>"
_API_KEY_PARAM = re.compile(r"(apiKey=)[^&\s'\"<]+", re.IGNORECASE)


def default_key_file() -> Path:
    return Path.home() / ".config" / "nbaprops" / "odds_api_key"


class OddsKey:
    """An API key that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"OddsKey({HIDDEN})"

    __str__ = __repr__

    def __reduce__(self):  # never pickled into a file
        raise TypeError("an OddsKey is not serialisable")


def find_key(key_file: Path | None = None) -> OddsKey | None:
    """The key, or None when none is set. BadInputError when an explicit key file is missing or
    a key file is empty (the message names the file or variable, never the key)."""
    if key_file is not None:
        return _from_file(Path(key_file).expanduser())
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        return OddsKey(env)
    default = default_key_file()
    return _from_file(default) if default.is_file() else None


def _from_file(path: Path) -> OddsKey:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise BadInputError(f"the key file {path} does not exist") from None
    except OSError as exc:
        raise BadInputError(f"cannot read the key file {path} ({exc.strerror})") from None
    if not text or len(text.split()) != 1:
        raise BadInputError(f"the key file {path} should hold the key alone, on one line")
    return OddsKey(text)


def redact(text: str, key: OddsKey | None) -> str:
    """`text` without the key: the key's value and any apiKey=… query parameter are hidden."""
    if key is not None and key.value():
        text = text.replace(key.value(), HIDDEN)
    return _API_KEY_PARAM.sub(r"\1" + HIDDEN, text)


def no_key_hint() -> str:
    return f"set {KEY_ENV}, or put the key alone in {default_key_file()} (or pass --odds-key-file)"
