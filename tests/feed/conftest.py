"""The feed tests never reach the network: every socket connection and name lookup is refused
while they run, stats.nba.com is played by `NBAStub` and The Odds API by `OddsStub` (recorded
responses). No test sees a The Odds API key of the machine (environment or key file)."""

from __future__ import annotations

import socket

import pytest
import requests

from .odds_stub import OddsStub
from .stub import NBAStub


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access is disabled in the tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture()
def stub(monkeypatch) -> NBAStub:
    s = NBAStub()

    def get(session, url, **kwargs):
        return s.get(session, url, **kwargs)

    monkeypatch.setattr(requests.Session, "get", get)
    return s


@pytest.fixture()
def client():
    """A client without waiting: no interval, no backoff (the pacing has its own test)."""
    from nbaprops.feed.client import FeedClient

    return FeedClient(interval=0, backoff=0)


@pytest.fixture(autouse=True)
def no_odds_key(monkeypatch, tmp_path):
    from nbaprops.feed import odds_key

    monkeypatch.delenv(odds_key.KEY_ENV, raising=False)
    monkeypatch.setattr(odds_key, "default_key_file", lambda: tmp_path / "no-such-dir" / "odds_api_key")


@pytest.fixture()
def odds_stub(monkeypatch, stub) -> OddsStub:
    """The Odds API from the recorded bodies; every other host from the NBA.com stub."""
    s = OddsStub()

    def get(session, url, **kwargs):
        if "the-odds-api.com" in url:
            return s.get(url, **kwargs)
        return stub.get(session, url, **kwargs)

    monkeypatch.setattr(requests.Session, "get", get)
    return s
