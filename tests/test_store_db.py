"""Engine creation and dialect specifics: URL normalisation, SQLite pragmas, UTC datetimes,
thread safety of one Store shared by worker threads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest_store import NOW
from sqlalchemy import exc, select, text

from bot.store import Store, normalise_url, open_store
from bot.store.db import create_engine_for
from bot.store.schema import meta


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u:p@h:5432/d", "postgresql+psycopg"),
        ("postgres://u@h/d", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg"),
        ("sqlite:///./data/x.db", "sqlite"),
    ],
    ids=["postgresql", "postgres-alias", "already-psycopg", "sqlite-untouched"],
)
def test_normalise_url_picks_psycopg3(url: str, driver: str) -> None:
    assert normalise_url(url).drivername == driver


def test_normalise_url_keeps_credentials_and_query() -> None:
    url = normalise_url("postgresql://u:secret@h:5433/d?sslmode=require")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "u", "secret", "h", 5433, "d"
    )
    assert url.query == {"sslmode": "require"}


def test_unsupported_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        create_engine_for("mysql://u@h/d")


def test_sqlite_file_gets_parent_dir_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "s.db"
    store = open_store(f"sqlite:///{path}")
    try:
        assert path.exists()
        with store.engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
            }
        assert pragmas == {
            "journal_mode": "wal", "foreign_keys": 1, "synchronous": 1, "busy_timeout": 10_000
        }
    finally:
        store.close()


def test_default_url_is_a_sqlite_file_under_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store()
    try:
        assert store.dialect == "sqlite"
        assert (tmp_path / "data" / "summit-watch.db").exists()
    finally:
        store.close()


def test_in_memory_sqlite_is_one_database() -> None:
    store = open_store("sqlite://")
    try:
        store.set_meta("k", "v", now=NOW)
        assert store.get_meta("k") == "v"
    finally:
        store.close()


def test_datetimes_come_back_aware_utc(db: Store) -> None:
    minsk = timezone(timedelta(hours=3))
    db.set_meta("k", "v", now=datetime(2025, 3, 1, 15, 0, tzinfo=minsk))
    with db.engine.connect() as conn:
        stored = conn.execute(select(meta.c.updated_at)).scalar_one()
    assert stored == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert stored.tzinfo is UTC


def test_naive_datetime_is_refused(db: Store) -> None:
    with pytest.raises(exc.StatementError, match="naive"):
        db.set_meta("k", "v", now=datetime(2025, 3, 1, 12, 0))


def test_datetime_comparison_is_chronological(db: Store) -> None:
    # Text-stored SQLite datetimes must compare in time order across offsets.
    plus3 = timezone(timedelta(hours=3))
    db.set_meta("a", "1", now=datetime(2025, 3, 1, 14, 0, tzinfo=plus3))  # 11:00Z
    db.set_meta("b", "2", now=datetime(2025, 3, 1, 11, 30, tzinfo=UTC))
    with db.engine.connect() as conn:
        keys = conn.execute(select(meta.c.key).order_by(meta.c.updated_at)).scalars().all()
        later_than = conn.execute(
            select(meta.c.key).where(meta.c.updated_at > datetime(2025, 3, 1, 11, 15, tzinfo=UTC))
        ).scalars().all()
    assert keys == ["a", "b"]
    assert later_than == ["b"]


def test_store_is_safe_to_share_between_threads(db: Store) -> None:
    sub = db.ensure_console_subscriber()
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(15):
                db.add_watch(sub.id, f"query {t}-{i}", now=NOW)
                db.set_meta(f"thread-{t}", str(i), now=NOW)
                db.count_watches(sub.id)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    assert db.count_watches(sub.id) == 60
    assert [db.get_meta(f"thread-{t}") for t in range(4)] == ["14"] * 4


def test_write_transaction_rolls_back_on_error(db: Store) -> None:
    with pytest.raises(RuntimeError), db._write() as conn:
        conn.execute(meta.insert().values(key="x", value="y", updated_at=NOW))
        raise RuntimeError("boom")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM meta")).scalar_one() == 0
