"""A stand-in for `_local_worker.py` (no llama.cpp): speaks its protocol, crashes on request.

A chat whose last message says "crash" gets two pieces, then a real SIGSEGV
(a NULL read through ctypes): the native crash the parent must survive.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys

out = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)


def send(event: dict) -> None:
    out.write(json.dumps(event) + "\n")
    out.flush()


for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "load":
        print("native chatter on stdout must not reach the protocol")
        send(
            {
                "event": "loaded",
                "n_threads": len(os.sched_getaffinity(0)),
                "omp": os.environ.get("OMP_WAIT_POLICY"),
            }
        )
    elif request["op"] == "chat":
        text = request["messages"][-1]["content"]
        send({"event": "piece", "text": "Hello"})
        send({"event": "piece", "text": " there"})
        if "crash" in text:
            sys.stderr.write("ggml: about to read address 0\n")
            sys.stderr.flush()
            ctypes.string_at(0)
        send({"event": "done", "finish_reason": "stop", "tokens_in": 5, "tokens_out": 2})
