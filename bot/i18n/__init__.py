"""Every text the bot shows in chats, one module per language (`en`, `ru`, `be`), and how a
chat's language is chosen.

Offers `t(lang, key, **values)`, `tn(lang, noun, n)` (plural forms), `LANGS`, `TEXTS` (language -> key -> template),
`PLURALS`, `LANG_NAMES`, `lang_for` (Telegram's language_code to ours) and `as_lang` (a typed
`/lang` argument). Templates are Telegram HTML: callers escape every value they format into them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from babel import Locale

from bot.i18n import be, en, ru
from bot.model import UiLang

LANGS: tuple[UiLang, ...] = ("en", "ru", "be")
TEXTS: Mapping[str, Mapping[str, str]] = {"en": en.TEXTS, "ru": ru.TEXTS, "be": be.TEXTS}
PLURALS: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "en": en.PLURALS, "ru": ru.PLURALS, "be": be.PLURALS}
# Each language by its own name, as /lang and the settings file show it.
LANG_NAMES: Mapping[str, str] = {"en": "English", "ru": "русский", "be": "беларуская"}
# Ukrainian speakers are far likelier to read Russian than English.
_BY_CODE: Mapping[str, UiLang] = {"be": "be", "ru": "ru", "uk": "ru"}


def lang_for(language_code: str | None) -> UiLang:
    """The default interface language for a Telegram user's `language_code` (an IETF tag
    such as `be` or `ru-RU`): Belarusian for be, Russian for ru and uk, else English."""
    primary = (language_code or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return _BY_CODE.get(primary, "en")


def as_lang(value: str | None) -> UiLang | None:
    """`value` as a supported language, or None."""
    value = (value or "").strip().lower()
    return next((lang for lang in LANGS if lang == value), None)


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (English if the language is unknown), `values` formatted in.

    Values are inserted as given: escape feed and user text before passing it.
    """
    template = TEXTS.get(lang, en.TEXTS).get(key) or en.TEXTS[key]
    return template.format(**values) if values else template


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def tn(lang: str, key: str, n: int) -> str:
    """`n` with the noun `key` in the plural form `lang` uses for it: "1 outlet",
    "2 outlets"; in Russian "1 издание", "3 издания", "5 изданий" (CLDR rules, by Babel)."""
    lang = lang if lang in PLURALS else "en"
    forms = PLURALS[lang][key]
    form = forms.get(_locale(lang).plural_form(n)) or forms["other"]
    return form.format(n=n)
