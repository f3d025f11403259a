"""End to end: `python -m bot run` against the fake Bot API and the feed server; /quiet
covering now, alerts held, one summary when the window ends (a short, real window)."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakebotapi import FakeBotApi
from feedserver import FeedServer
from test_e2e_telegram import USER, api, says, start_bot, wait_until, write_config  # noqa: F401


def window_ending_soon(now: datetime) -> tuple[str, datetime]:
    """A quiet window (UTC wall clock) that covers now and ends at a whole minute at least
    25 seconds away: long enough to hold an alert, short enough to wait for."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    if (end - now).total_seconds() < 25:
        end += timedelta(minutes=1)
    start = end - timedelta(minutes=30)
    return f"{start:%H:%M}-{end:%H:%M}", end


def test_alerts_held_by_quiet_hours_arrive_as_one_summary(api: FakeBotApi,  # noqa: F811
                                                          feed_server: FeedServer,
                                                          tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [])
    config = tmp_path / "feeds.yaml"
    write_config(config, feed_server.url("/wire.xml"))
    bot = start_bot(config, tmp_path / "bot.db", api.url)
    try:
        wait_until(lambda: feed_server.count("/wire.xml") > 0)
        time.sleep(0.5)  # the first poll (the empty backlog) commits
        api.send_text(USER, "/start", user_id=USER)
        api.wait_for(says("/watch"), timeout=15)
        api.send_text(USER, "/tz UTC", user_id=USER)
        api.wait_for(says("Time zone: UTC"), timeout=10)
        window, end = window_ending_soon(datetime.now(UTC))
        api.send_text(USER, f"/quiet {window}", user_id=USER)
        api.wait_for(says(f"Quiet hours: {window}"), timeout=10)
        before = len(api.sent_messages(USER))
        for n in (1, 2):
            feed_server.add_item("/wire.xml", {"title": f"Belarus security guarantees talks {n}",
                                               "link": f"https://n.test/q{n}"})
        wait_until(lambda: feed_server.count("/wire.xml") > 3, timeout=10)
        time.sleep(3)
        assert datetime.now(UTC) < end, "the machine was too slow for this window"
        assert len(api.sent_messages(USER)) == before, "held during quiet hours"
        summary = api.wait_for(says("During your quiet hours: 2 alerts"),
                               timeout=(end - datetime.now(UTC)).total_seconds() + 20)
        assert 'href="https://n.test/q1"' in summary.text and 'href="https://n.test/q2"' in summary.text
        assert "Security guarantees treaty" in summary.text  # grouped under its topic
        time.sleep(3)
        assert len(api.sent_messages(USER)) == before + 1, "one summary, nothing else, once"
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=20)
    assert bot.returncode == 0, err
    assert "Traceback" not in err, err
