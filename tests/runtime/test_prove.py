"""`coach check` proves each exercise: reference passes, known-bad fails, traps are caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import tomli_w
from click.testing import CliRunner

from coach.cli import main
from coach.config import config_path

GOOD = Path(__file__).parent.parent / "fixtures" / "pack-good" / "meeting-dates.toml"
BAD_LINE = """bad_output = 'Here are the dates: ["2026-03-03"]'"""


def pack_with(tmp_path: Path, **replacements: str) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    text = GOOD.read_text()
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    (pack / "exercise.toml").write_text(text)
    return pack


def check(*args: str) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", "--json", *args])
    return result.exit_code, json.loads(result.stdout)["problems"]


def test_a_sound_pack_is_proved(tmp_path: Path) -> None:
    code, problems = check(str(pack_with(tmp_path)))
    assert (code, problems) == (0, [])


def test_a_reference_that_fails_its_checks_is_named(tmp_path: Path) -> None:
    pack = pack_with(
        tmp_path,
        **{
            """good_output = '["2026-03-03", "2026-04-15"]'""": """good_output = '["2026-03-03"]'"""
        },
    )
    code, problems = check(str(pack))
    assert code == 1
    (problem,) = [p for p in problems if "reference output fails" in p["message"]]
    assert problem["file"].endswith("exercise.toml")
    assert problem["field"] == "pack-meeting-dates"
    assert "set_equals" in problem["message"]


def test_a_bad_output_that_passes_is_named(tmp_path: Path) -> None:
    pack = pack_with(
        tmp_path,
        **{BAD_LINE: """bad_output = '["2026-04-15", "2026-03-03"]'"""},
    )
    code, problems = check(str(pack))
    assert code == 1
    assert any("known-bad output passes every check" in p["message"] for p in problems)


def test_a_trap_the_checks_cannot_see_is_named(tmp_path: Path) -> None:
    # Without the set_equals check nothing notices a dropped date.
    text_without_set_check = """[[checks]]
grader = "set_equals"
expected = ["2026-03-03", "2026-04-15"]
"""
    pack = pack_with(
        tmp_path,
        **{
            text_without_set_check: """[[checks]]
grader = "contains"
value = "2026-03-03"
""",
            BAD_LINE: """bad_output = 'Dates: 2026-03-03'""",
        },
    )
    code, problems = check(str(pack))
    assert code == 1
    (problem,) = problems
    assert "judgment.traps.0 (drop_item)" in problem["message"]
    assert "passes every check" in problem["message"]


def test_python_checks_need_a_trusted_pack(tmp_path: Path) -> None:
    pack = pack_with(
        tmp_path,
        **{
            """[[checks]]
grader = "json"
""": """[[checks]]
grader = "python"
code = "def check(output, context):\\n    return output.startswith('[')"

[[checks]]
grader = "json"
"""
        },
    )
    code, problems = check(str(pack))
    assert code == 1
    assert any("trusted" in p["message"] for p in problems)

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps({"trusted_packs": [str(pack)]}))
    code, problems = check(str(pack))
    assert (code, problems) == (0, [])


def test_the_builtin_library_is_proved() -> None:
    code, problems = check()
    assert problems == []
    assert code == 0


def test_copying_a_builtin_exercise_into_a_pack_is_a_duplicate(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    shutil.copy(GOOD, pack / "a.toml")
    shutil.copy(GOOD, pack / "b.toml")
    code, problems = check(str(pack))
    assert code == 1
    assert [p["field"] for p in problems] == ["id"]


def test_reference_steps_plans_and_cases_must_be_valid_input(tmp_path: Path) -> None:
    exercises = Path(__file__).parent.parent.parent / "exercises"
    pack = tmp_path / "pack"
    pack.mkdir()
    broken = {
        "l4-lead-routing-pipeline.toml": ("{previous}", "{extracted}"),
        "l5-q3-travel-expenses-agent.toml": ('approval = "never"', 'approval = "sometimes"'),
        "l6-pii-redactor-evals.toml": ("[[cases]]", "[[case]]"),
    }
    for name, (old, new) in broken.items():
        (source,) = exercises.rglob(name)
        text = source.read_text()
        assert old in text
        text = text.replace('id = "', 'id = "pack-', 1).replace(old, new)
        (pack / name).write_text(text)
    code, problems = check(str(pack))
    assert code == 1
    messages = {p["field"]: p["message"] for p in problems}
    assert "extracted" in messages["pack-l4-lead-routing-pipeline"]
    assert "agent plan" in messages["pack-l5-q3-travel-expenses-agent"]
    assert "eval cases" in messages["pack-l6-pii-redactor-evals"]
