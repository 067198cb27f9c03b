"""The team report in a real browser: headless Chromium renders the file the
command writes; the rendered DOM must hold the team table, every chart and
each person's path, and the page must log no console error.

Chromium's command-line modes drive it (`--dump-dom`, `--screenshot`), so no
DevTools client is needed; `--enable-logging=stderr` puts console messages on
stderr, where a control page with a deliberate error shows they are caught.

Skips only where no Chromium is installed (`.ci/run` installs Debian's
`chromium`); under CI it fails instead. COACH_UPDATE_SCREENSHOTS=1 copies the
1280 px screenshot of the team page to docs/screenshots/team-page.png.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from team_store import populate  # type: ignore[import-not-found]  (tests/support)

from coach.cli.export_cmd import export
from coach.content import load_catalog

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "docs" / "screenshots" / "team-page.png"
PEOPLE, ATTEMPTS = 8, 90
# Console messages Chromium logs at --v=0 that mean the page misbehaved.
_CONSOLE_ERROR = re.compile(r"CONSOLE\(\d+\)\]|Uncaught|Refused to", re.I)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "no Chromium on this machine: `apt-get install -y chromium` (as .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if _CONSOLE_ERROR.search(line)]


class _Dom(HTMLParser):
    """What the checks need from the rendered DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.charts: list[str] = []
        self.team_rows = 0
        self.svg_texts = 0
        self._in_team = False
        self._in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "table":
            self._in_team = a.get("id") == "team-table"
        if tag == "tr" and self._in_team:
            self.team_rows += 1
        if tag == "svg":
            self._in_svg += 1
            assert a.get("role") == "img" and a.get("aria-label"), a
            self.charts.append(str(a.get("data-chart")))
        if tag == "text" and self._in_svg:
            self.svg_texts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_team = False
        if tag == "svg":
            self._in_svg -= 1


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("team")
    url = f"sqlite:///{folder / 'team.db'}"
    populate(url, PEOPLE, ATTEMPTS, catalog=load_catalog())
    out = folder / "team.html"
    result = CliRunner().invoke(
        export,
        ["--format", "html", "--team", "--out", str(out)],
        # Its own home: a module fixture runs outside the per-test isolated home.
        env={"COACH_HOME": str(folder / "home"), "COACH_DATABASE_URL": url},
    )
    assert result.exit_code == 0, result.output
    return out


def test_console_errors_are_caught(chromium: str, tmp_path: Path) -> None:
    """The control: a page that throws is seen to throw, so silence means something."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><script>undefinedFunction()</script>", encoding="utf-8")
    done = _run(chromium, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert _console_errors(done.stderr), done.stderr[-2000:]


def test_the_report_renders_with_every_part_and_no_error(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    done = _run(chromium, tmp_path / "profile", "--dump-dom", report.as_uri())
    assert not _console_errors(done.stderr), _console_errors(done.stderr)
    dom = _Dom()
    dom.feed(done.stdout)
    assert "team-table" in dom.ids
    assert dom.team_rows == PEOPLE + 1  # a header row and one row per person
    assert {"below", "above", "stale", "how-to-read", "meaning"} <= dom.ids
    paths = {i for i in dom.ids if i.startswith("path-")}
    assert len(paths) == PEOPLE
    kinds = set(dom.charts)
    assert {"levels", "trend", "calibration", "history"} <= kinds
    assert dom.charts.count("history") + done.stdout.count("No level changes recorded") >= PEOPLE
    assert dom.svg_texts > 10 * len(dom.charts) // 2  # labels are real text, not pictures


def test_a_1280_px_screenshot_of_the_team_page(chromium: str, report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "team-page.png"
    done = _run(
        chromium,
        tmp_path / "profile",
        "--window-size=1280,1500",
        "--hide-scrollbars",
        f"--screenshot={shot}",
        report.as_uri(),
    )
    assert not _console_errors(done.stderr)
    assert _png_size(shot) == (1280, 1500)
    if os.environ.get("COACH_UPDATE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)


def test_the_report_prints_to_pdf(chromium: str, report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "team.pdf"
    done = _run(
        chromium,
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        report.as_uri(),
    )
    assert not _console_errors(done.stderr)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 2, pages  # the people's sections run onto further pages
