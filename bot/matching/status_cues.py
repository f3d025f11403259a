"""Per-language cue tables for signing-status detection: (status, regex) over normalised text.

A cue whose status is None is a blocker: negation or a bill merely submitted for ratification.
"""

from __future__ import annotations

import re
from typing import Final

from bot.model import Status

Cue = tuple[Status | None, str]

# Optional filler words between a modal and its verb ("will be formally signed").
_ADV = r"(?:(?:be|also|soon|formally|officially|finally|jointly|then|now|not|both)\s+){0,3}"
_EN_VERB = (
    r"(?:sign(?:ed)?|ratif(?:y|ied)|ink(?:ed)?|seal(?:ed)?|conclud(?:e|ed)|adopt(?:ed)?"
    r"|approv(?:e|ed)|enter|come\s+into|take\s+effect|exchang(?:e|ed)|ready|reflected"
    r"|enshrined|finali[sz]ed)\b"
)
_EN_BASE = r"(?:sign|ratify|ink|seal|conclude|exchange|enter|adopt|approve)\b"
# Filler words that may sit between a qualifier and its document, but never a law or bill.
_EN_GAP = r"(?:(?!law\b|bill\b|draft\b)[\w-]+\s+)"
_EN_DOC = r"(?:treaty|agreement|pact|deal|accord|concept|signing|document)"
# A legislature acting on a treaty is its ratification, unless only a first reading passed.
_EN_CHAMBER = (
    r"(?:duma|parliament|council\s+of\s+the\s+republic|federation\s+council|house\s+of\s+"
    r"representatives|senate|senators|lawmakers|legislators|deputies|mps|upper\s+house|lower\s+house)"
)
_EN_BACKS = r"(?:approv(?:es|ed)|back(?:s|ed)|endors(?:es|ed)|pass(?:es|ed)|support(?:s|ed))"
_NOT_FIRST_READING = r"(?![^.;]{0,60}first\s+reading)"
_EN_RATIF_LAW = (
    # A law number may sit in between: "signed law no. 60-z "on the ratification of ...".
    r"(?:(?:a|the)\s+)?(?:federal\s+)?(?:ratification\s+(?:law|bill)\b|(?:law|bill|legislation)\b"
    r"[^;]{0,40}?\b(?:on\s+(?:the\s+)?ratification|ratifying|to\s+ratify|that\s+ratifies))"
)

