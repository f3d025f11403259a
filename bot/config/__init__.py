"""The configuration: `feeds.yaml` (feeds, topics, events, limits) and the environment,
validated into frozen objects; every problem names its file, line and key path.

Offers `load_config`, `settings_from_env`, the schema (`Config`, `FeedSpec`, `TopicSpec`,
`EventSpec`, `Fetch`, `Delivery`, `Limits`, `Health`, `Settings`, `ListenAddr`, `Webhook`),
`ConfigError`, `parse_duration`, `parse_clock` and `parse_listen_addr`.
"""

from bot.config.environment import (
    DEFAULT_CONFIG_PATH,
    DEFAULT_DATABASE_URL,
    DEFAULT_TELEGRAM_API_URL,
    DEFAULT_WEBHOOK_LISTEN,
    Settings,
    default_config_path,
    settings_from_env,
)
from bot.config.errors import ConfigError, Loc, format_key_path
from bot.config.loading import Check, load_config
from bot.config.network import ListenAddr, Webhook, parse_listen_addr
from bot.config.schema import (
    Config,
    Delivery,
    EventSpec,
    FeedLang,
    FeedSpec,
    Fetch,
    Health,
    Limits,
    SurgeWindow,
    TopicSpec,
    TopicWindow,
    cross_reference_problems,
)
from bot.config.values import DurationTooLong, parse_clock, parse_duration

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_DATABASE_URL",
    "DEFAULT_TELEGRAM_API_URL",
    "DEFAULT_WEBHOOK_LISTEN",
    "Check",
    "Config",
    "ConfigError",
    "Delivery",
    "DurationTooLong",
    "EventSpec",
    "FeedLang",
    "FeedSpec",
    "Fetch",
    "Health",
    "Limits",
    "ListenAddr",
    "Loc",
    "Settings",
    "SurgeWindow",
    "TopicSpec",
    "TopicWindow",
    "Webhook",
    "cross_reference_problems",
    "default_config_path",
    "format_key_path",
    "load_config",
    "parse_clock",
    "parse_duration",
    "parse_listen_addr",
    "settings_from_env",
]
