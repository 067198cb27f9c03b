"""Authoring: the learner's own task turned into a private, proven exercise.

Pure (no textual, no litellm): the TUI screen and `coach exercises new` fill
a `TaskForm` and call `save`.
"""

from coach.authoring.author import AuthoringError, Built, Saved, build, grade_candidate, save
from coach.authoring.build import new_id, slugify
from coach.authoring.form import TaskForm, split_items

__all__ = [
    "AuthoringError",
    "Built",
    "Saved",
    "TaskForm",
    "build",
    "grade_candidate",
    "new_id",
    "save",
    "slugify",
    "split_items",
]
