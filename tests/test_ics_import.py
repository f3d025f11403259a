"""Importing an operator's calendar: each event's fate (added, moved, updated, unchanged,
skipped) decided by `plan_import`, and `import_calendar` applying it the way /event does:
all or nothing, moves announced to followers with the updated file, SEQUENCE bumped.
Runs on a real SQLite file with a fixed clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from bot.config import Config, settings_from_env
from bot.model import NoticeAttachment
from bot.services import Services
from bot.store import Store, open_store
from bot.summit.ics import calendar_bytes, parse_calendar
from bot.summit.icsimport import calendar_file, import_calendar
from bot.summit.icsplan import IcsEvent, IcsFile, event_id_for, plan_import
from bot.summit.jobs import SummitJobs

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_config(**event: Any) -> Config:
    return Config.model_validate({
        "timezone": "Europe/Minsk",
        "feeds": [{"url": "https://a.example/rss", "name": "A"}],
        "topics": [{"id": "treaty", "title": "Security guarantees treaty", "query": "treaty"},
                   {"id": "oil", "title": "Oil", "query": "oil"}],
        "events": [{"id": "summit", "title": "Union State summit", "date": "2026-05-20",
                    "timezone": "Europe/Minsk", "location": "Minsk", "topics": ["treaty"],
                    **event}],
    })


CONFIG = make_config()


def ev(uid: str = "forum@example.org", title: str = "Forum of Regions", **fields: Any) -> IcsEvent:
    base: dict[str, Any] = {"start": date(2026, 6, 27), "length": timedelta(days=1)}
    return IcsEvent(1, uid, title, **{**base, **fields})


def plan_of(*events: IcsEvent, zone: str | None = None) -> list[tuple[str, str, str]]:
    plan = plan_import(IcsFile(tuple(events), zone), CONFIG, NOW)
    return ([(e.action, e.event_id, e.day.isoformat()) for e in plan.events]
            + [("problem", p.key, label) for _, label, p in plan.problems])


# ---------------------------------------------------------------- the plan


@pytest.mark.parametrize(
    ("event", "expected"),
    [(ev(), [("add", "forum-example-org", "2026-06-27")]),
     (ev("summit@summit-watch", "Union State summit", start=date(2026, 5, 20),
         location="Minsk", zone="Europe/Minsk", topics=("treaty",)),
      [("unchanged", "summit", "2026-05-20")]),
     (ev("summit@summit-watch", "Union State summit", start=date(2026, 5, 22),
         location="Minsk", topics=("treaty",)),
      [("move", "summit", "2026-05-22")]),
     (ev("summit@summit-watch", "Union State summit, renamed", start=date(2026, 5, 20),
         location="Minsk", topics=("treaty",)),
      [("update", "summit", "2026-05-20")]),
     (ev(start=date(2026, 2, 1)), [("past", "forum-example-org", "2026-02-01")]),
     (ev(cancelled=True), [("cancelled", "forum-example-org", "2026-06-27")]),
     (ev(start=datetime(2026, 6, 26, 22, 30, tzinfo=UTC)),
      [("add", "forum-example-org", "2026-06-27")]),  # 01:30 in Minsk, the config's zone
     (ev(start=datetime(2026, 6, 27, 23, 0)), [("add", "forum-example-org", "2026-06-27")]),
     (ev(uid=""), [("add", "forum-of-regions-2026-06-27", "2026-06-27")])],
    ids=["new", "own-file-unchanged", "moved", "renamed", "past-skipped", "cancelled-skipped",
         "utc-dated-in-config-zone", "floating", "no-uid"],
)
def test_each_event_gets_its_fate(event: IcsEvent, expected: list[tuple[str, str, str]]) -> None:
    assert plan_of(event) == expected


@pytest.mark.parametrize(
    ("event", "key"),
    [(ev(recurring=True), "recurring"),
     (ev(start=None), "no_start"),
     (ev(title=""), "no_title"),
     (ev(length=timedelta(hours=-1)), "ends_before_start"),
     (ev(length=timedelta(days=8)), "too_long"),
     (ev(length=timedelta(days=3650)), "too_long"),
     (ev(start=date(2040, 1, 1)), "too_far"),
     (ev(start=date(9999, 12, 31)), "too_far"),
     (ev(start=datetime(9999, 12, 31, 23, 0, tzinfo=UTC)), "bad_date"),
     (ev(topics=("treaty", "nope")), "unknown_topics")],
    ids=["recurring", "no-start", "no-title", "negative-duration", "eight-days", "ten-years",
         "2040", "year-9999", "end-of-time", "unknown-topic"],
)
def test_a_problem_refuses_the_whole_file(event: IcsEvent, key: str) -> None:
    plan = plan_import(IcsFile((ev("ok@example.org"), event)), CONFIG, NOW)
    assert [p.key for _, _, p in plan.problems] == [key]
    assert [e.event_id for e in plan.events] == ["ok-example-org"]  # judged, never applied


def test_two_events_with_one_id_are_a_problem() -> None:
    assert plan_of(ev("x@example.org"), ev("x@example.org", start=date(2026, 7, 1)))[-1][:2] == (
        "problem", "twice")


def test_the_files_zone_dates_floating_and_utc_events() -> None:
    late = ev(start=datetime(2026, 6, 26, 22, 30, tzinfo=UTC))
    plan = plan_import(IcsFile((late,), "America/New_York"), CONFIG, NOW)
    assert (plan.events[0].day, plan.events[0].timezone) == (date(2026, 6, 26), "America/New_York")


@pytest.mark.parametrize(
    ("uid", "expected"),
    [("summit@summit-watch", "summit"), ("Meeting-123@Example.com", "meeting-123-example-com"),
     ("x" * 60 + "@example.org", "ics-"), ("@summit-watch", "summit-watch")],
    ids=["ours", "foreign", "long-is-hashed", "empty-local-part"],
)
def test_event_ids_are_stable_slugs(uid: str, expected: str) -> None:
    got = event_id_for(uid, "t", None)
    assert got.startswith(expected) and got == event_id_for(uid, "other title", None)


# ---------------------------------------------------------------- applying it


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    store = open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    yield Services(CONFIG, settings_from_env({}), store, clock=lambda: NOW)
    store.close()


def follower(store: Store, chat_id: int, lang: str = "en") -> int:
    return store.get_or_create_subscriber(chat_id, None, "private", lang, None, now=NOW).id  # type: ignore[arg-type]


def own_file(services: Services, **changes: Any) -> bytes:
    event = services.config.events[0].model_copy(update=changes)
    return calendar_bytes([event], lang="en", now=NOW, sequences={},
                          topic_titles={"treaty": "Security guarantees treaty"})


def test_a_move_is_stored_announced_with_the_new_file_and_raises_the_sequence(
        services: Services) -> None:
    en, ru = follower(services.store, 11), follower(services.store, 12, "ru")
    result = import_calendar(services, own_file(services, date=date(2026, 5, 27)), user_id=7)
    assert result.applied and result.announced == 2
    [override] = services.store.event_overrides()
    assert (override.event_id, override.date, override.sequence, override.updated_by) == (
        "summit", date(2026, 5, 27), 1, 7)
    assert services.config.events[0].date == date(2026, 5, 27)
    items = {n.subscriber.id: n for n in services.store.claim_notices(NOW, 10)}
    assert sorted(items) == [en, ru]
    for sub, lang_word in ((en, "Agreements expected"), (ru, "Ожидаемые соглашения")):
        item = items[sub]
        assert (item.kind, item.key) == ("event_moved", "moved:summit:2026-05-20:2026-05-27")
        attachment = NoticeAttachment.of_payload(item.payload)
        assert attachment is not None and attachment.filename == "summit.ics"
        [vevent] = Calendar.from_ical(attachment.text).walk("VEVENT")
        assert vevent.decoded("SEQUENCE") == 1 and lang_word in str(vevent["DESCRIPTION"])
        assert vevent.decoded("DTSTART").date() == date(2026, 5, 27)
        services.store.mark_notice_sent(item.id, NOW, 1)
    # The same file again changes nothing and announces nothing.
    again = import_calendar(services, own_file(services), user_id=7)
    assert [e.action for e in again.plan.events] == ["unchanged"] and not again.applied
    assert services.store.claim_notices(NOW + timedelta(hours=1), 10) == []


def test_one_bad_event_changes_nothing(services: Services) -> None:
    follower(services.store, 11)
    good = own_file(services, date=date(2026, 5, 27)).decode()
    bad = good.replace("END:VCALENDAR", "BEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Loop\r\n"
                       "DTSTART;VALUE=DATE:20260601\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"
                       "END:VCALENDAR")
    config = services.config
    result = import_calendar(services, bad.encode(), user_id=7)
    assert not result.applied and [p.key for _, _, p in result.plan.problems] == ["recurring"]
    assert services.store.event_overrides() == [] and services.config is config
    assert services.store.claim_notices(NOW, 10) == []


def test_added_events_follow_into_the_exported_calendar(services: Services) -> None:
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\n"
            b"UID:forum@example.org\r\nSUMMARY:Forum of Regions\r\nLOCATION:Grodno\r\n"
            b"DTSTART;TZID=Europe/Minsk:20260627T100000\r\nDURATION:PT8H\r\nEND:VEVENT\r\n"
            b"END:VCALENDAR\r\n")
    result = import_calendar(services, data, user_id=None)
    assert [(e.action, e.event_id) for e in result.plan.events] == [("add", "forum-example-org")]
    exported = parse_calendar(calendar_file(services, "en"))
    assert [(e.uid, e.location, e.topics) for e in exported.events] == [
        ("summit@summit-watch", "Minsk", ("treaty",)),
        ("forum-example-org@summit-watch", "Grodno", ("treaty", "oil"))]


def test_a_running_bot_follows_changes_made_by_another_process(services: Services,
                                                               tmp_path: Path) -> None:
    jobs = SummitJobs(services)
    other_store = open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        other = Services(CONFIG, settings_from_env({}), other_store, clock=lambda: NOW)
        assert import_calendar(other, own_file(other, date=date(2026, 5, 27)), None).applied
    finally:
        other_store.close()
    assert services.config.events[0].date == date(2026, 5, 20)
    jobs.follow_event_changes()
    assert services.config.events[0].date == date(2026, 5, 27)


def test_a_change_without_a_move_raises_the_sequence_but_announces_nothing(
        services: Services) -> None:
    follower(services.store, 11)
    result = import_calendar(services, own_file(services, title="Union State summit, Minsk",
                                                timezone="Europe/Moscow"), user_id=7)
    assert [e.action for e in result.plan.events] == ["update"] and result.announced == 0
    [override] = services.store.event_overrides()
    assert (override.title, override.timezone, override.sequence) == (
        "Union State summit, Minsk", "Europe/Moscow", 1)
    assert services.store.claim_notices(NOW, 10) == []


def test_own_file_of_an_untidy_event_imports_back_unchanged() -> None:
    config = make_config(title="  Union   State\tsummit ", location="Minsk,\nPalace")
    data = calendar_bytes(list(config.events), lang="en", now=NOW, sequences={},
                          topic_titles={})
    plan = plan_import(parse_calendar(data), config, NOW)
    assert [e.action for e in plan.events] == ["unchanged"]
