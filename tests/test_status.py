"""Tests for bot.matching.status: signing-status detection across languages, tenses and precedence."""

from __future__ import annotations

import re

import pytest

from bot.matching.status import MAX_CHARS, detect_status, find_cues, status_of_text
from bot.matching.status_cues import ALL_CUES
from bot.matching.textnorm import normalize
from bot.model import Status

# (id, headline, expected status). Headlines are written for these tests.
HEADLINES: list[tuple[str, str, Status | None]] = [
    # English: planned
    ("en-will-sign", "Moscow and Minsk will sign a mutual defence treaty next week", "expected"),
    ("en-to-sign-headline", "Putin and Lukashenko to sign defence pact in Minsk", "expected"),
    ("en-set-to-sign", "Russian and Belarusian leaders are set to sign the security treaty",
     "expected"),
    ("en-scheduled", "The two presidents are scheduled to sign the accord on Friday", "expected"),
    ("en-plan-to-sign", "Belarus and Russia plan to sign a security guarantees deal", "expected"),
    ("en-expected-to-sign", "Leaders expected to sign landmark defence treaty", "expected"),
    ("en-to-be-signed", "Security treaty to be signed at the Minsk summit", "expected"),
    ("en-will-be-signed", "The agreement will be formally signed in December", "expected"),
    ("en-ahead-of-signing", "Lukashenko speaks ahead of the signing of the security treaty",
     "expected"),
    ("en-draft-approved", "Minsk approves the draft security treaty with Moscow", "expected"),
    ("en-draft-treaty", "Draft treaty on security guarantees sent to the presidents", "expected"),
    ("en-meet-and-sign", "Putin and Lukashenko to meet and sign defence pact", "expected"),
    ("en-will-travel-and-sign", "Putin will travel to Minsk and sign the treaty", "expected"),
    ("en-question", "Will Minsk sign the defence pact?", "expected"),
    ("en-decree-on-signing", "Lukashenko signs decree on signing of the treaty", "expected"),
    ("en-upcoming-treaty", "What the upcoming security treaty means for Minsk", "expected"),
    ("en-will-enter-force", "The treaty will enter into force after ratification", "expected"),
    # English: done
    ("en-signed", "Putin and Lukashenko signed a security treaty in Minsk", "signed"),
    ("en-have-signed", "Belarus and Russia have signed an agreement on security guarantees",
     "signed"),
    ("en-present-sign", "Putin, Lukashenko sign security pact", "signed"),
    ("en-present-signs", "Russia signs security treaty with Belarus", "signed"),
    ("en-seal", "Belarus, Russia seal defence pact", "signed"),
    ("en-came-and-signed", "Putin came to Minsk and signed the treaty", "signed"),
    ("en-inked", "Moscow and Minsk inked the defence treaty on Friday", "signed"),
    ("en-glued-words", "Presidents Putin and Lukashenkosigned the pact on Friday", "signed"),
    ("en-concept-adopted", "Supreme State Council adopted the Union State security concept",
     "signed"),
    ("en-ratified", "State Duma ratified the security treaty with Belarus", "ratified"),
    ("en-ratifies", "Belarusian parliament ratifies security pact with Russia", "ratified"),
    ("en-signs-law-ratifying", "Putin signs law ratifying security treaty with Belarus",
     "ratified"),
    ("en-signed-law-on-ratif", "Lukashenko signed the law on ratification of the treaty",
     "ratified"),
    ("en-signed-into-law", "Lukashenko has signed the security treaty with Russia into law",
     "ratified"),
    ("en-approved-law", "Upper house approved the law on ratification of the pact", "ratified"),
    ("en-voted-to-ratify", "Lawmakers voted unanimously to ratify the treaty", "ratified"),
    ("en-chamber-approves", "Belarusian parliament approves defence pact with Moscow", "ratified"),
    ("en-upper-house-backs", "Upper house backs the security treaty", "ratified"),
    ("en-law-number", 'Lukashenko signed Law No. 12-Z "On the ratification of the treaty"',
     "ratified"),
    ("en-completes-ratif", "Moscow completes ratification of the pact", "ratified"),
    ("en-entered-force", "Russia-Belarus security treaty entered into force", "in_force"),
    ("en-took-effect", "The defence pact took effect on Thursday", "in_force"),
    ("en-exchanged", "Leaders exchanged instruments of ratification in Moscow", "in_force"),
    ("en-protocol-exchange", "Presidents sign protocol on the exchange of ratification instruments",
     "in_force"),
    ("en-signing-took-place", "The signing took place in the Palace of Independence", "signed"),
    ("en-signing-will-take-place", "The signing will take place on Friday in Minsk", "expected"),
    # English: nothing completed
    ("en-first-reading", "Lawmakers passed the bill on ratification in the first reading", None),
    ("en-signed-other-law", "Putin signed a law on pensions", "signed"),
    ("en-submitted", "Putin submitted the security treaty to the Duma for ratification", None),
    ("en-submits-signed", "Kremlin submits the treaty signed in Minsk for ratification", None),
    ("en-not-ratified", "The treaty has not yet been ratified by Minsk", None),
    ("en-a-sign-of", "Visit seen as a sign of closer military ties", None),
    ("en-designed", "The pact is designed to deter NATO, analysts say", None),
    ("en-analysis", "Why the security treaty matters for the region", None),
    ("en-hasnt-signed", "Lukashenko hasn't signed the pact yet", None),
    ("en-draft-law", "Cabinet approves draft law on ratification of the security pact", None),
    # Russian
    ("ru-podpishut", "Россия и Белоруссия подпишут договор о гарантиях безопасности", "expected"),
    ("ru-planiruetsya", "Договор планируется подписать в декабре", "expected"),
    ("ru-budet-podpisan", "Договор о гарантиях безопасности будет подписан в Минске", "expected"),
    ("ru-nameren", "Стороны намерены подписать соглашение до конца года", "expected"),
    ("ru-gotovyat", "Москва и Минск готовят договор о гарантиях безопасности", "expected"),
    ("ru-proekt-odobren", "Проект договора одобрен правительством", "expected"),
    ("ru-ozhidaemoe", "Лукашенко рассказал о значении ожидаемого подписания документа", "expected"),
    ("ru-ukaz-o-podpisanii", "Лукашенко подписал указ о подписании договора", "expected"),
    ("ru-vstupit", "Договор вступит в силу после обмена ратификационными грамотами", "expected"),
    ("ru-podpisali", "Путин и Лукашенко подписали договор о гарантиях безопасности", "signed"),
    ("ru-podpisan", "Договор о гарантиях безопасности подписан", "signed"),
    ("ru-zaklyuchili", "Стороны заключили межгосударственный договор", "signed"),
    ("ru-utverdili-koncepciyu", "Лидеры утвердили концепцию безопасности", "signed"),
    ("ru-ratificirovala", "Госдума ратифицировала договор о гарантиях безопасности", "ratified"),
    ("ru-sovfed-odobril", "Совет Федерации одобрил закон о ратификации договора", "ratified"),
    ("ru-podpisal-zakon", "Путин подписал закон о ратификации договора с Белоруссией", "ratified"),
    ("ru-vstupil", "Договор о гарантиях безопасности вступил в силу", "in_force"),
    ("ru-obmen", "Президенты обменялись ратификационными грамотами", "in_force"),
    ("ru-protokol-obmen", "Лидеры подписали протокол об обмене ратификационными грамотами",
     "in_force"),
    ("ru-sostoitsya", "Подписание договора состоится в пятницу", "expected"),
    ("ru-sostoyalos", "Подписание договора состоялось в Минске", "signed"),
    ("ru-zakon-nomer", "Лукашенко подписал закон № 12-З «О ратификации договора»", "ratified"),
    ("ru-chamber-odobril", "Совет Республики одобрил договор о гарантиях безопасности", "ratified"),
    ("ru-zakonoproekt-prinyat", "Палата представителей приняла законопроект о ратификации",
     "ratified"),
    ("ru-vnes", "Путин внес в Госдуму на ратификацию договор с Белоруссией", None),
    ("ru-vnes-podpisannyi", "Путин внес договор, подписанный в Минске, на ратификацию", None),
    ("ru-ne-ratificirovan", "Договор пока не ратифицирован", None),
    ("ru-zaklyuchil-said", "Угрозы сохраняются, заключил министр", None),
    ("ru-zakonoproekt", "Госдума одобрила в первом чтении законопроект о ратификации", None),
    ("ru-first-reading-after", "Госдума приняла законопроект о ратификации в первом чтении", None),
    # Belarusian
    ("be-padpishuc", "Беларусь і Расія падпішуць дамову аб гарантыях бяспекі", "expected"),
    ("be-planuyuc", "Дамову плануюць падпісаць у снежні", "expected"),
    ("be-uhvaliu-praekt", "Прэзідэнт ухваліў праект дамовы з Расіяй", "expected"),
    ("be-padpisali", "Лукашэнка і Пуцін падпісалі дамову аб гарантыях бяспекі", "signed"),
    ("be-padpisau", "Прэзідэнт падпісаў дамову ў Мінску", "signed"),
    ("be-ratyfikavala", "Палата прадстаўнікоў ратыфікавала дамову", "ratified"),
    ("be-ratyfikavau", "Савет Рэспублікі ратыфікаваў дамову", "ratified"),
    ("be-zakon-ab-ratyfikacyi", "Лукашэнка падпісаў закон аб ратыфікацыі дамовы", "ratified"),
    ("be-adobryu-zakon", "Савет Рэспублікі адобрыў закон аб ратыфікацыі дамовы", "ratified"),
    ("be-ustupila", "Дамова аб гарантыях бяспекі ўступіла ў сілу", "in_force"),
    ("be-nabyla-moc", "Дамова набыла моц", "in_force"),
    # German
    ("de-sollen", "Putin und Lukaschenko sollen am Freitag einen Sicherheitspakt unterzeichnen",
     "expected"),
    ("de-wollen", "Moskau und Minsk wollen einen Beistandsvertrag unterzeichnen", "expected"),
    ("de-unterzeichnet", "Russland und Belarus haben einen Sicherheitsvertrag unterzeichnet",
     "signed"),
    ("de-geplant", "Die Unterzeichnung des Vertrags ist für Freitag geplant", "expected"),
    ("de-geschlossen", "Moskau und Minsk haben einen Beistandspakt geschlossen", "signed"),
    ("de-ratifiziert", "Die Duma hat den Vertrag ratifiziert", "ratified"),
    ("de-in-kraft", "Der Sicherheitsvertrag ist in Kraft getreten", "in_force"),
    # Ukrainian
    ("uk-pidpyshut", "Росія і Білорусь підпишуть договір про гарантії безпеки", "expected"),
    ("uk-planuyut", "Мінськ і Москва планують підписати договір", "expected"),
    ("uk-pidpysaly", "Путін і Лукашенко підписали договір про гарантії безпеки", "signed"),
    ("uk-nabuv", "Договір про гарантії безпеки набув чинності", "in_force"),
]


