"""The agent kind: the learner's plan runs a tool-calling model over a sandbox.

    run = await run_agent(exercise, plan_toml, spec, rng=random.Random(seed))
    run.grade, run.shown, run.details["trace"], run.details["final_files"]

`parse_plan` checks the learner's TOML (instructions + permissions) without a
model; `Sandbox`, `ToolBox` and `calculate` are usable on their own.
"""

from __future__ import annotations

from coach.runtime.agent.calculator import CalculatorError, calculate
from coach.runtime.agent.loop import run_agent
from coach.runtime.agent.sandbox import Sandbox, SandboxError
from coach.runtime.agent.tools import (
    APPROVAL_TOOL,
    DESTRUCTIVE,
    REFUSED,
    SCHEMAS,
    AgentPlan,
    Approver,
    Permissions,
    PlanError,
    ToolBox,
    parse_plan,
    search_documents,
)

__all__ = [
    "APPROVAL_TOOL",
    "DESTRUCTIVE",
    "REFUSED",
    "SCHEMAS",
    "AgentPlan",
    "Approver",
    "CalculatorError",
    "Permissions",
    "PlanError",
    "Sandbox",
    "SandboxError",
    "ToolBox",
    "calculate",
    "parse_plan",
    "run_agent",
    "search_documents",
]
