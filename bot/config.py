"""The validated, frozen configuration: the schema of `feeds.yaml`, durations, environment
settings, and load errors that point at a file, a line and a key path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from bot import __version__

Lang = Literal["en", "ru", "be", "uk", "de"]
Loc = tuple[str | int, ...]

DEFAULT_CONFIG_PATH = "./feeds.yaml"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite:///./data/summit-watch.db"
# Operators write topic queries by hand and may list many synonyms in several languages;
# the subscriber limits (`limits:`) are for untrusted chat input, not for this file.
TOPIC_QUERY_MAX_LENGTH = 4000
TOPIC_QUERY_MAX_TERMS = 400
_DAY_REMINDER_TIME = time(9, 0)
_Date = date  # EventSpec has a field called `date`, which shadows the type in its body


class ConfigError(Exception):
    """A configuration problem: `file:line: key.path: problem` (line and path when known)."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        key_path: str = "",
        line: int | None = None,
        more: Sequence[ConfigError] = (),
    ) -> None:
        self.problem = problem
        self.file = file
        self.key_path = key_path
        self.line = line
        self.more = tuple(more)  # further problems found in the same pass
        super().__init__(str(self))

    def _one_line(self) -> str:
        where = ":".join(p for p in (self.file, str(self.line) if self.line else None) if p)
        parts = [p for p in (where, self.key_path) if p]
        return ": ".join([*parts, self.problem])

    def __str__(self) -> str:
        return "\n".join([self._one_line(), *(e._one_line() for e in self.more)])


# ---------------------------------------------------------------- scalar types

_DURATION_RE = re.compile(r"(\d+)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION_HINT = "write a duration like 90s, 10m, 1h, 7d"


def parse_duration(text: str) -> timedelta:
    """`90s`, `10m`, `1h`, `7d` or combinations such as `1h30m`; `0` alone means zero."""
    text = text.strip()
    if text == "0":
        return timedelta(0)
    if not text or _DURATION_RE.sub("", text):
        raise ValueError(f"{text!r} is not a duration: {_DURATION_HINT}")
    return timedelta(seconds=sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION_RE.findall(text)))


def _to_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_DURATION_HINT)  # noqa: TRY004 - pydantic reports only ValueError
    if isinstance(value, int):
        # A bare number has no unit; only zero means the same thing in every unit.
        if value == 0:
            return timedelta(0)
        raise ValueError(f"{value} has no unit: {_DURATION_HINT}")
    return parse_duration(value)


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be longer than zero")
    return value


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like Europe/Minsk)")
    return name


def _to_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as err:
            raise ValueError(f"{value!r} is not a real date: {err}") from None
    raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD")


def parse_clock(text: str) -> time:
    """`HH:MM` (24-hour) as a naive local `time`."""
    m = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a time of day: write HH:MM, e.g. 21:00")
    return time(int(m.group(1)), int(m.group(2)))


def _to_clock(value: object) -> time:
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time of day: write HH:MM")  # noqa: TRY004
    return parse_clock(value)


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return url


def _check_slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise ValueError(f"{value!r} is not a slug: use lowercase letters, digits and '-'")
    return value


def _check_query(text: str) -> str:
    try:  # bot.matching.query may be absent in a partial checkout; validation then waits for it
        from bot.matching.query import QueryError, parse_query
    except ImportError:  # pragma: no cover
        return text
    try:
        parse_query(text, max_length=TOPIC_QUERY_MAX_LENGTH, max_terms=TOPIC_QUERY_MAX_TERMS)
    except QueryError as err:
        raise ValueError(str(err)) from None  # same wording users see for a bad /watch
    return text


def _check_reminder(value: str) -> str:
    """`Nd` stays as written; clock times are normalised to HH:MM so keys are stable."""
    if re.fullmatch(r"\d{1,3}d", value):
        return value
    try:
        return parse_clock(value).strftime("%H:%M")
    except ValueError:
        raise ValueError(f"{value!r} is not a reminder: write Nd (e.g. 7d) or HH:MM") from None


