"""The wheel ships the data folders, and an installed copy finds its content."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("coach-*.whl")
    return built


def test_wheel_lists_code_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "coach/_data/levels/levels.toml" in names
    assert "coach/_data/levels/roles.toml" in names
    shipped = {n for n in names if n.startswith("coach/_data/exercises/") and n.endswith(".toml")}
    in_repo = {
        "coach/_data/" + p.relative_to(REPO).as_posix()
        for p in (REPO / "exercises").rglob("*.toml")
    }
    assert shipped == in_repo and shipped
    assert "graders/names.py" in names
    assert "coach/cli/__init__.py" in names
    assert "coach/tui/coach.tcss" in names
    assert any(n.startswith("coach/store/migrations/versions/") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_installed_copy_loads_its_own_content(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import json, coach, coach.content\n"
        "from coach.content.sources import builtin_root\n"
        "c = coach.content.load_catalog()\n"
        "print(json.dumps({'file': coach.__file__, 'root': str(builtin_root()),"
        " 'exercises': len(c.exercises), 'levels': len(c.levels), 'problems': len(c.problems)}))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(target))
    assert report["root"] == str(target / "coach" / "_data")
    assert report["levels"] == 6
    assert report["exercises"] == len(list((REPO / "exercises").rglob("*.toml")))
    assert report["problems"] == 0
