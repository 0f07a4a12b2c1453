"""The feed tests never reach the network: every socket connection and name lookup is refused
while they run, and stats.nba.com is played by `NBAStub` (recorded responses)."""

from __future__ import annotations

import socket

import pytest
import requests

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
