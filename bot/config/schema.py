"""The schema of `feeds.yaml` as frozen pydantic models: feeds, topics, events, limits,
delivery and fetch settings, and the checks that span several entries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from bot import __version__
from bot.config.errors import Loc, format_key_path
from bot.config.values import (
    Clock,
    Day,
    Duration,
    HttpUrl,
    PositiveDuration,
    PositiveInt,
    Reminder,
    Slug,
    TermSetName,
    TimeZoneName,
    parse_clock,
)

FeedLang = Literal["en", "ru", "be", "uk", "de"]
# Term sets are written by the operator, but bounded all the same: each `@name` expands to
# an OR of its members in every query that names it.
MAX_TERMSETS = 100
MAX_TERMSET_MEMBERS = 300
TermSetMembers = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=200)], ...],
    Field(min_length=1, max_length=MAX_TERMSET_MEMBERS),
]
_DAY_REMINDER_TIME = time(9, 0)
_Date = date  # EventSpec has a field called `date`, which shadows the type in its body

# ---------------------------------------------------------------- models


class FeedSpec(BaseModel):
    """One feed to poll. `name` tells feeds apart (logs, /feeds); `publisher` is the outlet
    credited in alerts and counted once for confirmations, across its language editions.
    An aggregator's items are credited to the outlet each item names instead."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: HttpUrl
    name: str = Field(default="", max_length=200)
    publisher: str = Field(default="", max_length=200)  # "": the feed's name
    aggregator: bool | None = None  # None: decided per item (a <source> names the outlet)
    lang: FeedLang | None = None
    interval: PositiveDuration | None = None  # None: the top-level `interval`

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: object) -> object:
        """`name` defaults to the URL's host, `publisher` to the name."""
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            return data
        name = data.get("name")
        if not name:
            try:
                host = urlsplit(data["url"]).hostname
            except ValueError:
                host = None  # the url validator reports it
            name = host or data["url"]
        return {**data, "name": name, "publisher": data.get("publisher") or name}


class TopicWindow(BaseModel):
    """Extra queries that count only between two dates (inclusive, top-level `timezone`):
    words too vague all year ("summit Minsk") but telling around an event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_: Day = Field(alias="from")
    until: Day
    queries: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> TopicWindow:
        if self.until < self.from_:
            raise ValueError("`until` is before `from`")
        return self


class TopicSpec(BaseModel):
    """A tracked topic: alerts go to its subscribers when any of its queries matches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    title: str = Field(min_length=1)
    query: str | None = None
    queries: tuple[str, ...] = ()
    during: TopicWindow | None = None

    @model_validator(mode="after")
    def _has_a_query(self) -> TopicSpec:
        if not self.all_queries and self.during is None:
            raise ValueError("a topic needs `query`, a non-empty `queries` list or `during`")
        return self

    @property
    def all_queries(self) -> tuple[str, ...]:
        """`query` (if any) followed by `queries`."""
        return ((self.query,) if self.query else ()) + self.queries


class SurgeWindow(BaseModel):
    """How far the surge (fast polling) extends before the event day and after it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    before: Duration = timedelta(days=1)
    after: Duration = timedelta(days=1)


class EventSpec(BaseModel):
    """A dated event (summit): reminders, surge polling and a digest on the day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    title: str = Field(min_length=1)
    date: Day
    timezone: TimeZoneName
    location: str = ""
    topics: tuple[str, ...] = ()
    reminders: tuple[Reminder, ...] = ("7d", "1d", "08:00")
    surge_interval: PositiveDuration = timedelta(minutes=1)
    surge_window: SurgeWindow = SurgeWindow()
    digest_time: Clock = time(21, 0)

    @model_validator(mode="after")
    def _unique_reminders(self) -> EventSpec:
        if len(set(self.reminders)) != len(self.reminders):
            raise ValueError("reminders must not repeat")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _utc(self, day: _Date, at: time, shift: timedelta = timedelta(0)) -> datetime:
        # Shift in wall-clock time first so "1d before" means the calendar day before.
        local = datetime.combine(day, at) + shift
        return local.replace(tzinfo=self.tz).astimezone(UTC)

    def start_utc(self) -> datetime:
        """Start (local midnight) of the event day, in UTC."""
        return self._utc(self.date, time(0, 0))

    def surge_bounds_utc(self) -> tuple[datetime, datetime]:
        """[start, end) of surge polling: the event day widened by `surge_window`, in UTC."""
        start = self._utc(self.date, time(0, 0), -self.surge_window.before)
        end = self._utc(self.date + timedelta(days=1), time(0, 0), self.surge_window.after)
        return start, end

    def digest_utc(self) -> datetime:
        """When the event day's digest is due, in UTC."""
        return self._utc(self.date, self.digest_time)

    def reminder_times_utc(self) -> list[tuple[str, datetime]]:
        """(reminder key, due time in UTC), earliest first. `Nd`: N days before at 09:00 local."""
        out = []
        for key in self.reminders:
            if key.endswith("d"):
                when = self._utc(self.date, _DAY_REMINDER_TIME, -timedelta(days=int(key[:-1])))
            else:
                when = self._utc(self.date, parse_clock(key))
            out.append((key, when))
        return sorted(out, key=lambda kv: kv[1])