EN: Final[tuple[Cue, ...]] = (
    # Future or modal framing: starts before the verb, so it wins the overlap.
    ("expected", rf"\b(?:will|would|shall|may|might|could|can|must|should)\s+{_ADV}{_EN_VERB}"),
    ("expected", rf"\bto\s+{_ADV}{_EN_VERB}"),
    ("expected", r"\bwill\s+(?:\w+\s+)?be\s+(?:\w+\s+)?\w+(?:ed|en)\b"),
    ("expected", r"\bsigning\b[^.;]{0,80}?\b(?:will|to|is\s+set\s+to)\s+take\s+place\b"),
    # Base verb further on: "to meet and sign", "will go to Minsk and sign", "will Minsk sign?"
    ("expected", rf"\bto\s+[\w-]+\s*(?:,|\s+and)\s+{_ADV}{_EN_BASE}"),
    ("expected", (rf"\b(?:will|would|shall|may|might|could|can)\s+(?:[\w-]+,?\s+){{1,5}}?"
                  rf"{_EN_BASE}")),
    ("expected", (rf"\b(?:expected|upcoming|forthcoming|planned|future|anticipated|proposed"
                  rf"|prospective|draft)\s+{_EN_GAP}{{0,2}}?{_EN_DOC}")),
    ("expected", (r"\b(?:ahead\s+of|before|prior\s+to|in\s+the\s+run-up\s+to|pending)\s+"
                  r"(?:the\s+|its\s+)?(?:\w+\s+)?signing\b")),
    ("expected", r"\bapprov\w*\s+(?:the\s+|a\s+)?draft\b(?!\s+(?:law|bill)\b)"),
    ("expected", (r"\b(?:sign(?:s|ed)?\s+(?:a\s+|the\s+)?)?(?:decree|order)\s+on\s+"
                  r"(?:the\s+)?signing\b")),
    ("expected", rf"\bprepar(?:e|es|ing|ed)\s+(?:a\s+|the\s+)?(?:\w+\s+){{0,2}}?{_EN_DOC}"),
    # Glued words from stripped HTML ("lukashenkosigned") still count; real words ending
    # in "signed" (designed, assigned, resigned, consigned, unsigned) do not.
    ("signed", r"(?<!de)(?<!as)(?<!re)(?<!con)(?<!un)signed\b"),
    ("signed", r"(?<!\ba\s)(?<!\bthe\s)\bsigns?\b(?!\s+(?:of|that|up|off)\b)(?!-)"),
    ("signed", r"\bin(?:ks|ked)\b"),
    ("signed", r"\bsigning\b[^.;]{0,80}?\btook\s+place\b"),
    # For a concept, adoption by the leaders is its signing.
    ("signed", rf"\b(?:approv|adopt)(?:ed|es)\s+(?:the\s+|a\s+)?{_EN_GAP}{{0,4}}?concept\b"),
    ("signed", rf"\b(?:concluded|seal(?:s|ed)?)\s+(?:an?\s+|the\s+)?(?:\w+\s+){{0,3}}?{_EN_DOC}"),
    ("ratified", r"\bratif(?:ied|ies|y)\b"),
    ("ratified", (rf"\b{_EN_CHAMBER}\s+(?:[\w-]+\s+){{0,3}}?{_EN_BACKS}\s+"
                  rf"(?:the\s+|a\s+)?{_EN_GAP}{{0,4}}?(?:treaty|agreement|pact|deal|accord)\b"
                  rf"{_NOT_FIRST_READING}")),
    ("ratified", r"\bcomplet(?:es|ed)\s+(?:the\s+|its\s+)?ratification\b"),
    ("ratified", (rf"\b(?:sign(?:s|ed)?|approv(?:es|ed)|adopt(?:s|ed)|pass(?:es|ed))\s+"
                  rf"{_EN_RATIF_LAW}{_NOT_FIRST_READING}")),
    ("ratified", r"\bsign(?:s|ed)?\b[^.;]{0,160}?\binto\s+law\b"),
    ("ratified", rf"\b{_EN_BACKS}\s+(?:the\s+)?ratification\b"),
    ("ratified", r"\bvot(?:es|ed)\s+(?:\w+\s+)?(?:to\s+ratify|for\s+(?:the\s+)?ratification)\b"),
    ("in_force", r"\b(?:enter(?:s|ed)?|c[ao]mes?|go(?:es)?|went)\s+into\s+(?:force|effect)\b"),
    ("in_force", r"\bt(?:ook|akes)\s+effect\b"),
    ("in_force", r"\b(?:bring|brings|brought)\s+(?:[\w-]+\s+){0,6}?into\s+(?:force|effect)\b"),
    ("in_force", r"\bbec(?:ame|omes)\s+effective\b"),
    ("in_force", r"\b(?:now|officially)\s+in\s+force\b"),
    ("in_force", (r"\bexchang(?:e|es|ed)\s+(?:(?:the|their|its)\s+)?(?:ratification\s+"
                  r"(?:instruments|documents)|instruments)\b")),
    ("in_force", r"\bprotocol\s+on\s+(?:the\s+)?exchange\s+of\b"),
    (None, (r"(?:\bnot|\bnever|n't)\s+(?:(?:yet|been|be|formally)\s+){0,2}"
            r"(?:sign|ratif|ent|c[ao]me)")),
    (None, (r"\b(?:submit|sen[dt]|forward|refer)\w*\s+[^.;]{0,120}?"
            r"(?:for\s+ratification|to\s+ratify)\b")),
)

