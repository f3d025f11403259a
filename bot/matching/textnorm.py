"""Text normalisation, tokenising and stemming shared by the query language and the matcher.

One function decides what a "word" is (and how it is spelt), so queries and entries agree.
"""

from __future__ import annotations

import html
import re
import unicodedata

import snowballstemmer

# Quote, apostrophe and dash variants collapse to one ASCII form each, so a query typed
# on a phone matches text set by a news agency's CMS.
_TRANSLATE = str.maketrans(
    {
        "ё": "е",
        "«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "‟": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "ʼ": "'", "ʹ": "'", "`": "'", "´": "'",
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
        "\u00ad": None,  # soft hyphen: invisible, must not split words
        "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
    }
)

# A word is a run of letters/digits; an apostrophe inside a word (Belarusian сям'я,
# Ukrainian м'ясо, English Belarus's) is dropped rather than splitting it.
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# A tag starts with a letter, '/', '!' or '?': a bare "<" in "growth < 5%" is text.
_TAG_RE = re.compile(r"<[a-zA-Z/!?][^<>]{0,2000}>")
_SPACE_RE = re.compile(r"\s+")

_BE_UK_LETTERS = frozenset("іїєґў")
_DE_LETTERS = frozenset("äöüß")

# Belarusian and Ukrainian have no Snowball stemmer; a longest-suffix strip with a
# minimum stem length is enough for matching inflections of news vocabulary.
_BE_UK_SUFFIXES = tuple(
    sorted(
        ["іямі", "іями", "іяй", "ією", "іях", "іям", "іі", "ії", "ію", "ій", "ий", "ої", "ямі", "амі", "ями", "ами", "ого", "ому", "ими", "іми", "ыми", "ых", "іх", "их", "ага", "аму", "ая", "ое", "ае", "ую", "ыя", "ія", "ые", "ай", "яй", "ой", "ою", "ею", "ей", "ым", "ім", "ом", "ем", "ам", "ям", "ах", "ях", "ох", "ех", "ую", "юю", "ові", "еві", "ів", "ов", "ев", "ою", "ею", "ь", "а", "я", "о", "е", "у", "ю", "ы", "і", "и", "й", "ї", "є"],
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 3

_en = snowballstemmer.stemmer("english")
_ru = snowballstemmer.stemmer("russian")
_de = snowballstemmer.stemmer("german")


_SPECIAL_RE = re.compile("[" + re.escape("".join(chr(c) for c in _TRANSLATE)) + "]")


def fold(text: str) -> str:
    """NFKC, casefold, ё→е, unified quotes and dashes; whitespace left as it is (the
    matcher's hot path only needs words)."""
    if text.isascii():
        return text.lower()  # NFKC and casefold are identities on ASCII except for case
    text = unicodedata.normalize("NFKC", text).casefold()
    if _SPECIAL_RE.search(text):  # translate() is per-character; skip it when idle
        text = text.translate(_TRANSLATE)
    return text


def normalize(text: str) -> str:
    """NFKC, casefold, ё→е, unified quotes and dashes, collapsed whitespace."""
    return _SPACE_RE.sub(" ", fold(text)).strip()


def plain(text: str) -> str:
    """Tags removed and entities decoded, whitespace untouched: text for matching only."""
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    return html.unescape(text) if "&" in text else text


def strip_html(text: str) -> str:
    """Tags removed, entities decoded, whitespace collapsed. Not a sanitiser: text only."""
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:  # most feed text arrives already plain: skip the entity pass
        text = html.unescape(text)
    return _SPACE_RE.sub(" ", text).strip()


# Belarusian is written in two orthographies: the official one (narkamaŭka) and the
# classical one (taraškievica) of Nasha Niva, Radio Svaboda and Belsat. Words are folded to
# the official spelling, so a query in either meets an entry in either. Each rule rewrites
# only letter sequences Russian and Ukrainian (almost) never have, and both sides of a
# match are folded alike, so a stray hit in another language changes nothing.
_SPELLINGS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # A soft sign marking assimilative softness: бясьпека, сьвет, Беларусьсю, зацьвердзілі,
    # сьцяг, пасьля, насеньне, вясельле -> бяспека, свет, Беларуссю, зацвердзілі...
    # (Each pattern starts with its letter, so the engine skips to it.)
    ("ь", re.compile(r"ь(?<=[зсцн]ь)(?=[бвдзлмнпсфц])|ь(?<=ль)(?=л)"), ""),
    # ...and after a prefix before an iotated vowel, where the official spelling has an
    # apostrophe (which `words` drops): зьезд, зьява -> з'езд, з'ява -> зезд, зява.
    ("ь", re.compile(r"\b(раз|[уў]з|бяз|з|с)ь(?=[еёюяі])"), r"\1"),
    # A hard «э» in loanwords where the official spelling has «е» after this consonant:
    # дакумэнт, парлямэнт, Фэдэрацыя, сэнатар -> дакумент, парлямент, Федэрацыя, сенатар.
    ("э", re.compile(r"э(?<=[бвгкмнпсфхл]э)"), "е"),
    # A soft «ль» in the loanwords of the news: парлямэнт, дыплямат, дэклярацыя, плянуюць ->
    # парламент, дыпламат, дэкларацыя, плануюць (after the «э» rule, which they also need).
    ("ля", re.compile(r"ля(?:(?<=парля)(?=м)|(?<=пля)(?=[мн])|(?<=дэкля)(?=р))"), "ла"),
    # «ў» opens a word after a vowel in both spellings: Ўкраіна, ўзаемная -> Украіна, узаемная.
    ("ў", re.compile(r"\bў(?=\w)"), "у"),
    # Names: Менск -> Мінск, Расея/расейскі -> Расія/расійскі.
    ("менск", re.compile(r"\bменск"), "мінск"),
    ("рас", re.compile(r"\bрасе(?=[яіюй])"), "расі"),
)


def unify_spelling(normalized: str) -> str:
    """Belarusian words of already-normalised text in the official spelling (see above)."""
    if normalized.isascii():
        return normalized
    for marker, pattern, replacement in _SPELLINGS:
        if marker in normalized:
            normalized = pattern.sub(replacement, normalized)
    return normalized


def words(normalized: str) -> list[tuple[str, int, int]]:
    """Words of already-normalised text, in unified spelling, with their (start, end)
    offsets in that text."""
    out = []
    for m in _WORD_RE.finditer(normalized):
        word = m.group()
        if "'" in word:
            # English possessive: Belarus's -> belarus; elsewhere the apostrophe is spelling.
            word = word.removesuffix("'s")
            word = word.replace("'", "")
        out.append((unify_spelling(word), m.start(), m.end()))
    return out


def word_list(normalized: str) -> list[str]:
    """Just the words of already-normalised text, in unified spelling (the hot path of
    matching)."""
    if "'" in normalized:
        return [w for w, _, _ in words(normalized)]
    return _WORD_RE.findall(unify_spelling(normalized))


# Stemming is the costliest step per word and news vocabulary repeats, so stems are cached
# in a plain dict (the matcher reads it directly); it stops growing at STEM_CACHE_MAX.
STEM_CACHE: dict[str, str] = {}
STEM_CACHE_MAX = 300_000


def stem(word: str) -> str:
    """The matching key of one normalised word: its stem in the word's own language."""
    found = STEM_CACHE.get(word)
    if found is None:
        found = _stem(word)
        if len(STEM_CACHE) < STEM_CACHE_MAX:
            STEM_CACHE[word] = found
    return found


def _stem(word: str) -> str:
    if not word.isalpha():
        return word
    first = word[0]
    if "a" <= first <= "z" or first in _DE_LETTERS:
        if any(ch in _DE_LETTERS for ch in word):
            return str(_de.stemWord(word))
        return str(_en.stemWord(word))
    if "\u0400" <= first <= "\u04ff":
        if any(ch in _BE_UK_LETTERS for ch in word):
            return _strip_be_uk(word)
        if word in _RU_EXCEPTIONS:
            return _RU_EXCEPTIONS[word]
        return _belarusian_leftovers(word, str(_ru.stemWord(word)))
    return word


# Snowball reads the -сь of these names as a reflexive verb ending (беларусь -> белар),
# which would split them from every other case form (беларуси -> беларус).
# The Belarusian instrumental doubles the -с- (Беларуссю) and is read the same way.
_RU_EXCEPTIONS = {"беларусь": "беларус", "русь": "рус", "белоруссь": "белорусс", "беларуссю": "беларус"}

# Belarusian endings with only Russian letters (Саюзнай, саюзнаму, ядзернага) that the
# Russian stemmer leaves half-stripped; finishing them makes саюзная/саюзнай/саюзнаму meet.
_BE_TAILS = (("ай", "а"), ("аму", "ам"), ("ага", "аг"))


def _belarusian_leftovers(word: str, stemmed: str) -> str:
    for ending, leftover in _BE_TAILS:
        if word.endswith(ending) and stemmed.endswith(leftover) and len(stemmed) - len(leftover) >= 4:
            return stemmed[: -len(leftover)]
    return stemmed


def _strip_be_uk(word: str) -> str:
    for suffix in _BE_UK_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> list[str]:
    """Normalise raw text and return the stem of every word, in order."""
    return [stem(w) for w, _, _ in words(normalize(text))]
