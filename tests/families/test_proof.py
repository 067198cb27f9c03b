"""Every built-in family: proven by `coach check` (quick here), 1,000+ distinct instances."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from coach.content.families import Family, builtin_families
from coach.content.families.material import Draw
from coach.content.models import Kind
from coach.runtime.prove_families import QUICK_SEEDS, instance_problems, prove_family

FAMILIES = builtin_families()


def test_at_least_24_families_4_per_level_every_kind() -> None:
    assert len(FAMILIES) >= 24
    per_level = Counter(family.level for family in FAMILIES)
    assert all(per_level[level] >= 4 for level in range(1, 7)), per_level
    assert {family.kind for family in FAMILIES} == set(Kind)
    assert len({family.id for family in FAMILIES}) == len(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.id)
def test_each_family_is_proven(family: Family) -> None:
    assert prove_family(family, QUICK_SEEDS) == []


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.id)
def test_each_family_yields_a_thousand_distinct_instances(family: Family) -> None:
    fingerprints = {family.generate(seed).fingerprint() for seed in range(1000)}
    assert len(fingerprints) == 1000 <= family.instance_count


def test_the_proof_catches_a_broken_generator() -> None:
    """A planted flaw whose note lies, a leftover marker and a repeat are all named."""
    base = next(f for f in FAMILIES if f.id == "expense-totals-review")

    def broken(draw):
        generated = base.versions[1](Draw("fixed", 1, 0))  # ignores its seed: every instance alike
        outputs = [dict(item) for item in generated.data["outputs"]]
        wrong = next(item for item in outputs if item["wrong"])
        wrong["why"] = "Something is off."  # names neither value
        data = dict(generated.data, outputs=outputs, brief="Same brief {{name}} every time.")
        data["materials"] = {
            "expenses_csv": "date,employee,category,amount_gbp\n2026-02-30,A,Travel,1.00"
        }
        return type(generated)(data, generated.features, generated.flaws)

    family = Family(id="broken", level=1, kind=Kind.REVIEW, title="x", versions={1: broken})
    messages = [problem.message for problem in prove_family(family, 3)]
    assert any("does not name" in m for m in messages)
    assert any("template marker" in m for m in messages)
    assert any("impossible date" in m for m in messages)
    assert any("the same instance as seed 0" in m for m in messages)
    assert instance_problems(family.generate(0), family)


def test_families_import_without_runtime_store_or_llm() -> None:
    code = (
        "import sys; import coach.content.families as f; f.builtin_families()[0].generate(1);"
        "bad = [m for m in sys.modules if m.startswith(('coach.runtime', 'coach.store',"
        " 'coach.llm', 'textual', 'litellm'))]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
