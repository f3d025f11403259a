"""Shared pytest fixtures. Keep each fixture small; helpers live in their own test modules."""

from __future__ import annotations

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
pytest_plugins = ["conftest_store"]  # the store `db` fixture (tests/conftest_store.py)
