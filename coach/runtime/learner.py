"""Who is practising: the learner named in the config, created in the store on first use."""

from __future__ import annotations

import getpass

from coach.config import Config
from coach.store import Store
from coach.store.records import LearnerRecord

DEFAULT_ROLE = "individual-contributor"


def current_learner(store: Store, config: Config) -> LearnerRecord:
    """The configured learner; created (one write) only the first time."""
    name = config.learner.name or _login_name()
    found = store.find_learner(name, config.learner.email)
    if found is not None:
        return found
    return store.ensure_learner(name, config.learner.role or DEFAULT_ROLE, config.learner.email)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "learner"
