"""English status cues: modality (plans, intentions, possibility, agenda, deadline), acts
about the treaty (decrees, drafts, ratification laws) and the milestones themselves.
"""

from __future__ import annotations

from typing import Final

from bot.model import Status

Cue = tuple[Status | None, str]

# Optional filler words between a modal and its verb ("will be formally signed").
_ADV = r"(?:(?:be|also|soon|formally|officially|finally|jointly|then|now|not|both)\s+){0,3}"
_VERB = (
    r"(?:sign(?:ed)?|ratif(?:y|ied)|ink(?:ed)?|seal(?:ed)?|conclud(?:e|ed)|adopt(?:ed)?"
    r"|approv(?:e|ed)|enter|come\s+into|take\s+effect|exchang(?:e|ed)|ready|reflected"
    r"|enshrin(?:e|ed)|codif(?:y|ied)|finali[sz](?:e|ed)|formali[sz](?:e|ed)|put\s+pen|vote|consider)\b"
)
_BASE = r"(?:sign|ratify|ink|seal|conclude|exchange|enter|adopt|approve|formali[sz]e|vote)\b"
# Filler words that may sit between a qualifier and its document, but never a law or bill.
_GAP = r"(?:(?!law\b|bill\b|draft\b)[\w'-]+\s+)"
_DOC = r"(?:treaty|agreement|pact|deal|accord|concept|signing|document)"
_AGREEMENT = r"(?:treaty|agreement|pact|deal|accord)"
# A legislature acting on a treaty is its ratification, unless only a first reading passed.
_CHAMBER = (
    r"(?:duma|parliament|council\s+of\s+the\s+republic|federation\s+council|house\s+of\s+"
    r"representatives|senate|senators|lawmakers|legislators|deputies|mps|upper\s+house|lower\s+house)"
)
_BACKS = r"(?:approv(?:e|es|ed)|backs?|backed|endors(?:e|es|ed)|pass(?:es|ed)?|support(?:s|ed)?)"
_NOT_FIRST_READING = r"(?![^.;]{0,60}first\s+reading)"
_RATIF_LAW = (
    # A law number may sit in between: "signed law no. 60-z "on the ratification of ...".
    r"(?:(?:a|the)\s+)?(?:federal\s+)?(?:ratification\s+(?:law|bill)\b|(?:law|bill|legislation)\b"
    r"[^;]{0,40}?\b(?:on\s+(?:the\s+)?ratification|ratifying|to\s+ratify|that\s+ratifies))"
)
# Wanting, planning or expecting something done is not having it done (present tense:
# "the long-planned treaty was signed" reports the signing).
_INTEND = (
    r"(?:wants?|hopes?|expects?|plans?|planning|intends?|aims?|seeks?|needs?|would\s+like"
    r"|wishes?|urges?)"
)
_NOT_PAST = r"(?:(?!was\b|were\b|been\b|has\b|have\b|had\b)[\w'-]+\s+)"

