"""Status cue tables, per language, as (status, regex) over normalised text; a cue whose
status is None is a blocker (negation, a bill merely submitted for ratification).
"""

from __future__ import annotations

import re
from typing import Final

from bot.matching.status_cues_be_uk import BE, UK
from bot.matching.status_cues_de import DE
from bot.matching.status_cues_en import EN
from bot.matching.status_cues_ru import RU
from bot.model import Status

Cue = tuple[Status | None, str]

ALL_CUES: Final[tuple[Cue, ...]] = EN + RU + BE + UK + DE


def compile_cues(cues: tuple[Cue, ...]) -> tuple[tuple[Status | None, re.Pattern[str]], ...]:
    """Compile a cue table once; patterns are fixed literals, never user input."""
    return tuple((status, re.compile(pattern)) for status, pattern in cues)
