"""Can this model be used right now? A check with a plain answer and the fix.

Local: the `local` extra and the weights are installed, and with `decode=True`
a throwaway model process actually decodes a few tokens (a build that crashes
in its first decode is not ready, whatever is installed). Hosted: a key is found
(environment or keyring) for what `litellm.validate_environment` says the
provider needs. Self-hosted: the server answers at its api_base.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from coach import keys
from coach.llm._litellm import get_litellm
from coach.llm.errors import ModelError
from coach.llm.local import check_available, decode_check
from coach.llm.spec import LOCAL_PREFIX, ModelSpec

PROBE_TIMEOUT_S = 2.0
DECODE_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class Readiness:
    spec: ModelSpec
    ready: bool
    detail: str
    fix: str = ""


def check_ready(spec: ModelSpec, *, decode: bool = False) -> Readiness:
    """Blocking (a decode takes a second or two, more on a cold start): call off the UI loop."""
    if spec.model.startswith(f"{LOCAL_PREFIX}/"):
        name = spec.model.split("/", 1)[1]
        try:
            check_available(name)
            if decode:
                tokens = decode_check(name, timeout=DECODE_TIMEOUT_S)
        except ModelError as error:
            return Readiness(spec, False, error.message, error.fix)
        if decode:
            return Readiness(spec, True, f"runs on this machine, offline (decoded {tokens} tokens)")
        return Readiness(spec, True, "runs on this machine, offline")
    if spec.api_base:
        return _server_answers(spec)
    return _key_present(spec)


def _server_answers(spec: ModelSpec) -> Readiness:
    url = f"{spec.api_base.rstrip('/')}/models"  # type: ignore[union-attr]
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT_S):
            pass
    except urllib.error.HTTPError:
        pass  # it answered; an error status still means a server is there
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Readiness(
            spec,
            False,
            f"no server answers at {spec.api_base} ({reason})",
            "Start the server (Ollama, llama.cpp, LM Studio, vLLM) or correct the address.",
        )
    return Readiness(spec, True, f"server answers at {spec.api_base}")


def _key_present(spec: ModelSpec) -> Readiness:
    if spec.provider and keys.get_key(spec.provider):
        return Readiness(spec, True, f"key for {spec.provider} found")
    needed = get_litellm().validate_environment(model=spec.model)
    missing = list(needed.get("missing_keys") or [])
    if not missing:
        return Readiness(spec, True, "credentials found in the environment")
    fix = f"Set {' or '.join(missing)}"
    if spec.provider:
        fix += f", or run `coach keys set {spec.provider}`"
    return Readiness(spec, False, f"no key: {', '.join(missing)} not set", fix + ".")
