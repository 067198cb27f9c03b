"""Can this model call tools? Asked before an agent run, not found out five minutes in.

Known answers: the built-in offline model cannot (its handler has no tool
calling); a hosted model litellm lists says whether it can. A server's model
(api_base) is not known until asked: a server that refuses the tools then
fails the first call with `ToolsUnsupported` (see `mapping`).
"""

from __future__ import annotations

from coach.llm._litellm import get_litellm
from coach.llm.mapping import tools_unsupported
from coach.llm.spec import ModelSpec


def tool_support(spec: ModelSpec) -> bool | None:
    """True or False where known, None where only a call can tell."""
    if spec.is_builtin_local:
        return False
    if spec.api_base:
        return None
    lib = get_litellm()
    try:
        # litellm answers False for models it has never heard of; that is "unknown".
        lib.get_model_info(model=spec.model)
    except Exception:
        return None
    try:
        return bool(lib.supports_function_calling(model=spec.model))
    except Exception:
        return None


def check_tool_support(spec: ModelSpec) -> None:
    """Raise ToolsUnsupported for a model known not to call tools."""
    if tool_support(spec) is False:
        why = "the built-in offline model has no tool calling"
        if not spec.is_builtin_local:
            why = "its provider lists no tool calling for it"
        raise tools_unsupported(spec, why)