Duration = Annotated[timedelta, BeforeValidator(_to_duration)]
PositiveDuration = Annotated[timedelta, BeforeValidator(_to_duration), AfterValidator(_positive)]
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
Slug = Annotated[str, AfterValidator(_check_slug)]
HttpUrl = Annotated[str, AfterValidator(_check_url)]
QueryText = Annotated[str, AfterValidator(_check_query)]
Reminder = Annotated[str, AfterValidator(_check_reminder)]
Day = Annotated[date, BeforeValidator(_to_date)]
Clock = Annotated[time, BeforeValidator(_to_clock)]
PositiveInt = Annotated[int, Field(ge=1)]


# ---------------------------------------------------------------- models


class FeedSpec(BaseModel):
    """One feed to poll. `name` is the short outlet name shown in alerts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: HttpUrl
    name: str = ""
    lang: Lang | None = None
    interval: PositiveDuration | None = None  # None: the top-level `interval`

    @model_validator(mode="before")
    @classmethod
    def _name_defaults_to_host(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("name") and isinstance(data.get("url"), str):
            try:
                host = urlsplit(data["url"]).hostname
            except ValueError:
                host = None  # the url validator reports it
            data = {**data, "name": host or data["url"]}
        return data


class TopicWindow(BaseModel):
    """Extra queries that count only between two dates (inclusive, top-level `timezone`):
    words too vague all year ("summit Minsk") but telling around an event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_: Day = Field(alias="from")
    until: Day
    queries: tuple[QueryText, ...] = Field(min_length=1)

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
    query: QueryText | None = None
    queries: tuple[QueryText, ...] = ()
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
    feeds: tuple[FeedSpec, ...] = Field(min_length=1)
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


# ---------------------------------------------------------------- environment