_RU_DOC = r"(?:договор|соглашени|концепци|пакт|документ)"
_RU_CHAMBER = (
    r"(?:госдума|дума|совфед|совет\s+федерации|совет\s+республики|палата\s+представителей"
    r"|парламент|депутаты|сенаторы)"
)
RU: Final[tuple[Cue, ...]] = (
    ("expected", r"\b(?:подпиш(?:ут|ет|ем)|подписать|ратифицировать|заключить)\b"),
    ("expected", r"\bратифицирует\b"),  # bi-aspectual: in news it almost always means "will"
    ("expected", r"\bвступ(?:ит|ят|ить)\s+в\s+(?:законную\s+)?силу\b"),
    # Future passive covers "будет подписан", "будет отражено", "будет создана".
    ("expected", r"\bбуд(?:ет|ут)\s+(?:\w+\s+)?(?:\w+(?:н|т)[аоы]?|готов[аоы]?)\b"),
    ("expected", (rf"\b(?:ожидаем|предстоящ|будущ|запланированн|планируем|грядущ)\w*\s+"
                  rf"(?:\w+\s+)?(?:подписани|ратификаци|{_RU_DOC})")),
    ("expected", r"\b(?:накануне|перед|в\s+преддверии|в\s+ожидании|до)\s+(?:\w+\s+)?подписани"),
    ("expected", rf"\bпроект\w*\s+(?:\w+\s+)?{_RU_DOC}"),
    ("expected", (rf"\b(?:под)?готов(?:ят|ит|ится|ятся|или|ил|ила|ить|ятся)\s+(?:\w+\s+)?"
                  rf"(?:{_RU_DOC}|проект|к\s+подписанию)")),
    # "подписал указ о подписании": a decree authorising a signing that has not happened yet.
    ("expected", (r"\bподписал[аио]?\s+(?:\w+\s+)?(?:указ|распоряжение|постановление)\s+"
                  r"о\s+подписании\b")),
    ("signed", r"\bподписал[аио]?\b"),
    ("signed", r"\bподписан[аоы]?\b"),
    ("signed", r"\bподписыва(?:ют|ет)\b"),
    ("signed", r"\bподписани\w*\s+[^.;]{0,80}?\bсостоял\w*"),
    ("expected", r"\bподписани\w*\s+[^.;]{0,80}?\b(?:состоится|пройдет|намечено|запланировано)"),
    ("signed", rf"\bзаключил[аио]?\s+(?:\w+\s+){{0,3}}?{_RU_DOC}"),
    ("signed", r"\bзаключен[аоы]?\b"),
    ("signed", r"\b(?:утвердил|одобрил|принял)[аио]?\s+(?:(?!проект)\w+\s+){0,2}?концепци"),
    ("ratified", r"\bратифицировал[аио]?\b"),
    ("ratified", r"\bратифицирован[аоы]?\b"),
    ("ratified", (r"\b(?:одобрил|подписал|принял|утвердил)[аио]?\s+(?:федеральный\s+)?закон\b"
                  r"[^;]{0,40}?\bо\s+ратификации")),
    ("ratified", r"\b(?:одобрил|поддержал|завершил)[аио]?\s+ратификацию\b"),
    ("ratified", (r"\b(?:принял|одобрил)[аио]?\s+законопроект\s+\"?\s*о\s+ратификации"
                  r"(?![^.;]{0,60}перв\w+\s+чтени)")),
    ("ratified", (rf"\b{_RU_CHAMBER}\w*\s+(?:\w+\s+){{0,3}}?(?:одобрил|поддержал|принял)[аио]?\s+"
                  rf"(?:(?!законопроект|проект)\w+\s+)?{_RU_DOC}")),
    ("in_force", r"\bвступ(?:ил[аио]?|ает|ают)\s+в\s+(?:законную\s+)?силу\b"),
    ("in_force", r"\bобменял\w*\s+(?:\w+\s+){0,2}?грамотами\b"),
    ("in_force", r"\bпротокол\w*\s+об\s+обмене\b"),
    ("in_force", r"\bсостоял\w*\s+обмен\w*\s+(?:\w+\s+)?грамотами\b"),
    (None, r"\bне\s+(?:(?:был[аио]?|еще|пока|были)\s+){0,2}(?:подпис|ратифиц|вступил|заключ)\w*"),
    (None, r"\b(?:вн(?:ес|осит|есен)|направ|переда)\w*\s+(?:[^.;]{0,120}?)на\s+ратификацию\b"),
)

_BE_DOC = r"(?:дамов|пагадненн|канцэпцы|пакт|дакумент)"
BE: Final[tuple[Cue, ...]] = (
    ("expected", r"\b(?:падпішуць|падпіша|падпісаць|ратыфікаваць|заключыць)\b"),
    ("expected", r"\b[уў]ступіць\s+[уў]\s+сілу\b"),
    ("expected", r"\bбудз(?:е|уць)\s+(?:\w+\s+)?(?:\w+(?:н|т)[аыя]?|гатов[аыя]?)\b"),
    ("expected", rf"\bпраект\w*\s+(?:\w+\s+)?{_BE_DOC}"),
    ("expected", rf"\b(?:чака|будуч|запланаван|маючаг)\w*\s+(?:\w+\s+)?(?:падпісанн|{_BE_DOC})"),
    ("expected", r"\b(?:напярэдадні|перад)\s+(?:\w+\s+)?падпісанн"),
    ("expected", rf"\b(?:пад)?рыхту(?:юць|е)\s+(?:\w+\s+)?{_BE_DOC}"),
    ("expected", r"\bпадпісаў\s+(?:\w+\s+)?(?:указ|распараджэнне)\s+аб\s+падпісанні\b"),
    ("signed", r"\b(?:падпісал[іа]|падпісаў|падпісан[аы])\b"),
    ("expected", r"\bпадпісанн\w*\s+[^.;]{0,80}?\bадбудзецца\b"),
    ("signed", r"\b(?:зацвердзі|ухвалі|прыня)(?:ў|ла|лі)\s+(?:(?!праект)\w+\s+){0,2}?канцэпцы"),
    ("signed", rf"\bзаключыл[іа]\s+(?:\w+\s+){{0,3}}?{_BE_DOC}"),
    ("signed", r"\bpadpisa(?:li|ŭ|la)\b"),
    ("ratified", r"\b(?:ратыфікаваў|ратыфікавал[аі]|ратыфікаван[аы])\b"),
    ("ratified", (r"\b(?:падпісаў|ухвалі|адобры|прыня)(?:ў|ла|лі)?\s+закон\b"
                  r"[^;]{0,40}?\bаб\s+ратыфікацыі")),
    ("ratified", r"\bratyfikava(?:li|ŭ|la)\b"),
    ("in_force", r"\b[уў]ступ(?:іў|іла|іла|ілі|ае|аюць)\s+[уў]\s+сілу\b"),
    ("in_force", r"\bнабы(?:ў|ла|ло|вае)\s+моц\b"),
    ("in_force", r"\bабмяняліся\s+(?:\w+\s+)?граматамі\b"),
    ("in_force", r"\bпратакол\w*\s+аб\s+абмене\b"),
    (None, r"\bне\s+(?:(?:быў|была|былі|яшчэ)\s+){0,2}(?:падпіс|ратыфік|[уў]ступ)\w*"),
)

