"""Feed health in chat: /status names the feeds down (since when, why in plain words) in the
chat's language, on the Application harness of test_telegram_handlers.py (fake Bot API, real
SQLite, fixed clock at 2025-03-01 12:00 UTC, one feed "Example News", 6 h threshold).
"""
# ruff: noqa: F811 - the harness fixtures `app` and `h` are imported and taken as parameters

from __future__ import annotations

from datetime import timedelta

import pytest
from test_telegram_handlers import (  # noqa: F401 - app and h are fixtures
    FEED_URL,
    NOW,
    Harness,
    app,
    h,
)

from bot.model import FeedState


def fail_since(h: Harness, hours: float) -> None:
    since = NOW - timedelta(hours=hours)
    h.store.save_feed_states([FeedState(FEED_URL, failures=1, last_polled_at=since,
                                        last_http_status="404", last_error="HTTP 404")])
    h.store.save_feed_states([FeedState(FEED_URL, failures=5, last_polled_at=NOW,
                                        last_http_status="404", last_error="HTTP 404")])


@pytest.mark.parametrize(
    ("lang", "down", "why"),
    [("en", "Feeds down", "the feed's address no longer exists (HTTP 404)"),
     ("ru", "Ленты не работают", "адреса ленты больше нет (HTTP 404)")],
    ids=["en", "ru"],
)
def test_status_names_a_feed_down_since_when_and_why(h: Harness, lang: str, down: str,
                                                     why: str) -> None:
    fail_since(h, 5.9)  # failing since 06:06 UTC
    assert down not in h.say(401, "/status", language_code=lang).text
    h.clock.now = NOW + timedelta(minutes=10)  # 6 h 4 min
    text = h.say(401, "/status", language_code=lang).text
    assert down in text and "Example News" in text and why in text
    assert "2025-03-01 09:06" in text  # in the config's zone, Europe/Minsk