_MODALITY: Final[tuple[Cue, ...]] = (
    # Future or modal framing: starts before the verb, so it wins the overlap.
    ("expected", rf"\b(?:will|would|shall|may|might|could|can|must|should)\s+{_ADV}{_VERB}"),
    ("expected", rf"\bto\s+{_ADV}{_VERB}"),
    ("expected", r"\bwill\s+(?:\w+\s+)?be\s+(?:\w+\s+)?\w+(?:ed|en)\b"),
    ("expected", r"\bsigning\b[^.;]{0,80}?\b(?:will|to|is\s+set\s+to)\s+take\s+place\b"),
    # Base verb further on: "to meet and sign", "will go to Minsk and sign", "will Minsk sign?"
    ("expected", rf"\bto\s+[\w-]+\s*(?:,|\s+and)\s+{_ADV}{_BASE}"),
    ("expected", rf"\b(?:will|would|shall|may|might|could|can)\s+(?:[\w-]+,?\s+){{1,5}}?{_BASE}"),
    # "wants the treaty signed before the end of the year", "expects it ratified".
    ("expected", rf"\b{_INTEND}\s+{_NOT_PAST}{{0,8}}?(?:signed|ratified|adopted|approved|sealed)\b"),
    ("expected", (r"\b(?:expected|upcoming|forthcoming|planned|future|anticipated|proposed"
                  rf"|prospective|draft)\s+{_GAP}{{0,2}}?{_DOC}")),
    ("expected", (r"\b(?:ahead\s+of|before|prior\s+to|in\s+the\s+run-up\s+to|pending)\s+"
                  r"(?:the\s+|its\s+)?(?:\w+\s+)?signing\b")),
    ("expected", r"\bready\s+(?:for|to\s+be)\s+(?:the\s+)?(?:sign(?:ing|ed|ature)|ratifi\w+)"),
    ("expected", r"\b(?:on|onto|tops?)\s+(?:the\s+)?agenda\b"),
    # Nearly done is not done: "practically ready", "all but agreed".
    ("expected", (r"\b(?:practically|almost|nearly|virtually|all\s+but|largely|essentially|basically)\s+"
                  r"(?:ready|agreed|finali[sz]ed|drafted)\b")),
    # Being written or negotiated: "drafting a treaty", "the pact is being negotiated".
    ("expected", (r"\b(?:draft(?:s|ing)|negotiat(?:e|es|ing)|hammer(?:s|ing)?\s+out|finali[sz](?:es|ing))\s+"
                  rf"(?:an?\s+|the\s+)?(?:[\w'-]+\s+){{0,3}}?{_AGREEMENT}")),
    ("expected", (rf"\b{_AGREEMENT}\b[^.;]{{0,60}}?\b(?:being\s+(?:drafted|prepared|negotiated|finali[sz]ed)"
                  r"|under\s+(?:negotiation|preparation|development)|in\s+the\s+works)\b")),
    # A second act in the same frame: "due to sign the treaty and approve the concept".
    ("expected", rf"\bto\s+{_ADV}{_BASE}[^.;]{{0,80}}?\band\s+{_ADV}{_BASE}"),
    # A promise to be put in a treaty: "Russia to protect Belarus by treaty".
    ("expected", (r"\b(?:should|must|to|is\s+to|are\s+to|wants?\s+to|would)\s+(?:[\w'-]+\s+){0,4}?"
                  rf"(?:by\s+(?:a\s+)?treaty|(?:under|in)\s+a\s+(?:new\s+)?{_AGREEMENT})\b")),
    ("expected", rf"\bwork(?:s|ing)?\s+on\s+(?:a|the)\s+(?:[\w-]+\s+){{0,3}}?{_AGREEMENT}"),
    # Futures that name their condition: "will enter into force after the exchange".
    ("expected", (r"\b(?:will|would|shall|to)\s+(?:\w+\s+){0,2}?(?:enter|come|go)\s+into\s+"
                  r"(?:force|effect)(?:\s+(?:after|upon|once|following|when)\b[^.;]{0,80})?")),
)

_ACTS: Final[tuple[Cue, ...]] = (
    # A decree or order about the signing authorises it: the treaty is not signed yet.
    ("expected", (r"\b(?:sign(?:s|ed)?\s+(?:a\s+|the\s+)?)?(?:decree|order|directive)\s+"
                  r"(?:on|approving|authori[sz]ing)\s+(?:the\s+)?(?:signing|signature|draft)\b")),
    ("expected", r"\b(?:order(?:s|ed)?|authori[sz](?:es|ed)|approv(?:es|ed))\s+(?:the\s+)?sign(?:ing|ature)\b"),
    ("expected", r"\bapprov\w*\s+(?:the\s+|a\s+)?draft\b(?!\s+(?:law|bill)\b)"),
    ("expected", rf"\bprepar(?:e|es|ing|ed)\s+(?:a\s+|the\s+)?(?:\w+\s+){{0,2}}?{_DOC}"),
    ("ratified", (rf"\b(?:sign(?:s|ed)?|approv(?:es|ed)|adopt(?:s|ed)|pass(?:es|ed)|endors(?:es|ed))\s+"
                  rf"{_RATIF_LAW}{_NOT_FIRST_READING}")),
    ("ratified", r"\bsign(?:s|ed)?\s+(?:a|the)\s+ratification\b"),
    ("ratified", r"\bsign(?:s|ed)?\b[^.;]{0,160}?\binto\s+law\b"),
)

