"""Belarusian (official orthography): every text the bot shows in chats (Telegram HTML
templates; callers escape every value they format in). Longer than 300 lines: one table of texts, read and reviewed
whole, key by key beside the other languages.
"""

COMMANDS = (
    "<b>Каманды</b>\n"
    "/start — падпісацца на апавяшчэнні (або аднавіць іх)\n"
    "/stop — спыніць усе апавяшчэнні\n"
    "/watch &lt;запыт&gt; — апавяшчаць пра навіны па запыце\n"
    "/unwatch &lt;запыт або нумар&gt; — выдаліць запыт\n"
    "/list — вашы запыты і тэмы\n"
    "/topics — тэмы і падзеі, за якімі сочыць бот\n"
    "/mute &lt;2h|30m|1d&gt; — прытрымаць апавяшчэнні; /unmute — вярнуць\n"
    "/lang en|ru|be — мова інтэрфейсу\n"
    "/export — налады чата файлам; /import — аднавіць іх\n"
    "/quiet 23:00-07:00 [strict] — ціхія гадзіны; /quiet off\n"
    "/mode instant|hourly|daily 08:00 [запыт] — адразу або зводкамі\n"
    "/tz Europe/Minsk — гадзінны пояс чата\n"
    "/status — стан стужак і бліжэйшая падзея\n"
    "/calendar — падзеі файлам календара (.ics)\n"
    "/help — гэтая даведка"
)

QUERY_HELP = (
    "<b>Як пісаць запыт</b>\n"
    "• <code>дамова Беларусь</code> — павінны сустрэцца ўсе словы\n"
    "• <code>\"саюзная дзяржава\"</code> — дакладная фраза\n"
    "• <code>дамова OR пагадненне</code> — любое са слоў\n"
    "• <code>NOT спорт</code> або <code>-спорт</code> — слова не павінна сустрэцца\n"
    "• <code>(Мінск OR Масква) саміт</code> — групы\n"
    "• <code>ратыфік*</code> — любое слова, што пачынаецца з <i>ратыфік</i> (ад 3 літар)\n"
    "• <code>Лукашэнка NEAR/5 Пуцін</code> — не далей за 5 слоў адно ад аднаго\n"
    "• <code>@agreement Мінск</code> — набор слоў: любое яго слова на пяці мовах "
    "(дамова, дагавор, договор, угода, treaty, Vertrag…); лічыцца адным словам. "
    "Сярод набораў: <code>@agreement</code>, <code>@belarus</code>, <code>@russia</code>, "
    "<code>@union-state</code>, <code>@security-guarantees</code>, "
    "<code>@security-concept</code>\n"
    "• <code>@belarus NEAR/5 @agreement NEAR/5 @security-guarantees</code> — ланцужок: "
    "кожнае побач з папярэднім\n"
    "• <code>дамова source:belta</code> — толькі навіны аднаго выдання: па яго назве ў "
    "апавяшчэннях (<code>source:\"Наша Ніва\"</code>), назве стужкі або сайце "
    "(<code>source:nashaniva</code>, <code>source:belta.by</code>); <code>-source:ria</code> "
    "— усе, акрамя яго\n"
    "• <code>дамова lang:be</code> — толькі навіны на адной мове: en, ru, be, uk або de\n"
    "Фільтры толькі звужаюць запыт: у ім усё роўна павінна быць слова, якое мусіць сустрэцца."
)

