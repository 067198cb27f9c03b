"""coach's records: SQLite by default, PostgreSQL for teams, with migrations.

Never imports textual or litellm (the layer test checks it).
"""

from __future__ import annotations

from coach.store.db import open_store
from coach.store.hashchain import GENESIS, ChainProblem, canonical_json, chain_hash, verify_chain
from coach.store.records import (
    AttemptRecord,
    Draft,
    LearnerRecord,
    LevelEvent,
    NewAttempt,
    SprintRecord,
    Standing,
    learner_key,
)
from coach.store.store import Store, UnknownLearner

__all__ = [
    "GENESIS",
    "AttemptRecord",
    "ChainProblem",
    "Draft",
    "LearnerRecord",
    "LevelEvent",
    "NewAttempt",
    "SprintRecord",
    "Standing",
    "Store",
    "UnknownLearner",
    "canonical_json",
    "chain_hash",
    "learner_key",
    "open_store",
    "verify_chain",
]
