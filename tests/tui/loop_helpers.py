"""Shared set-up for the TUI tests: a Session on the loopback fake, fixed seed, no traps."""

from __future__ import annotations

from typing import Any

from coach.config import Config, ModelEntry, load_config, save_config
from coach.runtime.session import Session
from coach.tui.app import CoachApp
from coach.tui.flow import PRACTICE_GROUP

SIZE = (100, 36)
HOSTILE = (
    "[bold]x[/bold] [link=http://e]x[/link] \x1b[31mred "
    "\x1b]8;;http://e\x1b\\x\x1b]8;;\x1b\\ \u202eevil"
)


def fake_config(base_url: str | None = None, **fields: Any) -> Config:
    if base_url is None:
        return Config(**fields)
    return Config(
        model="fake",
        models=[ModelEntry(name="fake", model="openai/fake-model", api_base=base_url)],
        **fields,
    )


def session_for(base_url: str | None = None, *, named: bool = True, seed: int = 1) -> Session:
    session = Session.open(fake_config(base_url), seed=seed, trap_mode="never")
    if named:
        session.save_profile("Ada", "analyst", "fake" if base_url else "local/smollm2")
    return session


def app_for(session: Session) -> CoachApp:
    return CoachApp(session=session, warm_up=False)


def text_of(widget: Any) -> str:
    return str(widget.render())


async def settle(app: CoachApp, pilot: Any) -> None:
    """Wait until the app is idle: every worker done but the practice flow, which
    waits on the learner (it ends only when they go home)."""
    await pilot.pause()
    await wait_for_workers(app)
    await pilot.pause()


async def wait_for_workers(app: CoachApp) -> None:
    busy = [w for w in app.workers if w.group != PRACTICE_GROUP]
    if busy:  # (an empty list would mean "all" to wait_for_complete)
        await app.workers.wait_for_complete(busy)


def saved_session(config: Config) -> Session:
    """A real Session over `config`, saved to the config file first (as the app would)."""
    save_config(config)
    return Session.open(load_config(), seed=1, trap_mode="never")
