"""`coach exercises list|show --seed`, `coach attempt FAMILY --seed N`, `coach check` on a pack."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from coach.cli import main

PACK = Path(__file__).resolve().parent.parent / "fixtures" / "family-pack"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_list_shows_families_with_instance_counts() -> None:
    code, out = run("exercises", "list", "--level", "5")
    assert code == 0
    assert "fam.invoice-trace-audit" in out and "1,000+ instances, v1" in out
    code, out = run("exercises", "list", "--json")
    rows = json.loads(out)
    families = [row for row in rows if row["id"].startswith("fam.")]
    assert len(families) >= 24 and all(row["instances"] >= 1000 for row in families)


def test_show_one_instance_by_seed() -> None:
    code, out = run("exercises", "show", "fam.ab-readout-review", "--seed", "3", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["id"] == "fam.ab-readout-review@1#3"
    _, again = run("exercises", "show", "ab-readout-review", "--seed", "3", "--json")
    assert json.loads(again) == shown


def test_attempt_a_family_instance_by_seed() -> None:
    code, out = run(
        "attempt", "fam.expense-totals-review", "--seed", "12", "--verdict", "wrong", "--json"
    )
    assert code == 0, out
    report = json.loads(out)
    assert report["exercise"] == "fam.expense-totals-review@1#12"


def test_check_proves_a_pack_family() -> None:
    code, out = run("check", str(PACK), "--quick", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert any(row["id"] == "fam.acme-refund-reply-review" for row in report["families"])
