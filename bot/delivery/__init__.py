"""Delivery: from the outbox to a chat. The drainer claims alerts and notices and settles
each by a sink's verdict (`drainer`); sinks print (`console`) or send via the Bot API
(`telegram_sink`, `sender`) at Telegram's pace (`ratelimit`), as HTML (`render`, `html`).

Offers `Drainer`, `Verdict`, `Delivered`, `ConsoleSink`, `TelegramSink`, `Sender`,
`RateLimiter`, `render_alert` and `render_notice`.
"""
