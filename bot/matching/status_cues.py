"""Status cue tables, per language, as (status, regex) over normalised text; a cue whose
status is None is a blocker (negation, a bill merely submitted for ratification).
"""

from __future__ import annotations

import re
from typing import Final

from bot.matching.cue_needles import needles
from bot.matching.status_cues_be_uk import BE, UK
from bot.matching.status_cues_de import DE
from bot.matching.status_cues_en import EN
from bot.matching.status_cues_ru import RU
from bot.model import Status

Cue = tuple[Status | None, str]

ALL_CUES: Final[tuple[Cue, ...]] = EN + RU + BE + UK + DE


CompiledCue = tuple[Status | None, re.Pattern[str], tuple[str, ...] | None]


def compile_cues(cues: tuple[Cue, ...]) -> tuple[CompiledCue, ...]:
    """Compile a cue table once; patterns are fixed literals, never user input. Each comes
    with its needles: words one of which a text must contain for the regex to match."""
    return tuple((status, re.compile(pattern), needles(pattern)) for status, pattern in cues)
