"""English: every text the bot shows in chats (Telegram HTML templates; callers escape
every value they format in). The `ics_*` texts go into calendar files: plain
text, no HTML.

Longer than 300 lines: one flat table of every chat text; splitting it by feature would
scatter what a translator reads in one go.
"""

COMMANDS = (
    "<b>Commands</b>\n"
    "/start — subscribe (or resume) alerts\n"
    "/stop — stop all alerts\n"
    "/watch &lt;query&gt; — alert on news matching a query\n"
    "/unwatch &lt;query or number&gt; — remove a watched query\n"
    "/list — your watches and followed topics\n"
    "/topics — tracked topics and events\n"
    "/mute &lt;2h|30m|1d&gt; — hold alerts for a while; /unmute\n"
    "/lang en|ru|be — interface language\n"
    "/export — this chat's settings as a file; /import restores them\n"
    "/quiet 23:00-07:00 [strict] — quiet hours; /quiet off\n"
    "/mode instant|hourly|daily 08:00 [watch] — alerts at once or as digests\n"
    "/tz Europe/Minsk — this chat's time zone\n"
    "/status — feed health and the next event\n"
    "/calendar — the events as a calendar file (.ics)\n"
    "/help — this help"
)

QUERY_HELP = (
    "<b>Query syntax</b>\n"
    "• <code>treaty Belarus</code> — all words must appear\n"
    "• <code>\"union state\"</code> — exact phrase\n"
    "• <code>treaty OR agreement</code> — either word\n"
    "• <code>NOT sport</code> or <code>-sport</code> — must not appear\n"
    "• <code>(Minsk OR Moscow) summit</code> — groups\n"
    "• <code>ratif*</code> — any word starting with <i>ratif</i> (3+ letters)\n"
    "• <code>Lukashenko NEAR/5 Putin</code> — at most 5 words apart\n"
    "• <code>@agreement Minsk</code> — a term set: any of its words in five languages "
    "(treaty, pact, договор, дамова, угода, Vertrag…); counts as one term. Shipped sets "
    "include <code>@agreement</code>, <code>@belarus</code>, <code>@russia</code>, "
    "<code>@union-state</code>, <code>@security-guarantees</code>, "
    "<code>@security-concept</code>\n"
    "• <code>@belarus NEAR/5 @agreement NEAR/5 @security-guarantees</code> — a chain: each "
    "next to the one before\n"
    "• <code>treaty source:belta</code> — only news from one outlet, named as in alerts "
    "(<code>source:\"moscow times\"</code>), by its feed's name or by its website "
    "(<code>source:ria</code>, <code>source:belta.by</code>); <code>-source:ria</code> "
    "leaves one out\n"
    "• <code>treaty lang:be</code> — only news in one language: en, ru, be, uk or de\n"
    "Filters only narrow a query down: it still needs a word that must appear."
)

