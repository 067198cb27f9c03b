"""`coach verify` on intact, edited, removed and reordered exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import World  # type: ignore[import-not-found]

from coach.cli.export_cmd import export, verify


def _export(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "export.json"
    result = CliRunner().invoke(export, ["--format", "json", "--out", str(out), "--team", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _verify(tmp_path: Path, data: dict, *extra: str) -> tuple[int, str]:
    path = tmp_path / "checked.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(verify, [str(path), *extra])
    return result.exit_code, result.output


def _verify_unsigned(tmp_path: Path, data: dict) -> tuple[int, str]:
    """The chain checks on their own: the signature (which any edit breaks first)
    is dropped, and the file checked as an unsigned one, keyed seals included."""
    data.pop("signature")
    return _verify(tmp_path, data, "--allow-unsigned")


def _ada(data: dict) -> list[dict]:
    return data["learners"][0]["chain"]["attempts"]


@pytest.mark.parametrize("extra", [(), ("--include-prompts",), ("--since", "2026-03-10")])
def test_intact_export_verifies(world: World, tmp_path: Path, extra: tuple[str, ...]) -> None:
    code, output = _verify(tmp_path, _export(tmp_path, *extra))
    assert code == 0, output
    assert output.startswith("OK: signed by the organisation's key")
    assert "3 learners" in output


@pytest.mark.parametrize("where", ["summary", "content"])
@pytest.mark.parametrize("extra", [(), ("--include-prompts",)])
def test_edited_score_is_found(
    world: World, tmp_path: Path, where: str, extra: tuple[str, ...]
) -> None:
    data = _export(tmp_path, *extra)
    target = _ada(data)[3]
    if where == "summary":
        target["output_score"] = 1.0
    else:
        target["content"]["output_score"] = 1.0
    code, output = _verify_unsigned(tmp_path, data)
    assert code == 1
    assert f"attempt {target['id']} at position 3" in output and "edited" in output


def test_edited_content_with_a_fresh_seal_is_still_found_with_prompts(
    world: World, tmp_path: Path
) -> None:
    from coach.export.signing import plain_seal

    data = _export(tmp_path, "--include-prompts")
    data.pop("signature")
    target = _ada(data)[2]
    target["content"]["output_score"] = 1.0
    target["output_score"] = 1.0
    target["seal"] = plain_seal(target["hash"], target["content"])
    code, output = _verify(tmp_path, data, "--allow-unsigned")
    assert code == 1 and "does not match its" in output


def test_removed_attempt_is_found(world: World, tmp_path: Path) -> None:
    data = _export(tmp_path)
    removed = _ada(data).pop(5)
    data["learners"][0]["chain"]["length"] -= 1
    data["learners"][0]["attempts"] -= 1
    code, output = _verify_unsigned(tmp_path, data)
    assert code == 1
    assert "position 5" in output and "removed" in output
    assert str(removed["id"] + 1) in output


def test_removed_last_attempt_is_found(world: World, tmp_path: Path) -> None:
    data = _export(tmp_path)
    _ada(data).pop()
    code, output = _verify_unsigned(tmp_path, data)
    assert code == 1 and "chain head" in output


def test_reordered_attempts_are_found(world: World, tmp_path: Path) -> None:
    data = _export(tmp_path)
    chain = _ada(data)
    chain[1], chain[2] = chain[2], chain[1]
    code, output = _verify_unsigned(tmp_path, data)
    assert code == 1
    assert f"attempt {chain[1]['id']} at position 1" in output


def test_not_an_export_fails_on_schema(tmp_path: Path) -> None:
    code, output = _verify(tmp_path, {"schema": "something-else"})
    assert code == 1 and "not a valid export" in output
    code, output = _verify(tmp_path, {"schema": "coach-capability-export/1"})
    assert code == 1 and "earlier coach" in output
    code, output = _verify(tmp_path, {"schema": "coach-capability-export/2"})
    assert code == 1 and "format /2" in output
    path = tmp_path / "bad.json"
    path.write_text("{", encoding="utf-8")
    assert CliRunner().invoke(verify, [str(path)]).exit_code == 1


def test_hostile_files_are_findings_not_tracebacks(world: World, tmp_path: Path) -> None:
    base = _export(tmp_path)
    edits = [
        lambda d: d.update(since="yesterday"),
        lambda d: _ada(d)[0]["content"].update(output_score=float("nan")),
        lambda d: _ada(d)[0]["content"].update(finished_at="not a time"),
        lambda d: _ada(d)[0]["content"].update(exercise_level="one"),
        lambda d: _ada(d)[0].update(redacted=["checks", "judgment"]),
        lambda d: d["learners"][0].update(self_report=10**9),
        lambda d: d["learners"][0]["chain"].update(attempts_before_window=99),
    ]
    for index, edit in enumerate(edits):
        data = json.loads(json.dumps(base))
        edit(data)
        data.pop("signature")
        path = tmp_path / f"hostile-{index}.json"
        path.write_text(json.dumps(data), encoding="utf-8")  # NaN written as NaN
        result = CliRunner().invoke(verify, [str(path), "--allow-unsigned"])
        assert result.exit_code == 1, (index, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), index
        assert "FAILED" in result.output, (index, result.output)
