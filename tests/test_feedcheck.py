"""`python -m bot check --fetch`: one fetch of every feed, a health table, exit 1 on failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent


def check_fetch(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "check", "--fetch", "--config", str(config)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)


def write(tmp_path: Path, server: FeedServer, paths: list[str]) -> Path:
    feeds = "".join(f"  - {{url: '{server.url(p)}', name: {p.strip('/').split('.')[0]}}}\n" for p in paths)
    config = tmp_path / "feeds.yaml"
    config.write_text(f"interval: 1m\nfeeds:\n{feeds}", encoding="utf-8")
    return config


def test_all_feeds_ok_exits_0(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.set_feed("/good.xml", [{"title": "One", "link": "https://n.test/1"},
                                       {"title": "Two", "link": "https://n.test/2"}])
    result = check_fetch(write(tmp_path, feed_server, ["/good.xml"]))
    assert result.returncode == 0, result.stderr
    [row] = [line for line in result.stdout.splitlines() if line.startswith("good")]
    assert row.split()[1:3] == ["200", "2"]
    assert "1 of 1 feeds OK" in result.stdout


@pytest.mark.parametrize(
    ("setup", "status", "error"),
    [
        (lambda s: s.set_status("/bad.xml", 500), "500", "HTTP 500"),
        (lambda s: s.set_raw("/bad.xml", "<html><body>hi</body></html>", "text/html"), "200", "not a usable feed"),
    ],
    ids=["server-error", "html-page"],
)
def test_a_failing_feed_is_reported_and_exits_1(feed_server: FeedServer, tmp_path: Path,
                                                setup: object, status: str, error: str) -> None:
    feed_server.set_feed("/good.xml", [{"title": "One", "link": "https://n.test/1"}])
    setup(feed_server)  # type: ignore[operator]
    result = check_fetch(write(tmp_path, feed_server, ["/good.xml", "/bad.xml"]))
    assert result.returncode == 1
    [row] = [line for line in result.stdout.splitlines() if line.startswith("bad")]
    assert row.split()[1] == status and error in row
    assert "1 of 2 feeds OK, 1 failed" in result.stdout
