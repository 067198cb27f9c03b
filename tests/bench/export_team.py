"""How long the manager's team report takes: `coach export --format html --team`.

Builds a SQLite store of simulated people (tests/support/team_store.py: prompt,
review and fit attempts over 200 days, level events and standings as the app
leaves them), then, in one run:

- the HTML team report in-process (`build_export` + `write_html`) and the CSV
  export of the same store, as a baseline: the report's ratio to the CSV says
  what the capabilities, paths and page cost on top of reading the store;
- the real command, `coach export --format html --team`, in a subprocess with
  its own COACH_HOME (interpreter start and imports included).

Goal: the command under 5 s for 50 people × 200 attempts. Prints figures; no
timed assertion (a shared machine's timings vary).

    .venv/bin/python tests/bench/export_team.py [--people 50] [--attempts 200]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from team_store import populate  # type: ignore[import-not-found]

from coach.content import load_catalog
from coach.export import build_export, write_csv, write_html
from coach.store import open_store

COACH = (sys.executable, "-c", "from coach.cli import main; main()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=200)
    args = parser.parse_args()
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'team.db'}"
        t = time.perf_counter()
        populate(url, args.people, args.attempts, catalog=catalog)
        print(
            f"store: {args.people} people × {args.attempts} attempts built in "
            f"{time.perf_counter() - t:.1f} s"
        )
        store = open_store(url)
        people = store.list_learners()
        figures: dict[str, float] = {}
        # Twice each, alternating, keeping the best: the first read warms the caches.
        for fmt, writer in [("csv", write_csv), ("html", write_html)] * 2:
            t = time.perf_counter()
            writer(build_export(store, catalog, people, with_chain=False), folder / f"r.{fmt}")
            figures[fmt] = min(figures.get(fmt, float("inf")), time.perf_counter() - t)
        store.close()
        env = {**os.environ, "COACH_HOME": str(folder / "home"), "COACH_DATABASE_URL": url}
        out = folder / "team.html"
        t = time.perf_counter()
        subprocess.run(
            [*COACH, "export", "--format", "html", "--team", "--out", str(out)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        command = time.perf_counter() - t
        size = out.stat().st_size
    print(f"in-process CSV export (baseline): {figures['csv']:.2f} s")
    print(
        f"in-process HTML team report:      {figures['html']:.2f} s  "
        f"ratio to CSV {figures['html'] / figures['csv']:.2f}"
    )
    print(
        f"`coach export --format html --team`: {command:.2f} s end to end "
        f"(goal < 5 s; {size / 1024:.0f} KiB)"
    )


if __name__ == "__main__":
    main()
