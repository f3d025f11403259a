"""/calendar (the tracked events as an .ics file in the chat's language) and the operators'
calendar imports: an .ics document sent to the bot adds and moves events like /event.
"""

from __future__ import annotations

import logging

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.delivery.html import cut, esc, fit_lines
from bot.i18n import TEXTS, t, tn
from bot.services import Services
from bot.summit.calendar import with_event_changes
from bot.summit.ics import MAX_BYTES, calendar_filename
from bot.summit.icsimport import ImportResult, calendar_file, import_calendar, too_big
from bot.summit.icsplan import IcsProblem, PlannedEvent
from bot.telegram.chats import Where, command, reply, services_of, where
from bot.telegram.guard import is_bot_admin

log = logging.getLogger(__name__)
PROBLEMS_SHOWN = 20


@command()
async def calendar(update: Update, context: ContextTypes.DEFAULT_TYPE, services: Services,
                   place: Where) -> None:
    """Send every tracked event with its reminders as one .ics document."""
    events, message = services.config.events, update.effective_message
    if not events:
        await reply(update, t(place.lang, "calendar_none"))
        return
    if message is None:
        return
    data = await services.db(calendar_file, services, place.lang)
    caption = t(place.lang, "calendar_caption", events=tn(place.lang, "events", len(events)))
    await message.reply_document(InputFile(data, filename=calendar_filename()),
                                 caption=caption, parse_mode=ParseMode.HTML)


async def on_calendar_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An .ics document: operators' files are imported; anyone else is told only in a
    private chat (in groups, people share files that are none of the bot's business)."""
    services, message, user = services_of(context), update.effective_message, update.effective_user
    place = await where(update, services)
    if place is None or message is None or message.document is None:
        return
    if not is_bot_admin(user, services.settings.admin_ids):
        if place.chat.type == "private":
            await reply(update, t(place.lang, "ics_import_admins_only"))
        return
    document = message.document
    if document.file_size is not None and document.file_size > MAX_BYTES:
        await reply(update, import_text(place.lang, too_big(document.file_size)))
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError as err:
        log.warning("could not download a calendar file: %s", err)
        await reply(update, t(place.lang, "ics_import_download_failed"))
        return
    result = await services.db(import_calendar, services, data, user.id if user else None,
                               switch_config=False)
    if result.applied:  # here, on the loop, like every other change to the running config
        services.config = with_event_changes(services.config, list(result.changes))
    log.info("calendar import by %s: %s", user.id if user else "?",
             "applied" if result.applied else "nothing changed")
    await reply(update, import_text(place.lang, result))


def problem_text(lang: str, problem: IcsProblem) -> str:
    key = f"ics_problem_{problem.key}"
    if key not in TEXTS["en"]:
        return esc(problem.key)
    return t(lang, key, **{k: esc(cut(str(v), 200)) for k, v in problem.values.items()})


def _event_line(lang: str, e: PlannedEvent) -> str:
    title, event_id, day = esc(cut(e.title, 120)), esc(e.event_id), e.day.isoformat()
    if e.action == "move":
        old = e.old_date.isoformat() if e.old_date else "?"
        return t(lang, "ics_import_moved", title=title, event_id=event_id, old=old, new=day)
    if e.action in ("add", "update"):
        return t(lang, "ics_import_added" if e.action == "add" else "ics_import_updated",
                 title=title, event_id=event_id, date=day,
                 location=esc(cut(e.location, 80)) or "—", timezone=esc(e.timezone))
    if e.action == "unchanged":
        return t(lang, "ics_import_unchanged", title=title, event_id=event_id)
    if e.action == "past":
        return t(lang, "ics_import_past", title=title, date=day)
    return t(lang, "ics_import_cancelled", title=title)


def import_text(lang: str, result: ImportResult) -> str:
    """What an import did (or why it did nothing), event by event; HTML for the chat."""
    lines = [t(lang, "ics_import_header")]
    if result.refused is not None:
        lines.append(t(lang, "ics_import_refused", problem=problem_text(lang, result.refused)))
        return fit_lines(lines)
    plan = result.plan
    if plan.problems:
        lines.append(t(lang, "ics_import_problems"))
        lines += [t(lang, "ics_import_problem", n=n, title=esc(label),
                    problem=problem_text(lang, problem))
                  for n, label, problem in plan.problems[:PROBLEMS_SHOWN]]
        return fit_lines(lines)
    lines += [_event_line(lang, e) for e in plan.events]
    if not plan.changes:
        lines.append(t(lang, "ics_import_nothing"))
    if result.announced:
        lines.append(t(lang, "ics_import_announced", chats=tn(lang, "chats", result.announced)))
    return fit_lines(lines)
