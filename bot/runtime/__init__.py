"""The shell of `python -m bot run`: wires stages, schedules jobs, runs until a signal.

Offers `run` (both modes), `build_application` and `settle_heap`.
"""

from bot.runtime.modes import run
from bot.runtime.wiring import build_application, settle_heap

__all__ = ["build_application", "run", "settle_heap"]
