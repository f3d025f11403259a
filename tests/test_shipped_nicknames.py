"""The shipped treaty topic when reports name the treaty by its nickname (a nuclear umbrella),
by the case it is for (aggression), by its promise (defence with all means), by its title
with "mutual", or in classical Belarusian spelling; and the near misses that share those
words. Headlines written for these tests, not taken from any evaluation set.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_config
from bot.matching.matcher import Matcher
from bot.matching.topics import build_matcher

ROOT = Path(__file__).resolve().parent.parent
LATER = datetime(2025, 6, 2, 9, tzinfo=UTC)
TREATY = "security-guarantees-treaty"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return build_matcher(load_config(ROOT / "feeds.yaml"))


CAUGHT: list[tuple[str, str, str]] = [
    # A nuclear umbrella (shield) with an agreement word and Belarus or the Union State.
    ("en-umbrella", "Belarus gets a nuclear umbrella under the Union State treaty", ""),
    ("ru-umbrella", "Ядерный щит для Минска: эксперты о новом договоре", ""),
    ("be-umbrella", "Дамова пад ядзерным парасонам: што атрымлівае Беларусь", ""),
    ("uk-umbrella", "Ядерна парасолька для Мінська: договір набув чинності", ""),
    ("de-umbrella", "Unter dem nuklearen Schutzschirm: Was das Abkommen für Belarus bedeutet", ""),
    ("be-umbrella-both-parties", "Пад ядзерны парасон Масквы: Менск ратыфікаваў дагавор", ""),
    # An agreement for the case of aggression, with both allies (or the Union State).
    ("en-aggression", "An agreement for the event of aggression: Moscow and Minsk seal the Union State pact", ""),
    ("ru-aggression", "Договор на случай нападения: Белоруссия и Россия обменялись грамотами", ""),
    ("be-aggression", "Дамова на выпадак агрэсіі: Масква і Менск падпісалі дакумэнт", ""),
    ("uk-aggression", "Договір на випадок агресії: що підписали Москва і Мінськ", ""),
    ("de-aggression", "Ein Vertrag für den Fall einer Aggression: Moskau und Minsk sind sich einig", ""),
    # Belarus defended with all means, an agreement word somewhere.
    ("en-all-means", "Kremlin: Russia will shield Belarus with all available means", "The treaty text is out."),
    ("ru-all-means", "Россия обеспечит безопасность Белоруссии всеми доступными средствами",
     "Так сказано в договоре, опубликованном Кремлём."),
    ("be-all-means", "Расея абароніць Беларусь усімі сродкамі: тэкст дамовы апублікаваны", ""),
    ("uk-all-means", "Росія обстоює Білорусь всіма засобами: опубліковано текст договору", ""),
    ("de-all-means", "Russland steht Belarus mit allen Mitteln bei: Vertrag veröffentlicht", ""),
    # The short title with "mutual", and with the Belarusian word дагавор.
    ("en-mutual-title", "Treaty on mutual security guarantees takes effect", ""),
    ("ru-mutual-title", "Договор о взаимных гарантиях безопасности вступил в силу", ""),
    ("be-mutual-title", "Дамова аб узаемных гарантыях бяспекі ўступіла ў сілу", ""),
    ("uk-mutual-title", "Договір про взаємні гарантії безпеки набув чинності", ""),
    ("de-mutual-title", "Der Vertrag über wechselseitige Sicherheitsgarantien ist in Kraft", ""),
    ("be-dahavor-title", "Дагавор аб гарантыях бяспекі: што змянілася за год", ""),
    # The West named as the addressee, not as the giver of the guarantees.
    ("en-response-to-the-west", "Treaty on security guarantees is a response to the West, Zakharova says", ""),
    ("ru-signal-to-the-west", "Лукашенко: договор с Россией о гарантиях безопасности — сигнал Западу", ""),
    ("be-answer-to-the-west", "Дамова аб гарантыях бяспекі — адказ Захаду", ""),
    # Classical Belarusian spelling (taraškievica).
    ("be-classical-ratification", "Савет Рэспублікі ратыфікаваў дагавор з Расеяй аб гарантыях бясьпекі", ""),
    ("be-classical-instrumental", "Парлямэнт ухваліў дамову з Беларусьсю пра гарантыі бясьпекі", ""),
]


@pytest.mark.parametrize(("title", "summary"), [(t, s) for _, t, s in CAUGHT],
                         ids=[i for i, _, _ in CAUGHT])
def test_named_by_nickname_content_or_spelling(matcher: Matcher, title: str, summary: str) -> None:
    assert TREATY in matcher.match(title, summary, LATER).topics


def test_classical_belarusian_concept(matcher: Matcher) -> None:
    result = matcher.match("У Менску зацьвердзілі Канцэпцыю бясьпекі Саюзнай дзяржавы", "", LATER)
    assert "union-state-security-concept" in result.topics


SILENT: list[tuple[str, str, str]] = [
    # Other countries' umbrellas, and the umbrella over weapons being stationed.
    ("french-umbrella", "Poland asks to join French nuclear umbrella as Belarus hosts Russian warheads",
     "Warsaw wants an agreement with Paris."),
    ("macron-umbrella", "Macron offers Europe a nuclear umbrella; Lukashenko mocks the idea",
     "He said no treaty could protect Europe."),
    ("stationing-ru", "Россия разместит ядерное оружие в Белоруссии: подписано соглашение о ядерном зонтике", ""),
    ("stationing-be-classical", "Расея і Беларусь падпісалі пагадненне аб разьмяшчэньні ядзернай зброі",
     "Дамова пра ядзерны парасон застаецца ў сіле."),
    ("ukraine-umbrella", "Ukraine asks allies for a nuclear umbrella treaty", "Belarus hosts Russian nuclear weapons."),
    ("air-defence-under-umbrella", "Belarus and Russia sign agreement on joint air defence under the nuclear umbrella", ""),
    ("air-defence-under-umbrella-be", "Беларусь і Расея падпісалі пагадненьне аб сумеснай сыстэме СПА",
     "Вайскоўцы называюць гэта ядзерным парасонам."),
    # An economic deal in the same story as the promise.
    ("gas-deal-all-means", "Russia and Belarus sign gas deal; Moscow vows to protect Minsk with all means", ""),
    ("gas-deal-all-means-uk", "Мінськ і Москва підписали угоду про газ; Росія захищатиме Білорусь всіма засобами", ""),
    # Oreshnik and the nuclear doctrine.
    ("oreshnik-shield", "Oreshnik placed on combat duty in Belarus",
     "Lukashenko called it the nuclear shield of the Union State under the treaty."),
    ("oreshnik-all-means", "Putin: Russia will defend Belarus with all means, including Oreshnik",
     "The deployment agreement was signed in Minsk."),
    ("doctrine-aggression", "Путин: ядерная доктрина распространяется на Белоруссию",
     "В случае агрессии против Белоруссии Россия ответит всеми средствами; договор о размещении подписан."),
    # Russia's other allies and the CSTO.
    ("north-korea-aggression", "North Korea and Russia sign treaty for the case of aggression",
     "The pact mirrors Moscow's obligations to Belarus."),
    ("north-korea-all-means", "Pakt mit Nordkorea: Russland will Pjöngjang mit allen Mitteln verteidigen",
     "Ähnlich wie Belarus."),
    ("csto-all-means", "Договор о коллективной безопасности: ОДКБ обещает защищать Беларусь всеми средствами",
     "Россия напомнила о союзных обязательствах."),
    ("csto-be-classical", "Саміт АДКБ у Менску: лідэры падпісалі дэклярацыю аб калектыўнай бясьпецы", ""),
    ("china-security-be", "Менск і Пекін падпісалі пагадненне аб бясьпецы", ""),
    ("china-umbrella-be", "Лукашэнка: Беларусь пад ядзерным парасонам Расеі, дамова з Кітаем аб гандлі падпісаная", ""),
    ("information-security-be-classical", "Расея і Беларусь падпісалі пагадненне аб інфармацыйнай бясьпецы", ""),
    # Ukraine's and the West's guarantees.
    ("ukraine-aggression", "Kyiv wants a treaty for the case of aggression like the one Russia gave Belarus", ""),
    ("ukraine-u-short-be", "Лукашэнка прапанаваў Ўкраіне дамову аб гарантыях бясьпекі",
     "Ён гаварыў пра мірныя перамовы ў Менску."),
    ("ukraine-guarantees-be-classical", "Гарантыі бясьпекі для Ўкраіны: Захад абмяркоўвае дамову", ""),
    ("west-guarantees", "Lukashenko: we need a treaty on security guarantees from the West", ""),
    ("west-mutual-title", "Moscow says NATO must sign treaty on mutual security guarantees", ""),
]


@pytest.mark.parametrize(("title", "summary"), [(t, s) for _, t, s in SILENT],
                         ids=[i for i, _, _ in SILENT])
def test_near_misses_of_the_new_names_stay_silent(matcher: Matcher, title: str, summary: str) -> None:
    assert TREATY not in matcher.match(title, summary, LATER).topics
