"""The agent sandbox keeps every path inside it, and the calculator never runs code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.runtime.agent import CalculatorError, Sandbox, SandboxError, calculate


@pytest.fixture
def box() -> Sandbox:
    with Sandbox({"data/a.txt": "alpha", "b.txt": "beta"}) as sandbox:
        yield sandbox


def test_seeded_files_are_listed_and_read(box: Sandbox) -> None:
    assert box.list_files() == ["b.txt", "data/a.txt"]
    assert box.read("data/a.txt") == "alpha"
    assert box.read("./data//a.txt") == "alpha"


@pytest.mark.parametrize(
    "path",
    [
        "../etc/passwd",
        "data/../../etc/passwd",
        "/etc/passwd",
        "~/secrets",
        "C:/Windows/win.ini",
        "data\\..\\..\\x",
        "a\x00b",
        "x" * 256,
        "/".join(["d"] * 40) + "/f.txt",
        "",
        ".",
    ],
)
def test_escapes_are_refused(box: Sandbox, path: str) -> None:
    with pytest.raises(SandboxError):
        box.read(path)
    with pytest.raises(SandboxError):
        box.write(path, "pwned")


def test_a_symlink_inside_pointing_out_is_never_followed(box: Sandbox, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    os.symlink(outside, box.root / "link.txt")
    os.symlink(tmp_path, box.root / "linkdir")
    for path in ("link.txt", "linkdir/outside.txt"):
        with pytest.raises(SandboxError, match="symlink"):
            box.read(path)
        with pytest.raises(SandboxError, match="symlink"):
            box.write(path, "overwritten")
    with pytest.raises(SandboxError, match="symlink"):
        box.delete("link.txt")
    assert outside.read_text() == "secret"
    assert "link.txt" not in box.list_files()
    assert "linkdir/outside.txt" not in box.list_files()


def test_writes_are_bounded_and_reads_truncated() -> None:
    with Sandbox(max_read=10, max_write=100, quota=150) as box:
        with pytest.raises(SandboxError, match="larger"):
            box.write("big.txt", "x" * 101)
        box.write("one.txt", "y" * 100)
        with pytest.raises(SandboxError, match="full"):
            box.write("two.txt", "z" * 60)
        box.write("one.txt", "w" * 100)  # replacing counts only the difference
        assert box.read("one.txt").startswith("w" * 10 + "\n[truncated")
        assert box.list_files() == ["one.txt"]


def test_default_write_limit_refuses_a_huge_write(box: Sandbox) -> None:
    with pytest.raises(SandboxError):
        box.write("huge.txt", "x" * (2 * 1024 * 1024))
    assert "huge.txt" not in box.list_files()


def test_write_creates_folders_delete_removes_and_close_cleans_up() -> None:
    box = Sandbox()
    assert box.write("reports/q3/out.md", "hi") == "reports/q3/out.md"
    assert box.snapshot() == {"reports/q3/out.md": "hi"}
    with pytest.raises(SandboxError, match="folder"):
        box.read("reports")
    box.delete("reports/q3/out.md")
    with pytest.raises(SandboxError, match="no such file"):
        box.delete("reports/q3/out.md")
    root = box.root
    box.close()
    assert not root.exists()


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("412.60 + 189.00 + 1240.00", "1841.6"),
        ("sum([1841.60, 1069.70, 1872.50])", "4783.8"),
        ("-3 + +5", "2"),
        ("7 // 2", "3"),
        ("7 % 4", "3"),
        ("2 ** 10", "1024"),
        ("round(10 / 3, 2)", "3.33"),
        ("min(4, 2, 9) + max([1, 5]) + abs(-2)", "9"),
        ("10 / 4", "2.5"),
    ],
)
def test_calculator_results(expression: str, value: str) -> None:
    assert calculate(expression) == value


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('true')",
        "open('/etc/passwd')",
        "x + 1",
        "(1).real",
        "print(1)",
        "round(2.5, ndigits=0)",
        "'a' * 3",
        "[i for i in range(3)]",
        "lambda: 1",
        "True + 1",
        "9 ** 9 ** 9",
        "10 ** 1000",
        "2 ** 101",
        "1 / 0",
        "1" * 501,
        "1 +" * 300 + "1",
        "-" * 300 + "1",
        "",
        "1 +",
        "[1, 2]",
    ],
)
def test_calculator_refuses(expression: str) -> None:
    with pytest.raises(CalculatorError):
        calculate(expression)
