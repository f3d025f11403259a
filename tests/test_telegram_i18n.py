"""Every text and plural exists in every language (en, ru, be) with the same placeholders,
plural entries have the categories CLDR (Babel) gives each language, and texts are valid HTML."""

from __future__ import annotations

import re
import string
from html.parser import HTMLParser

import pytest
from babel import Locale

from bot.i18n import LANGS, PLURALS, TEXTS, as_lang, lang_for, t, tn
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
    [("ru", "ru"), ("ru-RU", "ru"), ("be", "be"), ("be-BY", "be"), ("BE_by", "be"),
     ("uk", "ru"), ("en", "en"), ("de", "en"), ("bem", "en"), (None, "en"), ("", "en")],
    ids=["ru", "ru-RU", "be", "be-BY", "be-underscore", "uk", "en", "de",
         "bemba-is-not-belarusian", "none", "empty"],
)
def test_lang_for(code: str | None, lang: str) -> None:
    assert lang_for(code) == lang


def test_as_lang_and_fallback() -> None:
    assert as_lang(" RU ") == "ru" and as_lang("be") == "be" and as_lang("fr") is None
    assert as_lang(None) is None
    assert t("de", "cb_done") == "Done"  # unknown language falls back to English


def test_command_menus_match_in_every_language() -> None:
    assert set(BOT_COMMANDS) == set(LANGS)
    for lang in LANGS:
        assert [c.command for c in BOT_COMMANDS[lang]] == [c.command for c in BOT_COMMANDS["en"]]
    assert "stats" not in [c.command for c in BOT_COMMANDS["en"]]
    assert {"export", "import"} <= {c.command for c in BOT_COMMANDS["be"]}
    assert all(1 <= len(c.description) <= 256 for cmds in BOT_COMMANDS.values() for c in cmds)


# ---------------------------------------------------------------- plurals

PLURAL_KEYS = sorted(PLURALS["en"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_every_plural(lang: str) -> None:
    assert sorted(PLURALS[lang]) == PLURAL_KEYS


@pytest.mark.parametrize("lang", LANGS)
def test_plural_forms_are_the_categories_babel_names(lang: str) -> None:
    """Every plural entry has exactly the categories CLDR gives the language (en: one,
    other; ru and be: one, few, many, other), and every form's only placeholder is n."""
    categories = set(Locale.parse(lang).plural_form.tags) | {"other"}
    for key, forms in PLURALS[lang].items():
        assert set(forms) == categories, (lang, key)
        for form in forms.values():
            assert fields(form) <= {"n"}, (lang, key, form)
        assert fields(forms["other"]) == fields(PLURALS["en"][key]["other"]), (lang, key)


@pytest.mark.parametrize(
    ("lang", "n", "text"),
    [("be", 1, "1 выданне"), ("be", 3, "3 выданні"), ("be", 5, "5 выданняў"),
     ("be", 11, "11 выданняў"), ("be", 21, "21 выданне"), ("be", 22, "22 выданні"),
     ("ru", 21, "21 издание"), ("ru", 14, "14 изданий"), ("en", 1, "1 outlet"),
     ("en", 0, "0 outlets")],
    ids=["be-1", "be-3", "be-5", "be-11", "be-21", "be-22", "ru-21", "ru-14", "en-1", "en-0"],
)
def test_plural_forms_follow_cldr(lang: str, n: int, text: str) -> None:
    assert tn(lang, "outlets", n) == text


@pytest.mark.parametrize("lang", LANGS)
def test_no_one_or_more_constructions(lang: str) -> None:
    """Counts go through tn(): no "source(s)", "outlet(s)" or «издание(я)» in any text."""
    for key, text in TEXTS[lang].items():
        assert not re.search(r"\w\((s|es|а|я|ы|і|ов|аў)\)", text), (lang, key)


def test_help_documents_the_filters_and_buttons_in_every_language() -> None:
    for lang in LANGS:
        text = t(lang, "help")
        assert "source:belta" in text and "-source:ria" in text and "lang:" in text, lang
        assert "🔕" in text and "✖" in text and "/export" in text and "/import" in text, lang


@pytest.mark.parametrize("lang", LANGS)
def test_the_command_line_takes_every_interface_language(lang: str) -> None:
    from bot.cli import _parser

    args = _parser().parse_args(["calendar", "--ics", "-", "--lang", lang])
    assert args.lang == lang
