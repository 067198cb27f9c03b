"""The engine's version: which rules and parameters produced a level or a snapshot.

A stored standing, tracker snapshot or level event is only comparable with the
engine that made it. `ENGINE_VERSION` hashes the rules tag and the default
parameters; bump `RULES` whenever the rules change in a way the parameters do
not show. A reader that finds another version replays the history.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from coach.engine.params import DEFAULT_PARAMS, EngineParams

# Bump on any change to the response model, counting or move rules.
RULES = "engine-2: 2ht-judgment, binary-output, fit-floor, repeats, own-exercises, retake"


@lru_cache(maxsize=16)
def engine_version(params: EngineParams = DEFAULT_PARAMS, calibration: str = "") -> str:
    """A short stable hash of the rules tag, `params` and the calibration in use.

    `calibration` is `Calibration.digest()` ("" without one): a new calibration
    file makes every stored snapshot stale, so levels are replayed with it.
    """
    text = RULES + repr(params) + (f"|calibration:{calibration}" if calibration else "")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


ENGINE_VERSION = engine_version(DEFAULT_PARAMS)
