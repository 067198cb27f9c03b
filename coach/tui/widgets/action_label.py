"""A clickable label that runs an action: Home's "buttons", drawn as cheaply as text.

Home is the first screen and every widget class on it is paid for at start-up
(a `Button`'s stylesheet alone cost more than the rest of Home's text). The
keys do the same as a click; the label shows which key.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Static


class ActionLabel(Static):
    DEFAULT_CSS = """
    ActionLabel {
        width: auto;
        height: 1;
        padding: 0 1;
        margin-right: 1;
        background: $surface-lighten-1;
    }
    ActionLabel.-primary {
        background: $primary;
        color: $text;
        text-style: bold;
    }
    ActionLabel:hover {
        background: $primary-lighten-1;
    }
    """

    def __init__(self, label: str, action: str, *, id: str, primary: bool = False) -> None:
        super().__init__(label, id=id, markup=False, classes="-primary" if primary else "")
        self.action = action

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        await self.screen.run_action(self.action)
