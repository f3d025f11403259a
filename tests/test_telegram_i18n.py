"""Every text exists in every language, keeps its placeholders, and is valid HTML."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser

import pytest

from bot.i18n import LANGS, TEXTS, as_lang, lang_for, t
from bot.telegram.handlers import BOT_COMMANDS


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


KEYS = sorted(TEXTS["en"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_every_text(lang: str) -> None:
    assert sorted(TEXTS[lang]) == KEYS


@pytest.mark.parametrize("key", KEYS, ids=KEYS)
def test_placeholders_agree_across_languages(key: str) -> None:
    assert {lang: fields(TEXTS[lang][key]) for lang in LANGS} == {
        lang: fields(TEXTS["en"][key]) for lang in LANGS}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in {"b", "i", "a", "code", "pre"}, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


@pytest.mark.parametrize("key", KEYS, ids=KEYS)
def test_texts_are_balanced_telegram_html(key: str) -> None:
    for lang in LANGS:
        values = {name: "x" for name in fields(TEXTS[lang][key])}
        text = t(lang, key, **values)
        assert not re.search(r"<(?!/?(b|i|a|code|pre)\b)", text), "unescaped '<'"
        parser = _Balance()
        parser.feed(text)
        assert parser.stack == []


@pytest.mark.parametrize(
    ("code", "lang"),
    [("ru", "ru"), ("ru-RU", "ru"), ("be", "ru"), ("uk", "ru"), ("en", "en"), ("de", "en"),
     (None, "en"), ("", "en")],
    ids=["ru", "ru-RU", "be", "uk", "en", "de", "none", "empty"],
)
def test_lang_for(code: str | None, lang: str) -> None:
    assert lang_for(code) == lang


def test_as_lang_and_fallback() -> None:
    assert as_lang(" RU ") == "ru" and as_lang("fr") is None and as_lang(None) is None
    assert t("de", "cb_done") == "Done"  # unknown language falls back to English


def test_command_menus_match_in_both_languages() -> None:
    assert [c.command for c in BOT_COMMANDS["en"]] == [c.command for c in BOT_COMMANDS["ru"]]
    assert "stats" not in [c.command for c in BOT_COMMANDS["en"]]
    assert all(1 <= len(c.description) <= 256 for cmds in BOT_COMMANDS.values() for c in cmds)