@pytest.mark.parametrize(
    ("headline", "want"), [(h, w) for _, h, w in HEADLINES], ids=[i for i, _, _ in HEADLINES]
)
def test_headline_status(headline: str, want: Status | None) -> None:
    assert detect_status(headline) == want


# (id, title, summary, expected status): how the headline and the summary combine.
PRECEDENCE: list[tuple[str, str, str, Status | None]] = [
    ("summary-when-title-silent", "Kremlin comments on Minsk talks",
     "The presidents signed the security treaty on Friday.", "signed"),
    ("title-wins-over-summary", "Duma ratifies security treaty with Belarus",
     "Putin and Lukashenko signed the treaty in Minsk in December.", "ratified"),
    ("title-expected-wins", "Leaders to sign security pact",
     "The previous union treaty was signed in 1999.", "expected"),
    ("most-advanced-in-text", "",
     "The leaders signed the treaty and exchanged instruments of ratification.", "in_force"),
    ("completed-beats-future", "",
     "The Duma ratified the treaty; it will enter into force after the exchange.", "ratified"),
    ("after-expected-signing", "",
     "After the expected signing on Friday the allies reach a new level.", "expected"),
    ("both-silent", "Analysis: the Union State at 25", "Experts discuss integration.", None),
    ("empty", "", "", None),
]