TEXTS: dict[str, str] = {
    "welcome": (
        "👋 <b>Summit Watch</b> уключаны. Вы будзеце атрымліваць апавяшчэнні пра пагадненні "
        "і саміты Беларусі і Расіі па тэмах, за якімі сочыць бот.\n"
        "\n"
        "Дадайце свае ключавыя словы праз /watch, напрыклад <code>/watch \"саюзная "
        "дзяржава\" дамова</code>.\n"
        "\n"
        "Падрабязней: /help\n"
        "\n"
        + COMMANDS
    ),
    "resumed": "▶️ Апавяшчэнні адноўлены, вашы запыты і тэмы захаваліся. Гл. /list.",
    "already_active": "✅ Гэты чат ужо падпісаны. Гл. /list і /help.",
    "stopped": (
        "⏹ Апавяшчэнні спынены. Дашліце /start, каб аднавіць іх; налады захаваюцца."
    ),
    "already_stopped": "Апавяшчэнні ўжо спынены. Дашліце /start, каб аднавіць іх.",
    "need_start": "Гэты чат яшчэ не падпісаны. Спачатку дашліце /start.",
    "help": (
        "<b>Summit Watch</b> дасылае адно апавяшчэнне пра кожную навіну аб пагадненнях і "
        "самітах Беларусі і Расіі.\n"
        "\n"
        + COMMANDS
        + "\n"
          "\n"
        + QUERY_HELP
        + "\n"
          "\n"
          "Пад кожным апавяшчэннем: 🔕 выключае яго тэму ў гэтым чаце на суткі, ✖ выдаляе "
          "запыт, які спрацаваў. У групах налады мяняюць толькі адміністратары. "
          "Апавяшчэнні, прытрыманыя /mute, прыйдуць, калі ён скончыцца."
    ),
    "usage_watch": (
        "Напішыце так: <code>/watch &lt;запыт&gt;</code>, напрыклад <code>/watch дамова "
        "ратыфік*</code>. Як пісаць запыт — у /help."
    ),
    "usage_unwatch": "Напішыце так: <code>/unwatch &lt;запыт або нумар з /list&gt;</code>",
    "usage_mute": "Напішыце так: <code>/mute 2h</code> (адзінкі m, h, d; не больш за 30d).",
    "usage_lang": (
        "Напішыце так: <code>/lang en</code>, <code>/lang ru</code> або <code>/lang be</code>"
    ),
    "query_error": (
        "⚠️ Не ўдалося разабраць запыт: {error}\n"
        "<pre>{query}\n"
        "{caret}</pre>"
    ),
    "query_too_long": "⚠️ Запыт занадта доўгі: {length}, а мяжа — {limit}.",
    "watch_limit": (
        "⚠️ У гэтым чаце ўжо {watches} — больш нельга. Спачатку выдаліце адзін праз /unwatch "
        "або /list."
    ),
    "watch_duplicate": "Вы ўжо сочыце за <code>{query}</code>.",
    "watch_added": "👀 Сачу за <code>{query}</code>.",
    "watch_preview": "Сярод {scanned} з {since} падышло б {matched}:",
    "watch_preview_none": "За апошнія 7 дзён яшчэ не было навін, на якіх яго праверыць.",
    "watch_too_broad": (
        "⚠️ <code>{query}</code> супаў бы з {matched} з апошніх {scanned}: гэта паток, а не "
        "запыт. Дадайце слова, якое яго звузіць."
    ),
    "watch_inactive_note": (
        "Апавяшчэнні ў гэтым чаце спынены: дашліце /start, каб іх атрымліваць."
    ),
    "unwatched": "🗑 Выдалена: <code>{query}</code>.",
    "unwatch_missing": "Такога запыту няма. Нумары — у /list.",
    "list_header": "<b>Вашы запыты</b>",
    "list_empty": "Запытаў пакуль няма. Дадайце: <code>/watch &lt;запыт&gt;</code>",
    "list_topics": "<b>Тэмы</b>",
    "list_no_topics": "Вы не сочыце ні за адной тэмай (гл. /topics).",
    "list_state_stopped": "⏹ Апавяшчэнні спынены (/start адновіць іх).",
    "list_state_muted": "🔇 Без гуку да {until}.",
    "list_topic_muted": "🔕 без гуку да {until}",
    "topics_header": "<b>Тэмы, за якімі сочыць бот</b>",
    "topics_none": "Тэмы не наладжаны.",
    "events_header": "<b>Падзеі</b>",
    "topic_no_status": "паведамленняў пра статус пакуль няма",
    "topic_confirmed": "пацверджана: {outlets} ({sources})",
    "topic_unconfirmed": "не пацверджана ({n} з {needed}): {sources}",
    "topic_since": "з {when}",
    "following": "вы сочыце",
    "not_following": "вы не сочыце",
    "btn_unwatch": "✖ {label}",
    "btn_unfollow": "🔕 {label}",
    "btn_follow": "🔔 {label}",
    "btn_mute_topic": "🔕 Выключыць «{topic}» на суткі",
    "btn_topic_muted": '✅ «{topic}» без гуку да {until} · вярнуць',
    "btn_stop_watch": "✖ Выдаліць гэты запыт",
    "btn_stop_named_watch": "✖ Выдаліць запыт «{query}»",
    "btn_watch_stopped": "✅ Запыт выдалены",
    "btn_named_watch_stopped": "✅ Выдалены «{query}»",
    "days_in": "праз {days}",
    "days_today": "сёння",
    "days_ago": "{days} таму",
    "muted": "🔇 Без гуку да {until}. Апавяшчэнні прыйдуць пасля гэтага.",
    "mute_capped": "(не больш за 30 дзён)",
    "unmuted": "🔔 Гук уключаны. Прытрыманыя апавяшчэнні ўжо ў дарозе.",
    "unmuted_topics": "🔔 Зноў з гукам тэмы: {topics}.",
    "not_muted": "Гук у гэтым чаце і так уключаны.",
    "lang_set": "Мова: беларуская.",
    "status_feeds": (
        "<b>Стужкі</b>: усяго {total}, у парадку {ok}, з памылкамі {failing}, яшчэ не "
        "апытаны {never}."
    ),
    "status_last_poll": "Апошняе апытанне: {when}.",
    "status_never_polled": "Апытанняў яшчэ не было.",
    "status_next_event": "<b>Бліжэйшая падзея</b>: {title} — {date} ({countdown})",
    "status_no_event": "Падзей наперадзе няма.",
    "admins_only": "Прабачце, у групах гэта могуць мяняць толькі адміністратары чата.",
    "bot_admins_only": "Прабачце, гэтая каманда толькі для аператараў бота.",
    "event_usage": (
        "<b>/event</b> (толькі для аператараў)\n"
        "<code>/event move &lt;event-id&gt; &lt;YYYY-MM-DD&gt;</code> — перанесці падзею; "
        "падпісчыкі атрымаюць паведамленне\n"
        "<code>/event add &lt;event-id&gt; | &lt;YYYY-MM-DD&gt; | &lt;часавы пояс IANA&gt; "
        "| &lt;месца&gt; | &lt;назва&gt; [| &lt;topic-id,topic-id&gt;]</code> — дадаць "
        "падзею (па змаўчанні ўсе тэмы)"
    ),
    "event_list_header": "<b>Падзеі</b> (id — дата, месца):",
    "event_list_none": "Падзей пакуль няма.",
    "event_unknown": "⚠️ Падзеі <code>{event_id}</code> няма.",
    "event_bad_date": "⚠️ <code>{value}</code> — не дата: пішыце ГГГГ-ММ-ДД.",
    "event_past_date": "⚠️ Дата {date} у часавым поясе падзеі ўжо мінула.",
    "event_same_date": (
        "Падзея <code>{event_id}</code> ужо прызначана на {date}; нічога не зменена."
    ),
    "event_moved": (
        "📅 Перанесена: <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>. "
        "Паведамленне пастаўлена ў чаргу: {chats}."
    ),
    "event_exists": (
        "⚠️ Падзея <code>{event_id}</code> ужо ёсць; дату мяняе <code>/event move</code>."
    ),
    "event_bad_id": (
        "⚠️ <code>{event_id}</code> — недапушчальны id: толькі малыя лацінскія літары, "
        "лічбы і '-'."
    ),
    "event_unknown_topics": "⚠️ Сярод тэм бота няма: {topics}. Ёсць: {known}.",
    "event_invalid": "⚠️ Падзея некарэктная: {reason}",
    "event_added": (
        "➕ Дададзена: <b>{title}</b> (<code>{event_id}</code>): {date}, {location} "
        "({timezone}); тэмы: {topics}."
    ),
    "unknown_command": "Невядомая каманда, гл. /help.",
    "slow_down": "⏳ Занадта шмат каманд — калі ласка, павольней; я адкажу праз хвіліну.",
    "group_hello": (
        "👋 Вітаю! Я дасылаю апавяшчэнні пра пагадненні і саміты Беларусі і Расіі. "
        "Адміністратар можа даслаць /start, каб падпісаць чат; астатняе — у /help."
    ),
    "error": "Нешта пайшло не так; паспрабуйце пазней.",
    "cb_done": "Гатова",
    "cb_gone": "Ужо выдалена",
    "cb_topic_muted": (
        '🔕 «{topic}» выключана тут да {until}: яе апавяшчэнні знікнуць, а не прыйдуць '
        'потым. Запыты і змена статусу прыходзяць. Націсніце яшчэ раз, каб вярнуць.'
    ),
    "cb_topic_unmuted": '🔔 Тэма «{topic}» зноў дасылае апавяшчэнні ў гэты чат.',
    "cb_watch_stopped": "✖ Запыт выдалены: {query}",
    "alert_terms": "супадзенні",
    "alert_concepts": "па сэнсе",
    "alert_also": "таксама",
    "alert_untitled": "(без загалоўка)",
    "alert_undated": "без даты",
    "status_expected": "📅 ЧАКАЕЦЦА",
    "status_signed": "✅ ПАДПІСАНА",
    "status_ratified": "🖋 РАТЫФІКАВАНА",
    "status_in_force": "⚖️ УСТУПІЛА Ў СІЛУ",
    "notice_reminder": "⏰ Нагадванне: <b>{title}</b> — {when}, {date}, {location}.",
    "notice_in_days": "праз {days}",
    "notice_today": "сёння",
    "notice_summit_day": (
        "🏛 <b>Сёння: {title}</b>\n"
        "📍 {location} · 🕒 {time} ({tz})"
    ),
    "notice_expected_agreements": "Чаканыя дакументы:",
    "notice_no_status": "паведамленняў пакуль няма",
    "notice_how_to_follow": (
        "Апавяшчэнні будуць прыходзіць сюды па меры з'яўлення навін. /topics — храналогія, "
        "/mute — паўза."
    ),
    "notice_status_new": "🚨 <b>{topic}</b>: {badge}",
    "notice_unconfirmed": "⚠️ не пацверджана — пакуль {outlets}: {sources}; трэба {needed}",
    "notice_confirmed": "✅ пацверджана: {outlets} ({sources})",
    "notice_first_report": "Першае паведамленне: {link}",
    "notice_moved": "📅 <b>{title}</b>: дата змянілася: {old} → <b>{new}</b> ({location}).",
    "notice_digest": "🗞 <b>{title}</b> — навіны дня, {date}",
    "notice_digest_empty": "Сёння адпаведных навін не было.",
    "notice_digest_more": "…і яшчэ {stories}",
    "notice_held": "🔕 Пакуль гук быў выключаны: {alerts}.",
    "notice_held_topic": "• {title}: {alerts}",
    "notice_held_watches": "• па вашых запытах: {alerts}",
    "notice_held_newest": "Самыя свежыя:",
    'notice_held_quiet': '🌙 За час ціхіх гадзін: {alerts}.',
    'notice_held_hourly': '🕐 Зводка за гадзіну: {alerts}.',
    'notice_held_daily': '🗞 Зводка за дзень: {alerts}.',
    'notice_held_part': '(частка {part} з {parts})',
    'notice_held_watch': '👀 ваш запыт {query}',
    'quiet_usage': 'Як карыстацца: <code>/quiet 23:00-07:00</code> (час у гадзінным поясе чата, гл. /tz); <code>/quiet 23:00-07:00 strict</code> прытрымлівае і навіны пра падпісанне; <code>/quiet off</code>; <code>/quiet</code> без слоў паказвае наладу.',
    'quiet_bad_time': '⚠️ Не атрымалася прачытаць час. Напішыце пачатак і канец як ГГ:ХХ, напрыклад <code>/quiet 23:00-07:00</code>.',
    'quiet_equal': '⚠️ Пачатак і канец супадаюць. Напішыце прамежак, напрыклад <code>/quiet 23:00-07:00</code>.',
    'quiet_set': '🌙 Ціхія гадзіны: {window} ({tz}). Апавяшчэнні за гэты час прытрымліваюцца і прыйдуць адной зводкай, калі ціхія гадзіны скончацца; навіны пра падпісанне, ратыфікацыю або ўступленне ў сілу прыходзяць адразу.',
    'quiet_set_strict': '🌙 Ціхія гадзіны: {window} ({tz}), строга: чакае ўсё, і навіны пра падпісанне таксама, і прыходзіць адной зводкай, калі яны скончацца.',
    'quiet_off': '🔔 Ціхія гадзіны выключаныя; усё прытрыманае прыйдзе зараз.',
    'quiet_none': 'Ціхія гадзіны не зададзеныя. Прыклад: <code>/quiet 23:00-07:00</code> (гадзінны пояс чата: {tz}, гл. /tz).',
    'tz_usage': 'Як карыстацца: <code>/tz Europe/Minsk</code>: назва гадзіннага пояса IANA, напрыклад Europe/Berlin, America/New_York або Asia/Tbilisi.',
    'tz_unknown': '⚠️ Такога гадзіннага пояса я не ведаю. Напішыце назву IANA, напрыклад <code>/tz Europe/Minsk</code> або <code>/tz Europe/Berlin</code>.',
    'tz_set': '🕒 Гадзінны пояс: {tz} (там зараз {time}). Па ім лічацца ціхія гадзіны і штодзённыя зводкі.',
    'tz_show': '🕒 Гадзінны пояс: {tz} (там зараз {time}). Змяніць: напрыклад <code>/tz Europe/Minsk</code>.',
    'mode_usage': 'Як карыстацца: <code>/mode instant</code>, <code>/mode hourly</code> або <code>/mode daily 08:00</code> для ўсяго чата; дадайце нумар запыту з /list або сам запыт, каб наладзіць толькі яго, напрыклад <code>/mode daily 08:00 2</code>; <code>/mode chat 2</code> верне яму рэжым чата.',
    'mode_daily_time': '⚠️ Для штодзённай зводкі патрэбны час, напрыклад <code>/mode daily 08:00</code> (гадзінны пояс чата, гл. /tz).',
    'mode_watch_missing': '⚠️ Такога запыту тут няма; нумары — у /list. Прыклад: <code>/mode hourly 1</code>.',
    'mode_name_instant': 'кожнае апавяшчэнне адразу',
    'mode_name_hourly': 'зводка раз на гадзіну',
    'mode_name_daily': 'зводка раз на дзень а {at} ({tz})',
    'mode_set': '📬 Дастаўка: {mode}. Навіны пра падпісанне і апавяшчэнні дня саміту прыходзяць адразу; ціхія гадзіны дзейнічаюць паверх (гл. /quiet).',
    'mode_set_watch': '📬 Запыт <code>{query}</code>: {mode}.',
    'mode_watch_chat': '📬 Запыт <code>{query}</code> зноў прытрымліваецца рэжыму чата: {mode}.',
    'mode_show': '📬 Дастаўка: {mode}.',
    'mode_show_watch': '• <code>{query}</code>: {mode}',
    "import_delivery": "📬 Ціхія гадзіны, гадзінны пояс і рэжымы дастаўкі цяпер як у файле (гл. /quiet, /tz, /mode).",
    'menu_quiet': 'Ціхія гадзіны',
    'menu_mode': 'Адразу або зводкамі',
    "export_caption": (
        '⚙️ Налады гэтага чата: {watches} і {topics}. Каб аднавіць іх, дашліце мне гэты '
        'файл — сюды або ў іншы чат (у групе — з подпісам /import). Імпарт заменіць '
        'запыты таго чата запытамі з файла.'
    ),
    "import_usage": (
        'Каб аднавіць налады, дашліце мне файл з /export: у асабістым чаце — проста так, '
        'у групе — з подпісам <code>/import</code> (або адкажыце на файл камандай '
        '<code>/import</code>). У групах імпартаваць могуць толькі адміністратары.'
    ),
    "import_too_big": (
        "⚠️ Файл важыць {size} КБ, а файл налад — не больш за {limit} КБ. Нічога не зменена."
    ),
    "import_unreadable": "⚠️ Не ўдалося спампаваць файл; дашліце яго яшчэ раз.",
    "import_bad_json": (
        "⚠️ Гэта некарэктны JSON (радок {line}, пазіцыя {column}). Нічога не зменена."
    ),
    "import_not_ours": (
        "⚠️ Гэта не файл налад Summit Watch (такі робіць /export). Нічога не зменена."
    ),
    "import_bad_version": (
        "⚠️ Файл у фармаце версіі {version}, а я чытаю версію {supported}. Нічога не зменена."
    ),
    "import_bad_field": (
        "⚠️ Поле <code>{field}</code> у файле не такое, як піша /export. Нічога не зменена."
    ),
    "import_too_many": (
        "⚠️ У полі <code>{field}</code> — {items}, а прымаецца не больш за {limit}. Нічога не "
        "зменена."
    ),
    "import_header": "📥 Імпартаваны <code>{file}</code>:",
    "import_nothing": (
        "📥 <code>{file}</code>: у гэтым чаце ўжо такія налады, нічога не зменена."
    ),
    "import_watches_added": "👀 Дададзена {watches}: {queries}",
    "import_watches_kept": '👀 Засталіся: {watches}.',
    "import_watch_too_broad": (
        '⚠️ Пад запыт <code>{query}</code> з файла падышла б чвэрць свежых навін — гэта '
        'паток, а не запыт. Нічога не зменена.'
    ),
    "import_followed": "🔔 Цяпер вы сочыце за тэмамі: {topics}",
    "import_unfollowed": "🔕 Вы больш не сочыце за тэмамі: {topics}",
    "import_unknown_topics": "Тут такіх тэм няма, прапушчаны: {topics}",
    "import_ignored": "Гэтая версія бота такога не ведае, прапушчана: {fields}",
    "import_topic_mutes_lifted": '🔔 Усе тэмы зноў дасылаюць апавяшчэнні.',
    "import_topic_mutes": '🔕 Тэмы без апавяшчэнняў: {topics}',
    "import_unmuted": '🔔 Паўза ў чаце скончылася; прытрыманыя апавяшчэнні ўжо ў дарозе.',
    "import_muted": '🔇 Апавяшчэнні прытрыманы да {until} (/unmute — вярнуць).',
    "import_too_many_watches": (
        '⚠️ У файле {watches}, а ў чаце іх можа быць не больш за {limit}. Нічога не '
        'зменена.'
    ),
    "import_bad_watch": (
        '⚠️ Запыт <code>{query}</code> з файла нельга выкарыстаць: {error}. Нічога не '
        'зменена.'
    ),
    "import_bad_language": (
        '⚠️ У файле пазначана мова <code>{language}</code>, а я размаўляю на {supported}. '
        'Нічога не зменена.'
    ),
    "import_watches_removed": '✖ Выдалена, у файле іх няма — {watches}: {queries}',
    "feeds_usage": (
        "<code>/feeds</code> — стан стужак; <code>/feeds export</code> — стужкі файлам OPML. "
        "Дашліце мне файл <code>.opml</code> (у гэтым асабістым чаце), каб дадаць стужкі."
    ),
    "feeds_private_only": "Спісы стужак я дасылаю і прымаю толькі ў асабістым чаце са мной.",
    "opml_caption": (
        "📤 {feeds} у фармаце OPML 2.0: гэты файл імпартуе любая чытанка стужак. Дашліце мне "
        "файл OPML, каб дадаць стужкі."
    ),
    "opml_send_hint": (
        "Каб дадаць стужкі, дашліце мне файл OPML (<code>.opml</code>, не больш за {kb} кБ); "
        "<code>/feeds export</code> дашле цяперашні спіс."
    ),
    "opml_refused": "⚠️ Не магу імпартаваць <b>{file}</b>: {reason}. Нічога не зменена.",
    "opml_download_failed": (
        "⚠️ Не ўдалося атрымаць <b>{file}</b> ад Telegram; дашліце файл яшчэ раз. Нічога не "
        "зменена."
    ),
    "opml_err_too_large": "файл большы за {kb} кБ",
    "opml_err_empty": "файл пусты",
    "opml_err_doctype": "у ім абвешчаны DOCTYPE (сутнасці не прымаюцца)",
    "opml_err_not_xml": "гэта няправільны XML ({detail})",
    "opml_err_encoding": "яго кадоўка невядомая або пазначана няправільна",
    "opml_err_not_opml": "гэта не файл OPML (дакумент — &lt;{root}&gt;)",
    "opml_err_no_outlines": "у ім няма стужак",
    "opml_err_too_many": "у ім больш за {n} элементаў outline",
    "opml_err_too_deep": "элементы outline укладзены глыбей за {n} узроўняў",
    "opml_result": "📥 <b>{file}</b>: дададзена — {added}, прапушчана — {skipped}.",
    "opml_added_line": "➕ {name} — <code>{url}</code>",
    "opml_skipped_line": "⏭ <code>{url}</code> — {why}",
    "opml_polled_next": "Новыя стужкі апытваюцца з наступнага апытання.",
    "opml_skip_list": "спасылка на іншы спіс, а не стужка",
    "opml_skip_page": "няма адраса стужкі (гэта вэб-старонка)",
    "opml_skip_invalid_url": "няправільны адрас",
    "opml_skip_scheme": "адрас не http або https",
    "opml_skip_duplicate": "ужо апытваецца як {name}",
    "opml_skip_repeated": "паўтараецца ў файле",
    "opml_skip_over_cap": "больш за {n} новых стужак у адным файле",
    "calendar_caption": (
        "📅 Падзеі, за якімі сочыць бот, з напамінамі ({events}). Адкрыйце файл, каб дадаць "
        "іх у каляндар; калі падзею перанясуць, новы файл абновіць ваш запіс."
    ),
    "calendar_none": "Падзей пакуль няма, таму і календара няма.",
    "ics_calendar_name": "Summit Watch: падзеі",
    "ics_agreements": "Чаканыя пагадненні: {agreements}.",
    "ics_no_agreements": "Пагадненні па гэтай падзеі не адсочваюцца.",
    "ics_footer": (
        "Напаміны і навіны — Summit Watch у Telegram (/calendar дашле гэты файл зноў)."
    ),
    "ics_alarm_days": "{title}: праз {days}",
    "ics_alarm_today": "{title}: сёння ({time})",
    "ics_import_header": "📥 <b>Імпарт календара</b>",
    "ics_import_refused": "⚠️ Нічога не імпартавана: {problem}.",
    "ics_import_problems": (
        "⚠️ Нічога не імпартавана. Выпраўце гэтыя падзеі (або прыбярыце іх з файла) і дашліце "
        "яго зноў:"
    ),
    "ics_import_problem": "• падзея {n} ({title}): {problem}",
    "ics_import_added": (
        "➕ дададзена <b>{title}</b> (<code>{event_id}</code>): {date}, {location} ({timezone})"
    ),
    "ics_import_moved": (
        "📅 перанесена <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>"
    ),
    "ics_import_updated": (
        "✏️ абноўлена <b>{title}</b> (<code>{event_id}</code>): {date}, {location} ({timezone})"
    ),
    "ics_import_unchanged": "▫️ без змен: <b>{title}</b> (<code>{event_id}</code>)",
    "ics_import_past": "⏭ прапушчана, ужо прайшло: {title} ({date})",
    "ics_import_cancelled": "⏭ прапушчана, адменена ў файле: {title}",
    "ics_import_announced": (
        "Падпісчыкі перанесеных падзей атрымаюць новую дату і файл: {chats}."
    ),
    "ics_import_nothing": "Нічога не змянілася.",
    "ics_import_admins_only": "Імпартаваць календары могуць толькі аператары бота.",
    "ics_import_download_failed": "⚠️ Не ўдалося спампаваць файл; дашліце яго яшчэ раз.",
    "ics_problem_too_big": "файл займае {size} кБ; прымаецца не больш за {max} кБ",
    "ics_problem_not_ics": "гэта не файл iCalendar (.ics) ({reason})",
    "ics_problem_no_events": "у файле няма падзей",
    "ics_problem_too_many": "падзей у файле: {count}; за раз можна не больш за {max}",
    "ics_problem_unreadable": "не чытаецца поле {prop}",
    "ics_problem_unknown_zone": "невядомы часавы пояс {zone}",
    "ics_problem_recurring": "паўторныя падзеі не падтрымліваюцца",
    "ics_problem_no_start": "няма пачатку (DTSTART)",
    "ics_problem_no_title": "няма назвы (SUMMARY)",
    "ics_problem_ends_before_start": "яна сканчаецца раней, чым пачынаецца",
    "ics_problem_too_long": "яна доўжыцца {days} дз.; падзея можа доўжыцца не больш за {max}",
    "ics_problem_unknown_topics": "невядомыя тэмы: {topics}",
    "ics_problem_too_far": "{date} — больш чым праз {years} гадоў",
    "ics_problem_bad_date": "дата па-за дапушчальным дыяпазонам",
    "ics_problem_invalid": "падзея няправільная: {reason}",
    "ics_problem_twice": "падзея {event_id} сустракаецца ў файле двойчы",
    "status_down_header": "⚠️ <b>Стужкі не працуюць</b> ({after} і даўжэй):",
    "status_down": "• {name} — з {since} ({duration}): {problem}",
    "status_down_more": "…і яшчэ {feeds}",
    "feed_problem_timeout": "сайт не адказвае своечасова",
    "feed_problem_network": "да сайта не дастукацца",
    "feed_problem_not_found": "адраса стужкі больш няма (HTTP {code})",
    "feed_problem_forbidden": "сайт не пускае (HTTP {code})",
    "feed_problem_rate_limited": "сайт просіць звяртацца радзей (занадта шмат запытаў)",
    "feed_problem_server": "памылка на серверы сайта (HTTP {code})",
    "feed_problem_http": "сайт адказвае памылкай (HTTP {code})",
    "feed_problem_not_feed": "па адрасе больш няма стужкі, якую можна прачытаць",
    "feed_problem_too_large": "стужка большая за дапушчальны памер",
    "feed_problem_redirects": "адрас перанакіроўвае занадта шмат разоў",
    "feed_problem_unknown": "невядомая памылка",
    "notice_feed_down": (
        "🔴 <b>Стужка не працуе</b>: {name} — збоі ўжо {duration}, з {since} ({tz})."
    ),
    "notice_feed_why": "Прычына: {problem}.",
    "notice_feed_error": "Апошняя памылка: <code>{error}</code> · {polls} запар",
    "notice_feed_up": (
        "🟢 <b>Стужка зноў працуе</b>: {name}; збоі доўжыліся {duration} ({since} – {until}, "
        "{tz})."
    ),
    "menu_calendar": "Падзеі файлам календара",
    "menu_start": "Падпісацца на апавяшчэнні",
    "menu_stop": "Спыніць апавяшчэнні",
    "menu_watch": "Сачыць за запытам",
    "menu_unwatch": "Выдаліць запыт",
    "menu_list": "Вашы запыты і тэмы",
    "menu_topics": "Тэмы і падзеі",
    "menu_mute": "Часова без апавяшчэнняў",
    "menu_unmute": "Зноў дасылаць апавяшчэнні",
    "menu_lang": "Мова: en, ru або be",
    "menu_export": "Захаваць налады чата ў файл",
    "menu_import": "Аднавіць налады з файла",
    "menu_status": "Стан стужак, бліжэйшая падзея",
    "menu_help": "Даведка і як пісаць запыты",
}

