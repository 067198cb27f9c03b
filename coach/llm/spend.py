"""A per-session spend cap that every paid call is checked against.

The call path asks `check()` before a call and `record()`s the cost after it.
Models on the learner's own machine are never blocked (they cost nothing), so
a cap of 0 means "no paid calls". A call whose cost litellm cannot price is
counted in `unpriced_calls` so the UI can say the total is a lower bound.
One call can overshoot the cap (its cost is only known afterwards); the next
one is refused.
"""

from __future__ import annotations

import threading

from coach.llm.errors import SpendCapReached
from coach.llm.spec import ModelSpec


class SpendTracker:
    def __init__(self, cap_usd: float) -> None:
        if cap_usd < 0:
            raise ValueError("the spend cap cannot be negative")
        self.cap_usd = cap_usd
        self._spent = 0.0
        self._calls = 0
        self._unpriced = 0
        self._lock = threading.Lock()  # TUI workers may finish calls on several threads

    @property
    def spent_usd(self) -> float:
        return self._spent

    @property
    def remaining_usd(self) -> float:
        return max(self.cap_usd - self._spent, 0.0)

    @property
    def calls(self) -> int:
        return self._calls

    @property
    def unpriced_calls(self) -> int:
        return self._unpriced

    def check(self, spec: ModelSpec) -> None:
        """Raise SpendCapReached if this paid call must not start."""
        if spec.on_machine:
            return
        with self._lock:
            if self._spent >= self.cap_usd:
                raise SpendCapReached(self._spent, self.cap_usd)

    def record(self, cost_usd: float | None) -> None:
        with self._lock:
            self._calls += 1
            if cost_usd is None:
                self._unpriced += 1
            else:
                self._spent += cost_usd
