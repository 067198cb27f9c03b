"""Packs cannot hang or crash coach, and an exercise `coach check` rejects is never served."""

from __future__ import annotations

import json
import os
import threading
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import exercise_table, write_pack

from coach.cli import main
from coach.config.trust import pack_hash
from coach.content import load_catalog
from coach.content.files import MAX_NESTING, nesting
from coach.content.sources import builtin_source, pack_source
from coach.packfiles import MAX_FILE_BYTES
from coach.runtime.serving import withhold_unproven


def load_within(pack: Path, seconds: float = 20.0):  # type: ignore[no-untyped-def]
    """Load built-in content plus the pack in a thread; fail if it does not finish in time."""
    found: list = []
    worker = threading.Thread(
        target=lambda: found.append(load_catalog([builtin_source(), pack_source(pack)])),
        daemon=True,
    )
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "loading the pack hung"
    return found[0]


def problems_for(catalog, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(p) for p in catalog.problems if name in p.file]


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "pack", exercise_table("fine-one", hostile=False))


def test_a_fifo_is_reported_not_read(pack: Path) -> None:
    os.mkfifo(pack / "pipe.toml")
    catalog = load_within(pack)
    (problem,) = problems_for(catalog, "pipe.toml")
    assert "FIFO" in problem
    assert catalog.exercise("fine-one") is not None  # the others still load
    assert len(pack_hash(pack)[0]) == 64  # hashing for trust does not hang either


def test_a_symlink_to_dev_zero_is_reported_not_read(pack: Path) -> None:
    (pack / "zero.toml").symlink_to("/dev/zero")
    catalog = load_within(pack)
    (problem,) = problems_for(catalog, "zero.toml")
    assert "character device" in problem


def test_a_huge_file_is_refused(pack: Path) -> None:
    (pack / "huge.toml").write_text('title = "' + "x" * (MAX_FILE_BYTES + 10) + '"\n')
    (problem,) = problems_for(load_within(pack), "huge.toml")
    assert "too big" in problem


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 5000 + "]" * 5000 + "\n",
        "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n",
    ],
    ids=["arrays", "inline tables"],
)
def test_toml_nested_5000_deep_is_a_clear_error(pack: Path, text: str) -> None:
    with pytest.raises(RecursionError):  # what the parser alone would do to coach
        tomllib.loads(text)
    (pack / "deep.toml").write_text(text)
    (problem,) = problems_for(load_within(pack), "deep.toml")
    assert str(pack / "deep.toml") in problem
    assert "nested 5000 deep" in problem and f"at most {MAX_NESTING}" in problem


def test_nesting_ignores_brackets_in_strings_and_comments() -> None:
    text = 'a = "[[[[[[" # [[[[[[\nb = \'{{{{\'\nc = """\n[[[[\n"""\nd = [[1], [2]]\n'
    assert nesting(text) == (2, 6)
    assert nesting('x = "esc \\" [[[["') == (0, None)


def test_the_builtin_library_is_not_too_deep() -> None:
    catalog = load_catalog()
    assert catalog.ok, catalog.problems[:3]


# --- serving only what coach check accepts -----------------------------------------------------


def unproven(exercise_id: str) -> dict:
    table = exercise_table(exercise_id, hostile=False)
    table["reference"]["good_output"] = '["2026-03-03"]'  # fails its own set_equals check
    return table


def test_an_exercise_that_fails_its_proof_is_withheld(pack: Path) -> None:
    write_pack(pack, unproven("broken-proof"))
    result = CliRunner().invoke(main, ["check", "--json", str(pack)])
    assert result.exit_code == 1
    assert any(p["field"] == "broken-proof" for p in json.loads(result.stdout)["problems"])

    catalog = withhold_unproven(load_within(pack))
    assert catalog.exercise("broken-proof") is None
    assert [loaded.exercise.id for loaded in catalog.withheld] == ["broken-proof"]
    assert any("the reference output fails" in str(p) for p in catalog.problems)
    assert catalog.exercise("fine-one") is not None


def test_the_session_serves_only_proven_exercises(pack: Path) -> None:
    from loop_helpers import fake_config

    from coach.runtime.session import Session

    write_pack(pack, unproven("broken-proof"))
    session = Session.open(fake_config(None, packs=[pack]), seed=1, trap_mode="never")
    with session:
        assert session.exercise("broken-proof") is None
        assert session.exercise("fine-one") is not None
        assert any(p.field == "broken-proof" for p in session.catalog.problems)
