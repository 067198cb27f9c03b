"""The sprint board on a store with three learners, figures worked out by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from coach.cli.sprint_cmd import sprint as sprint_group
from coach.sprints.board import RoleTarget, board, render, tally
from coach.store import Store, open_store
from coach.store.records import NewAttempt

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROLES = {
    "analyst": RoleTarget("Analyst", 4),
    "support-agent": RoleTarget("Support agent", 2),
    "executive": RoleTarget("Executive", 2),
}


def attempt(
    n: int,
    *,
    sprint_id: int | None,
    score: float | None = None,
    right: bool | None = None,
    level: int = 1,
) -> NewAttempt:
    start = T0 + timedelta(minutes=n)
    return NewAttempt(
        exercise_id=f"ex-{n}",
        exercise_level=level,
        kind="review" if score is None else "prompt",
        exercise_difficulty=0.0,
        needs_model="any",
        started_at=start,
        finished_at=start + timedelta(seconds=30),
        output_score=score,
        judgment_correct=right,
        judgment=None if right is None else {"verdict": "acceptable", "confidence": 0.8},
        sprint_id=sprint_id,
    )


def seeded(path: Path) -> tuple[Store, int, int]:
    store = open_store(f"sqlite:///{path}")
    one = store.create_sprint("Week 1", {"hash": "a"}, T0, T0 + timedelta(hours=1))
    two = store.create_sprint("Week 2", {"hash": "b"}, T0, T0 + timedelta(hours=1))
    zoe = store.ensure_learner("Zoe", "analyst")
    ada = store.ensure_learner("ada", "support-agent")
    bob = store.ensure_learner("Bob", "executive")
    # Ada: one attempt before the sprint, three in it (pass+right, fail+wrong, review right).
    store.add_attempt(ada.id, attempt(0, sprint_id=None, score=1.0, right=True))
    store.add_attempt(ada.id, attempt(1, sprint_id=one.id, score=0.9, right=True))
    store.add_attempt(ada.id, attempt(2, sprint_id=one.id, score=0.2, right=False))
    store.add_attempt(ada.id, attempt(3, sprint_id=one.id, right=True))
    # Zoe: five passes in the sprint at level 1 (the first one places her at 1).
    for n in range(10, 15):
        store.add_attempt(zoe.id, attempt(n, sprint_id=one.id, score=1.0))
    # Bob: only in the other sprint.
    store.add_attempt(bob.id, attempt(20, sprint_id=two.id, score=0.5, right=False))
    return store, one.id, two.id


def test_tally_counts_only_the_sprint(tmp_path: Path) -> None:
    store, one, _ = seeded(tmp_path / "coach.db")
    with store:
        ada = store.find_learner("Ada")
        assert ada is not None
        counted = tally(store.attempts(ada.id), one)
    assert (counted.attempts, counted.passes) == (3, 2)  # 0.9 and the review judged right
    assert (counted.judged_right, counted.judged) == (2, 3)
    assert counted.moves == []  # her placement came from the attempt outside the sprint


def test_board_rows_by_name_against_own_target(tmp_path: Path) -> None:
    store, one, two = seeded(tmp_path / "coach.db")
    with store:
        learners = store.list_learners()
        histories = {learner.id: store.attempts(learner.id) for learner in learners}
    rows = board(learners, histories, one, ROLES)
    assert [row.name for row in rows] == ["ada", "Zoe"]  # by name, not by score; Bob absent
    ada, zoe = rows
    assert (ada.tally.attempts, ada.tally.passes, ada.tally.judged_right, ada.tally.judged) == (
        3,
        2,
        2,
        3,
    )
    assert (zoe.tally.attempts, zoe.tally.passes, zoe.tally.judged) == (5, 5, 0)
    # Zoe: placed at 1 by her first attempt (not a move), then 4 of 5 passes promote her.
    assert [(m.from_level, m.to_level) for m in zoe.tally.moves] == [(1, 2)]
    assert (zoe.level, zoe.target_level, zoe.status, zoe.gap) == (2, 4, "below", 2)
    assert zoe.target_sentence.endswith("a gap of 2 levels.")
    assert (ada.level, ada.target_level, ada.status) == (1, 2, "below")

    (bob,) = board(learners, histories, two, ROLES)
    assert (bob.name, bob.tally.attempts, bob.tally.passes, bob.tally.judged) == ("Bob", 1, 0, 1)

    text = render(rows, "Sprint 1: Week 1 (matched)")
    assert "ada (support-agent)\n  attempts 3 · passes 2 · judgment 2/3 right" in text
    assert "level moves: 1→2" in text


def _use_db(monkeypatch, path: Path) -> None:
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{path}")


def test_board_command_text_and_json(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "coach.db"
    store, _, _ = seeded(db)
    store.close()
    _use_db(monkeypatch, db)
    runner = CliRunner()

    newest = runner.invoke(sprint_group, ["board"])
    assert newest.exit_code == 0, newest.output
    assert newest.output.startswith("Sprint 2: Week 2")
    assert "Bob (executive)" in newest.output

    result = runner.invoke(sprint_group, ["board", "Week 1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["sprint"]["name"] == "Week 1"
    people = data["participants"]
    assert [p["name"] for p in people] == ["ada", "Zoe"]
    assert people[0] | {"target": ""} == {
        "name": "ada",
        "role": "support-agent",
        "attempts": 3,
        "passes": 2,
        "judgments_right": 2,
        "judgments": 3,
        "level_moves": [],
        "level": 1,
        "placed": True,
        "target_level": 2,
        "status": "below",
        "gap": 1,
        "target": "",
    }

    missing = runner.invoke(sprint_group, ["board", "99"])
    assert missing.exit_code == 1
    assert "no sprint '99'" in missing.output
