"""The engine: ability, placement, level moves, selection and judgment metrics.

Pure: no IO, no UI, no model client, no store or content imports. It takes the
exercise bank (`ItemInfo`) and a learner's attempt history (`AttemptEvidence`)
and answers what next, what level, whether to move, and why.
"""

from coach.engine.ability import AbilityState, Scale
from coach.engine.evidence import AttemptEvidence, ItemInfo
from coach.engine.judgment_metrics import JudgmentMetrics, JudgmentRecord, judgment_metrics
from coach.engine.moves import LevelMove, decide_move
from coach.engine.params import DEFAULT_PARAMS, EngineParams
from coach.engine.placement import SELF_REPORT_OPTIONS, Placement, PlacementResult
from coach.engine.replay import (
    LearnerTracker,
    LevelEventData,
    TrackerSnapshot,
    current_level,
    replay,
)
from coach.engine.role_gap import RoleGap, role_gap
from coach.engine.select import SprintFilter, next_exercise
from coach.engine.version import ENGINE_VERSION, engine_version

__all__ = [
    "DEFAULT_PARAMS",
    "ENGINE_VERSION",
    "SELF_REPORT_OPTIONS",
    "AbilityState",
    "AttemptEvidence",
    "EngineParams",
    "ItemInfo",
    "JudgmentMetrics",
    "JudgmentRecord",
    "LearnerTracker",
    "LevelEventData",
    "LevelMove",
    "Placement",
    "PlacementResult",
    "RoleGap",
    "Scale",
    "SprintFilter",
    "TrackerSnapshot",
    "current_level",
    "decide_move",
    "engine_version",
    "judgment_metrics",
    "next_exercise",
    "replay",
    "role_gap",
]
