"""Russian: every text the bot shows in chats (Telegram HTML templates; callers escape
every value they format in). The `ics_*` texts go into calendar files: plain
text, no HTML.

Longer than 300 lines: one flat table of every chat text; splitting it by feature would
scatter what a translator reads in one go.
"""

COMMANDS = (
    "<b>Команды</b>\n"
    "/start — подписаться на уведомления (или возобновить их)\n"
    "/stop — остановить все уведомления\n"
    "/watch &lt;запрос&gt; — уведомлять о новостях по запросу\n"
    "/unwatch &lt;запрос или номер&gt; — удалить запрос\n"
    "/list — ваши запросы и темы\n"
    "/topics — отслеживаемые темы и события\n"
    "/mute &lt;2h|30m|1d&gt; — придержать уведомления; /unmute — вернуть\n"
    "/lang en|ru|be — язык интерфейса\n"
    "/export — настройки чата файлом; /import — восстановить их\n"
    "/quiet 23:00-07:00 [strict] — тихие часы; /quiet off\n"
    "/mode instant|hourly|daily 08:00 [запрос] — сразу или сводками\n"
    "/tz Europe/Minsk — часовой пояс чата\n"
    "/status — состояние лент и ближайшее событие\n"
    "/calendar — события файлом календаря (.ics)\n"
    "/help — эта справка"
)

QUERY_HELP = (
    "<b>Синтаксис запроса</b>\n"
    "• <code>договор Беларусь</code> — все слова должны встретиться\n"
    "• <code>\"союзное государство\"</code> — точная фраза\n"
    "• <code>договор OR соглашение</code> — любое из слов\n"
    "• <code>NOT спорт</code> или <code>-спорт</code> — слово не должно встретиться\n"
    "• <code>(Минск OR Москва) саммит</code> — группы\n"
    "• <code>ратифи*</code> — любое слово, начинающееся на <i>ратифи</i> (от 3 букв)\n"
    "• <code>Лукашенко NEAR/5 Путин</code> — не дальше 5 слов друг от друга\n"
    "• <code>@agreement Минск</code> — набор слов: любое его слово на пяти языках "
    "(договор, соглашение, дамова, угода, treaty, Vertrag…); считается одним словом. "
    "Среди наборов: <code>@agreement</code>, <code>@belarus</code>, <code>@russia</code>, "
    "<code>@union-state</code>, <code>@security-guarantees</code>, "
    "<code>@security-concept</code>\n"
    "• <code>@belarus NEAR/5 @agreement NEAR/5 @security-guarantees</code> — цепочка: каждое "
    "рядом с предыдущим\n"
    "• <code>договор source:belta</code> — только новости одного издания: по его названию "
    "в уведомлениях (<code>source:\"РИА Новости\"</code>), названию ленты или сайту "
    "(<code>source:ria</code>, <code>source:belta.by</code>); <code>-source:ria</code> — "
    "все, кроме него\n"
    "• <code>договор lang:ru</code> — только новости на одном языке: en, ru, be, uk или de\n"
    "Фильтры только сужают запрос: в нём всё равно нужно слово, которое должно встретиться."
)

