"""Pure grading functions and their registry (no textual, no litellm).

    from graders import GradeContext, grade_output
    grade = grade_output(output, exercise.checks, GradeContext(materials=exercise.materials))
    grade.passed, grade.score, grade.deterministic_verdict, grade.summary()

Importing the package registers every built-in grader (the modules below),
the agent graders too (unscored without an agent run's trace).
"""

from graders import (  # noqa: F401  (imported to register the built-in graders)
    agent,
    length,
    mentions,
    numbers,
    python_check,
    rubric,
    sources,
    structured,
    text,
)
from graders.context import GradeContext
from graders.registry import (
    BAD_OPTIONS,
    GRADERS,
    BadOptions,
    CheckLike,
    CheckSpec,
    GraderFn,
    Opt,
    grade_check,
    grade_output,
    option_problems,
    register,
)
from graders.result import CheckResult, GradeResult, OutputGrade

__all__ = [
    "BAD_OPTIONS",
    "GRADERS",
    "BadOptions",
    "CheckLike",
    "CheckResult",
    "CheckSpec",
    "GradeContext",
    "GradeResult",
    "GraderFn",
    "Opt",
    "OutputGrade",
    "grade_check",
    "grade_output",
    "option_problems",
    "register",
]