@pytest.mark.parametrize(
    ("title", "summary", "want"),
    [(t, s, w) for _, t, s, w in PRECEDENCE],
    ids=[i for i, _, _, _ in PRECEDENCE],
)
def test_title_summary_precedence(title: str, summary: str, want: Status | None) -> None:
    assert detect_status(title, summary) == want


def test_normalisation_applies_before_matching() -> None:
    # Capitals, ё and typographic quotes must not hide a cue.
    assert status_of_text("ПУТИН ПОДПИСАЛ ЗАКОН «О РАТИФИКАЦИИ» ДОГОВОРА") == "ratified"
    assert status_of_text("Договор ВСТУПИЛ в силу") == "in_force"


def test_only_the_lede_is_read() -> None:
    assert MAX_CHARS < 4600
    filler = "Analysts discuss regional security at length. " * 100
    assert detect_status("", "The leaders signed the pact. " + filler) == "signed"
    assert detect_status("", filler + "The leaders signed the pact.") is None


def test_future_frame_overrides_the_verb_it_governs() -> None:
    cues = find_cues(normalize("the treaty will be signed"))
    statuses = {c.status for c in cues}
    assert {"expected", "signed"} <= statuses  # both match; resolution picks the frame
    assert status_of_text("the treaty will be signed") == "expected"


@pytest.mark.parametrize(
    "pattern", [p for _, p in ALL_CUES], ids=[f"cue{i}" for i in range(len(ALL_CUES))]
)
def test_every_cue_compiles_and_ignores_plain_text(pattern: str) -> None:
    assert re.compile(pattern).search("the weather in minsk is mild today") is None
