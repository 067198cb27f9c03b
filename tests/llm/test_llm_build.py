"""The Makefile builds llama.cpp portably, and never reuses a wheel built with other flags."""

from __future__ import annotations

import platform
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(tmp_path: Path, *args: str) -> str:
    """What `make setup-run` would run for a fresh venv (nothing is executed)."""
    result = subprocess.run(
        ["make", "-n", "-C", str(REPO), f"VENV={tmp_path / 'venv'}", *args, "setup-run"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    return result.stdout


def test_llama_cpp_is_built_without_native_or_amx_and_not_from_pips_cache(
    tmp_path: Path,
) -> None:
    script = dry_run(tmp_path)
    build = next(line for line in script.splitlines() if "pip wheel" in line)
    assert "FORCE_CMAKE=1" in build
    assert "--no-cache-dir" in build and "--no-binary llama-cpp-python" in build
    assert "-DGGML_NATIVE=OFF" in build
    if platform.machine() == "x86_64":
        for flag in ("AVX2=ON", "FMA=ON", "F16C=ON", "AVX512=OFF", "AMX_TILE=OFF", "AMX_INT8=OFF"):
            assert f"-DGGML_{flag}" in build, flag
    # The wheel is installed from the folder built for these flags, before coach itself.
    lines = script.splitlines()
    install_wheel = next(
        i for i, line in enumerate(lines) if "llama_cpp_python-*.whl | tail" in line
    )
    install_coach = next(i for i, line in enumerate(lines) if "install --verbose -e" in line)
    assert install_wheel < install_coach


def test_other_flags_build_into_another_folder(tmp_path: Path) -> None:
    def folder(script: str) -> str:
        line = next(line for line in script.splitlines() if "pip wheel" in line)
        return line.split(" -w ", 1)[1].split()[0]

    portable = folder(dry_run(tmp_path))
    native = folder(dry_run(tmp_path, "LLAMA_CMAKE_ARGS=-DGGML_NATIVE=ON"))
    assert portable != native
    assert "llama-wheels" in portable