class Limits(BaseModel):
    """Limits on what subscribers may ask for in chat."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_watches_per_chat: PositiveInt = 20
    max_query_length: PositiveInt = 300
    max_query_terms: PositiveInt = 20
    commands_per_minute: PositiveInt = 20  # per user; past it one "slow down", then silence


class Delivery(BaseModel):
    """Outgoing message rates; the defaults sit just under Telegram's published limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    global_per_second: PositiveInt = 30
    per_chat_interval: Duration = timedelta(seconds=1)
    group_per_minute: PositiveInt = 20


class Fetch(BaseModel):
    """HTTP fetching: timeouts, size cap, concurrency, failure backoff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout: PositiveDuration = timedelta(seconds=20)
    connect_timeout: PositiveDuration = timedelta(seconds=10)
    max_bytes: PositiveInt = 5_000_000
    max_concurrency: PositiveInt = 20
    per_host: PositiveInt = 2
    backoff_max: PositiveDuration = timedelta(hours=6)
    user_agent: str = Field(default=f"summit-watch/{__version__} (news feed reader)", min_length=1)


class Health(BaseModel):
    """When a failing feed counts as down: operators are told and /status names it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    feed_down_after: PositiveDuration = timedelta(hours=6)


class Config(BaseModel):
    """Everything `feeds.yaml` says, validated. Build it with `load_config`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    interval: PositiveDuration = timedelta(minutes=10)
    timezone: TimeZoneName = "Europe/Minsk"
    backfill: Duration = timedelta(0)
    confirmations: PositiveInt = 2
    cluster_window: PositiveDuration = timedelta(hours=36)
    retention: PositiveDuration = timedelta(days=30)
    limits: Limits = Limits()
    delivery: Delivery = Delivery()
    fetch: Fetch = Fetch()
    health: Health = Health()
    feeds: tuple[FeedSpec, ...] = Field(min_length=1)
    # name -> words, prefixes and phrases; queries say `@name` (bot.matching.termsets).
    termsets: dict[TermSetName, TermSetMembers] = Field(
        default_factory=dict, max_length=MAX_TERMSETS)
    topics: tuple[TopicSpec, ...] = ()
    events: tuple[EventSpec, ...] = ()

    @model_validator(mode="after")
    def _cross_references(self, info: ValidationInfo) -> Config:
        problems = cross_reference_problems(self)
        sink = info.context.get("problems") if isinstance(info.context, dict) else None
        if isinstance(sink, list):
            sink.extend(problems)  # load_config reports these with line numbers
        elif problems:
            loc, message = problems[0]
            raise ValueError(f"{format_key_path(loc)}: {message}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def interval_for(self, feed: FeedSpec) -> timedelta:
        """The feed's own interval, else the top-level one."""
        return feed.interval or self.interval

    def topic(self, topic_id: str) -> TopicSpec | None:
        return next((t for t in self.topics if t.id == topic_id), None)


def cross_reference_problems(cfg: Config) -> list[tuple[Loc, str]]:
    """Problems spanning several entries: duplicates and dangling topic references."""
    problems: list[tuple[Loc, str]] = []
    for section, key, items in (
        ("feeds", "url", cfg.feeds),
        ("topics", "id", cfg.topics),
        ("events", "id", cfg.events),
    ):
        seen: set[str] = set()
        for i, item in enumerate(items):
            value = getattr(item, key)
            if value in seen:
                problems.append(((section, i, key), f"duplicate {key} {value!r}"))
            seen.add(value)
    topic_ids = {t.id for t in cfg.topics}
    for i, event in enumerate(cfg.events):
        for j, ref in enumerate(event.topics):
            if ref not in topic_ids:
                problems.append((("events", i, "topics", j), f"unknown topic {ref!r}"))
    return problems
