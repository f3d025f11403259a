"""Chat handlers: what subscribers type and press. Commands (`commands`, `watchcmds`,
`eventcmd`), inline buttons (`buttons`), membership and migration (`chats`), who may do
what (`guard`), and the pure reply texts (`replies`); `handlers` registers them all.

Offers `register_handlers`, `set_commands` and `BOT_COMMANDS`. Handlers find the running
bot's `Services` in `context.bot_data["services"]`.
"""
