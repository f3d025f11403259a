"""German status cues: modality (the modal and its verb may be far apart, the verb comes
last), acts about the treaty (drafts, ratification laws) and the milestones themselves.
Text arrives casefolded, so ß is written "ss" here.
"""

from __future__ import annotations

from typing import Final

from bot.model import Status

Cue = tuple[Status | None, str]

_MODAL = (
    r"(?:soll|sollen|sollte|sollten|will|wollen|wollte|wollten|wird|werden|möchten|plan(?:t|en)"
    r"|könnte|könnten|kann|können|dürfte|dürften|beabsichtig\w+)"
)
_ACT = (
    r"(?:unterzeichn\w*|unterschreiben|ratifizier\w*|in\s+kraft\s+treten|(?:ab)?schliessen"
    r"|(?:ab)?geschlossen|besiegel\w*|verabschied\w*|billigen|gebilligt|beschliessen|beschlossen"
    r"|ausgearbeitet|erarbeitet|vorbereitet|ausgehandelt)"
)
_DOC = r"(?:vertrag|abkommen|pakt|sicherheits\w+|beistands\w+)"
_CHAMBER = (
    r"(?:duma|staatsduma|föderationsrat|parlament|senat|abgeordnete\w*|unterhaus|oberhaus"
    r"|repräsentantenhaus|rat\s+der\s+republik)"
)
_RATIF_LAW = r"(?:ratifizierungsgesetz\w*|gesetz\w*\s+(?:zur|über\s+die)\s+ratifi\w+)"

DE: Final[tuple[Cue, ...]] = (
    # Modality: "sollen ... unterzeichnen", "werden im Jahr 2025 verabschiedet".
    ("expected", rf"\b{_MODAL}\b[^.;:]{{0,80}}?\b{_ACT}"),
    ("expected", r"\b(?:unterzeichnet|ratifiziert)\s+werden\b"),
    ("expected", r"\b(?:vertrags|abkommens)?entwurf\w*\b"),
    ("expected", (r"\b(?:geplant|bevorstehend|künftig)\w*\s+(?:\w+\s+)?(?:unterzeichnung|vertrag"
                  r"|abkommen|pakt)\w*")),
    ("expected", r"\b(?:unterzeichnung|ratifizierung|abschluss)\b[^.;]{0,60}?\b(?:geplant|erwartet)\b"),
    ("expected", r"\berwarte\w*\s+(?:\w+\s+){0,3}?(?:unterzeichnung|ratifizierung)"),
    ("expected", r"\barbeite\w*\s+an\b|\bbis\s+(?:zum\s+)?(?:ende\s+des\s+jahres|jahresende)\b"),
    ("expected", r"\btagesordnung\b"),
    # An infinitive with zu is a plan or an announcement: "kündigte an, ... zu unterzeichnen".
    ("expected", (r"\bzu\s+(?:unterzeichnen|unterschreiben|ratifizieren|schliessen|besiegeln|verabschieden)\b"
                  r"|\b(?:abzuschliessen|festzuschreiben|festzulegen|abzusichern)\b")),
    # A demand or plan put in a treaty: "Russland soll Belarus vertraglich schützen".
    ("expected", rf"\b{_MODAL}\b[^.;:]{{0,60}}?\bvertraglich"),
    # Nearly done, or still being written: "praktisch fertig", "wird ausgearbeitet".
    ("expected", (r"\b(?:praktisch|nahezu|fast|so\s+gut\s+wie|weitgehend|im\s+wesentlichen)\s+"
                  r"(?:fertig\w*|unterschriftsreif\w*|ausgehandelt|abgestimmt|vereinbart)\b|\bunterschriftsreif")),
    ("expected", r"\b(?:ausarbeit|erarbeit|aushandl)\w*|\bbereite(?:n|t)\b[^.;]{0,60}?\bvor\b"),
    # Acts about the treaty: the law ratifying it, signed in either order.
    ("ratified", rf"\b(?:unterzeichne\w*|unterschr\w+)\b[^.;]{{0,60}}?{_RATIF_LAW}"),
    ("ratified", rf"{_RATIF_LAW}[^.;]{{0,80}}?\b(?:unterzeichnet|unterschrieben)\b"),
    ("ratified", r"\bratifizierung\w*\b[^.;]{0,160}?\b(?:abgeschlossen|zugestimmt)\b"),
    # Milestones; a present-tense headline ("unterzeichnen", "schließen") reports the act.
    ("signed", r"\b(?:unterzeichne(?:t|te|ten|n)|unterschrieben|unterschreib(?:en|t))\b"),
    ("signed", r"\b(?:abgeschlossen|geschlossen|schlossen|schliessen|schliesst|besiegel(?:n|t|te|ten))\b"),
    # The concept "gebilligt": unless a modal in between makes it a plan ("werden ... verabschiedet").
    ("signed", (rf"konzept\w*\b(?:(?!\b{_MODAL}\b)[^.;]){{0,120}}?\b(?:gebilligt|verabschiedet|angenommen"
                r"|beschlossen)\b"
                r"|\b(?:billig|verabschied)(?:en|t|te|ten)\b[^.;]{0,40}?konzept")),
    ("ratified", r"\bratifizier(?:t|te|ten|en)\b"),
    ("ratified", (rf"\b{_CHAMBER}\b[^.;]{{0,40}}?\b(?:billigt|billigte|ratifiziert\w*|verabschiedet\w*)"
                  rf"\b[^.;]{{0,40}}?{_DOC}")),
    ("ratified", rf"\b{_CHAMBER}\b[^.;]{{0,20}}?\bstimm(?:t|te|ten)\b[^.;]{{0,80}}?\bzu\b"),
    ("in_force", r"\bin\s+kraft\s+(?:getreten|trat|tritt)\b"),
    ("in_force", r"\b(?:tritt|trat|traten)\s+(?:\w+\s+){0,4}?in\s+kraft\b"),
    ("in_force", r"\b(?:jetzt|nun|ab\s+sofort)\s+(?:in\s+kraft|wirksam)\b|\bwirksam\s+geworden\b"),
    ("in_force", (r"\bgilt\s+(?:ab\s+sofort|seit|ab\s+heute|nun|jetzt)\b"
                  r"|\b(?:ist|sind)\s+(?:(?:jetzt|nun|bereits|seit\s+\w+)\s+)?in\s+kraft\b(?!\s+(?:getreten|treten|gesetzt|zu)\b)")),
    ("in_force", (r"\b(?:tausch(?:en|ten|t)|ausgetauscht)\b[^.;]{0,60}?ratifikationsurkunden"
                  r"|ratifikationsurkunden\b[^.;]{0,60}?\b(?:ausgetauscht|tauschten)\b")),
    (None, r"\bnicht\s+(?:\w+\s+)?(?:unterzeichnet|ratifiziert|in\s+kraft)"),
)
