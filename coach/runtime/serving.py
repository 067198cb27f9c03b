"""Serve only exercises `coach check` accepts: a pack's unproven exercise is withheld.

The loader already drops exercises that do not validate. A pack exercise
that validates but fails its proof (its reference fails its own checks, its
known-bad output passes, a trap goes unnoticed) would grade learners
wrongly, so it is withheld too and its problems join the catalog's, for a
"problems" view. Built-in content is proved by the test suite, not at start.

One exception: a python check that is unscored only because its pack is not
trusted does not withhold the exercise. It is served, and that check is
unscored with a message saying how to trust the pack.
"""

from __future__ import annotations

from coach.content.files import Problem
from coach.content.loader import Catalog, LoadedExercise
from coach.content.sources import BUILTIN
from graders.python_check import UNTRUSTED


def _blocking(problem: Problem) -> bool:
    return UNTRUSTED not in problem.message


def withhold_unproven(catalog: Catalog) -> Catalog:
    """The catalog without pack exercises whose proof fails; their problems are kept."""
    from coach.runtime.prove import prove

    served: list[LoadedExercise] = []
    for loaded in catalog.exercises:
        if loaded.source == BUILTIN:
            served.append(loaded)
            continue
        found = [problem for problem in prove(loaded, trusted=loaded.trusted) if _blocking(problem)]
        if found:
            catalog.problems.extend(found)
            catalog.withheld.append(loaded)
        else:
            served.append(loaded)
    catalog.exercises = served
    return catalog
