"""The coach app. For now one screen: the levels and the library it practises on."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from coach.content import Catalog, load_catalog
from coach.tui.levels_view import LevelsView


class CoachApp(App[None]):
    TITLE = "coach"
    SUB_TITLE = "practise working with generative AI"
    CSS_PATH = "coach.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit", id="quit")]

    def __init__(self, catalog: Catalog | None = None) -> None:
        super().__init__()
        self.catalog = catalog if catalog is not None else load_catalog()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="main"):
            yield Static(
                "Six levels, from chatting with an assistant to engineering agentic "
                "systems. Each person practises at their own level.",
                id="intro",
            )
            yield LevelsView(self.catalog, id="levels")
        yield Footer()
