# ruff: noqa: E501  (readout lines are data)
"""L6 reviews of experiment and eval readouts, with the conclusion computed.

The A/B readout's p-value comes from a two-sided two-proportion z-test on
the generated counts; about half the instances are not significant, which is
then the right conclusion. Draws too close to the 5 % line are redrawn so
the truth is never a rounding question. The eval readout applies a stated
release rule to per-category pass counts.
"""

from __future__ import annotations

import math
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin._review import ReviewBuilder
from coach.content.families.material import Draw
from coach.content.models import Kind

ERROR_KINDS = ["wrong arithmetic", "wrong conclusion", "wrong statistic"]


def p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (x2 / n2 - x1 / n1) / se
    return math.erfc(abs(z) / math.sqrt(2))


def _pct(x: int, n: int) -> str:
    return f"{100 * x / n:.2f}%"


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _counts(draw: Draw) -> tuple[int, int, int, int, float]:
    while True:
        n1 = draw.int(1500, 12000)
        n2 = n1 + draw.int(-300, 300)
        base = draw.int(20, 120) / 1000
        lift = draw.pick((0.0, 0.03, 0.08, 0.15, 0.25, 0.35)) * (1 if draw.chance(0.8) else -1)
        x1 = round(n1 * base) + draw.int(-5, 5)
        x2 = round(n2 * base * (1 + lift)) + draw.int(-5, 5)
        p = p_value(x1, n1, x2, n2)
        if not 0.02 <= p <= 0.08 and x1 != x2:
            return x1, n1, x2, n2, p


def _readout(x1: int, n1: int, x2: int, n2: int, p: float, conclusion: str) -> str:
    diff = 100 * (x2 / n2 - x1 / n1)
    rel = 100 * ((x2 / n2) / (x1 / n1) - 1)
    return "\n".join(
        [
            f"Control (A): {_pct(x1, n1)} conversion ({x1:,} of {n1:,} visitors)",
            f"Variant (B): {_pct(x2, n2)} conversion ({x2:,} of {n2:,} visitors)",
            f"Difference: {diff:+.2f} percentage points ({rel:+.1f}% relative)",
            f"Two-sided p-value: {_p_text(p)}",
            f"Conclusion: {conclusion}",
        ]
    )


SIGNIFICANT_WIN = "significant at the 5% level: B converts better; ship B."
SIGNIFICANT_LOSS = "significant at the 5% level: B converts worse; keep A."
NOT_SIGNIFICANT = "not significant at the 5% level; the test cannot tell B from A."


def ab_readout(draw: Draw) -> Generated:
    x1, n1, x2, n2, p = _counts(draw)
    owner = draw.person()
    change = draw.pick(
        (
            "a shorter checkout form",
            "free delivery over £40",
            "a new pricing page",
            "one-click reorder",
            "a trust badge at payment",
            "a simplified sign-up",
        )
    )
    shop, _ = draw.company()
    truth = (
        (SIGNIFICANT_WIN if x2 / n2 > x1 / n1 else SIGNIFICANT_LOSS)
        if p < 0.05
        else NOT_SIGNIFICANT
    )
    correct = _readout(x1, n1, x2, n2, p, truth)
    builder = ReviewBuilder()
    builder.correct(
        correct,
        f"The rates and the p-value ({_p_text(p)}) are right and the conclusion follows from them.",
    )
    flipped = (
        (SIGNIFICANT_WIN if x2 / n2 > x1 / n1 else SIGNIFICANT_LOSS)
        if truth == NOT_SIGNIFICANT
        else NOT_SIGNIFICANT
    )
    builder.replace(
        correct,
        5,
        truth,
        flipped,
        "wrong conclusion",
        f"With p = {_p_text(p)} the right conclusion is '{truth}', not '{flipped}'.",
    )
    slipped = x2 + draw.pick((-1, 1)) * max(10, x2 // 10)
    builder.replace(
        correct,
        2,
        _pct(x2, n2),
        _pct(slipped, n2),
        "wrong arithmetic",
        f"{x2:,} of {n2:,} is {_pct(x2, n2)}, not {_pct(slipped, n2)}.",
    )
    wrong_p = 0.2 + p / 10 if p < 0.05 else max(p / 20, 0.0011)
    builder.replace(
        correct,
        4,
        _p_text(p),
        _p_text(wrong_p),
        "wrong statistic",
        f"The z-test on these counts gives p = {_p_text(p)}, not {_p_text(wrong_p)}; the conclusion line was written from the right value.",
    )
    data = {
        "brief": (
            f"{owner} at {shop} ran an A/B test of {change} and asked an assistant for the readout "
            "(two-sided two-proportion z-test, 5% level). Judge the readout against the counts: "
            "acceptable, or wrong? If wrong, point at the line. Recompute the rates; a calculator "
            "or a notebook is allowed."
        ),
        "materials": {"experiment_csv": f"arm,visitors,conversions\nA,{n1},{x1}\nB,{n2},{x2}"},
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Recompute both conversion rates from the counts.",
                "Is the p-value above or below 0.05, and does the conclusion say the same?",
                "'Not significant' is a result: it does not mean B is worse.",
            ],
            "explain": (
                "Readouts go wrong where the words outrun the numbers: a lift is called a win "
                "although the test cannot separate it from noise. Recompute the statistic and "
                "read the conclusion against it."
            ),
        },
    }
    features = {"items": 5, "distractors": 0, "significant": p < 0.05}
    return Generated(data, features, builder.flaws)