TEXTS: dict[str, str] = {
    "welcome": (
        "👋 <b>Summit Watch</b> is on. You will get alerts about Belarus–Russia agreements "
        "and summits from the tracked topics.\n"
        "\n"
        "Add your own keywords with /watch, e.g. <code>/watch \"union state\" treaty</code>.\n"
        "\n"
        + COMMANDS
        + "\n"
          "\n"
          "More: /help"
    ),
    "resumed": "▶️ Alerts resumed; your watches and topics are kept. See /list.",
    "already_active": "✅ This chat is already subscribed. See /list and /help.",
    "stopped": "⏹ Alerts stopped. Send /start to resume; your settings are kept.",
    "already_stopped": "Alerts are already stopped. Send /start to resume.",
    "need_start": "This chat is not subscribed yet. Send /start first.",
    "help": (
        "<b>Summit Watch</b> alerts you once about each news item on Belarus–Russia "
        "agreements and summits.\n"
        "\n"
        + COMMANDS
        + "\n"
          "\n"
        + QUERY_HELP
        + "\n"
          "\n"
          "Under each alert, 🔕 mutes its topic in this chat for a day and ✖ stops the watch "
          "that matched. In groups only admins can change settings. Alerts held by /mute "
          "are delivered when it ends."
    ),
    "usage_watch": (
        "Usage: <code>/watch &lt;query&gt;</code>, e.g. <code>/watch treaty ratif*</code>. "
        "See /help for the query syntax."
    ),
    "usage_unwatch": "Usage: <code>/unwatch &lt;query or number from /list&gt;</code>",
    "usage_mute": "Usage: <code>/mute 2h</code> (units m, h, d; at most 30d).",
    "usage_lang": "Usage: <code>/lang en</code>, <code>/lang ru</code> or <code>/lang be</code>",
    "query_error": (
        "⚠️ I could not read this query: {error}\n"
        "<pre>{query}\n"
        "{caret}</pre>"
    ),
    "query_too_long": "⚠️ The query is too long: {length}, and the limit is {limit}.",
    "watch_limit": (
        "⚠️ This chat already has {watches}, the maximum. Remove one with /unwatch or /list "
        "first."
    ),
    "watch_duplicate": "You already watch <code>{query}</code>.",
    "watch_added": "👀 Watching <code>{query}</code>.",
    "watch_preview": "It would have matched {matched} of the {scanned} seen since {since}:",
    "watch_preview_none": "No news has come in over the last 7 days to try it on yet.",
    "watch_too_broad": (
        "⚠️ <code>{query}</code> would have matched {matched} of the last {scanned}: "
        "that is a firehose, not a watch. Add a word that narrows it down."
    ),
    "watch_inactive_note": "Alerts are stopped in this chat: send /start to receive them.",
    "unwatched": "🗑 Removed <code>{query}</code>.",
    "unwatch_missing": "No such watch. See /list for the numbers.",
    "list_header": "<b>Your watches</b>",
    "list_empty": "No watches yet. Add one: <code>/watch &lt;query&gt;</code>",
    "list_topics": "<b>Followed topics</b>",
    "list_no_topics": "You follow no topics (see /topics).",
    "list_state_stopped": "⏹ Alerts are stopped (/start resumes).",
    "list_state_muted": "🔇 Muted until {until}.",
    "list_topic_muted": "🔕 muted until {until}",
    "topics_header": "<b>Tracked topics</b>",
    "topics_none": "No topics are configured.",
    "events_header": "<b>Events</b>",
    "topic_no_status": "no status reports yet",
    "topic_confirmed": "confirmed by {outlets}: {sources}",
    "topic_unconfirmed": "unconfirmed ({n} of {needed} outlets): {sources}",
    "topic_since": "since {when}",
    "following": "following",
    "not_following": "not followed",
    "btn_unwatch": "✖ {label}",
    "btn_unfollow": "🔕 {label}",
    "btn_follow": "🔔 {label}",
    "btn_mute_topic": "🔕 Mute “{topic}” for a day",
    "btn_topic_muted": '✅ “{topic}” muted until {until} · undo',
    "btn_stop_watch": "✖ Stop this watch",
    "btn_stop_named_watch": "✖ Stop the watch “{query}”",
    "btn_watch_stopped": "✅ Watch stopped",
    "btn_named_watch_stopped": "✅ Stopped “{query}”",
    "days_in": "in {days}",
    "days_today": "today",
    "days_ago": "{days} ago",
    "muted": "🔇 Muted until {until}. Alerts are held and delivered afterwards.",
    "mute_capped": "(capped at 30 days)",
    "unmuted": "🔔 Unmuted. Held alerts are on their way.",
    "unmuted_topics": "🔔 Topics unmuted: {topics}.",
    "not_muted": "This chat is not muted.",
    "lang_set": "Language: English.",
    "status_feeds": (
        "<b>Feeds</b>: {total} configured, {ok} OK, {failing} failing, {never} not polled "
        "yet."
    ),
    "status_last_poll": "Last poll: {when}.",
    "status_never_polled": "No poll has run yet.",
    "status_next_event": "<b>Next event</b>: {title} — {date} ({countdown})",
    "status_no_event": "No upcoming events.",
    "admins_only": "Sorry, in groups only chat admins can change this.",
    "bot_admins_only": "Sorry, this command is for the bot's operators only.",
    "event_usage": (
        "<b>/event</b> (operators only)\n"
        "<code>/event move &lt;event-id&gt; &lt;YYYY-MM-DD&gt;</code> — move an event; its "
        "followers are told\n"
        "<code>/event add &lt;event-id&gt; | &lt;YYYY-MM-DD&gt; | &lt;IANA time zone&gt; | "
        "&lt;location&gt; | &lt;title&gt; [| &lt;topic-id,topic-id&gt;]</code> — add an "
        "event (all topics unless listed)"
    ),
    "event_list_header": "<b>Events</b> (id — date, location):",
    "event_list_none": "No events yet.",
    "event_unknown": "⚠️ There is no event <code>{event_id}</code>.",
    "event_bad_date": "⚠️ <code>{value}</code> is not a date: write YYYY-MM-DD.",
    "event_past_date": "⚠️ {date} has already passed in the event's time zone.",
    "event_same_date": "The event <code>{event_id}</code> is already on {date}; nothing changed.",
    "event_moved": (
        "📅 Moved <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>. "
        "Announcement queued for {chats}."
    ),
    "event_exists": (
        "⚠️ The event <code>{event_id}</code> already exists; <code>/event move</code> "
        "changes its date."
    ),
    "event_bad_id": (
        "⚠️ <code>{event_id}</code> is not a valid id: use lowercase letters, digits and '-'."
    ),
    "event_unknown_topics": "⚠️ Not among the tracked topics: {topics}. The topics are: {known}.",
    "event_invalid": "⚠️ This event is not valid: {reason}",
    "event_added": (
        "➕ Added <b>{title}</b> (<code>{event_id}</code>): {date}, {location} ({timezone}); "
        "topics: {topics}."
    ),
    "feeds_usage": (
        "<code>/feeds</code> — feed health; <code>/feeds export</code> — the feeds as an OPML "
        "file. Send me an <code>.opml</code> file (in this private chat) to add its feeds."
    ),
    "feeds_private_only": "Feed lists are sent and taken only in a private chat with me.",
    "opml_caption": (
        "📤 {feeds} as OPML 2.0: any feed reader imports this file. Send me an OPML file to "
        "add feeds."
    ),
    "opml_send_hint": (
        "To add feeds, send me an OPML file (<code>.opml</code>, at most {kb} kB); "
        "<code>/feeds export</code> sends the current list."
    ),
    "opml_refused": "⚠️ I cannot import <b>{file}</b>: {reason}. Nothing was changed.",
    "opml_download_failed": (
        "⚠️ I could not fetch <b>{file}</b> from Telegram; please send it again. Nothing was "
        "changed."
    ),
    "opml_err_too_large": "it is larger than {kb} kB",
    "opml_err_empty": "the file is empty",
    "opml_err_doctype": "it declares a DOCTYPE (entities are not accepted)",
    "opml_err_not_xml": "it is not well-formed XML ({detail})",
    "opml_err_encoding": "its declared encoding is unknown or wrong",
    "opml_err_not_opml": "it is not an OPML file (the document is &lt;{root}&gt;)",
    "opml_err_no_outlines": "it lists no feeds",
    "opml_err_too_many": "it has more than {n} outlines",
    "opml_err_too_deep": "its outlines are nested more than {n} deep",
    "opml_result": "📥 <b>{file}</b>: added {added}, skipped {skipped}.",
    "opml_added_line": "➕ {name} — <code>{url}</code>",
    "opml_skipped_line": "⏭ <code>{url}</code> — {why}",
    "opml_polled_next": "New feeds are polled from the next poll on.",
    "opml_skip_list": "a link to another list, not a feed",
    "opml_skip_page": "no feed URL (a web page)",
    "opml_skip_invalid_url": "not a valid URL",
    "opml_skip_scheme": "not an http or https URL",
    "opml_skip_duplicate": "already polled as {name}",
    "opml_skip_repeated": "listed twice in the file",
    "opml_skip_over_cap": "over the limit of {n} new feeds per file",
    "unknown_command": "Unknown command, see /help.",
    "slow_down": "⏳ Too many commands — please slow down; I will answer again in a minute.",
    "group_hello": (
        "👋 Hi! I post alerts about Belarus–Russia agreements and summits. A chat admin can "
        "send /start to subscribe this chat; /help explains the rest."
    ),
    "error": "Something went wrong; please try again later.",
    "cb_done": "Done",
    "cb_gone": "Already removed",
    "cb_topic_muted": (
        '🔕 “{topic}” is muted here until {until}: its alerts are dropped, not held. '
        'Watches and status changes still come through. Press again to undo.'
    ),
    "cb_topic_unmuted": '🔔 “{topic}” alerts in this chat again.',
    "cb_watch_stopped": "✖ Watch stopped: {query}",
    "alert_terms": "matched",
    "alert_concepts": "concept",
    "alert_also": "also",
    "alert_untitled": "(untitled)",
    "alert_undated": "undated",
    "status_expected": "📅 EXPECTED",
    "status_signed": "✅ SIGNED",
    "status_ratified": "🖋 RATIFIED",
    "status_in_force": "⚖️ IN FORCE",
    "notice_reminder": "⏰ Reminder: <b>{title}</b> is {when} — {date}, {location}.",
    "notice_in_days": "in {days}",
    "notice_today": "today",
    "notice_summit_day": (
        "🏛 <b>Today: {title}</b>\n"
        "📍 {location} · 🕒 {time} ({tz})"
    ),
    "notice_expected_agreements": "Expected agreements:",
    "notice_no_status": "no report yet",
    "notice_how_to_follow": (
        "Alerts arrive here as reports come in. /topics shows the timeline, /mute pauses."
    ),
    "notice_status_new": "🚨 <b>{topic}</b>: {badge}",
    "notice_unconfirmed": "⚠️ unconfirmed — {outlets} so far: {sources}; {needed} needed",
    "notice_confirmed": "✅ confirmed by {outlets}: {sources}",
    "notice_first_report": "First report: {link}",
    "notice_moved": "📅 <b>{title}</b> has moved: {old} → <b>{new}</b> ({location}).",
    "notice_digest": "🗞 <b>{title}</b> — the day's stories, {date}",
    "notice_digest_empty": "No matching stories today.",
    "notice_digest_more": "…and {stories}",
    "notice_held": "🔕 While alerts were held: {alerts}.",
    "notice_held_topic": "• {title}: {alerts}",
    "notice_held_watches": "• your watches: {alerts}",
    "notice_held_newest": "Newest:",
    "notice_held_quiet": "🌙 During your quiet hours: {alerts}.",
    "notice_held_hourly": "🕐 Hourly digest: {alerts}.",
    "notice_held_daily": "🗞 Daily digest: {alerts}.",
    "notice_held_part": "(part {part} of {parts})",
    "notice_held_watch": "👀 your watch {query}",
    'quiet_usage': "Usage: <code>/quiet 23:00-07:00</code> (times in this chat's zone, see /tz); <code>/quiet 23:00-07:00 strict</code> holds signing news too; <code>/quiet off</code>; <code>/quiet</code> alone shows the setting.",
    "quiet_bad_time": "⚠️ I could not read these times. Write start and end as HH:MM, e.g. <code>/quiet 23:00-07:00</code>.",
    "quiet_equal": "⚠️ Start and end are the same time. Write a window, e.g. <code>/quiet 23:00-07:00</code>.",
    "quiet_set": "🌙 Quiet hours: {window} ({tz}). Alerts arriving then are held and come as one summary when they end; news of a signing, ratification or entry into force still comes at once.",
    "quiet_set_strict": "🌙 Quiet hours: {window} ({tz}), strict: everything waits, signing news too, and comes as one summary when they end.",
    "quiet_off": "🔔 Quiet hours are off; anything they held comes now.",
    'quiet_none': "No quiet hours are set. Example: <code>/quiet 23:00-07:00</code> (this chat's zone: {tz}, see /tz).",
    "tz_usage": "Usage: <code>/tz Europe/Minsk</code>: an IANA time zone name such as Europe/Berlin, America/New_York or Asia/Tbilisi.",
    "tz_unknown": "⚠️ I do not know this time zone. Write an IANA name, e.g. <code>/tz Europe/Minsk</code> or <code>/tz Europe/Berlin</code>.",
    "tz_set": "🕒 Time zone: {tz} (it is {time} there). Quiet hours and daily digests follow it.",
    "tz_show": "🕒 Time zone: {tz} (it is {time} there). Change it, e.g. <code>/tz Europe/Minsk</code>.",
    'mode_usage': "Usage: <code>/mode instant</code>, <code>/mode hourly</code> or <code>/mode daily 08:00</code> for the whole chat; add a watch's number from /list or its query for that watch only, e.g. <code>/mode daily 08:00 2</code>; <code>/mode chat 2</code> makes it follow the chat again.",
    'mode_daily_time': "⚠️ A daily digest needs its time, e.g. <code>/mode daily 08:00</code> (this chat's zone, see /tz).",
    "mode_watch_missing": "⚠️ There is no such watch here; see the numbers in /list. Example: <code>/mode hourly 1</code>.",
    "mode_name_instant": "each alert at once",
    "mode_name_hourly": "an hourly digest",
    "mode_name_daily": "a daily digest at {at} ({tz})",
    "mode_set": "📬 Delivery: {mode}. Signing news and summit-day alerts still come at once; quiet hours apply on top (see /quiet).",
    "mode_set_watch": "📬 Watch <code>{query}</code>: {mode}.",
    'mode_watch_chat': "📬 Watch <code>{query}</code> follows the chat's delivery again: {mode}.",
    "mode_show": "📬 Delivery: {mode}.",
    "mode_show_watch": "• <code>{query}</code>: {mode}",
    "import_delivery": "📬 Quiet hours, time zone and delivery modes are now the file's (see /quiet, /tz, /mode).",
    "menu_quiet": "Quiet hours",
    "menu_mode": "Alerts at once or as digests",
    "export_caption": (
        "⚙️ This chat's settings: {watches} and {topics}. To restore them, send this file "
        'back to me, here or in another chat (in a group, with the caption /import). '
        "Importing replaces that chat's watches with the file's."
    ),
    "import_usage": (
        'To restore settings, send me the file from /export: in a private chat just as it '
        'is, in a group with the caption <code>/import</code> (or reply '
        '<code>/import</code> to the file). In groups only admins can import.'
    ),
    "import_too_big": (
        "⚠️ This file is {size} KB; a settings file is at most {limit} KB. Nothing was "
        "changed."
    ),
    "import_unreadable": "⚠️ I could not download the file; please send it again.",
    "import_bad_json": (
        "⚠️ This file is not valid JSON (line {line}, column {column}). Nothing was changed."
    ),
    "import_not_ours": (
        "⚠️ This is not a Summit Watch settings file (the kind /export makes). Nothing was "
        "changed."
    ),
    "import_bad_version": (
        "⚠️ This file is in format version {version}; I read version {supported}. Nothing "
        "was changed."
    ),
    "import_bad_field": (
        "⚠️ <code>{field}</code> in this file does not have the form /export writes. Nothing "
        "was changed."
    ),
    "import_too_many": (
        "⚠️ <code>{field}</code> in this file lists {items}; at most {limit} are accepted. "
        "Nothing was changed."
    ),
    "import_header": "📥 Imported <code>{file}</code>:",
    "import_nothing": "📥 <code>{file}</code>: this chat already has these settings; nothing changed.",
    "import_watches_added": "👀 Added {watches}: {queries}",
    "import_watches_kept": '👀 Kept: {watches}.',
    "import_watch_too_broad": (
        '⚠️ The watch <code>{query}</code> in this file would match a quarter of recent '
        'news: that is a firehose, not a watch. Nothing was changed.'
    ),
    "import_followed": "🔔 Now following: {topics}",
    "import_unfollowed": "🔕 No longer following: {topics}",
    "import_unknown_topics": "Not tracked here, skipped: {topics}",
    "import_ignored": "Not used by this version of the bot, ignored: {fields}",
    "import_topic_mutes_lifted": '🔔 Every topic sends alerts again.',
    "import_topic_mutes": '🔕 Muted topics: {topics}',
    "import_unmuted": "🔔 The hold on this chat's alerts has ended; held alerts are on their way.",
    "import_muted": '🔇 Alerts are held until {until} (/unmute ends that).',
    "import_too_many_watches": (
        '⚠️ This file lists {watches}; a chat holds at most {limit}. Nothing was changed.'
    ),
    "import_bad_watch": (
        '⚠️ The watch <code>{query}</code> in this file cannot be used: {error}. Nothing '
        'was changed.'
    ),
    "import_bad_language": (
        '⚠️ The file asks for the language <code>{language}</code>; I speak {supported}. '
        'Nothing was changed.'
    ),
    "import_watches_removed": '✖ Removed, not in the file: {watches}: {queries}',
    "calendar_caption": (
        "📅 The tracked events with their reminders ({events}). Open the file to add them to "
        "your calendar; when an event moves, its new file updates the entry you have."
    ),
    "calendar_none": "No events are tracked yet, so there is no calendar to send.",
    "ics_calendar_name": "Summit Watch events",
    "ics_agreements": "Agreements expected: {agreements}.",
    "ics_no_agreements": "No agreements are tracked for this event.",
    "ics_footer": (
        "Reminders and news alerts: Summit Watch in Telegram (/calendar sends this file "
        "again)."
    ),
    "ics_alarm_days": "{title}: in {days}",
    "ics_alarm_today": "{title}: today ({time})",
    "ics_import_header": "📥 <b>Calendar import</b>",
    "ics_import_refused": "⚠️ Nothing was imported: {problem}.",
    "ics_import_problems": (
        "⚠️ Nothing was imported. Fix these events (or remove them from the file) and send it "
        "again:"
    ),
    "ics_import_problem": "• event {n} ({title}): {problem}",
    "ics_import_added": (
        "➕ added <b>{title}</b> (<code>{event_id}</code>): {date}, {location} ({timezone})"
    ),
    "ics_import_moved": "📅 moved <b>{title}</b> (<code>{event_id}</code>): {old} → <b>{new}</b>",
    "ics_import_updated": (
        "✏️ updated <b>{title}</b> (<code>{event_id}</code>): {date}, {location} ({timezone})"
    ),
    "ics_import_unchanged": "▫️ unchanged: <b>{title}</b> (<code>{event_id}</code>)",
    "ics_import_past": "⏭ skipped, already over: {title} ({date})",
    "ics_import_cancelled": "⏭ skipped, cancelled in the file: {title}",
    "ics_import_announced": "The followers of the moved events get the new date and file: {chats}.",
    "ics_import_nothing": "Nothing changed.",
    "ics_import_admins_only": "Only the bot's operators can import calendar files.",
    "ics_import_download_failed": "⚠️ I could not download the file; please send it again.",
    "ics_problem_too_big": "the file has {size} kB; at most {max} kB are accepted",
    "ics_problem_not_ics": "this is not an iCalendar (.ics) file ({reason})",
    "ics_problem_no_events": "the file has no events",
    "ics_problem_too_many": "the file has {count} events; at most {max} at once",
    "ics_problem_unreadable": "its {prop} cannot be read",
    "ics_problem_unknown_zone": "unknown time zone {zone}",
    "ics_problem_recurring": "repeating events are not supported",
    "ics_problem_no_start": "it has no start (DTSTART)",
    "ics_problem_no_title": "it has no title (SUMMARY)",
    "ics_problem_ends_before_start": "it ends before it starts",
    "ics_problem_too_long": "it lasts {days} days; an event may last at most {max}",
    "ics_problem_unknown_topics": "unknown topics: {topics}",
    "ics_problem_too_far": "{date} is more than {years} years ahead",
    "ics_problem_bad_date": "its date is out of range",
    "ics_problem_invalid": "not a valid event: {reason}",
    "ics_problem_twice": "the event {event_id} appears twice in the file",
    "status_down_header": "⚠️ <b>Feeds down</b> (failing for {after} or longer):",
    "status_down": "• {name} — since {since} ({duration}): {problem}",
    "status_down_more": "…and {feeds} more",
    "feed_problem_timeout": "the site does not answer in time",
    "feed_problem_network": "the site cannot be reached",
    "feed_problem_not_found": "the feed's address no longer exists (HTTP {code})",
    "feed_problem_forbidden": "the site refuses access (HTTP {code})",
    "feed_problem_rate_limited": "the site asks us to slow down (too many requests)",
    "feed_problem_server": "the site has a server error (HTTP {code})",
    "feed_problem_http": "the site answers with an error (HTTP {code})",
    "feed_problem_not_feed": "the address no longer returns a readable feed",
    "feed_problem_too_large": "the feed is larger than the size limit",
    "feed_problem_redirects": "the address redirects too many times",
    "feed_problem_unknown": "an unknown error",
    "notice_feed_down": (
        "🔴 <b>Feed down</b>: {name} has been failing for {duration}, since {since} ({tz})."
    ),
    "notice_feed_why": "Why: {problem}.",
    "notice_feed_error": "Last error: <code>{error}</code> · {polls} in a row",
    "notice_feed_up": (
        "🟢 <b>Feed back</b>: {name} works again after {duration} down ({since} – {until}, "
        "{tz})."
    ),
    "menu_calendar": "Events as a calendar file",
    "menu_start": "Subscribe to alerts",
    "menu_stop": "Stop all alerts",
    "menu_watch": "Watch a keyword query",
    "menu_unwatch": "Remove a watched query",
    "menu_list": "Your watches and topics",
    "menu_topics": "Tracked topics and events",
    "menu_mute": "Hold alerts for a while",
    "menu_unmute": "Deliver alerts again",
    "menu_lang": "Language: en, ru or be",
    "menu_export": "Save this chat's settings to a file",
    "menu_import": "Restore settings from a file",
    "menu_status": "Feed health, next event",
    "menu_help": "Help and query syntax",
}