TEXTS: dict[str, str] = {
    "welcome": (
        "👋 <b>Summit Watch</b> включён. Вы будете получать уведомления о соглашениях и "
        "саммитах Беларуси и России по отслеживаемым темам.\n"
        "\n"
        "Добавьте свои ключевые слова через /watch, например <code>/watch \"союзное "
        "государство\" договор</code>.\n"
        "\n"
        "Подробнее: /help\n"
        "\n"
        + COMMANDS
    ),
    "resumed": "▶️ Уведомления возобновлены, ваши запросы и темы сохранены. См. /list.",
    "already_active": "✅ Этот чат уже подписан. См. /list и /help.",
    "stopped": (
        "⏹ Уведомления остановлены. Отправьте /start, чтобы возобновить; настройки сохранены."
    ),
    "already_stopped": "Уведомления уже остановлены. Отправьте /start, чтобы возобновить.",
    "need_start": "Этот чат ещё не подписан. Сначала отправьте /start.",
    "help": (
        "<b>Summit Watch</b> присылает по одному уведомлению о каждой новости про соглашения "
        "и саммиты Беларуси и России.\n"
        "\n"
        + COMMANDS
        + "\n"
          "\n"
        + QUERY_HELP
        + "\n"
          "\n"
          "Под каждым уведомлением: 🔕 отключает его тему в этом чате на сутки, ✖ удаляет "
          "сработавший запрос. В группах настройки меняют только администраторы. "
          "Уведомления, придержанные /mute, придут после его окончания."
    ),
    "usage_watch": (
        "Использование: <code>/watch &lt;запрос&gt;</code>, например <code>/watch договор "
        "ратифи*</code>. Синтаксис — в /help."
    ),
    "usage_unwatch": "Использование: <code>/unwatch &lt;запрос или номер из /list&gt;</code>",
    "usage_mute": "Использование: <code>/mute 2h</code> (единицы m, h, d; не больше 30d).",
    "usage_lang": (
        "Использование: <code>/lang en</code>, <code>/lang ru</code> или <code>/lang be</code>"
    ),
    "query_error": (
        "⚠️ Не удалось разобрать запрос: {error}\n"
        "<pre>{query}\n"
        "{caret}</pre>"
    ),
    "query_too_long": "⚠️ Запрос слишком длинный: {length}, а предел — {limit}.",
    "watch_limit": (
        "⚠️ В этом чате уже {watches} — больше нельзя. Сначала удалите один через /unwatch "
        "или /list."
    ),
    "watch_duplicate": "Вы уже следите за <code>{query}</code>.",
    "watch_added": "👀 Слежу за <code>{query}</code>.",
    "watch_preview": "Среди {scanned} с {since} подошло бы {matched}:",
    "watch_preview_none": "За последние 7 дней ещё не было новостей, на которых его проверить.",
    "watch_too_broad": (
        "⚠️ <code>{query}</code> совпал бы с {matched} из последних {scanned}: это поток, а не "
        "запрос. Добавьте слово, которое его сузит."
    ),
    "watch_inactive_note": (
        "Уведомления в этом чате остановлены: отправьте /start, чтобы их получать."
    ),
    "unwatched": "🗑 Удалено: <code>{query}</code>.",
    "unwatch_missing": "Такого запроса нет. Номера — в /list.",
    "list_header": "<b>Ваши запросы</b>",
    "list_empty": "Запросов пока нет. Добавьте: <code>/watch &lt;запрос&gt;</code>",
    "list_topics": "<b>Темы</b>",
    "list_no_topics": "Вы не следите ни за одной темой (см. /topics).",
    "list_state_stopped": "⏹ Уведомления остановлены (/start возобновит).",
    "list_state_muted": "🔇 Без звука до {until}.",
    "list_topic_muted": "🔕 без звука до {until}",
    "topics_header": "<b>Отслеживаемые темы</b>",
    "topics_none": "Темы не настроены.",
    "events_header": "<b>События</b>",
    "topic_no_status": "сообщений о статусе пока нет",
    "topic_confirmed": "подтверждено: {outlets} ({sources})",
    "topic_unconfirmed": "не подтверждено ({n} из {needed}): {sources}",
    "topic_since": "с {when}",
    "following": "отслеживается",
    "not_following": "не отслеживается",
    "btn_unwatch": "✖ {label}",
    "btn_unfollow": "🔕 {label}",
    "btn_follow": "🔔 {label}",
    "btn_mute_topic": "🔕 Отключить «{topic}» на сутки",
    "btn_topic_muted": '✅ «{topic}» без звука до {until} · вернуть',
    "btn_stop_watch": "✖ Удалить этот запрос",
    "btn_stop_named_watch": "✖ Удалить запрос «{query}»",
    "btn_watch_stopped": "✅ Запрос удалён",
    "btn_named_watch_stopped": "✅ Удалён «{query}»",
    "days_in": "через {days}",
    "days_today": "сегодня",
    "days_ago": "{days} назад",
    "muted": "🔇 Без звука до {until}. Уведомления придут после этого.",
    "mute_capped": "(не больше 30 дней)",
    "unmuted": "🔔 Звук включён. Придержанные уведомления уже в пути.",
    "unmuted_topics": "🔔 Снова со звуком темы: {topics}.",
    "not_muted": "Звук в этом чате и так включён.",
    "lang_set": "Язык: русский.",
    "status_feeds": (
        "<b>Ленты</b>: всего {total}, в порядке {ok}, с ошибками {failing}, ещё не опрошены "
        "{never}."
    ),
    "status_last_poll": "Последний опрос: {when}.",
    "status_never_polled": "Опросов ещё не было.",
    "status_next_event": "<b>Ближайшее событие</b>: {title} — {date} ({countdown})",
    "status_no_event": "Предстоящих событий нет.",
    "admins_only": "Извините, в группах это могут менять только администраторы чата.",
    "bot_admins_only": "Извините, эта команда только для операторов бота.",
    "event_usage": (
        "<b>/event</b> (только для операторов)\n"
        "<code>/event move &lt;event-id&gt; &lt;YYYY-MM-DD&gt;</code> — перенести событие; "
        "подписчики получат сообщение\n"
        "<code>/event add &lt;event-id&gt; | &lt;YYYY-MM-DD&gt; | &lt;часовой пояс IANA&gt; "
        "| &lt;место&gt; | &lt;название&gt; [| &lt;topic-id,topic-id&gt;]</code> — добавить "
        "событие (по умолчанию все темы)"
    ),
    "event_list_header": "<b>События</b> (id — дата, место):",
    "event_list_none": "Событий пока нет.",
    "event_unknown": "⚠️ События <code>{event_id}</code> нет.",
    "event_bad_date": "⚠️ <code>{value}</code> — не дата: пишите ГГГГ-ММ-ДД.",
    "event_past_date": "⚠️ Дата {date} в часовом поясе события уже прошла.",
    "event_same_date": (
        "Событие <code>{event_id}</code> уже назначено на {date}; ничего не изменено."
    ),
    "event_moved": (
        "📅 Перенесено: <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>. "
        "Сообщение поставлено в очередь: {chats}."
    ),
    "event_exists": (
        "⚠️ Событие <code>{event_id}</code> уже есть; дату меняет <code>/event move</code>."
    ),
    "event_bad_id": (
        "⚠️ <code>{event_id}</code> — недопустимый id: только строчные латинские буквы, "
        "цифры и '-'."
    ),
    "event_unknown_topics": "⚠️ Среди отслеживаемых тем нет: {topics}. Есть: {known}.",
    "event_invalid": "⚠️ Событие некорректно: {reason}",
    "event_added": (
        "➕ Добавлено: <b>{title}</b> (<code>{event_id}</code>): {date}, {location} "
        "({timezone}); темы: {topics}."
    ),
    "feeds_usage": (
        "<code>/feeds</code> — состояние лент; <code>/feeds export</code> — ленты файлом "
        "OPML. Пришлите мне файл <code>.opml</code> (в этом личном чате), чтобы добавить ленты."
    ),
    "feeds_private_only": "Списки лент я отправляю и принимаю только в личном чате со мной.",
    "opml_caption": (
        "📤 {feeds} в формате OPML 2.0: этот файл импортирует любая читалка лент. Пришлите мне "
        "файл OPML, чтобы добавить ленты."
    ),
    "opml_send_hint": (
        "Чтобы добавить ленты, пришлите мне файл OPML (<code>.opml</code>, не больше {kb} кБ); "
        "<code>/feeds export</code> пришлёт текущий список."
    ),
    "opml_refused": "⚠️ Не могу импортировать <b>{file}</b>: {reason}. Ничего не изменено.",
    "opml_download_failed": (
        "⚠️ Не удалось получить <b>{file}</b> от Telegram; пришлите файл ещё раз. Ничего не "
        "изменено."
    ),
    "opml_err_too_large": "файл больше {kb} кБ",
    "opml_err_empty": "файл пустой",
    "opml_err_doctype": "в нём объявлен DOCTYPE (сущности не принимаются)",
    "opml_err_not_xml": "это некорректный XML ({detail})",
    "opml_err_encoding": "его кодировка неизвестна или указана неверно",
    "opml_err_not_opml": "это не файл OPML (документ — &lt;{root}&gt;)",
    "opml_err_no_outlines": "в нём нет лент",
    "opml_err_too_many": "в нём больше {n} элементов outline",
    "opml_err_too_deep": "элементы outline вложены глубже {n} уровней",
    "opml_result": "📥 <b>{file}</b>: добавлено — {added}, пропущено — {skipped}.",
    "opml_added_line": "➕ {name} — <code>{url}</code>",
    "opml_skipped_line": "⏭ <code>{url}</code> — {why}",
    "opml_polled_next": "Новые ленты опрашиваются со следующего опроса.",
    "opml_skip_list": "ссылка на другой список, а не лента",
    "opml_skip_page": "нет адреса ленты (это веб-страница)",
    "opml_skip_invalid_url": "некорректный адрес",
    "opml_skip_scheme": "адрес не http или https",
    "opml_skip_duplicate": "уже опрашивается как {name}",
    "opml_skip_repeated": "повторяется в файле",
    "opml_skip_over_cap": "больше {n} новых лент в одном файле",
    "unknown_command": "Неизвестная команда, см. /help.",
    "slow_down": "⏳ Слишком много команд — пожалуйста, помедленнее; я отвечу через минуту.",
    "group_hello": (
        "👋 Привет! Я присылаю уведомления о соглашениях и саммитах Беларуси и России. "
        "Администратор может отправить /start, чтобы подписать чат; остальное — в /help."
    ),
    "error": "Что-то пошло не так; попробуйте позже.",
    "cb_done": "Готово",
    "cb_gone": "Уже удалено",
    "cb_topic_muted": (
        '🔕 «{topic}» отключена здесь до {until}: её уведомления пропадут, а не придут '
        'потом. Запросы и смена статуса приходят. Нажмите ещё раз, чтобы вернуть.'
    ),
    "cb_topic_unmuted": '🔔 Тема «{topic}» снова присылает уведомления в этот чат.',
    "cb_watch_stopped": "✖ Запрос удалён: {query}",
    "alert_terms": "совпадения",
    "alert_concepts": "по смыслу",
    "alert_also": "также",
    "alert_untitled": "(без заголовка)",
    "alert_undated": "без даты",
    "status_expected": "📅 ОЖИДАЕТСЯ",
    "status_signed": "✅ ПОДПИСАНО",
    "status_ratified": "🖋 РАТИФИЦИРОВАНО",
    "status_in_force": "⚖️ ВСТУПИЛО В СИЛУ",
    "notice_reminder": "⏰ Напоминание: <b>{title}</b> — {when}, {date}, {location}.",
    "notice_in_days": "через {days}",
    "notice_today": "сегодня",
    "notice_summit_day": (
        "🏛 <b>Сегодня: {title}</b>\n"
        "📍 {location} · 🕒 {time} ({tz})"
    ),
    "notice_expected_agreements": "Ожидаемые документы:",
    "notice_no_status": "сообщений пока нет",
    "notice_how_to_follow": (
        "Уведомления придут сюда по мере появления новостей. /topics — хронология, "
        "/mute — пауза."
    ),
    "notice_status_new": "🚨 <b>{topic}</b>: {badge}",
    "notice_unconfirmed": "⚠️ не подтверждено — пока {outlets}: {sources}; нужно {needed}",
    "notice_confirmed": "✅ подтверждено: {outlets} ({sources})",
    "notice_first_report": "Первое сообщение: {link}",
    "notice_moved": "📅 <b>{title}</b>: дата изменена: {old} → <b>{new}</b> ({location}).",
    "notice_digest": "🗞 <b>{title}</b> — новости дня, {date}",
    "notice_digest_empty": "Сегодня подходящих новостей не было.",
    "notice_digest_more": "…и ещё {stories}",
    "notice_held": "🔕 Пока звук был выключен: {alerts}.",
    "notice_held_topic": "• {title}: {alerts}",
    "notice_held_watches": "• по вашим запросам: {alerts}",
    "notice_held_newest": "Самые свежие:",
    "notice_held_quiet": "🌙 За время тихих часов: {alerts}.",
    "notice_held_hourly": "🕐 Сводка за час: {alerts}.",
    "notice_held_daily": "🗞 Сводка за день: {alerts}.",
    "notice_held_part": "(часть {part} из {parts})",
    "notice_held_watch": "👀 ваш запрос {query}",
    "quiet_usage": "Использование: <code>/quiet 23:00-07:00</code> (время в часовом поясе чата, см. /tz); <code>/quiet 23:00-07:00 strict</code> придерживает и новости о подписании; <code>/quiet off</code>; <code>/quiet</code> без слов показывает настройку.",
    "quiet_bad_time": "⚠️ Не удалось прочитать время. Укажите начало и конец как ЧЧ:ММ, например <code>/quiet 23:00-07:00</code>.",
    "quiet_equal": "⚠️ Начало и конец совпадают. Укажите промежуток, например <code>/quiet 23:00-07:00</code>.",
    "quiet_set": "🌙 Тихие часы: {window} ({tz}). Уведомления за это время придерживаются и придут одной сводкой, когда тихие часы закончатся; новости о подписании, ратификации или вступлении в силу приходят сразу.",
    "quiet_set_strict": "🌙 Тихие часы: {window} ({tz}), строго: ждёт всё, и новости о подписании тоже, и приходит одной сводкой, когда они закончатся.",
    "quiet_off": "🔔 Тихие часы выключены; всё придержанное придёт сейчас.",
    "quiet_none": "Тихие часы не заданы. Пример: <code>/quiet 23:00-07:00</code> (часовой пояс чата: {tz}, см. /tz).",
    "tz_usage": "Использование: <code>/tz Europe/Minsk</code>: название часового пояса IANA, например Europe/Berlin, America/New_York или Asia/Tbilisi.",
    "tz_unknown": "⚠️ Такого часового пояса я не знаю. Укажите название IANA, например <code>/tz Europe/Minsk</code> или <code>/tz Europe/Berlin</code>.",
    "tz_set": "🕒 Часовой пояс: {tz} (там сейчас {time}). По нему считаются тихие часы и ежедневные сводки.",
    "tz_show": "🕒 Часовой пояс: {tz} (там сейчас {time}). Сменить: например <code>/tz Europe/Minsk</code>.",
    "mode_usage": "Использование: <code>/mode instant</code>, <code>/mode hourly</code> или <code>/mode daily 08:00</code> для всего чата; добавьте номер запроса из /list или сам запрос, чтобы настроить только его, например <code>/mode daily 08:00 2</code>; <code>/mode chat 2</code> вернёт ему режим чата.",
    "mode_daily_time": "⚠️ Для ежедневной сводки нужно время, например <code>/mode daily 08:00</code> (часовой пояс чата, см. /tz).",
    "mode_watch_missing": "⚠️ Такого запроса здесь нет; номера — в /list. Пример: <code>/mode hourly 1</code>.",
    "mode_name_instant": "каждое уведомление сразу",
    "mode_name_hourly": "сводка раз в час",
    "mode_name_daily": "сводка раз в день в {at} ({tz})",
    "mode_set": "📬 Доставка: {mode}. Новости о подписании и уведомления дня саммита приходят сразу; тихие часы действуют поверх (см. /quiet).",
    "mode_set_watch": "📬 Запрос <code>{query}</code>: {mode}.",
    "mode_watch_chat": "📬 Запрос <code>{query}</code> снова следует режиму чата: {mode}.",
    "mode_show": "📬 Доставка: {mode}.",
    "mode_show_watch": "• <code>{query}</code>: {mode}",
    "import_delivery": "📬 Тихие часы, часовой пояс и режимы доставки теперь как в файле (см. /quiet, /tz, /mode).",
    "menu_quiet": "Тихие часы",
    "menu_mode": "Сразу или сводками",
    "export_caption": (
        '⚙️ Настройки этого чата: {watches} и {topics}. Чтобы восстановить их, пришлите '
        'мне этот файл — сюда или в другой чат (в группе — с подписью /import). Импорт '
        'заменит запросы того чата запросами из файла.'
    ),
    "import_usage": (
        'Чтобы восстановить настройки, пришлите мне файл из /export: в личном чате — '
        'просто так, в группе — с подписью <code>/import</code> (или ответьте на файл '
        'командой <code>/import</code>). В группах импортировать могут только '
        'администраторы.'
    ),
    "import_too_big": (
        "⚠️ Файл весит {size} КБ, а файл настроек — не больше {limit} КБ. Ничего не изменено."
    ),
    "import_unreadable": "⚠️ Не удалось скачать файл; пришлите его ещё раз.",
    "import_bad_json": (
        "⚠️ Это не корректный JSON (строка {line}, позиция {column}). Ничего не изменено."
    ),
    "import_not_ours": (
        "⚠️ Это не файл настроек Summit Watch (такой делает /export). Ничего не изменено."
    ),
    "import_bad_version": (
        "⚠️ Файл в формате версии {version}, а я читаю версию {supported}. Ничего не изменено."
    ),
    "import_bad_field": (
        "⚠️ Поле <code>{field}</code> в файле не такое, как пишет /export. Ничего не изменено."
    ),
    "import_too_many": (
        "⚠️ В поле <code>{field}</code> — {items}, а принимается не больше {limit}. Ничего не "
        "изменено."
    ),
    "import_header": "📥 Импортирован <code>{file}</code>:",
    "import_nothing": (
        "📥 <code>{file}</code>: в этом чате уже такие настройки, ничего не изменено."
    ),
    "import_watches_added": "👀 Добавлено {watches}: {queries}",
    "import_watches_kept": '👀 Остались: {watches}.',
    "import_watch_too_broad": (
        '⚠️ Под запрос <code>{query}</code> из файла подошла бы четверть свежих новостей '
        '— это поток, а не запрос. Ничего не изменено.'
    ),
    "import_followed": "🔔 Теперь отслеживаются: {topics}",
    "import_unfollowed": "🔕 Больше не отслеживаются: {topics}",
    "import_unknown_topics": "Здесь таких тем нет, пропущены: {topics}",
    "import_ignored": "Эта версия бота такого не знает, пропущено: {fields}",
    "import_topic_mutes_lifted": '🔔 Все темы снова присылают уведомления.',
    "import_topic_mutes": '🔕 Темы без уведомлений: {topics}',
    "import_unmuted": '🔔 Пауза в чате закончилась; придержанные уведомления уже в пути.',
    "import_muted": '🔇 Уведомления придержаны до {until} (/unmute — вернуть).',
    "import_too_many_watches": (
        '⚠️ В файле {watches}, а в чате их может быть не больше {limit}. Ничего не '
        'изменено.'
    ),
    "import_bad_watch": (
        '⚠️ Запрос <code>{query}</code> из файла нельзя использовать: {error}. Ничего не '
        'изменено.'
    ),
    "import_bad_language": (
        '⚠️ В файле указан язык <code>{language}</code>, а я говорю на {supported}. '
        'Ничего не изменено.'
    ),
    "import_watches_removed": '✖ Удалено, в файле их нет — {watches}: {queries}',
    "calendar_caption": (
        "📅 Отслеживаемые события с напоминаниями ({events}). Откройте файл, чтобы добавить их "
        "в календарь; если событие перенесут, новый файл обновит вашу запись."
    ),
    "calendar_none": "Событий пока нет, поэтому и календаря нет.",
    "ics_calendar_name": "Summit Watch: события",
    "ics_agreements": "Ожидаемые соглашения: {agreements}.",
    "ics_no_agreements": "Соглашения по этому событию не отслеживаются.",
    "ics_footer": (
        "Напоминания и новости — Summit Watch в Telegram (/calendar пришлёт этот файл снова)."
    ),
    "ics_alarm_days": "{title}: через {days}",
    "ics_alarm_today": "{title}: сегодня ({time})",
    "ics_import_header": "📥 <b>Импорт календаря</b>",
    "ics_import_refused": "⚠️ Ничего не импортировано: {problem}.",
    "ics_import_problems": (
        "⚠️ Ничего не импортировано. Исправьте эти события (или уберите их из файла) и "
        "пришлите его снова:"
    ),
    "ics_import_problem": "• событие {n} ({title}): {problem}",
    "ics_import_added": (
        "➕ добавлено <b>{title}</b> (<code>{event_id}</code>): {date}, {location} ({timezone})"
    ),
    "ics_import_moved": (
        "📅 перенесено <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>"
    ),
    "ics_import_updated": (
        "✏️ обновлено <b>{title}</b> (<code>{event_id}</code>): {date}, {location} "
        "({timezone})"
    ),
    "ics_import_unchanged": "▫️ без изменений: <b>{title}</b> (<code>{event_id}</code>)",
    "ics_import_past": "⏭ пропущено, уже прошло: {title} ({date})",
    "ics_import_cancelled": "⏭ пропущено, отменено в файле: {title}",
    "ics_import_announced": "Подписчики перенесённых событий получат новую дату и файл: {chats}.",
    "ics_import_nothing": "Ничего не изменилось.",
    "ics_import_admins_only": "Импортировать календари могут только операторы бота.",
    "ics_import_download_failed": "⚠️ Не удалось скачать файл; пришлите его ещё раз.",
    "ics_problem_too_big": "файл занимает {size} КБ; принимается не больше {max} КБ",
    "ics_problem_not_ics": "это не файл iCalendar (.ics) ({reason})",
    "ics_problem_no_events": "в файле нет событий",
    "ics_problem_too_many": "в файле {count} событий; за раз можно не больше {max}",
    "ics_problem_unreadable": "не читается поле {prop}",
    "ics_problem_unknown_zone": "неизвестный часовой пояс {zone}",
    "ics_problem_recurring": "повторяющиеся события не поддерживаются",
    "ics_problem_no_start": "нет начала (DTSTART)",
    "ics_problem_no_title": "нет названия (SUMMARY)",
    "ics_problem_ends_before_start": "оно заканчивается раньше, чем начинается",
    "ics_problem_too_long": "оно длится {days} дн.; событие может длиться не больше {max}",
    "ics_problem_unknown_topics": "неизвестные темы: {topics}",
    "ics_problem_too_far": "{date} — больше чем через {years} лет",
    "ics_problem_bad_date": "дата вне допустимого диапазона",
    "ics_problem_invalid": "событие некорректно: {reason}",
    "ics_problem_twice": "событие {event_id} встречается в файле дважды",
    "status_down_header": "⚠️ <b>Ленты не работают</b> ({after} и дольше):",
    "status_down": "• {name} — с {since} ({duration}): {problem}",
    "status_down_more": "…и ещё {feeds}",
    "feed_problem_timeout": "сайт не отвечает вовремя",
    "feed_problem_network": "до сайта не достучаться",
    "feed_problem_not_found": "адреса ленты больше нет (HTTP {code})",
    "feed_problem_forbidden": "сайт не пускает (HTTP {code})",
    "feed_problem_rate_limited": "сайт просит обращаться реже (слишком много запросов)",
    "feed_problem_server": "ошибка на сервере сайта (HTTP {code})",
    "feed_problem_http": "сайт отвечает ошибкой (HTTP {code})",
    "feed_problem_not_feed": "по адресу больше нет читаемой ленты",
    "feed_problem_too_large": "лента больше допустимого размера",
    "feed_problem_redirects": "адрес перенаправляет слишком много раз",
    "feed_problem_unknown": "неизвестная ошибка",
    "notice_feed_down": (
        "🔴 <b>Лента не работает</b>: {name} — сбои уже {duration}, с {since} ({tz})."
    ),
    "notice_feed_why": "Причина: {problem}.",
    "notice_feed_error": "Последняя ошибка: <code>{error}</code> · {polls} подряд",
    "notice_feed_up": (
        "🟢 <b>Лента снова работает</b>: {name}; сбои длились {duration} ({since} – {until}, "
        "{tz})."
    ),
    "menu_calendar": "События файлом календаря",
    "menu_start": "Подписаться на уведомления",
    "menu_stop": "Остановить уведомления",
    "menu_watch": "Следить за запросом",
    "menu_unwatch": "Удалить запрос",
    "menu_list": "Ваши запросы и темы",
    "menu_topics": "Темы и события",
    "menu_mute": "Временно без уведомлений",
    "menu_unmute": "Снова присылать уведомления",
    "menu_lang": "Язык: en, ru или be",
    "menu_export": "Сохранить настройки чата в файл",
    "menu_import": "Восстановить настройки из файла",
    "menu_status": "Состояние лент, ближайшее событие",
    "menu_help": "Справка и синтаксис запросов",
}