def ab_audit(exercise: Any, generated: Generated) -> list[str]:
    rows = [line.split(",") for line in exercise.materials["experiment_csv"].splitlines()[1:]]
    (n1, x1), (n2, x2) = ((int(r[1]), int(r[2])) for r in rows)
    p = p_value(x1, n1, x2, n2)
    problems = []
    for index, item in enumerate(exercise.outputs):
        if item.wrong:
            continue
        if f"p-value: {_p_text(p)}" not in item.output:
            problems.append(f"outputs.{index}: the p-value is not the z-test's {_p_text(p)}")
        if (p < 0.05) == ("not significant" in item.output):
            problems.append(f"outputs.{index}: the conclusion contradicts p = {_p_text(p)}")
    return problems


# --- the eval readout ---------------------------------------------------------------

CATEGORIES = (
    "refunds",
    "billing",
    "account access",
    "delivery",
    "complaints",
    "cancellations",
    "product questions",
    "escalations",
)
MAX_DROP = 2.0  # percentage points a category may fall before the release is blocked


def eval_readout(draw: Draw) -> Generated:
    system = draw.pick(
        ("support assistant", "claims triage agent", "sales email drafter", "IT helpdesk agent")
    )
    cats = draw.sample(CATEGORIES, draw.int(4, 6))
    rows = []
    for cat in cats:
        n = draw.int(40, 160)
        base = draw.int(int(n * 0.6), n - 2)
        change = draw.int(-6, 8)
        rows.append((cat, n, base, max(0, min(n, base + change))))
    # Make sure the rule bites in about half the instances: one category drops clearly.
    block = draw.chance(0.5)
    if block:
        i = draw.int(0, len(rows) - 1)
        cat, n, base, _ = rows[i]
        rows[i] = (cat, n, base, base - max(4, math_ceil_pct(n, 3.0)))
    else:
        rows = [(c, n, b, max(a, b - max(0, int(n * MAX_DROP / 100) - 1))) for c, n, b, a in rows]
    drops = {c: 100 * (b - a) / n for c, n, b, a in rows}
    blocked = [c for c in cats if drops[c] > MAX_DROP]
    decision = (
        f"Do not ship: {', '.join(blocked)} fell by more than {MAX_DROP:.0f} points."
        if blocked
        else f"Ship: no category fell by more than {MAX_DROP:.0f} points."
    )
    lines = [
        f"{c}: {100 * b / n:.1f}% → {100 * a / n:.1f}% ({a - b:+d} of {n} cases)"
        for c, n, b, a in rows
    ]
    total_n = sum(n for _, n, _, _ in rows)
    before = sum(b for _, _, b, _ in rows)
    after = sum(a for _, _, _, a in rows)
    lines.append(f"Overall: {100 * before / total_n:.1f}% → {100 * after / total_n:.1f}%")
    lines.append(f"Decision: {decision}")
    correct = "\n".join(lines)
    builder = ReviewBuilder()
    builder.correct(correct, "Each category's rates and the decision follow the release rule.")
    other = (
        "Ship: no category fell by more than 2 points."
        if blocked
        else f"Do not ship: {cats[0]} fell by more than 2 points."
    )
    builder.replace(
        correct,
        len(lines),
        decision,
        other,
        "wrong conclusion",
        f"The rule gives '{decision}', not '{other}'.",
    )
    k = draw.int(0, len(rows) - 1)
    c, n, _b, a = rows[k]
    old = f"{100 * a / n:.1f}%"
    new = (
        f"{100 * (a + max(3, n // 10)) / n:.1f}%"
        if a + max(3, n // 10) <= n
        else f"{100 * (a - max(3, n // 10)) / n:.1f}%"
    )
    if new != old:
        builder.replace(
            correct,
            k + 1,
            f"→ {old}",
            f"→ {new}",
            "wrong arithmetic",
            f"{c} after the change is {a} of {n}, '→ {old}', not '→ {new}'.",
        )
    overall_old = f"→ {100 * after / total_n:.1f}%"
    overall_new = f"→ {100 * (after + total_n // 20) / total_n:.1f}%"
    builder.replace(
        correct,
        len(lines) - 1,
        overall_old,
        overall_new,
        "wrong arithmetic",
        f"{after} of {total_n} cases pass after the change, '{overall_old}', not '{overall_new}'.",
    )
    csv = "category,cases,baseline_pass,candidate_pass\n" + "\n".join(
        f"{c},{n},{b},{a}" for c, n, b, a in rows
    )
    data = {
        "brief": (
            f"The team asked an assistant for the eval readout of a new version of the {system}. "
            f"The release rule: do not ship if any category's pass rate falls by more than "
            f"{MAX_DROP:.0f} percentage points. Judge the readout against the counts: acceptable, "
            "or wrong? If wrong, point at the line."
        ),
        "materials": {
            "eval_results_csv": csv,
            "release_rule": f"Block the release if any category's pass rate falls by more than {MAX_DROP:.0f} percentage points.",
        },
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Recompute each category's change in points from the counts.",
                "An overall improvement can hide one category's regression.",
            ],
            "explain": (
                "Averages hide regressions. A release rule per category is only as good as "
                "the arithmetic behind the readout: recompute it."
            ),
        },
    }
    return Generated(data, {"items": len(rows), "blocked": bool(blocked)}, builder.flaws)


