"""Every text the bot shows in chats, in English and Russian, and how a language is chosen.

Texts are Telegram HTML templates: callers escape every value they format into them.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ru"]
LANGS: tuple[Lang, ...] = ("en", "ru")
# Belarusian and Ukrainian speakers are far likelier to read Russian than English.
_RU_PREFIXES = ("ru", "be", "uk")

_QUERY_HELP_EN = (
    "<b>Query syntax</b>\n"
    "• <code>treaty Belarus</code> — all words must appear\n"
    '• <code>"union state"</code> — exact phrase\n'
    "• <code>treaty OR agreement</code> — either word\n"
    "• <code>NOT sport</code> or <code>-sport</code> — must not appear\n"
    "• <code>(Minsk OR Moscow) summit</code> — groups\n"
    "• <code>ratif*</code> — any word starting with <i>ratif</i> (3+ letters)\n"
    "• <code>Lukashenko NEAR/5 Putin</code> — at most 5 words apart"
)
_QUERY_HELP_RU = (
    "<b>Синтаксис запроса</b>\n"
    "• <code>договор Беларусь</code> — все слова должны встретиться\n"
    '• <code>"союзное государство"</code> — точная фраза\n'
    "• <code>договор OR соглашение</code> — любое из слов\n"
    "• <code>NOT спорт</code> или <code>-спорт</code> — слово не должно встретиться\n"
    "• <code>(Минск OR Москва) саммит</code> — группы\n"
    "• <code>ратифи*</code> — любое слово, начинающееся на <i>ратифи</i> (от 3 букв)\n"
    "• <code>Лукашенко NEAR/5 Путин</code> — не дальше 5 слов друг от друга"
)
_COMMANDS_EN = (
    "<b>Commands</b>\n"
    "/start — subscribe (or resume) alerts\n"
    "/stop — stop all alerts\n"
    "/watch &lt;query&gt; — alert on news matching a query\n"
    "/unwatch &lt;query or number&gt; — remove a watched query\n"
    "/list — your watches and followed topics\n"
    "/topics — tracked topics and events\n"
    "/mute &lt;2h|30m|1d&gt; — hold alerts for a while; /unmute\n"
    "/lang en|ru — interface language\n"
    "/status — feed health and the next event\n"
    "/help — this help"
)
_COMMANDS_RU = (
    "<b>Команды</b>\n"
    "/start — подписаться (или возобновить) уведомления\n"
    "/stop — остановить все уведомления\n"
    "/watch &lt;запрос&gt; — уведомлять о новостях по запросу\n"
    "/unwatch &lt;запрос или номер&gt; — удалить запрос\n"
    "/list — ваши запросы и темы\n"
    "/topics — отслеживаемые темы и события\n"
    "/mute &lt;2h|30m|1d&gt; — придержать уведомления; /unmute\n"
    "/lang en|ru — язык интерфейса\n"
    "/status — состояние лент и ближайшее событие\n"
    "/help — эта справка"
)

TEXTS: dict[str, dict[str, str]] = {
    "welcome": {
        "en": "👋 <b>Summit Watch</b> is on. You will get alerts about Belarus–Russia "
              "agreements and summits from the tracked topics.\n\n"
              "Add your own keywords with /watch, e.g. <code>/watch \"union state\" "
              "treaty</code>.\n\n" + _COMMANDS_EN + "\n\nMore: /help",
        "ru": "👋 <b>Summit Watch</b> включён. Вы будете получать уведомления о соглашениях "
              "и саммитах Беларуси и России по отслеживаемым темам.\n\n"
              "Добавьте свои ключевые слова через /watch, например <code>/watch "
              "\"союзное государство\" договор</code>.\n\nПодробнее: /help\n\n" + _COMMANDS_RU,
    },
    "resumed": {
        "en": "▶️ Alerts resumed; your watches and topics are kept. See /list.",
        "ru": "▶️ Уведомления возобновлены, ваши запросы и темы сохранены. См. /list.",
    },
    "already_active": {
        "en": "✅ This chat is already subscribed. See /list and /help.",
        "ru": "✅ Этот чат уже подписан. См. /list и /help.",
    },
    "stopped": {
        "en": "⏹ Alerts stopped. Send /start to resume; your settings are kept.",
        "ru": "⏹ Уведомления остановлены. Отправьте /start, чтобы возобновить; настройки "
              "сохранены.",
    },
    "already_stopped": {
        "en": "Alerts are already stopped. Send /start to resume.",
        "ru": "Уведомления уже остановлены. Отправьте /start, чтобы возобновить.",
    },
    "need_start": {
        "en": "This chat is not subscribed yet. Send /start first.",
        "ru": "Этот чат ещё не подписан. Сначала отправьте /start.",
    },
    "help": {
        "en": "<b>Summit Watch</b> alerts you once about each news item on Belarus–Russia "
              "agreements and summits.\n\n" + _COMMANDS_EN + "\n\n" + _QUERY_HELP_EN +
              "\n\nIn groups only admins can change settings. Alerts held by /mute are "
              "delivered when it ends.",
        "ru": "<b>Summit Watch</b> один раз сообщает о каждой новости о соглашениях и "
              "саммитах Беларуси и России.\n\n" + _COMMANDS_RU + "\n\n" + _QUERY_HELP_RU +
              "\n\nВ группах настройки меняют только администраторы. Уведомления, "
              "придержанные /mute, придут после его окончания.",
    },
    "usage_watch": {
        "en": "Usage: <code>/watch &lt;query&gt;</code>, e.g. <code>/watch treaty "
              "ratif*</code>. See /help for the query syntax.",
        "ru": "Использование: <code>/watch &lt;запрос&gt;</code>, например <code>/watch "
              "договор ратифи*</code>. Синтаксис — в /help.",
    },
    "usage_unwatch": {
        "en": "Usage: <code>/unwatch &lt;query or number from /list&gt;</code>",
        "ru": "Использование: <code>/unwatch &lt;запрос или номер из /list&gt;</code>",
    },
    "usage_mute": {
        "en": "Usage: <code>/mute 2h</code> (units m, h, d; at most 30d).",
        "ru": "Использование: <code>/mute 2h</code> (единицы m, h, d; не больше 30d).",
    },
    "usage_lang": {
        "en": "Usage: <code>/lang en</code> or <code>/lang ru</code>",
        "ru": "Использование: <code>/lang en</code> или <code>/lang ru</code>",
    },
    "query_error": {
        "en": "⚠️ I could not read this query: {error}\n<pre>{query}\n{caret}</pre>",
        "ru": "⚠️ Не удалось разобрать запрос: {error}\n<pre>{query}\n{caret}</pre>",
    },
    "query_too_long": {
        "en": "⚠️ The query is too long: {length} characters, the limit is {limit}.",
        "ru": "⚠️ Запрос слишком длинный: {length} символов, предел — {limit}.",
    },
    "watch_limit": {
        "en": "⚠️ This chat already has {limit} watches, the maximum. Remove one with "
              "/unwatch or /list first.",
        "ru": "⚠️ В этом чате уже {limit} запросов — это максимум. Сначала удалите один "
              "через /unwatch или /list.",
    },
    "watch_duplicate": {
        "en": "You already watch <code>{query}</code>.",
        "ru": "Вы уже следите за <code>{query}</code>.",
    },
    "watch_added": {
        "en": "👀 Watching <code>{query}</code>.\nIn the last 7 days it would have matched "
              "{count} stored item(s).",
        "ru": "👀 Слежу за <code>{query}</code>.\nЗа последние 7 дней совпало бы "
              "сохранённых новостей: {count}.",
    },
    "watch_inactive_note": {
        "en": "Alerts are stopped in this chat: send /start to receive them.",
        "ru": "Уведомления в этом чате остановлены: отправьте /start, чтобы их получать.",
    },
    "unwatched": {
        "en": "🗑 Removed <code>{query}</code>.",
        "ru": "🗑 Удалено: <code>{query}</code>.",
    },
    "unwatch_missing": {
        "en": "No such watch. See /list for the numbers.",
        "ru": "Такого запроса нет. Номера — в /list.",
    },
    "list_header": {"en": "<b>Your watches</b>", "ru": "<b>Ваши запросы</b>"},
    "list_empty": {
        "en": "No watches yet. Add one: <code>/watch &lt;query&gt;</code>",
        "ru": "Запросов пока нет. Добавьте: <code>/watch &lt;запрос&gt;</code>",
    },
    "list_topics": {"en": "<b>Followed topics</b>", "ru": "<b>Темы</b>"},
    "list_no_topics": {"en": "No followed topics (see /topics).",
                       "ru": "Нет отслеживаемых тем (см. /topics)."},
    "list_state_stopped": {"en": "⏹ Alerts are stopped (/start resumes).",
                           "ru": "⏹ Уведомления остановлены (/start возобновит)."},
    "list_state_muted": {"en": "🔇 Muted until {until}.", "ru": "🔇 Без звука до {until}."},
    "topics_header": {"en": "<b>Tracked topics</b>", "ru": "<b>Отслеживаемые темы</b>"},
    "topics_none": {"en": "No topics are configured.", "ru": "Темы не настроены."},
    "events_header": {"en": "<b>Events</b>", "ru": "<b>События</b>"},
    "topic_no_status": {"en": "no status reports yet", "ru": "сообщений о статусе пока нет"},
    "topic_confirmed": {"en": "confirmed by {n} source(s): {sources}",
                        "ru": "подтверждено источниками ({n}): {sources}"},
    "topic_unconfirmed": {"en": "unconfirmed ({n} of {needed}): {sources}",
                          "ru": "не подтверждено ({n} из {needed}): {sources}"},
    "topic_since": {"en": "since {when}", "ru": "с {when}"},
    "following": {"en": "following", "ru": "отслеживается"},
    "not_following": {"en": "not followed", "ru": "не отслеживается"},
    "btn_unwatch": {"en": "✖ {label}", "ru": "✖ {label}"},
    "btn_unfollow": {"en": "🔕 {label}", "ru": "🔕 {label}"},
    "btn_follow": {"en": "🔔 {label}", "ru": "🔔 {label}"},
    "days_in": {"en": "in {n} day(s)", "ru": "через {n} дн."},
    "days_today": {"en": "today", "ru": "сегодня"},
    "days_ago": {"en": "{n} day(s) ago", "ru": "{n} дн. назад"},
    "muted": {
        "en": "🔇 Muted until {until}. Alerts are held and delivered afterwards.",
        "ru": "🔇 Без звука до {until}. Уведомления придут после этого.",
    },
    "mute_capped": {"en": "(capped at 30 days)", "ru": "(не больше 30 дней)"},
    "unmuted": {"en": "🔔 Unmuted. Held alerts are on their way.",
                "ru": "🔔 Звук включён. Придержанные уведомления уже в пути."},
    "not_muted": {"en": "This chat is not muted.", "ru": "Этот чат не на беззвучном режиме."},
    "lang_set": {"en": "Language: English.", "ru": "Язык: русский."},
    "status_feeds": {
        "en": "<b>Feeds</b>: {total} configured, {ok} OK, {failing} failing, {never} not "
              "polled yet.",
        "ru": "<b>Ленты</b>: всего {total}, в порядке {ok}, с ошибками {failing}, ещё не "
              "опрошены {never}.",
    },
    "status_last_poll": {"en": "Last poll: {when}.", "ru": "Последний опрос: {when}."},
    "status_never_polled": {"en": "No poll has run yet.", "ru": "Опросов ещё не было."},
    "status_next_event": {"en": "<b>Next event</b>: {title} — {date} ({countdown})",
                          "ru": "<b>Ближайшее событие</b>: {title} — {date} ({countdown})"},
    "status_no_event": {"en": "No upcoming events.", "ru": "Предстоящих событий нет."},
    "admins_only": {
        "en": "Sorry, in groups only chat admins can change this.",
        "ru": "Извините, в группах это могут менять только администраторы чата.",
    },
    "bot_admins_only": {
        "en": "Sorry, this command is for the bot's operators only.",
        "ru": "Извините, эта команда только для операторов бота.",
    },
    "event_usage": {
        "en": "<b>/event</b> (operators only)\n"
              "<code>/event move &lt;event-id&gt; &lt;YYYY-MM-DD&gt;</code> — move an event; "
              "its followers are told\n"
              "<code>/event add &lt;event-id&gt; | &lt;YYYY-MM-DD&gt; | &lt;IANA time zone&gt; | "
              "&lt;location&gt; | &lt;title&gt; [| &lt;topic-id,topic-id&gt;]</code> — add an "
              "event (all topics unless listed)",
        "ru": "<b>/event</b> (только для операторов)\n"
              "<code>/event move &lt;event-id&gt; &lt;YYYY-MM-DD&gt;</code> — перенести "
              "событие; подписчики получат сообщение\n"
              "<code>/event add &lt;event-id&gt; | &lt;YYYY-MM-DD&gt; | &lt;часовой пояс "
              "IANA&gt; | &lt;место&gt; | &lt;название&gt; [| &lt;topic-id,topic-id&gt;]</code> — "
              "добавить событие (по умолчанию все темы)",
    },
    "event_list_header": {"en": "<b>Events</b> (id — date, location):",
                          "ru": "<b>События</b> (id — дата, место):"},
    "event_list_none": {"en": "No events yet.", "ru": "Событий пока нет."},
    "event_unknown": {"en": "⚠️ There is no event <code>{event_id}</code>.",
                      "ru": "⚠️ События <code>{event_id}</code> нет."},
    "event_bad_date": {"en": "⚠️ <code>{value}</code> is not a date: write YYYY-MM-DD.",
                       "ru": "⚠️ <code>{value}</code> — не дата: пишите ГГГГ-ММ-ДД."},
    "event_past_date": {"en": "⚠️ {date} has already passed in the event's time zone.",
                        "ru": "⚠️ {date} уже прошло в часовом поясе события."},
    "event_same_date": {"en": "The event <code>{event_id}</code> is already on {date}; nothing "
                              "changed.",
                        "ru": "Событие <code>{event_id}</code> уже назначено на {date}; ничего "
                              "не изменено."},
    "event_moved": {
        "en": "📅 Moved <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>. "
              "Announcement queued for {n} chat(s).",
        "ru": "📅 Перенесено: <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>. "
              "Сообщение поставлено в очередь для чатов: {n}.",
    },
    "event_exists": {
        "en": "⚠️ The event <code>{event_id}</code> already exists; "
              "<code>/event move</code> changes its date.",
        "ru": "⚠️ Событие <code>{event_id}</code> уже есть; дату меняет "
              "<code>/event move</code>.",
    },
    "event_bad_id": {
        "en": "⚠️ <code>{event_id}</code> is not a valid id: use lowercase letters, digits "
              "and '-'.",
        "ru": "⚠️ <code>{event_id}</code> — недопустимый id: только строчные латинские буквы, "
              "цифры и '-'.",
    },
    "event_unknown_topics": {"en": "⚠️ Unknown topic(s): {topics}. Known: {known}.",
                             "ru": "⚠️ Неизвестные темы: {topics}. Есть: {known}."},
    "event_invalid": {"en": "⚠️ This event is not valid: {reason}",
                      "ru": "⚠️ Событие некорректно: {reason}"},
    "event_added": {
        "en": "➕ Added <b>{title}</b> (<code>{event_id}</code>): {date}, {location} "
              "({timezone}); topics: {topics}.",
        "ru": "➕ Добавлено: <b>{title}</b> (<code>{event_id}</code>): {date}, {location} "
              "({timezone}); темы: {topics}.",
    },
    "unknown_command": {"en": "Unknown command, see /help.",
                        "ru": "Неизвестная команда, см. /help."},
    "slow_down": {
        "en": "⏳ Too many commands — please slow down; I will answer again in a minute.",
        "ru": "⏳ Слишком много команд — пожалуйста, помедленнее; я отвечу через минуту.",
    },
    "group_hello": {
        "en": "👋 Hi! I post alerts about Belarus–Russia agreements and summits. A chat "
              "admin can send /start to subscribe this chat; /help explains the rest.",
        "ru": "👋 Привет! Я присылаю уведомления о соглашениях и саммитах Беларуси и России. "
              "Администратор может отправить /start, чтобы подписать чат; остальное — в /help.",
    },
    "error": {"en": "Something went wrong; please try again later.",
              "ru": "Что-то пошло не так; попробуйте позже."},
    "cb_done": {"en": "Done", "ru": "Готово"},
    "cb_gone": {"en": "Already removed", "ru": "Уже удалено"},
    "alert_source": {"en": "Source", "ru": "Источник"},
    "alert_topics": {"en": "Topics", "ru": "Темы"},
    "alert_watches": {"en": "Your watch", "ru": "Ваш запрос"},
    "alert_terms": {"en": "matched", "ru": "совпадения"},
    "alert_also": {"en": "also", "ru": "также"},
    "alert_untitled": {"en": "(untitled)", "ru": "(без заголовка)"},
    "alert_undated": {"en": "undated", "ru": "без даты"},
    "status_expected": {"en": "📅 EXPECTED", "ru": "📅 ОЖИДАЕТСЯ"},
    "status_signed": {"en": "✅ SIGNED", "ru": "✅ ПОДПИСАНО"},
    "status_ratified": {"en": "🖋 RATIFIED", "ru": "🖋 РАТИФИЦИРОВАНО"},
    "status_in_force": {"en": "⚖️ IN FORCE", "ru": "⚖️ ВСТУПИЛО В СИЛУ"},
}


def lang_for(language_code: str | None) -> Lang:
    """The default interface language for a Telegram user's `language_code`."""
    code = (language_code or "").lower()
    return "ru" if code.startswith(_RU_PREFIXES) else "en"


def as_lang(value: str | None) -> Lang | None:
    """`value` as a supported language, or None."""
    value = (value or "").strip().lower()
    return next((lang for lang in LANGS if lang == value), None)


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (English if unknown), with `values` formatted in.

    Values are inserted as given: escape feed and user text before passing it.
    """
    texts = TEXTS[key]
    template = texts.get(lang, texts["en"])
    return template.format(**values) if values else template
