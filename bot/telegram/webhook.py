"""Webhook mode: python-telegram-bot's own webhook server (`Updater.start_webhook`) takes
the updates Telegram posts, checking the secret token header on every request.
"""

from __future__ import annotations

import logging
import secrets

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Updater

from bot.config import Webhook

log = logging.getLogger(__name__)
BOOTSTRAP_RETRIES = 3  # setWebhook at start, against a passing network error


async def start_webhook(updater: Updater, hook: Webhook, token: str) -> str | None:
    """Listen on `hook.listen` and register `hook.url` with Telegram (every replica does:
    any of them may take any update). None, or why it could not start (never the token)."""
    secret = hook.secret
    if secret is None:
        secret = secrets.token_urlsafe(32)  # 43 characters of Telegram's secret alphabet
        log.warning("TELEGRAM_WEBHOOK_SECRET is unset: this process made its own secret; "
                    "with several replicas set one shared secret, or Telegram will only "
                    "reach the last replica started")
    try:
        await updater.start_webhook(
            listen=hook.listen.host, port=hook.listen.port, url_path=hook.url_path,
            webhook_url=hook.url, secret_token=secret, allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False, bootstrap_retries=BOOTSTRAP_RETRIES)
    except OSError as err:
        return f"cannot listen on TELEGRAM_WEBHOOK_LISTEN {hook.listen}: {err.strerror or err}"
    except TelegramError as err:
        why = f"{type(err).__name__}: {err.message}".replace(token, "<token>")
        return f"the Telegram Bot API refused the webhook {hook.url}: {why}"
    return None