# Counted nouns, by CLDR plural category (Babel picks the category for a number). `entries`
# is in the genitive: it follows «среди»/«из» («среди 4 новостей»).
PLURALS: dict[str, dict[str, str]] = {
    "feeds": {"one": "{n} лента", "few": "{n} ленты", "many": "{n} лент", "other": "{n} ленты"},
    "stories": {"one": "{n} сюжет", "few": "{n} сюжета", "many": "{n} сюжетов",
                "other": "{n} сюжета"},
    "outlets": {"one": "{n} издание", "few": "{n} издания", "many": "{n} изданий",
                "other": "{n} издания"},
    "days": {"one": "{n} день", "few": "{n} дня", "many": "{n} дней", "other": "{n} дня"},
    "chats": {"one": "{n} чат", "few": "{n} чата", "many": "{n} чатов", "other": "{n} чата"},
    "alerts": {"one": "{n} уведомление", "few": "{n} уведомления", "many": "{n} уведомлений",
               "other": "{n} уведомления"},
    "entries": {"one": "{n} новости", "few": "{n} новостей", "many": "{n} новостей",
                "other": "{n} новости"},
    "watches": {"one": "{n} запрос", "few": "{n} запроса", "many": "{n} запросов",
                "other": "{n} запроса"},
    "followed_topics": {"one": "{n} отслеживаемая тема", "few": "{n} отслеживаемые темы",
                        "many": "{n} отслеживаемых тем", "other": "{n} отслеживаемой темы"},
    "characters": {"one": "{n} символ", "few": "{n} символа", "many": "{n} символов",
                   "other": "{n} символа"},
    "items": {"one": "{n} элемент", "few": "{n} элемента", "many": "{n} элементов",
              "other": "{n} элемента"},
    "topics_label": {"one": "Тема", "few": "Темы", "many": "Темы", "other": "Темы"},
    "watches_label": {"one": "Ваш запрос", "few": "Ваши запросы", "many": "Ваши запросы",
                      "other": "Ваши запросы"},
    "events": {"one": "{n} событие", "few": "{n} события", "many": "{n} событий", "other": "{n} события"},
    "hours": {"one": "{n} час", "few": "{n} часа", "many": "{n} часов", "other": "{n} часа"},
    "minutes": {"one": "{n} минута", "few": "{n} минуты", "many": "{n} минут", "other": "{n} минуты"},
    "failed_polls": {"one": "{n} неудачный опрос", "few": "{n} неудачных опроса",
                     "many": "{n} неудачных опросов", "other": "{n} неудачного опроса"},
}