_UK_DOC = r"(?:договор|угод|концепці|пакт|документ)"
UK: Final[tuple[Cue, ...]] = (
    ("expected", r"\b(?:підпишуть|підпише|підписати|ратифікувати|укласти)\b"),
    ("expected", r"\bнабуде\s+чинності\b"),
    ("expected", r"\bбуде\s+(?:\w+\s+)?\w+(?:н|т)[оаі]?\b"),
    ("expected", rf"\bпроєкт\w*\s+(?:\w+\s+)?{_UK_DOC}"),
    ("expected", rf"\b(?:очікуван|майбутн|запланован)\w*\s+(?:\w+\s+)?(?:підписанн|{_UK_DOC})"),
    ("signed", r"\b(?:підписал[иа]|підписав|підписан[оа])\b"),
    ("signed", rf"\bуклал[иа]\s+(?:\w+\s+){{0,3}}?{_UK_DOC}"),
    ("ratified", r"\b(?:ратифікува(?:в|ла|ли)|ратифікован[оа])\b"),
    ("ratified", (r"\b(?:підписав|ухвалила|ухвалив|ухвалили)\s+закон\b"
                  r"[^;]{0,40}?\bпро\s+ратифікацію")),
    ("in_force", r"\bнаб(?:у|ра)(?:в|ла|ло)\s+чинності\b"),
    ("in_force", r"\bнабира(?:є|ють)\s+чинності\b"),
    ("in_force", r"\bвступи(?:в|ла|ло)\s+в\s+силу\b"),
    ("in_force", r"\bобмінял\w*\s+(?:\w+\s+)?грамотами\b"),
    (None, r"\bне\s+(?:(?:був|була|було|ще)\s+){0,2}(?:підпис|ратифік|набу)\w*"),
)

DE: Final[tuple[Cue, ...]] = (
    # German puts the verb last, so the modal and the participle may be far apart.
    ("expected", (r"\b(?:soll|sollen|will|wollen|wird|werden|möchten|planen|wollten|sollten)\b"
                  r"[^.;:]{0,80}?\b(?:unterzeichn\w*|unterschreiben|ratifizier\w*"
                  r"|in\s+kraft\s+treten)")),
    ("expected", r"\b(?:unterzeichnet|ratifiziert)\s+werden\b"),
    ("expected", r"\b(?:vertrags|abkommens)?entwurf\w*\b"),
    ("expected", (r"\b(?:geplant|bevorstehend|künftig)\w*\s+(?:\w+\s+)?(?:unterzeichnung|vertrag"
                  r"|abkommen|pakt)\w*")),
    ("expected", r"\bunterzeichnung\b[^.;]{0,60}?\bgeplant\b"),
    ("signed", r"\b(?:unterzeichne(?:t|te|ten|n)|unterschrieben|unterschreiben)\b"),
    ("signed", r"\b(?:abgeschlossen|geschlossen|schlossen)\b"),
    ("ratified", r"\bratifizier(?:t|te|ten|en)\b"),
    ("in_force", r"\bin\s+kraft\s+(?:getreten|trat|tritt)\b"),
    ("in_force", r"\b(?:tritt|trat|traten)\s+(?:\w+\s+){0,4}?in\s+kraft\b"),
    ("in_force", (r"\b(?:tauschten|ausgetauscht)\b[^.;]{0,60}?ratifikationsurkunden"
                  r"|ratifikationsurkunden\b[^.;]{0,60}?\b(?:ausgetauscht|tauschten)\b")),
    (None, r"\bnicht\s+(?:\w+\s+)?(?:unterzeichnet|ratifiziert|in\s+kraft)"),
)

ALL_CUES: Final[tuple[Cue, ...]] = EN + RU + BE + UK + DE


def compile_cues(cues: tuple[Cue, ...]) -> tuple[tuple[Status | None, re.Pattern[str]], ...]:
    """Compile a cue table once; patterns are fixed literals, never user input."""
    return tuple((status, re.compile(pattern)) for status, pattern in cues)
