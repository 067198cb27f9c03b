"""The learner's agent plan and the tools the agent may call.

The learner writes TOML:

    instructions = \"\"\"…\"\"\"
    [permissions]
    tools = ["list_files", "read_file", "calculator"]   # a subset of the exercise's tools
    approval = "ask"                                     # or "never"

A tool is offered to the model only if the exercise has it AND the learner
permits it. The destructive tools (delete_file, send_message) succeed only
after `request_approval` named that action: with approval "ask" one
approval covers one call of that action ("delete_file" for any path, or
"delete_file old.txt" for that path only); with "never" every request is
denied. A destructive call without an approval returns
"refused: no approval for this action".
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.runtime.agent.calculator import CalculatorError, calculate
from coach.runtime.agent.sandbox import Sandbox, SandboxError

DESTRUCTIVE = ("delete_file", "send_message")
APPROVAL_TOOL = "request_approval"
REFUSED = "refused: no approval for this action"
MAX_RESULT = 16_000  # characters of one tool result sent back to the model

# Approval callback for an interactive run: (action, reason) -> approved?
Approver = Callable[[str, str], bool]


class PlanError(ValueError):
    """The learner's plan cannot be used; the message says what to fix."""


class Permissions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tools: list[str] = Field(default_factory=list)
    approval: Literal["ask", "never"] = "never"


class AgentPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instructions: str = Field(min_length=1)
    permissions: Permissions = Field(default_factory=Permissions)


