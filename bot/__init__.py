"""Summit Watch: a Telegram bot that reads Belarus-Russia news feeds and alerts on tracked agreements."""

__version__ = "0.1.0"
