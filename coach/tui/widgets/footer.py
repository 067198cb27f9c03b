"""The key bar at the bottom of every screen: the keys the screen offers, as one line.

It looks and works like Textual's `Footer` (a key and what it does, clickable,
dimmed when not available now, the command palette's key on the right), but
is one widget drawing one line of text and redrawn only when the keys
change. Textual's footer mounts a widget per key and rebuilds them all on
every bindings signal (several while a screen mounts and takes focus): on
Home that was the largest single cost of starting the app
(tests/bench/startup.py), and it was paid again on every screen shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen


class Key(NamedTuple):
    key: str  # what `simulate_key` presses
    shown: str  # the key as the learner's keymap displays it
    description: str
    enabled: bool


class KeyRow(NamedTuple):
    keys: tuple[Key, ...]  # left, in binding order
    palette: Key | None  # the command palette's key, on the right


def shown_keys(screen: Screen[Any]) -> KeyRow:
    """The keys a footer shows for `screen` (one per action, as Textual's footer does)."""
    app = screen.app
    keys: dict[str, Key] = {}
    palette: Key | None = None
    for _, binding, enabled, _tooltip in screen.active_bindings.values():
        key = Key(binding.key, app.get_key_display(binding), binding.description, enabled)
        if binding.key == app.COMMAND_PALETTE_BINDING:
            palette = key if app.ENABLE_COMMAND_PALETTE else None
        elif binding.show and binding.action not in keys:
            keys[binding.action] = key
    return KeyRow(tuple(keys.values()), palette)


class Footer(Widget, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"footer--key", "footer--description"}
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._row = KeyRow((), None)
        self._spans: list[tuple[int, int, Key]] = []  # cells each key takes, for clicks
        self._hover: str | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is not self.screen or not self.is_attached:
            return
        row = shown_keys(screen)
        if row != self._row:
            self._row = row
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("footer--key")
        description_style = self.get_component_rich_style("footer--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []

        def add(key: Key, text: Text) -> None:
            start = text.cell_len
            text.append(f" {key.shown} ", key_style)
            if key.description:
                text.append(f"{key.description} ", description_style)
            if not key.enabled:
                text.stylize("dim", start)
            if key.key == self._hover and key.enabled:
                text.stylize("reverse", start)
            self._spans.append((start, text.cell_len, key))

        for key in self._row.keys:
            add(key, line)
        palette = self._row.palette
        if palette is not None:
            right = Text(end="")
            add(palette, right)
            gap = self.size.width - line.cell_len - right.cell_len - 1
            if gap >= 1:
                offset = line.cell_len + gap + 1
                line.append(" " * gap)
                line.append("▏", "dim")
                start, end, key = self._spans.pop()
                self._spans.append((start + offset, end + offset, key))
                line.append_text(right)
        return line

    def _key_at(self, x: int) -> Key | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        hover = key.key if key is not None else None
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()
