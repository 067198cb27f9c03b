"""`coach learners`, `export --learner`, an empty `sprint board`, `exercises show` references."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from coach.cli import main
from coach.config import Config
from coach.runtime.session import Session


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def make_learner(name: str) -> int:
    with Session.open(Config(), seed=1) as session:
        session.save_profile(name, "analyst", "local/smollm2")
        return session.learner.id


def test_learners_empty_says_what_to_do() -> None:
    code, out, _ = run("learners")
    assert code == 0
    assert "No learners yet" in out and "coach" in out


def test_learners_lists_ids_names_and_json() -> None:
    ada = make_learner("Ada Lovelace")
    code, out, err = run("learners")
    assert code == 0, err
    assert "Ada Lovelace" in out and "analyst" in out
    assert "1 person;" in out  # never "1 people" or "1 learners"
    code, out, _ = run("learners", "--json")
    rows = json.loads(out)
    assert code == 0
    assert rows == [
        {
            "id": ada,
            "name": "Ada Lovelace",
            "role": "analyst",
            "attempts": 0,
            "level": rows[0]["level"],
            "provisional": rows[0]["provisional"],
        }
    ]


def test_export_learner_by_name_or_id(tmp_path: Path) -> None:
    ada = make_learner("Ada")
    out = tmp_path / "ada.csv"
    code, text, err = run("export", "--format", "csv", "--out", str(out), "--learner", "ada")
    assert code == 0, err
    assert "1 people" not in text
    assert "Ada" in out.read_text()
    code, _, err = run("export", "--format", "csv", "--out", str(out), "--learner", str(ada))
    assert code == 0, err
    code, _, err = run("export", "--format", "csv", "--out", str(out), "--learner", "Grace")
    assert code == 2
    assert "coach learners" in err


def test_sprint_board_without_sprints_says_how_to_start() -> None:
    make_learner("Ada")
    code, out, err = run("sprint", "board")
    assert code == 0, err
    assert "coach sprint run FILE" in out and "sprints/example.toml" in out


def test_exercises_show_prints_references_in_text() -> None:
    code, out, err = run("exercises", "show", "l1-job-ad-post")
    assert code == 0, err
    for section in ("--- good output ---", "--- bad output ---", "--- hint 1 ---", "--- why ---"):
        assert section in out
