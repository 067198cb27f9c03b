"""Export contents against hand-computed values, and each file format."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import SECRET_OUTPUT, SECRET_PROMPT, World  # type: ignore[import-not-found]

from coach.cli.export_cmd import export
from coach.content import load_catalog
from coach.engine.replay import LearnerTracker
from coach.export import build_export, export_schema, safe_cell
from coach.export.schema import schema_text
from coach.runtime.evidence import evidence_of

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> None:
    result = CliRunner().invoke(export, list(args))
    assert result.exit_code == 0, result.output


def _json(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "out.json"
    _run("--format", "json", "--out", str(out), *args)
    return json.loads(out.read_text(encoding="utf-8"))


def _by_name(data: dict, start: str) -> dict:
    return next(p for p in data["learners"] if p["name"].startswith(start))


def test_published_schema_matches_the_models() -> None:
    published = (REPO / "schemas" / "capability-export.schema.json").read_text(encoding="utf-8")
    assert published == schema_text()


def test_team_json_has_hand_computed_figures(world: World, tmp_path: Path) -> None:
    data = _json(tmp_path, "--team")
    jsonschema.validate(data, export_schema())
    assert data["schema"] == "coach-capability-export/3"
    assert len(data["learners"]) == 3
    ada = _by_name(data, "Ada")
    assert ada["email"] == "ada@example.com"
    assert ada["role"] == "analyst" and ada["target_level"] == 4
    assert ada["attempts"] == 12
    # level 1: 0.9 0.8 0.75 0.3 0.95 0.9 0.2 0.7 -> 6 of 8 at or above 0.7
    # level 2: 0.9 0.1 0.5 0.4 -> 1 of 4
    by_level = {e["level"]: e for e in ada["evidence_by_level"]}
    assert by_level[1]["attempts"] == 8 and by_level[1]["passed"] == 6
    assert by_level[1]["pass_rate"] == pytest.approx(6 / 8)
    assert by_level[2]["attempts"] == 4 and by_level[2]["pass_rate"] == pytest.approx(1 / 4)
    assert by_level[2]["last_practised"].startswith("2026-03-15T09:05:00")
    assert ada["pass_rate"] == pytest.approx(7 / 12)
    assert ada["sprints"] == [world.ids["sprint"]]
    # level history is the stored events (the engine's, from her attempts), with reasons
    tracker = LearnerTracker.from_history(
        evidence_of(a) for a in world.store.attempts(world.ids["ada"])
    )
    assert [(e["from_level"], e["to_level"], e["reason"]) for e in ada["level_history"]] == [
        (e.from_level, e.to_level, e.reason) for e in tracker.events
    ]
    assert ada["level_history"] and ada["level_history"][0]["from_level"] is None
    # judgment: 12 judged attempts, one wrong (attempt 3: truth sound, said wrong)
    j = ada["judgment"]
    assert j["n"] == 12
    assert j["false_alarms"] == 1
    assert j["hits"] == 8 and j["misses"] == 0  # 4 even level-1 + 4 level-2 (truth wrong)
    assert j["hit_rate"] == 1.0 and j["false_alarm_rate"] == pytest.approx(1 / 4)
    assert j["brier"] is not None
    # demonstrated level is the engine's replay of every attempt
    tracker = LearnerTracker.from_history(
        evidence_of(a) for a in world.store.attempts(world.ids["ada"])
    )
    assert ada["demonstrated"]["level"] == tracker.level
    assert ada["demonstrated"]["sd"] == pytest.approx(tracker.ability.combined.sd(), abs=1e-3)
    assert ada["gap"]["gap"] == 4 - tracker.level
    # Bob: too few judgments; Cy: nothing at all
    bob = _by_name(data, "Bob")
    assert bob["attempts"] == 2 and bob["judgment"] is None
    cy = _by_name(data, "=HYPERLINK")
    assert cy["attempts"] == 0 and cy["demonstrated"]["level"] is None
    assert cy["gap"]["status"] == "unplaced"
    assert cy["chain"] == {
        "anchor": "0" * 64,
        "head": None,
        "attempts_before_window": 0,
        "length": 0,
        "attempts": [],
    }
    # roll-up by role
    roles = {r["role"]: r for r in data["team"]["by_role"]}
    assert set(roles) == {"analyst", "marketer", "individual-contributor"}
    assert roles["individual-contributor"]["unplaced"] == 1
    assert data["team"]["people"] == 3
    assert sum(data["team"]["by_level"].values()) == 3


def test_single_learner_and_default_scope(world: World, tmp_path: Path) -> None:
    data = _json(tmp_path, "--learner", str(world.ids["bob"]))
    assert [p["name"] for p in data["learners"]] == ["Bob <script>alert(1)</script>"]
    data = _json(tmp_path)  # the config learner: created on first use, no attempts
    assert len(data["learners"]) == 1 and data["learners"][0]["attempts"] == 0


def test_since_keeps_a_verifiable_window(world: World, tmp_path: Path) -> None:
    data = _json(tmp_path, "--team", "--since", "2026-03-10", "--include-prompts")
    ada = _by_name(data, "Ada")
    chain = ada["chain"]
    assert chain["attempts_before_window"] == 8 and chain["length"] == 4
    # The earlier attempts are there for a replay of the level, their text left out.
    assert len(chain["attempts"]) == 12
    assert all(a["redacted"] for a in chain["attempts"][:8])
    assert not any(a["redacted"] for a in chain["attempts"][8:])
    stored = world.store.attempts(world.ids["ada"])
    assert chain["anchor"] == stored[7].hash
    assert chain["head"] == stored[-1].hash
    assert ada["attempts"] == 4 and ada["sprints"] == []


def test_prompts_left_out_by_default_and_included_on_request(world: World, tmp_path: Path) -> None:
    out = tmp_path / "plain.json"
    _run("--format", "json", "--out", str(out), "--team")
    text = out.read_text(encoding="utf-8")
    assert SECRET_PROMPT not in text and SECRET_OUTPUT not in text
    first = json.loads(text)["learners"][0]["chain"]["attempts"][0]
    assert set(first["redacted"]) == {"prompt", "output_shown", "real_output"}
    assert set(first["content"]["prompt"]) == {"sha256"}
    out2 = tmp_path / "full.json"
    _run("--format", "json", "--out", str(out2), "--team", "--include-prompts")
    text2 = out2.read_text(encoding="utf-8")
    assert SECRET_PROMPT in text2 and SECRET_OUTPUT in text2
    assert json.loads(text2)["include_prompts"] is True


def test_csv_parses_back_and_guards_formulas(world: World, tmp_path: Path) -> None:
    out = tmp_path / "team.csv"
    _run("--format", "csv", "--out", str(out), "--team")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 3
    ada = next(r for r in rows if r["name"] == "Ada Lovelace")
    assert ada["attempts"] == "12" and float(ada["pass_rate"]) == pytest.approx(7 / 12, abs=1e-4)
    assert ada["role"] == "analyst" and ada["target_level"] == "4"
    assert float(ada["false_alarm_rate"]) == pytest.approx(0.25)
    cy = next(r for r in rows if "HYPERLINK" in r["name"])
    assert cy["name"] == '\'=HYPERLINK("x")'
    assert cy["level"] == "" and cy["attempts"] == "0"
    assert SECRET_PROMPT.encode() not in raw


def test_safe_cell() -> None:
    assert safe_cell("-1+2") == "'-1+2"
    assert safe_cell("@sum") == "'@sum"
    assert safe_cell(-0.5) == -0.5  # numbers stay numbers
    assert safe_cell(None) == "" and safe_cell(True) == "yes"


def test_html_is_self_contained_and_escaped(world: World, tmp_path: Path) -> None:
    out = tmp_path / "team.html"
    _run("--format", "html", "--out", str(out), "--team")
    html = out.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html
    assert "Bob &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<svg") >= 3 + 1  # one chart per role, plus team calibration
    assert "level over time" in html and "Team: stated confidence" in html
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert SECRET_PROMPT not in html


def test_build_export_in_process_reports_progress(world: World) -> None:
    seen: list[str] = []
    result = build_export(
        world.store,
        load_catalog(),
        world.store.list_learners(),
        with_chain=False,
        on_learner=lambda p: seen.append(p.name),
    )
    assert len(seen) == 3
    assert all(p.chain.attempts == [] for p in result.learners)
    assert result.learners[0].chain.length == 12


def test_team_and_learner_together_is_refused(world: World, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        export, ["--format", "csv", "--out", str(tmp_path / "x"), "--team", "--learner", "1"]
    )
    assert result.exit_code == 2


def test_progress_bar_on_large_exports(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.cli import export_cmd

    monkeypatch.setattr(export_cmd, "PROGRESS_OVER", 5)  # 14 attempts in the store
    result = CliRunner().invoke(
        export, ["--format", "csv", "--out", str(tmp_path / "p.csv"), "--team"]
    )
    assert result.exit_code == 0
    assert "Exporting" in result.stderr
    monkeypatch.setattr(export_cmd, "PROGRESS_OVER", 1000)
    result = CliRunner().invoke(
        export, ["--format", "csv", "--out", str(tmp_path / "q.csv"), "--team"]
    )
    assert "Exporting" not in result.stderr


def test_bad_since_date(world: World, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        export, ["--format", "csv", "--out", str(tmp_path / "x.csv"), "--since", "March"]
    )
    assert result.exit_code == 2 and "not a date" in result.stderr
