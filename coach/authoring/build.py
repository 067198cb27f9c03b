"""A filled-in form as an exercise file, in the same TOML format as the built-in ones."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Any

import tomli_w

from coach.authoring.derive import BadOutput
from coach.authoring.form import MATERIAL_NAME, OWN_SKILL, TaskForm

ID_PREFIX = "my-"
MAX_SLUG = 40


def slugify(title: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Weekly KPI e-mail!" → "weekly-kpi-e-mail")."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:MAX_SLUG].strip("-")
    return slug or "task"


def new_id(title: str, taken: Collection[str]) -> str:
    """`my-<slug>`, with -2, -3 … added until it is free."""
    base = ID_PREFIX + slugify(title)
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def explain_text(form: TaskForm, bad: BadOutput) -> str:
    """Why the checks matter, written from the checks themselves."""
    labels = [check["label"] for check in form.checks() if check["grader"] != "rubric"]
    text = (
        "You wrote this exercise from your own work. A good output passes these checks: "
        + "; ".join(labels)
        + f". The known-bad output {bad.what}: a fluent answer can look right and still miss "
        "one of these, so check each one against the output before you use it."
    )
    if form.rubric:
        text += (
            " The rubric is graded by a model: it counts only when a judge model is set "
            "(`judge_model` in the settings) and is unscored otherwise."
        )
    return text + " Your own exercises are practice: they never count towards your level."


def exercise_data(form: TaskForm, exercise_id: str, good: str, bad: BadOutput) -> dict[str, Any]:
    """The exercise as TOML-ready data, keys in the order the style guide uses."""
    checks = form.checks()
    kinds = list(dict.fromkeys(c["error_kind"] for c in checks if "error_kind" in c))
    data: dict[str, Any] = {
        "id": exercise_id,
        "level": form.level,
        "kind": "prompt",
        "title": form.title,
        "difficulty": 0.0,
        "minutes": 5,
        "skills": [OWN_SKILL],
        "brief": form.task,
    }
    if form.materials.strip():
        data["materials"] = {MATERIAL_NAME: form.materials}
    data["checks"] = checks
    data["judgment"] = {
        "error_kinds": kinds,
        "trap_rate": 0.25,
        # The derived bad output doubles as a planted flaw to judge.
        "traps": [
            {
                "output": bad.text,
                "error_kind": bad.error_kind,
                "note": f"This output {bad.what}; your checks reject it.",
            }
        ],
    }
    reference: dict[str, Any] = {}
    if form.prompt.strip():
        reference["solution"] = form.prompt
    reference["good_output"] = good
    reference["bad_output"] = bad.text
    reference["hints"] = [
        "Which of your checks would a quick answer most likely miss? Say it in the prompt.",
        "Read the output against each check before you call it acceptable.",
    ]
    reference["explain"] = explain_text(form, bad)
    data["reference"] = reference
    return data


def exercise_toml(data: dict[str, Any]) -> str:
    header = "# Written with `coach exercises new` / Practise on my own task. Private to you.\n"
    return header + tomli_w.dumps(data, multiline_strings=True)
