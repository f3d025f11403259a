"""Status by modality and by act, one row per language and rule: plans, intentions,
possibilities, agendas, deadlines, texts nearly done or being drafted and promises still to be
put in a treaty are `expected`; a decree about the signing or an
approved draft is `expected`; a ratification law signed or a chamber's vote is `ratified`;
the exchange of instruments or entry into force is `in_force`; negation is None.
Headlines are written for these tests."""

from __future__ import annotations

import time

import pytest

from bot.matching.status import MAX_CHARS, detect_status
from bot.model import Status

RULES: list[tuple[str, str, Status | None]] = [
    # English
    ("en-plan", "Minsk and Moscow plan to conclude the defence treaty this autumn", "expected"),
    ("en-intention", "Lukashenko wants the guarantees pact ratified by spring", "expected"),
    ("en-intention-hope", "Kremlin hopes to sign the Belarus treaty at the council", "expected"),
    ("en-possibility", "The security treaty could be signed as early as December", "expected"),
    ("en-agenda", "Security guarantees treaty on the agenda of the Supreme State Council", "expected"),
    ("en-agenda-vote", "Senators to vote on the Belarus pact next week", "expected"),
    ("en-deadline-ready", "Officials say the Union State treaty is ready for signature", "expected"),
    ("en-drafting", "Defence ministries working on the new security guarantees treaty", "expected"),
    ("en-decree-on-signing", "Putin signs order approving the signing of the treaty with Minsk", "expected"),
    ("en-orders-signing", "Lukashenko authorises signature of the security treaty", "expected"),
    ("en-approve-draft", "Belarusian government approves draft treaty on guarantees", "expected"),
    ("en-future-force-after", "The pact will enter into force after the instruments are exchanged",
     "expected"),
    ("en-signed-off", "Putin signs off on the Union State security treaty", "signed"),
    ("en-signatures", "The presidents put their signatures to the defence treaty", "signed"),
    ("en-president-signs-ratification-law", "Lukashenko endorses the law ratifying the pact",
     "ratified"),
    ("en-chamber-ratifies", "Federation Council gives final approval to the Belarus treaty", "ratified"),
    ("en-chamber-backs", "Senators approve the security guarantees agreement", "ratified"),
    ("en-exchange", "Foreign ministers exchange instruments of ratification in Minsk", "in_force"),
    ("en-in-effect", "The Union State security treaty is now in effect", "in_force"),
    ("en-negation", "The allies have not signed the treaty", None),
    ("en-past-plan-reports-act", "The long-planned treaty was signed in Minsk", "signed"),
    ("en-nearly-done", "Kremlin: the Union State defence treaty is all but agreed", "expected"),
    ("en-negotiating", "Moscow and Minsk negotiating a pact on mutual defence", "expected"),
    ("en-being-drafted", "The alliance treaty is being drafted by both foreign ministries", "expected"),
    ("en-agenda-headline", "Security pact tops agenda as presidents meet", "expected"),
    ("en-second-act-in-frame", "Leaders are due to sign the treaty and adopt the concept on Friday", "expected"),
    ("en-by-treaty", "Russia to protect Belarus by treaty, Lukashenko says", "expected"),
    ("en-enshrine", "Minsk seeks to enshrine the guarantees in the treaty", "expected"),
    ("en-implementation-is-not-drafting", "Officials work out mechanisms to implement the treaty", None),
    # Russian
    ("ru-plan", "Стороны планируют подписать договор на саммите", "expected"),
    ("ru-intention", "Минск рассчитывает заключить соглашение с Москвой до весны", "expected"),
    ("ru-possibility", "Договор может быть подписан уже в декабре", "expected"),
    ("ru-future-perfective", "Москва и Минск заключат договор о безопасности", "expected"),
    ("ru-agenda", "Договор внесен в повестку заседания Высшего госсовета", "expected"),
    ("ru-review", "Госдума рассмотрит договор с Минском в среду", "expected"),
    ("ru-deadline", "Договор подготовят до конца года", "expected"),
    ("ru-drafting", "Стороны согласовали текст договора о безопасности", "expected"),
    ("ru-decree-on-signing", "Путин подписал распоряжение о подписании договора", "expected"),
    ("ru-decree-approving-draft", "Лукашенко подписал указ об одобрении проекта договора", "expected"),
    ("ru-approve-draft", "Правительство одобрило проект соглашения", "expected"),
    ("ru-future-exchange", "Стороны обменяются ратификационными грамотами в марте", "expected"),
    ("ru-modal-before-participle", "Концепция, как ожидается, будет утверждена в декабре", "expected"),
    ("ru-signed-participle", "Подписанный договор вызвал критику в Литве", "signed"),
    ("ru-signatures", "Президенты поставили подписи под договором", "signed"),
    ("ru-president-signs-ratification-law", "Путин подписал закон о ратификации договора", "ratified"),
    ("ru-chamber-ratifies", "Совфед одобрил договор с Белоруссией", "ratified"),
    ("ru-chamber-votes", "Депутаты проголосовали за ратификацию договора", "ratified"),
    ("ru-exchange", "Состоялся обмен ратификационными грамотами", "in_force"),
    ("ru-in-force", "Договор вступил в действие", "in_force"),
    ("ru-started", "Соглашение начало действовать", "in_force"),
    ("ru-first-person-future", "Лавров: мы заключим соглашение с Минском", "expected"),
    ("ru-in-effect-since", "С 1 апреля соглашение действует в полном объеме", "in_force"),
    ("ru-negation", "Договор еще не подписан", None),
    ("ru-nearly-done", "Договор о безопасности практически согласован", "expected"),
    ("ru-being-drafted", "Договор о взаимной обороне разрабатывается в МИД", "expected"),
    ("ru-final-stage", "Соглашение находится на завершающей стадии", "expected"),
    ("ru-by-treaty", "Минск хочет по договору получить защиту России", "expected"),
    ("ru-enshrine", "Гарантии закрепят в договоре", "expected"),
    ("ru-submitted", "Правительство внесло договор в Госдуму на ратификацию", None),
    # Belarusian
    ("be-plan", "Бакі плануюць падпісаць пагадненне ў снежні", "expected"),
    ("be-possibility", "Дамова можа быць падпісаная на саміце", "expected"),
    ("be-future-passive", "Дамова будзе падпісаная ў Мінску", "expected"),
    ("be-agenda", "Дамову рыхтуюць да падпісання", "expected"),
    ("be-decree-on-signing", "Прэзідэнт падпісаў указ аб падпісанні дамовы", "expected"),
    ("be-approve-draft", "Урад ухваліў праект дамовы", "expected"),
    ("be-president-signs-ratification-law", "Лукашэнка падпісаў закон аб ратыфікацыі дамовы",
     "ratified"),
    ("be-chamber-ratifies", "Савет Рэспублікі адобрыў дамову з Расеяй", "ratified"),
    ("be-ratified-participle", "Ратыфікаваная дамова дазваляе размяшчаць войскі", "ratified"),
    ("be-in-force", "Дамова ўступіла ў моц", "in_force"),
    ("be-first-person-future", "Прэзідэнт: падпішам пагадненне ўвосень", "expected"),
    ("be-bi-aspectual-ratify", "Парламент ратыфікуе дамову ў лютым", "expected"),
    ("be-negation", "Дамова яшчэ не падпісаная", None),
    ("be-nearly-done", "Дагавор амаль узгоднены", "expected"),
    ("be-being-drafted", "Дагавор аб абароне распрацоўваецца", "expected"),
    ("be-agenda", "Дамова ў парадку дня Вышэйшага дзяржсавета", "expected"),
    ("be-by-treaty", "Расія павінна па дамове бараніць Беларусь", "expected"),
    ("be-classical-plan", "Падпісаньне заплянаванае на снежань", "expected"),
    ("be-classical-ratification-law", "Лукашэнка падпісаў закон пра ратыфікацыю дагавора", "ratified"),
    ("be-approves-ratification", "Парлямэнт зацьвердзіў ратыфікацыю дамовы", "ratified"),
    ("be-classical-chamber", "Парлямэнт адобрыў дагавор з Расеяй", "ratified"),
    ("be-implementation-is-not-drafting", "Механізмы рэалізацыі дагавора адпрацоўваюцца", None),
    # Ukrainian
    ("uk-plan", "Мінськ і Москва планують укласти угоду", "expected"),
    ("uk-possibility", "Договір може бути підписаний у грудні", "expected"),
    ("uk-future-perfective", "Москва і Мінськ укладуть договір про безпеку", "expected"),
    ("uk-deadline", "Угоду підпишуть до кінця року", "expected"),
    ("uk-signed", "Росія та Білорусь уклали договір", "signed"),
    ("uk-president-signs-ratification-law", "Путін підписав закон про ратифікацію договору",
     "ratified"),
    ("uk-chamber-ratifies", "Держдума схвалила договір з Білоруссю", "ratified"),
    ("uk-in-force", "Договір вступив у дію", "in_force"),
    ("uk-exchange", "Сторони обмінялися ратифікаційними грамотами", "in_force"),
    ("uk-first-person-future", "Міністр: угоду підпишемо навесні", "expected"),
    ("uk-negation", "Договір ще не ратифікований", None),
    ("uk-nearly-done", "Договір практично узгоджений", "expected"),
    ("uk-being-drafted", "Договір про оборону розробляється", "expected"),
    ("uk-agenda", "Угода в порядку денному саміту", "expected"),
    ("uk-by-treaty", "Росія повинна за договором захищати Білорусь", "expected"),
    ("uk-approves-ratification", "Парламент схвалив ратифікацію угоди", "ratified"),
    # German
    ("de-plan", "Moskau und Minsk planen, den Vertrag im Dezember zu unterzeichnen", "expected"),
    ("de-possibility", "Der Pakt könnte noch im Winter geschlossen werden", "expected"),
    ("de-modal-far", "Das Abkommen soll nach langen Verhandlungen im Dezember besiegelt werden",
     "expected"),
    ("de-expected-signing", "Unterzeichnung des Sicherheitsvertrags wird erwartet", "expected"),
    ("de-drafting", "Beide Seiten arbeiten an einem Beistandsvertrag", "expected"),
    ("de-concept-plan", "Das Sicherheitskonzept wird im kommenden Jahr verabschiedet", "expected"),
    ("de-signed-present", "Russland und Belarus schließen Sicherheitspakt", "signed"),
    ("de-concept-approved", "Die Präsidenten haben das Sicherheitskonzept gebilligt", "signed"),
    ("de-president-signs-ratification-law", "Putin unterzeichnet das Ratifizierungsgesetz", "ratified"),
    ("de-law-then-verb", "Das Gesetz zur Ratifizierung des Vertrags wurde unterzeichnet", "ratified"),
    ("de-chamber-ratifies", "Das Parlament billigt den Beistandspakt mit Moskau", "ratified"),
    ("de-chamber-consents", "Der Föderationsrat stimmt dem Abkommen zu", "ratified"),
    ("de-exchange", "Die Außenminister tauschten die Ratifikationsurkunden aus", "in_force"),
    ("de-in-force", "Der Vertrag ist jetzt in Kraft", "in_force"),
    ("de-applies-now", "Das Abkommen gilt ab sofort", "in_force"),
    ("de-in-force-future-not-now", "Der Vertrag ist in Kraft zu setzen", None),
    ("de-negation", "Der Vertrag ist noch nicht ratifiziert", None),
    ("de-agenda", "Beistandspakt steht auf der Tagesordnung", "expected"),
    ("de-zu-infinitive", "Lukaschenko kündigte an, den Pakt im Herbst zu unterzeichnen", "expected"),
    ("de-demand-by-treaty", "Moskau will Minsk vertraglich beistehen", "expected"),
    ("de-nearly-done", "Sicherheitsvertrag praktisch unterschriftsreif", "expected"),
    ("de-being-drafted", "Das Abkommen wird derzeit von Diplomaten ausgearbeitet", "expected"),
    ("de-preparing", "Moskau und Minsk bereiten einen Beistandspakt vor", "expected"),
]


@pytest.mark.parametrize(("headline", "want"), [(h, w) for _, h, w in RULES],
                         ids=[i for i, _, _ in RULES])
def test_modality_and_acts(headline: str, want: Status | None) -> None:
    assert detect_status(headline) == want


@pytest.mark.parametrize(
    "text",
    ["will " * 800, "signed treaty " * 300, "sicherheitskonzept soll werden " * 150,
     "подписал указ о " * 300, "wants the the " * 400, "x" * 10_000],
    ids=["modal-soup", "verb-soup", "german-modal-soup", "russian-decree-soup", "intention-soup",
         "one-long-word"],
)
def test_adversarial_text_is_read_quickly(text: str) -> None:
    start = time.perf_counter()
    detect_status(text, text)
    assert time.perf_counter() - start < 0.5
    assert MAX_CHARS <= 3000  # the lede only: bounds every pattern's work
