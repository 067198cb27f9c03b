"""A separate process that writes attempts, for the store's concurrency tests.

    python tests/store_worker.py URL LEARNER_NAME COUNT TAG [--go FILE]
        [--pause-at N --resume FILE] [--ready FILE]
        [--shared NAME --shared-every K]

Opens the store (migrating it if new), ensures the learner, and adds COUNT
attempts with exercise ids "TAG-0" … . With --go it first waits for FILE to
exist, so several workers start together; with --pause-at it stops after N
attempts until FILE exists, so a reader can prove it saw a half-written state.
--ready FILE is created once the worker has imported everything and is about
to wait for --go, so a test can release all workers at the same instant.
With --shared, every K-th attempt (i % K == K - 1) goes to the learner NAME
instead, so many workers also extend one shared chain.
Waits give up after WAIT_S seconds (exit code 3) so a broken test cannot hang.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from coach.store import NewAttempt, open_store

WAIT_S = 120.0


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            print(f"gave up waiting for {path}", file=sys.stderr)
            sys.exit(3)
        time.sleep(0.005)


def attempt(tag: str, i: int) -> NewAttempt:
    start = datetime(2026, 3, 3, 9, 0, tzinfo=UTC) + timedelta(seconds=i)
    return NewAttempt(
        exercise_id=f"{tag}-{i}",
        exercise_level=1 + i % 6,
        kind="prompt",
        started_at=start,
        finished_at=start + timedelta(seconds=30),
        model="local/smollm2",
        prompt=f"prompt {i} from {tag}",
        real_output=f"output {i}",
        checks=[{"grader": "json", "passed": i % 2 == 0, "score": (i % 5) / 4}],
        output_score=(i % 5) / 4,
        judgment={"verdict": "wrong" if i % 3 else "acceptable", "confidence": 0.75},
        judgment_correct=i % 3 == 0,
        brier=0.0625,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("learner")
    parser.add_argument("count", type=int)
    parser.add_argument("tag")
    parser.add_argument("--go", type=Path)
    parser.add_argument("--pause-at", type=int)
    parser.add_argument("--resume", type=Path)
    parser.add_argument("--ready", type=Path)
    parser.add_argument("--shared")
    parser.add_argument("--shared-every", type=int, default=4)
    args = parser.parse_args()

    if args.ready:
        args.ready.touch()
    if args.go:
        wait_for(args.go)
    store = open_store(args.url)
    learner = store.ensure_learner(args.learner, role="engineer")
    shared = store.ensure_learner(args.shared, role="engineer") if args.shared else None
    every = args.shared_every
    for i in range(args.count):
        if args.pause_at is not None and i == args.pause_at:
            wait_for(args.resume)
        target = shared if shared is not None and i % every == every - 1 else learner
        store.add_attempt(target.id, attempt(args.tag, i))
    store.close()
    print(f"{args.tag}: wrote {args.count}")


if __name__ == "__main__":
    main()
