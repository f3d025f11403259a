"""Deployment settings from the environment: config path, Telegram token and API URL,
database URL, operator ids, the metrics address and webhook mode. Secrets never live in
feeds.yaml.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.config.errors import ConfigError
from bot.config.network import (
    ListenAddr,
    Webhook,
    check_secret,
    check_webhook_url,
    parse_listen_addr,
)
from bot.config.values import check_url

DEFAULT_CONFIG_PATH = "./feeds.yaml"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite:///./data/summit-watch.db"
DEFAULT_WEBHOOK_LISTEN = "0.0.0.0:8443"


class Settings(BaseModel):
    """Deployment settings from the environment (secrets never live in feeds.yaml)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    config_path: Path = Path(DEFAULT_CONFIG_PATH)
    telegram_bot_token: str | None = Field(default=None, repr=False)
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: frozenset[int] = frozenset()
    metrics_addr: ListenAddr | None = None  # BOT_METRICS_ADDR: /metrics and /healthz
    webhook: Webhook | None = None  # TELEGRAM_WEBHOOK_URL: webhook mode instead of polling


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
    token = _env(env, "TELEGRAM_BOT_TOKEN")
    return Settings(
        config_path=Path(config) if config else default_config_path(env),
        telegram_bot_token=token,
        telegram_api_url=api_url.rstrip("/"),
        database_url=db_url,
        admin_ids=frozenset(admin_ids),
        metrics_addr=_listen(env, "BOT_METRICS_ADDR", None),
        webhook=_webhook(env, api_url, token),
    )


def _listen(env: Mapping[str, str], name: str, default: str | None) -> ListenAddr | None:
    value = _env(env, name) or default
    if value is None:
        return None
    try:
        return parse_listen_addr(value)
    except ValueError as err:
        raise ConfigError(str(err), key_path=name) from None


def _webhook(env: Mapping[str, str], api_url: str, token: str | None) -> Webhook | None:
    """Every webhook variable is checked when set, even if a missing URL leaves it unused:
    a typo should stop the start, not surface on the day webhooks are switched on."""
    listen = _listen(env, "TELEGRAM_WEBHOOK_LISTEN", DEFAULT_WEBHOOK_LISTEN)
    secret = _env(env, "TELEGRAM_WEBHOOK_SECRET")
    if secret is not None:
        try:
            check_secret(secret)
        except ValueError as err:
            raise ConfigError(str(err), key_path="TELEGRAM_WEBHOOK_SECRET") from None
    url = _env(env, "TELEGRAM_WEBHOOK_URL")
    if url is None or listen is None:
        return None
    try:
        path = check_webhook_url(url, api_url=api_url, token=token)
    except ValueError as err:
        raise ConfigError(str(err), key_path="TELEGRAM_WEBHOOK_URL") from None
    return Webhook(url=url, url_path=path, secret=secret, listen=listen)