# Counted nouns, by CLDR plural category (Babel picks the category for a number). A form
# may leave the number out: the labels in alerts ("Topic"/"Topics").
PLURALS: dict[str, dict[str, str]] = {
    "feeds": {"one": "{n} feed", "other": "{n} feeds"},
    "stories": {"one": "{n} more story", "other": "{n} more stories"},
    "outlets": {"one": "{n} outlet", "other": "{n} outlets"},
    "days": {"one": "{n} day", "other": "{n} days"},
    "chats": {"one": "{n} chat", "other": "{n} chats"},
    "alerts": {"one": "{n} alert", "other": "{n} alerts"},
    "entries": {"one": "{n} entry", "other": "{n} entries"},
    "watches": {"one": "{n} watch", "other": "{n} watches"},
    "followed_topics": {"one": "{n} followed topic", "other": "{n} followed topics"},
    "characters": {"one": "{n} character", "other": "{n} characters"},
    "items": {"one": "{n} item", "other": "{n} items"},
    "topics_label": {"one": "Topic", "other": "Topics"},
    "watches_label": {"one": "Your watch", "other": "Your watches"},
    "events": {"one": "{n} event", "other": "{n} events"},
    "hours": {"one": "{n} hour", "other": "{n} hours"},
    "minutes": {"one": "{n} minute", "other": "{n} minutes"},
    "failed_polls": {"one": "{n} failed poll", "other": "{n} failed polls"},
}
