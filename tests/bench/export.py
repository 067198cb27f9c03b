"""How long `coach export` takes against a plain SQL dump of the same attempts.

Builds a SQLite store of N learners × M attempts (bulk insert with SQLAlchemy
Core executemany, hashes from `coach.store.hashchain`), with the level events
and stored standing that recording them in the app leaves behind (one replay
per learner, untimed), then times, in one run:

- the export to CSV and to HTML (in-process: `build_export` + the writer);
- `sqlite3 -csv` dumping every attempt row (the sqlite3 CLI if on PATH, else
  Python's sqlite3 module writing with csv; the output says which).

Prints the figures and the ratios (goal: export / dump <= 3), plus the time
the export spent replaying attempts through the engine (zero while every
stored standing is fresh; `--stale` also times the export that finds every
standing stale, as the first one after an engine upgrade does).

    .venv/bin/python tests/bench/export.py [--learners 2000] [--attempts 250]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from coach.content import load_catalog
from coach.engine.replay import LearnerTracker
from coach.export import build_export, write_csv, write_html
from coach.runtime.evidence import evidence_of, weakness_evidence_of
from coach.runtime.recording import standing_of
from coach.store import GENESIS, NewAttempt, Store, chain_hash, open_store
from coach.store.schema import attempts, learners, level_events, standings

ROLES = ["individual-contributor", "analyst", "marketer", "sales"]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def populate(url: str, n_learners: int, n_attempts: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    store = open_store(url)
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(learners),
            [
                {
                    "key": f"email:p{i}@example.com",
                    "name": f"Person {i}",
                    "email": f"p{i}@example.com",
                    "role": ROLES[i % len(ROLES)],
                    "created_at": T0,
                }
                for i in range(n_learners)
            ],
        )
        ids = [row.id for row in conn.execute(sa.select(learners.c.id).order_by(learners.c.id))]
    for learner_id in ids:
        skill = rng.uniform(0.5, 4.5)
        prev = GENESIS
        rows = []
        for k in range(n_attempts):
            level = max(1, min(6, round(skill + rng.uniform(-1, 1))))
            start = T0 + timedelta(hours=6 * k)
            truth = rng.random() < 0.5
            p_right = 0.55 + 0.08 * skill
            said = truth if rng.random() < p_right else not truth
            new = NewAttempt(
                exercise_id=f"ex-{level}-{k % 20}",
                exercise_level=level,
                kind="prompt",
                exercise_difficulty=0.0,
                placement=k < 8,
                started_at=start,
                finished_at=start + timedelta(minutes=4),
                model="local/smollm2",
                model_tier="standard",
                prompt=f"Write a summary of document {k}",
                output_shown=f"Summary text {k}",
                checks=[{"grader": "length", "passed": True}],
                output_score=round(min(1.0, max(0.0, rng.gauss(0.35 + skill / 8, 0.2))), 3),
                judgment={
                    "verdict": "wrong" if said else "acceptable",
                    "confidence": 0.75,
                    "truth_wrong": truth,
                },
                judgment_correct=said == truth,
            )
            digest = chain_hash(prev, new)
            rows.append(
                {**new.model_dump(), "learner_id": learner_id, "prev_hash": prev, "hash": digest}
            )
            prev = digest
        with store.engine.begin() as conn:
            conn.execute(sa.insert(attempts), rows)
        settle(store, learner_id)
    store.close()


def settle(store: Store, learner_id: int) -> None:
    """What recording each attempt in the app leaves behind besides the attempt:
    the level events of the replay and the learner's stored standing."""
    records = store.attempts(learner_id)
    tracker = LearnerTracker.from_history(evidence_of(r) for r in records)
    if tracker.events:
        with store.engine.begin() as conn:
            conn.execute(
                sa.insert(level_events),
                [{**e.model_dump(), "learner_id": learner_id} for e in tracker.events],
            )
    head = records[-1].hash if records else GENESIS
    recent = [weakness_evidence_of(r) for r in records[-40:]]
    store.save_standing(standing_of(learner_id, head, len(records), tracker, recent))


def dump_sql(db: Path, out: Path) -> str:
    query = "SELECT * FROM attempts ORDER BY learner_id, id;"
    if shutil.which("sqlite3"):
        with out.open("wb") as handle:
            subprocess.run(
                ["sqlite3", "-csv", "-header", str(db), query], stdout=handle, check=True
            )
        return "sqlite3 CLI (-csv)"
    with sqlite3.connect(db) as conn, out.open("w", newline="", encoding="utf-8") as handle:
        cursor = conn.execute(query)
        writer = csv.writer(handle)
        writer.writerow(d[0] for d in cursor.description)
        writer.writerows(cursor)
    return "Python sqlite3 module + csv (no sqlite3 CLI)"


class ReplayTimer:
    """Adds up time spent in `LearnerTracker.from_history` (the engine replay)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._original = LearnerTracker.__dict__["from_history"]

    def __enter__(self) -> ReplayTimer:
        original = self._original.__func__  # type: ignore[attr-defined]

        def timed(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return original(cls, *args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        LearnerTracker.from_history = classmethod(timed)  # type: ignore[assignment,method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        LearnerTracker.from_history = self._original  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--attempts", type=int, default=250)
    parser.add_argument(
        "--stale",
        action="store_true",
        help="also time a CSV export with every stored standing stale (as after an "
        "engine upgrade: each person is replayed once, and the standing stored again)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        url = f"sqlite:///{db}"
        t = time.perf_counter()
        populate(url, args.learners, args.attempts)
        print(
            f"store: {args.learners} learners × {args.attempts} attempts "
            f"({args.learners * args.attempts} rows) built in {time.perf_counter() - t:.1f} s"
        )
        catalog = load_catalog()
        store = open_store(url)
        people = store.list_learners()
        figures: dict[str, tuple[float, float]] = {}
        for fmt, writer in (("csv", write_csv), ("html", write_html)):
            with ReplayTimer() as replay_time:
                t = time.perf_counter()
                result = build_export(store, catalog, people, with_chain=False)
                writer(result, folder / f"export.{fmt}")
                figures[fmt] = (time.perf_counter() - t, replay_time.seconds)
        if args.stale:
            with store.engine.begin() as conn:
                conn.execute(sa.update(standings).values(engine_version="stale"))
            with ReplayTimer() as replay_time:
                t = time.perf_counter()
                write_csv(build_export(store, catalog, people, with_chain=False), folder / "s.csv")
                figures["csv, stale"] = (time.perf_counter() - t, replay_time.seconds)
        store.close()
        t = time.perf_counter()
        how = dump_sql(db, folder / "dump.csv")
        dump = time.perf_counter() - t
    print(f"SQL dump of attempts: {dump:.2f} s via {how}")
    for fmt, (seconds, replay_seconds) in figures.items():
        rest = seconds - replay_seconds
        print(
            f"export {fmt:>10}: {seconds:7.2f} s  ratio {seconds / dump:6.1f}  "
            f"(engine replay {replay_seconds:.2f} s; without it {rest:.2f} s, "
            f"ratio {rest / dump:.1f})"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
