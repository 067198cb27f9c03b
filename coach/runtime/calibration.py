"""The item calibration in use: `coach calibrate`'s file, when there is one.

Calibrated difficulties change what the engine concludes, so they are part of
the engine version that stored standings and snapshots carry: a new or
changed file makes them stale, and the next reader replays with it. A team
that calibrates on its shared database gives every member the same file
(copy it to each data folder, or point `COACH_CALIBRATION` at one place).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from coach.engine.calibration import Calibration, CalibrationFile
from coach.engine.version import engine_version
from coach.paths import data_dir

FILE_NAME = "calibration.json"


def calibration_path() -> Path:
    override = os.environ.get("COACH_CALIBRATION")
    return Path(override).expanduser() if override else data_dir() / FILE_NAME


def current_calibration() -> Calibration | None:
    """The calibration to use now (None: the authored difficulties)."""
    path = calibration_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int, _size: int) -> Calibration | None:
    try:
        data = CalibrationFile.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, ValidationError):
        return None  # an unreadable file is ignored, as if none: `coach calibrate` rewrites it
    return Calibration(data)


def current_engine_version() -> str:
    """The engine version under the calibration in use."""
    calibration = current_calibration()
    return engine_version(calibration=calibration.digest() if calibration else "")
