"""What recording one attempt costs at 10, 1,000 and 5,000 attempts of history.

Recording (`coach.runtime.recording.record_outcome`) continues from the
engine snapshot stored with the learner's standing, so its cost should not
grow with the history. For each history length this builds a SQLite store of
one learner with that many attempts (bulk insert, untimed, then one replay to
store the standing and its snapshot, as the app leaves it), times recording
`--repeat` more attempts one by one, and prints the median per attempt in
milliseconds and its ratio to the 10-attempt store in the same run (flat is
about 1.0). The engine-and-store time is all of it: no model is called.

    .venv/bin/python tests/bench/recording.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export import populate
from recording_worker import outcome

from coach.runtime.recording import record_outcome
from coach.store import open_store

HISTORIES = (10, 1_000, 5_000)


def time_recording(history: int, repeat: int) -> float:
    """Median seconds to record one attempt after `history` attempts."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        populate(url, 1, history)
        store = open_store(url)
        learner = store.list_learners()[0]
        record_outcome(store, learner.id, outcome("warm", 0))  # first connection, caches
        times = []
        for i in range(repeat):
            start = time.perf_counter()
            record_outcome(store, learner.id, outcome("bench", i))
            times.append(time.perf_counter() - start)
        store.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    results = {n: time_recording(n, args.repeat) for n in HISTORIES}
    base = results[HISTORIES[0]]
    print(f"{'history':>8}  {'ms per attempt':>14}  {'ratio to 10':>11}")
    for n, seconds in results.items():
        print(f"{n:>8}  {seconds * 1000:>14.2f}  {seconds / base:>11.2f}")


if __name__ == "__main__":
    main()
