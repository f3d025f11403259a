"""End to end: `python -m bot run` as a subprocess against the fake Bot API and a loopback
feed. /calendar answers with an .ics document that icalendar parses back to the configured
event; an operator's .ics document moves the event and its follower receives the updated
file; `python -m bot calendar` writes and imports the same files from the command line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fakebotapi import DEFAULT_TOKEN, FakeBotApi, SentMessage
from feedserver import FeedServer
from icalendar import Calendar

ROOT = Path(__file__).resolve().parent.parent
ADMIN, USER = 4242, 5151
# A subprocess runs on the real clock: the event is two months ahead of it.
EVENT_DAY = date.today() + timedelta(days=60)
MOVED_DAY = EVENT_DAY + timedelta(days=7)


def moved_file(data: bytes) -> bytes:
    """The bot's own file with the event a week later (its start and its end)."""
    day = timedelta(days=1)
    for old, new in ((EVENT_DAY, MOVED_DAY), (EVENT_DAY + day, MOVED_DAY + day)):
        data = data.replace(f"{old:%Y%m%d}T".encode(), f"{new:%Y%m%d}T".encode())
    return data


def write_config(path: Path, feed_url: str) -> None:
    path.write_text(
        "interval: 2s\n"
        f"feeds:\n  - {{url: '{feed_url}', name: Wire}}\n"
        "topics:\n  - {id: treaty, title: Security guarantees treaty, query: treaty}\n"
        "events:\n"
        f"  - {{id: summit, title: Union State summit, date: {EVENT_DAY.isoformat()},\n"
        "     timezone: Europe/Minsk, location: Minsk, topics: [treaty]}\n",
        encoding="utf-8")


def env_for(db: Path, api_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "BOT_DATABASE_URL": f"sqlite:///{db}", "BOT_ADMIN_IDS": str(ADMIN)}
    if api_url:
        env.update(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=api_url)
    return env


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def is_document(chat_id: int) -> object:
    return lambda m: m.chat_id == chat_id and m.document is not None


def test_calendar_and_import_in_chat(api: FakeBotApi, feed_server: FeedServer,
                                     tmp_path: Path) -> None:
    feed_server.set_feed("/wire.xml", [])
    config = tmp_path / "feeds.yaml"
    write_config(config, feed_server.url("/wire.xml"))
    bot = subprocess.Popen([sys.executable, "-m", "bot", "run", "--config", str(config)],
                           cwd=ROOT, env=env_for(tmp_path / "bot.db", api.url),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        api.send_text(USER, "/start", user_id=USER)
        api.wait_for(lambda m: m.chat_id == USER and "/watch" in m.text, timeout=20)
        api.send_text(USER, "/calendar", user_id=USER)
        reply: SentMessage = api.wait_for(is_document(USER), timeout=15)  # type: ignore[arg-type]
        assert reply.document is not None and reply.document["file_name"] == "summit-watch.ics"
        assert reply.file is not None
        [vevent] = Calendar.from_ical(reply.file).walk("VEVENT")
        start = datetime.combine(EVENT_DAY, time(0), ZoneInfo("Europe/Minsk"))
        assert (str(vevent["UID"]), vevent.decoded("DTSTART")) == ("summit@summit-watch", start)
        assert len(vevent.walk("VALARM")) == 3  # 7d, 1d and 08:00

        api.send_document(ADMIN, moved_file(reply.file), "summit.ics", mime_type="text/calendar", user_id=ADMIN)
        report = api.wait_for(lambda m: m.chat_id == ADMIN and "Calendar import" in m.text,
                              timeout=15)
        assert f"{EVENT_DAY} → <b>{MOVED_DAY}</b>" in report.text, report.text
        update = api.wait_for(lambda m: m.chat_id == USER and m.document is not None
                              and m.message_id != reply.message_id, timeout=15)
        assert update.file is not None and MOVED_DAY.isoformat() in update.text
        [vevent] = Calendar.from_ical(update.file).walk("VEVENT")
        assert vevent.decoded("DTSTART").date() == MOVED_DAY and vevent.decoded("SEQUENCE") == 1
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=30)
    assert bot.returncode == 0, err
    assert "Traceback" not in err, err


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "calendar", *args], cwd=ROOT,
                          env=env_for(tmp_path / "bot.db"), capture_output=True, text=True,
                          timeout=60, check=False)


def test_calendar_command_line_writes_and_imports(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    write_config(config, "http://127.0.0.1:9/feed.xml")
    out = tmp_path / "events.ics"
    written = run_cli(tmp_path, "--config", str(config), "--ics", str(out))
    assert written.returncode == 0, written.stderr
    [vevent] = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert vevent.decoded("DTSTART").date() == EVENT_DAY

    same = run_cli(tmp_path, "--config", str(config), "--import", str(out))
    assert same.returncode == 0 and "unchanged" in same.stdout and "Nothing changed" in same.stdout
    moved = tmp_path / "moved.ics"
    moved.write_bytes(moved_file(out.read_bytes()))
    done = run_cli(tmp_path, "--config", str(config), "--import", str(moved), "--lang", "ru")
    assert done.returncode == 0 and "перенесено" in done.stdout and "<b>" not in done.stdout
    again = run_cli(tmp_path, "--config", str(config), "--ics", "-")
    assert "SEQUENCE:1" in again.stdout and f"{MOVED_DAY:%Y%m%d}T000000" in again.stdout


@pytest.mark.parametrize(
    ("content", "code", "expected"),
    [(b"not a calendar", 1, "not an iCalendar"),
     (b"x" * 300_000, 1, "at most 256 kB"),
     (None, 1, "error:")],
    ids=["garbage", "too-big", "missing-file"],
)
def test_calendar_import_refusals_exit_1(tmp_path: Path, content: bytes | None, code: int,
                                         expected: str) -> None:
    config = tmp_path / "feeds.yaml"
    write_config(config, "http://127.0.0.1:9/feed.xml")
    path = tmp_path / "in.ics"
    if content is not None:
        path.write_bytes(content)
    done = run_cli(tmp_path, "--config", str(config), "--import", str(path))
    assert done.returncode == code and expected in done.stdout + done.stderr


def test_calendar_with_a_bad_config_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds: []\nhealth: {feed_down_after: 10}\n", encoding="utf-8")
    done = run_cli(tmp_path, "--config", str(config), "--ics", "-")
    assert done.returncode == 2 and "health.feed_down_after" in done.stderr