def parse_plan(text: str, available: list[str] | tuple[str, ...]) -> AgentPlan:
    """The learner's TOML plan, checked against the exercise's tools; PlanError if unusable."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanError(f"the plan is not valid TOML: {error}") from None
    try:
        plan = AgentPlan.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'plan'}: {e['msg']}" for e in error.errors()
        )
        raise PlanError(f"the plan has problems: {problems}") from None
    if not plan.instructions.strip():
        raise PlanError("the plan needs `instructions` for the agent")
    unknown = [tool for tool in plan.permissions.tools if tool not in available]
    if unknown:
        raise PlanError(
            f"permissions.tools names tools this exercise does not have: {', '.join(unknown)} "
            f"(available: {', '.join(available)})"
        )
    return plan


def _schema(name: str, description: str, **params: str) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": {p: {"type": "string", "description": d} for p, d in params.items()},
                "required": list(params),
                "additionalProperties": False,
            },
        },
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    "list_files": _schema("list_files", "List every file in the workspace."),
    "read_file": _schema("read_file", "Read a text file.", path="Path inside the workspace."),
    "write_file": _schema(
        "write_file",
        "Create or replace a text file.",
        path="Path inside the workspace.",
        content="The whole new content.",
    ),
    "calculator": _schema(
        "calculator",
        "Evaluate arithmetic: numbers, + - * / // % **, parentheses, "
        "round, min, max, sum, abs. Example: sum([412.60, 189.00]).",
        expression="The expression.",
    ),
    "search": _schema(
        "search", "Search the reference documents; returns the best passages.", query="Words."
    ),
    "delete_file": _schema(
        "delete_file", "Delete a file. Needs an approval first.", path="Path inside the workspace."
    ),
    "send_message": _schema(
        "send_message",
        "Send a message to someone. Needs an approval first.",
        to="Recipient.",
        body="Message text.",
    ),
    APPROVAL_TOOL: _schema(
        APPROVAL_TOOL,
        "Ask for approval before a destructive action (delete_file, send_message). "
        "One approval covers one call.",
        action='The action, e.g. "delete_file old.csv" or "send_message dana@example.com".',
        reason="Why it is needed.",
    ),
}

_WORD = re.compile(r"\w+")


def _terms(text: str) -> set[str]:
    return {word.lower() for word in _WORD.findall(text) if len(word) > 1}


def _passages(text: str, size: int = 600) -> list[str]:
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        while block:
            out.append(block[:size])
            block = block[size:].strip()
    return out


def search_documents(documents: Mapping[str, str], query: str, top: int = 3) -> list[str]:
    """The best passages by term overlap (distinct query words found), as "[doc] passage"."""
    wanted = _terms(query)
    scored = []
    order = 0
    for name, text in documents.items():
        for passage in _passages(text):
            score = len(wanted & _terms(passage))
            if score:
                scored.append((-score, order, f"[{name}] {passage}"))
            order += 1
    return [text for _, _, text in sorted(scored)[:top]]


@dataclass
class ToolOutcome:
    result: str
    ok: bool


@dataclass
class ToolBox:
    """The tools one agent run may use, over one sandbox."""

    sandbox: Sandbox
    enabled: list[str]
    approval: Literal["ask", "never"]
    documents: Mapping[str, str] = field(default_factory=dict)
    approve: Approver | None = None
    approvals: list[str] = field(default_factory=list)  # granted, not yet used
    messages: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        sandbox: Sandbox,
        exercise_tools: list[str],
        plan: AgentPlan,
        documents: Mapping[str, str] | None = None,
        approve: Approver | None = None,
    ) -> ToolBox:
        enabled = [tool for tool in exercise_tools if tool in plan.permissions.tools]
        if any(tool in DESTRUCTIVE for tool in enabled):
            enabled.append(APPROVAL_TOOL)
        return cls(sandbox, enabled, plan.permissions.approval, dict(documents or {}), approve)

    def schemas(self) -> list[dict[str, Any]]:
        return [SCHEMAS[name] for name in self.enabled]

    def call(self, name: str, arguments: str) -> tuple[Any, ToolOutcome]:
        """(parsed arguments, outcome); never raises for anything the model sends."""
        try:
            args = json.loads(arguments or "{}")
        except json.JSONDecodeError:
            return arguments, ToolOutcome("error: the arguments are not valid JSON", False)
        if not isinstance(args, dict):
            return args, ToolOutcome("error: the arguments must be a JSON object", False)
        if name not in self.enabled:
            return args, ToolOutcome(f"error: the tool {name!r} is not available", False)
        try:
            result = self._run(name, args)
        except (SandboxError, CalculatorError) as error:
            return args, ToolOutcome(f"error: {error}", False)
        except _Refused as refusal:
            return args, ToolOutcome(str(refusal), False)
        if len(result) > MAX_RESULT:
            result = result[:MAX_RESULT] + f"\n[truncated at {MAX_RESULT} characters]"
        return args, ToolOutcome(result, True)

    def _run(self, name: str, args: dict[str, Any]) -> str:
        def text(key: str) -> str:
            value = args.get(key)
            if not isinstance(value, str):
                raise SandboxError(f"the argument {key!r} (text) is required")
            return value

        if name == "list_files":
            return "\n".join(self.sandbox.list_files()) or "(no files)"
        if name == "read_file":
            return self.sandbox.read(text("path"))
        if name == "write_file":
            written = self.sandbox.write(text("path"), text("content"))
            return f"wrote {written}"
        if name == "calculator":
            return calculate(text("expression"))
        if name == "search":
            found = search_documents(self.documents, text("query"))
            return "\n\n".join(found) if found else "no matching passages"
        if name == APPROVAL_TOOL:
            return self._request(text("action"), text("reason"))
        if name == "delete_file":
            path = text("path")
            self.sandbox.resolve(path)  # refuse a bad path before using up an approval
            self._consume(name, path)
            return f"deleted {self.sandbox.delete(path)}"
        if name == "send_message":
            to, body = text("to"), text("body")
            self._consume(name, to)
            self.messages.append({"to": to, "body": body})
            return f"sent to {to}"
        raise SandboxError(f"the tool {name!r} is not available")

    def _request(self, action: str, reason: str) -> str:
        tool = action.strip().split(maxsplit=1)[0] if action.strip() else ""
        if tool not in DESTRUCTIVE or tool not in self.enabled:
            raise _Refused(f"denied: {action!r} is not an action that needs approval here")
        if self.approval == "never":
            raise _Refused("denied: approval is never given in this run")
        if self.approve is not None and not self.approve(action, reason):
            raise _Refused("denied by the learner")
        self.approvals.append(action.strip())
        return f"approved: {action.strip()} (once)"

    def _consume(self, tool: str, target: str) -> None:
        for index, granted in enumerate(self.approvals):
            name, _, scope = granted.partition(" ")
            if name == tool and (not scope.strip() or scope.strip() == target.strip()):
                del self.approvals[index]
                return
        raise _Refused(REFUSED)


class _Refused(Exception):
    pass
