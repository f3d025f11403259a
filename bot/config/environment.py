"""Deployment settings from the environment: config path, Telegram token and API URL,
database URL and operator ids. Secrets never live in feeds.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.config.errors import ConfigError
from bot.config.values import check_url

DEFAULT_CONFIG_PATH = "./feeds.yaml"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite:///./data/summit-watch.db"


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
        check_url(api_url)
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