class Settings(BaseModel):
    """Deployment settings from the environment (secrets never live in feeds.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    config_path: Path = Path(DEFAULT_CONFIG_PATH)
    telegram_bot_token: str | None = Field(default=None, repr=False)
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: frozenset[int] = frozenset()


def default_config_path(env: Mapping[str, str]) -> Path:
    """`BOT_CONFIG` if set, else ./feeds.yaml."""
    return Path(env.get("BOT_CONFIG", "").strip() or DEFAULT_CONFIG_PATH)


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None  # an empty variable counts as unset


def settings_from_env(env: Mapping[str, str], *, config: str | Path | None = None) -> Settings:
    """Settings from an environment mapping; `config` (the --config flag) beats BOT_CONFIG."""
    admin_ids: set[int] = set()
    for part in (_env(env, "BOT_ADMIN_IDS") or "").split(","):
        if part.strip():
            try:
                admin_ids.add(int(part.strip()))
            except ValueError:
                raise ConfigError(
                    f"{part.strip()!r} is not an integer user id "
                    "(write comma-separated numbers, e.g. 12345,67890)",
                    key_path="BOT_ADMIN_IDS",
                ) from None
    api_url = _env(env, "TELEGRAM_API_URL") or DEFAULT_TELEGRAM_API_URL
    try:
        _check_url(api_url)
    except ValueError as err:
        raise ConfigError(str(err), key_path="TELEGRAM_API_URL") from None
    db_url = _env(env, "BOT_DATABASE_URL") or DEFAULT_DATABASE_URL
    if "://" not in db_url:
        raise ConfigError(f"{db_url!r} is not a database URL", key_path="BOT_DATABASE_URL")
    return Settings(
        config_path=Path(config) if config else default_config_path(env),
        telegram_bot_token=_env(env, "TELEGRAM_BOT_TOKEN"),
        telegram_api_url=api_url.rstrip("/"),
        database_url=db_url,
        admin_ids=frozenset(admin_ids),
    )


# ---------------------------------------------------------------- loading


class _Loader(yaml.SafeLoader):
    """SafeLoader minus YAML 1.1 base-60 integers, so `digest_time: 21:00` stays a string."""


_INT_TAG = "tag:yaml.org,2002:int"
# Dates stay strings too: the `date` validator then reports 2024-13-01 with its line.
_DROPPED_TAGS = (_INT_TAG, "tag:yaml.org,2002:timestamp")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


def format_key_path(loc: Loc) -> str:
    """('topics', 2, 'queries', 0) -> 'topics[2].queries[0]'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _line_for(root: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the deepest YAML node that `loc` reaches."""
    if root is None:
        return None
    node, line = root, root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hit = next((kv for kv in node.value if getattr(kv[0], "value", None) == part), None)
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _clean_loc(loc: Sequence[Any]) -> Loc:
    # pydantic appends validator/type names (e.g. 'function-after[...]') to some locs.
    return tuple(p for p in loc if isinstance(p, int) or (isinstance(p, str) and "[" not in p))


def _clean_message(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def _error(file: str, root: yaml.Node | None, loc: Loc, msg: str, kind: str = "") -> ConfigError:
    if kind == "extra_forbidden" and loc:
        msg = f"unknown key {loc[-1]!r}"
    elif kind == "missing" and loc:
        msg = f"required key {loc[-1]!r} is missing"
    return ConfigError(msg, file=file, key_path=format_key_path(loc), line=_line_for(root, loc))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", file=str(path)) from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"not UTF-8 text: {err.reason}", file=str(path)) from None
    except OSError as err:
        raise ConfigError(f"cannot read: {err.strerror or err}", file=str(path)) from None


def _duplicate_key(node: yaml.Node | None, file: str) -> ConfigError | None:
    """YAML silently keeps the last of two equal keys; an operator almost never means that."""
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        first_seen: dict[object, int] = {}
        for key, _ in node.value:
            value = getattr(key, "value", None)
            line = key.start_mark.line + 1
            if isinstance(value, str) and value in first_seen:
                return ConfigError(
                    f"duplicate key {value!r} (first at line {first_seen[value]})",
                    file=file, line=line,
                )
            first_seen.setdefault(value, line)
        children = [v for _, v in node.value]
    else:
        return None
    return next((e for e in (_duplicate_key(c, file) for c in children) if e), None)


def _parse_yaml(text: str, file: str) -> tuple[object, yaml.Node | None]:
    try:
        root = yaml.compose(text, Loader=_Loader)
        if (dup := _duplicate_key(root, file)) is not None:
            raise dup
        return yaml.load(text, Loader=_Loader), root
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = " ".join(p for p in (err.context, err.problem) if p) or "invalid YAML"
        line = mark.line + 1 if mark else None
        raise ConfigError(f"YAML syntax error: {problem}", file=file, line=line) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as err:
        # PyYAML's constructors can raise plain Python errors on odd input.
        raise ConfigError(f"YAML error: {err}", file=file) from None


def load_config(path: str | Path) -> Config:
    """Read, parse and validate a config file; every failure is a `ConfigError`."""
    file = str(path)
    data, root = _parse_yaml(_read(Path(path)), file)
    if data is None:
        raise ConfigError("the file is empty: it needs at least a `feeds:` list", file=file)
    if not isinstance(data, dict):
        raise ConfigError("the top level must be a mapping of keys", file=file, line=1)
    problems: list[tuple[Loc, str]] = []
    try:
        cfg = Config.model_validate(data, context={"problems": problems})
    except ValidationError as err:
        errors = [
            _error(file, root, _clean_loc(e["loc"]), _clean_message(e["msg"]), e["type"])
            for e in err.errors()
        ]
        raise ConfigError(
            errors[0].problem, file=file, key_path=errors[0].key_path,
            line=errors[0].line, more=errors[1:],
        ) from None
    if problems:
        errors = [_error(file, root, loc, msg) for loc, msg in problems]
        first = errors[0]
        raise ConfigError(
            first.problem, file=file, key_path=first.key_path, line=first.line, more=errors[1:]
        )
    return cfg