# Counted nouns, by CLDR plural category (Babel picks the category for a number). `entries`
# is in the genitive: it follows «сярод»/«з» («сярод 4 навін»).
PLURALS: dict[str, dict[str, str]] = {
    "feeds": {"one": "{n} стужка", "few": "{n} стужкі", "many": "{n} стужак",
              "other": "{n} стужкі"},
    "stories": {"one": "{n} сюжэт", "few": "{n} сюжэты", "many": "{n} сюжэтаў",
                "other": "{n} сюжэта"},
    "outlets": {"one": "{n} выданне", "few": "{n} выданні", "many": "{n} выданняў",
                "other": "{n} выдання"},
    "days": {"one": "{n} дзень", "few": "{n} дні", "many": "{n} дзён", "other": "{n} дня"},
    "chats": {"one": "{n} чат", "few": "{n} чаты", "many": "{n} чатаў", "other": "{n} чата"},
    "alerts": {"one": "{n} апавяшчэнне", "few": "{n} апавяшчэнні", "many": "{n} апавяшчэнняў",
               "other": "{n} апавяшчэння"},
    "entries": {"one": "{n} навіны", "few": "{n} навін", "many": "{n} навін",
                "other": "{n} навіны"},
    "watches": {"one": "{n} запыт", "few": "{n} запыты", "many": "{n} запытаў",
                "other": "{n} запыту"},
    "followed_topics": {"one": "{n} тэма, за якой вы сочыце",
                        "few": "{n} тэмы, за якімі вы сочыце",
                        "many": "{n} тэм, за якімі вы сочыце",
                        "other": "{n} тэмы, за якімі вы сочыце"},
    "characters": {"one": "{n} сімвал", "few": "{n} сімвалы", "many": "{n} сімвалаў",
                   "other": "{n} сімвала"},
    "items": {"one": "{n} элемент", "few": "{n} элементы", "many": "{n} элементаў",
              "other": "{n} элемента"},
    "topics_label": {"one": "Тэма", "few": "Тэмы", "many": "Тэмы", "other": "Тэмы"},
    "watches_label": {"one": "Ваш запыт", "few": "Вашы запыты", "many": "Вашы запыты",
                      "other": "Вашы запыты"},
    "events": {"one": "{n} падзея", "few": "{n} падзеі", "many": "{n} падзей",
               "other": "{n} падзеі"},
    "hours": {"one": "{n} гадзіна", "few": "{n} гадзіны", "many": "{n} гадзін",
              "other": "{n} гадзіны"},
    "minutes": {"one": "{n} хвіліна", "few": "{n} хвіліны", "many": "{n} хвілін",
                "other": "{n} хвіліны"},
    "failed_polls": {"one": "{n} няўдалае апытанне", "few": "{n} няўдалыя апытанні",
                     "many": "{n} няўдалых апытанняў", "other": "{n} няўдалага апытання"},
}
