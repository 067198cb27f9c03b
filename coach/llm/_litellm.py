"""The one place litellm is imported: lazily, once, configured for a terminal app.

`import litellm` takes about 3 s and 200 MiB, and without
LITELLM_LOCAL_MODEL_COST_MAP it fetches a price list from the network (hanging
for seconds offline). So nothing imports it at start-up: the UI calls
`warm_up()` from a worker once the first screen is drawn, and the call path
calls `get_litellm()` (off the event loop) if that has not happened yet.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from types import ModuleType

_lock = threading.Lock()
_module: ModuleType | None = None

# litellm's loggers. Its handler writes records below WARNING to *stdout*, which
# would corrupt the TUI and `coach ask` output, so it is removed.
_LOGGERS = ("LiteLLM", "LiteLLM Proxy", "LiteLLM Router")


def is_loaded() -> bool:
    return _module is not None


def get_litellm() -> ModuleType:
    """litellm, imported and configured on first use. Thread-safe; blocks while importing."""
    if _module is not None:
        return _module
    return _load()


def _load() -> ModuleType:
    global _module
    with _lock:
        if _module is None:
            # Must be set before the import: the price list is read at import time.
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            import litellm

            _configure(litellm)
            _module = litellm
    return _module


def _configure(litellm: ModuleType) -> None:
    # litellm's module attributes are not in its stubs: set them by name.
    setattr(litellm, "suppress_debug_info", True)  # noqa: B010 (else "Give Feedback" banners on stdout)
    setattr(litellm, "set_verbose", False)  # noqa: B010
    setattr(litellm, "telemetry", False)  # noqa: B010
    _quiet_logging()
    from coach.llm._local_handler import LocalLLM

    # Keep any handlers someone else registered; replace only ours.
    registered = getattr(litellm, "custom_provider_map", [])
    others = [p for p in registered if p.get("provider") != "local"]
    ours = {"provider": "local", "custom_handler": LocalLLM()}
    setattr(litellm, "custom_provider_map", [*others, ours])  # noqa: B010


def _quiet_logging() -> None:
    """No litellm log line reaches the terminal; records still propagate to the root logger."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if isinstance(handler, logging.StreamHandler):
                logger.removeHandler(handler)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())  # also keeps logging.lastResort quiet
        logger.setLevel(logging.WARNING)  # LITELLM_LOG=DEBUG would otherwise log every chunk


def warm_up(*, local_model: bool = False) -> None:
    """Import litellm now (call from a background worker). Optionally load the offline model.

    Errors loading the offline model are left for the first call to report.
    """
    get_litellm()
    if local_model:
        from coach.llm.errors import ModelError
        from coach.llm.local import get_local_model

        with contextlib.suppress(ModelError):
            get_local_model("smollm2").load()
