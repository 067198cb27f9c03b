"""A separate process that records whole attempts (attempt, level events,
standing) the way the app does, for the recording consistency tests.

    python tests/recording_worker.py URL LEARNER_NAME COUNT TAG [--ready FILE] [--go FILE]

COUNT 0 records until killed. Outcomes are synthetic review attempts whose
level and correctness follow from TAG and the index, so placement ends and
level moves happen; events are computed by `coach.runtime.recording`
inside the store's write transaction.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coach.runtime.outcome import AttemptOutcome
from coach.runtime.present import Shown
from coach.runtime.recording import record_outcome
from coach.store import open_store
from graders.judgment import Judgment, Truth, grade_judgment

WAIT_S = 120.0
T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            print(f"gave up waiting for {path}", file=sys.stderr)
            sys.exit(3)
        time.sleep(0.005)


def outcome(tag: str, i: int) -> AttemptOutcome:
    """A judged review attempt: a learner around level 3, right more often lower down."""
    rng = random.Random(f"{tag}-{i}")
    level = rng.randint(1, 6)
    wrong = rng.random() < 0.5
    right = rng.random() < (0.9 if level <= 3 else 0.3)
    said_wrong = wrong if right else not wrong
    judgment = Judgment(verdict="wrong" if said_wrong else "ok", confidence=0.8)
    truth = Truth.from_recorded(wrong, None, None, "recorded")
    at = T0 + timedelta(minutes=i)
    return AttemptOutcome(
        exercise_id=f"{tag}-{i % 40}",
        level=level,
        kind="review",
        placement=i < 12,
        started_at=at,
        finished_at=at + timedelta(seconds=30),
        shown=Shown(text=f"output {i}", review_item=0),
        judgment=judgment,
        truth=truth,
        judgment_grade=grade_judgment(judgment, truth),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("learner")
    parser.add_argument("count", type=int)
    parser.add_argument("tag")
    parser.add_argument("--ready", type=Path)
    parser.add_argument("--go", type=Path)
    args = parser.parse_args()

    store = open_store(args.url)
    learner = store.ensure_learner(args.learner, role="engineer")
    if args.ready:
        args.ready.touch()
    if args.go:
        wait_for(args.go)
    i = 0
    while args.count == 0 or i < args.count:
        record_outcome(store, learner.id, outcome(args.tag, i))
        i += 1
    store.close()
    print(f"{args.tag}: recorded {i}")


if __name__ == "__main__":
    main()