_MILESTONES: Final[tuple[Cue, ...]] = (
    # Glued words from stripped HTML ("lukashenkosigned") still count; real words ending
    # in "signed" (designed, assigned, resigned, consigned, unsigned) do not.
    ("signed", r"(?<!de)(?<!as)(?<!re)(?<!con)(?<!un)signed\b"),
    # "signs off on" approves; "a sign of", "signs up", "signs that" are other words.
    ("signed", r"(?<!\ba\s)(?<!\bthe\s)\bsigns?\b(?!\s+(?:of|that|up)\b)(?!\s+off\b(?!\s+on\b))(?!-)"),
    ("signed", r"\bput(?:s|ting)?\s+(?:their\s+|his\s+|its\s+)?signatures?\s+(?:to|on|under)\b"),
    ("signed", r"\b(?:clinch(?:es|ed)|str(?:ike|ikes|uck)\s+(?:a\s+)?deal)\b"),
    ("signed", r"\bin(?:ks|ked)\b"),
    ("signed", r"\bsigning\b[^.;]{0,80}?\btook\s+place\b"),
    ("signed", r"\b(?:said|told|spoke|stated|added|noted|declared)\b[^.;]{0,40}?\bafter\s+(?:the\s+)?signing\b"),
    # For a concept, adoption by the leaders is its signing.
    ("signed", rf"\b(?:approv|adopt)(?:e|ed|es)\s+(?:the\s+|a\s+)?{_GAP}{{0,4}}?concept\b"),
    ("signed", rf"\b(?:concluded|seal(?:s|ed)?)\s+(?:an?\s+|the\s+)?(?:\w+\s+){{0,3}}?{_DOC}"),
    ("ratified", r"\bratif(?:ied|ies|y)\b"),
    ("ratified", (rf"\b{_CHAMBER}\s+(?:[\w-]+\s+){{0,3}}?{_BACKS}\s+"
                  rf"(?:the\s+|a\s+)?{_GAP}{{0,4}}?{_AGREEMENT}\b{_NOT_FIRST_READING}")),
    ("ratified", r"\bcomplet(?:es|ed)\s+(?:the\s+|its\s+)?ratification\b"),
    ("ratified", rf"\b{_BACKS}\s+(?:the\s+)?ratification\b"),
    ("ratified", (rf"\b{_CHAMBER}\s+(?:[\w-]+\s+){{0,3}}?(?:gives?|gave)\s+(?:its\s+|the\s+|final\s+)*"
                  r"(?:nod|green\s+light|go-ahead|approval|consent)\b")),
    ("ratified", rf"\b{_CHAMBER}\s+(?:[\w-]+\s+){{0,3}}?(?:rubber-stamp|green-light|okay)(?:s|ed)?\b"),
    ("ratified", r"\bvot(?:es|ed)\s+(?:\w+\s+)?(?:to\s+ratify|for\s+(?:the\s+)?ratification)\b"),
    ("in_force", r"\b(?:enter(?:s|ed)?|c[ao]mes?|go(?:es)?|went)\s+into\s+(?:force|effect)\b"),
    ("in_force", r"\bt(?:ook|akes)\s+effect\b"),
    ("in_force", r"\b(?:bring|brings|brought)\s+(?:[\w-]+\s+){0,6}?into\s+(?:force|effect)\b"),
    ("in_force", r"\bbec(?:ame|omes)\s+effective\b"),
    ("in_force", r"\b(?:now|officially|formally)\s+in\s+(?:force|effect)\b"),
    ("in_force", (r"\bexchang(?:e|es|ed)\s+(?:(?:the|their|its)\s+)?(?:ratification\s+"
                  r"(?:instruments|documents)|instruments)\b")),
    ("in_force", r"\bprotocol\s+on\s+(?:the\s+)?exchange\s+of\b"),
)

_BLOCKERS: Final[tuple[Cue, ...]] = (
    (None, (r"(?:\bnot|\bnever|n't)\s+(?:(?:yet|been|be|formally)\s+){0,2}"
            r"(?:sign|ratif|ent|c[ao]me)")),
    (None, (r"\b(?:submit|sen[dt]|forward|refer)\w*\s+[^.;]{0,120}?"
            r"(?:for\s+ratification|to\s+ratify)\b")),
)

EN: Final[tuple[Cue, ...]] = _MODALITY + _ACTS + _MILESTONES + _BLOCKERS
