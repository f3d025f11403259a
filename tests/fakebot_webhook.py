"""The fake Bot API's webhooks, as Telegram keeps them: setWebhook (url, secret_token,
allowed_updates, drop_pending_updates), deleteWebhook, getWebhookInfo, getUpdates refused
with 409 while a webhook is set, and updates POSTed to the hook with the secret header.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fakebot_wire import JSON, ApiError

if TYPE_CHECKING:
    from fakebotapi import FakeBotApi

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first")
REGISTERED = object()  # deliver with the secret the bot registered


@dataclass
class Hook:
    """A registered webhook."""

    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int = 40
    deliveries: list[tuple[int, JSON]] = field(default_factory=list)  # (HTTP status, update)


def _drop_pending(api: FakeBotApi, p: JSON) -> None:
    if p.get("drop_pending_updates") in (True, "true", "True"):
        api._updates.clear()


def set_webhook(api: FakeBotApi, p: JSON) -> bool:
    url = str(p.get("url") or "")
    if not url:  # an empty url removes the webhook, as Telegram does
        api.webhook = None
        return True
    # Telegram takes https only; a local Bot API server (what tests stand for) takes http too.
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None and not _SECRET_RE.fullmatch(str(secret)):
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    allowed = p.get("allowed_updates")
    if allowed is not None:
        from fakebot_methods import DEFAULT_UPDATE_TYPES

        api._allowed = set(allowed) or set(DEFAULT_UPDATE_TYPES)
    _drop_pending(api, p)
    api.webhook = Hook(url, None if secret is None else str(secret), allowed,
                       int(p.get("max_connections") or 40))
    return True


def delete_webhook(api: FakeBotApi, p: JSON) -> bool:
    api.webhook = None
    _drop_pending(api, p)
    return True


def get_webhook_info(api: FakeBotApi, p: JSON) -> JSON:
    hook = api.webhook
    info: JSON = {"url": hook.url if hook else "", "has_custom_certificate": False,
                  "pending_update_count": len(api._updates)}
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
    return info


def refuse_get_updates(api: FakeBotApi) -> None:
    if api.webhook is not None:
        raise ApiError(409, CONFLICT)


def deliver(api: FakeBotApi, update: JSON, secret: Any = REGISTERED,
            timeout: float = 10.0) -> int:
    """POST one update to the registered webhook as Telegram does (JSON body, the secret in
    its header; `secret=None` leaves the header out, a string sends that instead). Returns
    the HTTP status the bot answered; the update is not queued for getUpdates."""
    hook = api.webhook
    if hook is None:
        raise RuntimeError("no webhook is set")
    headers = {"Content-Type": "application/json"}
    token = hook.secret_token if secret is REGISTERED else secret
    if token is not None:
        headers[SECRET_HEADER] = str(token)
    request = urllib.request.Request(hook.url, data=json.dumps(update).encode(),
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as err:
        status = err.code
    hook.deliveries.append((status, update))
    return status


WEBHOOK_METHODS: dict[str, Any] = {
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
}