def math_ceil_pct(n: int, points: float) -> int:
    return math.ceil(n * points / 100) + 1


def eval_audit(exercise: Any, generated: Generated) -> list[str]:
    rows = [line.split(",") for line in exercise.materials["eval_results_csv"].splitlines()[1:]]
    blocked = [c for c, n, b, a in rows if 100 * (int(b) - int(a)) / int(n) > MAX_DROP]
    problems = []
    for index, item in enumerate(exercise.outputs):
        if not item.wrong and ("Do not ship" in item.output) != bool(blocked):
            problems.append(f"outputs.{index}: the decision contradicts the rule")
    return problems


AB_READOUT = Family(
    id="ab-readout-review",
    level=6,
    kind=Kind.REVIEW,
    title="An A/B test readout: does the conclusion follow?",
    versions={1: ab_readout},
    audit=ab_audit,
    difficulty=0.1,
    minutes=8,
    skills=("statistics", "evaluation", "spotting-wrong-facts"),
    functions=("product", "engineering"),
)
EVAL_READOUT = Family(
    id="eval-readout-review",
    level=6,
    kind=Kind.REVIEW,
    title="An eval readout against a release rule",
    versions={1: eval_readout},
    audit=eval_audit,
    difficulty=0.0,
    minutes=7,
    skills=("evaluation", "release-criteria", "arithmetic"),
    functions=("engineering",),
)
