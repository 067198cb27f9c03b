"""Whether an exercise's python checks may run: its pack decides, not the caller.

Every grading path (the app, `coach attempt`, `coach check`, sprints, the
multi-step kinds) builds its GradeContext with `grade_trust`, so no entry
point can run an untrusted pack's code by passing `trusted=True`.
"""

from __future__ import annotations

from typing import Any


def grade_trust(exercise: Any, caller: bool) -> dict[str, Any]:
    """`trusted` and `pack_dir` for a GradeContext.

    An exercise loaded from the catalog carries its pack's trust (built-in:
    trusted; a pack: only while `coach packs trust` matches its files). One
    built in code (tests, authoring) follows the caller's `trusted`. A
    trusted pack is checked again here, so one edited since it loaded (its
    files no longer match the trust record) runs no code.
    """
    allowed = getattr(exercise, "python_allowed", None)
    trusted = bool(allowed(caller)) if callable(allowed) else caller
    pack_dir = getattr(exercise, "pack_dir", None)
    if trusted and pack_dir is not None and getattr(exercise, "recheck_trust", False):
        # Edited since it loaded? Then it is not the pack the user trusted.
        from coach.config.trust import still_trusted

        trusted = still_trusted(pack_dir)
    return {"trusted": trusted, "pack_dir": pack_dir}
