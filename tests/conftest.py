"""Shared pytest fixtures. Keep each fixture small; helpers live in their own test modules."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from feedserver import FeedServer  # tests/ is on sys.path: pytest's default "prepend" import mode

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A started loopback FeedServer, stopped after the test."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port something else is listening on, for the whole test."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


pytest_plugins = ["conftest_store"]  # the store `db` fixture (tests/conftest_store.py)
