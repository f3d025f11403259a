"""Event overrides: upsert, partial overrides, dates, and the "event moved" notices saved in
the same transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest_store import NOW, later
from sqlalchemy import exc

from bot.model import EventOverride, NewNotice
from bot.store import Store

MOVED = EventOverride("summit-2025", title="Forum of Regions", date=date(2025, 6, 27),
                      timezone="Europe/Minsk", location="Minsk", topics=("gas", "union-state"),
                      updated_by=4242)


@pytest.mark.parametrize(
    "override",
    [MOVED, EventOverride("summit-2025", date=date(2025, 7, 1)), EventOverride("x", topics=())],
    ids=["every-field", "date-only-keeps-the-rest-none", "empty-topic-list-is-not-none"],
)
def test_override_round_trips(db: Store, override: EventOverride) -> None:
    db.save_event_override(override, now=NOW)
    (stored,) = db.event_overrides()
    assert stored == replace(override, updated_at=NOW)


def test_save_again_replaces_the_override(db: Store) -> None:
    db.save_event_override(MOVED, now=NOW)
    db.save_event_override(EventOverride("other", location="Moscow"), now=NOW)
    again = EventOverride("summit-2025", date=date(2025, 6, 30), updated_by=7)
    db.save_event_override(again, now=later(5))
    assert [o.event_id for o in db.event_overrides()] == ["other", "summit-2025"]
    stored = db.event_overrides()[1]
    assert stored.date == date(2025, 6, 30) and stored.title is None and stored.topics is None
    assert (stored.updated_at, stored.updated_by) == (later(5), 7)


def test_moved_notices_are_saved_with_the_override(db: Store) -> None:
    subs = [db.get_or_create_subscriber(n, None, "private", "en", None, now=NOW) for n in (1, 2)]
    moved = [NewNotice(s.id, "moved:summit-2025:2025-06-27", "event_moved", {"to": "2025-06-27"})
             for s in subs]
    ids = db.save_event_override(MOVED, now=NOW, notices=moved)
    assert len(ids) == 2
    assert db.save_event_override(MOVED, now=later(1), notices=moved) == []  # once per key
    assert {i.kind for i in db.claim_notices(later(1), 10)} == {"event_moved"}


def test_failed_notice_rolls_the_override_back(db: Store) -> None:
    bad = [NewNotice(12345, "moved:x", "event_moved")]  # no such subscriber
    with pytest.raises(exc.IntegrityError):
        db.save_event_override(MOVED, now=NOW, notices=bad)
    assert db.event_overrides() == []


def test_delete_override(db: Store) -> None:
    db.save_event_override(MOVED, now=NOW)
    assert db.delete_event_override("summit-2025") and not db.delete_event_override("summit-2025")
    assert db.event_overrides() == []
