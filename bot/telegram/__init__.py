"""Telegram adapter: python-telegram-bot handlers, the rate-limited sender, i18n."""
